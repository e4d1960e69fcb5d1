"""Rules for ``pdftotext -layout`` text whose header lines and rows are set on different
character grids (the 2022 西安 部门预算 texts), on hand-written inputs: a header printed
left of its right-aligned amounts, a label run into its amount, the rest of a wrapped row
with its second code pushed into the label column, header cells squeezed one space apart
over more columns of amounts, and a document whose first 单位 line comes after a long
narrative."""

from __future__ import annotations

from decimal import Decimal

from yusuan.parse import parse_text


def _place(*cells: tuple[int, str, str]) -> str:
    """A line with each text set left (``l``) or right (``r``) at a character column."""
    s = ""
    for col, text, align in cells:
        start = col if align == "l" else col - len(text)
        s = s.ljust(start) + text
    return s


def _table(doc, table_id: str):
    return next(t for t in doc.tables if t.id == table_id)


def _value(row, role: str) -> Decimal | None:
    cell = row.cells.get(role)
    return cell.value if cell is not None else None


_FUNCTIONAL_TITLE = "              2026年部门综合预算一般公共预算基本支出明细表（按支出功能分类科目-不含上年结转）"


def _functional(rows: list[str]) -> str:
    header = _place((8, "功能科目编码", "l"), (27, "功能科目名称", "l"), (38, "合计", "l"),
                    (58, "人员经费支出", "l"), (75, "公用经费支出", "l"), (91, "备注", "l"))
    return "\n".join(["2026年某某局部门预算", "", "表7", "", _FUNCTIONAL_TITLE, " " * 96 + "单位：元", "", header, "", *rows]) + "\n"


def _fn_row(code: str, indent: int, label: str, a: str, b: str, c: str) -> str:
    return _place((indent, code, "l"), (19, label, "l"), (55, a, "r"), (72, b, "r"), (88, c, "r"))


def test_header_left_of_its_right_aligned_amounts_heads_them():
    # 合计 (cols 38–40) stands in the label column's band and in the amounts' band; the
    # label column has its own header on that line, so 合计 heads the amounts (43–55)
    rows = [
        _fn_row("", 0, "合计", "123456789.01", "100000000.00", "23456789.01"),
        _fn_row("201", 0, "一般公共服务支出", "123456789.01", "100000000.00", "23456789.01"),
        _fn_row("20101", 6, "人大事务", "123456789.01", "100000000.00", "23456789.01"),
        _fn_row("2010101", 9, "其他人民代表大会事务支出（含监督）", "123456789.01", "100000000.00", "23456789.01"),
    ]
    doc, _ = parse_text(_functional(rows))
    t = _table(doc, "general_budget_basic_expenditure_functional")
    assert [c.key for c in t.columns if c.kind == "amount"] == ["total", "personnel", "public"]
    assert _value(t.rows[0], "total") == Decimal("123456789.01")


def test_label_run_into_its_amount_is_split():
    rows = [
        _fn_row("", 0, "合计", "123456789.01", "100000000.00", "23456789.01"),
        _fn_row("208", 0, "社会保障和就业支出", "123456789.01", "100000000.00", "23456789.01"),
        _fn_row("20805", 6, "行政事业单位养老支出", "123456789.01", "100000000.00", "23456789.01"),
        # the label fills its cell and pdftotext leaves no space before the amount
        _place((9, "2080506", "l"), (19, "机关事业单位职业年金缴费支出123456789.01", "l"), (72, "100000000.00", "r"), (88, "23456789.01", "r")),
    ]
    doc, _ = parse_text(_functional(rows))
    t = _table(doc, "general_budget_basic_expenditure_functional")
    row = next(r for r in t.rows if r.code == "2080506")
    assert row.label == "机关事业单位职业年金缴费支出"
    assert _value(row, "total") == Decimal("123456789.01")


def _economic_row(seq, code, label, gov, gov_label, a, b, c):
    """A row of a 西安 经济分类 table: 序号, 部门经济 code and name, 政府经济 code and name, three amounts."""
    return _place((0, seq, "l"), (11, code, "l"), (19, label, "l"), (36, gov, "l"), (45, gov_label, "l"),
                  (71, a, "r"), (84, b, "r"), (97, c, "r"))


def _economic_head() -> list[str]:
    """Title, unit, header and the first three rows of that table (合计, 301, 30101)."""
    header = _place((0, "序号", "l"), (4, "部门经济科目编码", "l"), (19, "部门经济科目名称", "l"), (34, "政府经济科目编码", "l"),
                    (45, "政府经济科目名称", "l"), (62, "合计", "l"), (74, "人员经费支出", "l"), (88, "公用经费支出", "l"))
    return [
        "2026年某某局部门预算", "", "表6", "", "                2026年部门综合预算一般公共预算支出明细表（按经济分类科目分）",
        " " * 90 + "金额单位：元", header, "",
        _economic_row("1", "", "合计", "", "", "3000.00", "3000.00", "0"),
        _economic_row("2", "301", "工资福利支出", "", "", "3000.00", "3000.00", "0"),
        _economic_row("3", "30101", "基本工资", "50501", "工资福利支出", "1000.00", "1000.00", "0"),
    ]


def test_rest_of_a_wrapped_row_with_its_second_code_in_the_label_column():
    lines = [
        *_economic_head(),
        # the long name overflows its cell: pdftotext sets the name alone on the row's line
        # and the rest on a line of its own, its 政府经济科目编码 pushed left under the name
        _place((0, "4", "l"), (11, "30108", "l"), (19, "机关事业单位基本养老保险缴费", "l")),
        _place((30, "50501", "l"), (41, "工资福利支出", "l"), (71, "2000.00", "r"), (84, "2000.00", "r"), (97, "0", "r")),
        _economic_row("5", "30109", "职业年金缴费", "50501", "工资福利支出", "0", "0", "0"),
        _economic_row("6", "30110", "职工基本医疗保险缴费", "50501", "工资福利支出", "0", "0", "0"),
    ]
    doc, _ = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "general_budget_expenditure_economic")
    row30108 = [r for r in t.rows if r.code == "30108"]
    assert len(row30108) == 1
    assert _value(row30108[0], "total") == Decimal("2000.00")
    assert row30108[0].codes.get("gov_economic") == "50501"
    assert not any(r.label == "50501" for r in t.rows)


def test_header_cells_squeezed_over_more_columns_of_amounts():
    # 公用经费支出 专项业务经费支出 set one space apart over the 公用 amounts: the second
    # heads the column of amounts to the right that no header word stands over
    header = _place((0, "序号", "l"), (8, "功能科目编码", "l"), (24, "功能科目名称", "l"), (46, "合计", "l"),
                    (58, "人员经费支出", "l"), (72, "公用经费支出 专项业务经费支出", "l"), (100, "备注", "l"))
    def row(seq, code, label, a, b, c, d):
        return _place((0, seq, "l"), (8, code, "l"), (24, label, "l"), (55, a, "r"), (70, b, "r"), (83, c, "r"), (97, d, "r"))
    lines = [
        "2026年某某局部门预算", "", "表5", "", "                2026年部门综合预算一般公共预算支出明细表（按功能科目分）",
        " " * 90 + "金额单位：元", header, "",
        row("1", "", "合计", "600.00", "100.00", "200.00", "300.00"),
        row("2", "201", "一般公共服务支出", "600.00", "100.00", "200.00", "300.00"),
        row("3", "20101", "人大事务", "600.00", "100.00", "200.00", "300.00"),
    ]
    doc, _ = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "general_budget_expenditure")
    headers = [c.header for c in t.columns if c.kind == "amount"]
    assert headers == ["合计", "人员经费支出", "公用经费支出", "专项业务经费支出"]
    assert _value(t.rows[0], "project") == Decimal("300.00")


def test_document_unit_printed_after_a_long_narrative():
    # a text twin keeps its blank lines: the first 单位：元 may come after hundreds of lines;
    # a table whose own unit line is garbled (金位：元) takes the document's
    narrative = "\n".join(["一、部门职责", *[""] * 450, "本部门 2026 年收入预算 1.00 万元。"])
    lines = [
        "2026年某某局部门预算", narrative, "", "表1", "2026年部门综合预算收支总表", " " * 60 + "单位：元",
        _place((0, "收入", "l"), (30, "支出", "l")),
        _place((0, "项目", "l"), (14, "预算数", "l"), (30, "项目", "l"), (48, "预算数", "l")),
        _place((0, "一般公共预算拨款", "l"), (22, "10000.00", "r"), (30, "一般公共服务支出", "l"), (56, "10000.00", "r")),
        _place((0, "本年收入合计", "l"), (22, "10000.00", "r"), (30, "本年支出合计", "l"), (56, "10000.00", "r")),
        "", "表12", "2026年部门综合预算政府采购预算表", " " * 60 + "金位：元",
        _place((0, "采购项目", "l"), (20, "采购目录", "l"), (40, "预算金额", "l")),
        _place((0, "合计", "l"), (48, "5000.00", "r")),
        _place((0, "办公设备", "l"), (20, "A02010104台式计算机", "l"), (48, "5000.00", "r")),
    ]
    doc, _ = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "government_procurement")
    assert t.amount_unit.value == "元"


def test_outdented_label_joins_the_label_column_under_the_same_header():
    # 一、财政拨款 starts six characters left of 1、一般公共服务支出 … under one header: the
    # outdented top-level label, not a column of its own
    header = _place((9, "项", "l"), (15, "目", "l"), (22, "预算数", "l"), (36, "支出功能分科目（按大类）", "l"), (58, "预算数", "l"))
    def row(seq, a, x, b, y):
        return _place((1, seq, "l"), (6, a, "l"), (33, x, "r"), (40, b, "l"), (69, y, "r"))
    lines = [
        "2026年某某局部门预算", "", "表4", "", "                          2026年部门综合预算财政拨款收支总表",
        " " * 80 + "金额单位：元",
        _place((9, "收", "l"), (24, "入", "l"), (45, "支", "l"), (60, "出", "l")),
        _place((0, "序号", "l")), header, "",
        _place((1, "1", "l"), (6, "一、财政拨款", "l"), (33, "30000.00", "r"), (34, "一、财政拨款", "l"), (69, "30000.00", "r")),
        row("2", "1、一般公共预算拨款", "30000.00", "1、一般公共服务支出", "10000.00"),
        row("3", "2、政府性基金拨款", "0.00", "2、外交支出", "0.00"),
        row("4", "", "", "3、国防支出", "0.00"),
        row("5", "", "", "4、公共安全支出", "20000.00"),
        row("6", "本年收入合计", "30000.00", "本年支出合计", "30000.00"),
    ]
    doc, _ = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "appropriation_summary")
    spent = [r for r in t.rows if r.side == "expenditure"]
    assert [r.label for r in spent][:3] == ["一、财政拨款", "1、一般公共服务支出", "2、外交支出"]


def test_decimals_set_one_space_apart_are_one_amount():
    from yusuan.parse.layout import words_from_text_line

    words = words_from_text_line(" 1   一、部门预算        25180591 .33 一、部门预算      201 06 01  60.99 60.99")
    assert [w.text for w in words] == ["1", "一、部门预算", "25180591.33", "一、部门预算", "201", "06", "01", "60.99", "60.99"]
    amount = words[2]
    assert (amount.x0, amount.x1) == (19.0, 31.0)  # the printed extent, right edge kept


def test_codes_on_the_line_above_the_name_and_amounts():
    # 序号, 部门经济科目编码 and 政府经济科目编码 at the top of their cells, the wrapped name
    # and the amounts on the next line: one row, 50102 its second code, not its 合计
    lines = [
        *_economic_head(),
        _place((0, "4", "l"), (11, "30108", "l"), (30, "50102", "l")),
        _place((19, "机关事业单位基本养老保险", "l"), (45, "社会保障缴费", "l"), (71, "2000.00", "r"), (84, "2000.00", "r"), (97, "0", "r")),
        _economic_row("5", "30109", "职业年金缴费", "50501", "工资福利支出", "0", "0", "0"),
    ]
    doc, _ = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "general_budget_expenditure_economic")
    rows = [r for r in t.rows if r.code == "30108"]
    assert len(rows) == 1
    assert rows[0].label == "机关事业单位基本养老保险"
    assert _value(rows[0], "total") == Decimal("2000.00")
    assert rows[0].codes.get("gov_economic") == "50102"


def test_group_header_beside_squeezed_wrapped_headers_spans_its_columns():
    # 预算02表 收入总表: the four wrapped fund headers are chained one space apart (cols
    # 34–62) while their amounts stand 14 characters wide, so 本年收入 (top line, cols
    # 66–70) stands over no header word; it is the group over 小计 … 其他收入, not an empty
    # column of its own, and 其他收入 stays in it (not under 上年结转结余)
    lines = [
        "2026年某某局部门预算", "",
        _place((83, "预算02表 收入总表", "l")),
        _place((162, "金额单位：万元", "l")), "",
        _place((66, "本年收入", "l"), (147, "上年结转结余", "l")),
        _place((4, "合计", "l")),
        _place((34, "一般公共预算资 政府性基金预 国有资本经营 财政专户管理", "l"), (80, "事业单位经营", "l"),
               (94, "附属单位上缴", "l"), (132, "一般公共预算 政府性基金预 国有资本经营 财政专户管理", "l")),
        _place((20, "小计", "l"), (73, "事业收入", "l"), (87, "上级补助收入", "l"), (103, "其他收入", "l"),
               (119, "小计", "l"), (163, "单位资金", "l")),
        _place((37, "金", "l"), (44, "算资金", "l"), (50, "预算资金", "l"), (58, "资金", "l"), (82, "收入", "l"),
               (96, "收入", "l"), (134, "资金", "l"), (141, "算资金", "l"), (147, "预算资金", "l"), (155, "资金", "l")),
        _place((14, "1,300.000000", "r"), (31, "1,200.000000", "r"), (48, "1,000.000000", "r"),
               (63, "150.000000", "r"), (113, "50.000000", "r"), (129, "100.000000", "r"), (144, "60.000000", "r"),
               (174, "40.000000", "r")),
    ]
    doc, report = parse_text("\n".join(lines) + "\n")
    t = _table(doc, "income_summary")
    keys = [c.key for c in t.columns if c.kind == "amount"]
    assert "本年收入" not in [c.header for c in t.columns]
    assert "other_income" in keys and "carryover.other_income" not in keys
    assert keys.index("carryover.subtotal") == keys.index("other_income") + 1
    assert _value(t.rows[0], "other_income") == Decimal("50.000000")
    assert _value(t.rows[0], "carryover.subtotal") == Decimal("100.000000")
