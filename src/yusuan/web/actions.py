"""State changes shared by the pages and the JSON API: upload, submit/publish/reject,
edit a draft's cell.  Each checks the role matrix (``auth.Viewer.can``) against the
version's unit, runs in one transaction, and leaves an audit entry.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from ..check import check
from ..model import parse_amount
from ..store import queries, workflow
from ..store.audit import record
from ..store.db import StoreError
from ..store.ingest import Imported, ingest, write_content
from ..store.schema import DRAFT, PUBLISHED, SUPERSEDED, Document, Version
from .auth import Denied, Viewer
from .upload import UploadError, parse_upload, read_limited


log = logging.getLogger("yusuan.web")


class NotFound(Exception):
    pass


def require_read(v: Viewer, info: queries.VersionInfo) -> None:
    """Published versions are public; drafts only for those who may read the unit's drafts."""
    if info.version.status in (PUBLISHED, SUPERSEDED):
        return
    if not v.can("read-unpublished", info.unit.id):
        if v.user is None:
            raise Denied("请先登录", 401)
        raise Denied("当前账号无权查看该单位未发布的版本")


async def upload(request: Request, v: Viewer, file, note: str = "") -> Imported:
    v.require("upload")
    settings = request.app.state.settings
    data = await read_limited(file, settings.max_upload_bytes)
    parsed = await run_in_threadpool(parse_upload, data, file.filename or "upload", settings)
    store = request.app.state.store
    result = parsed.result

    def save():
        with store.session() as s:
            return ingest(s, result.disclosure, result.findings, parsed.data, parsed.filename, parsed.fmt, user=v.user,
                          status=DRAFT, note=note or None, allowed_unit_ids=v.unit_ids)

    return await run_in_threadpool(save)


async def transition(request: Request, v: Viewer, version_id: int, action: str, reason: str = "") -> Version:
    store = request.app.state.store

    def go():
        with store.session() as s:
            version = s.get(Version, version_id)
            if version is None:
                raise NotFound(version_id)
            document = s.get(Document, version.document_id)
            need = {"submit": "submit", "publish": "publish", "reject": "reject"}[action]
            if not v.can("read-unpublished", document.unit_id) and version.status not in (PUBLISHED, SUPERSEDED):
                v.require("read-unpublished", document.unit_id)
            v.require(need, document.unit_id)
            if action == "submit":
                workflow.submit(s, version, v.user)
            elif action == "publish":
                workflow.publish(s, version, v.user)
            else:
                workflow.reject(s, version, v.user, reason)
            return version, document.unit_id

    try:
        version, unit_id = await run_in_threadpool(go)
    except NotFound:
        raise UploadError(f"版本 {version_id} 不存在", 404, "not-found") from None
    if action == "publish":  # the unit's public pages, rendered now rather than by the next visitor
        from .public import prerender

        try:
            await run_in_threadpool(prerender, store, request.app.state.settings, [unit_id])
        except Exception:  # noqa: BLE001 - published is published; the next visitor renders the page
            log.exception("prerender after publishing version %s failed", version_id)
    return version


async def edit_cell(request: Request, v: Viewer, version_id: int, table_index: int, row_index: int, column_key: str,
                    text: str) -> Version:
    """Correct one cell of a draft; the draft is re-checked and its findings replaced."""
    store = request.app.state.store
    text = text.strip()
    try:
        value = parse_amount(text)
    except ValueError:
        raise UploadError(f"“{text[:40]}”不是金额", 422, "invalid") from None

    def go():
        with store.session() as s:
            version = s.get(Version, version_id)
            if version is None:
                raise NotFound(version_id)
            document = s.get(Document, version.document_id)
            v.require("edit", document.unit_id)
            workflow.require_editable(version)
            doc = queries.load_disclosure(version)
            if not 0 <= table_index < len(doc.tables):
                raise StoreError("表序号超出范围")
            t = doc.tables[table_index]
            if not 0 <= row_index < len(t.rows) or t.column(column_key) is None:
                raise StoreError("行或列不存在")
            row = t.rows[row_index]
            old = row.cells.get(column_key)
            from ..model import Cell, Location

            loc = old.location if old else Location(table=t.id, row=row.seq, column=t.column(column_key).header,
                                                    subject_code=row.code, unit_code=t.unit_code)
            cells = dict(row.cells)
            cells[column_key] = Cell(text=text, value=value, location=loc)
            rows = list(t.rows)
            rows[row_index] = replace(row, cells=cells)
            tables = list(doc.tables)
            tables[table_index] = replace(t, rows=tuple(rows))
            new_doc = replace(doc, tables=tuple(tables))
            report = check(new_doc)
            write_content(s, version, new_doc, list(report.findings))
            record(s, v.user, "edit", "version", version.id, table=t.id, row=row.seq, item=row.item,
                   column=t.column(column_key).header, old=old.text if old else None, new=text)
            return version

    try:
        return await run_in_threadpool(go)
    except NotFound:
        raise UploadError(f"版本 {version_id} 不存在", 404, "not-found") from None
