"""XLSX: the workbook finance bureaus exchange — one sheet per table, official layout.

Each table sheet: the title merged across the table, the unit line, 预算年度 and 单位, the
header rows with their merged cells, 栏次, then the rows — amounts as numbers with a
two-decimal format, codes as text.  Header rows are frozen and repeat on every printed
page; pages are A4 landscape, one page wide.  A cover sheet carries the document title and
the 目录 (links to the sheets); the 情况说明 with its performance-target tables follows the
tables.  Written with XlsxWriter (fast, constant memory).
"""

from __future__ import annotations

import io
import re

import xlsxwriter

from ..model import Disclosure
from .document import blocks, toc_entries
from .sheet import GCell, Grid

_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(n: int, title: str, used: set[str]) -> str:
    base = re.sub(r"^(?:单位|部门)(?:预算|决算)", "", title)
    name = _BAD_SHEET.sub("", f"{n:02d}{base}")[:31] or f"{n:02d}"
    while name in used:
        name = name[:-1] + "x"
    used.add(name)
    return name


class _Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        border = {**base, "border": 1}
        self.title = wb.add_format({**base, "font_name": "黑体", "font_size": 16, "bold": True, "align": "center"})
        self.meta = wb.add_format(base)
        self.meta_right = wb.add_format({**base, "align": "right"})
        self.head = wb.add_format({**border, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#EEF1F5"})
        self.number_row = wb.add_format({**border, "align": "center", "bg_color": "#EEF1F5"})
        self.seq = wb.add_format({**border, "align": "center"})
        self.code = wb.add_format({**border, "align": "left", "num_format": "@"})
        self.label = [wb.add_format({**border, "align": "left", "indent": i, "text_wrap": True}) for i in range(4)]
        self.amount = wb.add_format({**border, "align": "right", "num_format": "#,##0.00"})
        self.quantity = wb.add_format({**border, "align": "right", "num_format": "General"})
        self.text = wb.add_format({**border, "align": "left", "text_wrap": True})
        self.note = wb.add_format({**base, "text_wrap": True})
        self.para = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 12})
        self.link = wb.add_format({**base, "font_color": "#1F4E79", "underline": 1})

    def of(self, c: GCell):
        if c.kind == "head":
            return self.head
        if c.kind == "seq":
            return self.seq
        if c.kind == "code":
            return self.code
        if c.kind == "label":
            return self.label[min(c.indent, 3)]
        if c.kind == "amount":
            return self.amount
        if c.kind == "quantity":
            return self.quantity
        return self.text


def _put(ws, st: _Styles, r: int, j: int, c: GCell) -> None:
    fmt = st.of(c)
    if c.kind in ("amount", "quantity") and c.value is not None:
        ws.write_number(r, j, float(c.value), fmt)
    else:
        ws.write_string(r, j, c.text, fmt)


def _grid(ws, st: _Styles, g: Grid, row: int) -> int:
    """Write header, 栏次 and body of ``g`` from ``row``; returns the next free row."""
    n = g.ncols
    merges: list[tuple[int, int, int, int, GCell]] = []
    for part in (g.header, g.body):
        for i, cells in enumerate(part):
            r = row + i
            for j, c in enumerate(cells):
                if c is None:
                    continue
                if c.colspan > 1 or c.rowspan > 1:
                    merges.append((r, j, r + c.rowspan - 1, j + c.colspan - 1, c))
                else:
                    _put(ws, st, r, j, c)
            # covered cells still need a border
            for j, c in enumerate(cells):
                if c is None:
                    ws.write_blank(r, j, None, st.head if part is g.header else st.text)
        row += len(part)
        if part is g.header and g.numbers:
            for j, t in enumerate(g.numbers[:n]):
                ws.write_string(row, j, t, st.number_row)
            row += 1
    for r0, c0, r1, c1, c in merges:
        ws.merge_range(r0, c0, r1, c1, c.text, st.of(c))
    return row


def render_xlsx(doc: Disclosure) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": doc.title, "creator": "yusuan", "comments": "yusuan.disclosure"})
    st = _Styles(wb)
    bs = blocks(doc)
    used: set[str] = set()
    cover = wb.add_worksheet(_sheet_name(0, "封面", used))
    cover.set_column(0, 0, 90)
    cover.write_string(0, 0, bs[0].text if bs and bs[0].kind == "title" else doc.title, st.title)
    cover.set_row(0, 40)
    r = 2
    for b in bs:
        if b.kind == "subtitle":
            cover.write_string(1, 0, b.text, st.meta)
    names: dict[str, str] = {}
    n = 0
    for b in bs:
        if b.kind == "table":
            n += 1
            names[b.anchor] = _sheet_name(n, b.grid.title, used)
    narrative_name = _sheet_name(n + 1, "情况说明", used)
    toc = toc_entries(bs)
    if toc:
        cover.write_string(r, 0, "目录", st.heading)
        r += 1
        for e in toc:
            target = names.get(e.anchor, narrative_name)
            cover.write_url(r, 0, f"internal:'{target}'!A1", st.link, string=f"{e.text}……")
            r += 1
    narrative = None
    nr = 0
    for b in bs:
        if b.kind == "table":
            g = b.grid
            ws = wb.add_worksheet(names[b.anchor])
            _table_sheet(ws, st, g)
        elif b.kind in ("narrative_title", "heading", "paragraph", "perf", "org"):
            if narrative is None:
                narrative = wb.add_worksheet(narrative_name)
                narrative.set_column(0, 0, 14)
                narrative.set_column(1, 5, 16)
                narrative.set_paper(9)
                narrative.fit_to_pages(1, 0)
            nr = _narrative(narrative, st, b, nr)
    wb.close()
    return buf.getvalue()


def _table_sheet(ws, st: _Styles, g: Grid) -> None:
    n = g.ncols
    last = max(n - 1, 0)
    ws.merge_range(0, 0, 0, last, g.title, st.title) if last else ws.write_string(0, 0, g.title, st.title)
    ws.set_row(0, 30)
    row = 1
    unit_line = [m for m in g.meta if not m.startswith(("预算年度", "单位："))]
    year_line = [m for m in g.meta if m.startswith("预算年度")]
    amount_line = [m for m in g.meta if m.startswith("单位：")]
    for m in unit_line:
        ws.write_string(row, 0, m, st.meta)
        row += 1
    if year_line or amount_line:
        if year_line:
            ws.write_string(row, 0, year_line[0], st.meta)
        if amount_line:
            ws.write_string(row, last if last and year_line else 0, amount_line[0], st.meta_right if last else st.meta)
        row += 1
    head_top = row
    row = _grid(ws, st, g, row)
    head_rows = len(g.header) + (1 if g.numbers else 0)
    if g.note:
        ws.write_string(row, 0, g.note, st.note)
        row += 1
    widths = {"seq": 5, "code": 11, "unit_code": 11, "label": 30, "amount": 13, "quantity": 9, "text": 18}
    for j, k in enumerate(g.kinds):
        ws.set_column(j, j, widths.get(k, 12))
    if head_rows:
        ws.freeze_panes(head_top + head_rows, 0)
        ws.repeat_rows(head_top, head_top + head_rows - 1)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.set_header(f"&L{g.meta[0] if g.meta else ''}&R{g.meta[-1] if g.meta else ''}")
    ws.set_footer("&C第 &P 页 共 &N 页")


def _narrative(ws, st: _Styles, b, row: int) -> int:
    if b.kind in ("narrative_title",):
        ws.merge_range(row, 0, row, 5, b.text, st.title)
        ws.set_row(row, 28)
        return row + 2
    if b.kind == "heading":
        ws.write_string(row, 0, b.text, st.heading)
        return row + 1
    if b.kind == "paragraph":
        ws.merge_range(row, 0, row, 5, b.text, st.para)
        lines = max(1, len(b.text) // 48 + 1)
        ws.set_row(row, 15 * lines)
        return row + 1
    g: Grid = b.grid
    if b.text:
        ws.write_string(row, 0, b.text, st.heading)
        row += 1
    row = _grid(ws, st, g, row)
    return row + 1
