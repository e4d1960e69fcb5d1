"""``create_app(store, settings)``: the portal as an app factory, no global state.

Pages are rendered on the server (Jinja2, autoescaped), charts are drawn by the ECharts
copy shipped in ``static/`` (no CDN: the portal works offline), the JSON API lives under
``/api`` with its OpenAPI document at ``/api/openapi.json``.  Every error has one JSON
shape (``{"error": {"status", "code", "message"}}``) on the API and one page in HTML.
Security headers (CSP without inline scripts, nosniff, frame denial) go on every reply.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import Store, StoreError
from ..store.schema import ROLE_NAMES, STATUS_NAMES
from .auth import Denied
from .settings import Settings
from .upload import UploadError

log = logging.getLogger("yusuan.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

_STATUS_CODES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
                 409: "conflict", 413: "too-large", 415: "unsupported-type", 422: "invalid", 500: "server-error",
                 501: "not-implemented"}


def package_dir(name: str) -> Path:
    return Path(str(resources.files("yusuan.web") / name))


def wants_json(request: Request) -> bool:
    p = request.url.path
    if p.startswith("/api") or p.endswith((".json", ".csv")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="yusuan 预决算公开 API",
        version=__version__,
        description="预决算公开数据的 JSON 接口：单位、单位年度公开、按维度切分与钻取汇总、上传。金额以字符串表示的十进制数。",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    from .pages import PageCache

    app.state.page_cache = PageCache(settings.page_cache_size)
    templates = Jinja2Templates(directory=str(package_dir("templates")))
    templates.env.globals.update(settings=settings, STATUS_NAMES=STATUS_NAMES, ROLE_NAMES=ROLE_NAMES, version=__version__)
    templates.env.filters["money"] = _money
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(package_dir("static"))), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        if request.url.path.startswith("/static/"):
            h.setdefault("Cache-Control", "public, max-age=86400")
        return response

    def error(request: Request, status: int, message: str, code: str | None = None, extra: dict | None = None):
        code = code or _STATUS_CODES.get(status, "error")
        if wants_json(request):
            body = {"error": {"status": status, "code": code, "message": message}}
            if extra:
                body["error"].update(extra)
            return JSONResponse(body, status_code=status)
        from .pages import render

        return render(request, "error.html", {"status": status, "message": message, "code": code}, status=status)

    app.state.error = error

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        msg = exc.detail if isinstance(exc.detail, str) else "请求有误"
        if exc.status_code == 404 and msg == "Not Found":
            msg = "页面或数据不存在"
        if exc.status_code == 405:
            msg = "不支持的请求方法"
        return error(request, exc.status_code, msg)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
            problems.append(f"{where}：{e.get('msg', '')}")
        return error(request, 422, "参数有误：" + "；".join(problems), "invalid",
                     {"details": [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                                  for e in exc.errors()[:20]]})

    @app.exception_handler(Denied)
    async def denied(request: Request, exc: Denied):
        if exc.status == 401 and not wants_json(request):
            from fastapi.responses import RedirectResponse
            from urllib.parse import quote

            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        return error(request, exc.status, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        msg = str(exc)
        status = 403 if msg.startswith("无权") else 409
        return error(request, status, msg)

    @app.exception_handler(UploadError)
    async def upload_error(request: Request, exc: UploadError):
        return error(request, exc.status, str(exc), exc.code)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return error(request, 500, "服务器内部错误，请稍后重试")

    from . import api, pages, staff

    app.include_router(api.router)
    app.include_router(staff.router)
    app.include_router(pages.router)
    return app


def _money(value) -> str:
    """Thousands separators for display; the exact decimal as stored otherwise."""
    if value is None or value == "":
        return ""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    s = format(d, ",f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


__all__ = ["HTMLResponse", "create_app"]
