"""Run ``load`` over many documents: worker processes, a time and memory bound per
document, results in input order.

A pathological file (a PDF bomb, a 2,000-page scan) must not stop a run of hundreds:
each worker caps its address space (``RLIMIT_AS``), and the parent kills a worker whose
document runs past the time limit, reports that document and starts a fresh worker.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .api import Result


@dataclass
class Outcome:
    path: Path
    result: Result | None
    error: str | None
    seconds: float


def _limit_memory(mb: int) -> None:
    if mb <= 0:
        return
    try:
        import resource

        limit = mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform without limits
        pass


def _one(path: Path) -> tuple[Result | None, str | None]:
    from .api import load
    from .parse import NotADisclosure

    try:
        return load(path), None
    except NotADisclosure as exc:
        return None, str(exc)
    except MemoryError:
        return None, f"{path}: out of memory while reading (file too large or malformed)"
    except RecursionError:
        return None, f"{path}: structure too deeply nested"
    except Exception as exc:  # noqa: BLE001 - one bad file must not end a run
        return None, f"{path}: cannot read ({type(exc).__name__}: {exc})"


def _worker(tasks: "mp.Queue", results: "mp.Queue", memory_mb: int) -> None:
    _limit_memory(memory_mb)
    while True:
        item = tasks.get()
        if item is None:
            return
        idx, path = item
        results.put(("start", idx, os.getpid()))
        t0 = time.perf_counter()
        res, err = _one(Path(path))
        try:
            results.put(("done", idx, (res, err, time.perf_counter() - t0)))
        except Exception as exc:  # noqa: BLE001 - unpicklable result
            results.put(("done", idx, (None, f"{path}: {exc}", time.perf_counter() - t0)))


def run_inline(paths: list[Path]) -> Iterator[Outcome]:
    for p in paths:
        t0 = time.perf_counter()
        res, err = _one(p)
        yield Outcome(p, res, err, time.perf_counter() - t0)


def run(
    paths: Iterable[Path],
    jobs: int = 0,
    timeout: float = 120.0,
    memory_mb: int = 3072,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Load every path; ``jobs`` workers (0 = one per core).  Returns outcomes in input order."""
    paths = list(paths)
    jobs = jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, len(paths)))
    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    tasks: mp.Queue = ctx.Queue()
    results: mp.Queue = ctx.Queue()
    for i, p in enumerate(paths):
        tasks.put((i, str(p)))
    workers: dict[int, mp.Process] = {}

    def spawn() -> None:
        w = ctx.Process(target=_worker, args=(tasks, results, memory_mb), daemon=True)
        w.start()
        workers[w.pid] = w

    for _ in range(jobs):
        spawn()
    outcomes: dict[int, Outcome] = {}
    running: dict[int, tuple[int, float]] = {}  # idx -> (pid, start)
    try:
        while len(outcomes) < len(paths):
            try:
                kind, idx, payload = results.get(timeout=0.2)
            except queue.Empty:
                kind = None
            if kind == "start":
                running[idx] = (payload, time.monotonic())
            elif kind == "done":
                res, err, secs = payload
                running.pop(idx, None)
                if idx not in outcomes:
                    outcomes[idx] = Outcome(paths[idx], res, err, secs)
                    if on_done:
                        on_done(outcomes[idx])
            now = time.monotonic()
            for idx, (pid, start) in list(running.items()):
                w = workers.get(pid)
                dead = w is not None and not w.is_alive()
                if now - start > timeout or dead:
                    if w is not None and w.is_alive():
                        w.kill()
                        w.join(1)
                    workers.pop(pid, None)
                    running.pop(idx, None)
                    why = (
                        f"{paths[idx]}: gave up after {timeout:.0f} s (file too large or pathological)"
                        if not dead
                        else f"{paths[idx]}: reading stopped the worker (exit code {w.exitcode if w else '?'}; memory limit?)"
                    )
                    outcomes[idx] = Outcome(paths[idx], None, why, now - start)
                    if on_done:
                        on_done(outcomes[idx])
                    if len(outcomes) < len(paths):
                        spawn()
            # replace workers that died between tasks
            for pid, w in list(workers.items()):
                if not w.is_alive() and pid not in {p for p, _ in running.values()}:
                    workers.pop(pid, None)
                    if len(outcomes) + len(running) < len(paths):
                        spawn()
    finally:
        for _ in workers:
            tasks.put(None)
        for w in workers.values():
            w.join(0.5)
            if w.is_alive():
                w.kill()
    return [outcomes[i] for i in range(len(paths))]


def pair_companions(outcomes: list[Outcome]) -> list[Outcome]:
    """A tables-only file and its narrative-only companion (same name but 报表/情况说明),
    given together, are checked as one disclosure."""
    from .api import Result, combine, companion_key, is_narrative_only, is_tables_only
    from .check import check as run_check
    from .check import codes as rule_codes

    parse_codes = {r.code for r in rule_codes.RULES if r.family == "parse"}

    groups: dict[str, list[int]] = {}
    for i, o in enumerate(outcomes):
        key = companion_key(o.path)
        if key is not None and o.result is not None:
            groups.setdefault(f"{o.path.parent}/{key}", []).append(i)
    merged: dict[int, Outcome] = {}
    drop: set[int] = set()
    for idx in groups.values():
        tables = [i for i in idx if is_tables_only(outcomes[i].result.disclosure)]
        narrative = [i for i in idx if is_narrative_only(outcomes[i].result.disclosure)]
        if len(tables) != 1 or len(narrative) < 1:
            continue
        t = tables[0]
        for n in narrative:
            doc = combine(outcomes[t].result.disclosure, outcomes[n].result.disclosure)
            parse_findings = [f for f in outcomes[t].result.findings + outcomes[n].result.findings if f.code in parse_codes]
            result = Result(disclosure=doc, report=run_check(doc, extra=parse_findings))
            merged[n] = Outcome(Path(f"{outcomes[t].path} + {outcomes[n].path.name}"), result, None, outcomes[t].seconds + outcomes[n].seconds)
        drop.add(t)
    return [merged.get(i, o) for i, o in enumerate(outcomes) if i not in drop]
