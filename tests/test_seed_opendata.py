"""The seed's open-data CSV: exactly its 213 non-blank numeric cells, each right."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter

from yusuan.parse import parse_path
from yusuan.render.opendata import CSV_HEADER, to_csv


def _rows(seed_path):
    doc, _ = parse_path(seed_path)
    return list(csv.DictReader(io.StringIO(to_csv(doc))))


def _find(rows, table, code=None, item=None, column=None):
    out = [
        r
        for r in rows
        if r["table"] == table
        and (code is None or r["code"] == code)
        and (item is None or r["item"].startswith(item))
        and (column is None or r["column"] == column)
    ]
    assert len(out) == 1, (table, code, item, column, out)
    return out[0]


def test_header_and_count(seed_path):
    doc, _ = parse_path(seed_path)
    text = to_csv(doc)
    assert text.splitlines()[0] == ",".join(CSV_HEADER)
    rows = _rows(seed_path)
    assert len(rows) == 213
    assert Counter(r["table"] for r in rows) == {
        "general_budget_basic_expenditure": 55,
        "income_summary": 48,
        "expenditure_summary": 37,
        "general_budget_expenditure": 37,
        "appropriation_summary": 15,
        "income_expenditure_summary": 9,
        "three_public_expenses": 8,
        "fixed_assets": 4,
    }


def test_named_cells(seed_path):
    rows = _rows(seed_path)
    assert _find(rows, "expenditure_summary", "2010308", column="基本支出")["value"] == "196.81"
    r = _find(rows, "income_summary", "2101101", column="合计")
    assert (r["value"], r["item"], r["row"]) == ("12.38", "行政单位医疗", "13")
    r = _find(rows, "general_budget_basic_expenditure", "30231", column="公用经费")
    assert (r["value"], r["row"]) == ("2.7", "21")
    assert _find(rows, "fixed_assets", item="车辆", column="价值")["value"] == "10.62"
    assert _find(rows, "fixed_assets", item="车辆", column="数量")["value"] == "1"
    r = _find(rows, "income_expenditure_summary", item="一般公共预算拨款收入", column="预算数")
    assert (r["value"], r["row"], r["unit_code"], r["year"], r["amount_unit"]) == ("451.83", "1", "542001", "2021", "万元")
    r = _find(rows, "three_public_expenses", item="公务用车运行维护费", column="一般公共预算财政拨款")
    assert r["value"] == "2.7"


def test_every_value_is_plain_decimal(seed_path):
    for r in _rows(seed_path):
        assert r["value"] and "," not in r["value"] and "e" not in r["value"].lower()
        assert r["column"] == r["column"].strip() and " " not in r["column"]
        assert not r["item"].startswith(("一、", "其中", "1、"))


def test_cli_csv_matches_library(seed_path, tmp_path):
    out = tmp_path / "seed.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "yusuan.cli", "parse", str(seed_path), "--format", "csv", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    doc, _ = parse_path(seed_path)
    assert out.read_text(encoding="utf-8") == to_csv(doc)
