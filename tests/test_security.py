"""Security: the role matrix, CSRF, sessions, HTML/script in uploaded text, SQL injection,
and schemathesis over the OpenAPI document without a single 500.
"""

from __future__ import annotations

import re
import warnings

import pytest
from sqlalchemy import func, select

from test_store_support import sample_text
from test_web import PASSWORDS, login, make_store, upload
from yusuan.store.schema import Cell, User, Version
from yusuan.web import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = make_store(tmp_path_factory.mktemp("security"))
    yield s
    s.dispose()


@pytest.fixture
def app(store):
    return create_app(store, Settings())


def client_for(app, user: str | None):
    c = TestClient(app, raise_server_exceptions=False)
    csrf = login(c, user) if user else ""
    return c, csrf


def _draft(app, unit_code: str = "901001", factor: str = "3.3", year: int = 2023) -> int:
    """A fresh draft of ``unit_code`` uploaded by its clerk."""
    user = "clerk" if unit_code == "901001" else "clerk2"
    name = "演示市测试区档案馆本级" if unit_code == "901001" else "演示市测试区图书馆本级"
    c, csrf = client_for(app, user)
    r = upload(c, csrf, sample_text(unit_code=unit_code, unit_name=name, year=year, factor=factor))
    assert r.status_code in (200, 201), r.text
    return r.json()["version"]["id"]


# -- the role matrix ------------------------------------------------------------------------

ROLES = (None, "clerk", "clerk2", "reviewer", "admin")


def _f(base: int, user: str | None) -> str:
    """A factor unique to the test and the user, so each upload is new content."""
    return f"{base}.{ROLES.index(user) + 1}3"


@pytest.mark.parametrize("user,expected", [(None, 401), ("clerk", 201), ("clerk2", 403), ("reviewer", 403), ("admin", 403)])
def test_who_may_upload_for_unit_901001(app, user, expected):
    c, csrf = client_for(app, user)
    r = upload(c, csrf, sample_text(year=2024, factor=_f(1, user)))
    assert r.status_code == expected, r.text
    if expected != 201:
        assert r.json()["error"]["message"]


@pytest.mark.parametrize("user,read,submit", [(None, 401, 401), ("clerk", 200, 200), ("clerk2", 403, 403),
                                               ("reviewer", 200, 403), ("admin", 200, 403)])
def test_who_may_read_and_submit_a_draft(app, user, read, submit):
    vid = _draft(app, factor=_f(2, user))
    c, csrf = client_for(app, user)
    assert c.get(f"/api/versions/{vid}").status_code == read
    assert c.get(f"/versions/{vid}", follow_redirects=False).status_code == (303 if read == 401 else read)
    assert c.post(f"/api/versions/{vid}/submit", headers={"X-CSRF-Token": csrf}).status_code == submit


@pytest.mark.parametrize("user,expected", [(None, 401), ("clerk", 403), ("clerk2", 403), ("reviewer", 200), ("admin", 403)])
def test_who_may_publish(app, user, expected):
    vid = _draft(app, factor=_f(4, user))
    owner, csrf_owner = client_for(app, "clerk")
    assert owner.post(f"/api/versions/{vid}/submit", headers={"X-CSRF-Token": csrf_owner}).status_code == 200
    c, csrf = client_for(app, user)
    r = c.post(f"/api/versions/{vid}/publish", headers={"X-CSRF-Token": csrf})
    assert r.status_code == expected
    if expected == 200:
        assert r.json()["status"] == "published"
        # published versions are immutable: no edit, no second publish
        owner2, csrf2 = client_for(app, "clerk")
        e = owner2.post(f"/versions/{vid}/cells", data={"csrf_token": csrf2, "table_index": 0, "row_index": 0,
                                                         "column_key": "income.amount", "value": "1"},
                        headers={"accept": "application/json"})
        assert e.status_code == 409 and "已发布" in e.json()["error"]["message"]
        assert c.post(f"/api/versions/{vid}/publish", headers={"X-CSRF-Token": csrf}).status_code == 409


@pytest.mark.parametrize("user,expected", [(None, 303), ("clerk", 403), ("reviewer", 403), ("admin", 200)])
def test_who_may_manage_users(app, user, expected):
    c, csrf = client_for(app, user)
    assert c.get("/admin", follow_redirects=False).status_code == expected
    r = c.post("/admin/users", data={"csrf_token": csrf, "username": f"new-{user}", "password": "long enough pw",
                                     "role": "admin"}, follow_redirects=False)
    assert r.status_code == (303 if expected in (200, 303) else expected)
    with app.state.store.read() as s:
        made = s.scalar(select(func.count()).select_from(User).where(User.username == f"new-{user}"))
    assert made == (1 if user == "admin" else 0)


def test_clerk_cannot_edit_another_units_draft(app):
    vid = _draft(app, unit_code="902001", factor="5.5")
    c, csrf = client_for(app, "clerk")
    r = c.post(f"/versions/{vid}/cells", data={"csrf_token": csrf, "table_index": 0, "row_index": 0,
                                                "column_key": "income.amount", "value": "1"},
               headers={"accept": "application/json"})
    assert r.status_code == 403


def test_public_sees_only_published_versions(app):
    vid = _draft(app, factor="6.1", year=2025)
    public = TestClient(app)
    assert public.get("/units/901001/2025").status_code == 404
    assert public.get("/api/units/901001/2025").status_code == 404
    assert public.get("/units/901001/2025.json").status_code == 404
    assert public.get("/units/901001/2025?version=1").status_code == 404
    assert "2025" not in public.get("/api/units/901001").json()["years"]
    agg = public.get("/api/aggregate", params={"cut": "year:2025", "drilldown": "unit"}).json()
    assert agg["cells"] == []
    reviewer, _ = client_for(app, "reviewer")
    assert reviewer.get("/units/901001/2025").status_code == 200  # staff may look at drafts
    assert reviewer.get(f"/versions/{vid}").status_code == 200


# -- CSRF and sessions -----------------------------------------------------------------------


def test_csrf_is_required_with_the_session_cookie(app):
    c, csrf = client_for(app, "clerk")
    text = sample_text(year=2026, factor="7.7")
    for headers in ({}, {"X-CSRF-Token": "wrong"}, {"X-CSRF-Token": ""}):
        r = c.post("/api/documents", files={"file": ("a.txt", text.encode(), "text/plain")}, headers=headers)
        assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    assert c.post("/logout", data={"csrf_token": "wrong"}, headers={"accept": "application/json"}).status_code == 403
    # a login form posted from elsewhere (no login CSRF cookie) does not log in
    other = TestClient(app)
    r = other.post("/login", data={"username": "clerk", "password": PASSWORDS["clerk"], "csrf_token": "x"},
                   follow_redirects=False)
    assert r.status_code == 303 and "error" in r.headers["location"] and "yusuan_session" not in r.cookies


def test_session_cookie_and_logout(app):
    c = TestClient(app)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": "clerk", "password": PASSWORDS["clerk"], "csrf_token": token},
               follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "yusuan_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    bad = TestClient(app, cookies={"yusuan_login_csrf": token}).post(
        "/login", data={"username": "clerk", "password": "wrong", "csrf_token": token}, follow_redirects=False)
    assert "error" in bad.headers["location"]
    ws = c.get("/workspace")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', ws.text).group(1)
    stolen = c.cookies.get("yusuan_session")
    assert c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"yusuan_session": stolen})
    assert replay.get("/workspace", follow_redirects=False).status_code == 303  # the session is gone on the server


def test_basic_auth_for_scripts(app):
    import base64

    c = TestClient(app)
    good = base64.b64encode(f"clerk:{PASSWORDS['clerk']}".encode()).decode()
    r = c.post("/api/documents", files={"file": ("b.txt", sample_text(year=2027, factor="8.1").encode(), "text/plain")},
               headers={"Authorization": f"Basic {good}"})
    assert r.status_code == 201
    bad = base64.b64encode(b"clerk:nope").decode()
    r = c.get("/api/units", headers={"Authorization": f"Basic {bad}"})
    assert r.status_code == 401 and "www-authenticate" not in {k.lower() for k in r.headers}


def test_security_headers(app):
    r = TestClient(app).get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


# -- HTML and script in uploaded text ----------------------------------------------------------

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>"><svg onload=alert(2)>'


def test_uploaded_markup_is_escaped(app):
    c, csrf = client_for(app, "clerk")
    r = upload(c, csrf, sample_text(year=2028, factor="1.9", narrative_extra=XSS))
    assert r.status_code == 201, r.text
    vid = r.json()["version"]["id"]
    assert c.post(f"/api/versions/{vid}/submit", headers={"X-CSRF-Token": csrf}).status_code == 200
    rv, csrf_r = client_for(app, "reviewer")
    assert rv.post(f"/api/versions/{vid}/publish", headers={"X-CSRF-Token": csrf_r}).status_code == 200
    for url in ("/units/901001/2028", f"/versions/{vid}"):
        html = rv.get(url).text
        assert "负责本区档案工作" in html or url.startswith("/versions")
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        if url.startswith("/units"):
            assert "&lt;script&gt;alert(" in html
        # the only scripts are our own files and JSON data blocks
        for tag in re.findall(r"<script[^>]*>", html):
            assert tag in ('<script src="/static/vendor/echarts.min.js">', '<script src="/static/charts.js">') \
                or tag.startswith('<script type="application/json"'), tag
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
            assert "<" not in block  # JSON data cannot close its script element


# -- SQL injection -----------------------------------------------------------------------------

INJECTIONS = ("' OR '1'='1", "1; DROP TABLE cells; --", "'); DELETE FROM versions; --", "%' OR 1=1 --", "\\' OR 1=1 #",
              "1 UNION SELECT password_hash FROM users --")


def test_sql_injection_attempts(app):
    c = TestClient(app, raise_server_exceptions=False)
    with app.state.store.read() as s:
        before = (s.scalar(select(func.count()).select_from(Cell)), s.scalar(select(func.count()).select_from(Version)),
                  s.scalar(select(func.count()).select_from(User)))
    for bad in INJECTIONS:
        for url, params in (("/search", {"q": bad}), ("/api/search", {"q": bad}),
                            ("/api/aggregate", {"cut": f"unit:{bad}", "drilldown": "year"}),
                            ("/api/aggregate", {"cut": f"year:{bad}"}), ("/api/aggregate", {"drilldown": bad}),
                            ("/api/aggregate", {"cut": "year:2022", "drilldown": "unit", "order": bad}),
                            ("/api/units", {"department": bad}), (f"/api/units/{bad}/2022", {}), (f"/units/{bad}/2022", {}),
                            (f"/departments/{bad}", {}), (f"/regions/{bad}", {})):
            r = c.get(url, params=params)
            assert r.status_code in (200, 400, 404, 422), (url, params, r.status_code)
            assert "$argon2" not in r.text
            if r.status_code == 200 and url == "/api/search":
                assert r.json()["hits"] == []
        r = c.post("/login", data={"username": bad, "password": bad, "csrf_token": "x"}, follow_redirects=False)
        assert r.status_code == 303 and "yusuan_session" not in r.cookies
    with app.state.store.read() as s:
        after = (s.scalar(select(func.count()).select_from(Cell)), s.scalar(select(func.count()).select_from(Version)),
                 s.scalar(select(func.count()).select_from(User)))
    assert after == before


# -- schemathesis: no 500 anywhere in the API --------------------------------------------------


def test_schemathesis_finds_no_server_error(app):
    """Generated requests for every operation of the OpenAPI document; none may answer 5xx."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures, ran, operations = [], 0, 0
    for result in schema.get_all_operations():
        op = result.ok()
        operations += 1

        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def run(case):
            nonlocal ran
            ran += 1
            response = case.call()
            if response.status_code >= 500:
                failures.append((op.label, case.path_parameters, case.query, response.status_code, response.text[:200]))

        run()
    assert operations >= 7 and ran > 100
    assert failures == [], failures[:5]
