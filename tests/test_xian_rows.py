"""Row-reading rules found on 西安 部门预算 pages, on hand-written inputs: a fraction printed
apart from its integer, a title over a header word, a unit line that is a subject code, a
label that spilled into the next row, a name above its code and amounts, and 类/款/项
read one column to the right."""

from __future__ import annotations

from yusuan.parse.extract.pdf_lines import make_words, merge_wrapped
from yusuan.parse.extract.pdf_page import Run, nominal_cells
from yusuan.parse.layout import Line, Word, words_from_text_line
from yusuan.parse.tables import _code_below_name, _overflow_above_row, _RowBuf, _shift_code_parts, _unit_line


def _run(text: str, x0: float, y: float = 0.0, h: float = 10.0) -> Run:
    return Run(text, x0, x0 + 5.0 * nominal_cells(text), y - h, y)


def _line(lineno: int, *texts: str, page: int = 1) -> Line:
    return Line(words=[Word(t, 10.0 * i, 10.0 * i + 2) for i, t in enumerate(texts)], page=page, lineno=lineno)


# --------------------------------------------------------------------------- words


def test_fraction_one_space_right_of_its_integer_is_that_number_in_text():
    words = words_from_text_line(" 1   一、部门预算      25180591 .33 一、部门预算      0.00")
    assert [w.text for w in words] == ["1", "一、部门预算", "25180591.33", "一、部门预算", "0.00"]
    amount = words[2]
    assert (amount.x0, amount.x1) == (17.0, 29.0)  # the number's real extent, the space inside
    # a number next to another number is still two words
    assert [w.text for w in words_from_text_line("a  60.99 60.99")] == ["a", "60.99", "60.99"]


def test_fraction_apart_from_its_integer_is_that_number_in_pdf():
    line = [_run("25180591", 0), _run(".33", 43.5), _run("一、部门预算", 61.5)]
    ws, _ = make_words(line, 5.0, 5.0, 0.0)
    assert [w.text for w in ws] == ["25180591.33", "一、部门预算"]


def test_a_title_over_a_header_word_is_not_a_wrapped_label():
    title = [_run("2021年部门综合预算收入总表", 100, 20, h=19)]
    middle = [_run("预算单位：某某局", 0, 36, h=9), _run("单位：元", 400, 36, h=9)]
    below = [_run("部门预算", 200, 48, h=7.5)]
    assert len(merge_wrapped([title, middle, below], 5.0)) == 3
    # a label wrapped in its cell (same size) around the row's amounts is still one row
    label = [_run("其他工资福利支", 0, 20)]
    row = [_run("30199", 80, 26), _run("27.60", 200, 26)]
    rest = [_run("出", 0, 32)]
    assert len(merge_wrapped([label, row, rest], 5.0)) == 1


def test_a_subject_code_and_name_is_not_a_unit_line():
    def line(text):
        return Line(words=[Word(t, 0.0, 1.0) for t in text.split()], page=1, lineno=1)

    assert _unit_line(line("30109 费")) is None  # not ``3010`` + ``9 费``
    assert _unit_line(line("542001 某某局本级")) == ("542001", "某某局本级")


# --------------------------------------------------------------------------- rows


def test_label_spilled_into_the_next_row_ends_the_row_above():
    above = _RowBuf(seq="7", code="30108", label="机关事业单位基本养老保险缴", values={5: "989034.30"}, line=_line(10))
    row = _RowBuf(seq="8", code="30109", label="费", line=_line(11))
    rest = _RowBuf(label="职业年金缴费", values={5: "494517.18"}, line=_line(12))
    assert _overflow_above_row(rest, row, above)
    # not when the row above has no amounts, or the lines are not consecutive
    assert not _overflow_above_row(rest, row, _RowBuf(seq="7", code="30108", label="x", line=_line(10)))
    assert not _overflow_above_row(_RowBuf(label="职业年金缴费", values={5: "1"}, line=_line(13)), row, above)
    # the row's 政府经济 code read as an amount (nothing right of it on that line) is still a code
    coded = _RowBuf(seq="8", code="30109", label="费", values={5: "50102"}, line=_line(11))
    assert _overflow_above_row(rest, coded, above)
    assert not _overflow_above_row(rest, _RowBuf(seq="8", code="30109", label="费", values={5: "1.00"}, line=_line(11)), above)
    # a label of its own (more than a character or two) is the start of the row's name
    long = _RowBuf(seq="8", code="30109", label="职业年金", line=_line(11))
    assert not _overflow_above_row(rest, long, above)


def test_code_and_amounts_under_a_numbered_name_complete_that_row():
    name = _RowBuf(seq="14", label="机关事业单位职业年金缴费支出", line=_line(20))
    rest = _RowBuf(code="2080506", values={3: "2,352,976.29"}, line=_line(21))
    assert _code_below_name(rest, name)
    # a name that already has a code, or amounts, is a row of its own
    assert not _code_below_name(rest, _RowBuf(seq="14", code="20805", label="x", line=_line(20)))
    assert not _code_below_name(rest, _RowBuf(seq="14", label="x", values={3: "1"}, line=_line(20)))
    # and only from the line just above
    assert not _code_below_name(_RowBuf(code="2080506", values={3: "1"}, line=_line(23)), name)


def test_class_section_item_read_one_column_right():
    b = _RowBuf(code_parts={"code_section": "208", "code_item": "10"}, unit_code="04", first_unit="04")
    _shift_code_parts(b)
    assert b.code_parts == {"code_class": "208", "code_section": "10", "code_item": "04"} and b.unit_code is None
    # the 单位编码 cell after the moved 项 stays the unit code
    b = _RowBuf(code_parts={"code_section": "213", "code_item": "02"}, unit_code="1", first_unit="99")
    _shift_code_parts(b)
    assert b.code_parts["code_item"] == "99" and b.unit_code == "1"
    # parts in their own columns are left alone
    b = _RowBuf(code_parts={"code_class": "208", "code_section": "10", "code_item": "04"}, unit_code="241")
    _shift_code_parts(b)
    assert b.code_parts == {"code_class": "208", "code_section": "10", "code_item": "04"} and b.unit_code == "241"
