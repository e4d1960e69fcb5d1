"""The rollup: current published cells summed per year × phase × department × region ×
table × column role × code, so that the all-units aggregates read thousands of rows
instead of millions.

It is kept exact in the transaction that changes what is current: publishing a version
adds its cells (``add(session, [id])``), superseding one subtracts them
(``add(session, [id], -1)``), both as upserts on the unique key; groups that fall to zero
cells are deleted, so the rollup holds exactly the groups a live ``GROUP BY`` over the
current cells would give.  ``rebuild`` recomputes it from the cells (after a bulk load, in
the migration that introduced it, and in the tests that hold it to the live query).

Absent values are stored as ``''`` (``0`` for a department): a unique key must not
contain NULL on either database.  ``store.aggregate`` maps them back.
"""

from __future__ import annotations

from sqlalchemy import Integer, case, delete, func, literal, select
from sqlalchemy.orm import Session

from .schema import Cell, Rollup, Unit

#: the key of a rollup row, in the order of its unique index
KEY = ("year", "table_id", "column_role", "code_level", "code", "phase", "department_id", "region", "code_kind", "side",
       "is_amount")


def _grouped(where):
    """``SELECT key…, sum(scaled), count(*)`` over the cells matching ``where``."""
    cols = [
        Cell.year,
        Cell.table_id,
        func.coalesce(Cell.column_role, literal("")),
        Cell.code_level,
        func.coalesce(Cell.code, literal("")),
        Cell.phase,
        func.coalesce(Cell.department_id, literal(0, Integer)),
        func.coalesce(Unit.region, literal("")),
        func.coalesce(Cell.code_kind, literal("")),
        func.coalesce(Cell.side, literal("")),
        case((Cell.amount_unit.is_not(None), literal(True)), else_=literal(False)),
    ]
    labelled = [c.label(k) for c, k in zip(cols, KEY)]
    return (
        select(*labelled, func.sum(Cell.scaled).label("total"), func.count().label("cells"))
        .select_from(Cell)
        .join(Unit, Unit.id == Cell.unit_id)
        .where(where)
        .group_by(*cols)
    )


def _upsert(session: Session):
    table = Rollup.__table__
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in KEY],
        set_={"total": table.c.total + stmt.excluded.total, "cells": table.c.cells + stmt.excluded.cells},
    )


def add(session: Session, version_ids: list[int], sign: int = 1) -> int:
    """Add (``sign=1``) or subtract (``-1``) the cells of ``version_ids``; returns the groups touched."""
    if not version_ids:
        return 0
    # groups merged across chunks: one upsert statement may touch a row only once
    merged: dict[tuple, dict] = {}
    for i in range(0, len(version_ids), 500):
        for r in session.execute(_grouped(Cell.version_id.in_(version_ids[i : i + 500]))):
            m = dict(r._mapping)
            m["is_amount"] = bool(m["is_amount"])
            k = tuple(m[c] for c in KEY)
            if k in merged:
                merged[k]["total"] += sign * int(m["total"])
                merged[k]["cells"] += sign * int(m["cells"])
            else:
                m["total"] = sign * int(m["total"])
                m["cells"] = sign * int(m["cells"])
                merged[k] = m
    rows = list(merged.values())
    if not rows:
        return 0
    years = {m["year"] for m in rows}
    session.execute(_upsert(session), rows)
    if sign < 0:
        session.execute(delete(Rollup).where(Rollup.year.in_(sorted(years)), Rollup.cells == 0))
    return len(rows)


def rebuild(session: Session) -> int:
    """Recompute the whole rollup from the current cells; returns its row count."""
    session.execute(delete(Rollup))
    q = _grouped(Cell.is_current.is_(True))
    session.execute(Rollup.__table__.insert().from_select([*KEY, "total", "cells"], q))
    return session.scalar(select(func.count()).select_from(Rollup)) or 0


def matches(session: Session) -> bool:
    """Whether the rollup equals a fresh ``GROUP BY`` over the current cells (for checks and tests)."""
    live = {tuple(r[:-2]): (int(r[-2]), int(r[-1])) for r in session.execute(_grouped(Cell.is_current.is_(True)))}
    stored = {
        tuple(r[:-2]): (int(r[-2]), int(r[-1]))
        for r in session.execute(select(*[Rollup.__table__.c[k] for k in KEY], Rollup.total, Rollup.cells))
    }
    norm = lambda d: {k[:-1] + (bool(k[-1]),): v for k, v in d.items()}  # noqa: E731 - 0/1 vs False/True
    return norm(live) == norm(stored)


__all__ = ["KEY", "add", "matches", "rebuild"]
