"""What every rule needs: the tables of a unit by kind, figures by role and concept.

A 部门 document may hold the department's consolidated tables and each 所属单位's; rules
run per unit group, so the department's 收支总表 is compared with the department's
支出总表, never with a subordinate unit's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..catalog import GENERIC_TABLE_ID, Catalog
from ..catalog import get as get_catalog
from ..model import Cell, Disclosure, Location, Row, Table
from ..model.finding import Finding

#: budget and final-accounts tables that play the same part
KINDS: dict[str, tuple[str, ...]] = {
    "ies": ("income_expenditure_summary", "final_income_expenditure_summary"),
    "income": ("income_summary", "final_income_summary"),
    "expenditure": ("expenditure_summary", "final_expenditure_summary"),
    "appropriation": ("appropriation_summary", "final_appropriation_summary"),
    "gbe": ("general_budget_expenditure", "final_general_budget_expenditure"),
    "gbbe": ("general_budget_basic_expenditure", "final_general_budget_basic_expenditure"),
    "three_public": ("three_public_expenses", "final_three_public_expenses"),
    "gov_fund": ("government_fund_expenditure", "final_government_fund"),
    "state_capital": ("state_capital_expenditure", "final_state_capital"),
    "procurement": ("government_procurement", "final_procurement"),
    "assets": ("fixed_assets",),
}
KIND_OF = {tid: kind for kind, ids in KINDS.items() for tid in ids}

#: roles that hold "the amount" of a side (预算数 / 决算数 / 金额 / 合计)
AMOUNT_ROLES = ("amount", "final", "total")

_TOTAL_LABEL_RE = re.compile(r"^(?:合\s*计|总\s*计|合计数)$")


@dataclass
class UnitGroup:
    unit_code: str | None
    tables: dict[str, Table] = field(default_factory=dict)

    def get(self, kind: str) -> Table | None:
        return self.tables.get(kind)


@dataclass
class Context:
    doc: Disclosure
    catalog: Catalog
    groups: list[UnitGroup]
    _steps: dict[str, Decimal] = field(default_factory=dict)

    def step(self, table: Table) -> Decimal:
        """The printing step of the document's tables in this table's unit (cached).

        Cells drop trailing zeros (``3.7`` in a table printed to 0.01) and a small table
        may have no cell with all decimals, so the step is taken over every table of the
        document printed in the same unit (see ``tolerance.table_step``).
        """
        unit = table.amount_unit
        step = self._steps.get(unit)
        if step is None:
            from .tolerance import table_step

            # (a generic table — a title the catalogue does not know — may print scores or
            # rates to other decimals than the money of the standard tables)
            same = [
                t for t in self.doc.tables if t.amount_unit == table.amount_unit and t.numeric and t.id != GENERIC_TABLE_ID
            ] or [table]
            step = self._steps[unit] = min(table_step(t) for t in same)
        return step

    @classmethod
    def of(cls, doc: Disclosure, catalog: Catalog | None = None) -> "Context":
        catalog = catalog or get_catalog()
        groups: dict[str | None, UnitGroup] = {}
        for t in doc.tables:
            kind = KIND_OF.get(t.id)
            if kind is None:
                continue
            g = groups.setdefault(t.unit_code, UnitGroup(t.unit_code))
            g.tables.setdefault(kind, t)
        return cls(doc=doc, catalog=catalog, groups=list(groups.values()))


def is_total_row(row: Row) -> bool:
    return not row.code and bool(_TOTAL_LABEL_RE.match(row.item.replace(" ", "")))


def total_row(table: Table, side: str | None = None) -> Row | None:
    for r in table.rows:
        if r.side == side and is_total_row(r):
            return r
    return None


def amount_key(table: Table, side: str | None) -> str | None:
    """The column that holds a side's amount (预算数/决算数/金额, else 合计)."""
    for role in AMOUNT_ROLES:
        k = table.key_for(role, side)
        if k:
            return k
    cols = [c for c in table.columns if c.side == side and c.kind == "amount"]
    return cols[0].key if cols else None


def value(row: Row | None, key: str | None) -> Decimal | None:
    if row is None or key is None:
        return None
    return row.value(key)


def cell(row: Row | None, key: str | None) -> Cell | None:
    if row is None or key is None:
        return None
    return row.cells.get(key)


def text(row: Row | None, key: str | None) -> str:
    c = cell(row, key)
    return c.text if c else ""


def where(table: Table, row: Row | None, key: str | None = None) -> Location:
    col = table.column(key) if key else None
    return Location(
        page=(row.page if row and row.page else table.page),
        table=table.id,
        row=row.seq if row else None,
        column=col.header if col else None,
        subject_code=row.code if row else None,
        line=row.line if row else table.line,
        unit_code=table.unit_code,
    )


def sum_finding(code: str, message: str, table: Table, row: Row, key: str, off: tuple[Decimal, Decimal]) -> Finding:
    """A printed total that is not the sum of its parts, at the total's cell: ``off`` is
    ``tolerance.sum_mismatch``'s (expected = the sum, actual = the printed total)."""
    return Finding(code=code, message=message, location=where(table, row, key), expected=off[0], actual=off[1])


def label_of(table: Table, row: Row) -> str:
    parts = []
    if row.seq:
        parts.append(f"序号{row.seq}")
    if row.code:
        parts.append(row.code)
    parts.append(f"“{row.item}”" if row.item else "")
    return " ".join(p for p in parts if p)


def fmt(v: Decimal | None) -> str:
    if v is None:
        return "空"
    from ..model.money import plain

    return plain(v)
