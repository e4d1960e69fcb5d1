"""PDF: A4, CJK font embedded, typeset by typst (PyPI ``typst``, Apache-2.0).

The official layout: a cover, a 目录 with page numbers, each table on its own landscape
pages with the title and the unit line / 预算年度 / 单位 under it, and on every continuation
page the same furniture as a page header and the column headers (with 栏次) repeated;
序号 and 栏次 as printed by the finance bureaus; empty tables with their note; then the
情况说明 on portrait pages with the performance-target tables.  The typst source is built
here as code (strings passed as string literals, never as markup), and one compiler per
process keeps the fonts loaded: a seed-sized document takes well under a second.
"""

from __future__ import annotations

import re
import threading
from functools import cache

from ..model import Disclosure
from . import RenderError
from .document import Block, blocks
from .fonts import SANS, SERIF, FontMissing, font_dirs
from .sheet import Grid

_LOCK = threading.Lock()


def lit(text: str) -> str:
    """A typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def _fonts(names: tuple[str, ...]) -> str:
    return "(" + ", ".join(lit(n) for n in names) + ",)"


_PREAMBLE = """
#set document(title: {title}, author: "yusuan")
#set text(font: {serif}, size: 10.5pt, lang: "zh", region: "cn", cjk-latin-spacing: none)
#set par(justify: true, leading: 0.8em, spacing: 0.9em)
#set page(paper: "a4", margin: (x: 2cm, top: 2.2cm, bottom: 2cm),
  footer: context align(center, text(size: 9pt)[第 #counter(page).display() 页]))
#show heading: set text(font: {sans})
#show heading.where(level: 1): set align(center)
#show heading.where(level: 1): set text(size: 14pt)
#show heading.where(level: 2): set text(size: 12pt)
#show heading.where(level: 3): set text(size: 10.5pt)
#set table(stroke: 0.5pt + black, inset: (x: 3pt, y: 2.5pt))
#show table: set text(font: {sans})
#show table: set par(justify: false, leading: 0.5em)
#let meta(unit, year, amount) = block(width: 100%, below: 0.5em, text(font: {sans}, size: 9pt)[
  #if unit != none [#unit #linebreak()]
  #grid(columns: (1fr, 1fr), align(left, if year != none [#year]), align(right, amount))
])
"""


# a number or a code, as the PDF reader (parse/extract/pdf_lines.py) tells them apart
_ATOM_RE = re.compile(r"^(?:[-−]?[\d,，]+(?:\.\d+)?%?|\d{3}(?:\d{2}){1,3}|---|-)$")


def _spaced(text: str) -> str:
    """A space between two words that are not numbers is set as an en space (half an em,
    one character cell): the font's word space is so narrow that a reader of the PDF joins
    the two words solid (``…缴费支出 50102-社会保障缴费``).  Beside a number the narrow space
    stays, so that the number is not read as a cell of its own (``单价在 20 万元``)."""
    if " " not in text:
        return text
    parts = text.split(" ")
    out = parts[0]
    for prev, word in zip(parts, parts[1:]):
        wide = prev and word and not _ATOM_RE.match(prev) and not _ATOM_RE.match(word)
        out += ("\u2002" if wide else " ") + word
    return out


def _cell(c, head: bool, fill: bool) -> str:
    args = []
    if c.colspan > 1:
        args.append(f"colspan: {c.colspan}")
    if c.rowspan > 1:
        args.append(f"rowspan: {c.rowspan}")
    if head:
        args.append("align: center + horizon")
        if fill:
            args.append("fill: rgb(\"#eef1f5\")")
    elif c.kind in ("amount", "quantity"):
        args.append("align: right + horizon")
    elif c.kind in ("seq",):
        args.append("align: center + horizon")
    else:
        args.append("align: left + horizon")
    body = lit(_spaced(c.text))
    if head:
        body = f"strong({body})"
    elif c.kind == "label" and c.indent:
        body = f"pad(left: {c.indent}em, {body})"
    return f"table.cell({', '.join(args)}, {body})"


# Usable width of a landscape table page: A4, or for a table too wide for it even in the
# smallest size the next larger paper (bureaus print their widest tables on A3).
_PAGE_WIDTH = {"a4": 750.0, "a3": 1095.0, "a2": 1580.0}


def _paper(g: Grid) -> str:
    return next((p for p in ("a4", "a3") if _widths(g, _PAGE_WIDTH[p])[2]), "a2")


def _grid(g: Grid, paper: str = "a4") -> str:
    if g.table_id in ("performance_targets", "organisations"):
        total = sum(g.widths) or 1
        cols = ", ".join(f"{w / total * 100:.2f}%" for w in (g.widths or [1] * g.ncols))
        size = 8.0
    else:
        widths, size, _ = _widths(g, _PAGE_WIDTH[paper])
        cols = ", ".join(widths)
    parts = [f"table(columns: ({cols},)"]
    if g.header:
        head = [_cell(c, True, True) for row in g.header for c in row if c is not None]
        if g.numbers:
            head += [f"table.cell(align: center, fill: rgb(\"#eef1f5\"), {lit(t)})" for t in g.numbers]
        parts.append("table.header(repeat: true, " + ", ".join(head) + ")")
    for row in g.body:
        for c in row:
            if c is not None:
                parts.append(_cell(c, c.kind == "head", c.kind == "head"))
    table = ",\n  ".join(parts) + ")"
    return f"text(size: {size:.2f}pt, {table})"


_FULL_WIDTH = frozenset("‘’“”—…")  # a full em in the CJK fonts, like the ideographs


def _text_width(text: str, size: float) -> float:
    """Points a line of ``text`` needs at ``size`` (CJK a full em, digits and Latin about half)."""
    return sum(size if ord(ch) > 0x2E80 or ch in _FULL_WIDTH else size * 0.56 for ch in text)


def _widths(g: Grid, page: float = 750.0) -> tuple[list[str], float, bool]:
    """Column widths in points and the table's font size.

    Every header and every amount stays on one line (a reader of the PDF joins a wrapped
    header wrongly and finds columns by the gaps between them): columns take their natural
    width plus a clear gap, names take the rest; a table too wide for the page is set in a
    smaller size (down to 5.5 pt) before a name wraps; the last value says whether it fits."""
    n = g.ncols
    need = [0.0] * n  # at 8 pt
    head = [0.0] * n
    for row in g.header:
        for j, c in enumerate(row):
            if c is not None and c.colspan == 1:
                head[j] = max(head[j], _text_width(c.text, 8))
                need[j] = max(need[j], _text_width(c.text, 8.5))
    body = [0.0] * n
    for row in g.body:
        for j, c in enumerate(row):
            if c is not None and c.colspan == 1:
                body[j] = max(body[j], _text_width(c.text, 8) + 8 * c.indent)
    for j, t in enumerate(g.numbers or ()):
        body[j] = max(body[j], _text_width(t, 8))
    flex = {j for j, k in enumerate(g.kinds) if k in ("label", "text")}
    gap = 14.0
    # a column of amounts under a longer header is as wide as the header (plus the cell's
    # insets and a little): the centred header then reaches over the right-aligned amounts,
    # even a lone ``0``, so that a reader of the PDF puts them under it and not under an
    # empty column beside it
    snug = {j for j, k in enumerate(g.kinds) if k in ("amount", "quantity") and head[j] + 8 >= body[j] + gap}
    for j in range(n):
        need[j] = max(need[j], body[j])
    label_cap = page * 0.4
    total = sum(min(need[j], label_cap) + (6 if j in flex else 0) for j in range(n))
    room = page - gap * n
    scale = 1.0 if total <= room else max(5.5 / 8, room / total)
    widths = []
    for j in range(n):
        if j in flex:
            widths.append("1fr")
        elif j in snug:
            widths.append(f"{(head[j] * scale + 9):.1f}pt")
        else:
            widths.append(f"{(need[j] * scale + gap):.1f}pt")
    return widths, round(8 * scale, 2), total * scale <= room + 0.5


def _meta_call(g: Grid) -> str:
    unit = next((m for m in g.meta if not m.startswith(("预算年度", "单位："))), None)
    year = next((m for m in g.meta if m.startswith("预算年度")), None)
    amount = next((m for m in g.meta if m.startswith("单位：")), "")
    return f"meta({lit(unit) if unit else 'none'}, {lit(year) if year else 'none'}, {lit(amount)})"


def _title(text: str, width: float, label: str = "") -> str:
    """A level-1 heading (a table's title, the 情况说明's) on one line: a reader of the PDF
    knows a title by its whole line, so a long one is set smaller rather than wrapped."""
    size = min(14.0, max(8.0, width / max(_text_width(text, 1.0), 1.0)))
    heading = f"heading(level: 1, {lit(text)})" + (f" <{label}>" if label else "")
    if size >= 14.0:
        return f"#{heading}"
    return f"#[#show heading: set text(size: {size:.1f}pt)\n#{heading}]"


def typst_source(doc: Disclosure) -> str:
    bs = blocks(doc)
    title = bs[0].text if bs and bs[0].kind == "title" else doc.title
    out = [_PREAMBLE.format(title=lit(title), serif=_fonts(SERIF), sans=_fonts(SANS))]
    n_table = 0
    in_narrative = False
    for b in bs:
        if b.kind == "title":
            sub = next((x.text for x in bs if x.kind == "subtitle"), None)
            cover = f"text(font: {_fonts(SANS)}, size: 22pt, weight: \"bold\", {lit(b.text)})"
            if sub:
                cover += f" + v(2em) + text(size: 14pt, {lit(sub)})"
            out.append(f"#page(footer: none, align(center + horizon, {cover}))")
        elif b.kind == "toc":
            out.append("#outline(title: [目录], depth: 2, indent: 1.5em)\n#pagebreak(weak: true)")
        elif b.kind == "table":
            n_table += 1
            g = b.grid
            label = f"tbl{n_table}"
            header = f"context {{ let s = locate(<{label}>).page(); if here().page() > s {{ {_meta_call(g)} }} }}"
            paper = _paper(g)
            body = [
                _title(g.title, _PAGE_WIDTH[paper] - 10, label),
                f"#{_meta_call(g)}",
                f"#{_grid(g, paper)}",
            ]
            if g.note:
                body.append(f"#text(size: 9pt, {lit(g.note)})")
            out.append(f"#page(paper: \"{paper}\", flipped: true, margin: (x: 1.5cm, top: 2.4cm, bottom: 1.6cm), header: {header})[\n" + "\n".join(body) + "\n]")
        elif b.kind == "narrative_title":
            in_narrative = True
            out.append(_title(b.text, 470.0))
        elif b.kind == "heading":
            level = 2 if b.level == 1 else 3
            out.append(f"#heading(level: {level}, outlined: {'true' if level == 2 else 'false'}, {lit(b.text)})")
        elif b.kind == "paragraph":
            out.append(f"#par(first-line-indent: (amount: 2em, all: true), {lit(b.text)})")
        elif b.kind in ("perf", "org"):
            if b.text:
                out.append(f"#align(center, text(font: {_fonts(SANS)}, weight: \"bold\", {lit(b.text)}))")
            out.append(f"#{_grid(b.grid)}")
    del in_narrative
    return "\n".join(out) + "\n"


@cache
def _compiler():
    import typst

    try:
        dirs = list(font_dirs())
    except FontMissing as exc:
        raise RenderError(str(exc)) from exc
    return typst.Compiler(font_paths=dirs, ignore_system_fonts=True)


def render_pdf(doc: Disclosure) -> bytes:
    src = typst_source(doc).encode("utf-8")
    with _LOCK:
        compiler = _compiler()
        try:
            return compiler.compile(input=src)
        except Exception as exc:  # noqa: BLE001 - typst raises its own error type
            raise RenderError(f"typst could not typeset the document: {str(exc).splitlines()[0] if str(exc) else exc}") from exc


__all__ = ["render_pdf", "typst_source"]
_ = Block
