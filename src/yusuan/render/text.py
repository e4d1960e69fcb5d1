"""TXT: tab-separated, like the published text extractions (the seed).

One line per table row, cells separated by tabs; a merged header cell's text stands in its
first cell and the cells it covers are empty.  Titles, the page furniture (unit line,
预算年度, 单位) and narrative paragraphs are lines of their own, separated by blank lines.
"""

from __future__ import annotations

from ..model import Disclosure
from .document import blocks, toc_entries
from .sheet import Grid, spans


def grid_lines(g: Grid) -> list[str]:
    rows = spans(g.header)
    if g.numbers:
        rows.append(list(g.numbers))
    rows += spans(g.body)
    return ["\t".join(c.replace("\t", " ").replace("\n", " ") for c in row).rstrip("\t") or "\t" for row in rows]


def render_text(doc: Disclosure) -> str:
    bs = blocks(doc)
    out: list[str] = []

    def para(text: str) -> None:
        out.append(text)
        out.append("")

    for b in bs:
        if b.kind in ("title", "subtitle"):
            para(b.text)
        elif b.kind == "toc":
            para("目录")
            for e in toc_entries(bs):
                para(f"{e.text}……")
        elif b.kind == "table":
            g = b.grid
            para(g.title)
            for m in g.meta:
                para(m)
            out += grid_lines(g)
            out.append("")
            if g.note:
                para(g.note)
        elif b.kind in ("narrative_title", "heading", "paragraph"):
            para(b.text)
        elif b.kind in ("perf", "org"):
            if b.text:
                para(b.text)
            out += grid_lines(b.grid)
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
