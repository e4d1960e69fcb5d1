"""The 西安 政府采购表 (资产配置、购买服务): 功能 code in 类/款/项 columns, a 单位编码 column
holding the 资金性质 line's ``1`` flush left and the units' codes flush right, text columns
(采购目录, 规格型号), and two economic codes in 类/款 columns under 部门预算 / 政府预算
支出经济科目编码.  Hand-written ``pdftotext -layout`` page, cells placed by character column."""

from __future__ import annotations

from decimal import Decimal

from pdftotext_page import at as _at
from pdftotext_page import parse_table
from pdftotext_page import right as _right

from yusuan.check import check


def _row(code: tuple[str, str, str], unit: tuple[int, str] | None, item: str, catalogue: str, spec: str,
         qty: str, econ: tuple[str, str, str, str] | None, amount: str) -> str:
    cells = [(0, code[0]), (6, code[1]), (9, code[2])]
    if unit:
        cells.append(unit)
    cells.append((24, item))
    if catalogue:
        cells.append((44, catalogue))
    if spec:
        cells.append((76, spec))
    cells.append(_right(92, qty))
    if econ:
        cells += [(93, econ[0]), (97, econ[1]), (100, econ[2]), (104, econ[3])]  # under 类 款 类 款
    cells.append(_right(130, amount))
    return _at(*cells)


PAGE = "\n".join([
    _at((40, "部门综合预算政府采购（资产配置、购买服务）预算表")),
    "",
    _at((124, "单位：元")),
    _at((93, "部门预算"), (100, "政府预算")),
    _at((0, "科目编码"), (93, "支出经济"), (100, "支出经济")),
    _at((12, "单位编码"), (24, "采购项目"), (44, "采购目录"), (76, "规格型号"), (88, "数量"), (93, "科目编码"),
        (100, "科目编码"), (122, "预算金额"), (134, "说明")),
    _at((0, "类"), (6, "款"), (9, "项"), (93, "类"), (97, "款"), (100, "类"), (104, "款")),
    _at((44, "合计"), _right(92, "9"), _right(130, "440,000.00")),
    _row(("204", "06", "01"), (13, "1"), "全额", "", "", "9", None, "440,000.00"),
    _row(("204", "06", "01"), _right(22, "154001"), "某某局", "", "", "6", None, "330,000.00"),
    _row(("204", "06", "01"), None, "车辆运行维护费", "C23120301车辆维修和保养服务", "辆", "1",
         ("302", "31", "502", "08"), "100,000.00"),
    _row(("204", "06", "01"), None, "日常公用经费", "C04070100体检服务", "次", "5",
         ("302", "99", "502", "99"), "230,000.00"),
    _row(("204", "06", "01"), _right(22, "154002"), "某某中心", "", "", "3", None, "110,000.00"),
    _row(("204", "06", "01"), None, "办公设备购置", "A02061804空调机", "1.5P空调", "3",
         ("310", "02", "503", "06"), "110,000.00"),
    "",
])


def _table(text: str = PAGE):
    return parse_table(text, "government_procurement")


def test_codes_units_and_text_columns_are_read_where_printed():
    _, _, table = _table()
    assert [c.header for c in table.columns] == ["采购目录", "规格型号", "数量", "预算金额", "说明"]
    assert not [c for c in table.columns if c.key.startswith("列")]  # no column the header does not name
    rows = table.rows
    assert [r.code for r in rows] == [None] + ["2040601"] * 6
    assert [r.unit_code for r in rows] == [None, "1", "154001", None, None, "154002", None]
    assert [r.label for r in rows][:4] == ["合计", "全额", "某某局", "车辆运行维护费"]
    car = rows[3]
    assert dict(car.codes) == {"economic": "30231", "gov_economic": "50208"}
    assert car.cells["catalogue"].text == "C23120301车辆维修和保养服务"
    assert car.cells["spec"].text == "辆"
    assert car.cells["quantity"].value == Decimal(1)
    assert car.cells["amount"].value == Decimal("100000.00")
    assert dict(rows[6].codes) == {"economic": "31002", "gov_economic": "50306"}
    assert rows[6].cells["spec"].text == "1.5P空调"


def test_text_columns_are_neither_added_up_nor_exported():
    from yusuan.render.opendata import to_csv

    doc, _, table = _table()
    assert {c.key: c.kind for c in table.columns}["catalogue"] == "text"
    csv = to_csv(doc)
    assert "C23120301" not in csv and ",规格型号," not in csv
    assert ",government_procurement,,2040601,车辆运行维护费,预算金额,100000,元" in csv


def test_group_lines_are_not_counted_beside_their_purchases():
    doc, issues, _ = _table()
    report = check(doc, extra=issues)
    assert not [f for f in report.errors if f.location.table == "government_procurement"], report.errors


def test_a_purchase_changed_breaks_the_total():
    doc, issues, _ = _table(PAGE.replace("230,000.00", "231,000.00"))
    report = check(doc, extra=issues)
    found = [f for f in report.errors if f.location.table == "government_procurement"]
    assert found and found[0].code == "column-total-mismatch"
    assert found[0].expected == Decimal("441000.00") and found[0].actual == Decimal("440000.00")



def test_catalogue_entry_one_space_after_a_full_name_is_its_own_cell():
    # pdftotext leaves one space between a 采购项目 that fills its cell and the 采购目录 entry
    lines = PAGE.splitlines()
    lines[11] = _at((0, "204"), (6, "06"), (9, "01"), (24, "国家统一法律职业资格考试（省级） C04070100体检服务"), (76, "次"),
                    _right(92, "5"), (93, "302"), (97, "99"), (100, "502"), (104, "99"), _right(130, "230,000.00"))
    _, _, table = _table("\n".join(lines))
    row = table.rows[4]
    assert row.label == "国家统一法律职业资格考试（省级）"
    assert row.cells["catalogue"].text == "C04070100体检服务"
    assert row.cells["amount"].value == Decimal("230000.00")


def test_quantities_under_the_spec_header_are_the_quantities():
    # the rule on its own: a 规格型号 column of whole numbers beside an empty 数量 column (the
    # header line set on a wider grid than the rows, the quantities under 规格型号)
    from yusuan.parse.grid import GridRow, HeaderColumn
    from yusuan.parse.layout import Line
    from yusuan.parse.tables import _quantities_under_text_header

    hcols = [HeaderColumn(0, "采购项目"), HeaderColumn(1, "规格型号"), HeaderColumn(2, "数量"), HeaderColumn(3, "预算金额")]
    kinds = ["label", "value", "value", "value"]
    roles = {1: "spec", 2: "quantity", 3: "amount"}
    line = Line([], 1, 1)
    rows = [GridRow(line, {0: "全额", 1: "6", 3: "3,786,500.00"}), GridRow(line, {0: "接待中心运维", 1: "1", 3: "280,000.00"})]
    assert _quantities_under_text_header(hcols, kinds, roles, rows) == {1: 2}
    # a 规格型号 with text in it, or a 数量 column with figures of its own, is left alone
    rows[1].cells[1] = "1.5P空调"
    assert _quantities_under_text_header(hcols, kinds, roles, rows) == {}
    rows[1].cells[1] = "1"
    rows[0].cells[2] = "6"
    assert _quantities_under_text_header(hcols, kinds, roles, rows) == {}


def test_three_digit_serial_numbers_beside_class_codes_are_two_columns():
    # 序号 273 one space left of the 类 220 on every line: two columns of digits, not one
    # column of indented codes
    from yusuan.parse.grid import geometric_slots
    from yusuan.parse.layout import Line, Word

    rows = [
        Line([Word(str(seq), 0.0, 3.0), Word("220", 4.0, 7.0), Word("01", 10.0, 12.0), Word("不动产登记", 20.0, 25.0),
              Word("500000.00", 40.0, 49.0)], 1, seq)
        for seq in (273, 274, 275)
    ]
    slots = geometric_slots(rows, [])
    assert [(s.x0, s.x1) for s in slots][:2] == [(0.0, 3.0), (4.0, 7.0)]



def test_a_catalogue_entry_drawn_out_of_its_column_goes_back():
    # a page whose header stands on another character grid than its rows (2026 西安 司法局,
    # last page of the table) draws the 采购目录 entry into the label and a 全额 line's
    # quantity into the 采购目录 column; what the cells hold puts them back
    from yusuan.parse.tables import _catalogue_in_place, _catalogue_slots, _RowBuf

    _, _, table = _table()
    col = {c.role: c for c in table.columns}
    slots = _catalogue_slots({5: col["catalogue"], 7: col["quantity"], 9: col["amount"]})
    item = _RowBuf(line=None)
    item.label, item.values = "警用服装购置 A05030301制服", {7: "1", 9: "557,200.00"}
    _catalogue_in_place(item, *slots)
    assert (item.label, item.values[5]) == ("警用服装购置", "A05030301制服")
    group = _RowBuf(line=None)
    group.label, group.values = "全额", {5: "1", 9: "557,200.00"}
    _catalogue_in_place(group, *slots)
    assert group.values == {7: "1", 9: "557,200.00"}
    # an entry in its own column, and a label that merely ends in letters, stay where they are
    kept = _RowBuf(line=None)
    kept.label, kept.values = "办公设备购置", {5: "A02061804空调机", 7: "3"}
    _catalogue_in_place(kept, *slots)
    assert (kept.label, kept.values) == ("办公设备购置", {5: "A02061804空调机", 7: "3"})
    plain = _RowBuf(line=None)
    plain.label = "购置 A4纸"
    _catalogue_in_place(plain, *slots)
    assert plain.label == "购置 A4纸" and not plain.values
