"""The space-aligned text reader on layouts pdftotext distorts (hand-written pages)."""

from __future__ import annotations

from yusuan.check import check
from yusuan.parse import parse_text
from yusuan.parse.grid import GridRow, Slot
from yusuan.parse.layout import Line
from yusuan.parse.tables import _match_by_position


def place(*words: tuple[int, str]) -> str:
    """A line with each word starting at its character offset."""
    line = ""
    for x, text in words:
        line = line.ljust(x) + text
    return line


def test_a_subtotal_between_two_groups_opens_the_second_group():
    # pdftotext pushes the amounts (a digit takes a whole character cell) and with them the
    # group headers: 上年结转结余 stands right of the centre of its columns, and centring
    # alone would give the 小计 between the groups to 本年收入, which has its own
    page = "\n".join([
        place((40, "预算02表 收入总表")),
        place((100, "金额单位：万元")),
        "",
        place((42, "本年收入"), (106, "上年结转结余")),
        place((3, "合计"), (33, "一般公共预算资金"), (97, "一般公共预算资金")),
        place((19, "小计"), (50, "事业收入"), (66, "其他收入"), (83, "小计"), (115, "单位资金")),
        place((0, "1,000.000000"), (17, "700.000000"), (33, "600.000000"), (51, "60.000000"),
              (67, "40.000000"), (81, "300.000000"), (97, "200.000000"), (113, "100.000000")),
    ])
    doc, _ = parse_text(page)
    (table,) = [t for t in doc.tables if t.id == "income_summary"]
    paths = [c.path for c in table.columns]
    assert paths[1] == ("本年收入", "小计")
    assert paths[5] == ("上年结转结余", "小计")
    assert ("上年结转结余", "单位资金") in paths
    assert not [f for f in check(doc).errors if f.code.startswith("row-")]


def test_an_indented_label_column_of_a_squeezed_page_folds_into_the_label_column():
    # first page: label, amount, label, amount; the header-less next page (a 收支总表's
    # totals) has a second, indented label column (本年收入合计 beside 上年结转结余) right
    # before the amounts: it is the first page's label column, not a column of its own
    base = [Slot(0, 14, 0, 9), Slot(21, 26), Slot(30, 43, 1, 0), Slot(57, 62, 0, 4), Slot(74, 87, 4, 0)]
    page = [Slot(0, 6, 0, 1), Slot(9, 15, 0, 2), Slot(18, 31, 3, 0), Slot(32, 46, 0, 5), Slot(56, 69, 3, 0)]
    rows = [GridRow(Line([], 1, 1), {0: "一、…", 2: "1.00", 3: "一、…", 4: "2.00"})]
    assert _match_by_position(base, rows, page) == {0: 0, 1: 0, 2: 2, 3: 3, 4: 4}


def test_last_characters_of_two_wrapped_cells_set_one_space_apart_stay_two_cells():
    # 上年结 / 转 beside 上年实户资金余 / 额: the upper line's two cells are one space apart
    # (one word to the tokeniser), the lower line's characters are not one letter-spaced word
    from yusuan import catalog
    from yusuan.parse.layout import words_from_text_line
    from yusuan.parse.tables import _split_header_line

    texts = [place((10, "上年结 上年实户资金余")), place((10, "转"), (17, "额"))]
    header = [Line(words_from_text_line(t), 1, i, t) for i, t in enumerate(texts)]
    lower = _split_header_line(header[1], catalog.get(), header)
    assert [w.text for w in lower.words] == ["转", "额"]
