"""``yusuan template`` and ``yusuan compile`` (registered by ``yusuan.cli``).

Thin adapters: options → one library call → print → exit code (0 ok, 1 error findings,
2 unusable input with a one-line message).
"""

from __future__ import annotations

import json
import sys

import click

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _print_findings(findings, stream=None) -> None:
    stream = stream or sys.stderr
    for f in findings:
        where = f.location.describe()
        click.echo(f"  {f.severity or 'error':<7} {f.code:<32} {where}\n          {f.message}", file=stream)


@click.command("template")
@click.option("-o", "--output", required=True, help="Where to write the budget-input workbook (.xlsx).")
@click.option("--example", is_flag=True, help="Fill it with the bundled example (鹿泉区信访局 2021).")
def template_command(output: str, example: bool) -> None:
    """Write the budget-input workbook a clerk fills in Excel or WPS."""
    from .workbook import write_template

    data = None
    if example:
        from . import BadInput
        from .synthetic import example_data

        try:
            data = example_data()
        except BadInput as exc:
            click.echo(f"yusuan: the bundled example is in the source checkout ({exc})", err=True)
            sys.exit(EXIT_UNREADABLE)
    try:
        write_template(output, data)
    except OSError as exc:
        click.echo(f"yusuan: {output}: cannot write ({exc.strerror})", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"yusuan: wrote {output}", err=True)


@click.command("compile")
@click.argument("input_path", metavar="INPUT")
@click.option("-o", "--output", default=None, help="Disclosure JSON to write (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf", "xlsx", "docx", "html", "txt", "csv"]), default="json", show_default=True,
              help="Write the compiled disclosure as JSON (default) or render it directly.")
@click.option("--no-check", is_flag=True, help="Do not run the checker on the result.")
def compile_command(input_path: str, output: str | None, fmt: str, no_check: bool) -> None:
    """Compile a disclosure from budget data (YAML, JSON or the XLSX template).

    Every standard table is derived from the expenditure lines, the 情况说明 is written from
    the tables, and ``check`` runs on the result: input problems and check errors are
    listed with their sheet/row/column or table/序号/column.
    """
    from . import BadInput, compile_path

    try:
        doc, findings = compile_path(input_path)
    except BadInput as exc:
        click.echo(f"yusuan: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    if doc is None:
        click.echo(f"yusuan: {input_path}: cannot compile — {len([f for f in findings if f.severity == 'error'])} input errors:", err=True)
        _print_findings(findings)
        sys.exit(EXIT_ERRORS)
    if not no_check:
        from ..check import check

        findings = list(check(doc, extra=findings).findings)
    from ..render import render

    data = render(doc, fmt)
    if output in (None, "-"):
        if fmt in ("json", "txt", "csv", "html"):
            sys.stdout.write(data.decode("utf-8"))
        else:
            click.echo("yusuan: binary output needs -o FILE", err=True)
            sys.exit(EXIT_UNREADABLE)
    else:
        with open(output, "wb") as fh:
            fh.write(data)
    errors = [f for f in findings if f.severity == "error"]
    shown = [f for f in findings if f.severity in ("error", "warning")]
    if shown:
        click.echo(f"yusuan: {input_path}: {len(errors)} 个错误，{len(shown) - len(errors)} 个警告", err=True)
        _print_findings(shown)
    sys.exit(EXIT_ERRORS if errors else EXIT_OK)


def findings_json(findings) -> str:
    return json.dumps(
        [
            {
                "code": f.code,
                "severity": f.severity,
                "sheet": f.location.sheet,
                "row": f.location.row,
                "column": f.location.column,
                "table": f.location.table,
                "message": f.message,
            }
            for f in findings
        ],
        ensure_ascii=False,
        indent=1,
    )


COMMANDS: tuple[click.Command, ...] = (template_command, compile_command)
