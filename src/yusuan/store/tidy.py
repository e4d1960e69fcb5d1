"""A disclosure's numeric cells in tidy form, as the ``cells`` table stores them.

The fields are exactly the open-data CSV contract of README.md (``unit_code, unit_name,
year, table, row, code, item, column, value, amount_unit``, produced the same way as
``render.opendata.csv_records``; a test holds the two together) plus what aggregation
needs: the column's key, role and side, the code's level (1 类 / 2 款 / 3 项) and kind,
the positions of table and row, and ``scaled`` — the amount as an exact integer in 分
(amount × unit factor × 100; quantities × 100).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Iterator

from ..model import AmountUnit, Disclosure, plain
from ..model.codes import code_kind, level

_HUNDRED = Decimal(100)
#: largest integer we store (PostgreSQL BIGINT); anything larger is not a real budget amount
_MAX = 2**63 - 1


@dataclass(frozen=True, slots=True)
class TidyCell:
    unit_code: str
    unit_name: str
    year: int | None
    table: str
    table_index: int
    row_index: int
    row: str
    code: str
    code_level: int
    code_kind: str | None
    item: str
    column: str
    column_key: str
    column_role: str | None
    side: str | None
    value: str
    scaled: int
    amount_unit: str

    def csv(self) -> tuple[str, ...]:
        """The open-data CSV record of this cell."""
        return (
            self.unit_code,
            self.unit_name,
            str(self.year or ""),
            self.table,
            self.row,
            self.code,
            self.item,
            self.column,
            self.value,
            self.amount_unit,
        )


def scale(value: Decimal, unit: AmountUnit | None) -> int:
    """Exact integer of ``value``: 分 for amounts (``451.83`` 万元 → 451830000), ×100 for quantities."""
    factor = unit.factor if unit is not None else Decimal(1)
    n = int((value * factor * _HUNDRED).to_integral_value(rounding=ROUND_HALF_EVEN))
    if abs(n) > _MAX:
        raise ValueError(f"amount out of range: {value}")
    return n


def unscale(n: int, unit: AmountUnit | None = AmountUnit.WAN) -> Decimal:
    """Integer from ``scale`` back to a ``Decimal`` in ``unit`` (万元 by default)."""
    factor = unit.factor if unit is not None else Decimal(1)
    return Decimal(n) / (factor * _HUNDRED)


def tidy_cells(doc: Disclosure) -> Iterator[TidyCell]:
    """Every non-blank numeric cell of ``doc``'s numeric tables, in document order."""
    default = doc.unit
    for ti, t in enumerate(doc.tables):
        if not t.numeric:
            continue
        unit_code = t.unit_code or (default.code if default else None) or ""
        unit_name = t.unit_name or (default.name if default else None) or ""
        by_key = {c.key: c for c in t.columns}
        for ri, r in enumerate(t.rows):
            code = r.code or ""
            kind = code_kind(code) if code else None
            kind_text = str(kind) if kind else None
            code_level = level(code) if kind else 0
            item = r.item
            row_seq = r.seq or ""
            for key, cell in r.cells.items():
                col = by_key.get(key)
                if col is None or cell.value is None or col.kind == "text":
                    continue
                quantity = col.kind == "quantity"
                yield TidyCell(
                    unit_code=unit_code,
                    unit_name=unit_name,
                    year=doc.year,
                    table=t.id,
                    table_index=ti,
                    row_index=ri,
                    row=row_seq,
                    code=code,
                    code_level=code_level,
                    code_kind=kind_text,
                    item=item,
                    column=col.header,
                    column_key=col.key,
                    column_role=col.role,
                    side=col.side,
                    value=plain(cell.value),
                    scaled=scale(cell.value, None if quantity else t.amount_unit),
                    amount_unit="" if quantity else str(t.amount_unit),
                )
