"""Render → parse gives back the same open-data CSV, in every format.

For the seed, for the compiled example, and for every corpus document that parses clean
(no error finding): whatever a format prints, ``yusuan.api.read`` reads back to the same
cells (PDF through the PDF extractor, XLSX/HTML/DOCX through theirs, TXT through the text
reader).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from yusuan.api import read
from yusuan.check import check
from yusuan.compile import compile_path
from yusuan.parse import parse_path
from yusuan.render import FORMATS, RenderError, render
from yusuan.render.opendata import to_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"
PRINTED = ("txt", "html", "xlsx", "docx", "pdf")


def _pdf_available() -> bool:
    try:
        from yusuan.render.fonts import font_dirs

        font_dirs()
        return True
    except Exception:  # noqa: BLE001
        return False


def _round_trip(doc, fmt: str, tmp_path: Path) -> str:
    if fmt == "pdf" and not _pdf_available():
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk): PDF cannot be rendered here")
    out = tmp_path / f"doc.{fmt}"
    out.write_bytes(render(doc, fmt))
    back, _ = read(out)
    return to_csv(back)


@functools.cache
def _example():
    doc, findings = compile_path(EXAMPLE)
    return doc


@pytest.mark.parametrize("fmt", PRINTED)
def test_seed_round_trip(seed_path, fmt, tmp_path):
    doc, _ = parse_path(seed_path)
    assert _round_trip(doc, fmt, tmp_path) == to_csv(doc)


@pytest.mark.parametrize("fmt", PRINTED)
def test_example_round_trip(fmt, tmp_path):
    doc = _example()
    csv = to_csv(doc)
    assert len(csv.splitlines()) == 214
    assert _round_trip(doc, fmt, tmp_path) == csv


@functools.cache
def _clean_corpus(corpus: Path) -> tuple[tuple[str, object], ...]:
    out = []
    for p in sorted((corpus / "text").glob("*.txt")):
        doc, issues = parse_path(p)
        if not check(doc, extra=issues).errors:
            out.append((p.name, doc))
    return tuple(out)


@pytest.mark.parametrize("fmt", PRINTED)
def test_clean_corpus_round_trip(corpus_dir, fmt, tmp_path):
    docs = _clean_corpus(corpus_dir)
    with_tables = [name for name, d in docs if len(to_csv(d).splitlines()) > 20]
    assert len(docs) >= 5 and len(with_tables) >= 2, "too few clean corpus documents to hold the round trip"
    failures = []
    for name, doc in docs:
        try:
            got = _round_trip(doc, fmt, tmp_path)
        except RenderError as exc:  # pragma: no cover - reported below
            got = f"render error: {exc}"
        if got != to_csv(doc):
            failures.append(name)
    # (PDF is read back geometrically: parse/extract/pdf.py and the table recogniser)
    assert failures == [], failures


def test_render_formats_and_errors():
    doc = _example()
    for fmt in FORMATS:
        if fmt == "pdf" and not _pdf_available():
            continue
        data = render(doc, fmt)
        assert isinstance(data, bytes) and len(data) > 500, fmt
    with pytest.raises(ValueError, match="unknown format"):
        render(doc, "odt")


def test_txt_looks_like_the_seed():
    text = render(_example(), "txt").decode("utf-8")
    lines = text.splitlines()
    i = lines.index("单位预算收入总表")
    assert lines[i + 2] == "542001 石家庄市鹿泉区信访局本级"
    assert lines[i + 4] == "预算年度：2021" and lines[i + 6] == "单位：万元"
    assert lines[i + 8].split("\t")[:4] == ["序号", "功能分类科目", "", "合计"]
    assert lines[i + 9].split("\t")[:5] == ["", "科目编码", "科目名称", "", "小计"]
    assert lines[i + 10].split("\t")[:4] == ["栏次", "1", "2", "3"]
    assert lines[i + 11].split("\t")[:5] == ["1", "", "合计", "451.83", "451.83"]
    assert "注：无政府性基金预算财政拨款支出，空表列示。" in lines


def test_html_is_accessible():
    html = render(_example(), "html").decode("utf-8")
    assert '<html lang="zh-CN">' in html and "<script" not in html and "http" not in html.split("<body>")[1]
    assert '<th scope="colgroup" colspan="8">本年收入</th>' in html
    assert 'aria-labelledby="t2-h"' in html and '<h2 id="t2-h">单位预算收入总表</h2>' in html
    assert "@media print" in html and "thead { display: table-header-group; }" in html


def test_xlsx_layout():
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(_example(), "xlsx")))
    assert wb.sheetnames[0] == "00封面" and "02收入总表" in wb.sheetnames
    ws = wb["02收入总表"]
    assert ws["A1"].value == "单位预算收入总表"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "E4:L4" in merged and "B4:C4" in merged and "A4:A5" in merged  # 本年收入 over 8 columns; 功能分类科目 over 2; 序号 down 2
    assert ws["A2"].value == "542001 石家庄市鹿泉区信访局本级" and ws["A3"].value == "预算年度：2021" and ws["M3"].value == "单位：万元"
    assert [ws.cell(row=6, column=j).value for j in range(1, 5)] == ["栏次", "1", "2", "3"]
    assert ws.freeze_panes == "A7"
    assert ws.print_title_rows == "$4:$6"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    cell = ws["D7"]
    assert cell.value == pytest.approx(451.83) and cell.number_format == "#,##0.00"
    assert ws["B10"].value == "2010308"  # codes stay text


def test_docx_repeats_headers_and_merges():
    import io
    import zipfile

    data = render(_example(), "docx")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:tblHeader/>") >= 20
    assert '<w:gridSpan w:val="8"/>' in xml and '<w:vMerge w:val="restart"/>' in xml
    assert 'w:eastAsia="宋体"' in zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
