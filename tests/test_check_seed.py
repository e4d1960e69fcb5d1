"""`check` on the seed: exit 0, no error, one warning per repaired code."""

from __future__ import annotations

import json
import subprocess
import sys

from yusuan import load


def test_seed_has_no_error_and_warns_each_repair(seed_path):
    result = load(seed_path)
    assert result.report.errors == []
    repaired = [f for f in result.findings if f.code == "code-repaired"]
    # 收入总表 2101101 and 2210201, 支出总表 2210201 were printed split (`210110 1`)
    assert sorted((f.location.table, f.location.subject_code) for f in repaired) == [
        ("expenditure_summary", "2210201"),
        ("income_summary", "2101101"),
        ("income_summary", "2210201"),
    ]
    assert all(f.severity == "warning" for f in repaired)


def test_cli_json_shape_and_exit_code(seed_path):
    proc = subprocess.run(
        [sys.executable, "-m", "yusuan.cli", "check", str(seed_path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"findings", "summary"}
    assert data["summary"]["errors"] == 0
    keys = {"code", "severity", "table", "row", "column", "subject_code", "page", "expected", "actual", "message"}
    assert data["findings"] and all(keys <= set(f) for f in data["findings"])


def test_performance_indicator_sanity_on_seed(seed_path):
    # 涉军公益岗人员适岗率 is a 率 indicator given as “4 人”
    result = load(seed_path)
    hits = [f for f in result.findings if f.code == "indicator-unit-mismatch"]
    assert any("适岗率" in f.message for f in hits)


def test_unreadable_inputs_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "random.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    for path in (empty, binary, tmp_path / "missing.txt"):
        proc = subprocess.run([sys.executable, "-m", "yusuan.cli", "check", str(path)], capture_output=True, text=True)
        assert proc.returncode == 2, (path, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert str(path) in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
