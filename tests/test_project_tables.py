"""Project tables of a 部门预算 (专项业务经费支出表, 上年结转资金支出表): which column names a
row, and where one table ends and the next begins.  Hand-written ``pdftotext -layout`` text
(names and figures invented, columns placed as the 2026 西安 documents place them)."""

from __future__ import annotations

from decimal import Decimal

from yusuan.parse import parse_text

DOC = """\
表10

                                           部门综合预算专项业务经费支出表

                                                                    单位：元
  单位编码                    单位（项目）名称       项目金额                项目简介
                        合计                   300.00
116                某某市某某局                   300.00
      116001       某某市某某局                   300.00
                   通用项目                     100.00
                   办公场所租赁                   100.00
               -   专用项目                     200.00
                   财政检查                     120.00
                   绩效管理                      80.00
表11

                            2020年部门综合预算财政拨款结转资金支出表

                                                                             单位：元
预算单位代码   预算单位名称   预算项目名称            金额     项目类别   资金性质
          合计                         50.00
116001    某某市某某局   某某业务用房项目          50.00     专用项目   一般债券
"""


def _tables():
    doc, _ = parse_text(DOC)
    return {t.id: t for t in doc.tables}


def test_the_column_the_header_names_is_the_label():
    # a ``-`` before one row's name stands in a column of its own with no header: the
    # labels are those of the 单位（项目）名称 column all the same
    rows = _tables()["project_expenditure"].rows
    assert [r.label for r in rows] == ["合计", "某某市某某局", "某某市某某局", "通用项目", "办公场所租赁", "专用项目", "财政检查", "绩效管理"]
    assert [r.unit_code for r in rows][:3] == [None, "116", "116001"]
    assert rows[5].value("项目金额") == Decimal("200.00")


def test_a_carryover_table_titled_without_shang_nian_is_its_own_table():
    # 财政拨款结转资金支出表 (2019–2022 西安): not rows of the table before it
    tables = _tables()
    assert len(tables["project_expenditure"].rows) == 8
    (row,) = [r for r in tables["carryover_expenditure"].rows if r.label != "合计"]
    assert (row.label, row.unit_code, row.value("amount")) == ("某某业务用房项目", "116001", Decimal("50.00"))
