"""Rows whose cells are centred vertically (西安 上年结转 project tables): a unit name, a
project name, a 功能科目名称 and a 资金性质 wrapped onto two or three lines each, the amount
and codes on the middle line, so that the lines between two rows are the end of one row and
the start of the next.  Hand-written ``pdftotext -layout`` page (names and figures invented)."""

from __future__ import annotations

from decimal import Decimal

from pdftotext_page import at as _at
from pdftotext_page import parse_table
from pdftotext_page import right as _amount

from yusuan.check import check
from yusuan.parse import parse_text

PAGE = "\n".join([
    _at((30, "财政拨款上年结转资金支出表")),
    _at((100, "单位：元")),
    _at((0, "预算单位代"), (45, "功能分类科"), (51, "功能分类科目"), (58, "政府经济分类"), (65, "政府经济分类")),
    _at((10, "预算单位名称"), (21, "预算项目名称"), (33, "金额"), (80, "项目类别"), (86, "资金性质"), (92, "备注")),
    _at((3, "码"), (45, "目代码"), (53, "名称"), (58, "科目代码"), (67, "科目名称")),
    _at((10, "合计"), _amount(40, "9,000.00")),
    _at((0, "1"), (10, "全额"), _amount(40, "9,000.00")),
    # a unit name over two lines around the row's line, a project name over two lines
    _at((10, "某某市某某局"), (19, "某某业务经费"), (86, "一般公共预")),
    _at((0, "101002"), _amount(40, "5,000.00"), (80, "专用项目")),
    _at((10, "第一分局"), (19, "（内容涉密）"), (86, "算资金")),
    # the next row's pieces start on the line right after the last row's end
    _at((10, "某某市某某局"), (51, "一般行政管理"), (65, "房屋建筑物购")),
    _at((0, "101002"), (19, "业务用房"), _amount(40, "3,000.00"), (42, "2040202"), (58, "50401"), (80, "专用项目"),
        (86, "一般债券")),
    _at((10, "第一分局"), (51, "事务"), (65, "建")),
    # a project name over three lines: two lines over the row, two under it
    _at((19, "某某市某某局某某")),
    _at((10, "某某市某某局"), (51, "一般行政管理"), (65, "房屋建筑物购")),
    _at((0, "101002"), (19, "大队业务技术"), _amount(40, "1,000.00"), (42, "2040202"), (58, "50401"), (80, "专用项目"),
        (86, "一般债券")),
    _at((10, "第一分局"), (51, "事务"), (65, "建")),
    _at((19, "综合楼项目")),
    "",
])


def _table(text: str = PAGE):
    return parse_table(text, "carryover_expenditure")


def test_each_row_takes_the_lines_of_its_band():
    _, _, table = _table()
    rows = table.rows
    # a row is a project: its label is the 预算项目名称, pieced together from its band; the
    # 合计 and 全额 lines keep the 预算单位名称 column's text
    assert [r.label for r in rows] == [
        "合计", "全额", "某某业务经费（内容涉密）", "业务用房", "某某市某某局某某大队业务技术综合楼项目",
    ]
    assert [r.value("amount") for r in rows] == [Decimal(x) for x in ("9000.00", "9000.00", "5000.00", "3000.00", "1000.00")]
    assert [r.code for r in rows] == [None, None, None, "2040202", "2040202"]
    assert [r.unit_code for r in rows][2:] == ["101002"] * 3


def test_the_rows_add_up_and_a_changed_one_does_not():
    doc, issues, _ = _table()
    report = check(doc, extra=issues)
    assert not [f for f in report.errors if f.location.table == "carryover_expenditure"], report.errors
    doc, issues, _ = _table(PAGE.replace("3,000.00", "3,500.00"))
    report = check(doc, extra=issues)
    assert [f.code for f in report.errors if f.location.table == "carryover_expenditure"] == ["column-total-mismatch"]


# Labels over three lines with their middle line on the row's line (2024 上海普陀 决算): no
# column is empty on a row's line, so nothing in the cells shows the layout; the subject
# catalogue does — read as bands, every coded row carries its subject's name.
THREE_LINE_LABELS = "\n".join([
    _at((20, "一般公共预算财政拨款支出表")),
    _at((60, "单位：万元")),
    _at((0, "科目编码"), (12, "科目名称"), (36, "合计"), (44, "基本支出"), (54, "项目支出")),
    _at((12, "合计"), _amount(40, "17.00"), _amount(50, "17.00")),
    _at((0, "208"), (12, "社会保障和就业支出"), _amount(40, "17.00"), _amount(50, "17.00")),
    _at((0, "20805"), (12, "行政事业单位养老支出"), _amount(40, "17.00"), _amount(50, "17.00")),
    _at((12, "机关事业单位")),
    _at((0, "2080505"), (12, "基本养老保险"), _amount(40, "11.00"), _amount(50, "11.00")),
    _at((12, "缴费支出")),
    _at((12, "机关事业单位")),
    _at((0, "2080506"), (12, "职业年金缴费"), _amount(40, "6.00"), _amount(50, "6.00")),
    _at((12, "支出")),
    "",
])


def test_the_catalogue_tells_three_line_labels_apart():
    doc, issues = parse_text(THREE_LINE_LABELS)
    (table,) = [t for t in doc.tables if t.id == "general_budget_expenditure"]
    assert [(r.code, r.label) for r in table.rows] == [
        (None, "合计"),
        ("208", "社会保障和就业支出"),
        ("20805", "行政事业单位养老支出"),
        ("2080505", "机关事业单位基本养老保险缴费支出"),
        ("2080506", "机关事业单位职业年金缴费支出"),
    ]
    report = check(doc, extra=issues)
    assert not [f for f in report.findings if f.code.startswith("subject-name")]


def test_a_band_names_its_row_even_when_another_column_prints_the_same_name():
    # 30199 其他工资福利支出 wrapped over three lines around its codes and amounts, the
    # 部门经济分类 column beside it printing 其他工资福利支出 too (50199): the label column's
    # halves are still the row's (the row's own line names it only in the other column)
    text = "\n".join(
        [
            _at((18, "一般公共预算基本支出明细表（按支出经济分类科目）")),
            _at((70, "单位：万元")),
            _at((0, "科目编码"), (12, "科目名称"), (30, "部门预算经济分类"), (50, "政府预算经济分类"), (70, "合计")),
            _at((0, "301"), (12, "工资福利支出"), _amount(76, "150.00")),
            _at((0, "30113"), (12, "住房公积金"), (30, "50103"), (50, "住房公积金"), _amount(76, "40.00")),
            _at((12, "其他工资福利支")),
            _at((0, "30199"), (30, "50199"), (50, "其他工资福利支出"), _amount(76, "110.00")),
            _at((12, "出")),
            _at((0, "302"), (12, "商品和服务支出"), _amount(76, "10.00")),
            _at((0, "30201"), (12, "办公费"), (30, "50201"), (50, "办公经费"), _amount(76, "10.00")),
        ]
    )
    _, _, table = parse_table(text, "general_budget_basic_expenditure")
    assert [(r.code, r.label) for r in table.rows] == [
        ("301", "工资福利支出"),
        ("30113", "住房公积金"),
        ("30199", "其他工资福利支出"),
        ("302", "商品和服务支出"),
        ("30201", "办公费"),
    ]
