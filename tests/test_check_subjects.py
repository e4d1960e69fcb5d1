"""Subject-code rules (``check/rules/subjects.py``) on small disclosures written by hand.

Each table is given as ``code  name`` lines, the way a 基本支出表 or 支出总表 prints them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from yusuan.api import load
from yusuan.check import check
from yusuan.check.codes import BY_CODE
from yusuan.check.context import Context
from yusuan.check.rules.subjects import check_subject_codes, norm
from yusuan.model import Disclosure, Row, Table


def table(lines: str, table_id: str = "general_budget_basic_expenditure", title: str = "一般公共预算基本支出表", **codes) -> Table:
    rows = []
    for i, line in enumerate(l for l in lines.strip().splitlines() if l.strip()):
        code, _, label = line.strip().partition(" ")
        rows.append(Row(label=label.strip(), code=code, seq=str(i + 1), codes=codes.get(code, {}), page=1, line=i + 1))
    return Table(id=table_id, title=title, rows=tuple(rows))


def findings(*tables: Table) -> list[tuple[str, str | None, str]]:
    doc = Disclosure(title="测试单位2026年单位预算", tables=tables)
    out = []
    for f in check_subject_codes(doc, Context.of(doc)):
        assert f.code in BY_CODE, f"{f.code} is not in the rule catalogue"
        out.append((f.code, f.location.subject_code, f.message))
    return out


def codes_of(*tables: Table) -> list[tuple[str, str | None]]:
    return [(c, s) for c, s, _ in findings(*tables)]


# -- names that are right ------------------------------------------------------------------


def test_catalogue_names_give_no_finding() -> None:
    t = table(
        """
        201 一般公共服务支出
        20103 政府办公厅（室）及相关机构事务
        2010308 信访事务
        208 社会保障和就业支出
        20805 行政事业单位养老支出
        2080505 机关事业单位基本养老保险缴费支出
        2101101 行政单位医疗
        2210201 住房公积金
        """,
        table_id="expenditure_summary",
    )
    assert findings(t) == []


def test_brackets_whitespace_and_former_names_are_tolerated() -> None:
    t = table(
        """
        30212 因公出国(境)费用
        30213 维修（护） 费
        30217 公务接待费
        210 医疗卫生与计划生育支出
        20805 行政事业单位离退休
        2040404 "两房"建设
        """
    )
    assert findings(t) == []


def test_a_wrapped_fragment_or_a_bracketed_note_is_not_a_mismatch() -> None:
    t = table(
        """
        2080505 基本养老保险缴费支出
        2080101 行政运行（人力资源和社会保障管理事务）
        """
    )
    assert findings(t) == []


def test_economic_label_carrying_the_government_column_name_is_cut() -> None:
    """西安 prints 部门经济 and 政府经济 names side by side: ``办公费  办公经费``."""
    t = table("30201 办公费办公经费\n30211 差旅费办公经费", **{"30201": {"gov_economic": "50201"}})
    assert findings(t) == []


# -- a name that belongs to another code ---------------------------------------------------


def test_name_of_a_sibling_code_is_an_error() -> None:
    """30108 printed as 30109: the name says 基本养老保险, the code says 职业年金."""
    t = table("30101 基本工资\n30109 机关事业单位基本养老保险缴费\n30113 住房公积金")
    [(code, subject, message)] = findings(t)
    assert (code, subject) == ("subject-name-of-other-code", "30109")
    assert "30108" in message and "职业年金缴费" in message
    assert BY_CODE[code].severity == "error"


def test_name_of_another_functional_item_is_an_error() -> None:
    t = table("2080506 机关事业单位基本养老保险缴费支出", table_id="expenditure_summary")
    assert codes_of(t) == [("subject-name-of-other-code", "2080506")]


def test_unknown_code_printed_with_a_unique_nearby_name_is_an_error() -> None:
    """2080505 mistyped as 2080605 (20806 exists, 2080605 does not)."""
    t = table("2080605 机关事业单位基本养老保险缴费支出", table_id="expenditure_summary")
    assert codes_of(t) == [("subject-name-of-other-code", "2080605")]


def test_a_generic_name_on_an_unknown_code_is_no_evidence_of_a_typo() -> None:
    """行政运行 is the name of a hundred codes; an unknown 2014201 行政运行 may be a new 款."""
    t = table("2014201 行政运行", table_id="expenditure_summary")
    assert codes_of(t) == [("subject-code-not-in-catalog", "2014201")]


def test_a_different_but_unrelated_name_is_a_warning() -> None:
    t = table("2010301 行政管理运行", table_id="expenditure_summary")
    [(code, subject, message)] = findings(t)
    assert (code, subject) == ("subject-name-mismatch", "2010301")
    assert BY_CODE[code].severity == "warning" and "行政运行" in message


def test_labels_read_one_row_off_are_not_blamed_on_the_codes() -> None:
    """A cell centred over two lines makes the reader attach each name to the row above:
    every row then carries its neighbour's name.  That is a reading problem, not three errors."""
    t = table("30201 印刷费\n30202 邮电费\n30207 差旅费\n30211 退休费")
    assert [c for c, _ in codes_of(t)] == ["subject-name-mismatch"]  # the last one only


def test_a_publishers_own_numbering_is_caught() -> None:
    """上海's 福利院 numbered 302xx itself: 302 02 咨询费, 302 03 水费 … (national: 30203 咨询费)."""
    t = table("30201 办公费\n30202 咨询费\n30203 水费\n30204 电费\n30209 物业管理费\n30210 车辆运行费")
    got = codes_of(t)
    assert ("subject-name-of-other-code", "30202") in got
    assert ("subject-name-of-other-code", "30204") in got
    assert ("subject-code-unknown", "30210") in got


# -- codes that do not exist -----------------------------------------------------------------


def test_unknown_economic_codes_are_errors() -> None:
    t = table("30210 车辆运行费\n304 其他补助\n50210 办公经费补充")
    assert codes_of(t) == [("subject-code-unknown", "30210"), ("subject-code-unknown", "304"), ("subject-code-unknown", "50210")]
    assert BY_CODE["subject-code-unknown"].severity == "error"


def test_unknown_functional_section_or_item_is_a_warning() -> None:
    t = table("2010397 某新增事务\n20142 某新增款", table_id="expenditure_summary")
    assert codes_of(t) == [("subject-code-not-in-catalog", "2010397"), ("subject-code-not-in-catalog", "20142")]
    assert BY_CODE["subject-code-not-in-catalog"].severity == "warning"


def test_unknown_functional_class_is_an_error() -> None:
    t = table("250 某某支出", table_id="expenditure_summary")
    assert codes_of(t) == [("subject-code-unknown", "250")]


def test_a_unit_row_is_not_a_subject() -> None:
    """A 部门 table lists its units: ``252  西安市生态环境局`` is a unit code and name."""
    t = table("252 西安市生态环境局", table_id="income_summary")
    assert findings(t) == []


def test_regional_economic_extensions() -> None:
    """北京 adds a 7-digit level under national 5-digit codes (3021101 差旅费)."""
    t = table(
        "2013601 行政运行",
        table_id="expenditure_summary",
        **{"2013601": {"gov_economic": "50201", "economic": "3021101"}},
    )
    assert codes_of(t) == [("subject-code-regional", "3021101")]
    assert BY_CODE["subject-code-regional"].severity == "info"
    bad = table("2013601 行政运行", table_id="expenditure_summary", **{"2013601": {"economic": "3023301"}})
    assert codes_of(bad) == [("subject-code-unknown", "3023301")]


def test_secondary_codes_of_a_row_are_checked() -> None:
    t = table("2013601 行政运行", table_id="expenditure_summary", **{"2013601": {"gov_economic": "50210", "economic": "30201"}})
    assert codes_of(t) == [("subject-code-unknown", "50210")]


def test_a_class_row_named_after_its_own_section_is_a_lost_code_column() -> None:
    """``204  司法``: the 款 column (06) was not read; the row is 20406, not a misnamed 204."""
    t = table("204 司法\n2040601 行政运行", table_id="expenditure_summary")
    assert findings(t) == []


def test_project_tables_are_not_read() -> None:
    """政府采购 and 项目 tables print project names beside the codes."""
    t = table("2110102 西安市生态委办工作经费\n5030606 办公设备采购", table_id="government_procurement")
    assert findings(t) == []


# -- one name per code -------------------------------------------------------------------------


def test_two_names_for_one_code_in_a_document() -> None:
    a = table("21099 其他卫生健康支出", table_id="income_summary", title="收入总表")
    b = table("21099 其他医疗卫生与计划生育支出", table_id="expenditure_summary", title="支出总表")
    [(code, subject, message)] = findings(a, b)
    assert (code, subject) == ("subject-name-inconsistent", "21099")
    assert "收入总表" in message and "支出总表" in message


def test_a_wrong_name_is_reported_once_not_also_as_inconsistent() -> None:
    a = table("2130306 水利工程运行与维护", table_id="income_summary")
    b = table("2130306 水利工程运行与维助护", table_id="expenditure_summary")
    assert codes_of(a, b) == [("subject-name-mismatch", "2130306")]


def test_a_regional_code_with_two_names() -> None:
    a = table("2160298 商业流通发展支出", table_id="income_summary")
    b = table("2160298 外经贸发展支出", table_id="expenditure_summary")
    assert codes_of(a, b) == [("subject-code-not-in-catalog", "2160298"), ("subject-name-inconsistent", "2160298")]


# -- through the whole checker -------------------------------------------------------------------


def test_check_gives_severities_from_the_catalogue() -> None:
    doc = Disclosure(title="测试", tables=(table("30109 机关事业单位基本养老保险缴费\n2010397 某新增事务"),))
    got = {(f.code, f.severity) for f in check(doc).findings if BY_CODE[f.code].family == "catalog"}
    assert got == {("subject-name-of-other-code", "error"), ("subject-code-not-in-catalog", "warning")}


def test_norm_folds_width_and_drops_spaces_and_quotes() -> None:
    assert norm(" 因公出国(境) 费用 ") == norm("因公出国（境）费用")
    assert norm("“两房”建设") == norm('"两房"建设') == "两房建设"


def test_the_seed_has_no_subject_findings(seed_path: Path) -> None:
    result = load(seed_path)
    assert [f for f in result.findings if BY_CODE.get(f.code) and BY_CODE[f.code].family == "catalog"] == []
    cli = Path(sys.executable).with_name("yusuan")
    proc = subprocess.run([str(cli), "check", str(seed_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
