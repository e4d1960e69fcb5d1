"""Downloads of a unit's year: ``.json`` (the disclosure), ``.csv`` (open data), and
``.pdf``/``.xlsx``/``.docx`` rendered by ``yusuan.render`` from the same disclosure.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ..model.serialize import to_dict
from ..store import queries
from .auth import Viewer


def _render(doc, fmt: str) -> bytes:
    if fmt == "json":
        import json

        return json.dumps(to_dict(doc), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "csv":
        from ..render.opendata import to_csv

        return ("\ufeff" + to_csv(doc)).encode("utf-8")
    try:
        from ..render import RenderError, render
    except ImportError:
        raise NotImplementedError(f"暂不支持导出 {fmt.upper()}（渲染模块未提供）") from None
    try:
        return render(doc, fmt)
    except RenderError as exc:
        raise NotImplementedError(f"暂不能导出 {fmt.upper()}：{exc}") from exc


def _filename(unit_code: str, unit_name: str, year: int, phase: str, fmt: str) -> str:
    return f"{unit_code}-{unit_name}-{year}年{phase}.{fmt}"


async def download(request: Request, v: Viewer, unit_code: str, year: int, fmt: str, phase: str | None,
                   version: int | None):
    from .pages import DOWNLOAD_FORMATS

    store = request.app.state.store

    def load():
        with store.read() as s:
            unit = queries.find_unit(s, unit_code)
            if unit is None:
                return None
            uy = queries.unit_year(s, unit_code, year, phase, version,
                                   include_unpublished=v.can("read-unpublished", unit.id))
            if uy is None:
                return None
            return uy, uy.disclosure()

    found = await run_in_threadpool(load)
    if found is None:
        return request.app.state.error(request, 404, f"单位 {unit_code} 没有 {year} 年已发布的公开文件")
    uy, doc = found
    try:
        data = await run_in_threadpool(_render, doc, fmt)
    except NotImplementedError as exc:
        return request.app.state.error(request, 501, str(exc))
    name = _filename(uy.unit.code, uy.unit.name, year, uy.document.phase, fmt)
    return Response(
        data,
        media_type=DOWNLOAD_FORMATS[fmt],
        headers={"Content-Disposition": f"attachment; filename=\"{unit_code}-{year}.{fmt}\"; filename*=UTF-8''{quote(name)}"},
    )
