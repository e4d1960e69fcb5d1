"""西安 layouts: a label overflowing into the next cell's code (PDF), and the figures an
enumerated item about a coded subject quotes (narrative).  Fixtures are hand-written."""

from __future__ import annotations

from pathlib import Path

from yusuan.check.rules.narrative import _in_coded_items
from yusuan.parse import parse_text
from yusuan.parse.extract.pdf import extract
from yusuan.parse.extract.pdf_lines import make_words
from yusuan.parse.extract.pdf_page import Run, nominal_cells

from test_extract_pdf import make_pdf, words


def test_a_label_overflowing_over_the_next_cells_code_is_two_words():
    label = "机关事业单位基本养老保险"
    end = 5.0 * nominal_cells(label)
    # the code starts two cells left of where the label ends: the label runs under it
    ws, _ = make_words([Run(label, 0.0, end, -10, 0), Run("50102", end - 10.0, end + 15.0, -10, 0)], 5.0, 5.0, 0.0)
    assert [w.text for w in ws] == [label, "50102"]
    # touching without overlap still continues the label (``其中：`` + a year, a number in a name)
    ws, _ = make_words([Run("其中：", 0.0, 30.0, -10, 0), Run("2022", 30.5, 50.0, -10, 0)], 5.0, 5.0, 0.0)
    assert [w.text for w in ws] == ["其中：2022"]


def test_pdf_label_printed_across_the_next_cells_code(tmp_path: Path):
    # size 10: a CJK glyph is 10 points wide, the label ends at 170; the code starts at 160
    items = [(50, 400, "机关事业单位基本养老保险", 10), (160, 400, "50102", 10), (300, 400, "1040490.82", 10)]
    p = tmp_path / "doc.pdf"
    p.write_bytes(make_pdf([{"items": items}]))
    lines = words(extract(p))
    assert [[w[0] for w in ln] for ln in lines] == [["机关事业单位基本养老保险", "50102", "1040490.82"]]


def test_figures_inside_an_item_about_a_coded_subject_are_that_subjects():
    text = (
        "2026年某某局部门预算\n\n一、一般公共预算支出情况说明\n"
        "基本支出 500.00 万元，日常公用经费 100.00 万元。按政府预算支出经济分类："
        "①机关工资福利支出（501）300.00 万元，较上年增加 10.00 万元。"
        "②机关商品和服务支出（502）200.00 万元，其中：2025年专项业务费 50.00 万元。"
        "2026年专项业务费 80.00 万元，日常公用经费 60.00 万元。"
        "③机关资本性支出（一）（503）5.40 万元。\n"
        "二、其他说明\n机关运行经费 100.00 万元。\n"
    )
    doc, _ = parse_text(text)
    inside = _in_coded_items(doc)
    by = {(a.label, str(a.value)): id(a) in inside for a in doc.amounts}
    assert by[("日常公用经费", "60.00")] is True  # in item ②, a later sentence
    assert by[("日常公用经费", "100.00")] is False  # before the list: the department's
    assert by[("机关运行经费", "100.00")] is False  # another section


def _coded(code: str, v: str):
    from decimal import Decimal

    from yusuan.model import Cell, Row

    return Row(label=code, code=code, cells={"total": Cell(text=v, value=Decimal(v))})


def test_a_level_the_table_does_not_print_is_stood_for_by_its_subcodes():
    from decimal import Decimal

    from yusuan.check.rules.hierarchy import _tree
    from yusuan.model import Column, Table

    cols = (Column(key="total", header="合计", role="total"),)
    # 301 over 30101 and 3010201 / 3010202 (陕西's split of 津贴补贴), 30102 not printed
    rows = [_coded("301", "100.00"), _coded("30101", "40.00"), _coded("3010201", "50.00"), _coded("3010202", "10.00")]
    t = Table(id="general_budget_expenditure_economic", title="t", columns=cols, rows=tuple(rows))
    assert not list(_tree(t, rows, ["total"], Decimal("0.01")))
    rows[0] = _coded("301", "90.00")
    t = Table(id="general_budget_expenditure_economic", title="t", columns=cols, rows=tuple(rows))
    assert [f.code for f in _tree(t, rows, ["total"], Decimal("0.01"))] == ["hierarchy-sum-mismatch"]


def _code_below_pdf() -> bytes:
    """A 功能分类 table whose 项 codes stand on the line under their row (the code cell
    centred lower than the label and amounts), under a title whose bracket wraps."""
    def right(x: float, text: str, y: float) -> tuple:
        return (x - 5 * len(text), y, text, 10)  # digits are 5 points wide at size 10

    items = [
        (60, 560, "2026年部门综合预算一般公共预算支出明细表（按支出功能分类科", 10),
        (120, 545, "目-不含上年结转）", 10),
        (700, 530, "单位：元", 10),
        (40, 510, "功能科目编码", 10), (140, 510, "功能科目名称", 10),
        (330, 510, "合计", 10), (390, 510, "人员经费支出", 10), (490, 510, "公用经费支出", 10), (590, 510, "专项业务经费支出", 10),
    ]
    rows = [
        ("", "合计", ("300.00", "100.00", "50.00", "150.00")),
        ("201", "一般公共服务支出", ("300.00", "100.00", "50.00", "150.00")),
        ("20133", "宣传事务", ("300.00", "100.00", "50.00", "150.00")),
        ("", "行政运行", ("150.00", "100.00", "50.00", "0.00")),
        ("2013301", "", ()),
        ("", "一般行政管理", ("150.00", "0.00", "0.00", "150.00")),
        ("2013302", "事务", ()),
    ]
    y = 490
    for code, name, vals in rows:
        if code:
            items.append((40, y, code, 10))
        if name:
            items.append((140, y, name, 10))
        for x, v in zip((350, 450, 550, 670), vals):
            items.append(right(x, v, y))
        y -= 16
    return make_pdf([{"items": [(0 + 30, 590, "2026年某某局部门预算", 10), (30, 575, "表5", 10), *items]}])


def test_title_whose_bracket_wraps_onto_the_next_line_and_codes_under_their_rows(tmp_path: Path):
    from yusuan.check import check

    from yusuan.api import read

    p = tmp_path / "doc.pdf"
    p.write_bytes(_code_below_pdf())
    doc, issues = read(p)
    tables = [t for t in doc.tables if t.id == "general_budget_expenditure"]
    assert len(tables) == 1
    assert tables[0].title.endswith("（按支出功能分类科目-不含上年结转）")
    rows = {r.code: r.label for r in tables[0].rows if r.code}
    assert rows.get("2013301") == "行政运行"
    assert rows.get("2013302") == "一般行政管理事务"
    assert not [f for f in check(doc, extra=issues).errors if f.code == "hierarchy-sum-mismatch"]


def test_a_code_glued_to_the_end_of_its_name_is_no_unit_line():
    from yusuan.parse.layout import Line, Word
    from yusuan.parse.tables import _unit_line

    assert _unit_line(Line(words=[Word("30112费", 0.0, 7.0)], page=1, lineno=1, text="30112费")) is None
    assert _unit_line(Line(words=[Word("201002", 0.0, 6.0), Word("理论讲师团", 8.0, 18.0)], page=1, lineno=1, text="201002 理论讲师团")) == ("201002", "理论讲师团")


def test_a_code_beside_a_centred_quantity_goes_to_its_code_column():
    from yusuan.parse.grid import Slot, _cost, assign_line
    from yusuan.parse.layout import Line, Word

    # 数量 centred (1 / 352 / 1865015), then 部门经济科目 类 (302 / 310), 款, 采购时间, 预算金额
    slots = [
        Slot(58.2, 82.9, text=34),  # 采购目录
        Slot(84.6, 89.3),  # 购买服务的内 (empty)
        Slot(109.8, 115.2, numeric=34),  # 数量
        Slot(116.8, 119.1, text=34, digits=True, coded=True),  # 类
        Slot(120.5, 122.0, numeric=34),  # 款
        Slot(138.1, 143.5, numeric=33),  # 预算金额
    ]
    words = [Word("其他货物", 67.4, 73.6), Word("1", 112.1, 112.9), Word("302", 116.8, 119.1), Word("99", 120.5, 122.0), Word("28", 140.0, 141.6)]
    cells = assign_line(Line(words=words, page=1, lineno=1, text=""), slots)
    assert cells == {0: "其他货物", 2: "1", 3: "302", 4: "99", 5: "28"}
    # a column of such numbers not headed as a code column stays an amount's last resort
    plain = Slot(116.8, 119.1, text=34, digits=True)
    assert _cost(Word("302", 116.8, 119.1), True, plain) > _cost(Word("302", 116.8, 119.1), True, slots[3])


def test_titles_in_a_table_of_contents_are_no_tables(tmp_path: Path):
    """A contents page (表8 <title> over 表 9 <title> …) names tables; it prints none of
    them: no table of rows without cells under no column comes out of it."""
    from yusuan.api import read

    titles = [
        ("表7", "2022年部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", ""),
        ("表8", "2022年部门综合预算一般公共预算基本支出明细表（按支出经济分类科目）", ""),
        ("表 9", "2022年部门综合预算政府性基金收支表", "是      不涉及"),
        ("表 10", "2022年部门综合预算专项业务经费支出表", ""),
        ("表 11", "2022年部门综合预算财政拨款上年结转资金支出表", "是      不涉及"),
    ]
    items = [(30, 800, "2022年某某局部门预算", 10), (260, 770, "目   录", 12), (30, 745, "报表", 10), (160, 745, "报表名称", 10),
             (420, 745, "是否空表   公开空表理由", 10)]
    y = 720
    for no, title, empty in titles:
        items += [(30, y, no, 10), (75, y, title, 10)]
        if empty:
            items.append((440, y, empty, 10))
        y -= 28
    p = tmp_path / "contents.pdf"
    p.write_bytes(make_pdf([{"items": items, "width": 595, "height": 842}]))
    doc, _ = read(p)
    assert not [t.id for t in doc.tables if t.rows and not t.columns]
