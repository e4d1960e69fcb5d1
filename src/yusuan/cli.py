"""Command line: thin commands over the library (options → one call → print → exit code).

Exit codes: 0 no error finding, 1 error findings, 2 an input cannot be read as a
disclosure at all (missing, empty, not text, not a PDF …) — always a one-line message,
never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from . import __version__
from .api import DOCUMENT_SUFFIXES
from .check import codes as rule_codes
from .model import Disclosure
from .model.finding import Finding
from .render.opendata import CSV_HEADER, csv_records, to_json
from .runner import Outcome, pair_companions, run, run_inline

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _expand(inputs: tuple[str, ...]) -> tuple[list[Path], bool]:
    """Files as given; a directory means every document in it (sorted)."""
    out: list[Path] = []
    had_dir = False
    for s in inputs:
        p = Path(s)
        if p.is_dir():
            had_dir = True
            out += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in DOCUMENT_SUFFIXES)
        else:
            out.append(p)
    return out, had_dir


def _run(paths: list[Path], progress: bool, jobs: int, timeout: float) -> list[Outcome]:
    if len(paths) == 1 and jobs == 0 and not progress:
        return list(run_inline(paths)) if timeout <= 0 else run(paths, jobs=1, timeout=timeout)
    if not progress:
        return run(paths, jobs=jobs, timeout=timeout) if timeout > 0 else list(run_inline(paths))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr_console(),
        transient=False,
    ) as bar:
        task = bar.add_task("yusuan", total=len(paths))
        return run(paths, jobs=jobs, timeout=timeout, on_done=lambda o: bar.advance(task))


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _finding_json(f: Finding) -> dict:
    loc = f.location
    return {
        "code": f.code,
        "severity": f.severity,
        "table": loc.table,
        "row": loc.row,
        "column": loc.column,
        "subject_code": loc.subject_code,
        "page": loc.page,
        "line": loc.line,
        "unit_code": loc.unit_code,
        "expected": None if f.expected is None else str(f.expected),
        "actual": None if f.actual is None else str(f.actual),
        "message": f.message,
    }


def _open_out(output: str | None):
    if output in (None, "-"):
        return sys.stdout, False
    return open(output, "w", encoding="utf-8", newline=""), True


def _write_report(path: str | None, outcomes: list[Outcome]) -> None:
    if not path:
        return
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "phase", "scope", "year", "units", "tables", "errors", "warnings", "pages", "seconds", "problem"])
        for o in outcomes:
            if o.result is None:
                w.writerow([str(o.path), "", "", "", "", 0, "", "", "", f"{o.seconds:.3f}", o.error])
                continue
            d = o.result.disclosure
            rep = o.result.report
            w.writerow(
                [
                    str(o.path),
                    d.phase or "",
                    d.scope or "",
                    d.year or "",
                    ";".join(f"{u.code or ''} {u.name}".strip() for u in d.units),
                    ";".join(sorted({t.id for t in d.tables})),
                    len(rep.errors),
                    len(rep.warnings),
                    d.pages,
                    f"{o.seconds:.3f}",
                    "",
                ]
            )




def _summary(outcomes: list[Outcome]) -> str:
    ok = [o for o in outcomes if o.result is not None]
    bad = len(outcomes) - len(ok)
    errs = sum(len(o.result.report.errors) for o in ok)
    warns = sum(len(o.result.report.warnings) for o in ok)
    clean = sum(1 for o in ok if not o.result.report.errors)
    secs = sum(o.seconds for o in outcomes)
    return (
        f"{len(outcomes)} 个文件：{clean} 个无错误，{len(ok) - clean} 个有错误（共 {errs} 个错误、{warns} 个警告），"
        f"{bad} 个无法读取；用时 {secs:.1f} 秒"
    )


def _exit_code(outcomes: list[Outcome]) -> int:
    if any(o.result is None for o in outcomes):
        return EXIT_UNREADABLE
    if any(o.result.report.errors for o in outcomes):
        return EXIT_ERRORS
    return EXIT_OK


def _report_unreadable(outcomes: list[Outcome]) -> None:
    for o in outcomes:
        if o.result is None:
            click.echo(f"yusuan: {o.error}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="yusuan")
def main() -> None:
    """yusuan (预算): Chinese budget disclosures as checked, structured data."""


_common = [
    click.argument("inputs", nargs=-1, required=True),
    click.option("-o", "--output", default=None, help="Write here instead of standard output."),
    click.option("--report", "report_path", default=None, help="Per-document summary CSV (file, phase, scope, year, …)."),
    click.option("-j", "--jobs", default=0, show_default=True, help="Worker processes for many files (0 = one per core)."),
    click.option("--timeout", default=120.0, show_default=True, help="Seconds allowed per document (0 = no limit)."),
]


def _with_common(f):
    for deco in reversed(_common):
        f = deco(f)
    return f


@main.command()
@_with_common
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def parse(inputs, output, report_path, jobs, timeout, fmt):
    """Parse disclosures (text, PDF, disclosure JSON) into structured data.

    --format csv is the open-data export: one line per non-blank numeric cell.
    """
    paths, had_dir = _expand(inputs)
    if not paths:
        click.echo(f"yusuan: {' '.join(inputs)}: no documents found", err=True)
        sys.exit(EXIT_UNREADABLE)
    outcomes = _run(paths, progress=had_dir or len(paths) > 1, jobs=jobs, timeout=timeout)
    _report_unreadable(outcomes)
    if len(outcomes) > 1:
        outcomes = pair_companions(outcomes)
    docs: list[Disclosure] = [o.result.disclosure for o in outcomes if o.result is not None]
    out, close = _open_out(output)
    try:
        if fmt == "csv":
            w = csv.writer(out, lineterminator="\n")
            w.writerow(CSV_HEADER)
            for d in docs:
                w.writerows(csv_records(d))
        elif docs:
            if len(paths) == 1:
                out.write(to_json(docs[0]))
            else:
                from .model.serialize import to_dict

                out.write(json.dumps([to_dict(d) for d in docs], ensure_ascii=False, indent=1))
            out.write("\n")
    finally:
        if close:
            out.close()
    _write_report(report_path, outcomes)
    if had_dir or len(paths) > 1:
        click.echo(_summary(outcomes), err=True)
    sys.exit(EXIT_UNREADABLE if any(o.result is None for o in outcomes) else EXIT_OK)


@main.command()
@_with_common
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-severity", type=click.Choice(["error", "warning", "info"]), default="info", show_default=True)
def check(inputs, output, report_path, jobs, timeout, fmt, min_severity):
    """Check disclosures: arithmetic, code tree, cross-table and narrative identities."""
    paths, had_dir = _expand(inputs)
    if not paths:
        click.echo(f"yusuan: {' '.join(inputs)}: no documents found", err=True)
        sys.exit(EXIT_UNREADABLE)
    many = had_dir or len(paths) > 1
    outcomes = _run(paths, progress=many, jobs=jobs, timeout=timeout)
    _report_unreadable(outcomes)
    if many:
        outcomes = pair_companions(outcomes)
        many = len(outcomes) > 1 or had_dir
    keep = {"error": 0, "warning": 1, "info": 2}[min_severity]
    order = {"error": 0, "warning": 1, "info": 2}
    out, close = _open_out(output)
    try:
        if fmt == "json":
            docs = []
            for o in outcomes:
                if o.result is None:
                    docs.append({"file": str(o.path), "error": o.error, "findings": [], "summary": {}})
                    continue
                rep = o.result.report
                fs = [_finding_json(f) for f in rep.findings if order.get(f.severity, 0) <= keep]
                docs.append({"file": str(o.path), "findings": fs, "summary": rep.summary()})
            if len(docs) == 1 and not had_dir:
                payload = {"findings": docs[0]["findings"], "summary": docs[0]["summary"], "file": docs[0]["file"]}
                if "error" in docs[0]:
                    payload["error"] = docs[0]["error"]
            else:
                total = {
                    "documents": len(docs),
                    "unreadable": sum(1 for d in docs if "error" in d),
                    "errors": sum(d["summary"].get("errors", 0) for d in docs),
                    "warnings": sum(d["summary"].get("warnings", 0) for d in docs),
                }
                payload = {"documents": docs, "summary": total}
            out.write(json.dumps(payload, ensure_ascii=False, indent=1))
            out.write("\n")
        else:
            buf = io.StringIO()
            for o in outcomes:
                if o.result is None:
                    continue
                rep = o.result.report
                d = o.result.disclosure
                s = rep.summary()
                buf.write(f"{o.path}: {d.year or ''}年 {d.scope or ''}{d.phase or ''} {len(d.tables)} 张表 — "
                          f"{s['errors']} 个错误，{s['warnings']} 个警告，{s['infos']} 条提示\n")
                for f in rep.findings:
                    if order.get(f.severity, 0) > keep:
                        continue
                    where = f.location.describe()
                    buf.write(f"  {f.severity:<7} {f.code:<30} {where}\n          {f.message}\n")
            out.write(buf.getvalue())
    finally:
        if close:
            out.close()
    _write_report(report_path, outcomes)
    if many:
        click.echo(_summary(outcomes), err=True)
    sys.exit(_exit_code(outcomes))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def rules(fmt):
    """Print the rule catalogue (docs/rules.md is generated from it)."""
    if fmt == "json":
        click.echo(
            json.dumps(
                [{"code": r.code, "severity": r.severity, "family": r.family, "title": r.title, "identity": r.identity} for r in rule_codes.RULES],
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        click.echo(rule_codes.markdown())


def _register() -> None:
    """Commands of the other stages (compile, render, store/web) live with their package."""
    from .compile.commands import COMMANDS as compile_commands
    from .render.commands import COMMANDS as render_commands
    from .web.commands import COMMANDS as web_commands

    for cmd in (*compile_commands, *render_commands, *web_commands):
        main.add_command(cmd)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
