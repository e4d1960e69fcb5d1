"""Rules found on the 西安 部门预算 layouts, on hand-written inputs: a change split after 其中,
a table title printed on two lines, 合计 rows that add up unit rows, coded totals over
uncoded project rows, 财政拨款收入 quoted with its 上年结转, and the 绩效自评表."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yusuan.catalog import get as get_catalog
from yusuan.check import check
from yusuan.check.rules.arithmetic import _units_add_up
from yusuan.check.rules.hierarchy import _with_uncoded
from yusuan.model import Cell, Column, Row, Table
from yusuan.parse import parse_text

_SUMMARY = """
表1
2026年部门综合预算收支总表
单位：万元
收入                           支出
项目          预算数          项目             预算数
一般公共预算拨款  500.00        一般公共服务支出   500.00
本年收入合计    500.00        本年支出合计      500.00
"""


def _narrative_errors(narrative: str) -> list[str]:
    doc, issues = parse_text("2026年某某局部门预算\n\n一、收支预算总体情况说明\n" + narrative + "\n" + _SUMMARY)
    return [f.code for f in check(doc, extra=issues).errors if f.location.table == "narrative"]


def test_change_split_after_its_own_qiZhong_is_checked():
    ok = "2026年本部门预算支出较上年减少 300 万元，其中基本支出减少 100 万元，项目支出减少 200 万元。"
    assert "narrative-change-inconsistent" not in _narrative_errors(ok)
    bad = ok.replace("项目支出减少 200", "项目支出减少 150")
    assert "narrative-change-inconsistent" in _narrative_errors(bad)


def test_qiZhong_of_another_figure_does_not_split_the_change():
    # the reasons (一是…二是…增加 8 亿元) and a later 其中 belong to other figures
    text = (
        "2026年本部门预算支出较上年减少 300 万元，主要原因一是项目投资 40 亿由部门代编，今年未列入；"
        "二是专项经费较上年增加 8 亿元；2026 年本部门预算支出 500 万元，其中一般公共预算拨款支出 500 万元，"
        "较上年增加 8 亿元，较上年减少 1 万元。"
    )
    assert "narrative-change-inconsistent" not in _narrative_errors(text)


def test_parts_listed_without_their_change_are_not_all_the_parts():
    text = (
        "“三公”经费预算 18.6 万元，较上年减少 24.5 万元，其中：因公出国（境）经费 0 万元，预算未做安排；"
        "公务接待费 8.6 万元，较上年增加 1.5 万元；公务用车运行维护费 10 万元，较上年减少 1 万元。"
    )
    assert "narrative-change-inconsistent" not in _narrative_errors(text)


def test_fiscal_income_with_its_carryover_is_the_appropriation_grand_total():
    text = """2026年某某局部门预算

六、财政拨款收支情况说明
本部门当年财政拨款收入 600.00 万元，其中：一般公共预算拨款收入 500.00 万元、上年结转 100.00 万元。

表4
2026年部门综合预算财政拨款收支总表
单位：万元
收入                           支出
项目              预算数          项目             预算数
本年收入合计      500.00        一般公共服务支出   600.00
一般公共预算拨款  500.00
二、上年结转      100.00
收入总计          600.00        支出总计          600.00
"""
    doc, issues = parse_text(text)
    assert "appropriation_summary" in {t.id for t in doc.tables}
    assert not [f for f in check(doc, extra=issues).errors if f.code == "narrative-amount-mismatch"]


def test_title_printed_on_two_lines():
    text = """2026年某某局部门预算

表13
     2026年部门综合预算一般公共预算拨款“三公”经费、
          会议费、培训费表
单位：万元
项目              合计      因公出国（境）费用   公务接待费   公务用车购置及运行维护费   会议费   培训费
合计              10.00     1.00                 2.00         3.00                       2.00     2.00
"""
    doc, _ = parse_text(text)
    tables = [t for t in doc.tables if t.id == "three_public_expenses"]
    assert len(tables) == 1
    assert tables[0].title == "2026年部门综合预算一般公共预算拨款“三公”经费、会议费、培训费表"
    assert tables[0].rows and tables[0].rows[0].label == "合计"


def test_each_half_of_a_two_line_title_alone_is_not_joined():
    catalog = get_catalog()
    assert catalog.match_title("会议费、培训费表") is None
    assert catalog.match_title("2026年部门综合预算一般公共预算拨款“三公”经费、会议费、培训费表") is not None


def _cell(v: str) -> Cell:
    return Cell(text=v, value=Decimal(v))


def _unit_table(total_row: tuple[str, str, str]) -> Table:
    cols = tuple(Column(key=k, header=h, role=r) for k, h, r in (("total", "合计", "total"), ("a", "会议费", "meeting"), ("b", "培训费", "training")))

    def row(label, code, t, a, b):
        return Row(label=label, cells={"total": _cell(t), "a": _cell(a), "b": _cell(b)}, unit_code=code)

    rows = (
        row("合计", None, *total_row),
        row("某某局", "222", *total_row),
        row("某某局", "222001", "8.50", "2.50", "5.99"),  # 8.49 printed as 8.50: rounding
        row("某某中心", "222002", "3.01", "1.00", "2.00"),  # 3.00 printed as 3.01: rounding
    )
    return Table(id="three_public_expenses", title="“三公”经费表", columns=cols, rows=rows)


def test_total_row_adding_up_its_units_carries_their_rounding():
    t = _unit_table(("11.51", "3.50", "7.99"))  # Σ units column by column; 11.51 − 11.49 = 0.02
    assert _units_add_up(t, t.rows[0], ["total", "a", "b"])
    assert _units_add_up(t, t.rows[1], ["total", "a", "b"])
    assert not _units_add_up(t, t.rows[2], ["total", "a", "b"])  # a unit is checked itself


def test_total_row_not_the_sum_of_its_units_is_checked():
    t = _unit_table(("11.61", "3.50", "7.99"))
    assert not _units_add_up(t, t.rows[0], ["total", "a", "b"])


def test_uncoded_project_rows_make_up_the_total():
    def row(label, v):
        return Row(label=label, cells={"amount": _cell(v)})

    uncoded = [row("全额", "100.00"), row("项目甲（内容涉密）", "30.00")]
    assert _with_uncoded(Decimal("100.00"), [Decimal("70.00")], uncoded, "amount", Decimal("0.01"))
    assert not _with_uncoded(Decimal("100.00"), [Decimal("60.00")], uncoded, "amount", Decimal("0.01"))
    # a group line repeating the 合计 alone does not explain a difference
    assert not _with_uncoded(Decimal("100.00"), [Decimal("70.00")], uncoded[:1], "amount", Decimal("0.01"))


def test_self_evaluation_table_is_not_narrative():
    text = """2026年某某局部门决算

一、部门决算情况说明
本部门 2026 年收入 100.00 万元。

某某项目绩效自评表
（2026年度）
项目名称        某某项目
          一级指标     二级指标     三级指标                年度指标值   实际完成值   分值   得分   偏差原因分析及改进措施
          产出指标     数量指标     检查人次1859，收入949920元   100%         60%          20     12     增加病员量
          效益指标     社会效益指标 增加社会影响力              100%         90%          10     9      增加宣传
"""
    doc, _ = parse_text(text)
    assert doc.performance and doc.performance[0].indicators
    assert not any("949920" in a.text for s in doc.sections for a in s.amounts)


def _two_sided(rows: list[tuple[str, str, str, str]]) -> str:
    lines = [f"{a:<14}{b:>14}    {c:<14}{d:>14}".rstrip() for a, b, c, d in rows]
    return "2026年某某局部门预算\n\n表1\n2026年部门综合预算收支总表\n单位：元\n收入                                    支出\n" + "\n".join(lines) + "\n"


def test_label_wrapped_with_its_amounts_on_the_second_line():
    text = _two_sided(
        [
            ("项目", "预算数", "项目", "预算数"),
            ("一、部门预算", "300.00", "一、部门预算", "300.00"),
            ("1、一般公共预算拨", "", "1、人员经费和公用经", ""),
            ("款收入", "300.00", "费支出", "100.00"),
            ("", "", "2、机关资本性支出", ""),
            ("", "", "（一）", "200.00"),
            ("本年收入合计", "300.00", "本年支出合计", "300.00"),
        ]
    )
    doc, _ = parse_text(text)
    rows = {(r.side, r.label): r.cells for t in doc.tables for r in t.rows}
    assert rows[("income", "1、一般公共预算拨款收入")]["income.amount"].value == Decimal("300.00")
    assert rows[("expenditure", "1、人员经费和公用经费支出")]["expenditure.amount"].value == Decimal("100.00")
    assert rows[("expenditure", "2、机关资本性支出（一）")]["expenditure.amount"].value == Decimal("200.00")


def test_a_total_under_a_label_without_amounts_stays_a_row():
    text = _two_sided(
        [
            ("项目", "预算数", "项目", "预算数"),
            ("一、一般公共预算拨款", "300.00", "一、一般公共服务支出", "300.00"),
            ("二、政府性基金预算拨款", "", "二、抗疫特别国债安排的支出", ""),
            ("收入总计", "300.00", "支出总计", "300.00"),
        ]
    )
    doc, _ = parse_text(text)
    labels = [r.label for t in doc.tables for r in t.rows]
    assert "收入总计" in labels and "支出总计" in labels


def test_label_glued_to_its_amount_in_one_pdf_run_is_two_words():
    from yusuan.parse.extract.pdf_lines import make_words
    from yusuan.parse.extract.pdf_page import Run, nominal_cells

    text = "机关事业单位职业年金缴费支出43608.96"
    run = Run(text, 0.0, 5.0 * nominal_cells(text), -10, 0)
    words, _ = make_words([run, Run("0.00", 200.0, 220.0, -10, 0)], 5.0, 5.0, 0.0)
    assert [w.text for w in words] == ["机关事业单位职业年金缴费支出", "43608.96", "0.00"]
    assert words[1].x0 == 5.0 * nominal_cells("机关事业单位职业年金缴费支出") / 5.0
    # a code or a year in a label is not an amount
    words, _ = make_words([Run("2080506行政运行", 0.0, 80.0, -10, 0)], 5.0, 5.0, 0.0)
    assert [w.text for w in words] == ["2080506行政运行"]


def _block_columns(groups: list[str]):
    from yusuan.parse.grid import HeaderColumn

    leaves = ["合计", "小计", "因公出国（境）费用", "公务接待费", "小计", "公务用车购置费", "公务用车运行费", "会议费", "培训费"]
    hcols = [HeaderColumn(0, "单位名称", ("单位名称",))]
    for g in groups:
        for leaf in leaves:
            hcols.append(HeaderColumn(len(hcols), leaf, (g, leaf) if g else (leaf,)))
    kinds = ["label"] + ["value"] * (len(hcols) - 1)
    return hcols, kinds


def test_year_blocks_take_their_group_from_the_order_the_header_prints():
    from yusuan.parse.tables import _year_block_roles

    catalog = get_catalog()
    # the group headers were widened wrongly: 2022年 stands over the first block's 会议费 /
    # 培训费, the third block's 会议费 / 培训费 lost 增减变化情况
    hcols, kinds = _block_columns(["2021年", "2022年", "增减变化情况"])
    for i in (8, 9):
        hcols[i].path = ("2022年", hcols[i].leaf)
    for i in (26, 27):
        hcols[i].path = (hcols[i].leaf,)
    roles = {i: catalog.column_role(h.leaf, h.path) for i, h in enumerate(hcols) if kinds[i] == "value"}
    fixed = _year_block_roles(hcols, kinds, roles, catalog)
    assert [fixed[i] for i in range(1, 10)] == [
        "prior.total", "prior.subtotal", "prior.abroad", "prior.reception", "prior.vehicle",
        "prior.vehicle_purchase", "prior.vehicle_operation", "prior.meeting", "prior.training",
    ]
    assert fixed[10] == "total" and fixed[14] == "vehicle" and fixed[17] == "meeting"
    assert fixed[19] == "change.total" and fixed[26] == "change.meeting" and fixed[27] == "change.training"


def test_year_blocks_not_repeating_the_same_columns_are_left_alone():
    from yusuan.parse.tables import _year_block_roles

    catalog = get_catalog()
    hcols, kinds = _block_columns(["2021年", "2022年", "增减变化情况"])
    hcols[17].leaf, hcols[17].path = "会议费培训费", ("会议费培训费",)  # two headers read as one
    hcols[18].leaf, hcols[18].path = "", ()
    roles = {i: catalog.column_role(h.leaf, h.path) if h.leaf else None for i, h in enumerate(hcols) if kinds[i] == "value"}
    assert _year_block_roles(hcols, kinds, roles, catalog) == {}


def test_amounts_set_flush_left_are_one_column():
    rows = [
        ("项目", "预算数", "项目", "预算数"),
        ("一般公共预算拨款", "18999011.66", "一般公共服务支出", "0.00"),
        ("事业收入", "0.00", "教育支出", "44699.18"),
        ("其他收入", "0.00", "科学技术支出", "18954312.48"),
        ("本年收入合计", "18999011.66", "本年支出合计", "18999011.66"),
    ]
    lines = [f"{a}{' ' * (18 - len(a))}{b:<14}{c}{' ' * (18 - len(c))}{d}" for a, b, c, d in rows]
    text = "2026年某某局部门预算\n\n表1\n2026年部门综合预算收支总表\n单位：元\n收入                              支出\n" + "\n".join(lines) + "\n"
    doc, _ = parse_text(text)
    (table,) = [t for t in doc.tables if t.id == "income_expenditure_summary"]
    amount_columns = {c.key for c in table.columns if c.kind == "amount"}
    assert amount_columns == {"income.amount", "expenditure.amount"}
    by_label = {r.label: r.cells for r in table.rows}
    assert by_label["教育支出"]["expenditure.amount"].value == Decimal("44699.18")
    assert by_label["事业收入"]["income.amount"].value == Decimal("0.00")


def test_each_part_pairs_its_level_with_the_first_change_after_it():
    nested = (
        "机关运行经费预算合计 180.00 万元，比 2025 年增加 20.00 万元，其中：局机关运行经费预算 100.00 万元，"
        "比 2025 年增加 25.00 万元，其中办公经费增加 10.00 万元，福利费增加 15.00 万元；"
        "某某中心公用经费预算 80.00 万元，比 2025 年减少 5.00 万元。"
    )
    assert "narrative-change-inconsistent" not in _narrative_errors(nested)
    assert "narrative-change-inconsistent" in _narrative_errors(nested.replace("减少 5.00", "减少 6.00"))
    # the sentence lists two of the parts only: their levels do not make the total's
    some = nested.replace("某某中心公用经费预算 80.00", "某某中心公用经费预算 70.00").replace("减少 5.00", "减少 6.00")
    assert "narrative-change-inconsistent" not in _narrative_errors(some)


def test_column_numbers_with_starred_unnumbered_columns():
    from yusuan.parse.layout import Line, Word
    from yusuan.parse.tables import is_column_numbers

    def line(*texts):
        return Line(words=[Word(t, 10.0 * i, 10.0 * i + 2) for i, t in enumerate(texts)], page=1, lineno=1, text=" ".join(texts))

    assert is_column_numbers(line("**", "**", "1", "2", "3", "4", "**"))
    assert not is_column_numbers(line("**", "**", "1", "5", "**"))  # not consecutive: a data row
    assert not is_column_numbers(line("**", "**", "**"))


def test_government_fund_income_and_expenditure_summary_is_the_fund_table():
    catalog = get_catalog()
    assert catalog.match_title("2019年部门综合预算政府性基金收支总表").id == "government_fund_expenditure"
    assert catalog.match_title("2019年部门综合预算收支总表").id == "income_expenditure_summary"


@pytest.mark.parametrize(
    ("coded", "plain", "label"),
    [
        # parts listed under a subject's figure (经济分类 505) are that subject's
        ("对事业单位经常性补助（505）2945.22万元，其中：人员经费1903.54万元，公用经费75.66万元。",
         "本部门基本支出2945.22万元，其中：人员经费1903.54万元，公用经费1041.68万元。", "人员经费"),
        # parts of 机关运行经费 are not the department's 三公 figures of the same name
        ("2020年机关运行经费预算总计82万元，其中：办公经费41.47万元，公务接待费2万元，公务用车运行维护费12万元。",
         "“三公”经费预算合计29.30万元，其中：因公出国（境）费0万元，公务接待费3.30万元。", "公务接待费"),
    ],
)
def test_parts_listed_under_a_subjects_figure_are_that_subjects(coded, plain, label):
    from yusuan.check.rules.narrative import _part_of_coded_item
    from yusuan.parse.narrative import extract_amounts

    amounts = extract_amounts(coded, 1, 1)
    part = [a for a in amounts if a.label.endswith(label)]
    assert part and _part_of_coded_item(part[0], amounts)
    amounts = extract_amounts(plain, 1, 1)
    part = [a for a in amounts if a.label.endswith(label)]
    assert part and not _part_of_coded_item(part[0], amounts)


def _block_with_header_only_columns():
    """Three year blocks; the 2022年 block's stacked header letters were read as three extra
    columns that hold no amount (小计, 小计, 车运行费), its amounts standing under the
    neighbouring headers (the 三公 group header, 公务用车购置及运行维, 车运行费)."""
    from yusuan.parse.grid import HeaderColumn

    hcols, kinds = _block_columns(["2021年"])
    g = "2022年"
    three = "一般公共预算拨款安排的“三公”经费预算"
    leaves = [
        ("合计", True), ("小计", False), (three, True), ("因公出国（境）费用", True), ("公务接待费", True),
        ("小计", False), ("公务用车购置及运行维", True), ("公务用车购置费", True), ("车运行费", False),
        ("车运行费", True), ("会议费", True), ("培训费", True),
    ]
    filled = set(range(1, len(hcols)))
    for leaf, has_amounts in leaves:
        if has_amounts:
            filled.add(len(hcols))
        hcols.append(HeaderColumn(len(hcols), leaf, (g, leaf)))
    for leaf in ["合计", "小计", "因公出国（境）费用", "公务接待费", "小计", "公务用车购置费", "公务用车运行费", "会议费", "培训费"]:
        filled.add(len(hcols))
        hcols.append(HeaderColumn(len(hcols), leaf, ("增减变化情况", leaf)))
    kinds = ["label"] + ["value"] * (len(hcols) - 1)
    return hcols, kinds, filled


def test_year_block_read_with_header_only_columns_takes_the_other_blocks_columns():
    from yusuan.parse.tables import _year_block_roles

    catalog = get_catalog()
    hcols, kinds, filled = _block_with_header_only_columns()
    roles = {i: catalog.column_role(h.leaf, h.path) for i, h in enumerate(hcols) if kinds[i] == "value"}
    fixed = _year_block_roles(hcols, kinds, roles, catalog, filled)
    block = [fixed[i] for i in range(10, 22)]
    assert block == [
        "total", None, "subtotal", "abroad", "reception", None, "vehicle", "vehicle_purchase", None,
        "vehicle_operation", "meeting", "training",
    ]
    assert [fixed[i] for i in range(1, 10)][4] == "prior.vehicle"
    assert fixed[26] == "change.vehicle" and fixed[28] == "change.vehicle_operation"


def test_year_block_with_header_only_columns_and_amounts_out_of_step_is_left_as_read():
    from yusuan.parse.tables import _year_block_roles

    catalog = get_catalog()
    hcols, kinds, filled = _block_with_header_only_columns()
    filled.add(11)  # the 小计 column holds amounts after all: the 2022年 block has 10 columns
    roles = {i: catalog.column_role(h.leaf, h.path) for i, h in enumerate(hcols) if kinds[i] == "value"}
    fixed = _year_block_roles(hcols, kinds, roles, catalog, filled)
    assert fixed[11] == "subtotal" and fixed[12] == "three_public"  # as read


def test_vehicle_header_wrapped_over_its_own_column_is_the_vehicle_total():
    # 公务用车购置及 / 运行维护费 printed on two lines: its leaf 运行维护费 reads as a running
    # cost, but it stands before the 购置费 and 运行费 columns it adds up
    from yusuan.parse.tables import _year_block_roles

    catalog = get_catalog()
    hcols, kinds, filled = _block_with_header_only_columns()
    hcols[5].leaf, hcols[5].path = "运行维护费", ("2021年", "公务用车购置及", "运行维护费")
    roles = {i: catalog.column_role(h.leaf, h.path) for i, h in enumerate(hcols) if kinds[i] == "value"}
    fixed = _year_block_roles(hcols, kinds, roles, catalog, filled)
    assert fixed[5] == "prior.vehicle" and fixed[7] == "prior.vehicle_operation"
    assert fixed[16] == "vehicle" and fixed[19] == "vehicle_operation"
