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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from xml.sax.saxutils import escape

from ..model import Disclosure
from .document import blocks, toc_entries
from .sheet import GCell, Grid

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


_JC = {"amount": "right", "quantity": "right", "seq": "center", "head": "center", "code": "left"}
_BORDERS = "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for e in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _tc(text: str, width: int, span: int, vmerge: str | None, jc: str | None, bold: bool, shade: bool) -> str:
    pr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        pr.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge:
        pr.append('<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>")
    if shade:
        pr.append('<w:shd w:val="clear" w:color="auto" w:fill="EEF1F5"/>')
    pr.append('<w:vAlign w:val="center"/>')
    ppr = '<w:pPr><w:spacing w:before="0" w:after="0"/>' + (f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>"
    run = ""
    if text:
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "") + '<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{''.join(pr)}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"


def _table(doc, g: Grid, landscape: bool) -> None:
    """The table as raw WordprocessingML (python-docx's cell API is ~50× slower)."""
    rows = list(g.header) + ([[GCell(t, kind="head") for t in g.numbers]] if g.numbers else []) + list(g.body)
    n = g.ncols
    total = 14170 if landscape else 9070  # twips of the text width (A4 landscape / portrait)
    widths = g.widths or [1.0] * n
    cols = [int(total * w / sum(widths)) for w in widths]
    head_rows = len(g.header) + (1 if g.numbers else 0) if g.header else 0
    below: dict[tuple[int, int], int] = {}  # cells continuing a vertical merge → their span
    covered: set[tuple[int, int]] = set()
    for i, cells in enumerate(rows):
        for j, c in enumerate(cells):
            if c is None:
                continue
            for di in range(c.rowspan):
                for dj in range(c.colspan):
                    if di or dj:
                        covered.add((i + di, j + dj))
                if di:
                    below[(i + di, j)] = c.colspan
    out = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(cols)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in cols)
        + "</w:tblGrid>"
    ]
    for i, cells in enumerate(rows):
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if i < head_rows else "") + "</w:trPr>")
        j = 0
        while j < n:
            c = cells[j] if j < len(cells) else None
            if c is not None:
                head = c.kind == "head" or i < head_rows
                out.append(_tc(c.text, sum(cols[j : j + c.colspan]), c.colspan, "restart" if c.rowspan > 1 else None, _JC.get("head" if head else c.kind), head, head))
                j += c.colspan
            elif (i, j) in below:
                span = below[(i, j)]
                out.append(_tc("", sum(cols[j : j + span]), span, "continue", None, False, i < head_rows))
                j += span
            elif (i, j) in covered:
                j += 1
            else:
                out.append(_tc("", cols[j], 1, None, None, False, False))
                j += 1
        out.append("</w:tr>")
    out.append("</w:tbl>")
    tbl = parse_xml("".join(out))
    body = doc.element.body
    body.insert(len(body) - 1, tbl)  # before the final sectPr


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
        elif b.kind == "subtitle":
            _para(d, b.text, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
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
