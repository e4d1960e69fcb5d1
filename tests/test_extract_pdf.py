"""PDF input (``parse/extract/pdf.py``): positions, rotation, scans, bad files, fuzzing.

Every PDF here is written by ``make_pdf`` below: a few hundred bytes of PDF syntax with
text in a CID font whose ToUnicode map is the identity, so PDFium reads back exactly the
characters we placed.  Latin letters and digits are 500/1000 em wide and everything
else 1000/1000 (a CJK glyph is two cells), so at 10 pt one cell is 5 pt.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.api import read
from yusuan.parse.extract.pdf import Limits, extract
from yusuan.parse.extract.pdf_guard import StreamBomb, check_streams
from yusuan.parse.extract.pdf_lines import group_lines, make_words, merge_wrapped
from yusuan.parse.extract.pdf_page import Run, nominal_cells
from yusuan.parse.extract.text import NotADisclosure
from yusuan.render.opendata import csv_records

# --------------------------------------------------------------------------- a PDF writer

_TOUNICODE = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
    b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange "
    b"1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end"
)


def _stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def make_pdf(
    pages: list[dict], *, encrypt: bool = False, count: int | None = None, kids_override: bytes | None = None
) -> bytes:
    """A PDF whose pages hold text items ``(x, y, text[, size])``.

    A page dict may give ``width``, ``height``, ``rotate`` (the /Rotate entry), ``angle``
    (text direction in degrees, counter-clockwise), ``image`` (draw an image: a scan),
    ``raw`` (extra content-stream operators) and ``stream`` (a replacement content
    stream: ``(bytes, dict entries)``).
    """
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    tu = add(_stream(_TOUNICODE))
    fd = add(
        b"<< /Type /FontDescriptor /FontName /YusuanTest /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>"
    )
    cid = add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /YusuanTest /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /W [32 126 500] /CIDToGIDMap /Identity >>" % fd
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /YusuanTest /Encoding /Identity-H "
        b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, tu)
    )
    img = add(_stream(b"\x00\xff\xff\x00", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 "))
    pages_id = add(b"")
    kids = []
    for p in pages:
        w, h = p.get("width", 842), p.get("height", 595)
        angle = p.get("angle", 0)
        c, s = round(math.cos(math.radians(angle)), 6), round(math.sin(math.radians(angle)), 6)
        parts = []
        for item in p.get("items", []):
            x, y, text = item[:3]
            size = item[3] if len(item) > 3 else 10
            code = "".join(f"{ord(ch):04X}" for ch in text)
            parts.append(f"BT /F1 {size} Tf {c} {s} {-s} {c} {x} {y} Tm <{code}> Tj ET")
        if p.get("image"):
            parts.append(f"q {w} 0 0 {h} 0 0 cm /Im1 Do Q")
        if p.get("raw"):
            parts.append(p["raw"])
        if "stream" in p:
            body, entries = p["stream"]
            cs = add(_stream(body, entries))
        else:
            cs = add(_stream("\n".join(parts).encode("ascii")))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Rotate %d "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, w, h, p.get("rotate", 0), font, img, cs)
            )
        )
    kid_refs = kids_override if kids_override is not None else b" ".join(b"%d 0 R" % k for k in kids)
    objs[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kid_refs, len(kids) if count is None else count)
    root = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    enc = add(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -44 >>") if encrypt else 0
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]" % (
        len(objs) + 1,
        root,
    )
    if enc:
        out += b" /Encrypt %d 0 R" % enc
    out += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def write(tmp_path: Path, data: bytes, name: str = "doc.pdf") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def words(raw) -> list[list[tuple[str, float, float]]]:
    return [[(w.text, round(w.x0, 1), round(w.x1, 1)) for w in ln.words] for ln in raw.lines]


# --------------------------------------------------------------------------- a disclosure table

TITLE = "2025年一般公共预算支出功能分类预算表"
#: (x in cells, text) per line, top to bottom; amounts right-aligned at cells 60, 75, 90
TABLE = [
    [(30, TITLE)],
    [(80, "单位：万元")],
    [(2, "科目编码"), (14, "科目名称"), (56, "合计"), (69, "基本支出"), (84, "项目支出")],
    [(2, "201"), (14, "一般公共服务支出"), (-60, "150.00"), (-75, "100.00"), (-90, "50.00")],
    [(2, "20101"), (14, "人大事务"), (-60, "150.00"), (-75, "100.00"), (-90, "50.00")],
    [(2, "2010101"), (14, "行政运行"), (-60, "100.00"), (-75, "100.00")],
    [(2, "2010102"), (14, "一般行政管理事务"), (-60, "50.00"), (-90, "50.00")],
    [(14, "合计"), (-60, "150.00"), (-75, "100.00"), (-90, "50.00")],
]


def _x(cell: int, text: str) -> float:
    """Points (10 pt text: one cell is 5 pt) of a left edge; a negative cell right-aligns."""
    if cell < 0:
        return 5.0 * (-cell - nominal_cells(text))
    return 5.0 * cell


def table_pdf_items(top: float = 540.0, pitch: float = 18.0) -> list[tuple]:
    items = []
    for k, line in enumerate(TABLE):
        for cell, text in line:
            items.append((_x(cell, text), top - k * pitch, text, 10))
    return items


def table_text() -> str:
    """The same table as ``pdftotext -layout`` lays it out: one character per column."""
    out = []
    for line in TABLE:
        s = ""
        for cell, text in line:
            col = int(_x(cell, text) / 5.0)
            s = s.ljust(max(col, len(s) + 2 if s else col)) + text
        out.append(s)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- positions


def test_words_stand_in_character_cells(tmp_path):
    raw = extract(write(tmp_path, make_pdf([{"items": table_pdf_items()}])))
    assert raw.kind == "pdf" and raw.pages == 1 and raw.empty_pages == []
    lines = words(raw)
    assert lines[0] == [(TITLE, 30.0, 30.0 + nominal_cells(TITLE))]
    # a CJK character is two cells, a digit one; amounts end where they were right-aligned
    expected = [("201", 2.0, 5.0), ("一般公共服务支出", 14.0, 30.0), ("150.00", 54.0, 60.0), ("100.00", 69.0, 75.0), ("50.00", 85.0, 90.0)]
    assert [w[0] for w in lines[3]] == [e[0] for e in expected]
    # x1 is the loose glyph box: the substitute font's digits reach a little past their advance
    for (_, x0, x1), (_, ex0, ex1) in zip(lines[3], expected):
        assert x0 == ex0 and ex1 - 0.1 <= x1 <= ex1 + 0.5
    assert [ln.page for ln in raw.lines] == [1] * len(TABLE)
    assert [ln.lineno for ln in raw.lines] == list(range(1, len(TABLE) + 1))
    assert "一般公共服务支出" in raw.lines[3].text and raw.lines[3].text.index("201") < raw.lines[3].text.index("150.00")


def test_pdf_and_its_text_give_the_same_table(tmp_path):
    """The shared table builder sees the same picture from the PDF as from its layout text."""
    pdf = write(tmp_path, make_pdf([{"items": table_pdf_items()}]))
    txt = tmp_path / "doc.txt"
    txt.write_text(table_text(), encoding="utf-8")
    doc_pdf, _ = read(pdf)
    doc_txt, _ = read(txt)
    recs = sorted(csv_records(doc_pdf))
    assert recs == sorted(csv_records(doc_txt))
    assert [t.id for t in doc_pdf.tables] == ["general_budget_expenditure"]
    cells = {(r[5], r[6], r[7]): (r[8], r[9]) for r in recs}
    assert len(cells) == len(recs) == 13
    assert cells[("2010102", "一般行政管理事务", "项目支出")] == ("50", "万元")
    assert cells[("201", "一般公共服务支出", "基本支出")] == ("100", "万元")
    assert cells[("", "合计", "合计")] == ("150", "万元")
    assert ("2010101", "行政运行", "项目支出") not in cells  # a blank cell stays blank


def test_table_continued_on_the_next_page_keeps_its_columns(tmp_path):
    head, body = TABLE[:3], TABLE[3:]
    p1 = [(_x(c, t), 540 - k * 18, t, 10) for k, line in enumerate(head + body[:2]) for c, t in line]
    p2 = [(_x(c, t), 540 - k * 18, t, 10) for k, line in enumerate(head[2:] + body[2:]) for c, t in line]
    doc, _ = read(write(tmp_path, make_pdf([{"items": p1}, {"items": p2}])))
    (table,) = doc.tables
    assert table.pages == (1, 2)
    assert [r.code for r in table.rows if r.code] == ["201", "20101", "2010101", "2010102"]
    assert {r.page for r in table.rows} == {1, 2}


def test_one_row_with_a_baseline_jitter_is_one_line(tmp_path):
    # digits of another font sit a point lower than the CJK label of the same row
    items = [(50, 400, "行政运行", 10), (300, 399, "1,234.56", 10), (400, 401.2, "99.00", 10), (50, 380, "下一行", 10)]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["行政运行", "1,234.56", "99.00"], ["下一行"]]


def test_header_lines_a_third_of_a_line_apart_stay_apart():
    runs = [_run("事业单位", 50, 400), _run("合计", 200, 406), _run("经营收入", 50, 412)]
    assert [[r.text for r in ln] for ln in group_lines(runs)] == [["事业单位"], ["合计"], ["经营收入"]]


def test_a_header_cell_wrapped_around_its_row_is_one_cell(tmp_path):
    """``事业单位`` / ``合计 … 其他收入`` / ``经营收入``: a header cell of two lines beside
    one-line cells centred on it (``2026_上海交通职业技术学院`` 收入预算总表)."""
    items = [(250, 400, "事业单位", 10), (50, 394, "合计", 10), (150, 394, "事业收入", 10), (350, 394, "其他收入", 10), (250, 388, "经营收入", 10)]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["合计", "事业收入", "事业单位经营收入", "其他收入"]]


@pytest.mark.parametrize(
    "angle,rotate,size",
    [(0, 0, (842, 595)), (90, 90, (595, 842)), (180, 180, (842, 595)), (270, 270, (595, 842)), (90, 0, (595, 842))],
)
def test_rotated_pages_read_along_their_lines(tmp_path, angle, rotate, size):
    """Landscape tables stored as portrait pages with rotated text read like upright ones.

    (Latin text: PDFium drops CJK glyphs of a font without glyph outlines when the text is
    rotated; with an embedded CJK font it reads them.)"""
    items = [(50, 460, "Item", 10), (200, 460, "Total", 10), (50, 440, "General services", 10), (230, 441, "1,234.56", 10)]
    w, h = size

    def place(x, y):
        return {0: (x, y), 90: (w - y, x), 180: (w - x, h - y), 270: (y, h - x)}[angle]

    placed = [(*place(x, y), t, s) for x, y, t, s in items]
    lines = words(extract(write(tmp_path, make_pdf([{"width": w, "height": h, "rotate": rotate, "angle": angle, "items": placed}]))))
    assert [[(t, x0) for t, x0, _ in ln] for ln in lines] == [[("Item", 10.0), ("Total", 40.0)], [("General services", 10.0), ("1,234.56", 46.0)]]
    assert all(len(t) <= x1 - x0 <= len(t) + 1 for ln in lines for t, x0, x1 in ln)


def test_a_label_wrapped_around_its_centred_row_is_one_row(tmp_path):
    """``其他工资福利`` / ``30199 … 27.60`` / ``支出``: the cell's two label lines stand one
    line pitch apart, the rest of the row is centred between them."""
    items = [
        (50, 400, "其他工资福利", 10), (20, 394, "30199", 10), (250, 394, "27.60", 10), (50, 388, "支出", 10),
        # the next row: a full label, 18 pt below
        (20, 370, "30201", 10), (50, 370, "办公费", 10), (250, 370, "0.68", 10),
    ]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["30199", "其他工资福利支出", "27.60"], ["30201", "办公费", "0.68"]]
    assert [ln.lineno for ln in extract(tmp_path / "doc.pdf").lines] == [1, 2]


def test_a_group_header_over_two_leaves_is_no_wrapped_label():
    """``基本支出`` / ``合计`` / ``人员经费  公用经费``: the group header over its two leaves,
    with a header cell of the rows between centred beside them, stays three header lines
    (two phrases under one word, wider than it, are no continuation of it)."""
    runs = [_run("基本支出", 250, 400), _run("合计", 50, 406), _run("人员经费", 215, 412), _run("公用经费", 285, 412)]
    lines = merge_wrapped(group_lines(runs), 5.0)
    assert [[r.text for r in ln] for ln in lines] == [["基本支出"], ["合计"], ["人员经费", "公用经费"]]


def test_separate_rows_are_not_merged(tmp_path):
    # three rows one pitch apart; the middle holds amounts, the lower label starts a row
    items = [
        (50, 400, "一、一般公共服务", 10), (50, 388, "二、外交支出", 10), (250, 394, "1.00", 10),
        (50, 360, "其他收入", 10), (250, 348, "2.00", 10), (50, 336, "合计", 10),
    ]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["一、一般公共服务"], ["1.00"], ["二、外交支出"], ["其他收入"], ["2.00"], ["合计"]]


def test_text_off_the_page_is_dropped(tmp_path):
    items = [(50, 400, "看得见", 10), (50, 900, "页面之外", 10), (-400, 300, "左边之外", 10)]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["看得见"]]


def test_the_same_glyphs_drawn_twice_count_once(tmp_path):
    items = [(50, 400, "合计", 10), (50.3, 400, "合计", 10), (200, 400, "12.00", 10)]
    lines = words(extract(write(tmp_path, make_pdf([{"items": items}]))))
    assert [[w[0] for w in ln] for ln in lines] == [["合计", "12.00"]]


# --------------------------------------------------------------------------- words from runs


def _run(text: str, x0: float, y: float = 0.0) -> Run:
    return Run(text, x0, x0 + 5.0 * nominal_cells(text), y - 10, y)


@pytest.mark.parametrize(
    "runs,expected",
    [
        # half a cell apart or less: one word
        ([("项", 0), ("目", 10.5)], ["项目"]),
        # about one cell apart: one word with a space, as pdftotext's single space
        ([("IT", 0), ("运维", 15)], ["IT 运维"]),
        # single Chinese characters spread over a cell are one word
        ([("合", 0), ("计", 15)], ["合 计"]),
        # two Chinese phrases apart are two cells, however close (Chinese is set solid)
        ([("公用经费支出", 0), ("专项业务经费支出", 62.5)], ["公用经费支出", "专项业务经费支出"]),
        ([("年度绩效", 0), ("产出指标", 45)], ["年度绩效", "产出指标"]),
        # a Chinese phrase split by PDFium without a real gap is one word
        ([("一般公共", 0), ("服务支出", 40.5)], ["一般公共服务支出"]),
        # a single space next to a number separates words (as in layout.words_from_text_line)
        ([("201", 0), ("06", 20)], ["201", "06"]),
        ([("60.99", 0), ("60.99", 29)], ["60.99", "60.99"]),
        # touching numbers are still two numbers
        ([("100.00", 0), ("200.00", 30.5)], ["100.00", "200.00"]),
        # two cells apart or more: two words
        ([("项目", 0), ("合计", 30)], ["项目", "合计"]),
        # a line set glyph by glyph: touching digits that read as one number are one word,
        # and a code touching its dash and name is one word
        ([("1", 0), ("0", 5), ("1.9", 10), ("1", 25), ("7", 30)], ["101.917"]),
        ([("2", 0), ("0", 5), ("7", 10), ("-", 15), ("博物馆", 20)], ["207-博物馆"]),
        # but two amounts in touching cells stay two
        ([("12.50", 0), ("3", 25)], ["12.50", "3"]),
    ],
)
def test_make_words(runs, expected):
    line = [_run(t, x) for t, x in runs]
    ws, text = make_words(line, 5.0, 5.0, 0.0)
    assert [w.text for w in ws] == expected
    assert text.replace(" ", "") == "".join(t for t, _ in runs)


def test_group_lines_orders_top_down_and_left_right():
    runs = [_run("b", 50, 20), _run("a", 0, 20.5), _run("c", 0, 40), _run("top", 0, 5)]
    assert [[r.text for r in ln] for ln in group_lines(runs)] == [["top"], ["a", "b"], ["c"]]


# --------------------------------------------------------------------------- scans and blank pages


def test_scanned_page_is_named_blank_page_is_not(tmp_path):
    pages = [{"items": [(50, 500, "2025年部门预算", 16), (50, 470, "收入预算1,234.56万元。", 10)]}, {"image": True}, {}]
    path = write(tmp_path, make_pdf(pages))
    raw = extract(path)
    assert raw.pages == 3 and raw.empty_pages == [2]
    doc, issues = read(path)
    (finding,) = [f for f in issues if f.code == "page-without-text"]
    assert "2" in finding.message and finding.location.page == 2


def test_a_scan_without_any_text_is_a_clear_error(tmp_path):
    path = write(tmp_path, make_pdf([{"image": True}, {"image": True}]))
    with pytest.raises(NotADisclosure, match=r"doc\.pdf: no text layer on any of its 2 pages"):
        extract(path)


# --------------------------------------------------------------------------- bad files

GOOD = make_pdf([{"items": table_pdf_items()}])


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"%PDF-1.7\n" + bytes(random.Random(1).randrange(256) for _ in range(3000)), "not a PDF, or damaged"),
        (b"just some text, not a PDF at all\n", "not a PDF, or damaged"),
        (GOOD[:40], "not a PDF, or damaged"),
        (make_pdf([{"items": [(50, 500, "x")]}], encrypt=True), "encrypted: a password is needed"),
        (make_pdf([], count=0), "has no pages"),
    ],
)
def test_bad_files_are_named_with_a_reason(tmp_path, data, reason):
    path = write(tmp_path, data, "bad.pdf")
    with pytest.raises(NotADisclosure) as exc:
        extract(path)
    msg = str(exc.value)
    assert msg.startswith(f"{path}: ") and reason in msg and "\n" not in msg


def test_api_read_names_a_bad_pdf(tmp_path):
    path = write(tmp_path, b"%PDF-1.4\n" + b"\x00garbage" * 100, "broken.pdf")
    with pytest.raises(NotADisclosure, match="broken.pdf"):
        read(path)


def test_truncated_files_never_raise_anything_else(tmp_path):
    for cut in range(0, len(GOOD), 97):
        path = write(tmp_path, GOOD[:cut], "cut.pdf")
        try:
            extract(path)
        except NotADisclosure as exc:
            assert str(exc).startswith(f"{path}: ")


def test_size_and_page_limits(tmp_path, monkeypatch):
    path = write(tmp_path, make_pdf([{"items": [(50, 500, "第一页")]}, {"items": [(50, 500, "第二页")]}, {}]))
    with pytest.raises(NotADisclosure, match=r"3 pages is over the 2-page limit"):
        extract(path, Limits(max_pages=2))
    monkeypatch.setenv("YUSUAN_PDF_MAX_PAGES", "1")
    with pytest.raises(NotADisclosure, match="YUSUAN_PDF_MAX_PAGES"):
        extract(path)
    monkeypatch.delenv("YUSUAN_PDF_MAX_PAGES")
    big = write(tmp_path, GOOD + b"%" + b"x" * (1024 * 1024) + b"\n", "big.pdf")
    with pytest.raises(NotADisclosure, match=r"1\.\d MB is over the 1 MB limit"):
        extract(big, Limits(max_mb=1))


def test_a_page_over_the_character_limit_is_skipped_and_named(tmp_path):
    many = [(20 + (i % 30) * 24, 560 - (i // 30) * 12, "字字", 10) for i in range(600)]
    path = write(tmp_path, make_pdf([{"items": [(50, 500, "正常的一页")]}, {"items": many}]))
    raw = extract(path, Limits(max_page_chars=500))
    assert raw.empty_pages == [2] and [ln.page for ln in raw.lines] == [1]


def test_two_thousand_pages_are_refused_quickly(tmp_path):
    # every page shares one content stream: a small file that claims 2,000 pages
    one = make_pdf([{"items": [(50, 500, "页面")]}])
    pages_obj = one.index(b"/Type /Pages /Kids [")
    kid = one[pages_obj:].split(b"[", 1)[1].split(b"]", 1)[0]
    data = one.replace(b"/Kids [" + kid + b"] /Count 1", b"/Kids [" + b" ".join([kid] * 2000) + b"] /Count 2000")
    path = write(tmp_path, data)
    t0 = time.monotonic()
    with pytest.raises(NotADisclosure, match="2000 pages is over the 1000-page limit"):
        extract(path)
    assert time.monotonic() - t0 < 5


def test_page_tree_that_lies_or_loops(tmp_path):
    # /Count says a billion pages; and a page tree whose kid is the tree itself
    liar = write(tmp_path, make_pdf([{"items": [(50, 500, "页面")]}], count=10**9), "liar.pdf")
    loop = write(tmp_path, make_pdf([{"items": [(50, 500, "页面")]}], kids_override=b"6 0 R"), "loop.pdf")
    for path in (liar, loop):
        t0 = time.monotonic()
        try:
            extract(path)
        except NotADisclosure as exc:
            assert str(exc).startswith(f"{path}: ")
        assert time.monotonic() - t0 < 5


def _padded_stream(mb: int) -> bytes:
    """A content stream showing "H", padded with ``mb`` MB of spaces, deflated."""
    comp = zlib.compressobj(9)
    body = comp.compress(b"BT /F1 10 Tf 50 500 Td <0048> Tj ET\n")
    chunk = b" " * (1 << 20)
    for _ in range(mb):
        body += comp.compress(chunk)
    return body + comp.flush()


def test_zip_bomb_is_refused_before_pdfium_inflates_it(tmp_path):
    """A 200 KB content stream that inflates to 200 MB (PDFium would inflate it in full)."""
    path = write(tmp_path, make_pdf([{"stream": (_padded_stream(200), b"/Filter /FlateDecode ")}]))
    t0 = time.monotonic()
    with pytest.raises(NotADisclosure, match=r"inflates past 64 MB \(a zip bomb"):
        extract(path)
    assert time.monotonic() - t0 < 10


def test_stream_limit_is_a_setting(tmp_path, monkeypatch):
    path = write(tmp_path, make_pdf([{"stream": (_padded_stream(3), b"/Filter /FlateDecode ")}]))
    with pytest.raises(NotADisclosure, match="inflates past 2 MB"):
        extract(path, Limits(max_stream_mb=2))
    assert extract(path, Limits(max_stream_mb=4)).lines[0].words[0].text == "H"
    monkeypatch.setenv("YUSUAN_PDF_MAX_STREAM_MB", "2")
    with pytest.raises(NotADisclosure, match="YUSUAN_PDF_MAX_STREAM_MB"):
        extract(path)


def test_guard_counts_two_flate_layers():
    inner = zlib.compress(b"\0" * (3 * 1024 * 1024), 9)
    outer = zlib.compress(inner, 9)
    data = b"1 0 obj << /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(outer) + outer + b"\nendstream"
    check_streams(data, 4)  # 3 MB fits under 4 MB
    with pytest.raises(StreamBomb):
        check_streams(data, 2)


def test_deeply_nested_content_is_read_in_bounded_time(tmp_path):
    depth = 200_000
    data = make_pdf([{"items": [(50, 500, "嵌套")], "raw": "[" * depth + "]" * depth + " pop"}])
    data = data.replace(b"/Rotate 0", b"/Rotate 0 /Junk " + b"[" * depth + b"]" * depth, 1)
    t0 = time.monotonic()
    raw = extract(write(tmp_path, data))
    assert [w.text for ln in raw.lines for w in ln.words] == ["嵌套"]
    assert time.monotonic() - t0 < 10


def test_reading_time_is_bounded(tmp_path):
    path = write(tmp_path, make_pdf([{"items": [(50, 500, f"第{i}页")]} for i in range(5)]))
    with pytest.raises(NotADisclosure, match=r"gave up after 0 s at page"):
        extract(path, Limits(max_seconds=0.0))


# --------------------------------------------------------------------------- fuzzing

SMALL = make_pdf([{"items": [(50, 500, "项目", 10), (200, 500, "1,234.56", 10)]}, {"image": True}])


def _outcome(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(data)
    t0 = time.monotonic()
    try:
        raw = extract(path)
    except NotADisclosure as exc:
        msg = str(exc)
        assert msg.startswith(f"{path}: ") and "\n" not in msg
    else:
        assert raw.pages >= 1
        for ln in raw.lines:
            assert ln.words and all(w.text.strip() for w in ln.words)
            assert all(math.isfinite(w.x0) and math.isfinite(w.x1) for w in ln.words)
    assert time.monotonic() - t0 < 5


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    flips=st.lists(st.tuples(st.integers(0, len(SMALL) - 1), st.integers(0, 255)), min_size=1, max_size=12),
    cut=st.one_of(st.none(), st.integers(0, len(SMALL))),
)
def test_fuzz_byte_flips_and_truncation(tmp_path, flips, cut):
    data = bytearray(SMALL)
    for pos, value in flips:
        data[pos] = value
    if cut is not None:
        data = data[:cut]
    _outcome(tmp_path, bytes(data))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(0, len(SMALL) - 1),
    length=st.integers(1, 400),
    junk=st.binary(min_size=0, max_size=400),
)
def test_fuzz_spliced_junk(tmp_path, start, length, junk):
    _outcome(tmp_path, SMALL[:start] + junk + SMALL[start + length :])


# --------------------------------------------------------------------------- Beijing's 报表 layouts


def _layout_items(lines: list[list[tuple[int, str]]], top: float = 560.0, pitch: float = 16.0) -> list[tuple]:
    """PDF text items of lines of ``(cell, text)`` (a negative cell right-aligns)."""
    return [(_x(c, t), top - k * pitch, t, 10) for k, line in enumerate(lines) for c, t in line]


def _layout_text(lines: list[list[tuple[int, str]]]) -> str:
    out = []
    for line in lines:
        s = ""
        for cell, text in sorted(line, key=lambda ct: _x(*ct)):
            col = int(_x(cell, text) / 5.0)
            s = s.ljust(max(col, len(s) + 2 if s else col)) + text
        out.append(s)
    return "\n".join(out) + "\n"


#: 预算03表: 合计 | 基本支出 | 项目支出 in cells spanning the header rows, then 其中 over
#: 事业单位经营支出 / 上缴上级支出 / 对附属单位补助支出 on the lowest header line
SPENDING_HEAD = [
    [(40, "预算03表"), (50, "支出总表")],
    [(120, "金额单位：万元")],
    [(108, "其中")],
    [(2, "支出功能分类科目"), (24, "部门支出经济分类科目"), (50, "合计"), (62, "基本支出"), (74, "项目支出")],
    [(85, "事业单位经营支出"), (104, "上缴上级支出"), (118, "对附属单位补助支出")],
]


def _spending_row(code: str, econ: str, total: str, basic: str = "", project: str = "", operating: str = "") -> list:
    row = [(2, code), (24, econ), (-56, total)]
    row += [(-70, basic)] if basic else []
    row += [(-82, project)] if project else []
    row += [(-100, operating)] if operating else []
    return row


def _errors(doc) -> list[str]:
    from yusuan.check import check

    # the table's own identities (a one-table document misses the others: not the point here)
    return [f"{f.code} {f.message}" for f in check(doc).errors if f.code != "table-missing"]


@pytest.mark.parametrize("fmt", ["pdf", "text"])
def test_columns_under_a_bare_qizhong_are_parts_of_the_total(tmp_path, fmt):
    """其中 over the last three columns makes them parts of 合计 (already counted in 基本支出
    or 项目支出), not more addends; 合计 / 基本支出 / 项目支出 beside it stay outside the group."""
    lines = SPENDING_HEAD + [
        _spending_row("2013810-质量基础", "30201-办公费", "173.24", project="173.24", operating="168.00"),
        _spending_row("2013801-行政运行", "30201-办公费", "248.30", basic="248.30"),
        [(10, "合计"), (-56, "421.54"), (-70, "248.30"), (-82, "173.24"), (-100, "168.00")],
    ]
    if fmt == "pdf":
        path = write(tmp_path, make_pdf([{"items": _layout_items(lines)}]))
    else:
        path = tmp_path / "doc.txt"
        path.write_text(_layout_text(lines), encoding="utf-8")
    doc, _ = read(path)
    (table,) = doc.tables
    roles = [c.role for c in table.columns]
    assert roles[:3] == ["total", "basic", "project"]
    assert roles[3:] == ["within.operating_expenditure", "within.remit_superior", "within.subsidy_affiliated"]
    assert _errors(doc) == []


def test_an_empty_column_of_the_first_page_takes_the_next_pages_amounts(tmp_path):
    """项目支出 blank all over the first page, printed on the next (no header there): its
    amounts go to the 项目支出 column, not to a new unnamed one."""
    basic = ["30101-基本工资", "30102-津贴补贴", "30103-奖金", "30107-绩效工资", "30113-住房公积金"]
    project = ["30201-办公费", "30202-印刷费", "30205-水费", "30206-电费", "30207-邮电费"]
    p1 = SPENDING_HEAD + [_spending_row("2010601-行政运行", e, "10.00", basic="10.00") for e in basic]
    p2 = [_spending_row("2010602-一般行政管理事务", e, "5.00", project="5.00") for e in project]
    p2 += [[(10, "合计"), (-56, "75.00"), (-70, "50.00"), (-82, "25.00")]]
    doc, _ = read(write(tmp_path, make_pdf([{"items": _layout_items(p1)}, {"items": _layout_items(p2)}])))
    (table,) = doc.tables
    assert [c.role for c in table.columns if c.role is None] == []
    project = table.key_for("project")
    assert sum(r.value(project) or 0 for r in table.rows if r.code) == 25
    assert _errors(doc) == []


def test_a_table_too_wide_for_one_page_continues_its_columns(tmp_path):
    """收入总表 over two pages side by side: the second page's 小计 / 一般公共预算资金 under
    上年结转结余 are other columns than the first page's under 本年收入, and 其他收入 beside
    that group (not centred under it) still belongs to 本年收入."""
    p1 = [
        [(40, "预算02表"), (50, "收入总表")],
        [(60, "本年收入")],
        [(4, "合计")],
        [(22, "小计"), (38, "一般公共预算资金"), (62, "事业收入"), (74, "上级补助收入"), (90, "事业单位经营收入")],
        [(-12, "110.00"), (-28, "100.00"), (-50, "60.00"), (-68, "20.00"), (-84, "5.00"), (-104, "5.00")],
    ]
    p2 = [
        [(40, "预算02表"), (50, "收入总表")],
        [(56, "上年结转结余")],
        [(16, "其他收入"), (38, "小计"), (52, "一般公共预算资金"), (78, "单位资金")],
        [(-24, "10.00"), (-44, "10.00"), (-66, "4.00"), (-86, "6.00")],
    ]
    doc, _ = read(write(tmp_path, make_pdf([{"items": _layout_items(p1)}, {"items": _layout_items(p2)}])))
    (table,) = doc.tables
    roles = [c.role for c in table.columns]
    assert roles[:6] == ["total", "subtotal", "general_budget", "business_income", "superior_subsidy", "operating_income"]
    assert sorted(roles[6:]) == ["carryover.general_budget", "carryover.subtotal", "carryover.unit_funds", "other_income"]
    assert _errors(doc) == []


def test_a_short_page_keeps_its_columns_whatever_its_codes(tmp_path):
    """A continuation page of two rows and the 合计 lines up with the previous page's
    columns; its subject codes (numbers in the label column) do not pull the alignment."""
    head = [
        [(40, "预算05表"), (50, "一般公共预算支出表")],
        [(2, "科目编码"), (12, "科目名称"), (34, "合计"), (45, "基本支出"), (58, "人员经费"), (70, "公用经费"),
         (82, "项目支出"), (92, "扣除基建")],
    ]
    rows = [[(2, "2080505"), (12, "养老保险缴费"), (-38, "10.00"), (-50, "10.00"), (-62, "10.00")] for _ in range(4)]
    rows.append(
        [(2, "2080299"), (12, "其他民政管理事务支出"), (-38, "12.00"), (-50, "8.00"), (-62, "6.00"), (-74, "2.00"),
         (-86, "4.00"), (-98, "4.00")]
    )
    p2 = [
        [(2, "2101102"), (12, "事业单位医疗"), (-38, "5.00"), (-50, "5.00"), (-62, "5.00")],
        [(2, "2150299"), (12, "其他制造业支出"), (-38, "1.00"), (-86, "1.00")],
        [(12, "合计"), (-38, "58.00"), (-50, "53.00"), (-62, "51.00"), (-74, "2.00"), (-86, "5.00"), (-98, "4.00")],
    ]
    doc, _ = read(write(tmp_path, make_pdf([{"items": _layout_items(head + rows)}, {"items": _layout_items(p2)}])))
    (table,) = doc.tables
    last = [r for r in table.rows if r.code == "2150299"][0]
    assert last.value(table.key_for("project")) == 1
    assert _errors(doc) == []


@pytest.mark.parametrize("quoted,ok", [("85.00", True), ("86.00", False)])
def test_a_fund_quoted_with_its_carry_over(tmp_path, quoted, ok):
    """收入预算 split by fund with 上年结转 included (收入总计 110 = 一般公共预算 80 + 5 结转
    + 事业收入 20 + 5 单位资金结转): the fund's figure with its carry-over is a reading of
    the 收入总表, any other amount is still a mismatch."""
    lines = [
        [(4, "二、收入预算情况说明")],
        [(4, f"2026年度收入预算110.00万元，其中：一般公共预算收入{quoted}万元，事业收入20.00万元。")],
        [(40, "预算02表"), (50, "收入总表")],
        [(30, "本年收入"), (73, "上年结转结余")],
        [(4, "合计")],
        [(16, "小计"), (26, "一般公共预算资金"), (46, "事业收入"), (62, "小计"), (70, "一般公共预算资金"), (90, "单位资金")],
        [(-10, "110.00"), (-20, "100.00"), (-40, "80.00"), (-54, "20.00"), (-66, "10.00"), (-84, "5.00"), (-98, "5.00")],
    ]
    path = tmp_path / "doc.txt"
    path.write_text(_layout_text(lines), encoding="utf-8")
    doc, _ = read(path)
    found = [e for e in _errors(doc) if e.startswith("narrative-amount-mismatch")]
    assert (found == []) is ok


def test_groups_side_by_side_each_hold_their_own_subtotal():
    """pdftotext squeezes Beijing's 收入总表: 本年收入 is centred as well over 小计 … 其他收入
    as over 小计 … the carried-over 小计. Beside 上年结转结余 each group holds its own 小计."""
    from yusuan.catalog import get
    from yusuan.parse.grid import HeaderCell, Slot, _widen_groups

    # header words (x0, x1, text) over value columns (x0, x1), in character cells
    cols = [((2, 4, "合计"), (0, 13)), ((18, 20, "小计"), (16, 29)), ((35, 42, "一般公共预算资金"), (33, 46)),
            ((66, 70, "事业收入"), (64, 72)), ((98, 102, "其他收入"), (96, 104)), ((105, 107, "小计"), (105, 114)),
            ((119, 126, "一般公共预算资金"), (119, 128)), ((151, 155, "单位资金"), (151, 155))]
    slots = [Slot(a, b, 1 if k in (0, 1, 2, 5, 6) else 0) for k, (_, (a, b)) in enumerate(cols)]
    cells = [HeaderCell("本年收入", 0, 3, 3, 61.0, 59, 63), HeaderCell("上年结转结余", 0, 6, 6, 134.0, 131, 137),
             HeaderCell("合计", 1, 0, 0, 3.0, 2, 4)]
    cells += [HeaderCell(t, 2, k, k, (a + b) / 2, a, b) for k, ((a, b, t), _) in enumerate(cols) if k]
    groups = _widen_groups(cells, slots, 3, get())[:2]
    assert [(g.text, g.first, g.last) for g in groups] == [("本年收入", 1, 4), ("上年结转结余", 5, 7)]


# ------------------------------------------------------- pre-tests that stand in for a regex

_PAGE_CHARS = st.sampled_from(list("一合计费）)(0123456789.,- \n\r\x00\ufffe") + ["\u3000", "（", "a"])


@given(st.text(_PAGE_CHARS, max_size=60))
@settings(max_examples=400, deadline=None)
def test_runs_holding_a_cjk_digit_are_those_the_regex_finds_run_by_run(text):
    """The page text is searched once for a Chinese character (or bracket) meeting a digit;
    the runs holding a match, found by position, must be exactly those whose own text the
    regex finds something in (a match never crosses a blank or a line break)."""
    from yusuan.parse.extract.pdf_page import _CJK_DIGIT_RE, _RUN_RE, _holding

    runs = [Run(m.group(), 0.0, 1.0, 0.0, 1.0, m.start()) for m in _RUN_RE.finditer(text)]
    hits = [m.start() for m in _CJK_DIGIT_RE.finditer(text)]
    assert _holding(runs, hits) == [_CJK_DIGIT_RE.search(r.text) is not None for r in runs]
    # runs dropped in between (text off the page) leave the others' answers as they were
    kept = runs[::2]
    assert _holding(kept, hits) == [_CJK_DIGIT_RE.search(r.text) is not None for r in kept]


@given(st.text(st.sampled_from(list("一服务中心）)(0123456789.,-−a")), min_size=1, max_size=20))
@settings(max_examples=400, deadline=None)
def test_the_glued_label_pre_test_passes_every_run_the_regex_would_split(text):
    """``_may_be_glued`` keeps runs away from ``_GLUED_RE``: it may let through a run the
    regex then refuses, never refuse one the regex would split."""
    from yusuan.parse.extract.pdf_lines import _GLUED_RE, _may_be_glued

    if _GLUED_RE.match(text):
        assert _may_be_glued(text)


def test_the_glued_label_pre_test_refuses_plain_labels_and_amounts():
    from yusuan.parse.extract.pdf_lines import _may_be_glued

    assert _may_be_glued("服务保障中心1839311.66")
    assert _may_be_glued("(1)12.50")
    assert not _may_be_glued("一般公共服务支出")
    assert not _may_be_glued("1,839,311.66")
    assert not _may_be_glued("20101")
