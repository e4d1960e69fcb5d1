"""Compile: budget line items → a disclosure whose tables and narrative agree by construction."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from yusuan.check import check
from yusuan.compile import BadInput, compile_data, compile_path, load_data
from yusuan.parse import parse_path
from yusuan.render.opendata import to_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"


def _minimal(**over):
    data = {
        "year": 2024,
        "unit": {"code": "101001", "name": "某某区测试局", "nature": "行政"},
        "expenditure": [
            {"function": "2010101", "economic": "30101", "fund": "一般公共预算", "kind": "人员经费", "amount": "100.00"},
            {"function": "2010101", "economic": "30201", "fund": "一般公共预算", "kind": "公用经费", "amount": "20.50"},
            {"function": "2010102", "economic": "30227", "fund": "一般公共预算", "kind": "项目支出", "project": "信息化运维", "amount": "30"},
        ],
    }
    data.update(over)
    return data


def test_example_reproduces_the_seed_figure_for_figure(seed_path):
    doc, findings = compile_path(EXAMPLE)
    assert doc is not None and not [f for f in findings if f.severity == "error"]
    seed_doc, _ = parse_path(seed_path)
    ours = sorted(csv.reader(io.StringIO(to_csv(doc))))
    theirs = sorted(csv.reader(io.StringIO(to_csv(seed_doc))))
    assert len(ours) == 214  # header + the seed's 213 numeric cells
    assert ours == theirs


def test_example_checks_clean():
    doc, findings = compile_path(EXAMPLE)
    report = check(doc, extra=findings)
    assert [(f.code, f.message) for f in report.findings if f.severity == "error"] == []
    # the narrative quotes the tables: every level amount names a figure the checker verifies
    from yusuan.check.rules.narrative import concept_of

    levels = [a for a in doc.amounts if a.kind == "amount"]
    assert len(levels) >= 12
    checked = [a for a in levels if concept_of(a.label) is not None]
    assert {a.label for a in levels} - {a.label for a in checked} <= {"车辆价值", "其他固定资产价值"}


def test_narrative_is_what_the_parser_reads():
    """The amounts compile records are those a reader of the printed text finds."""
    from yusuan.check.rules.narrative import clean_label
    from yusuan.parse.narrative import extract_amounts

    doc, _ = compile_path(EXAMPLE)
    n = 0
    for s in doc.sections:
        # percentages in the clerk's own words (绩效) are not compiled figures
        read = [a for a in extract_amounts(s.text, None, None) if a.unit is not None or any(o.kind == "percent" for o in s.amounts)]
        assert [(a.value, a.kind, a.year) for a in read] == [(a.value, a.kind, a.year) for a in s.amounts], s.heading
        for ours, theirs in zip(s.amounts, read):
            assert clean_label(ours.label) == clean_label(theirs.label), (ours.label, theirs.label)
            n += 1
    assert n >= 15


def test_identities_hold_by_construction():
    doc, findings = compile_data(_minimal())
    assert doc is not None, findings
    report = check(doc, extra=findings)
    assert not report.errors, [f.message for f in report.errors]
    exp = doc.table("expenditure_summary")
    total = exp.find_row(label="合计")
    assert total.value("total") == Decimal("150.50")
    assert total.value("basic") == Decimal("120.50") and total.value("project") == Decimal("30")
    gbbe = doc.table("general_budget_basic_expenditure")
    assert gbbe.find_row(code="302").value("public") == Decimal("20.50")
    # the empty fund tables are published with their note
    assert doc.table("government_fund_expenditure").rows == ()
    assert "空表列示" in doc.table("government_fund_expenditure").note


def test_carryover_and_other_sources_balance():
    data = _minimal()
    data["expenditure"] += [
        {"function": "2010102", "economic": "30227", "fund": "一般公共预算", "kind": "项目支出", "project": "信息化运维", "amount": "5", "carryover": True},
        {"function": "2010102", "economic": "30201", "fund": "事业收入", "kind": "公用经费", "amount": "7"},
        {"function": "2120801", "economic": "31005", "fund": "政府性基金预算", "kind": "项目支出", "project": "道路修缮", "amount": "40"},
    ]
    doc, findings = compile_data(data)
    report = check(doc, extra=findings)
    assert not report.errors, [f.message for f in report.errors]
    ies = doc.table("income_expenditure_summary")
    assert ies.find_row(label="收入总计", side="income").value("income.amount") == Decimal("202.50")
    assert ies.find_row(label="上年结转结余", side="income").value("income.amount") == Decimal("5")
    app = doc.table("appropriation_summary")
    assert app.find_row(label="支出总计", side="expenditure").value("expenditure.gov_fund") == Decimal("40")
    assert doc.table("government_fund_expenditure").rows


def test_bad_values_are_located_findings():
    data = _minimal()
    data["expenditure"][0]["amount"] = "一百"
    data["expenditure"][1]["function"] = "9990101"
    data["expenditure"][2]["fund"] = "天上掉的"
    doc, findings = compile_data(data)
    codes = {(f.code, f.location.sheet, f.location.row, f.location.column) for f in findings}
    assert ("input-not-a-number", "expenditure", "1", "amount") in codes
    assert ("input-unknown-code", "expenditure", "2", "function") in codes
    assert ("input-unknown-value", "expenditure", "3", "fund") in codes


def test_income_must_match_the_funding():
    doc, findings = compile_data(_minimal(income=[{"source": "一般公共预算", "amount": "150"}]))
    assert [f.code for f in findings] == ["input-income-mismatch"]
    assert findings[0].expected == Decimal("150.50")


def test_unusable_files_raise_one_line(tmp_path):
    with pytest.raises(BadInput, match="no such file"):
        load_data(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("unit: [unclosed\n", encoding="utf-8")
    with pytest.raises(BadInput, match="line 2"):
        load_data(bad)
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(BadInput, match="empty"):
        load_data(tmp_path / "empty.yaml")


def test_amounts_stay_decimal():
    data = load_data(EXAMPLE)
    assert isinstance(data["expenditure"][0]["amount"], Decimal)
    doc, _ = compile_path(EXAMPLE)
    for t in doc.tables:
        for _, _, cell in t.iter_cells():
            assert cell.value is None or isinstance(cell.value, Decimal)
