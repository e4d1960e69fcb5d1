"""Who is asking, and may they: sessions, CSRF, the role matrix.

* Browser logins are a random token in an HttpOnly, SameSite=Lax cookie; the server keeps
  its hash (``store.users``).  Every state-changing request made with that cookie must
  carry the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``).
  The login form itself is protected by a double-submit cookie.
* Scripts may use HTTP Basic credentials on ``/api/…`` instead (no cookie, so no CSRF);
  the server never asks a browser for them.

The role matrix (``can``) is the one place that says who may do what:

=====================  ================  ==========  ========  =========
action                 clerk (own unit)  reviewer    admin     public
=====================  ================  ==========  ========  =========
read published         yes               yes         yes       yes
read unpublished       own units         yes         yes       no
upload / edit draft    own units         no          no        no
submit for review      own units         no          no        no
publish / send back    no                yes         no        no
users and units        no                no          yes       no
=====================  ================  ==========  ========  =========
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..store.schema import ADMIN, CLERK, REVIEWER, User
from ..store.users import authenticate, session_user, user_unit_ids

SESSION_COOKIE = "yusuan_session"
LOGIN_CSRF_COOKIE = "yusuan_login_csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Denied(Exception):
    """403 (or 401 when nobody is logged in), with a Chinese message."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Viewer:
    user: User | None = None
    csrf: str | None = None
    unit_ids: set[int] = field(default_factory=set)
    via: str = "anonymous"  # anonymous | cookie | basic

    @property
    def role(self) -> str | None:
        return self.user.role if self.user else None

    @property
    def name(self) -> str | None:
        return self.user.username if self.user else None

    @property
    def staff(self) -> bool:
        return self.user is not None

    def can(self, action: str, unit_id: int | None = None) -> bool:
        role = self.role
        if action == "read-published":
            return True
        if role is None:
            return False
        if action == "read-unpublished":
            return role in (REVIEWER, ADMIN) or (role == CLERK and unit_id in self.unit_ids)
        if action in ("upload", "edit", "submit"):
            return role == CLERK and (unit_id is None or unit_id in self.unit_ids)
        if action in ("publish", "reject", "review-queue"):
            return role == REVIEWER
        if action == "admin":
            return role == ADMIN
        return False

    def require(self, action: str, unit_id: int | None = None) -> None:
        if not self.can(action, unit_id):
            if self.user is None:
                raise Denied("请先登录", 401)
            raise Denied("当前账号无权执行此操作")


def _basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    name, sep, pw = raw.partition(":")
    return (name, pw) if sep else None


async def viewer(request: Request) -> Viewer:
    """The viewer of this request (cached on ``request.state``)."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    store = request.app.state.store
    v = Viewer()
    token = request.cookies.get(SESSION_COOKIE)
    auth = request.headers.get("authorization", "")
    if token:
        def lookup():
            with store.read() as s:
                found = session_user(s, token)
                if found is None:
                    return None
                user, row = found
                s.expunge(user)
                return user, row.csrf, user_unit_ids(s, user)

        found = await run_in_threadpool(lookup)
        if found:
            v = Viewer(found[0], found[1], found[2], "cookie")
    elif auth and request.url.path.startswith("/api/"):
        creds = _basic(auth)
        if creds:
            def check():
                with store.session() as s:
                    user = authenticate(s, *creds)
                    if user is None:
                        return None
                    s.flush()
                    s.expunge(user)
                    return user, user_unit_ids(s, user)

            found = await run_in_threadpool(check)
            if found is None:
                raise Denied("用户名或密码错误", 401)
            v = Viewer(found[0], None, found[1], "basic")
    request.state.viewer = v
    return v


async def check_csrf(request: Request, v: Viewer, form_token: str | None = None) -> None:
    """State-changing requests made with the session cookie must echo its CSRF token."""
    if request.method in SAFE_METHODS or v.via != "cookie":
        return
    sent = form_token or request.headers.get("x-csrf-token") or ""
    if not v.csrf or not secrets.compare_digest(sent.encode(), v.csrf.encode()):
        raise Denied("CSRF 校验失败：请刷新页面后重试", 403)


def login_csrf_ok(request: Request, form_token: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    return bool(cookie) and bool(form_token) and secrets.compare_digest(cookie.encode(), (form_token or "").encode())
