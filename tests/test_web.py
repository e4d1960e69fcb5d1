"""The portal in-process (Starlette's test client over the ASGI app) and `yusuan serve --demo`.

Pages and API on a store of hand-written disclosures (two units, two years), the demo built
from the shipped example (unit 542001, 2021, total 451.83), uploads and their limits, the
upload → check → review → publish workflow with a correction and its diff.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from test_store_support import sample_doc, sample_text, sample_total
from yusuan.store import open_store
from yusuan.store.ingest import ingest
from yusuan.store.users import create_user
from yusuan.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORDS = {"clerk": "clerk-password-1", "clerk2": "clerk2-password-1", "reviewer": "reviewer-password-1",
             "admin": "admin-password-1"}
UNITS = (("901001", "演示市测试区档案馆本级"), ("902001", "演示市测试区图书馆本级"))


def make_store(path: Path, url: str | None = None):
    store = open_store(url or path / "web.db")
    for (code, name), factor in zip(UNITS, ("1", "2")):
        for year, f in ((2021, str(Decimal(factor) * Decimal("0.9"))), (2022, factor)):
            doc, findings = sample_doc(unit_code=code, unit_name=name, year=year, factor=f)
            with store.session() as s:
                ingest(s, doc, findings, sample_text(unit_code=code, unit_name=name, year=year, factor=f).encode(),
                       f"{code}-{year}.txt", "text")
    with store.session() as s:
        create_user(s, "clerk", PASSWORDS["clerk"], "clerk", ["901001"])
        create_user(s, "clerk2", PASSWORDS["clerk2"], "clerk", ["902001"])
        create_user(s, "reviewer", PASSWORDS["reviewer"], "reviewer")
        create_user(s, "admin", PASSWORDS["admin"], "admin")
    return store


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    yield s
    s.dispose()


@pytest.fixture
def client(store):
    return TestClient(create_app(store, Settings(parse_timeout=60)), raise_server_exceptions=False)


def login(client: TestClient, user: str) -> str:
    """Log in through the form; returns the session's CSRF token (from a page's form)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"username": user, "password": PASSWORDS[user], "csrf_token": token, "next": "/workspace"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/workspace", r.text
    ws = client.get("/workspace")
    assert ws.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', ws.text).group(1)


def upload(client: TestClient, csrf: str, text: str, name: str = "new.txt"):
    return client.post("/api/documents", files={"file": (name, text.encode("utf-8"), "text/plain")},
                       headers={"X-CSRF-Token": csrf})


# -- public pages ----------------------------------------------------------------------


def test_home_search_and_lists(client):
    home = client.get("/")
    assert home.status_code == 200
    assert "演示市测试区档案馆本级" in home.text and "演示市测试区" in home.text
    assert f"{sample_total('2'):,}".rstrip("0").rstrip(".") in home.text  # latest disclosures show their totals
    hits = client.get("/search", params={"q": "档案"})
    assert hits.status_code == 200 and "/units/901001" in hits.text and "/units/902001" not in hits.text
    assert "住房公积金" in client.get("/search", params={"q": "公积金"}).text
    units = client.get("/units")
    assert units.status_code == 200 and "902001" in units.text
    r = client.get("/units/901001", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/units/901001/2022"


def test_unit_year_page(client):
    r = client.get("/units/901001/2022")
    assert r.status_code == 200
    html = r.text
    assert "演示市测试区档案馆本级" in html and str(sample_total()) in html
    for title in ("单位预算收支总表", "单位预算支出总表", "单位预算一般公共预算财政拨款基本支出表", "“三公”经费支出表"):
        assert title in html
    assert "情况说明" in html and "负责本区档案工作" in html  # the narrative
    assert 'id="data-functional"' in html and 'id="data-economic"' in html and 'id="data-three"' in html
    tree = json.loads(re.search(r'<script type="application/json" id="data-functional">(.*?)</script>', html, re.S).group(1))
    assert [n["code"] for n in tree["data"]] == ["201", "208", "221"]
    assert tree["data"][0]["children"][0]["children"][0]["code"] == "2010308"  # 类 → 款 → 项
    three = json.loads(re.search(r'id="data-three">(.*?)</script>', html, re.S).group(1))
    assert three["years"] == [2021, 2022]
    # year-over-year comparison with differences
    assert 'id="yoy"' in html and "2021 → 2022" in html
    diff = sample_total() - sample_total("0.9")
    assert str(diff) in html
    assert "/static/vendor/echarts.min.js" in html and "cdn" not in html.lower()
    assert client.get("/static/vendor/echarts.min.js").status_code == 200
    assert client.get("/units/901001/1999").status_code == 404
    assert client.get("/units/nope/2022").status_code == 404


def test_department_and_region_views(client):
    d = client.get("/departments/901")
    assert d.status_code == 200 and "单位比较" in d.text and "2021" in d.text and str(sample_total()) in d.text
    r = client.get("/regions/演示市测试区")
    assert r.status_code == 200 and "/units/902001" in r.text and "/departments/902" in r.text
    assert client.get("/departments/nope").status_code == 404


def test_downloads(client):
    j = client.get("/units/901001/2022.json")
    assert j.status_code == 200 and j.json()["format"] == "yusuan.disclosure/1" and j.json()["year"] == 2022
    c = client.get("/units/901001/2022.csv")
    assert c.status_code == 200 and "unit_code,unit_name,year,table,row,code,item,column,value,amount_unit" in c.text
    assert "attachment" in c.headers["content-disposition"]
    x = client.get("/units/901001/2022.xlsx")
    assert x.status_code in (200, 501)
    if x.status_code == 200:
        assert x.content[:2] == b"PK"
    assert client.get("/units/901001/2022.exe").status_code == 404


# -- API ---------------------------------------------------------------------------------


def test_api(client):
    units = client.get("/api/units").json()
    assert units["total"] == 2 and units["units"][0]["years"] == [2021, 2022]
    uy = client.get("/api/units/901001/2022").json()
    assert uy["unit"]["code"] == "901001" and uy["version"]["status"] == "published"
    assert uy["disclosure"]["format"] == "yusuan.disclosure/1" and isinstance(uy["findings"], list)
    agg = client.get("/api/aggregate", params={"cut": "table:expenditure_summary|role:total|code_level:1",
                                               "drilldown": "year|unit"}).json()
    got = {(c["year"], c["unit"]): Decimal(c["amount"]) for c in agg["cells"]}
    assert got[(2022, "902001")] == sample_total("2") and got[(2021, "901001")] == sample_total("0.9")
    assert agg["amount_unit"] == "万元"
    hits = client.get("/api/search", params={"q": "图书"}).json()["hits"]
    assert hits[0]["key"] == "902001" and hits[0]["url"] == "/units/902001"
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/units", "/api/units/{unit_code}/{year}", "/api/aggregate", "/api/documents"):
        assert path in spec["paths"]
    assert client.get("/api").status_code == 200


def test_one_error_shape(client):
    for url, status in (("/api/units/nope/2022", 404), ("/api/aggregate?cut=nope:1", 400), ("/api/units/901001/abc", 422),
                        ("/api/nothing", 404), ("/api/versions/999", 404)):
        r = client.get(url)
        assert r.status_code == status, url
        body = r.json()
        assert set(body) == {"error"} and {"status", "code", "message"} <= set(body["error"])
        assert body["error"]["status"] == status and body["error"]["message"]
    r = client.post("/api/documents", files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


# -- workflow ----------------------------------------------------------------------------


def test_upload_review_publish_and_correction(client):
    csrf = login(client, "clerk")
    r = upload(client, csrf, sample_text(year=2022, factor="1.1"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] and body["version"]["status"] == "draft" and body["version"]["number"] == 2
    vid = body["version"]["id"]
    again = upload(client, csrf, sample_text(year=2022, factor="1.1"))
    assert again.status_code == 200 and again.json()["version"]["id"] == vid and not again.json()["created"]
    page = client.get(f"/versions/{vid}")
    assert page.status_code == 200 and "审核发现" in page.text and "与第 1 版相比" in page.text
    assert str(sample_total("1.1")) in page.text  # the diff shows the new total
    # the public does not see the draft
    public = TestClient(client.app)
    assert public.get("/units/901001/2022").text.count(str(sample_total("1.1"))) == 0
    assert public.get(f"/versions/{vid}", headers={"accept": "application/json"}).status_code == 401
    # the clerk corrects a cell of the draft; the draft is re-checked
    info = client.get(f"/api/units/901001/2022?version=2").json()
    t_index = next(i for i, t in enumerate(info["disclosure"]["tables"]) if t["id"] == "expenditure_summary")
    r = client.post(f"/versions/{vid}/cells", data={"csrf_token": csrf, "table_index": t_index, "row_index": 0,
                                                     "column_key": "total", "value": "1"}, follow_redirects=False)
    assert r.status_code == 303
    after = client.get(f"/api/units/901001/2022?version=2").json()
    assert after["version"]["errors"] > 0 and any(f["table"] == "expenditure_summary" for f in after["findings"])
    r = client.post(f"/versions/{vid}/cells", data={"csrf_token": csrf, "table_index": t_index, "row_index": 0,
                                                     "column_key": "total", "value": str(sample_total("1.1"))},
                    follow_redirects=False)
    assert client.get(f"/api/versions/{vid}").json()["errors"] == 0
    assert client.post(f"/api/versions/{vid}/submit", headers={"X-CSRF-Token": csrf}).json()["status"] == "review"
    assert client.post(f"/api/versions/{vid}/publish", headers={"X-CSRF-Token": csrf}).status_code == 403
    client.cookies.clear()
    csrf = login(client, "reviewer")
    assert vid and f"/versions/{vid}" in client.get("/workspace").text  # in the review queue
    r = client.post(f"/versions/{vid}/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    pub = public.get("/units/901001/2022")
    assert str(sample_total("1.1")) in pub.text and "第 2 版" in pub.text
    assert public.get("/api/units/901001/2022").json()["version"]["number"] == 2
    old = public.get("/api/units/901001/2022?version=1").json()["version"]
    assert old["status"] == "superseded" and not old["current"]
    # every change is in the audit log
    client.cookies.clear()
    login(client, "admin")
    log = client.get("/admin").text
    for action in ("upload", "edit", "submit", "publish", "login"):
        assert f"<td>{action}</td>" in log


def test_upload_limits(store):
    app = create_app(store, Settings(max_upload_bytes=200_000, max_pages=1, parse_timeout=60))
    client = TestClient(app, raise_server_exceptions=False)
    csrf = login(client, "clerk")
    big = upload(client, csrf, "x" * 300_000)
    assert big.status_code == 413 and big.json()["error"]["code"] == "upload-too-large" and "MB" in big.json()["error"]["message"]
    exe = client.post("/api/documents", files={"file": ("a.exe", b"MZ\x90\x00", "application/octet-stream")},
                      headers={"X-CSRF-Token": csrf})
    assert exe.status_code == 415 and "不支持的文件类型" in exe.json()["error"]["message"]
    fake_pdf = client.post("/api/documents", files={"file": ("a.pdf", b"hello, not a pdf", "application/pdf")},
                           headers={"X-CSRF-Token": csrf})
    assert fake_pdf.status_code == 415
    zipped = client.post("/api/documents", files={"file": ("a.json", b"PK\x03\x04 zip", "application/json")},
                         headers={"X-CSRF-Token": csrf})
    assert zipped.status_code == 415
    empty = upload(client, csrf, "")
    assert empty.status_code == 422
    nonsense = upload(client, csrf, "今天天气很好。\n只是一段文字。\n")
    assert nonsense.status_code == 422 and nonsense.json()["error"]["code"] == "not-a-disclosure"
    no_year = upload(client, csrf, "单位预算信息公开\n没有年度，也没有表格。\n")
    assert no_year.status_code == 422 and "年度" in no_year.json()["error"]["message"]
    pages = upload(client, csrf, sample_text())
    assert pages.status_code == 413 and "页数上限" in pages.json()["error"]["message"]
    slow_app = create_app(store, Settings(parse_timeout=0.01))
    slow = TestClient(slow_app, raise_server_exceptions=False)
    csrf = login(slow, "clerk")
    timed = upload(slow, csrf, sample_text() + ("\n说明文字。" * 20000))
    assert timed.status_code == 422 and timed.json()["error"]["code"] == "upload-timeout", timed.text


# -- the demo ----------------------------------------------------------------------------


def test_demo_database_has_the_example(tmp_path):
    from yusuan.web.demo import build_demo, find_examples

    examples = find_examples()
    if not any(e.name == "luquan-xinfang-2021" for e in examples):
        pytest.skip("examples/luquan-xinfang-2021 not found")
    store, rep = build_demo(tmp_path / "demo")
    assert not rep.problems and "542001/2021" in rep.units
    client = TestClient(create_app(store))
    home = client.get("/")
    assert home.status_code == 200 and "451.83" in home.text
    page = client.get("/units/542001/2021")
    assert page.status_code == 200 and "451.83" in page.text and "279.12" in page.text and "172.71" in page.text
    assert client.get("/api/units/542001/2021").json()["version"]["status"] == "published"
    # the fictional units: three years each, departments of three units, all checked clean
    unit = client.get("/api/units/901001").json()
    assert unit["years"] == [2019, 2020, 2021] and unit["department_name"] == "示例市信访局"
    dept = client.get("/api/aggregate?cut=department:901&drilldown=unit").json()
    assert [c["unit"] for c in dept["cells"]] == ["901001", "901002", "901003"]
    page = client.get("/units/901001/2021")
    assert page.status_code == 200 and "比2020年" in page.text and "演示数据" in page.text
    with store.read() as s:
        from yusuan.store.schema import FindingRow

        assert not s.query(FindingRow).filter(FindingRow.severity == "error").count()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_demo_command(tmp_path):
    """The README's first command, for real: ``yusuan serve --demo`` answers / and the unit page."""
    from yusuan.web.demo import find_examples

    if not find_examples():
        pytest.skip("no examples to build the demo from")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "serve", "--demo", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    home = r.read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError(proc.stderr.read().decode()[-1000:]) from None
                time.sleep(0.3)
        assert "451.83" in home
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/units/542001/2021", timeout=10) as r:
            assert r.status == 200 and "451.83" in r.read().decode()
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_client(request, tmp_path):
    """A client of the portal on SQLite and on the PostgreSQL test server (``YUSUAN_TEST_PG``)."""
    drop = None
    if request.param == "sqlite":
        store = make_store(tmp_path)
    else:
        from test_store import PG, _pg_database

        if not PG:
            pytest.skip("YUSUAN_TEST_PG not set (run `eval \"$(scripts/pg.sh start)\"` for the PostgreSQL tests)")
        url, drop = _pg_database()
        store = make_store(tmp_path, url)
    yield TestClient(create_app(store, Settings(parse_timeout=60)), raise_server_exceptions=False)
    store.dispose()
    if drop:
        drop()


def test_stored_public_pages_and_revalidation(any_client, monkeypatch):
    """The public unit page and API document are stored once and then answered ahead of the
    router (web.cache.StoredPages): the same bytes and headers as the route gives, ETag
    revalidation, gzip, security headers; anything personal goes to the route."""
    from yusuan.web import api, pages

    client = any_client

    with_cookie = TestClient(client.app)
    with_cookie.cookies.set("unrelated", "1")  # any cookie: the route answers
    for path in ("/units/901001/2022", "/api/units/901001/2022"):
        first = client.get(path)  # rendered by the route, stored
        with monkeypatch.context() as m:  # the routes' stored-page path is not used now
            for mod in (api, pages):
                m.setattr(mod, "cached", lambda *a, **k: (_ for _ in ()).throw(AssertionError("route used")))
            fast = client.get(path)  # served from the store ahead of the router
        assert first.status_code == fast.status_code == 200
        assert fast.content == first.content and fast.headers["etag"] == first.headers["etag"]
        via_route = with_cookie.get(path)
        assert via_route.content == fast.content and via_route.headers["etag"] == fast.headers["etag"]
        for h in ("content-type", "cache-control", "vary", "last-modified", "content-security-policy", "x-frame-options"):
            assert fast.headers[h] == via_route.headers[h], h
        assert fast.headers["content-encoding"] == "gzip"  # TestClient asks for gzip
        plain = client.get(path, headers={"accept-encoding": "identity"})
        assert plain.content == fast.content and "content-encoding" not in plain.headers
        again = client.get(path, headers={"if-none-match": fast.headers["etag"]})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == fast.headers["etag"]
        assert client.get(path, headers={"if-none-match": 'W/"other"'}).status_code == 200
    assert client.get("/units/nope/2022").status_code == 404
    assert client.get("/api/units/901001/0000").status_code == 422


def test_page_reader_connections_closed_at_shutdown(any_client):
    """On PostgreSQL the public hot path keeps a few connections of its own (web.cache.PageReader);
    the application's shutdown closes them instead of leaving them to the garbage collector."""
    app = any_client.app
    with TestClient(app) as client:  # one event loop for the whole life of the application
        for _ in range(2):
            assert client.get("/units/901001/2022").status_code == 200
        reader = app.state.page_reader
        if reader is None:  # SQLite: read on the event loop, no connections of the portal's own
            assert app.state.store.is_sqlite
            return
        kept = list(reader.idle)
        assert kept  # the stored-page lookup went through the reader
    assert all(c.closed for c in kept) and not reader.idle
