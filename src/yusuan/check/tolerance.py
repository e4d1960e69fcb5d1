"""The one rounding tolerance (documented in ``docs/tolerance.md``).

A disclosure prints amounts rounded to a unit *u* (0.01 万元, 1 元, 0.000001 万元 …): the
smallest step of the printed figures taking part in an identity.  Every printed figure is
within u/2 of the true one, so a total compared with the sum of *n* printed parts may
honestly differ by less than (n+1)/2·u; differences are multiples of u, hence:

    allowed difference = ⌊n/2⌋ · u        (n = number of non-blank parts)

One part (合计 = 基本支出 when 项目支出 is blank) allows nothing; two parts allow one unit.
Figures compared across tables (the same number printed twice) allow nothing when
printed to the same unit, and half the coarser unit when the units differ (元 vs 万元).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ..model.money import decimals


def unit_of(texts: Iterable[str]) -> Decimal:
    """The printing step: 10^-d for the most decimals printed among ``texts``."""
    d = max((decimals(t) for t in texts if t), default=0)
    return Decimal(1).scaleb(-d)


def table_step(table) -> Decimal:
    """A table's printing step: the most decimals printed in any of its cells.

    Cells may drop trailing zeros (``16.8`` in a table printed to 0.01), so the step is a
    property of the table, not of each cell.
    """
    return unit_of(c.text for r in table.rows for c in r.cells.values())


def allowed(n_parts: int, step: Decimal) -> Decimal:
    return step * (max(n_parts, 0) // 2)


def sum_ok(total: Decimal, parts: list[Decimal], step: Decimal) -> bool:
    """``total`` equals Σ ``parts`` within the rounding of ``len(parts)`` printed figures."""
    diff = abs(total - sum(parts, Decimal(0)))
    return diff <= allowed(len(parts), step)


def sum_mismatch(total: Decimal | None, parts: Iterable[Decimal | None], step: Decimal) -> tuple[Decimal, Decimal] | None:
    """``(expected, actual)`` when a printed total (blank: 0) is not the sum of its printed
    parts within the tolerance; ``None`` when it is, or when the total and every part are blank."""
    vals = [v for v in parts if v is not None]
    if total is None and not any(vals):
        return None
    actual = total if total is not None else Decimal(0)
    if sum_ok(actual, vals, step):
        return None
    return sum(vals, Decimal(0)), actual


def same_ok(a: Decimal, b: Decimal, step_a: Decimal, step_b: Decimal) -> bool:
    """The same figure printed twice (maybe in different units, already converted)."""
    if step_a == step_b:
        return a == b
    return abs(a - b) <= max(step_a, step_b) / 2
