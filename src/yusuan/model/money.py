"""Money as printed: ``Decimal`` amounts that remember their text and their unit.

A disclosure prints amounts in 元 or 万元, with thousands separators, blanks and
dashes.  ``parse_amount`` turns the printed text into a ``Decimal`` (or ``None`` for a
blank cell); nothing in yusuan ever holds money in a ``float``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache


class AmountUnit(StrEnum):
    """The unit a document (or a table) prints its amounts in."""

    YUAN = "元"
    WAN = "万元"

    @property
    def factor(self) -> Decimal:
        """How many 元 one printed unit is."""
        return _FACTORS[self]


_FACTORS = {AmountUnit.YUAN: Decimal(1), AmountUnit.WAN: Decimal(10000)}

#: Printed forms that mean "no amount" (a blank cell).
BLANKS = frozenset({"", "-", "--", "---", "—", "——", "－", "/", "／", "…", "…………", "0-"})

#: thousands separators: ``1,234,567``; some publishers' spreadsheets group only the last
#: three digits (``125360,898`` for 125,360,898), so the leading group may be longer
_AMOUNT_RE = re.compile(r"^[-−－]?\(?[-−－]?\d+(?:[,，]\d{3})+(?:\.\d+)?\)?$|^[-−－]?\(?\d+(?:\.\d+)?\)?$|^[-−－]?\.\d+$")
_DASHES = str.maketrans({"−": "-", "－": "-", "，": ",", "．": "."})


@lru_cache(maxsize=1 << 16)
def is_amount(text: str) -> bool:
    """True when ``text`` is a printed number (``1,234.56``, ``-19,000``, ``0``, ``(3.5)``)."""
    t = text.strip().translate(_DASHES)
    return bool(t) and bool(_AMOUNT_RE.match(t))


@lru_cache(maxsize=1 << 16)
def parse_amount(text: str | None) -> Decimal | None:
    """Printed amount → ``Decimal``; blanks and dashes → ``None``.

    Raises ``ValueError`` for text that is neither a number nor a blank, so callers
    decide whether that is a finding or a label.  Cached: a document prints the same
    figures many times (a total in several tables, 0.00 in many cells), and a ``Decimal``
    is immutable, so one value can serve them all.
    """
    if text is None:
        return None
    t = text.strip().translate(_DASHES).replace(" ", "")
    if t in BLANKS:
        return None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1]
    t = t.replace(",", "")
    try:
        value = Decimal(t)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return -value if negative else value


def decimals(text: str) -> int:
    """Number of decimals printed in ``text`` (``"16.8"`` → 1, ``"451"`` → 0)."""
    t = text.strip()
    if "." not in t:
        return 0
    return len(t.rsplit(".", 1)[1].rstrip(")"))


def convert(value: Decimal, source: AmountUnit | str, target: AmountUnit | str) -> Decimal:
    """Convert ``value`` from ``source`` unit to ``target`` unit exactly."""
    s, t = _unit(source), _unit(target)
    if s == t:
        return value
    return value * _FACTORS[s] / _FACTORS[t]


#: units by value (a ``StrEnum`` member hashes as its text, so members and strings both
#: find theirs); ``AmountUnit(text)`` costs an enum lookup on every one of many conversions
_UNITS_BY_TEXT = {u.value: u for u in AmountUnit}


def _unit(unit: AmountUnit | str) -> AmountUnit:
    found = _UNITS_BY_TEXT.get(unit)
    return found if found is not None else AmountUnit(unit)  # raises for a bad unit


def plain(value: Decimal) -> str:
    """A plain decimal string without exponent or trailing zeros (``Decimal('16.80')`` → ``16.8``)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def unit_from_text(text: str) -> AmountUnit | None:
    """Find the amount unit in a page header such as ``单位：万元`` or ``金额单位：元``."""
    if "单位" not in text:
        return None  # most lines: no need for the regex
    m = _UNIT_RE.search(text)
    if m:
        return AmountUnit(m.group(1))
    return None


_UNIT_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
