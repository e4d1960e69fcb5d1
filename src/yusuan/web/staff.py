"""Staff pages: log in, upload, a version (findings, diff, edit, submit, publish), the
review queue, users and units.  Every change goes through ``actions`` (shared with the
JSON API) and is written to the audit log.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ..store import audit, queries
from ..store.audit import record
from ..store.schema import CLERK, REVIEW, ROLES, Department, Unit, User, UserUnit
from ..store.users import authenticate, create_user, end_session, set_user_units, start_session
from . import actions, views
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_csrf, login_csrf_ok, viewer
from .pages import render

router = APIRouter(include_in_schema=False)


def _safe_next(nxt: str | None) -> str:
    if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt and len(nxt) < 500:
        return nxt
    return "/"


@router.get("/login")
async def login_form(request: Request, next: str | None = None, error: str | None = None):
    await viewer(request)
    token = secrets.token_urlsafe(24)
    resp = render(request, "login.html", {"login_csrf": token, "next": _safe_next(next), "error": error})
    resp.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                    secure=request.app.state.settings.secure_cookies, max_age=3600)
    return resp


@router.post("/login")
async def login(request: Request, username: str = Form(..., max_length=64), password: str = Form(..., max_length=200),
                csrf_token: str = Form(""), next: str = Form("/")):
    store = request.app.state.store
    if not login_csrf_ok(request, csrf_token):
        return RedirectResponse(f"/login?error={quote('页面已过期，请重新登录')}&next={quote(_safe_next(next))}", 303)

    def attempt():
        with store.session() as s:
            user = authenticate(s, username, password)
            if user is None:
                record(s, None, "login-failed", "user", None, username=username[:64])
                return None
            token, _csrf = start_session(s, user)
            record(s, user, "login", "user", user.id)
            return token

    token = await run_in_threadpool(attempt)
    if token is None:
        return RedirectResponse(f"/login?error={quote('用户名或密码错误')}&next={quote(_safe_next(next))}", 303)
    resp = RedirectResponse(_safe_next(next), 303)
    resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=request.app.state.settings.secure_cookies,
                    max_age=12 * 3600)
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout")
async def logout(request: Request, csrf_token: str = Form("")):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    store = request.app.state.store
    token = request.cookies.get(SESSION_COOKIE)

    def out():
        with store.session() as s:
            end_session(s, token)
            if v.user:
                record(s, v.user, "logout", "user", v.user.id)

    await run_in_threadpool(out)
    resp = RedirectResponse("/", 303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/workspace")
async def workspace(request: Request):
    """A staff member's start page: their units' versions, or the review queue."""
    v = await viewer(request)
    if not v.staff:
        v.require("upload")
    store = request.app.state.store

    def load():
        with store.read() as s:
            if v.role == CLERK:
                mine = queries.versions(s, unit_ids=v.unit_ids)
                units = list(s.scalars(select(Unit).where(Unit.id.in_(v.unit_ids or {-1})).order_by(Unit.code)))
                return {"versions": mine, "units": units, "queue": []}
            queue = queries.versions(s, statuses=(REVIEW,))
            return {"versions": queries.versions(s, limit=50), "units": [], "queue": queue}

    return render(request, "workspace.html", await run_in_threadpool(load))


@router.get("/upload")
async def upload_form(request: Request):
    v = await viewer(request)
    v.require("upload")
    return render(request, "upload.html", {})


@router.post("/upload")
async def upload(request: Request, file: UploadFile, csrf_token: str = Form(""), note: str = Form("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    v.require("upload")
    imported = await actions.upload(request, v, file, note)
    return RedirectResponse(f"/versions/{imported.version_id}", 303)


@router.get("/versions/{version_id}")
async def version_page(request: Request, version_id: int):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            info = queries.version_info(s, version_id)
            if info is None:
                return None
            actions.require_read(v, info)
            doc = queries.load_disclosure(info.version)
            prev = queries.previous_published(s, info.version)
            from ..store.workflow import diff

            changes = diff(s, prev.id, info.version.id) if prev else []
            units = {u.id: u.code for u in s.scalars(select(Unit).where(Unit.id.in_({c.unit_code_id for c in changes})))}
            return {
                "info": info,
                "doc": doc,
                "findings": queries.findings(s, info.version.id),
                "tables": [views.table_view(t, doc.empty_table_notes.get(t.id)) for t in doc.tables],
                "raw_tables": list(enumerate(doc.tables)),
                "prev": prev,
                "changes": changes,
                "change_units": units,
                "log": audit.entries(s, 50, "version", info.version.id) if v.staff else [],
            }

    ctx = await run_in_threadpool(load)
    if ctx is None or ctx is False:
        return request.app.state.error(request, 404, f"版本 {version_id} 不存在")
    return render(request, "version.html", ctx)


@router.post("/versions/{version_id}/cells")
async def edit_cell(request: Request, version_id: int, csrf_token: str = Form(""), table_index: int = Form(...),
                    row_index: int = Form(...), column_key: str = Form(..., max_length=100),
                    value: str = Form("", max_length=40)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    await actions.edit_cell(request, v, version_id, table_index, row_index, column_key, value)
    return RedirectResponse(f"/versions/{version_id}#findings", 303)


@router.post("/versions/{version_id}/{action}")
async def version_action(request: Request, version_id: int, action: str, csrf_token: str = Form(""),
                         reason: str = Form("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    if action not in ("submit", "publish", "reject"):
        return request.app.state.error(request, 404, "未知操作")
    await actions.transition(request, v, version_id, action, reason)
    return RedirectResponse(f"/versions/{version_id}", 303)


@router.get("/admin")
async def admin_page(request: Request):
    v = await viewer(request)
    v.require("admin")
    store = request.app.state.store

    def load():
        with store.read() as s:
            users = list(s.scalars(select(User).order_by(User.username)))
            links = {}
            for uid, code in s.execute(select(UserUnit.user_id, Unit.code).join(Unit, Unit.id == UserUnit.unit_id)):
                links.setdefault(uid, []).append(code)
            return {"users": users, "links": links, "roles": ROLES, "log": audit.entries(s, 100),
                    "unit_count": s.scalar(select(__import__("sqlalchemy").func.count()).select_from(Unit))}

    return render(request, "admin.html", await run_in_threadpool(load))


@router.post("/admin/users")
async def admin_create_user(request: Request, csrf_token: str = Form(""), username: str = Form(..., max_length=64),
                            password: str = Form(..., max_length=200), role: str = Form(...),
                            units: str = Form("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    v.require("admin")
    store = request.app.state.store
    codes = [c for c in units.replace("，", ",").replace(" ", ",").split(",") if c]

    def go():
        with store.session() as s:
            create_user(s, username, password, role, codes, actor=v.user)

    await run_in_threadpool(go)
    return RedirectResponse("/admin", 303)


@router.post("/admin/users/{user_id}/units")
async def admin_user_units(request: Request, user_id: int, csrf_token: str = Form(""), units: str = Form("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    v.require("admin")
    store = request.app.state.store
    codes = [c for c in units.replace("，", ",").replace(" ", ",").split(",") if c]

    def go():
        with store.session() as s:
            user = s.get(User, user_id)
            if user is None:
                return False
            set_user_units(s, user, codes)
            record(s, v.user, "user-units", "user", user.id, units=codes)
            return True

    if not await run_in_threadpool(go):
        return request.app.state.error(request, 404, "用户不存在")
    return RedirectResponse("/admin", 303)


@router.post("/admin/units")
async def admin_create_unit(request: Request, csrf_token: str = Form(""), code: str = Form(..., max_length=32),
                            name: str = Form(..., max_length=200), department_code: str = Form(..., max_length=32),
                            department_name: str = Form("", max_length=200), region: str = Form("", max_length=100)):
    v = await viewer(request)
    await check_csrf(request, v, csrf_token)
    v.require("admin")
    store = request.app.state.store

    def go():
        from ..store import search
        from ..store.db import StoreError

        with store.session() as s:
            if s.scalar(select(Unit).where(Unit.code == code.strip())):
                raise StoreError(f"单位编码 {code} 已存在")
            dept = s.scalar(select(Department).where(Department.code == department_code.strip()))
            if dept is None:
                dept = Department(code=department_code.strip(), name=department_name.strip() or name.strip(),
                                  region=region.strip() or None)
                s.add(dept)
                s.flush()
                search.index(s, "department", dept.code, dept.name)
            unit = Unit(code=code.strip(), name=name.strip(), department_id=dept.id, region=region.strip() or None)
            s.add(unit)
            s.flush()
            search.index(s, "unit", unit.code, unit.name, unit.code)
            record(s, v.user, "unit-create", "unit", unit.id, code=unit.code, name=unit.name, department=dept.code)

    await run_in_threadpool(go)
    return RedirectResponse("/admin", 303)
