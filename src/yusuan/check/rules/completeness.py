"""Completeness: the tables the disclosure rules require, published even when empty.

A required table that is missing is an error (《地方预决算公开操作规程》: 部门预算公开 at least
the eight/nine standard tables; 空表列示 with a note when there is no data).  Documents
that publish tables and narrative separately (北京's 报表 and 情况说明) are told apart by
their content and reported as such instead.
"""

from __future__ import annotations

from typing import Iterable

from ...model import Disclosure, Location
from ...model.finding import Finding
from ..context import Context


def _kind(doc: Disclosure) -> str:
    """tables | narrative | full: what this document holds."""
    has_tables = any(t.numeric and (t.rows or t.note) for t in doc.tables)
    has_narrative = sum(len(s.amounts) for s in doc.sections) >= 3 or any("说明" in s.heading for s in doc.sections)
    if not has_tables and has_narrative:
        return "narrative"
    if has_tables and not has_narrative:
        return "tables"
    return "full"


def check_required_tables(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """Every required standard table of the document's phase is present (空表列示 counts)."""
    kind = _kind(doc)
    if kind == "narrative":
        yield Finding(
            code="tables-published-separately",
            message="本文件只有情况说明，公开表格在另一文件中；请与报表文件一起检查",
            location=Location(),
        )
        return
    if kind == "tables":
        yield Finding(code="narrative-missing", message="本文件只有公开报表，没有情况说明", location=Location())
    phase = doc.phase or "预算"
    present = {t.id for t in doc.tables}
    for spec in ctx.catalog.tables:
        if spec.phase != phase or spec.id in present or not (spec.required or spec.recommended):
            continue
        yield Finding(
            code="table-missing" if spec.required else "table-missing-recommended",
            message=f"缺少《{spec.name}》（无数据时也应空表列示）",
            location=Location(table=spec.id),
        )
    for t in doc.tables:
        tspec = ctx.catalog.table_by_id.get(t.id)
        if tspec is None or not tspec.required or not t.numeric:
            continue
        if not t.rows and not t.note:
            yield Finding(
                code="table-empty-without-note",
                message=f"《{t.title}》为空表，但没有说明原因",
                location=Location(table=t.id, page=t.page, unit_code=t.unit_code),
            )
