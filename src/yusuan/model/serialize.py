"""Disclosure ⇄ plain dicts (for JSON).  Amounts travel as strings, never floats.

``to_dict`` and ``from_dict`` are exact inverses: ``from_dict(to_dict(d)) == d``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .core import (
    Amount,
    Cell,
    Column,
    Disclosure,
    Indicator,
    Location,
    Organisation,
    PerformanceTable,
    Row,
    Section,
    Table,
    Unit,
)
from .money import AmountUnit

FORMAT = "yusuan.disclosure/1"


def _loc(loc: Location) -> dict[str, Any]:
    return {k: getattr(loc, k) for k in Location.__slots__ if getattr(loc, k) is not None}


def _dec(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def to_dict(doc: Disclosure) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "title": doc.title,
        "issuer": doc.issuer,
        "phase": doc.phase,
        "scope": doc.scope,
        "year": doc.year,
        "amount_unit": str(doc.amount_unit),
        "source": doc.source,
        "pages": doc.pages,
        "units": [{"code": u.code, "name": u.name} for u in doc.units],
        "tables": [_table(t) for t in doc.tables],
        "sections": [
            {
                "heading": s.heading,
                "text": s.text,
                "page": s.page,
                "line": s.line,
                "amounts": [
                    {
                        "value": _dec(a.value),
                        "text": a.text,
                        "label": a.label,
                        "unit": str(a.unit) if a.unit else None,
                        "kind": a.kind,
                        "sentence": a.sentence,
                        "year": a.year,
                        "location": _loc(a.location),
                    }
                    for a in s.amounts
                ],
            }
            for s in doc.sections
        ],
        "organisations": [{"name": o.name, "nature": o.nature, "rank": o.rank, "funding": o.funding} for o in doc.organisations],
        "performance": [
            {
                "title": p.title,
                "project": p.project,
                "target": p.target,
                "amount": _dec(p.amount),
                "page": p.page,
                "line": p.line,
                "unit_code": p.unit_code,
                "indicators": [
                    {
                        "level1": i.level1,
                        "level2": i.level2,
                        "level3": i.level3,
                        "description": i.description,
                        "value_text": i.value_text,
                        "comparator": i.comparator,
                        "number": _dec(i.number),
                        "unit": i.unit,
                        "basis": i.basis,
                        "location": _loc(i.location),
                    }
                    for i in p.indicators
                ],
            }
            for p in doc.performance
        ],
        "glossary": [[t, d] for t, d in doc.glossary],
        "empty_table_notes": dict(doc.empty_table_notes),
    }


def _table(t: Table) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": t.title,
        "amount_unit": str(t.amount_unit),
        "unit_code": t.unit_code,
        "unit_name": t.unit_name,
        "note": t.note,
        "pages": list(t.pages),
        "numeric": t.numeric,
        "line": t.line,
        "columns": [
            {
                "key": c.key,
                "header": c.header,
                "role": c.role,
                "path": list(c.path),
                "number": c.number,
                "side": c.side,
                "kind": c.kind,
            }
            for c in t.columns
        ],
        "rows": [
            {
                "seq": r.seq,
                "code": r.code,
                "label": r.label,
                "item": r.item,
                "side": r.side,
                "codes": dict(r.codes),
                "unit_code": r.unit_code,
                "page": r.page,
                "line": r.line,
                "cells": {k: {"text": c.text, "value": _dec(c.value)} for k, c in r.cells.items()},
            }
            for r in t.rows
        ],
    }


def _d(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def from_dict(data: dict[str, Any]) -> Disclosure:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a yusuan disclosure (format {data.get('format')!r}, expected {FORMAT!r})")
    tables = []
    for t in data.get("tables", []):
        columns = tuple(
            Column(
                key=c["key"],
                header=c["header"],
                role=c.get("role"),
                path=tuple(c.get("path", ())),
                number=c.get("number"),
                side=c.get("side"),
                kind=c.get("kind", "amount"),
            )
            for c in t.get("columns", [])
        )
        headers = {c.key: c.header for c in columns}
        rows = []
        for r in t.get("rows", []):
            cells = {}
            for k, c in r.get("cells", {}).items():
                loc = Location(
                    page=r.get("page"),
                    table=t["id"],
                    row=r.get("seq"),
                    column=headers.get(k, k),
                    subject_code=r.get("code"),
                    line=r.get("line"),
                    unit_code=t.get("unit_code"),
                )
                cells[k] = Cell(text=c.get("text", ""), value=_d(c.get("value")), location=loc)
            rows.append(
                Row(
                    label=r.get("label", ""),
                    cells=cells,
                    seq=r.get("seq"),
                    code=r.get("code"),
                    side=r.get("side"),
                    codes=dict(r.get("codes") or {}),
                    unit_code=r.get("unit_code"),
                    page=r.get("page"),
                    line=r.get("line"),
                )
            )
        tables.append(
            Table(
                id=t["id"],
                title=t.get("title", ""),
                columns=columns,
                rows=tuple(rows),
                amount_unit=AmountUnit(t.get("amount_unit", "万元")),
                unit_code=t.get("unit_code"),
                unit_name=t.get("unit_name"),
                note=t.get("note"),
                pages=tuple(t.get("pages", ())),
                numeric=t.get("numeric", True),
                line=t.get("line"),
            )
        )
    sections = tuple(
        Section(
            heading=s.get("heading", ""),
            text=s.get("text", ""),
            page=s.get("page"),
            line=s.get("line"),
            amounts=tuple(
                Amount(
                    value=Decimal(a["value"]),
                    text=a.get("text", ""),
                    label=a.get("label", ""),
                    unit=AmountUnit(a["unit"]) if a.get("unit") else None,
                    kind=a.get("kind", "amount"),
                    sentence=a.get("sentence", ""),
                    year=a.get("year"),
                    location=Location(**a.get("location", {})),
                )
                for a in s.get("amounts", [])
            ),
        )
        for s in data.get("sections", [])
    )
    performance = tuple(
        PerformanceTable(
            title=p.get("title", ""),
            project=p.get("project"),
            target=p.get("target", ""),
            amount=_d(p.get("amount")),
            page=p.get("page"),
            line=p.get("line"),
            unit_code=p.get("unit_code"),
            indicators=tuple(
                Indicator(
                    level1=i.get("level1", ""),
                    level2=i.get("level2", ""),
                    level3=i.get("level3", ""),
                    description=i.get("description", ""),
                    value_text=i.get("value_text", ""),
                    comparator=i.get("comparator"),
                    number=_d(i.get("number")),
                    unit=i.get("unit"),
                    basis=i.get("basis", ""),
                    location=Location(**i.get("location", {})),
                )
                for i in p.get("indicators", [])
            ),
        )
        for p in data.get("performance", [])
    )
    return Disclosure(
        title=data.get("title", ""),
        issuer=data.get("issuer"),
        phase=data.get("phase"),
        scope=data.get("scope"),
        year=data.get("year"),
        amount_unit=AmountUnit(data.get("amount_unit", "万元")),
        source=data.get("source"),
        pages=data.get("pages", 0),
        units=tuple(Unit(code=u.get("code"), name=u["name"]) for u in data.get("units", [])),
        tables=tuple(tables),
        sections=sections,
        organisations=tuple(
            Organisation(name=o["name"], nature=o.get("nature"), rank=o.get("rank"), funding=o.get("funding"))
            for o in data.get("organisations", [])
        ),
        performance=performance,
        glossary=tuple((g[0], g[1]) for g in data.get("glossary", [])),
        empty_table_notes=dict(data.get("empty_table_notes", {})),
    )
