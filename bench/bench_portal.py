"""Portal throughput and latency with many units: unit pages, the API and /api/aggregate.

    .venv/bin/python bench/bench_portal.py                       # 10,000 units × 3 years, SQLite
    .venv/bin/python bench/bench_portal.py --db postgresql+psycopg://postgres@127.0.0.1:54329/yusuan_bench
    .venv/bin/python bench/bench_portal.py --units 500 --duration 5   # a quick look
    .venv/bin/python bench/bench_portal.py --db postgresql+psycopg://…/yusuan_bench --copy-from bench/bench-portal.db

``--copy-from`` fills an empty database from one already loaded (``yusuan db copy``: every
table row for row, pages included) instead of compiling the documents again — the same
data on the other backend in minutes instead of the better part of an hour.

Loads ``--units`` fictional units × ``--years`` into an empty database — every document
compiled and checked by our compile in a process pool (``synth.py``), written by
``yusuan.store.bulk`` ``--batch`` documents per transaction, the cells' secondary indexes
built after the load — then renders the public pages (``yusuan.web.public.prerender``,
in parallel), starts ``yusuan serve --workers 2`` and drives it on loopback with
``--concurrency`` keep-alive clients (``Accept-Encoding: gzip``, as browsers send) for
``--duration`` seconds per scenario.  Each scenario prints requests/s, p50 and p99 next to
the baseline measured in the same run (``GET /favicon.ico``: the framework without any
database work) and the load average of the machine.  A second pass restarts the portal
with its per-worker caches off, so every request reads the stored page or queries the
rollup.  Results go to ``bench/results-<backend>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

import synth  # noqa: E402
from yusuan.store import open_store  # noqa: E402
from yusuan.store.bulk import load as bulk_load  # noqa: E402
from yusuan.store.schema import Cell, Page, Rollup, Unit, Version  # noqa: E402


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def ensure_pg_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    base, name = url.rsplit("/", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _tune(session, sqlite: bool) -> None:
    if sqlite:  # a bigger page cache for this connection (the default 2 MB thrashes on a growing index)
        session.connection().exec_driver_sql("PRAGMA cache_size=-262144")
        session.connection().exec_driver_sql("PRAGMA temp_store=MEMORY")


def load(url: str, count: int, years: tuple[int, ...], batch: int, jobs: int, late_indexes: bool) -> dict:
    ensure_pg_database(url)
    store = open_store(url)
    with store.read() as s:
        have = s.scalar(select(func.count()).select_from(Version))
    if have >= count * len(years):
        print(f"database already holds {have} versions; not loading", flush=True)
        store.dispose()
        return {"loaded": False, "versions": have}
    if have:
        raise SystemExit(f"{url} holds {have} versions, fewer than {count * len(years)}: use an empty database")
    indexes = list(Cell.__table__.indexes) if late_indexes else []
    with store.engine.begin() as conn:
        for ix in indexes:
            ix.drop(conn)
    t0 = time.perf_counter()
    done = cells = 0
    pending = []
    t_write = 0.0

    def flush():
        nonlocal cells, t_write
        tw = time.perf_counter()
        with store.session() as s:
            _tune(s, store.is_sqlite)
            cells += sum(x.cells for x in bulk_load(s, pending))
        t_write += time.perf_counter() - tw
        pending.clear()

    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs) as pool:
        for p in pool.imap(synth.compile_one, synth.inputs(count, years), chunksize=8):
            pending.append(p)
            done += 1
            if len(pending) >= batch:
                flush()
                if done % (batch * 20) == 0:
                    el = time.perf_counter() - t0
                    print(f"  {done} documents, {cells} cells, {el:.0f} s ({done / el:.0f} docs/s; "
                          f"writing {1000 * t_write / done:.1f} ms/doc; load average {loadavg():.1f})", flush=True)
        if pending:
            flush()
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    with store.engine.begin() as conn:
        if store.is_sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        for ix in indexes:
            ix.create(conn)
    t_index = time.perf_counter() - t1
    t2 = time.perf_counter()
    if store.is_sqlite:
        with store.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        with store.engine.connect() as c:
            c.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    t_analyze = time.perf_counter() - t2
    with store.read() as s:
        n_rollup = s.scalar(select(func.count()).select_from(Rollup))
    store.dispose()
    print(f"loaded {done} documents, {cells} cells in {t_load:.0f} s ({done / t_load:.0f} docs/s, {cells / t_load:.0f} cells/s; "
          f"writing {t_write:.0f} s); indexes {t_index:.0f} s; analyze {t_analyze:.0f} s; rollup {n_rollup} rows", flush=True)
    return {"loaded": True, "documents": done, "cells": cells, "load_seconds": round(t_load, 1),
            "write_seconds": round(t_write, 1), "index_seconds": round(t_index, 1), "analyze_seconds": round(t_analyze, 1),
            "rollup_rows": n_rollup, "jobs": jobs, "batch": batch}


def copy_from(source: str, url: str) -> dict:
    from yusuan.store.transfer import copy_store

    ensure_pg_database(url)
    src, dst = open_store(source, upgrade=False), open_store(url)
    try:
        with dst.read() as s:
            have = s.scalar(select(func.count()).select_from(Version))
        if have:
            print(f"database already holds {have} versions; not copying", flush=True)
            return {"loaded": False, "versions": have}
        t0 = time.perf_counter()
        copied = copy_store(src, dst)
        el = time.perf_counter() - t0
    finally:
        src.dispose()
        dst.dispose()
    print(f"copied {copied.rows} rows from {source} in {el:.0f} s", flush=True)
    return {"loaded": True, "copied_from": source, "copied_rows": copied.rows, "copy_seconds": round(el, 1)}


def _prerender_part(args) -> int:
    url, unit_ids = args
    from yusuan.web.public import prerender

    store = open_store(url, upgrade=False)
    try:
        return prerender(store, unit_ids=unit_ids)
    finally:
        store.dispose()


def prerender_all(url: str, jobs: int) -> dict:
    store = open_store(url, upgrade=False)
    with store.read() as s:
        ids = list(s.scalars(select(Unit.id).order_by(Unit.id)))
    store.dispose()
    t0 = time.perf_counter()
    parts = [(url, ids[i : i + 250]) for i in range(0, len(ids), 250)]
    n = 0
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for k in pool.imap_unordered(_prerender_part, parts):
            n += k
    el = time.perf_counter() - t0
    store = open_store(url, upgrade=False)
    with store.read() as s:
        stored = s.scalar(select(func.count()).select_from(Page))
        size = s.scalar(select(func.sum(func.length(Page.body))))
    store.dispose()
    print(f"rendered {n} pages in {el:.0f} s ({n / el if el else 0:.0f} pages/s); {stored} stored, "
          f"{(size or 0) / 2**20:.0f} MiB gzip", flush=True)
    return {"pages_rendered": n, "prerender_seconds": round(el, 1), "pages_stored": stored,
            "pages_mib": round((size or 0) / 2**20, 1)}


# -- a small keep-alive HTTP/1.1 load generator (asyncio streams; light on CPU) -------------------


async def _request(reader, writer, path: str, extra: str = "") -> tuple[int, int]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: text/html\r\nAccept-Encoding: gzip\r\n{extra}\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if status in (204, 304) or ("content-length" not in headers and "chunked" not in headers.get("transfer-encoding", "")):
        return status, 0
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body)
    size = 0
    while True:  # chunked
        n = int((await reader.readuntil(b"\r\n")).strip(), 16)
        await reader.readexactly(n + 2)
        size += n
        if n == 0:
            return status, size


async def _drive(port: int, paths, concurrency: int, duration: float, extra=lambda path: "") -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sizes = 0
    stop = time.perf_counter() + duration
    rnd = random.Random(1)

    async def client():
        nonlocal sizes
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=2**22)
        try:
            while time.perf_counter() < stop:
                path = paths(rnd)
                t = time.perf_counter()
                status, n = await _request(reader, writer, path, extra(path))
                latencies.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
                sizes += n
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1) if latencies else None

    return {"requests": len(latencies), "rps": round(len(latencies) / wall, 1), "p50_ms": pct(50), "p99_ms": pct(99),
            "max_ms": round(1000 * latencies[-1], 1) if latencies else None, "statuses": statuses,
            "mean_body_bytes": round(sizes / len(latencies)) if latencies else 0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, workers: int, settings: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = os.environ | {"YUSUAN_SETTINGS": json.dumps(settings)}
    server = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "serve", "--db", db, "--port", str(port),
                               "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 300
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit("server exited: " + server.stderr.read().decode()[-2000:])
            if time.time() > deadline:
                raise SystemExit("server did not start within 300 s")
            time.sleep(0.3)


def run_scenarios(port: int, scenarios, args) -> dict:
    asyncio.run(_drive(port, scenarios[1][1], 4, 2))  # warm up (imports, connections)
    results = {}
    for name, paths, *rest in scenarios:
        extra = rest[0] if rest else (lambda path: "")
        la0 = loadavg()
        res = asyncio.run(_drive(port, paths, args.concurrency, args.duration, extra))
        solo = asyncio.run(_drive(port, paths, 1, min(5.0, args.duration), extra))
        res["single_client_p50_ms"] = solo["p50_ms"]
        res["single_client_p99_ms"] = solo["p99_ms"]
        res["loadavg_before"], res["loadavg_after"] = la0, loadavg()
        results[name] = res
        print(f"{name:<58} {res['rps']:>8} req/s  p50 {res['p50_ms']:>7} ms  p99 {res['p99_ms']:>7} ms  "
              f"(1 client: p50 {solo['p50_ms']} ms, p99 {solo['p99_ms']} ms)  {res['statuses']}  "
              f"{res['mean_body_bytes']} B  load {la0:.1f}→{res['loadavg_after']:.1f}", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=str(HERE / "bench-portal.db"), help="SQLite path or PostgreSQL URL")
    ap.add_argument("--units", type=int, default=10000)
    ap.add_argument("--years", type=int, nargs="+", default=[2021, 2022, 2023])
    ap.add_argument("--batch", type=int, default=100, help="documents per transaction while loading")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes compiling and rendering")
    ap.add_argument("--indexes-during-load", action="store_true", help="keep the cells' indexes while loading")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    ap.add_argument("--copy-from", default=None, help="fill an empty --db from this loaded database (yusuan db copy)")
    ap.add_argument("--load-only", action="store_true", help="load the database (and render its pages) and stop")
    args = ap.parse_args()
    years = tuple(args.years)
    backend = "postgresql" if args.db.startswith("postgres") else "sqlite"
    print(f"== {backend}: {args.units} units × {len(years)} years, {os.cpu_count()} cores, load average {loadavg():.1f}",
          flush=True)
    if args.copy_from:
        info = copy_from(args.copy_from, args.db)
    else:
        info = load(args.db, args.units, years, args.batch, args.jobs, not args.indexes_during_load)
    info.update(prerender_all(args.db, args.jobs))
    if args.load_only:
        return
    store = open_store(args.db, upgrade=False)
    with store.read() as s:
        n_cells = s.scalar(select(func.count()).select_from(Cell))
        codes = list(s.scalars(select(Unit.code).order_by(Unit.code)))
        etags = {f"/units/{code}/{year}": etag for code, year, etag in s.execute(
            text("SELECT u.code, p.year, p.etag FROM pages p JOIN units u ON u.id = p.unit_id "
                 "WHERE p.kind = 'html' AND p.variant = '' AND u.code IN :codes").bindparams(
                __import__("sqlalchemy").bindparam("codes", expanding=True)), {"codes": codes[:200]})}
    store.dispose()
    info.update(cells_in_db=n_cells, units_in_db=len(codes))
    y = years[-1]
    agg = "/api/aggregate?cut=year:{y}|table:expenditure_summary|role:total|code_level:1&drilldown={d}"
    popular = [f"/units/{c}/{y}" for c in codes[:200]]
    scenarios = [
        ("baseline GET /favicon.ico", lambda r: "/favicon.ico"),
        ("unit page /units/{code}/{year}, random of all", lambda r: f"/units/{r.choice(codes)}/{r.choice(years)}"),
        ("unit page, 200 popular unit-years", lambda r: r.choice(popular)),
        ("unit page, 200 popular, revalidated (If-None-Match → 304)", lambda r: r.choice(popular),
         lambda path: f"If-None-Match: {etags[path]}\r\n" if path in etags else ""),
        ("API /api/units/{code}/{year}, random of all", lambda r: f"/api/units/{r.choice(codes)}/{r.choice(years)}"),
        ("aggregate, all units, by department", lambda r: agg.format(y=y, d="department")),
        ("aggregate, all units, by 类", lambda r: agg.format(y=y, d="class")),
        ("aggregate, all units × years, by year|region",
         lambda r: "/api/aggregate?cut=table:expenditure_summary|role:total|code_level:1&drilldown=year|region"),
        ("aggregate, all units, random year × role × level × drilldown",
         lambda r: (f"/api/aggregate?cut=year:{r.choice(years)}|table:expenditure_summary|role:{r.choice(('total', 'basic', 'project'))}"
                    f"|code_level:{r.choice((1, 2, 3))}&drilldown={r.choice(('department', 'class', 'region', 'department|class'))}")),
    ]
    passes = {}
    for label, settings in (("caches on", {}), ("worker caches off", {"aggregate_cache_size": 0})):
        print(f"-- {label}", flush=True)
        server, port = start_server(args.db, args.workers, settings)
        try:
            passes[label] = run_scenarios(port, scenarios if not settings else [scenarios[0]] + scenarios[1:2] + scenarios[4:],
                                          args)
        finally:
            server.terminate()
            server.wait(20)
    out = {"backend": backend, "units": args.units, "years": list(years), "workers": args.workers,
           "concurrency": args.concurrency, "duration_s": args.duration, "cores": os.cpu_count(), **info,
           "results": passes}
    path = HERE / f"results-{backend}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results in {path}")


if __name__ == "__main__":
    main()
