"""``yusuan render FILE --to FORMAT -o OUT`` (registered by ``yusuan.cli``).

Reads any disclosure ``parse`` reads (PDF, text, XLSX, HTML, DOCX, the disclosure JSON that
``parse --format json`` and ``compile`` write) and prints it in another format.  Exit codes:
0 written, 2 unreadable input or a format that cannot be produced here (one-line message).
"""

from __future__ import annotations

import sys

import click

from . import FORMATS

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


@click.command("render")
@click.argument("input_path", metavar="FILE")
@click.option("--to", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option("-o", "--output", default=None, help="Output file (text formats may go to standard output).")
def render_command(input_path: str, fmt: str, output: str | None) -> None:
    """Render a disclosure (parsed or compiled) as PDF, XLSX, DOCX, HTML, TXT, CSV or JSON."""
    from ..api import NotADisclosure, read
    from . import RenderError, render

    try:
        doc, _ = read(input_path)
    except NotADisclosure as exc:
        click.echo(f"yusuan: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    try:
        data = render(doc, fmt)
    except RenderError as exc:
        click.echo(f"yusuan: {input_path}: {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    if output in (None, "-"):
        if fmt in ("pdf", "xlsx", "docx"):
            click.echo(f"yusuan: {fmt} is binary: give -o FILE", err=True)
            sys.exit(EXIT_UNREADABLE)
        sys.stdout.write(data.decode("utf-8"))
    else:
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            click.echo(f"yusuan: {output}: cannot write ({exc.strerror})", err=True)
            sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_OK)


COMMANDS: tuple[click.Command, ...] = (render_command,)
