"""Table layouts read from hand-written ``pdftotext -layout`` pages."""

from decimal import Decimal

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
