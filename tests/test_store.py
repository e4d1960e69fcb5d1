"""The store on SQLite and on a real PostgreSQL server (``YUSUAN_TEST_PG``; skipped without it).

Each test gets a fresh database of each kind: migrations, tidy cells against the open-data
contract, idempotent and atomic imports (a real ``kill -9`` of ``yusuan ingest``), the
workflow state machine, diffs, aggregation, Chinese search, accounts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from test_store_support import sample_doc, sample_text, sample_total
from yusuan.model.serialize import to_dict
from yusuan.render.opendata import csv_records
from yusuan.store import StoreError, open_store
from yusuan.store import aggregate as agg
from yusuan.store import queries, search, workflow
from yusuan.store.ingest import ingest
from yusuan.store.schema import Base, Cell, Document, FindingRow, SearchGram, Unit, User, Version
from yusuan.store.tidy import tidy_cells
from yusuan.store.users import authenticate, create_user, session_user, start_session

PG = os.environ.get("YUSUAN_TEST_PG")


def _pg_database() -> tuple[str, callable]:
    """A fresh database on the test server; returns its URL and a function that drops it."""
    name = "yusuan_t_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG.rsplit("/", 1)[0] + "/" + name

    def drop():
        with admin.connect() as c:
            c.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    if not PG:
        pytest.skip("YUSUAN_TEST_PG not set (run `eval \"$(scripts/pg.sh start)\"` for the PostgreSQL tests)")
    url, drop = _pg_database()
    yield url
    drop()


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.dispose()


def _ingest(store, status="published", **kw):
    doc, findings = sample_doc(**kw)
    data = sample_text(**kw).encode("utf-8")
    with store.session() as s:
        return ingest(s, doc, findings, data, f"{kw.get('unit_code', '901001')}-{kw.get('year', 2022)}.txt", "text",
                      status=status)


def _count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def _counts(store) -> dict:
    return {m.__tablename__: _count(store, m) for m in (Unit, Document, Version, Cell, FindingRow, SearchGram)}


# -- schema ---------------------------------------------------------------------------


def test_migrations_match_schema(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    assert store.revision() == "0002"
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []
    store.upgrade()  # idempotent
    assert store.revision() == "0002"


# -- tidy cells --------------------------------------------------------------------------


def test_tidy_cells_follow_the_open_data_contract():
    doc, _ = sample_doc()
    tidy = list(tidy_cells(doc))
    assert [c.csv() for c in tidy] == list(csv_records(doc))
    total = next(c for c in tidy if c.table == "expenditure_summary" and c.item == "合计" and c.column_role == "total")
    assert Decimal(total.value) == sample_total()
    assert total.scaled == int(sample_total() * 10000 * 100)  # 万元 → 分, exact
    lvl = {c.code: c.code_level for c in tidy if c.code}
    assert lvl["201"] == 1 and lvl["20103"] == 2 and lvl["2010308"] == 3 and lvl["30101"] == 2


def test_seed_is_stored_cell_for_cell(seed_path, tmp_path):
    import yusuan

    result = yusuan.load(seed_path)
    store = open_store(tmp_path / "seed.db")
    with store.session() as s:
        imp = ingest(s, result.disclosure, result.findings, seed_path.read_bytes(), seed_path.name, "text")
    assert (imp.unit_code, imp.year, imp.cells) == ("542001", 2021, 213)
    with store.read() as s:
        a = agg.aggregate(s, "unit:542001|year:2021|table:expenditure_summary|role:total|code_level:1")
        assert a.summary["amount"] == "451.83"
        stored = s.execute(select(Cell.table_id, Cell.code, Cell.item, Cell.column_header, Cell.value)
                           .order_by(Cell.id)).all()
    expected = [(r[3], r[5] or None, r[6], r[7], r[8]) for r in csv_records(result.disclosure)]
    assert [tuple(x) for x in stored] == expected


# -- import ------------------------------------------------------------------------------


def test_import_is_idempotent(store):
    first = _ingest(store)
    before = _counts(store)
    again = _ingest(store)
    assert first.created and not again.created
    assert again.version_id == first.version_id
    assert _counts(store) == before
    assert before["versions"] == 1 and before["cells"] == first.cells > 50


def test_failed_import_leaves_database_as_before(store):
    _ingest(store)
    before = _counts(store)
    doc, findings = sample_doc(unit_code="901002", unit_name="演示市测试区图书馆本级")
    # a cell too large for a BIGINT: found only after units, document, version and cells
    # of earlier tables were written in this transaction
    t = doc.tables[-1]
    row = t.rows[0]
    key = next(iter(row.cells))
    from dataclasses import replace

    bad_cell = replace(row.cells[key], value=Decimal("1e40"))
    bad = doc.with_(tables=doc.tables[:-1] + (replace(t, rows=(replace(row, cells={**row.cells, key: bad_cell}),) + t.rows[1:]),))
    with pytest.raises(ValueError):
        with store.session() as s:
            ingest(s, bad, findings, b"other bytes", "bad.txt", "text")
    assert _counts(store) == before


def _big_json(path: Path, rows: int) -> None:
    """A disclosure JSON with one very long table, so that writing it takes seconds."""
    doc, _ = sample_doc(unit_code="901009", unit_name="演示市测试区大表单位本级")
    d = to_dict(doc)
    t = next(x for x in d["tables"] if x["id"] == "expenditure_summary")
    proto = t["rows"][2]
    t["rows"] = t["rows"][:1] + [
        {**proto, "seq": str(i), "code": None, "label": f"项目{i}", "item": f"项目{i}"} for i in range(rows)
    ]
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")


def _wait_for_write(db_url: str, proc: subprocess.Popen, deadline: float) -> bool:
    """True once the importer is inside its write transaction (and has not committed)."""
    if "://" not in db_url:
        wal = Path(db_url + "-wal")
        while time.time() < deadline and proc.poll() is None:
            if wal.exists() and wal.stat().st_size > 2_000_000:
                return True
            time.sleep(0.02)
        return False
    eng = create_engine(db_url)
    try:
        while time.time() < deadline and proc.poll() is None:
            with eng.connect() as c:
                # another backend of this database holds a transaction id: it has written, not committed
                n = c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).scalar()
            if n:
                return True
            time.sleep(0.02)
        return False
    finally:
        eng.dispose()


def test_killed_import_leaves_database_as_before(db_url, tmp_path):
    """A real ``kill -9`` of ``yusuan ingest`` in the middle of writing a document."""
    store = open_store(db_url)
    _ingest(store)
    with store.engine.connect() as c:
        if store.is_sqlite:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _counts(store)
    big = tmp_path / "big.json"
    _big_json(big, 15000)
    proc = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "ingest", str(big), "--db", db_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        writing = _wait_for_write(db_url, proc, time.time() + 120)
        assert writing, f"the import never reached its write phase: {proc.stderr.read().decode()[-500:]}"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    store.dispose()
    store = open_store(db_url)
    assert _counts(store) == before
    if store.is_sqlite:
        with store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # and the same import then goes through completely
    done = subprocess.run([sys.executable, "-m", "yusuan.cli", "ingest", str(big), "--db", db_url],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-800:]
    assert _count(store, Version) == before["versions"] + 1
    assert _count(store, Cell) > before["cells"] + 15000
    store.dispose()


def test_ingest_command_summary_and_idempotence(tmp_path):
    files = []
    for year, factor in ((2021, "0.9"), (2022, "1")):
        p = tmp_path / f"doc{year}.txt"
        p.write_text(sample_text(year=year, factor=factor), encoding="utf-8")
        files.append(p)
    (tmp_path / "broken.txt").write_text("", encoding="utf-8")
    db = tmp_path / "cli.db"
    run = lambda: subprocess.run([sys.executable, "-m", "yusuan.cli", "ingest", str(tmp_path), "--db", str(db)],
                                 capture_output=True, text=True, timeout=300)
    first = run()
    assert first.returncode == 2, first.stderr  # the empty file cannot be read
    assert "新增 2 个版本" in first.stderr and "1 个无法入库" in first.stderr and "broken.txt" in first.stderr
    second = run()
    assert "新增 0 个版本" in second.stderr and "2 个已存在" in second.stderr
    store = open_store(db)
    assert _count(store, Version) == 2


# -- workflow ----------------------------------------------------------------------------


def test_correction_is_a_new_version_with_a_diff(store):
    v1 = _ingest(store)
    v2 = _ingest(store, status="draft", factor="1.1")
    assert (v2.number, v2.status, v2.document_id) == (2, "draft", v1.document_id)
    with store.read() as s:
        # the public still sees version 1, and aggregates count only it
        uy = queries.unit_year(s, "901001", 2022)
        assert uy.version.id == v1.version_id
        a = agg.aggregate(s, "unit:901001|table:expenditure_summary|role:total|code_level:1")
        assert Decimal(a.summary["amount"]) == sample_total()
        changes = workflow.diff(s, v1.version_id, v2.version_id)
    assert changes and all(c.old != c.new for c in changes)
    total = next(c for c in changes if c.table == "expenditure_summary" and c.item == "合计" and c.column == "合计")
    assert (Decimal(total.old), Decimal(total.new)) == (sample_total(), sample_total("1.1"))
    with store.session() as s:
        v = s.get(Version, v2.version_id)
        workflow.submit(s, v, None)
        workflow.publish(s, v, None)
    with store.read() as s:
        old, new = s.get(Version, v1.version_id), s.get(Version, v2.version_id)
        assert (old.status, old.is_current, new.status, new.is_current) == ("superseded", False, "published", True)
        assert s.scalar(select(func.count()).select_from(Cell).where(Cell.version_id == old.id, Cell.is_current)) == 0
        a = agg.aggregate(s, "unit:901001|table:expenditure_summary|role:total|code_level:1")
        assert Decimal(a.summary["amount"]) == sample_total("1.1")
        assert [v.number for v in queries.unit_year(s, "901001", 2022).versions] == [1, 2]


def test_published_versions_are_immutable(store):
    v1 = _ingest(store)
    with store.session() as s:
        v = s.get(Version, v1.version_id)
        with pytest.raises(StoreError, match="已发布"):
            workflow.require_editable(v)
        with pytest.raises(StoreError):
            workflow.submit(s, v, None)
        with pytest.raises(StoreError):
            workflow.publish(s, v, None)
    d = _ingest(store, status="draft", factor="1.2")
    with store.session() as s:
        v = s.get(Version, d.version_id)
        with pytest.raises(StoreError):
            workflow.reject(s, v, None)  # only versions in review can be sent back
        workflow.submit(s, v, None)
        workflow.reject(s, v, None, "数字有误")
        assert v.status == "rejected"
        workflow.require_editable(v)  # a rejected draft can be corrected again


# -- aggregation -------------------------------------------------------------------------


def test_aggregate_cut_and_drilldown(store, monkeypatch):
    for code, name, year, factor in (("901001", "演示市测试区档案馆本级", 2021, "0.9"), ("901001", "演示市测试区档案馆本级", 2022, "1"),
                                      ("902001", "演示市测试区图书馆本级", 2022, "2")):
        _ingest(store, unit_code=code, unit_name=name, year=year, factor=factor)
    _ingest(store, status="draft", unit_code="903001", unit_name="演示市测试区文化馆本级", year=2022, factor="5")
    with store.read() as s:
        a = agg.aggregate(s, "table:expenditure_summary|role:total|code_level:1", "year|department", pagesize=100)
        got = {(c["year"], c["department"]): Decimal(c["amount"]) for c in a.cells}
        assert got == {(2021, "901"): sample_total("0.9"), (2022, "901"): sample_total(), (2022, "902"): sample_total("2")}
        assert a.total_cell_count == 3 and a.cells[0]["department_name"].startswith("演示市测试区")
        by_class = agg.aggregate(s, "year:2022|table:expenditure_summary|role:total|code_level:1", "class")
        assert {c["class"]: c["class_name"] for c in by_class.cells}["201"] == "一般公共服务支出"
        assert sum(Decimal(c["amount"]) for c in by_class.cells) == sample_total() + sample_total("2")
        both = agg.aggregate(s, "year:2021;2022|unit:901001|table:three_public_expenses|role:total", "year|item")
        assert {(c["year"], c["item"]) for c in both.cells} >= {(2021, "合计"), (2022, "公务接待费")}
        top = agg.aggregate(s, "year:2022|table:expenditure_summary|role:total|code_level:1", "unit", order="amount:desc")
        assert [c["unit"] for c in top.cells] == ["902001", "901001"]  # the draft unit is not counted
        # all groups read in one pass and the page cut in Python, or (too many groups) a count
        # query and the page by OFFSET/LIMIT: the same answer, summary and count included
        queries = [("table:expenditure_summary|role:total|code_level:1", "year|department", 1, 2, None),
                   ("table:expenditure_summary|role:total|code_level:1", "year|department", 2, 2, None),
                   ("table:expenditure_summary|code_level:3", "code", 2, 3, "amount:desc"),
                   ("year:2022", "table|role", 1, 100, "cells:asc"),
                   ("year:1900", "class", 1, 10, None)]
        one_pass = [agg.aggregate(s, *q).to_json() for q in queries]
        monkeypatch.setattr(agg, "ALL_GROUPS_LIMIT", 0)
        assert [agg.aggregate(s, *q).to_json() for q in queries] == one_pass
        assert one_pass[1]["cells"] and one_pass[1]["cells"] != one_pass[0]["cells"]
        assert one_pass[2]["summary"]["amount"] is not None and one_pass[4]["summary"]["amount"] is None
        for bad in ("nope:1", "year:abc", "year", "table:x|drill:y"):
            with pytest.raises(StoreError):
                agg.aggregate(s, bad, "year")
        with pytest.raises(StoreError):
            agg.aggregate(s, None, "year|nope")
        with pytest.raises(StoreError):
            agg.aggregate(s, None, "year", order="amount; DROP TABLE cells")


def test_aggregate_treats_injection_as_data(store):
    _ingest(store)
    before = _counts(store)
    with store.read() as s:
        for cut in ("unit:' OR '1'='1", "table:x'); DROP TABLE cells; --", "item:%", "code:_"):
            a = agg.aggregate(s, cut, "unit")
            assert a.cells == [] and a.summary["cells"] == 0
    assert _counts(store) == before


# -- search ------------------------------------------------------------------------------


def test_chinese_search(store):
    _ingest(store)
    _ingest(store, unit_code="902001", unit_name="演示市测试区图书馆本级", factor="2")
    with store.read() as s:
        def keys(q):
            return [(h.kind, h.key) for h in search.search(s, q)]

        assert ("unit", "901001") in keys("档案")  # inside a name, no spaces to split on
        assert ("unit", "901001") in keys("测试区档案馆")
        assert ("unit", "902001") not in keys("档案")
        assert ("unit", "901001") in keys("档")  # one character
        assert ("unit", "901001") not in keys("档图")  # both grams exist, not as a substring
        assert ("subject", "2210201") in keys("公积金")
        assert ("subject", "2210201") in keys("2210201")
        assert {("unit", "901001"), ("unit", "902001")} <= set(keys("90"))  # code prefix
        assert ("department", "901") in keys("档案馆")
        assert keys("%") == [] and keys("_") == [] and keys("' OR 1=1 --") == []
        assert keys("") == []


# -- accounts ----------------------------------------------------------------------------


def test_accounts_and_sessions(store):
    _ingest(store)
    with store.session() as s:
        u = create_user(s, "clerk1", "correct horse battery", "clerk", ["901001"])
        with pytest.raises(StoreError):
            create_user(s, "clerk1", "another password", "clerk")
        with pytest.raises(StoreError):
            create_user(s, "x", "short", "clerk")
        with pytest.raises(StoreError):
            create_user(s, "y", "long enough pw", "superuser")
        with pytest.raises(StoreError):
            create_user(s, "z", "long enough pw", "clerk", ["nope"])
    with store.session() as s:
        u = s.scalar(select(User).where(User.username == "clerk1"))
        assert u.password_hash.startswith("$argon2id$") and "correct horse" not in u.password_hash
        assert authenticate(s, "clerk1", "correct horse battery").id == u.id
        assert authenticate(s, "clerk1", "wrong") is None and authenticate(s, "ghost", "x") is None
        token, csrf = start_session(s, u)
    with store.session() as s:
        found = session_user(s, token)
        assert found and found[0].username == "clerk1" and found[1].csrf == csrf
        assert session_user(s, token + "x") is None and session_user(s, None) is None
        from yusuan.store.schema import SessionRow

        assert s.scalar(select(SessionRow.token_hash)) != token  # only the hash is stored


def test_import_rules():
    """store imports only model (ARCHITECTURE.md); web never imports parse directly."""
    import ast

    root = Path(__file__).resolve().parents[1] / "src" / "yusuan"

    def imported(pkg: str) -> set[str]:
        out = set()
        for f in (root / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level:
                    parts = (node.module or "").split(".")
                    depth = len(f.relative_to(root).parts) - 1
                    if node.level > depth:  # reaches above the package: ..x → yusuan.x
                        out.add(parts[0] if parts[0] else "")
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("yusuan."):
                    out.add(node.module.split(".")[1])
                elif isinstance(node, ast.Import):
                    out |= {a.name.split(".")[1] for a in node.names if a.name.startswith("yusuan.")}
        return out - {pkg}

    assert imported("store") <= {"model"}, imported("store")
    assert "parse" not in imported("web"), imported("web")


# -- copying a store ----------------------------------------------------------------------


def _dump(store) -> dict:
    out = {}
    with store.engine.connect() as c:
        for t in Base.metadata.sorted_tables:
            rows = c.execute(select(*t.columns).order_by(*t.primary_key.columns)).all()
            out[t.name] = [tuple(bool(v) if isinstance(v, bool) else v for v in r) for r in rows]
    return out


def test_copy_store_to_the_other_backend(store, tmp_path):
    """``yusuan db copy``: every table row for row, into an empty store of the other backend
    when there is a PostgreSQL server (else another SQLite file); the copy then works on its
    own (ids continue after the copied ones) and refuses a target that holds data."""
    from yusuan.store.transfer import copy_store

    _ingest(store, factor="1")
    _ingest(store, unit_code="902001", unit_name="演示市测试区图书馆本级", factor="2")
    _ingest(store, status="draft", unit_code="901001", year=2022, factor="1.5")
    with store.session() as s:
        create_user(s, "clerk1", "pw-123456789", "clerk", ["901001"])
    drop = None
    if store.is_sqlite and PG:
        target_url, drop = _pg_database()
    else:
        target_url = str(tmp_path / "copy.db")
    target = open_store(target_url)
    try:
        copied = copy_store(store, target)
        assert copied.tables["cells"] == _count(store, Cell) > 0 and copied.tables["versions"] == 3
        assert _dump(target) == _dump(store)
        with store.read() as a, target.read() as b:
            q = ("table:expenditure_summary|role:total|code_level:1", "year|department")
            assert agg.aggregate(a, *q).to_json() == agg.aggregate(b, *q).to_json()
        # the copy is a store of its own: new rows get new ids
        d = _ingest(target, unit_code="903001", unit_name="演示市测试区文化馆本级", factor="3")
        assert d.version_id > max(r[0] for r in _dump(store)["versions"])
        before = _dump(target)
        with pytest.raises(StoreError):
            copy_store(store, target)
        assert _dump(target) == before
    finally:
        target.dispose()
        if drop:
            drop()


def test_public_lookup_survives_a_server_restart(store):
    """The public hot path reads stored pages on the event loop (web.cache._lookup; on
    PostgreSQL through PageReader's own connections, without pre-ping): a connection the
    server has closed meanwhile is dropped and the statement asked again, not a 500."""
    import asyncio
    from types import SimpleNamespace

    from yusuan.store import pages
    from yusuan.web.cache import PageReader, _lookup

    _ingest(store)
    with store.read() as s:
        uid = s.scalar(select(Unit.id).where(Unit.code == "901001"))
        gen = s.scalar(select(Unit.generation).where(Unit.id == uid))
    with store.engine.begin() as conn:
        pages.put_page(conn, uid, 2022, "html", "", gen, "r1", 'W/"x"', "identity", b"<p>stored</p>")
    app = SimpleNamespace(state=SimpleNamespace(store=store, page_reader=None if store.is_sqlite else PageReader(store.url)))
    request = SimpleNamespace(app=app, headers={})

    async def scenario():
        st, entry = await _lookup(request, "html", "901001", 2022, "", "r1")
        assert st.unit_id == uid and entry.body == b"<p>stored</p>"
        assert (await _lookup(request, "html", "901001", 2022, "", "other renderer"))[1] is None  # stale
        assert await _lookup(request, "html", "nope", 2022, "", "r1") == (None, None)
        if store.is_sqlite:
            return
        # several idle connections in the reader's pool when the server drops them all
        await asyncio.gather(*(_lookup(request, "html", "901001", 2022, "", "r1") for _ in range(8)))
        assert len(app.state.page_reader.idle) >= 2
        with store.engine.connect() as c:  # the server drops every other connection (as on a restart)
            c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        st, entry = await _lookup(request, "html", "901001", 2022, "", "r1")
        assert entry.body == b"<p>stored</p>"
        # many at once share the reader's few connections
        got = await asyncio.gather(*(_lookup(request, "html", "901001", 2022, "", "r1") for _ in range(20)))
        assert all(e.body == b"<p>stored</p>" for _, e in got) and len(app.state.page_reader.idle) <= 6
        kept = list(app.state.page_reader.idle)
        await app.state.page_reader.close()  # what the application's shutdown does
        assert kept and all(c.closed for c in kept) and not app.state.page_reader.idle

    asyncio.run(scenario())
