"""Performance targets: the 指标值 fits its indicator.

A 率 indicator (completion rate, satisfaction rate …) is a percentage: a value given in
人, 件, 元 … is a mistake in the target table (seed: 涉军公益岗人员适岗率 “4 人”).
"""

from __future__ import annotations

from typing import Iterable

from ...model import Disclosure
from ...model.finding import Finding
from ..context import Context

_PERCENT_UNITS = {"%", None}


def check_indicator_units(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """率 indicators carry a percentage."""
    for p in doc.performance:
        for ind in p.indicators:
            name = ind.level3 or ind.description
            if "率" not in name or ind.number is None:
                continue
            if ind.unit in _PERCENT_UNITS or ind.unit in ("百分点",):
                continue
            yield Finding(
                code="indicator-unit-mismatch",
                message=f"{p.title}：“{name}”是比率指标，指标值却是“{ind.value_text}”",
                location=ind.location,
            )
