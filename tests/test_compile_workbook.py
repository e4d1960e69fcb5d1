"""The budget-input workbook: template → filled → compiled; bad workbooks → located findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from yusuan.check import check
from yusuan.compile import BadInput, compile_path
from yusuan.compile.synthetic import example_data, synthetic_units
from yusuan.compile.workbook import write_template
from yusuan.render.opendata import to_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *args], capture_output=True, text=True)


@pytest.fixture()
def filled(tmp_path) -> Path:
    path = tmp_path / "budget.xlsx"
    write_template(path, example_data())
    return path


def test_filled_template_compiles_like_the_yaml(filled):
    a, fa = compile_path(filled)
    b, _ = compile_path(EXAMPLE)
    assert [f for f in fa if f.severity == "error"] == []
    assert to_csv(a) == to_csv(b)
    assert [s.text for s in a.sections] == [s.text for s in b.sections]
    assert [p.title for p in a.performance] == [p.title for p in b.performance]
    assert [len(p.indicators) for p in a.performance] == [len(p.indicators) for p in b.performance]


def test_blank_template_has_the_sheets(tmp_path):
    path = tmp_path / "t.xlsx"
    r = _cli("template", "-o", str(path))
    assert r.returncode == 0, r.stderr
    wb = load_workbook(path)
    for name in ("单位信息", "单位职责", "支出明细", "收入", "三公经费", "政府采购", "固定资产", "绩效目标", "上年数", "说明", "科目名称"):
        assert name in wb.sheetnames
    ws = wb["支出明细"]
    assert [c.value for c in ws[1]][:8] == ["功能分类科目编码", "功能分类科目名称", "经济分类科目编码", "经济分类科目名称", "资金来源", "支出类型", "项目名称", "金额"]
    assert any("一般公共预算" in dv.formula1 for dv in ws.data_validations.dataValidation)
    # an empty template is not a disclosure yet: findings, exit 1, no traceback
    r = _cli("compile", str(path))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "工作表“单位信息” 第3行" in r.stderr and "缺少单位名称" in r.stderr


def _edit(path: Path, sheet: str, cell: str, value) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_word_in_an_amount_cell(filled):
    _edit(filled, "支出明细", "H3", "三十二点七九")
    doc, findings = compile_path(filled)
    f = next(f for f in findings if f.code == "input-not-a-number")
    assert (f.location.sheet, f.location.row, f.location.column) == ("支出明细", "3", "H（金额）")
    assert "三十二点七九" in f.message


def test_unknown_code_and_fund(filled):
    _edit(filled, "支出明细", "A4", "9990101")
    _edit(filled, "支出明细", "E5", "天上掉的钱")
    _, findings = compile_path(filled)
    got = {(f.code, f.location.row, f.location.column) for f in findings}
    assert ("input-unknown-code", "4", "A（功能分类科目编码）") in got
    assert ("input-unknown-value", "5", "E（资金来源）") in got


def test_missing_sheet(filled):
    wb = load_workbook(filled)
    del wb["单位信息"]
    wb.save(filled)
    doc, findings = compile_path(filled)
    assert doc is None
    assert any(f.code == "input-missing-sheet" and f.location.sheet == "单位信息" for f in findings)
    r = _cli("compile", str(filled))
    assert r.returncode == 1 and "缺少工作表“单位信息”" in r.stderr and "Traceback" not in r.stderr


def test_income_sheet_must_balance(filled):
    _edit(filled, "收入", "B2", 450)
    _, findings = compile_path(filled)
    f = next(f for f in findings if f.code == "input-income-mismatch")
    assert (f.location.sheet, f.location.row) == ("收入", "2")


def test_not_a_template(tmp_path):
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "hello"
    wb.save(other)
    with pytest.raises(BadInput, match="not the yusuan budget template"):
        compile_path(other)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BadInput):
        compile_path(junk)
    r = _cli("compile", str(junk))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and r.stderr.startswith("yusuan: ")


def test_cli_compile_and_render(tmp_path):
    out = tmp_path / "d.json"
    r = _cli("compile", str(EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    for fmt in ("txt", "html", "xlsx", "docx"):
        target = tmp_path / f"d.{fmt}"
        r = _cli("render", str(out), "--to", fmt, "-o", str(target))
        assert r.returncode == 0, r.stderr
        assert target.stat().st_size > 1000
    r = _cli("render", str(tmp_path / "missing.json"), "--to", "txt")
    assert r.returncode == 2 and "no such file" in r.stderr
    # check and parse read the compiled JSON
    r = _cli("check", str(out))
    assert r.returncode == 0, r.stdout + r.stderr


def test_synthetic_units_are_consistent():
    seen = set()
    for data in synthetic_units(4, years=(2024, 2025)):
        from yusuan.compile import compile_data

        doc, findings = compile_data(data)
        report = check(doc, extra=findings)
        assert not report.errors, [f.message for f in report.errors]
        seen.add((doc.unit.code, doc.year))
    assert len(seen) == 8
