"""Table layouts read from hand-written ``pdftotext -layout`` pages."""

from decimal import Decimal

import pytest

from yusuan.check import check
from yusuan.parse import parse_text

# 类 款 项 printed one character apart over code parts printed wide, and a table of all
# 财政拨款 spending (上海 单位预算05表 style); the title is followed by the next table's
APPROPRIATION_EXPENDITURE = """\
2026年单位预算
                              2026年预算单位财政拨款支出预算表
编制单位：某某管理办公室                                                            单位：元


                      项目                                  财政拨款支出
功能分类科目                                                      基本支出
  编码                     功能分类科目名称       合计                                     项目支出
类 款 项                                                人员经费         公用经费

201          一般公共服务支出                    6,783,536    2,545,183    3,968,353     270,000

201   13     商贸事务                        6,783,536    2,545,183    3,968,353     270,000

201   13   01 行政运行                       6,513,536    2,545,183    3,968,353

201   13   02 一般行政管理事务                     270,000                               270,000
                      合计                 6,783,536    2,545,183    3,968,353     270,000
"""


def test_tight_code_levels_name_the_wide_code_columns():
    doc, _ = parse_text(APPROPRIATION_EXPENDITURE)
    (table,) = [t for t in doc.tables if t.id == "appropriation_expenditure"]
    assert [c.role for c in table.columns] == ["total", "personnel", "public", "project"]
    assert [r.code for r in table.rows] == ["201", "20113", "2011301", "2011302", None]
    assert table.rows[2].label == "行政运行"
    assert table.rows[2].cells["total"].value == Decimal("6513536")
    report = check(doc)
    assert not [f for f in report.errors if f.location.table == "appropriation_expenditure"]


def test_appropriation_expenditure_title_is_its_own_table():
    doc, _ = parse_text(APPROPRIATION_EXPENDITURE)
    assert [t.id for t in doc.tables] == ["appropriation_expenditure"]


# the header's 类 款 项 on the line of the 合计 row's amounts, the 合计 label below (a
# vertically centred 合计 row beside the header's last line)
INCOME_FINAL = """\
2024年部门决算
                                   收入决算表
                                                              单位：万元
                项目
                                              本年收入合计        财政拨款收入        其他收入
  支出功能分类科目编码   科目名称
类     款    项                                2,946.25      2,940.05        6.20
                     合计
201             一般公共服务支出                    2,946.25      2,940.05        6.20
201   06        财政事务                        2,946.25      2,940.05        6.20
201   06   01   行政运行                        2,930.06      2,930.05        0.01
201   06   02   一般行政管理事务                       16.19         10.00        6.19
"""


def _amounts_above_code_levels(text: str) -> str:
    """The same page as pdftotext -layout prints it: the 合计 amounts on a line of their
    own above 类 款 项."""
    lines = text.split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("类"))
    pos = lines[k].index("2,946.25")
    return "\n".join([*lines[:k], " " * pos + lines[k][pos:], lines[k][:pos].rstrip(), *lines[k + 1 :]])


@pytest.mark.parametrize("text", [INCOME_FINAL, _amounts_above_code_levels(INCOME_FINAL)])
def test_code_levels_sharing_the_total_rows_line(text):
    doc, _ = parse_text(text)
    (table,) = [t for t in doc.tables if t.id == "final_income_summary"]
    assert [c.role for c in table.columns] == ["total", "fiscal", "other_income"]
    assert [(r.code, r.label) for r in table.rows][:3] == [(None, "合计"), ("201", "一般公共服务支出"), ("20106", "财政事务")]
    assert table.rows[0].cells["total"].value == Decimal("2946.25")
    assert table.rows[3].code == "2010601"


# a 款 code printed a line above its name and amounts (the name cell is vertically centred)
CODE_ABOVE = """\
2024年部门决算
                 一般公共预算财政拨款支出决算表
                                              单位：万元
 功能分类科目编码     科目名称            合计        基本支出       项目支出
221        住房保障支出            461.08       461.08        0.00
22102
           住房改革支出            461.08       461.08        0.00
2210201    住房公积金              289.59       289.59        0.00
2210203    购房补贴                171.49       171.49        0.00
           合计                    461.08       461.08        0.00
"""


def test_code_alone_above_its_row():
    doc, _ = parse_text(CODE_ABOVE)
    (table,) = [t for t in doc.tables if t.id == "final_general_budget_expenditure"]
    assert [(r.code, r.label) for r in table.rows] == [
        ("221", "住房保障支出"),
        ("22102", "住房改革支出"),
        ("2210201", "住房公积金"),
        ("2210203", "购房补贴"),
        (None, "合计"),
    ]
    assert not [f for f in check(doc).errors if f.code != "table-missing"]


# 上海's one-line 三公 table: 购置费 and 运行费 side by side over a single amount that ends
# right of 运行费 (购置费 is empty); the 情况说明 quotes the 机关运行经费 column
THREE_PUBLIC = """\
2026年单位预算
                      2026年单位“三公”经费和机关运行经费预算表
编制单位：某某局                                                                     单位:万元

                                 “三公”经费预算数

                                                                             机关运行经费预算
                                                  公务用车购置及运行费
                                                                                 数
   合计            因公出国(境)费      公务接待费
                                          小计           购置费     运行费



        237.92        201.80       8.12        28.00                 28.00       2,180.26
                              其他相关情况说明
  二、机关运行经费预算
      2026年某某局下属1家机关财政拨款的机关运行经费预算为2,180.26万元。
"""


def test_side_by_side_headers_over_one_amount():
    doc, _ = parse_text(THREE_PUBLIC)
    (table,) = [t for t in doc.tables if t.id == "three_public_expenses"]
    (row,) = table.rows
    values = {k: c.text for k, c in row.cells.items()}
    assert values["vehicle_operation"] == "28.00"
    assert "vehicle_purchase" not in values
    assert values["agency_operating"] == "2,180.26"
    assert not [f for f in check(doc).errors if f.code.startswith(("narrative", "item-sum"))]


def test_narrative_agency_operating_against_the_one_line_table():
    doc, _ = parse_text(THREE_PUBLIC.replace("预算为2,180.26万元", "预算为2,180.00万元"))
    found = [f for f in check(doc).errors if f.code == "narrative-amount-mismatch"]
    assert len(found) == 1 and found[0].actual == Decimal("2180.00")




def test_a_group_header_is_told_by_the_cells_under_it():
    """决算 三公 (PDF geometry): 公务用车购置及运行维护费 stands over 公务用车购置费 and
    公务用车运行维护费 — a group header, which heads no empty column of its own (else
    运行维护费 would be matched to that column rather than to its amounts); a wrapped leaf
    over its one continuation, or over 栏次 numbers, is none."""
    from yusuan.parse.grid import _over_two_below
    from yusuan.parse.layout import Line, Word

    def line(*words):
        return Line([Word(t, x0, x1) for t, x0, x1 in words], 1, 0)

    group = Word("公务用车购置及运行维护费", 108.8, 132.9)
    header = [
        line((group.text, group.x0, group.x1)),
        line(("小计", 101.8, 105.8), ("公务用车购置费", 111.1, 125.1), ("公务用车运行维护费", 128.2, 142.2)),
        line(("9", 103.3, 104.3), ("10", 117.1, 119.2), ("11", 131.2, 133.2)),
    ]
    assert _over_two_below(0, group, header)
    wrapped = Word("事业单位经营", 10.0, 16.0)
    assert not _over_two_below(0, wrapped, [line((wrapped.text, 10.0, 16.0)), line(("收入", 10.0, 12.0))])
    assert not _over_two_below(0, group, [header[0], header[2]])  # 栏次 numbers are no cells


def _place(*cells: tuple[int, str]) -> str:
    """A layout line: each text starting at its column."""
    line = ""
    for col, text in cells:
        line = line.ljust(col) + text
    return line


# 决算 基本支出表 in two blocks side by side, codes in 类 / 款 columns
BASIC_TWO_BLOCKS = "\n".join(
    [
        "2024年部门决算",
        _place((20, "一般公共预算财政拨款基本支出决算表")),
        _place((60, "单位：万元")),
        _place((0, "类"), (6, "款"), (12, "科目名称"), (30, "决算数"), (40, "类"), (46, "款"), (52, "科目名称"), (70, "决算数")),
        _place((0, "301"), (12, "工资福利支出"), (29, "100.00"), (40, "302"), (52, "商品和服务支出"), (70, "20.00")),
        _place((0, "301"), (6, "01"), (12, "基本工资"), (30, "60.00"), (40, "302"), (46, "01"), (52, "办公费"), (70, "20.00")),
        _place((0, "301"), (6, "02"), (12, "津贴补贴"), (30, "40.00")),
    ]
) + "\n"


def test_blocks_side_by_side_with_code_level_columns():
    doc, _ = parse_text(BASIC_TWO_BLOCKS)
    (table,) = [t for t in doc.tables if t.id == "final_general_budget_basic_expenditure"]
    assert {c.side for c in table.columns} == {"part1", "part2"}
    assert sorted((r.code, r.label) for r in table.rows) == [
        ("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"), ("302", "商品和服务支出"), ("30201", "办公费")
    ]
    assert not [f for f in check(doc).errors if f.location.table == table.id]


# 类 / 款 / 项 columns whose 款 is printed as a number without its leading zero (``301  2``)
BASIC_NO_LEADING_ZERO = "\n".join(
    [
        "2024年部门决算",
        _place((20, "一般公共预算财政拨款基本支出决算表")),
        _place((60, "单位：万元")),
        _place((0, "类"), (6, "款"), (12, "科目名称"), (30, "决算数")),
        _place((0, "301"), (12, "工资福利支出"), (29, "100.00")),
        _place((0, "301"), (6, "01"), (12, "基本工资"), (30, "60.00")),
        _place((0, "301"), (7, "2"), (12, "津贴补贴"), (30, "40.00")),
    ]
) + "\n"


def test_code_without_leading_zero_is_repaired_and_said_so():
    doc, issues = parse_text(BASIC_NO_LEADING_ZERO)
    (table,) = [t for t in doc.tables if t.id == "final_general_budget_basic_expenditure"]
    assert [r.code for r in table.rows] == ["301", "30101", "30102"]
    (repair,) = [f for f in issues if f.code == "code-repaired"]
    assert repair.location.subject_code == "30102"
    assert "前导零" in repair.message and "拆开" not in repair.message


# a project table as our own PDF renderer prints it: 序号 first (only the project's own row
# has one), then the codes, left-aligned just right of the 序号 column
PROJECT_CODES_AFTER_SEQ = """\
2026年单位预算
                      2026年预算单位财政拨款项目支出预算表
单位名称：某某管理办公室
预算年度：2026                                           单位：元
                                    功能分类科目
 序号                                                 预算数
       科目编码                             科目名称
      201       一般公共服务支出                            270,000
      20113      商贸事务                               270,000
      2011302     一般行政管理事务                          270,000
 1                                                  270,000
                合 计                                 270,000
"""


def test_codes_right_of_a_seq_column_are_codes():
    doc, _ = parse_text(PROJECT_CODES_AFTER_SEQ)
    (table,) = [t for t in doc.tables if t.id == "project_expenditure"]
    assert [(r.seq, r.code, r.label) for r in table.rows] == [
        (None, "201", "一般公共服务支出"), (None, "20113", "商贸事务"), (None, "2011302", "一般行政管理事务"),
        ("1", None, ""), (None, None, "合 计"),
    ]



def _cells_at(*cells: tuple[int, str]) -> str:
    """A text line with each cell starting at its character column (a negative column: the
    cell ends at that column, right-aligned)."""
    line = ""
    for col, text in cells:
        start = -col - len(text) if col < 0 else col
        line += " " * max(start - len(line), 1 if line else 0) + text
    return line


# 北京 预算03表: a 合计 row printed letter-spaced, its 计 standing under the next column's header
LETTER_SPACED_TOTAL = "\n".join([
    _cells_at((30, "预算03表 支出总表")),
    _cells_at((-92, "金额单位：万元")),
    _cells_at((0, "支出功能分类科目"), (30, "政府支出经济分类科目"), (-60, "合计"), (-76, "基本支出"), (-92, "项目支出")),
    _cells_at((0, "2010101-行政运行"), (30, "50101-工资奖金津补贴"), (-60, "10.000000"), (-76, "10.000000")),
    _cells_at((0, "2010102-一般行政管理事务"), (30, "50201-办公经费"), (-60, "5.000000"), (-92, "5.000000")),
    _cells_at((12, "合"), (33, "计"), (-60, "15.000000"), (-76, "10.000000"), (-92, "5.000000")),
    "",
])


def test_letter_spaced_total_is_the_total_row():
    doc, issues = parse_text(LETTER_SPACED_TOTAL)
    (table,) = [t for t in doc.tables if t.id == "expenditure_summary"]
    assert [c.role for c in table.columns] == ["total", "basic", "project"]
    total = table.rows[-1]
    assert total.label == "合计"
    assert total.cells["total"].value == Decimal("15.000000")
    assert not [f for f in check(doc, extra=issues).errors if f.location.table == "expenditure_summary"]
    # a changed row amount now breaks the checked column total
    changed = LETTER_SPACED_TOTAL.replace("5.000000", "6.000000", 1)
    doc, issues = parse_text(changed)
    found = [f for f in check(doc, extra=issues).errors if f.location.table == "expenditure_summary"]
    assert "column-total-mismatch" in {f.code for f in found}  # (and the row's own 合计 ≠ 项目支出)
