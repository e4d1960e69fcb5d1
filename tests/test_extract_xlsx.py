"""XLSX input: a workbook as a unit publishes it (written here with openpyxl, merged headers)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from yusuan.api import read
from yusuan.parse.extract.text import NotADisclosure
from yusuan.parse.extract.xlsx import cell_text, extract


def _workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "封面"
    ws["A1"] = "某某区统计局2024年部门预算"
    ws2 = wb.create_sheet("表3")
    ws2.merge_cells("A1:F1")
    ws2["A1"] = "部门预算支出总表"
    ws2["A2"] = "单位：万元"
    ws2.merge_cells("A3:A4")
    ws2["A3"] = "序号"
    ws2.merge_cells("B3:C3")
    ws2["B3"] = "功能分类科目"
    for col, h in zip("DEF", ("合计", "基本支出", "项目支出")):
        ws2.merge_cells(f"{col}3:{col}4")
        ws2[f"{col}3"] = h
    ws2["B4"], ws2["C4"] = "科目编码", "科目名称"
    rows = [(1, None, "合计", 88.5, 80, 8.5), (2, "201", "一般公共服务支出", 88.5, 80, 8.5), (3, "20105", "统计信息事务", 88.5, 80, 8.5)]
    for r, row in enumerate(rows, start=5):
        for c, v in enumerate(row, start=1):
            ws2.cell(row=r, column=c, value=v)
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "不应读出"
    hidden.sheet_state = "hidden"
    wb.save(path)


def test_cells_and_merges(tmp_path):
    path = tmp_path / "b.xlsx"
    _workbook(path)
    raw = extract(path)
    lines = [[(w.text, int(w.x0)) for w in ln.words] for ln in raw.lines if not ln.is_blank]
    assert raw.grid and raw.pages == 2
    assert lines[0] == [("某某区统计局2024年部门预算", 0)]
    assert lines[3] == [("序号", 0), ("功能分类科目", 1), ("合计", 3), ("基本支出", 4), ("项目支出", 5)]
    assert lines[4] == [("科目编码", 1), ("科目名称", 2)]
    assert lines[6] == [("2", 0), ("201", 1), ("一般公共服务支出", 2), ("88.5", 3), ("80", 4), ("8.5", 5)]
    assert not any(t == "不应读出" for ln in lines for t, _ in ln)


def test_a_published_workbook_parses(tmp_path):
    path = tmp_path / "b.xlsx"
    _workbook(path)
    doc, _ = read(path)
    assert doc.year == 2024
    t = doc.table("expenditure_summary")
    row = t.find_row(code="20105")
    assert row.item == "统计信息事务" and str(row.value("project")) == "8.5"


def test_cell_text():
    import datetime as dt

    assert cell_text(451.83) == "451.83" and cell_text(162.0) == "162" and cell_text(1e16) == "10000000000000000"
    assert cell_text(dt.datetime(2020, 12, 31)) == "2020-12-31" and cell_text(None) == "" and cell_text(" a  b ") == "a b"


def test_unreadable(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(NotADisclosure):
        extract(bad)
