"""Run ``load`` over many documents: worker processes, a time and memory bound per
document, results in input order.

A pathological file (a PDF bomb, a 2,000-page scan) must not stop a run of hundreds:
each worker caps its address space (``RLIMIT_AS``), and the parent kills a worker whose
document runs past the time limit, reports that document and starts a fresh worker.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing import connection as mp_connection
from pathlib import Path

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


def _worker(tasks: mp.Queue, conn, memory_mb: int) -> None:
    """Take documents from ``tasks``; report on this worker's own pipe.

    Each worker writes to a pipe of its own, synchronously: a worker killed by its memory cap
    (or by anything else) cannot take a shared lock or a half-sent message with it, and its
    "start" is in the parent's hands before the document is read."""
    # what the worker inherited from the parent (its imports, and in a long-lived parent the
    # results it already holds) is never garbage here: keep the collector off it, so that
    # collections in the worker do not walk (and copy, page by page) the parent's heap
    gc.freeze()
    _limit_memory(memory_mb)
    while True:
        item = tasks.get()
        if item is None:
            return
        idx, path = item
        conn.send(("start", idx))
        t0 = time.perf_counter()
        res, err = _one(Path(path))
        try:
            conn.send(("done", idx, (res, err, time.perf_counter() - t0)))
        except Exception as exc:  # noqa: BLE001 - unpicklable result
            conn.send(("done", idx, (None, f"{path}: {exc}", time.perf_counter() - t0)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _prepare() -> None:
    """The catalog every worker reads, loaded once here before the workers fork from this
    process rather than once in each (the parse and check modules come with ``.api``)."""
    from . import catalog

    catalog.get()


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
    _prepare()
    tasks: mp.Queue = ctx.Queue()
    # the largest files first: a big document taken last would leave the other workers
    # idle at the end of the run (results still come back in input order)
    for i in sorted(range(len(paths)), key=lambda i: -_size(paths[i])):
        tasks.put((i, str(paths[i])))
    workers: dict[object, mp.Process] = {}  # the parent's end of a worker's pipe -> worker
    outcomes: dict[int, Outcome] = {}
    running: dict[object, tuple[int, float]] = {}  # pipe -> (document index, start)

    def spawn() -> None:
        mine, theirs = ctx.Pipe(duplex=False)
        w = ctx.Process(target=_worker, args=(tasks, theirs, memory_mb), daemon=True)
        w.start()
        theirs.close()
        workers[mine] = w

    def finish(idx: int, outcome: Outcome) -> None:
        if idx not in outcomes:
            outcomes[idx] = outcome
            if on_done:
                on_done(outcome)

    def gone(conn, why: str) -> None:
        """A worker is gone (died, or killed here): its document, if any, failed."""
        w = workers.pop(conn)
        conn.close()
        if w.is_alive():
            w.kill()
        w.join(1)
        if conn in running:
            idx, start = running.pop(conn)
            finish(idx, Outcome(paths[idx], None, why.format(path=paths[idx], code=w.exitcode), time.monotonic() - start))
        if len(outcomes) + len(running) < len(paths):
            spawn()

    for _ in range(jobs):
        spawn()
    try:
        while len(outcomes) < len(paths) and workers:
            for conn in mp_connection.wait(list(workers), timeout=0.2):
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    gone(conn, "{path}: reading stopped the worker (exit code {code}; memory limit?)")
                    continue
                if msg[0] == "start":
                    running[conn] = (msg[1], time.monotonic())
                else:
                    _, idx, (res, err, secs) = msg
                    running.pop(conn, None)
                    finish(idx, Outcome(paths[idx], res, err, secs))
            now = time.monotonic()
            for conn, (idx, start) in list(running.items()):
                if now - start > timeout:
                    gone(conn, "{path}: gave up after " + f"{timeout:.0f}" + " s (file too large or pathological)")
    finally:
        for _ in workers:
            tasks.put(None)
        for w in workers.values():
            w.join(0.5)
            if w.is_alive():
                w.kill()
        for conn in workers:
            conn.close()
    for i, p in enumerate(paths):  # cannot happen unless every worker failed to start
        outcomes.setdefault(i, Outcome(p, None, f"{p}: not read (no worker left)", 0.0))
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
