"""Tables the catalogue does not know by name: a 政府购买服务 list (北京 预算11表), a
generic table under a title no pattern matches (会议费明细表), and title wordings of other
templates (the central 总体情况表 family).  Hand-written ``pdftotext -layout`` text; names
and figures invented, columns placed as the 2026 北京 and 西安 documents place them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pdftotext_page import at, parse_table, right
from yusuan.catalog import GENERIC_TABLE_ID
from yusuan.catalog import get as get_catalog
from yusuan.check import check
from yusuan.parse import parse_text
from yusuan.render.opendata import csv_records

SERVICES = "\n".join(
    [
        at((20, "预算11表 财政拨款政府购买服务明细表")),
        at((47, "金额单位：万元")),
        "",
        at((21, "指导性目录")),
        at((47, "预算金额")),
        at((6, "一级"), (21, "二级"), (41, "三级")),
        at((5, "合    计"), right(60, "300.500000")),
        at((0, "01-公共服务"), (15, "0101-公共安全服务"), (36, "公共安全保障服务"), right(60, "100.000000")),
        at((15, "0207-评审、评估和评价服")),
        at((0, "02-政府履职辅助性服务"), (36, "评估和评价服务"), right(60, "100.500000")),
        at((15, "务")),
        at((15, "0207-评审、评估和评价服")),
        at((0, "02-政府履职辅助性服务"), (36, "评审服务"), right(60, "50.000000")),
        at((15, "务")),
        at((0, "02-政府履职辅助性服务"), (15, "0211-后勤服务"), (36, "物业管理服务"), right(60, "50.000000")),
    ]
)


def test_a_service_purchase_list_is_a_table_of_its_own():
    _, _, table = parse_table(SERVICES, "government_service_purchase")
    rows = table.rows
    assert [r.label for r in rows] == ["合 计", "01-公共服务", *["02-政府履职辅助性服务"] * 3]
    # the 二级 / 三级 entries are text columns; a 二级 wrapped over the row above and below
    # (``0207-评审、评估和评价服`` / ``务``) is one cell, not a unit line opening a new table
    assert [r.cells["service_level2"].text if "service_level2" in r.cells else "" for r in rows[1:]] == [
        "0101-公共安全服务",
        "0207-评审、评估和评价服务",
        "0207-评审、评估和评价服务",
        "0211-后勤服务",
    ]
    assert [r.cells["service_level3"].text for r in rows[2:4]] == ["评估和评价服务", "评审服务"]
    assert [r.value("amount") for r in rows] == [Decimal(v) for v in ("300.500000", "100.000000", "100.500000", "50.000000", "50.000000")]
    assert all(r.unit_code is None for r in rows)
    assert {c.key: c.kind for c in table.columns} == {"service_level2": "text", "service_level3": "text", "amount": "amount"}


def test_the_list_total_is_the_sum_of_its_items():
    doc, issues, table = parse_table(SERVICES, "government_service_purchase")
    assert not [f for f in check(doc, extra=issues).findings if f.code == "list-total-mismatch"]
    # one item changed by 0.01: the 合计 no longer adds up, and the error names it
    rows = list(table.rows)
    cell = rows[4].cells["amount"]
    rows[4] = replace(rows[4], cells={**rows[4].cells, "amount": replace(cell, value=cell.value + Decimal("0.01"))})
    changed = replace(doc, tables=tuple(replace(t, rows=tuple(rows)) if t is table else t for t in doc.tables))
    (f,) = [f for f in check(changed).findings if f.code == "list-total-mismatch"]
    assert f.severity == "error"
    assert (f.location.table, f.location.column) == ("government_service_purchase", "预算金额")
    assert (f.expected, f.actual) == (Decimal("300.51"), Decimal("300.500000"))


MEETINGS = "\n".join(
    [
        at((33, "会议费明细表")),
        "",
        at((66, "单位：万元")),
        at((0, "序号"), (17, "会议名称"), (38, "时间"), (56, "人数"), (62, "金额"), (72, "备注")),
        at((0, "1"), (5, "工作综合会议"), (25, "计划于2026年3月18日"), right(59, "100"), right(69, "3.00"), (72, "按通知")),
        at((0, "2"), (5, "监督员会议"), (25, "计划于2026年10月20日"), right(59, "75"), right(69, "1.50"), (72, "按通知")),
        "",
        at((33, "培训费明细表")),
        "",
        at((66, "单位：万元")),
        at((0, "序号"), (17, "培训名称"), (38, "时间"), (56, "人数"), (62, "金额"), (72, "备注")),
        at((0, "1"), (5, "业务培训"), (25, "2026年6月25日至6月26日"), right(59, "50"), right(69, "2.60")),
        at((0, "2"), (5, "能力提升培训"), (25, "2026年4月15日至4月17日"), right(59, "70"), right(69, "7.00"), (72, "师资费")),
    ]
)


def test_an_unknown_title_over_a_header_and_rows_is_a_generic_table():
    doc, _ = parse_text(MEETINGS)
    generic = [t for t in doc.tables if t.id == GENERIC_TABLE_ID]
    # the second title stands mid-page, under a header the catalogue knows (金额, 备注): a
    # table of its own, not rows of the first
    assert [t.title for t in generic] == ["会议费明细表", "培训费明细表"]
    meetings, training = generic
    assert [r.label for r in meetings.rows] == ["工作综合会议", "监督员会议"]
    assert [r.seq for r in meetings.rows] == ["1", "2"]
    # a headed text column the catalogue does not know is kept under its header
    assert [r.cells["时间"].text for r in meetings.rows] == ["计划于2026年3月18日", "计划于2026年10月20日"]
    assert meetings.column("时间").kind == "text"
    assert [r.value("amount") for r in training.rows] == [Decimal("2.60"), Decimal("7.00")]
    assert training.rows[1].cells["note"].text == "师资费"
    # the money is exported in the unit the table prints
    records = {rec[3:] for rec in csv_records(doc)}
    assert ("other", "1", "", "工作综合会议", "金额", "3", "万元") in records
    # and a head count is a quantity, not money
    assert ("other", "1", "", "工作综合会议", "人数", "100", "") in records


def test_a_generic_table_without_a_unit_holds_figures_not_money():
    text = "\n".join(
        [
            at((20, "综合评价得分情况表")),
            at((0, "一级指标"), (20, "分值"), (30, "得分")),
            at((0, "决策"), right(24, "20"), right(35, "17.90")),
            at((0, "产出"), right(24, "80"), right(35, "67.125")),
            at((0, "合  计"), right(24, "100"), right(35, "85.025")),
        ]
    )
    doc, _ = parse_text(text)
    (table,) = [t for t in doc.tables if t.id == GENERIC_TABLE_ID]
    assert {c.kind for c in table.columns} == {"quantity"}
    assert {rec[-1] for rec in csv_records(doc) if rec[3] == "other"} == {""}


def test_a_table_number_under_a_known_title_is_no_title_of_its_own():
    text = "\n".join(
        [
            at((33, "收入决算表")),
            at((70, "公开 02 表")),
            at((66, "单位：万元")),
            at((0, "项目"), (30, "本年收入合计"), (46, "财政拨款收入")),
            at((0, "合计"), right(42, "10.00"), right(58, "10.00")),
            at((0, "201 一般公共服务支出"), right(42, "10.00"), right(58, "10.00")),
        ]
    )
    doc, _ = parse_text(text)
    assert [t.id for t in doc.tables] == ["final_income_summary"]


def test_a_row_label_ending_in_biao_inside_a_table_opens_no_table():
    text = "\n".join(
        [
            at((20, "部门综合预算专项业务经费支出表")),
            at((60, "单位：元")),
            at((0, "单位编码"), (20, "单位（项目）名称"), (44, "项目金额")),
            at((18, "合计"), right(52, "300.00")),
            at((18, "统计报送"), right(52, "100.00")),
            at((18, "值班排班表")),
            at((18, "运维服务"), right(52, "200.00")),
            at((18, "设备采购"), right(52, "0.00")),
        ]
    )
    doc, _ = parse_text(text)
    assert [t.id for t in doc.tables] == ["project_expenditure"]
    assert len(doc.tables[0].rows) >= 4


@pytest.mark.parametrize(
    ("title", "table_id"),
    [
        ("2016年部门收支总体情况表", "income_expenditure_summary"),
        ("部门收入总体情况表", "income_summary"),
        ("部门支出总体情况表", "expenditure_summary"),
        ("财政拨款收支总体情况表", "appropriation_summary"),
        ("一般公共预算支出情况表", "general_budget_expenditure"),
        ("一般公共预算基本支出情况表", "general_budget_basic_expenditure"),
        ("政府性基金预算支出情况表", "government_fund_expenditure"),
        ("国有资本经营预算支出情况表", "state_capital_expenditure"),
        ("部门收入预算表", "income_summary"),
        ("部门支出预算表", "expenditure_summary"),
        ("财政拨款收支预算表", "appropriation_summary"),
        ("财政项目支出绩效目标填报表", "performance_targets"),
        ("预算11表 财政拨款政府购买服务明细表", "government_service_purchase"),
        ("项目支出预算表", "project_expenditure"),
    ],
)
def test_title_wordings_of_other_templates(title, table_id):
    spec = get_catalog().match_title(title)
    assert spec is not None and spec.id == table_id


@pytest.mark.parametrize("line", ["第二部分 2026年度部门预算报表", "五、单位预算表", "公开 02 表", "部门预算02表", "（具体部门预算公开报表）", "目录表"])
def test_part_headings_and_table_numbers_are_no_generic_titles(line):
    assert get_catalog().generic_title(line) is None


def test_a_list_continued_on_a_squeezed_page_keeps_its_columns():
    # pdftotext sets the page after on a narrower grid and prints no header there: its
    # columns follow the first page's one for one (text, text, text, amount)
    first = [
        at((20, "预算11表 财政拨款政府购买服务明细表")),
        at((57, "金额单位：万元")),
        at((21, "指导性目录")),
        at((57, "预算金额")),
        at((6, "一级"), (21, "二级"), (41, "三级")),
        at((5, "合    计"), right(66, "60.000000")),
        at((0, "01-公共服务"), (15, "0101-公共安全服务"), (40, "公共安全保障服务"), right(66, "10.000000")),
        at((0, "01-公共服务"), (15, "0110-社会治理服务"), (40, "便民热线服务"), right(66, "20.000000")),
    ]
    squeezed = [
        at((0, "02-政府履职辅助性服务"), (14, "0208-咨询服务"), (27, "咨询服务"), right(50, "10.000000")),
        at((0, "02-政府履职辅助性服务"), (14, "0210-信息化服务"), (27, "数据处理服务"), right(50, "10.000000")),
        at((0, "02-政府履职辅助性服务"), (14, "0211-后勤服务"), (27, "物业管理服务"), right(50, "5.000000")),
        at((0, "02-政府履职辅助性服务"), (14, "0211-后勤服务"), (27, "餐饮服务"), right(50, "5.000000")),
    ]
    _, _, table = parse_table("\n".join(first) + "\n\f" + "\n".join(squeezed), "government_service_purchase")
    assert [r.cells["service_level3"].text for r in table.rows[1:]] == ["公共安全保障服务", "便民热线服务", "咨询服务", "数据处理服务", "物业管理服务", "餐饮服务"]
    assert [r.label for r in table.rows[3:]] == ["02-政府履职辅助性服务"] * 4
    assert sum(r.value("amount") for r in table.rows[1:]) == table.rows[0].value("amount")


def test_a_total_spread_over_other_columns_is_the_total_row():
    # labels set flush left, the 合计 centred under the wider 采购类别 header and letter-spaced
    # over two cells: the row is the total all the same
    text = "\n".join(
        [
            at((30, "预算10表 政府采购预算明细表")),
            at((60, "金额单位：万元")),
            at((38, "采购类别"), (60, "金额")),
            at((0, "A-货物"), right(68, "238.779600")),
            at((0, "C-服务"), right(68, "4,749.949530")),
            at((38, "合"), (46, "计"), right(68, "4,988.729130")),
        ]
    )
    _, _, table = parse_table(text, "government_procurement")
    assert [r.item.replace(" ", "") for r in table.rows] == ["A-货物", "C-服务", "合计"]


def test_an_html_table_under_an_unknown_title_is_a_generic_table(tmp_path):
    from yusuan.api import read

    page = tmp_path / "meetings.html"
    page.write_text(
        "<html><body><h1>西安市某某局2026年部门预算</h1><h3>会议费明细表</h3><p>单位：万元</p>"
        "<table><tr><th>序号</th><th>会议名称</th><th>时间</th><th>人数</th><th>金额</th><th>备注</th></tr>"
        "<tr><td>1</td><td>工作综合会议</td><td>计划于2026年3月18日</td><td>100</td><td>3.00</td><td>按通知</td></tr>"
        "<tr><td>2</td><td>监督员会议</td><td>计划于2026年10月20日</td><td>75</td><td>1.50</td><td></td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    doc, _ = read(page)
    (table,) = doc.tables
    assert (table.id, table.title) == (GENERIC_TABLE_ID, "会议费明细表")
    assert {c.header: c.kind for c in table.columns} == {"时间": "text", "人数": "quantity", "金额": "amount", "备注": "text"}
    assert [(r.seq, r.label, r.value("amount")) for r in table.rows] == [("1", "工作综合会议", Decimal("3.00")), ("2", "监督员会议", Decimal("1.50"))]
