"""北京 publishes tables (报表) and narrative (情况说明) as two files: given together, they
are checked as one disclosure, the narrative against the tables."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from yusuan.api import combine, companion_key, is_narrative_only, is_tables_only, read
from yusuan.check import check


def test_companion_key():
    a = Path("2026_某局_部门预算报表.txt")
    b = Path("2026_某局_部门预算情况说明.txt")
    assert companion_key(a) == companion_key(b) == "2026_某局_"
    assert companion_key(Path("2021_某局_部门预算.txt")) is None


def test_pair_checks_narrative_against_tables(corpus_dir):
    text = corpus_dir / "text"
    tables_path = text / "2026_北京市信访办公室_部门预算报表.txt"
    notes_path = text / "2026_北京市信访办公室_部门预算情况说明.txt"
    tables, _ = read(tables_path)
    notes, _ = read(notes_path)
    assert is_tables_only(tables) and is_narrative_only(notes)
    doc = combine(tables, notes)
    assert doc.year == 2026 and doc.phase == "预算" and doc.tables and doc.sections
    report = check(doc)
    assert not any(f.code == "tables-published-separately" for f in report.findings)
    # the narrative's 收入预算 9626.78万元 is the 收支总表's 9,626.777589: no narrative error
    assert not [f for f in report.errors if f.location.table == "narrative"]
    proc = subprocess.run(
        [sys.executable, "-m", "yusuan.cli", "check", str(tables_path), str(notes_path), "--format", "json"],
        capture_output=True,
        text=True,
    )
    data = json.loads(proc.stdout)
    # one disclosure: the single-document shape, naming both files
    assert " + " in data["file"] and "findings" in data
