"""Departments, units and regions from what a disclosure prints.

A disclosure names its unit (``542001 石家庄市鹿泉区信访局本级``) and its issuer
(``石家庄市鹿泉区信访局``).  In the budget systems we have seen, a 6-digit unit code is
the 3-digit department code plus a 3-digit unit number (``542`` ⊃ ``542001``), and the
region is the leading place name of the issuer (``石家庄市鹿泉区``).  These are
heuristics; ``yusuan ingest --department/--region`` overrides them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..model import Disclosure

_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:特别行政区|自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗)")
_NOT_PLACE = re.compile(r"[局委院办部厅所站队校馆会中心社司]")
_UNIT_SUFFIX_RE = re.compile(r"(?:本级|机关)$")


def region_of(name: str | None) -> str | None:
    """``石家庄市鹿泉区信访局`` → ``石家庄市鹿泉区``; ``None`` when no place name leads."""
    if not name:
        return None
    rest, out = re.sub(r"\s+", "", name), ""
    for _ in range(3):
        m = _PLACE_RE.match(rest)
        if not m or _NOT_PLACE.search(m.group(0)):
            break
        out += m.group(0)
        rest = rest[m.end() :]
    return out or None


def synthetic_code(name: str) -> str:
    """A stable code for a unit printed without one (``N`` + 8 hex digits of its name)."""
    return "N" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Org:
    unit_code: str
    unit_name: str
    department_code: str
    department_name: str
    region: str | None


def org_of(doc: Disclosure, unit_code: str | None = None, unit_name: str | None = None,
           department: str | None = None, region: str | None = None) -> Org:
    """The unit, department and region a disclosure (or one of its unit's tables) belongs to."""
    main = doc.unit
    name = unit_name or (main.name if main else None) or doc.issuer or doc.title or "未命名单位"
    code = unit_code or (main.code if main and unit_name is None else None) or synthetic_code(name)
    issuer = doc.issuer or _UNIT_SUFFIX_RE.sub("", name)
    if department:
        dept_code, _, dept_name = department.partition(":")
        dept_name = dept_name or issuer
    elif code.isdigit() and len(code) == 6:
        dept_code, dept_name = code[:3], issuer
    else:
        dept_code, dept_name = code, issuer
    return Org(code, name, dept_code, dept_name, region or region_of(issuer) or region_of(name))
