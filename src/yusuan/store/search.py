"""Search that works for Chinese: our own character n-gram index, same on both databases.

SQLite FTS's default tokenizer splits on spaces, so ``信访`` never finds
``石家庄市鹿泉区信访局本级``; PostgreSQL's ``pg_trgm`` is not always installed.  Instead
``search_grams`` maps every character and every pair of adjacent characters of a
normalized name (NFKC, lower case, no spaces or punctuation) to the entity.  A query of
one character looks up that character; a longer one needs all its bigrams, then the
candidates are confirmed by substring match.  Digits also match code prefixes
(``2010308``, ``542``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .schema import Department, SearchGram, Subject, Unit

_DROP = re.compile(r"[\s\u3000\-_.,:;!?'\"()（）【】\[\]“”‘’、，。：；！？《》<>/\\|·]+")


def normalize(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def grams(text: str) -> set[str]:
    t = normalize(text)
    return set(t) | {t[i : i + 2] for i in range(len(t) - 1)}


def query_grams(q: str) -> set[str]:
    t = normalize(q)
    if len(t) <= 1:
        return {t} if t else set()
    return {t[i : i + 2] for i in range(len(t) - 1)}


def index(session: Session, kind: str, key: str, *texts: str, new: bool = False) -> None:
    """Add the n-grams of ``texts`` for entity ``(kind, key)`` (existing entries kept; ``new``: none exist)."""
    wanted = set()
    for t in texts:
        wanted |= grams(t)
    if not wanted:
        return
    have = set() if new else set(session.scalars(select(SearchGram.gram).where(SearchGram.kind == kind, SearchGram.key == key)))
    new = [{"gram": g, "kind": kind, "key": key} for g in sorted(wanted - have)]
    if new:
        session.connection().execute(SearchGram.__table__.insert(), new)


@dataclass(frozen=True)
class Hit:
    kind: str  # unit | department | subject
    key: str  # unit code, department code, subject code
    name: str
    extra: str = ""


def _like_prefix(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(session: Session, q: str, limit: int = 50, unit_filter=None) -> list[Hit]:
    """Units, departments and subjects whose name contains ``q`` (or whose code starts with it).

    ``unit_filter`` is an optional SQL condition on ``Unit`` (the public sees only units
    with published disclosures).
    """
    norm = normalize(q)
    if not norm or len(norm) > 100:
        return []
    found: dict[tuple[str, str], None] = {}
    gs = query_grams(q)
    if gs:
        rows = session.execute(
            select(SearchGram.kind, SearchGram.key)
            .where(SearchGram.gram.in_(gs))
            .group_by(SearchGram.kind, SearchGram.key)
            .having(func.count(SearchGram.gram) == len(gs))
            .limit(5000)
        )
        for kind, key in rows:
            found[(kind, key)] = None
    hits: list[Hit] = []
    unit_keys = [k for (kind, k) in found if kind == "unit"]
    dept_keys = [k for (kind, k) in found if kind == "department"]
    subj_keys = [k for (kind, k) in found if kind == "subject"]
    digits = norm.isascii() and norm.isalnum()

    uq = select(Unit).where(Unit.code.in_(unit_keys[:2000]))
    if digits:
        uq = select(Unit).where((Unit.code.in_(unit_keys[:2000])) | Unit.code.like(_like_prefix(norm), escape="\\"))
    if unit_filter is not None:
        uq = uq.where(unit_filter)
    for u in session.scalars(uq.order_by(Unit.code).limit(limit * 4)):
        if norm in normalize(u.name) or u.code.lower().startswith(norm):
            hits.append(Hit("unit", u.code, u.name, u.region or ""))
    dq = select(Department).where(Department.code.in_(dept_keys[:2000]))
    if digits:
        dq = select(Department).where(Department.code.in_(dept_keys[:2000]) | Department.code.like(_like_prefix(norm), escape="\\"))
    for d in session.scalars(dq.order_by(Department.code).limit(limit)):
        if norm in normalize(d.name) or d.code.lower().startswith(norm):
            hits.append(Hit("department", d.code, d.name, d.region or ""))
    sq = select(Subject).where(Subject.code.in_(subj_keys[:2000]))
    if digits:
        sq = select(Subject).where(Subject.code.in_(subj_keys[:2000]) | Subject.code.like(_like_prefix(norm), escape="\\"))
    for s in session.scalars(sq.order_by(Subject.code).limit(limit)):
        if norm in normalize(s.name) or s.code.startswith(norm):
            hits.append(Hit("subject", s.code, s.name, s.kind or ""))
    order = {"unit": 0, "department": 1, "subject": 2}
    hits.sort(key=lambda h: (order[h.kind], not normalize(h.name).startswith(norm), len(h.name), h.key))
    return hits[:limit]
