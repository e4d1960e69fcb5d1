"""Downloads of a unit's year: ``.json`` (the disclosure), ``.csv`` (open data), and
``.pdf``/``.xlsx``/``.docx`` rendered by ``yusuan.render`` from the same disclosure.

The public's downloads are rendered once per publication and stored (``web.cache``), so
a popular PDF is made once; a logged-in viewer's are rendered for them.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from . import public
from .auth import Viewer
from .cache import cached, variant_of


async def download(request: Request, v: Viewer, unit_code: str, year: int, fmt: str, phase: str | None,
                   version: int | None):
    store = request.app.state.store
    media_type = public.DOWNLOAD_FORMATS[fmt]
    missing = f"单位 {unit_code} 没有 {year} 年已发布的公开文件"
    try:
        if not v.staff:
            resp = await cached(request, fmt, unit_code, year, variant_of(phase, version), media_type,
                                lambda: public.download(store, unit_code, year, fmt, phase, version))
            return resp if resp is not None else request.app.state.error(request, 404, missing)
        found = await run_in_threadpool(public.download, store, unit_code, year, fmt, phase, version, v)
    except NotImplementedError as exc:
        return request.app.state.error(request, 501, str(exc))
    if found is None:
        return request.app.state.error(request, 404, missing)
    return Response(found.body, media_type=media_type, headers=found.headers | {"Cache-Control": "private, no-cache"})
