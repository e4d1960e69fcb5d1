"""PDF throughput: parse + check of every corpus PDF beside ``pdftotext -layout``, same run.

    .venv/bin/python bench/bench_pdf.py [PDF_DIR] [--jobs N] [--rounds R] [--groups G]
    .venv-compiled/bin/python bench/bench_pdf.py …     # the compiled build (scripts/compiled.sh)

Over the same files with the same parallelism (``--jobs`` processes, default one per
core) it times, in each round and for each of ``--groups`` groups of the files (every G-th
file; default 4, so that the three take turns every few seconds — this VM's speed drifts by
a factor of two within a minute, so turns of the whole corpus compared the tools at different
speeds):

* ``pdftotext -layout`` (poppler, the speed baseline): one process per file, ``--jobs``
  at a time, output discarded;
* ``yusuan extract``: ``parse.extract.pdf.extract`` alone (text layer → positioned words)
  in a pool of ``--jobs`` worker processes;
* ``yusuan parse+check``: ``yusuan.runner.run(paths, jobs=N)``, the directory runner the
  CLI uses (``load`` = extract + table building + checks, a time and memory bound per
  document).

and prints pages/s, MB/s, docs/s for each and the ratio to pdftotext (a round's time is the
sum over its groups; the median over rounds; groups and rounds alternate the order so that a
busy machine hurts all three alike).
Target: parse+check no slower than 2× pdftotext.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "pdf"


def build_kind() -> str:
    """Which yusuan this runs: the mypyc-compiled build (``YUSUAN_COMPILE=1``) or plain Python."""
    from yusuan.parse import tables

    return "compiled (mypyc)" if tables.__file__.endswith((".so", ".pyd")) else "plain Python"


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - a file we cannot open counts no pages
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def run_pdftotext(paths: list[Path], jobs: int) -> float:
    def one(p: Path) -> int:
        return subprocess.run(
            ["pdftotext", "-layout", str(p), "-"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        ).returncode

    t0 = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, paths))
    return time.perf_counter() - t0


def _extract_one(path: str) -> int:
    from yusuan.parse.extract.pdf import extract
    from yusuan.parse.extract.text import NotADisclosure

    try:
        return len(extract(Path(path)).lines)
    except NotADisclosure:
        return -1


def run_extract(paths: list[Path], jobs: int) -> float:
    t0 = time.perf_counter()
    with get_context("fork").Pool(jobs) as pool:
        list(pool.imap_unordered(_extract_one, [str(p) for p in paths], chunksize=1))
    return time.perf_counter() - t0


def run_yusuan(paths: list[Path], jobs: int) -> tuple[float, list]:
    from yusuan.runner import run

    t0 = time.perf_counter()
    outcomes = run(paths, jobs=jobs)
    return time.perf_counter() - t0, outcomes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pdf_dir", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--groups", type=int, default=4, help="the files in this many groups, timed in turn")
    args = ap.parse_args()
    if not args.pdf_dir.is_dir():
        sys.exit(f"no PDF directory at {args.pdf_dir}")
    paths = sorted(args.pdf_dir.glob("*.pdf"))
    if not paths:
        sys.exit(f"no *.pdf in {args.pdf_dir}")
    mb = sum(p.stat().st_size for p in paths) / 1e6
    pages = sum(page_count(p) for p in paths)
    groups = [paths[g :: args.groups] for g in range(max(1, min(args.groups, len(paths))))]
    print(f"{len(paths)} PDFs, {pages} pages, {mb:.1f} MB; {args.jobs} processes; {args.rounds} rounds of "
          f"{len(groups)} groups; yusuan build: {build_kind()}", flush=True)

    times: dict[str, list[float]] = {"pdftotext -layout": [], "yusuan extract": [], "yusuan parse+check": []}
    errors: list[str] = []  # parse+check over the last round: files not read,
    read = flagged = 0  # files read, files with error findings
    for r in range(args.rounds):
        total = dict.fromkeys(times, 0.0)
        read, errors, flagged = 0, [], 0
        for g, group in enumerate(groups):
            order = list(times) if (r + g) % 2 == 0 else list(reversed(times))
            for name in order:
                if name == "pdftotext -layout":
                    t = run_pdftotext(group, args.jobs)
                elif name == "yusuan extract":
                    t = run_extract(group, args.jobs)
                else:
                    t, outcomes = run_yusuan(group, args.jobs)
                    failed = [o.error for o in outcomes if o.error]
                    read += len(outcomes) - len(failed)
                    errors += failed
                    flagged += sum(1 for o in outcomes if o.result is not None and o.result.report.errors)
                    # the results go at once: the next workers fork from this process, and a
                    # heap of results would be theirs to carry
                    del outcomes
                    gc.collect()
                total[name] += t
        for name, t in total.items():
            times[name].append(t)
        print(f"  round {r + 1}: " + ", ".join(f"{n} {t:.2f} s" for n, t in total.items())
              + f" ({total['yusuan parse+check'] / total['pdftotext -layout']:.2f}×)", flush=True)

    base = statistics.median(times["pdftotext -layout"])
    print()
    print(f"{'':20s} {'seconds':>8s} {'pages/s':>9s} {'MB/s':>7s} {'docs/s':>7s} {'ms/page':>8s} {'× pdftotext':>12s}")
    for name, ts in times.items():
        t = statistics.median(ts)
        print(
            f"{name:20s} {t:8.2f} {pages / t:9.0f} {mb / t:7.2f} {len(paths) / t:7.1f} "
            f"{1000 * t * args.jobs / pages:8.2f} {t / base:11.2f}×"
        )
    print()
    print(f"parse+check: {read} read, {len(errors)} not read, "
          f"{flagged} with error findings (ms/page is CPU-seconds per page: wall × processes)")
    for e in errors[:10]:
        print(f"  not read: {e}")
    ratio = statistics.median(times["yusuan parse+check"]) / base
    print(f"target parse+check ≤ 2.00× pdftotext: {'met' if ratio <= 2.0 else 'NOT met'} ({ratio:.2f}×)")


if __name__ == "__main__":
    main()
