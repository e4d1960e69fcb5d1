"""The JSON API (``/api/…``), described by the OpenAPI document at ``/api/openapi.json``.

Amounts are decimal strings (never floats).  Errors always have the shape
``{"error": {"status": 404, "code": "not-found", "message": "…"}}``.  A unit's year is
served to the public from its stored rendering, aggregates from a per-worker cache keyed
by the publication generation (``web.cache``); both revalidate by ETag.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..store import aggregate as agg
from ..store import queries, search
from ..store.db import StoreError
from ..store.schema import Unit, Version
from . import actions, public
from .auth import check_csrf, viewer
from .cache import AggregateCache, Rendered, cached, make_entry, publication_generation, respond, variant_of


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody, "description": d}
    for s, d in ((400, "请求有误"), (401, "未登录"), (403, "无权限"), (404, "不存在"), (409, "状态冲突"), (413, "文件过大"),
                 (415, "文件类型不支持"), (422, "参数或文件无效"))
}

router = APIRouter(prefix="/api", responses={422: ERRORS[422]})


class UnitOut(BaseModel):
    code: str
    name: str
    department_code: str | None
    department_name: str | None
    region: str | None
    years: list[int]
    url: str


class UnitList(BaseModel):
    units: list[UnitOut]
    total: int
    page: int
    pagesize: int


class VersionOut(BaseModel):
    id: int
    number: int
    status: Literal["draft", "review", "published", "rejected", "superseded"]
    current: bool
    sha256: str
    title: str
    filename: str
    format: str
    uploaded_at: datetime
    published_at: datetime | None
    errors: int
    warnings: int
    url: str


class FindingOut(BaseModel):
    code: str
    severity: str
    table: str | None
    row: str | None
    column: str | None
    subject_code: str | None
    page: int | None
    unit_code: str | None
    expected: str | None
    actual: str | None
    message: str


class UnitYearOut(BaseModel):
    unit: UnitOut
    year: int
    phase: str
    scope: str | None
    version: VersionOut
    versions: list[VersionOut]
    findings: list[FindingOut]
    disclosure: dict[str, Any]


class CutOut(BaseModel):
    dimension: str
    values: list[str]


class SummaryOut(BaseModel):
    amount: str | None
    quantity: str | None
    cells: int


class AggregateOut(BaseModel):
    amount_unit: str
    cut: list[CutOut]
    drilldown: list[str]
    page: int
    pagesize: int
    total_cell_count: int
    summary: SummaryOut
    cells: list[dict[str, Any]]


class HitOut(BaseModel):
    kind: Literal["unit", "department", "subject"]
    key: str
    name: str
    extra: str
    url: str


class SearchOut(BaseModel):
    q: str
    hits: list[HitOut]


class UploadOut(BaseModel):
    created: bool
    unit_code: str
    year: int
    phase: str
    version: VersionOut
    findings: list[FindingOut]


def _unit_out(u: queries.UnitSummary) -> UnitOut:
    return UnitOut(code=u.code, name=u.name, department_code=u.department_code, department_name=u.department_name,
                   region=u.region, years=u.years, url=f"/units/{u.code}")


def _version_out(v: Version) -> VersionOut:
    return VersionOut(id=v.id, number=v.number, status=v.status, current=v.is_current, sha256=v.sha256, title=v.title,
                      filename=v.filename, format=v.fmt, uploaded_at=v.uploaded_at, published_at=v.published_at,
                      errors=v.errors, warnings=v.warnings, url=f"/versions/{v.id}")


def _finding_out(f) -> FindingOut:
    return FindingOut(code=f.code, severity=f.severity, table=f.table_id, row=f.row, column=f.column,
                      subject_code=f.subject_code, page=f.page, unit_code=f.unit_code, expected=f.expected,
                      actual=f.actual, message=f.message)


def _error(request: Request, status: int, message: str, code: str | None = None):
    return request.app.state.error(request, status, message, code)


@router.get("/units", response_model=UnitList, summary="单位列表（有已发布公开文件的单位）")
async def list_units(request: Request, department: str | None = Query(None, max_length=32, description="部门编码"),
                     region: str | None = Query(None, max_length=100, description="地区"),
                     page: int = Query(1, ge=1, le=100000), pagesize: int = Query(1000, ge=1, le=10000)):
    await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            found = queries.units(s, department, region, offset=(page - 1) * pagesize, limit=pagesize)
            total = len(queries.units(s, department, region)) if (department or region) else queries.count_units(s)
            return found, total

    found, total = await run_in_threadpool(load)
    return UnitList(units=[_unit_out(u) for u in found], total=total, page=page, pagesize=pagesize)


@router.get("/units/{unit_code}", response_model=UnitOut, responses={404: ERRORS[404]}, summary="一个单位及其已发布年度")
async def get_unit(request: Request, unit_code: str = Path(..., max_length=32)):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            return queries.units(s, published_only=not v.staff, code=unit_code)

    found = await run_in_threadpool(load)
    if not found:
        return _error(request, 404, f"单位 {unit_code} 不存在或没有已发布的公开文件")
    return _unit_out(found[0])


@router.get("/units/{unit_code}/{year}", response_model=UnitYearOut, responses={404: ERRORS[404]},
            summary="单位某年度的公开文件：表格、情况说明、绩效目标、审核发现")
async def get_unit_year(request: Request, unit_code: str = Path(..., max_length=32), year: int = Path(..., ge=1900, le=2999),
                        phase: Literal["预算", "决算"] | None = Query(None), version: int | None = Query(None, ge=1, le=100000)):
    v = await viewer(request)
    store = request.app.state.store
    missing = f"单位 {unit_code} 没有 {year} 年已发布的公开文件"
    if not v.staff:  # stored once per publication (web.cache)
        resp = await cached(request, "api", unit_code, year, variant_of(phase, version), public.JSON,
                            lambda: public.unit_api(store, unit_code, year, phase, version))
        return resp if resp is not None else _error(request, 404, missing)
    found = await run_in_threadpool(public.unit_api, store, unit_code, year, phase, version, v)
    if found is None:
        return _error(request, 404, missing)
    return Response(found.body, media_type=public.JSON, headers={"Cache-Control": "private, no-cache"})


@router.get("/aggregate", response_model=AggregateOut, responses={400: ERRORS[400]},
            summary="按维度切分（cut）与钻取（drilldown）汇总已发布数据",
            description="cut：`维度:值|维度:值`（同一维度多个值用 `;` 分隔），drilldown：`维度|维度`。维度："
            + "、".join(f"`{d.name}`（{d.label}）" for d in agg.DIMENSIONS.values())
            + "。金额以万元计。跨科目级次求和会重复计算，汇总时请切分 `code_level`。")
async def aggregate(request: Request, cut: str | None = Query(None, max_length=2000, examples=["year:2021|table:expenditure_summary|role:total|code_level:1"]),
                    drilldown: str | None = Query(None, max_length=200, examples=["department|class"]),
                    page: int = Query(1, ge=1, le=100000), pagesize: int = Query(100, ge=1, le=10000),
                    order: str | None = Query(None, max_length=40, description="如 amount:desc")):
    await viewer(request)
    store = request.app.state.store
    answers: AggregateCache = request.app.state.aggregate_cache
    key = (cut or "", drilldown or "", page, pagesize, order or "")

    def load(generation: int):
        with store.read() as s:
            data = agg.aggregate(s, cut, drilldown, page, pagesize, order).to_json()
        e = make_entry("api", generation, Rendered(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()))
        answers.put(key, e)
        return e

    # the publication generation before the data (web.cache), asked on the event loop: a
    # cached answer then costs no thread hand-off (and on PostgreSQL one round trip)
    generation = await publication_generation(request)
    entry = answers.get(key, generation)
    if entry is None:
        try:
            entry = await run_in_threadpool(load, generation)
        except StoreError as exc:
            return _error(request, 400, str(exc))
    return respond(request, entry, public.JSON)


@router.get("/search", response_model=SearchOut, summary="按单位名称、部门、科目名称或编码搜索（支持中文）")
async def api_search(request: Request, q: str = Query(..., max_length=100), limit: int = Query(50, ge=1, le=200)):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            flt = None if v.staff else Unit.id.in_(queries.published_unit_ids())
            return search.search(s, q, limit, unit_filter=flt)

    hits = await run_in_threadpool(load)
    urls = {"unit": "/units/{}", "department": "/departments/{}", "subject": "/search?q={}"}
    return SearchOut(q=q, hits=[HitOut(kind=h.kind, key=h.key, name=h.name, extra=h.extra, url=urls[h.kind].format(h.key))
                                for h in hits])


@router.post("/documents", response_model=UploadOut, status_code=201,
             responses={200: {"model": UploadOut, "description": "同一文件已上传过（幂等），返回原版本"},
                        **{k: ERRORS[k] for k in (401, 403, 409, 413, 415, 422)}},
             summary="上传公开文件（填报员）：解析、审核，生成待审核的草稿版本")
async def upload_document(request: Request, file: UploadFile = File(...), note: str = Form("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v)
    v.require("upload")
    imported = await actions.upload(request, v, file, note)
    store = request.app.state.store

    def load():
        with store.read() as s:
            version = s.get(Version, imported.version_id)
            return version, queries.findings(s, version.id)

    version, findings = await run_in_threadpool(load)
    body = UploadOut(created=imported.created, unit_code=imported.unit_code, year=imported.year, phase=imported.phase,
                     version=_version_out(version), findings=[_finding_out(f) for f in findings])
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if imported.created else 200)


@router.get("/versions/{version_id}", response_model=VersionOut, responses={401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404]},
            summary="一个版本的状态")
async def get_version(request: Request, version_id: int = Path(..., ge=1, le=2**31 - 1)):
    v = await viewer(request)
    store = request.app.state.store

    def load():
        with store.read() as s:
            info = queries.version_info(s, version_id)
            if info is None:
                return None
            actions.require_read(v, info)
            return info.version

    version = await run_in_threadpool(load)
    if version is None:
        return _error(request, 404, f"版本 {version_id} 不存在")
    return _version_out(version)


@router.post("/versions/{version_id}/{action}", response_model=VersionOut,
             responses={k: ERRORS[k] for k in (401, 403, 404, 409)},
             summary="提交审核（submit，填报员）、发布（publish，审核员）或退回（reject，审核员）")
async def version_action(request: Request, version_id: int = Path(..., ge=1, le=2**31 - 1),
                         action: Literal["submit", "publish", "reject"] = Path(...),
                         reason: str = Query("", max_length=2000)):
    v = await viewer(request)
    await check_csrf(request, v)
    if not v.staff:
        v.require("submit")
    version = await actions.transition(request, v, version_id, action, reason)
    return _version_out(version)

