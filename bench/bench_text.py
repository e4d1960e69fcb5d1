"""Throughput of parse + check on text disclosures, in one process, beside a baseline.

    python bench/bench_text.py [CORPUS_TEXT_DIR]
    .venv-compiled/bin/python bench/bench_text.py     # the compiled build (scripts/compiled.sh)

Prints documents/s and MB/s for (a) the seed document repeated (seed-sized documents per
second on one core) and (b) every file of ../shared/corpus/text, next to the baseline
measured in the same run: reading the same files and splitting them into lines and words
with the standard library (what any text tool has to do at least).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from yusuan.check import check
from yusuan.parse import parse_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_358c1be7637ddf8e.txt"
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "text"


def build_kind() -> str:
    """Which yusuan this runs: the mypyc-compiled build (``YUSUAN_COMPILE=1``) or plain Python."""
    from yusuan.parse import tables

    return "compiled (mypyc)" if tables.__file__.endswith((".so", ".pyd")) else "plain Python"


def baseline(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    n = 0
    for p in paths:
        text = p.read_bytes().decode("utf-8")
        for line in text.split("\n"):
            n += len(line.split())
    return time.perf_counter() - t0


def ours(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for p in paths:
        doc, issues = parse_text(p.read_bytes().decode("utf-8"), source=str(p))
        check(doc, extra=issues)
    return time.perf_counter() - t0


def best(fn, paths, repeat=3) -> float:
    return min(fn(paths) for _ in range(repeat))


def main() -> None:
    if not SEED.exists() or not CORPUS.is_dir():
        sys.exit(f"need {SEED} and {CORPUS}")
    print(f"yusuan build: {build_kind()}")
    ours([SEED])  # warm up: catalogue load, regex compilation
    seed_runs = [SEED] * 200
    t = best(ours, seed_runs)
    tb = best(baseline, seed_runs)
    mb = SEED.stat().st_size * len(seed_runs) / 1e6
    print(f"seed × {len(seed_runs)}: yusuan parse+check {len(seed_runs) / t:8.1f} docs/s {mb / t:6.2f} MB/s | "
          f"stdlib read+split {len(seed_runs) / tb:9.1f} docs/s {mb / tb:7.2f} MB/s | ratio {t / tb:6.1f}×")
    paths = sorted(CORPUS.glob("*.txt"))
    size = sum(p.stat().st_size for p in paths) / 1e6
    t = best(ours, paths, repeat=2)
    tb = best(baseline, paths)
    per_doc = []
    for p in paths[:40]:
        per_doc.append(ours([p]))
    print(f"corpus ({len(paths)} files, {size:.1f} MB): yusuan parse+check {len(paths) / t:6.1f} docs/s {size / t:5.2f} MB/s | "
          f"stdlib read+split {len(paths) / tb:7.1f} docs/s {size / tb:6.1f} MB/s | ratio {t / tb:5.1f}× | "
          f"median {statistics.median(per_doc) * 1000:.0f} ms/doc")


if __name__ == "__main__":
    main()
