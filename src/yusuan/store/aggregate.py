"""Cut and drill down over the tidy cells, like OpenSpending's babbage.

``cut=year:2021|table:expenditure_summary|role:total|code_level:1`` filters (``;``
separates alternatives: ``year:2020;2021``), ``drilldown=department|class`` groups.
Only current published versions count.  Measures: ``amount`` (sum in 万元, exact, from
the integer 分 column), ``quantity`` (sum of quantity cells) and ``cells`` (count).

Summing across code levels counts the same money two or three times: cut one
``code_level`` (or ``table`` + a row) when you mean a total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..model import plain
from .db import StoreError
from .schema import Cell, Department, Subject, Unit
from .tidy import unscale


@dataclass(frozen=True)
class Dim:
    name: str
    label: str  # Chinese name for the UI
    needs: str | None  # "unit" | "department" | None: which join the column needs
    kind: str = "str"  # str | int


DIMENSIONS: dict[str, Dim] = {
    d.name: d
    for d in (
        Dim("year", "年度", None, "int"),
        Dim("phase", "阶段", None),
        Dim("unit", "单位", "unit"),
        Dim("department", "部门", "department"),
        Dim("region", "地区", "unit"),
        Dim("table", "表", None),
        Dim("code", "科目编码", None),
        Dim("code_level", "科目级次", None, "int"),
        Dim("code_kind", "科目类别", None),
        Dim("class", "类", None),
        Dim("section", "款", None),
        Dim("item", "项目", None),
        Dim("column", "栏目", None),
        Dim("role", "栏目角色", None),
        Dim("side", "收支方", None),
        Dim("row", "序号", None),
    )
}


def _columns() -> dict[str, ColumnElement]:
    return {
        "year": Cell.year,
        "phase": Cell.phase,
        "unit": Unit.code,
        "department": Department.code,
        "region": Unit.region,
        "table": Cell.table_id,
        "code": Cell.code,
        "code_level": Cell.code_level,
        "code_kind": Cell.code_kind,
        # literal positions: PostgreSQL must see the same expression in GROUP BY and ORDER BY
        "class": func.substr(Cell.code, literal_column("1"), literal_column("3")),
        "section": case((Cell.code_level >= literal_column("2"), func.substr(Cell.code, literal_column("1"), literal_column("5"))),
                        else_=None),
        "item": Cell.item,
        "column": Cell.column_header,
        "role": Cell.column_role,
        "side": Cell.side,
        "row": Cell.row,
    }


_COLUMNS = _columns()


def _column(name: str) -> ColumnElement:
    return _COLUMNS[name]


def parse_cut(text: str | None) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    if not text:
        return out
    if len(text) > 2000:
        raise StoreError("cut 过长")
    for part in text.split("|"):
        if not part.strip():
            continue
        name, sep, value = part.partition(":")
        name = name.strip()
        if not sep:
            raise StoreError(f"cut “{part}” 应写作 维度:值")
        if name not in DIMENSIONS:
            raise StoreError(f"未知维度“{name}”（可用：{', '.join(DIMENSIONS)}）")
        values = [v.strip() for v in value.split(";")]
        if DIMENSIONS[name].kind == "int":
            for v in values:
                if not v.lstrip("-").isdigit() or len(v) > 9:
                    raise StoreError(f"维度 {name} 的值必须是整数，而不是“{v}”")
        out.append((name, values))
    return out


def parse_drilldown(text: str | None) -> list[str]:
    if not text:
        return []
    names = [d.strip() for d in text.split("|") if d.strip()]
    for n in names:
        if n not in DIMENSIONS:
            raise StoreError(f"未知维度“{n}”（可用：{', '.join(DIMENSIONS)}）")
    if len(names) > 4:
        raise StoreError("drilldown 最多 4 个维度")
    return list(dict.fromkeys(names))


@dataclass
class Aggregate:
    cells: list[dict]
    summary: dict
    total_cell_count: int
    cut: list[tuple[str, list[str]]]
    drilldown: list[str]
    page: int
    pagesize: int

    def to_json(self) -> dict:
        return {
            "amount_unit": "万元",
            "cut": [{"dimension": n, "values": v} for n, v in self.cut],
            "drilldown": self.drilldown,
            "page": self.page,
            "pagesize": self.pagesize,
            "total_cell_count": self.total_cell_count,
            "summary": self.summary,
            "cells": self.cells,
        }


def _fmt(n: int | None, quantity: bool = False) -> str | None:
    if n is None:
        return None
    return plain(Decimal(n) / 100) if quantity else plain(unscale(int(n)))


def aggregate(session: Session, cut: str | None = None, drilldown: str | None = None, page: int = 1,
              pagesize: int = 100, order: str | None = None) -> Aggregate:
    cuts = parse_cut(cut)
    dims = parse_drilldown(drilldown)
    page = max(1, min(int(page), 1_000_000))
    pagesize = max(1, min(int(pagesize), 10_000))
    used = {n for n, _ in cuts} | set(dims)
    joins = {DIMENSIONS[n].needs for n in used} - {None}
    amount = func.sum(case((Cell.amount_unit.is_not(None), Cell.scaled), else_=None))
    quantity = func.sum(case((Cell.amount_unit.is_(None), Cell.scaled), else_=None))
    count = func.count()

    def base(q):
        q = q.select_from(Cell)
        if "unit" in joins:
            q = q.join(Unit, Unit.id == Cell.unit_id)
        if "department" in joins:
            q = q.join(Department, Department.id == Cell.department_id)
        q = q.where(Cell.is_current.is_(True))
        for name, values in cuts:
            col = _column(name)
            if DIMENSIONS[name].kind == "int":
                vals = [int(v) for v in values]
            else:
                vals = values
            nulls = [v for v in vals if v in ("", "null")]
            vals = [v for v in vals if v not in ("", "null")]
            cond = col.in_(vals) if vals else None
            if nulls:
                cond = col.is_(None) if cond is None else (cond | col.is_(None))
            q = q.where(cond)
        return q

    group_cols = [_column(d).label(d) for d in dims]
    summary_row = session.execute(base(select(amount, quantity, count))).one()
    summary = {"amount": _fmt(summary_row[0]), "quantity": _fmt(summary_row[1], True), "cells": summary_row[2]}
    if not dims:
        return Aggregate([], summary, 0, cuts, dims, page, pagesize)
    q = base(select(*group_cols, amount.label("amount"), quantity.label("quantity"), count.label("cells"))).group_by(*group_cols)
    n_groups = session.scalar(select(func.count()).select_from(q.subquery()))
    if order:
        key, _, direction = order.partition(":")
        if key not in ("amount", "quantity", "cells", *dims):
            raise StoreError(f"不能按“{key}”排序")
        measures = {"amount": amount, "quantity": quantity, "cells": count}
        expr = measures[key] if key in measures else _column(key)
        q = q.order_by(expr.desc() if direction == "desc" else expr.asc())
    else:
        q = q.order_by(*[_column(d) for d in dims])
    q = q.offset((page - 1) * pagesize).limit(pagesize)
    rows = session.execute(q).all()
    names = _names(session, dims, rows)
    cells = []
    for r in rows:
        m = r._mapping
        cell: dict = {}
        for d in dims:
            cell[d] = m[d]
            label = names.get((d, m[d]))
            if label is not None:
                cell[f"{d}_name"] = label
        cell["amount"] = _fmt(m["amount"])
        cell["quantity"] = _fmt(m["quantity"], True)
        cell["cells"] = m["cells"]
        cells.append(cell)
    return Aggregate(cells, summary, n_groups or 0, cuts, dims, page, pagesize)


def _names(session: Session, dims: list[str], rows) -> dict[tuple[str, object], str]:
    """Names for coded members (unit, department, code, class, section)."""
    out: dict[tuple[str, object], str] = {}
    for d in dims:
        keys = {r._mapping[d] for r in rows if r._mapping[d] is not None}
        if not keys:
            continue
        if d == "unit":
            for code, name in session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(keys))):
                out[(d, code)] = name
        elif d == "department":
            for code, name in session.execute(select(Department.code, Department.name).where(Department.code.in_(keys))):
                out[(d, code)] = name
        elif d in ("code", "class", "section"):
            for code, name in session.execute(select(Subject.code, Subject.name).where(Subject.code.in_(keys))):
                out[(d, code)] = name
    return out

