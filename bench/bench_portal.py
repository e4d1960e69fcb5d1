"""Portal throughput and latency with many units: unit pages and /api/aggregate.

    .venv/bin/python bench/bench_portal.py                       # 10,000 units × 3 years, SQLite
    .venv/bin/python bench/bench_portal.py --db postgresql+psycopg://postgres@127.0.0.1:54329/yusuan_bench
    .venv/bin/python bench/bench_portal.py --units 500 --duration 5   # a quick look

Loads ``--units`` fictional units × ``--years`` (compiled by our compile, see synth.py)
into the database unless it already holds them, starts ``yusuan serve`` with
``--workers`` processes, and drives it on loopback with ``--concurrency`` keep-alive
clients for ``--duration`` seconds per scenario.  Each scenario prints requests/s, p50 and
p99 next to the baseline measured in the same run: ``GET /favicon.ico`` (the framework
without any database work).  Results also go to ``bench/results-<backend>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
from yusuan.store.ingest import ingest  # noqa: E402
from yusuan.store.schema import Cell, Unit, Version  # noqa: E402


def ensure_pg_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    base, name = url.rsplit("/", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def load(url: str, count: int, years: tuple[int, ...], n_templates: int, batch: int) -> dict:
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
    t0 = time.perf_counter()
    compiled = synth.templates(n_templates, years)
    t_compile = time.perf_counter() - t0
    print(f"compiled {len(compiled)} template documents in {t_compile:.1f} s", flush=True)
    t1 = time.perf_counter()
    done = cells = 0
    pending = []

    def flush():
        nonlocal cells
        with store.session() as s:
            for code, doc in pending:
                imp = ingest(s, doc, [], f"bench {code} {doc.year}".encode(), f"bench/{code}-{doc.year}", "compile")
                cells += imp.cells
        pending.clear()

    for k, code, doc in synth.units(count, years, compiled):
        pending.append((code, doc))
        if len(pending) >= batch:
            flush()
            done += batch
            if done % (batch * 20) == 0:
                el = time.perf_counter() - t1
                print(f"  {done} documents, {cells} cells, {el:.0f} s ({done / el:.0f} docs/s)", flush=True)
    if pending:
        done += len(pending)
        flush()
    el = time.perf_counter() - t1
    if store.is_sqlite:
        with store.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            c.exec_driver_sql("ANALYZE")
    else:
        with store.engine.connect() as c:
            c.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    store.dispose()
    print(f"loaded {done} documents, {cells} cells in {el:.0f} s ({cells / el:.0f} cells/s)", flush=True)
    return {"loaded": True, "documents": done, "cells": cells, "load_seconds": round(el, 1), "compile_seconds": round(t_compile, 1)}


# -- a small keep-alive HTTP/1.1 load generator (asyncio streams; light on CPU) -------------------


async def _request(reader, writer, path: str) -> tuple[int, int]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: text/html\r\n\r\n".encode())
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
        chunk = await reader.readexactly(n + 2)
        size += n
        if n == 0:
            return status, size


async def _drive(port: int, paths, concurrency: int, duration: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + duration
    rnd = random.Random(1)

    async def client():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                path = paths(rnd)
                t = time.perf_counter()
                status, _ = await _request(reader, writer, path)
                latencies.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    latencies.sort()

    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1) if latencies else None

    return {"requests": len(latencies), "rps": round(len(latencies) / wall, 1), "p50_ms": pct(50), "p99_ms": pct(99),
            "max_ms": round(1000 * latencies[-1], 1) if latencies else None, "statuses": statuses}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=str(HERE / "bench-portal.db"), help="SQLite path or PostgreSQL URL")
    ap.add_argument("--units", type=int, default=10000)
    ap.add_argument("--years", type=int, nargs="+", default=[2021, 2022, 2023])
    ap.add_argument("--templates", type=int, default=60, help="distinct compiled documents per year")
    ap.add_argument("--batch", type=int, default=50, help="documents per transaction while loading")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    ap.add_argument("--load-only", action="store_true", help="load the database and stop")
    args = ap.parse_args()
    years = tuple(args.years)
    backend = "postgresql" if args.db.startswith("postgres") else "sqlite"
    print(f"== {backend}: {args.units} units × {len(years)} years, {os.cpu_count()} cores", flush=True)
    info = load(args.db, args.units, years, args.templates, args.batch)
    if args.load_only:
        return
    store = open_store(args.db, upgrade=False)
    with store.read() as s:
        n_cells = s.scalar(select(func.count()).select_from(Cell))
        codes = list(s.scalars(select(Unit.code).order_by(Unit.code)))
    store.dispose()
    info.update(cells_in_db=n_cells, units_in_db=len(codes))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "serve", "--db", args.db, "--port", str(port),
                               "--workers", str(args.workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit("server exited: " + server.stderr.read().decode()[-2000:])
                if time.time() > deadline:
                    raise SystemExit("server did not start within 300 s")
                time.sleep(0.3)
        y = years[-1]
        agg = "/api/aggregate?cut=year:{y}|table:expenditure_summary|role:total|code_level:1&drilldown={d}"
        scenarios = [
            ("baseline GET /favicon.ico", lambda r: "/favicon.ico"),
            ("unit page /units/{code}/{year}, random of all", lambda r: f"/units/{r.choice(codes)}/{r.choice(years)}"),
            ("unit page, 200 popular unit-years (page cache)", lambda r: f"/units/{r.choice(codes[:200])}/{years[-1]}"),
            ("API /api/units/{code}/{year}", lambda r: f"/api/units/{r.choice(codes)}/{r.choice(years)}"),
            ("aggregate, all units, by department", lambda r: agg.format(y=y, d="department")),
            ("aggregate, all units, by 类", lambda r: agg.format(y=y, d="class")),
            ("aggregate, all units × years, by year|region",
             lambda r: "/api/aggregate?cut=table:expenditure_summary|role:total|code_level:1&drilldown=year|region"),
        ]
        # warm up (imports, caches) before measuring
        asyncio.run(_drive(port, scenarios[1][1], 4, 2))
        results = {}
        for name, paths in scenarios:
            res = asyncio.run(_drive(port, paths, args.concurrency, args.duration))
            solo = asyncio.run(_drive(port, paths, 1, min(5.0, args.duration)))
            res["single_client_p50_ms"] = solo["p50_ms"]
            res["single_client_p99_ms"] = solo["p99_ms"]
            results[name] = res
            print(f"{name:<48} {res['rps']:>8} req/s  p50 {res['p50_ms']:>7} ms  p99 {res['p99_ms']:>7} ms  "
                  f"(1 client: p50 {solo['p50_ms']} ms, p99 {solo['p99_ms']} ms)  {res['statuses']}", flush=True)
    finally:
        server.terminate()
        server.wait(20)
    out = {"backend": backend, "units": args.units, "years": list(years), "workers": args.workers,
           "concurrency": args.concurrency, "duration_s": args.duration, "cores": os.cpu_count(), **info, "results": results}
    path = HERE / f"results-{backend}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results in {path}")


if __name__ == "__main__":
    main()
