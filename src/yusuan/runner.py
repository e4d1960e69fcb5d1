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
