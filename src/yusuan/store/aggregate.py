"""Cut and drill down over the tidy cells, like OpenSpending's babbage.

``cut=year:2021|table:expenditure_summary|role:total|code_level:1`` filters (``;``
separates alternatives: ``year:2020;2021``), ``drilldown=department|class`` groups.
Only current published versions count.  Measures: ``amount`` (sum in 万元, exact, from
the integer 分 column), ``quantity`` (sum of quantity cells) and ``cells`` (count).

Summing across code levels counts the same money two or three times: cut one
``code_level`` (or ``table`` + a row) when you mean a total.

Queries whose dimensions are all in the rollup (``store.rollup``: year, phase,
department, region, table, code and its class/section/level/kind, role, side) read it
instead of the cells — the same exact integers, summed once more; ``unit``, ``item``,
``column`` and ``row`` need the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..model import plain
from .db import StoreError
from .schema import Cell, Department, Rollup, Subject, Unit
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


#: dimensions the rollup can answer (the others need the cells: unit, item, column, row)
ROLLUP_DIMENSIONS = frozenset(("year", "phase", "department", "region", "table", "code", "code_level", "code_kind", "class",
                               "section", "role", "side"))


class _Source:
    """Where an aggregate reads from: the live cells, or the rollup (``store.rollup``)."""

    def __init__(self, use_rollup: bool) -> None:
        self.rollup = use_rollup
        if not use_rollup:
            self.columns = _COLUMNS
            self.amount = func.sum(case((Cell.amount_unit.is_not(None), Cell.scaled), else_=None))
            self.quantity = func.sum(case((Cell.amount_unit.is_(None), Cell.scaled), else_=None))
            self.count = func.count()
            return
        R = Rollup
        blank = literal_column("''")

        def opt(col):  # '' stands for NULL in the rollup's key
            return func.nullif(col, blank)

        self.columns = {
            "year": R.year,
            "phase": R.phase,
            "department": Department.code,
            "region": opt(R.region),
            "table": R.table_id,
            "code": opt(R.code),
            "code_level": R.code_level,
            "code_kind": opt(R.code_kind),
            "class": opt(func.substr(R.code, literal_column("1"), literal_column("3"))),
            "section": case((R.code_level >= literal_column("2"), opt(func.substr(R.code, literal_column("1"), literal_column("5")))),
                            else_=None),
            "role": opt(R.column_role),
            "side": opt(R.side),
        }
        # cuts on the stored columns themselves, so that the key index serves them
        self.raw = {"region": R.region, "code": R.code, "code_kind": R.code_kind, "role": R.column_role, "side": R.side}
        self.amount = func.sum(case((R.is_amount.is_(True), R.total), else_=None))
        self.quantity = func.sum(case((R.is_amount.is_(False), R.total), else_=None))
        self.count = func.sum(R.cells)

    def base(self, q, joins: set, cuts):
        if self.rollup:
            q = q.select_from(Rollup)
            if "department" in joins:
                q = q.join(Department, Department.id == Rollup.department_id)
        else:
            q = q.select_from(Cell)
            if "unit" in joins:
                q = q.join(Unit, Unit.id == Cell.unit_id)
            if "department" in joins:
                q = q.join(Department, Department.id == Cell.department_id)
            q = q.where(Cell.is_current.is_(True))
        for name, values in cuts:
            if DIMENSIONS[name].kind == "int":
                vals = [int(v) for v in values]
            else:
                vals = values
            nulls = [v for v in vals if v in ("", "null")]
            vals = [v for v in vals if v not in ("", "null")]
            raw = self.raw.get(name) if self.rollup else None
            if raw is not None:
                cond = raw.in_(vals) if vals else None
                if nulls:
                    cond = (raw == "") if cond is None else (cond | (raw == ""))
            else:
                col = self.columns[name]
                cond = col.in_(vals) if vals else None
                if nulls:
                    cond = col.is_(None) if cond is None else (cond | col.is_(None))
            q = q.where(cond)
        return q


def _int(n):
    return None if n is None else int(n)


#: groups an aggregate reads in one pass (more: a count query and the page alone)
ALL_GROUPS_LIMIT = 20_000


def _sum(values):
    """SQL's SUM over groups' sums: ``None`` when every one is ``None``."""
    present = [int(v) for v in values if v is not None]
    return sum(present) if present else None


def _summary(amount, quantity, cells) -> dict:
    return {"amount": _fmt(_int(amount)), "quantity": _fmt(_int(quantity), True), "cells": _int(cells) or 0}


def aggregate(session: Session, cut: str | None = None, drilldown: str | None = None, page: int = 1,
              pagesize: int = 100, order: str | None = None, use_rollup: bool | None = None) -> Aggregate:
    """Cut and drill down; answered from the rollup whenever every dimension used is in it.

    ``use_rollup=False`` forces the live query over the cells (tests compare the two).
    """
    cuts = parse_cut(cut)
    dims = parse_drilldown(drilldown)
    page = max(1, min(int(page), 1_000_000))
    pagesize = max(1, min(int(pagesize), 10_000))
    used = {n for n, _ in cuts} | set(dims)
    joins = {DIMENSIONS[n].needs for n in used} - {None}
    if use_rollup is None:
        use_rollup = used <= ROLLUP_DIMENSIONS
    elif use_rollup and not used <= ROLLUP_DIMENSIONS:
        raise StoreError("汇总表不含维度：" + "、".join(sorted(used - ROLLUP_DIMENSIONS)))
    src = _Source(use_rollup)
    amount, quantity, count = src.amount, src.quantity, src.count

    group_cols = [src.columns[d].label(d) for d in dims]
    if not dims:
        summary_row = session.execute(src.base(select(amount, quantity, count), joins, cuts)).one()
        return Aggregate([], _summary(*summary_row), 0, cuts, dims, page, pagesize)
    q = src.base(select(*group_cols, amount.label("amount"), quantity.label("quantity"), count.label("cells")), joins,
                 cuts).group_by(*group_cols)
    if order:
        key, _, direction = order.partition(":")
        if key not in ("amount", "quantity", "cells", *dims):
            raise StoreError(f"不能按“{key}”排序")
        measures = {"amount": amount, "quantity": quantity, "cells": count}
        expr = measures[key] if key in measures else src.columns[key]
        q = q.order_by(expr.desc() if direction == "desc" else expr.asc())
    else:
        q = q.order_by(*[src.columns[d] for d in dims])
    # one pass over the data: every group read at once, the summary and the number of groups
    # summed from them, the page cut here — unless the groups are too many to hold
    every = session.execute(q.limit(ALL_GROUPS_LIMIT + 1)).all()
    if len(every) <= ALL_GROUPS_LIMIT:
        n_groups = len(every)
        summary = _summary(*(_sum(r[i] for r in every) for i in (-3, -2, -1)))
        rows = every[(page - 1) * pagesize : page * pagesize]
    else:
        summary = _summary(*session.execute(src.base(select(amount, quantity, count), joins, cuts)).one())
        n_groups = session.scalar(select(func.count()).select_from(q.order_by(None).subquery()))
        rows = session.execute(q.offset((page - 1) * pagesize).limit(pagesize)).all()
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
        cell["amount"] = _fmt(_int(m["amount"]))
        cell["quantity"] = _fmt(_int(m["quantity"]), True)
        cell["cells"] = _int(m["cells"])
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

