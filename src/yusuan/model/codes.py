"""Subject codes (科目编码) and their tree.

* 功能分类 (functional classification): 3 digits 类 (class), 5 digits 款 (section),
  7 digits 项 (item) — ``201`` ⊃ ``20103`` ⊃ ``2010308``.
* 部门经济分类 (departmental economic classification): ``301`` ⊃ ``30101`` (some
  provinces add a 7-digit level, ``3021101``).
* 政府经济分类 (government economic classification): ``501`` ⊃ ``50101``.

Text extraction damages codes (``210110 1``), and some layouts print a code as separate
类/款/项 columns (``208   05   01``).  ``join_code`` and ``repair_code`` put them back
together; the caller records the repair as a finding.
"""

from __future__ import annotations

import re
from enum import StrEnum


class CodeKind(StrEnum):
    FUNCTIONAL = "functional"
    ECONOMIC = "economic"
    GOV_ECONOMIC = "gov_economic"
    UNIT = "unit"


_CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_WS_RE = re.compile(r"\s+")


def is_code(text: str) -> bool:
    """A subject code: 3, 5 or 7 digits starting with 2 (功能), 3 (部门经济) or 5 (政府经济)."""
    return bool(_CODE_RE.match(text)) and text[0] in "2359"


def code_kind(code: str) -> CodeKind | None:
    if not is_code(code):
        return None
    return {"2": CodeKind.FUNCTIONAL, "3": CodeKind.ECONOMIC, "5": CodeKind.GOV_ECONOMIC}.get(code[0])


def level(code: str) -> int:
    """1 for 类, 2 for 款, 3 for 项 (``len`` 3/5/7)."""
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


LEVEL_NAMES = {1: "类", 2: "款", 3: "项"}


def parent(code: str) -> str | None:
    """``2010308`` → ``20103`` → ``201`` → ``None``."""
    if len(code) <= 3:
        return None
    return code[:-2]


def ancestors(code: str) -> list[str]:
    out = []
    p = parent(code)
    while p:
        out.append(p)
        p = parent(p)
    return out


def repair_code(text: str) -> str | None:
    """Join a code broken by whitespace (``210110 1`` → ``2101101``); ``None`` if not a code."""
    joined = _WS_RE.sub("", text)
    if is_code(joined):
        return joined
    return None


def join_code(parts: list[str]) -> str | None:
    """Codes printed as 类/款/项 columns: ``["208", "05", "01"]`` → ``2080501``."""
    parts = [p for p in (x.strip() for x in parts) if p]
    if not parts or len(parts[0]) != 3:
        return None
    if any(len(p) != 2 for p in parts[1:]) or len(parts) > 3:
        return None
    code = "".join(parts)
    return code if is_code(code) else None
