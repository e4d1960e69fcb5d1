"""DOCX: the whole document, editable in Word or WPS (python-docx + small raw-XML helpers).

Tables keep the official layout: merged header cells, header rows that repeat on every
page (``w:tblHeader``), amounts right-aligned; each table starts a landscape section whose
page header carries the unit line, 预算年度 and 单位; text is set in a CJK font
(``w:eastAsia``) and the footer numbers the pages (a ``PAGE`` field).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from ..model import Disclosure
from .document import blocks, toc_entries
from .sheet import Grid

FONT = "宋体"
HEAD_FONT = "黑体"


def _east_asian(style_or_run, name: str) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    fonts.set(qn("w:hAnsi"), name)


def _page_field(paragraph) -> None:
    """``第 PAGE 页``: a page-number field Word fills in."""
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    paragraph.add_run(" 页")


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _set_cell(cell: _Cell, text: str, align=None, bold: bool = False, size: float = 9) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.font.size = Pt(size)
    if bold:
        run.bold = True
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)


_ALIGN = {"amount": WD_ALIGN_PARAGRAPH.RIGHT, "quantity": WD_ALIGN_PARAGRAPH.RIGHT, "seq": WD_ALIGN_PARAGRAPH.CENTER, "head": WD_ALIGN_PARAGRAPH.CENTER}


def _table(doc, g: Grid, landscape: bool) -> None:
    rows = list(g.header) + ([None] if g.numbers else []) + list(g.body)
    n = g.ncols
    table = doc.add_table(rows=len(rows), cols=n)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    trs = table._tbl.tr_lst
    total_w = 25.0 if landscape else 16.0
    widths = g.widths or [1.0] * n
    scale = total_w / sum(widths)
    head_rows = len(g.header) + (1 if g.numbers else 0)
    merges = []
    for i, cells in enumerate(rows):
        tr = trs[i]
        tcs = tr.tc_lst
        if i < head_rows and g.header:
            _repeat_header(table.rows[i])
        if cells is None:
            for j, t in enumerate(g.numbers[:n]):
                _set_cell(_Cell(tcs[j], table), t, WD_ALIGN_PARAGRAPH.CENTER)
            continue
        for j, c in enumerate(cells):
            if c is None:
                continue
            cell = _Cell(tcs[j], table)
            _set_cell(cell, c.text, _ALIGN.get(c.kind), bold=c.kind == "head")
            if c.colspan > 1 or c.rowspan > 1:
                merges.append((i, j, i + c.rowspan - 1, j + c.colspan - 1))
    for j, w in enumerate(widths):
        for tc in (tr.tc_lst[j] for tr in trs):
            tc.width = Cm(w * scale)
    for r0, c0, r1, c1 in merges:
        a, b = table.cell(r0, c0), table.cell(r1, c1)
        # merging keeps the first cell's paragraph; drop the empty ones it appends
        merged = a.merge(b)
        for p in merged.paragraphs[1:]:
            if not p.text:
                p._p.getparent().remove(p._p)


def _para(doc, text: str, style: str | None = None, align=None, size: float | None = None, bold: bool = False, indent: bool = False):
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.bold = True
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(21)
    return p


def render_docx(doc: Disclosure) -> bytes:
    d = Document()
    normal = d.styles["Normal"]
    normal.font.size = Pt(10.5)
    _east_asian(normal, FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(d.styles[name], HEAD_FONT)
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    _page_field(sec.footer.paragraphs[0])
    sec.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    bs = blocks(doc)
    first_table = True
    narrative_started = False
    for b in bs:
        if b.kind == "title":
            for _ in range(6):
                d.add_paragraph()
            _para(d, b.text, "Title", WD_ALIGN_PARAGRAPH.CENTER)
        elif b.kind == "toc":
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            _para(d, "目录", "Heading 1", WD_ALIGN_PARAGRAPH.CENTER)
            for e in toc_entries(bs):
                _para(d, f"{e.text}……")
        elif b.kind == "table":
            g = b.grid
            s = d.add_section(WD_SECTION.NEW_PAGE)
            s.orientation = WD_ORIENT.LANDSCAPE
            s.page_width, s.page_height = Cm(29.7), Cm(21.0)
            s.left_margin = s.right_margin = Cm(1.5)
            s.header.is_linked_to_previous = False
            hp = s.header.paragraphs[0]
            hp.text = "    ".join(g.meta)
            first_table = False
            _para(d, g.title, "Heading 2", WD_ALIGN_PARAGRAPH.CENTER)
            for m in g.meta:
                _para(d, m, size=9)
            _table(d, g, landscape=True)
            if g.note:
                _para(d, g.note, size=9)
        elif b.kind == "narrative_title":
            s = d.add_section(WD_SECTION.NEW_PAGE)
            s.orientation = WD_ORIENT.PORTRAIT
            s.page_width, s.page_height = Cm(21.0), Cm(29.7)
            s.left_margin = s.right_margin = Cm(2.0)
            s.header.is_linked_to_previous = False
            s.header.paragraphs[0].text = ""
            narrative_started = True
            _para(d, b.text, "Heading 1", WD_ALIGN_PARAGRAPH.CENTER)
        elif b.kind == "heading":
            _para(d, b.text, "Heading 2" if b.level == 1 else "Heading 3")
        elif b.kind == "paragraph":
            _para(d, b.text, indent=True)
        elif b.kind in ("perf", "org"):
            if b.text:
                _para(d, b.text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER if b.kind == "perf" else None)
            _table(d, b.grid, landscape=not narrative_started)
    del first_table
    d.core_properties.title = doc.title
    d.core_properties.author = "yusuan"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
