"""Subject codes against the catalogue, and one name per code within a document.

* a code's 类 must exist in the 政府收支分类科目 (error);
* a 款/项 code not in the built-in catalogue is reported for information (the catalogue
  may be incomplete);
* a name different from the catalogue's (current or former) names is a warning;
* the same code printed with two different names in one document is an error.
"""

from __future__ import annotations

import re
from typing import Iterable

from ...model import Disclosure, Location
from ...model.codes import CodeKind, code_kind
from ...model.finding import Finding
from ..context import Context

_NORM = str.maketrans({"(": "（", ")": "）", " ": ""})


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", name).translate(_NORM)


def check_subject_codes(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """Codes exist; names match the catalogue; one name per code in the document."""
    cat = ctx.catalog
    seen: dict[str, tuple[str, str, Location]] = {}
    reported: set[tuple[str, str]] = set()
    for t in doc.tables:
        for r in t.rows:
            if not r.code:
                continue
            loc = Location(page=r.page, table=t.id, row=r.seq, subject_code=r.code, line=r.line, unit_code=t.unit_code)
            kind = code_kind(r.code)
            top = r.code[:3]
            if kind is None:
                continue
            if cat.subject(top) is None and kind in (CodeKind.FUNCTIONAL, CodeKind.ECONOMIC, CodeKind.GOV_ECONOMIC):
                key = ("unknown", r.code)
                if key not in reported:
                    reported.add(key)
                    yield Finding(
                        code="subject-code-unknown",
                        message=f"{t.title}：科目编码 {r.code}“{r.item}”的类 {top} 不存在",
                        location=loc,
                    )
                continue
            subj = cat.subject(r.code)
            name = _norm(r.item)
            if subj is None:
                key = ("missing", r.code)
                if key not in reported:
                    reported.add(key)
                    yield Finding(
                        code="subject-code-not-in-catalog",
                        message=f"{t.title}：科目编码 {r.code}“{r.item}”不在内置科目目录中",
                        location=loc,
                    )
            elif name and not subj.accepts(name):
                key = ("name", r.code)
                if key not in reported:
                    reported.add(key)
                    yield Finding(
                        code="subject-name-mismatch",
                        message=f"{t.title}：科目 {r.code} 名称为“{r.item}”，标准名称为“{subj.name}”",
                        location=loc,
                    )
            if not name:
                continue
            if r.code in seen:
                other, title, oloc = seen[r.code]
                if other != name and not (other.startswith(name) or name.startswith(other)):
                    key = ("inconsistent", r.code)
                    if key not in reported:
                        reported.add(key)
                        yield Finding(
                            code="subject-name-inconsistent",
                            message=f"科目 {r.code} 在{title}中为“{other}”，在{t.title}中为“{r.item}”",
                            location=loc,
                        )
            else:
                seen[r.code] = (name, t.title, loc)
