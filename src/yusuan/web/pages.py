"""Public pages: home, search, units, a unit's year, departments, regions, downloads.

Each handler asks the store in a worker thread (the database drivers block) and renders
a template.  Only published versions are shown unless the viewer may read drafts.  A
unit's year is served to the public from its stored rendering (``web.cache``).
"""

from __future__ import annotations

import re
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ..store import aggregate as agg
from ..store import queries, search
from ..store.schema import Unit
from . import public
from .auth import Viewer, viewer
from .cache import cached, variant_of
from .public import DOWNLOAD_FORMATS

router = APIRouter(include_in_schema=False)

_YEAR_RE = re.compile(r"^(\d{4})(?:\.([a-z]+))?$")


def render(request: Request, name: str, context: dict | None = None, status: int = 200):
    v: Viewer = getattr(request.state, "viewer", None) or Viewer()
    ctx = {"viewer": v, "csrf": v.csrf or "", "request": request}
    ctx.update(context or {})
    return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)


def not_found(request: Request, message: str = "页面或数据不存在"):
    return request.app.state.error(request, 404, message)


@router.get("/")
async def home(request: Request):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            return {
                "latest": queries.latest(s, 12),
                "departments": queries.departments(s),
                "regions": queries.regions(s),
                "unit_count": queries.count_units(s),
            }

    ctx = await run_in_threadpool(load)
    return render(request, "home.html", ctx | {"v": v})


@router.get("/search")
async def search_page(request: Request, q: str = ""):
    v = await viewer(request)
    store = request.app.state.store
    q = q[:100]

    def load():
        with store.read() as s:
            flt = None if v.staff else Unit.id.in_(queries.published_unit_ids())
            return search.search(s, q, limit=100, unit_filter=flt)

    hits = await run_in_threadpool(load) if q.strip() else []
    return render(request, "search.html", {"q": q, "hits": hits})


@router.get("/units")
async def units_page(request: Request, page: int = 1):
    await viewer(request)
    store = request.app.state.store
    page = max(1, min(page, 100000))
    size = 200

    def load():
        with store.read() as s:
            return queries.units(s, offset=(page - 1) * size, limit=size), queries.count_units(s)

    units, total = await run_in_threadpool(load)
    return render(request, "units.html", {"units": units, "total": total, "page": page, "size": size})


@router.get("/units/{unit_code}")
async def unit_latest(request: Request, unit_code: str):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            found = queries.units(s, published_only=not v.staff, code=unit_code[:32])
            return found[0] if found else None

    u = await run_in_threadpool(load)
    if u is None or not u.years:
        return not_found(request, f"单位 {unit_code} 没有已发布的公开文件")
    return RedirectResponse(f"/units/{unit_code}/{u.years[-1]}", status_code=307)


@router.get("/units/{unit_code}/{year_fmt}")
async def unit_year(request: Request, unit_code: str, year_fmt: str, phase: str | None = None, version: int | None = None):
    v = await viewer(request)
    m = _YEAR_RE.match(year_fmt)
    if not m or len(unit_code) > 32 or (phase is not None and phase not in ("预算", "决算")):
        return not_found(request)
    year, fmt = int(m.group(1)), m.group(2)
    store = request.app.state.store
    missing = f"单位 {unit_code} 没有 {year} 年已发布的公开文件"
    if fmt:
        if fmt not in DOWNLOAD_FORMATS:
            return not_found(request, f"不支持的下载格式 .{fmt}（可选：{'、'.join(DOWNLOAD_FORMATS)}）")
        from .downloads import download

        return await download(request, v, unit_code, year, fmt, phase, version)
    if not v.staff:  # the public page: stored once per publication (web.cache)
        templates = request.app.state.templates
        resp = await cached(request, "html", unit_code, year, variant_of(phase, version), public.HTML,
                            lambda: public.unit_html(templates, store, unit_code, year, phase, version))
        return resp if resp is not None else not_found(request, missing)
    page = await run_in_threadpool(public.unit_page_data, store, v, unit_code, year, phase, version)
    if page is None:
        return not_found(request, missing)
    resp = render(request, "unit.html", public.unit_page_context(page, year))
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


def _group_view(store, cut_dim: str, key: str):
    """Aggregate of a department's or region's units: totals per unit and year, by class."""
    with store.read() as s:
        base = f"{cut_dim}:{key}|table:expenditure_summary|role:total|code_level:1|phase:预算"
        by_unit_year = agg.aggregate(s, base, "unit|year", pagesize=10000)
        by_year = agg.aggregate(s, base, "year", pagesize=100)
        years = [c["year"] for c in by_year.cells]
        by_class = agg.aggregate(s, f"{base}|year:{years[-1]}", "class", pagesize=100, order="amount:desc") if years else None
        if cut_dim == "department":
            units = queries.units(s, department=key)
        else:
            units = queries.units(s, region=key)
        depts = queries.departments(s, region=key) if cut_dim == "region" else []
        year_lines, prev = [], None
        for c in by_year.cells:
            amount = Decimal(c["amount"]) if c["amount"] else None
            year_lines.append((c["year"], amount, amount - prev if amount is not None and prev is not None else None))
            prev = amount
        return {"by_unit_year": by_unit_year, "by_year": by_year, "year_lines": year_lines, "by_class": by_class, "years": years, "units": units,
                "departments": depts}


@router.get("/departments/{code}")
async def department(request: Request, code: str):
    await viewer(request)
    store = request.app.state.store
    from ..store.schema import Department
    from sqlalchemy import select

    def load():
        with store.read() as s:
            return s.scalar(select(Department).where(Department.code == code)) if len(code) <= 32 else None

    dept = await run_in_threadpool(load)
    if dept is None:
        return not_found(request, f"部门 {code} 不存在")
    data = await run_in_threadpool(_group_view, store, "department", code)
    if not data["units"]:
        return not_found(request, f"部门 {code} 没有已发布的公开文件")
    return render(request, "group.html", data | {"kind": "department", "name": dept.name, "code": dept.code,
                                                 "region": dept.region})


@router.get("/regions/{name}")
async def region(request: Request, name: str):
    await viewer(request)
    store = request.app.state.store
    data = await run_in_threadpool(_group_view, store, "region", name[:100])
    if not data["units"]:
        return not_found(request, f"地区“{name[:100]}”没有已发布的公开文件")
    return render(request, "group.html", data | {"kind": "region", "name": name, "code": name, "region": name})


@router.get("/api")
async def api_index(request: Request):
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return RedirectResponse("/api/openapi.json", status_code=307)
    await viewer(request)
    schema = request.app.openapi()
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "params": [(p["name"], p.get("in"), p.get("description", "")) for p in op.get("parameters", [])]})
    return render(request, "api.html", {"ops": ops, "dims": agg.DIMENSIONS})


@router.get("/favicon.ico")
async def favicon():
    return Response(status_code=204)
