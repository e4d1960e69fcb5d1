"""DOCX input: a document as a unit writes it in Word (python-docx, merged cells)."""

from __future__ import annotations

import pytest
from docx import Document

from yusuan.api import read
from yusuan.parse.extract.docx import extract
from yusuan.parse.extract.text import NotADisclosure


def _document(path):
    d = Document()
    d.add_paragraph("某某区审计局2024年部门预算公开")
    d.add_paragraph("部门预算支出总表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=5, cols=6)
    head = ["序号", "功能分类科目", "", "合计", "基本支出", "项目支出"]
    for j, h in enumerate(head):
        t.cell(0, j).text = h
    t.cell(1, 1).text, t.cell(1, 2).text = "科目编码", "科目名称"
    t.cell(0, 1).merge(t.cell(0, 2))  # gridSpan
    for j in (0, 3, 4, 5):
        t.cell(0, j).merge(t.cell(1, j))  # vMerge
    rows = [("1", "", "合计", "60.25", "50.00", "10.25"), ("2", "201", "一般公共服务支出", "60.25", "50.00", "10.25"), ("3", "20108", "审计事务", "60.25", "50.00", "10.25")]
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row):
            t.cell(i, j).text = v
    d.add_page_break()
    d.add_paragraph("情况说明")
    d.save(path)


def test_paragraphs_tables_and_merges(tmp_path):
    path = tmp_path / "d.docx"
    _document(path)
    raw = extract(path)
    lines = [[(w.text, int(w.x0)) for w in ln.words] for ln in raw.lines if not ln.is_blank]
    assert raw.grid
    assert lines[0] == [("某某区审计局2024年部门预算公开", 0)]
    assert lines[3] == [("序号", 0), ("功能分类科目", 1), ("合计", 3), ("基本支出", 4), ("项目支出", 5)]
    assert lines[4] == [("科目编码", 1), ("科目名称", 2)]  # the vMerge continuations are empty
    assert lines[6] == [("2", 0), ("201", 1), ("一般公共服务支出", 2), ("60.25", 3), ("50.00", 4), ("10.25", 5)]
    assert raw.lines[-1].page == 2 and lines[-1] == [("情况说明", 0)]


def test_a_published_document_parses(tmp_path):
    path = tmp_path / "d.docx"
    _document(path)
    doc, _ = read(path)
    t = doc.table("expenditure_summary")
    row = t.find_row(code="20108")
    assert row.item == "审计事务" and str(row.value("basic")) == "50.00"


def test_unreadable(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(NotADisclosure):
        extract(bad)
