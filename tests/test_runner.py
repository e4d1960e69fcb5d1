"""Directory runs: every document bounded in time and memory, the run goes on, a report
line per document."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yusuan import runner


def _slow_or_greedy(path: Path):
    if path.name.startswith("slow"):
        time.sleep(60)
    if path.name.startswith("die"):
        os._exit(3)  # gone at once: the "start" message may never leave the worker
    if path.name.startswith("greedy"):
        b = bytearray(8 * 1024 * 1024 * 1024)  # 8 GiB: over the worker's address-space cap
        return None, f"allocated {len(b)}"
    return runner.__dict__["_real_one"](path)


@pytest.fixture
def patched(monkeypatch):
    # workers are forked, so they run the patched function
    monkeypatch.setitem(runner.__dict__, "_real_one", runner._one)
    monkeypatch.setattr(runner, "_one", _slow_or_greedy)


def test_a_hanging_document_is_cut_off_and_the_run_goes_on(tmp_path, seed_path, patched):
    slow = tmp_path / "slow.txt"
    slow.write_text("x", encoding="utf-8")
    good = tmp_path / "seed.txt"
    good.write_bytes(seed_path.read_bytes())
    t0 = time.monotonic()
    outcomes = runner.run([slow, good], jobs=2, timeout=3)
    assert time.monotonic() - t0 < 30
    assert outcomes[0].result is None and "gave up after" in outcomes[0].error
    assert outcomes[1].result is not None and outcomes[1].result.disclosure.year == 2021


def test_memory_is_capped_per_document(tmp_path, seed_path, patched):
    greedy = tmp_path / "greedy.txt"
    greedy.write_text("x", encoding="utf-8")
    good = tmp_path / "seed.txt"
    good.write_bytes(seed_path.read_bytes())
    outcomes = runner.run([greedy, good], jobs=1, timeout=60, memory_mb=1024)
    assert outcomes[0].result is None and "memory" in outcomes[0].error
    assert outcomes[1].result is not None


@pytest.mark.timeout(120)
def test_a_worker_dying_on_a_document_is_reported_not_waited_for(tmp_path, seed_path, patched):
    dying = tmp_path / "die.txt"
    dying.write_text("x", encoding="utf-8")
    good = tmp_path / "seed.txt"
    good.write_bytes(seed_path.read_bytes())
    for _ in range(3):  # the lost "start" is a race: try it a few times
        outcomes = runner.run([dying, good, dying], jobs=1, timeout=60)
        assert [o.result is None for o in outcomes] == [True, False, True]
        assert "stopped the worker" in outcomes[0].error and "exit code 3" in outcomes[2].error


def test_report_csv_has_a_line_per_document(tmp_path, seed_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(seed_path.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    report = tmp_path / "report.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "yusuan.cli", "check", str(folder), "--report", str(report)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2  # one file cannot be read at all
    assert "empty.txt: empty file" in proc.stderr and "Traceback" not in proc.stderr
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [Path(r["file"]).name for r in rows] == ["empty.txt", "seed.txt"]
    seed = rows[1]
    assert (seed["phase"], seed["scope"], seed["year"], seed["errors"]) == ("预算", "单位", "2021", "0")
    assert "income_summary" in seed["tables"] and float(seed["seconds"]) > 0
    assert rows[0]["problem"]


def test_results_cross_the_process_boundary_unchanged(tmp_path):
    """A worker pickles its whole result (every cell with its location) for the parent;
    Location and Cell pickle compactly (fields in order, trailing blanks left out) and must
    come back equal, field for field."""
    import pickle
    from decimal import Decimal

    from test_store_support import sample_text

    from yusuan.api import load
    from yusuan.model.core import Cell, Location

    # (each record's fields, one by one: tests/test_model_init.py)
    for loc in (Location(), Location(page=2), Location(sheet="收入", row="7"), Location(table="t", line=4, unit_code="1")):
        assert pickle.loads(pickle.dumps(loc)) == loc
    cell = Cell(text="1,234.50", value=Decimal("1234.50"), location=Location(page=1, column="合计"))
    assert pickle.loads(pickle.dumps(cell)) == cell
    p = tmp_path / "doc.txt"
    p.write_text(sample_text(), encoding="utf-8")
    result = load(p)
    back = pickle.loads(pickle.dumps(result))
    assert back.disclosure == result.disclosure and back.findings == result.findings
    assert [c.location for t in back.disclosure.tables for r in t.rows for c in r.cells.values()] == [
        c.location for t in result.disclosure.tables for r in t.rows for c in r.cells.values()
    ]


def test_the_largest_files_go_first_results_come_in_input_order(tmp_path, seed_path):
    """One worker takes the documents largest first (a big one taken last would leave the
    others idle), a path that is gone counts as empty and is reported, not a stop; the
    outcomes still come back in the order given."""
    small = tmp_path / "small.txt"
    small.write_text("hello, world", encoding="utf-8")
    gone = tmp_path / "gone.txt"
    seed = tmp_path / "seed.txt"
    seed.write_bytes(seed_path.read_bytes())
    done: list[str] = []
    outcomes = runner.run([small, gone, seed], jobs=1, on_done=lambda o: done.append(o.path.name))
    assert done == ["seed.txt", "small.txt", "gone.txt"]
    assert [o.path.name for o in outcomes] == ["small.txt", "gone.txt", "seed.txt"]
    assert outcomes[1].result is None and "no such file" in outcomes[1].error
    assert outcomes[0].result is None and outcomes[2].result is not None
