"""指标值 → comparator, number and unit (``≥95 百分比`` → ``≥``, 95, ``%``).

One reading for both directions: the parser splits the 指标值 a document prints, compile
splits the one a clerk types.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_VALUE_RE = re.compile(
    r"^(?P<cmp>[≥≤><=＞＜＝]|大于等于|小于等于|不低于|不高于|不少于|不超过|大于|小于|达到)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|％|百分比|[\u4e00-\u9fff]{1,4}|[a-zA-Z/²³]{1,6})?$"
)
_CMP = {
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "达到": "≥",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "大于": ">",
    "小于": "<",
}
_WS_RE = re.compile(r"\s+")


@lru_cache(maxsize=1 << 14)
def split_value(text: str) -> tuple[str | None, Decimal | None, str | None]:
    """``≥95 百分比`` → (``≥``, 95, ``%``); text without a number → (None, None, None)."""
    t = _WS_RE.sub("", text or "").rstrip("。.")
    m = _VALUE_RE.match(t)
    if not m:
        return None, None, None
    try:
        num = Decimal(m.group("num"))
    except InvalidOperation:
        return None, None, None
    cmp_ = m.group("cmp")
    cmp_ = _CMP.get(cmp_, cmp_) if cmp_ else None
    unit = m.group("unit")
    if unit in ("百分比", "％"):
        unit = "%"
    return cmp_, num, unit
