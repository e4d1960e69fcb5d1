"""``create_app(store, settings)``: the portal as an app factory, no global state.

Pages are rendered on the server (Jinja2, autoescaped), charts are drawn by the ECharts
copy shipped in ``static/`` (no CDN: the portal works offline), the JSON API lives under
``/api`` with its OpenAPI document at ``/api/openapi.json``.  Every error has one JSON
shape (``{"error": {"status", "code", "message"}}``) on the API and one page in HTML.
Security headers (CSP without inline scripts, nosniff, frame denial) go on every reply.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import Store, StoreError
from .auth import Denied
from .cache import AggregateCache, PageReader, StoredPages
from .public import make_templates, package_dir, renderer_id
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


_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin")]
_STATIC_CACHE = (b"cache-control", b"public, max-age=86400")


class SecurityHeaders:
    """Security headers on every reply (unless the handler set them), as plain ASGI middleware.

    Starlette's ``@app.middleware("http")`` wraps every response in a streaming body and a
    task; this adds the headers to the start message and nothing else.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in have]
                if static and _STATIC_CACHE[0] not in have:
                    headers.append(_STATIC_CACHE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wants_json(request: Request) -> bool:
    p = request.url.path
    if p.startswith("/api") or p.endswith((".json", ".csv")):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if app.state.page_reader is not None:  # its connections belong to this loop
            await app.state.page_reader.close()

    app = FastAPI(
        lifespan=lifespan,
        title="yusuan 预决算公开 API",
        version=__version__,
        description="预决算公开数据的 JSON 接口：单位、单位年度公开、按维度切分与钻取汇总、上传。金额以字符串表示的十进制数。",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.aggregate_cache = AggregateCache(settings.aggregate_cache_size)
    app.state.renderer = renderer_id(settings)
    app.state.page_reader = None if store.is_sqlite else PageReader(store.url)
    app.state.templates = make_templates(settings)
    app.mount("/static", StaticFiles(directory=str(package_dir("static"))), name="static")
    app.add_middleware(StoredPages, store=store, renderer=app.state.renderer)
    app.add_middleware(SecurityHeaders)

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


__all__ = ["HTMLResponse", "create_app"]
