"""The review workflow: draft → review → published (or rejected → draft again).

* A version is created as a draft with its findings (upload → parse → check).
* Its clerk submits it for review; a reviewer publishes it or sends it back.
* Published versions are immutable.  A correction is a new version of the same document;
  publishing it marks the previous one ``superseded`` (still readable, with a diff).
* Exactly one version per document is current (``is_current``), mirrored on its cells
  so public queries and aggregates read only current published data; publishing keeps
  the rollup (``store.rollup``) and the units' page generations (``store.pages``) in step,
  in the same transaction.

Who may do what is decided in ``web.auth``; this module enforces the state machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import pages, rollup
from .audit import now, record
from .db import StoreError
from .schema import DRAFT, PUBLISHED, REJECTED, REVIEW, STATUS_NAMES, SUPERSEDED, Cell, Document, User, Version

EDITABLE = (DRAFT, REJECTED)


def _require(version: Version, allowed: tuple[str, ...], action: str) -> None:
    if version.status not in allowed:
        names = "、".join(STATUS_NAMES[s] for s in allowed)
        raise StoreError(f"第 {version.number} 版当前状态为“{STATUS_NAMES.get(version.status, version.status)}”，"
                         f"只有{names}状态才能{action}")


def submit(session: Session, version: Version, user: User | None) -> None:
    _require(version, EDITABLE, "提交审核")
    version.status = REVIEW
    record(session, user, "submit", "version", version.id)


def reject(session: Session, version: Version, user: User | None, reason: str = "") -> None:
    _require(version, (REVIEW,), "退回")
    version.status = REJECTED
    version.reviewed_by = user.id if user else None
    record(session, user, "reject", "version", version.id, reason=reason)


def publish(session: Session, version: Version, user: User | None, cells: bool = True) -> None:
    """Make ``version`` the current published version of its document.

    ``cells=False`` when the version's cells are not written yet (``ingest`` writes them
    afterwards, already current).
    """
    _require(version, (DRAFT, REVIEW), "发布")
    previous = session.scalars(
        select(Version).where(Version.document_id == version.document_id, Version.is_current.is_(True), Version.id != version.id)
    ).all()
    # units whose public pages change: the document's and every unit with cells in either version
    document = session.get(Document, version.document_id)
    ids = [v.id for v in previous] + ([version.id] if cells else [])
    touched = {document.unit_id} | set(session.scalars(select(Cell.unit_id).where(Cell.version_id.in_(ids)).distinct()))
    if previous:
        rollup.add(session, [v.id for v in previous], -1)
    for old in previous:
        old.is_current = False
        old.status = SUPERSEDED
        session.execute(update(Cell).where(Cell.version_id == old.id).values(is_current=False))
    version.status = PUBLISHED
    version.is_current = True
    version.published_at = now()
    version.reviewed_by = user.id if user else None
    if cells:
        session.execute(update(Cell).where(Cell.version_id == version.id).values(is_current=True))
        rollup.add(session, [version.id])
    pages.bump(session, touched)
    record(session, user, "publish", "version", version.id, supersedes=[v.id for v in previous])


def require_editable(version: Version) -> None:
    _require(version, EDITABLE, "修改")


@dataclass(frozen=True)
class Change:
    table: str
    unit_code_id: int
    row: str
    code: str
    item: str
    column: str
    old: str | None
    new: str | None

    @property
    def delta(self) -> Decimal | None:
        if self.old is None or self.new is None:
            return None
        return Decimal(self.new) - Decimal(self.old)


def diff(session: Session, old_id: int, new_id: int) -> list[Change]:
    """Cell-level differences between two versions (keyed by unit, table, side, code or item, column)."""

    def cells(vid: int) -> dict[tuple, Cell]:
        out = {}
        for c in session.scalars(select(Cell).where(Cell.version_id == vid).order_by(Cell.table_index, Cell.row_index)):
            key = (c.unit_id, c.table_id, c.side or "", c.code or c.item, c.column_key)
            out.setdefault(key, c)
        return out

    a, b = cells(old_id), cells(new_id)
    changes = []
    for key in list(a) + [k for k in b if k not in a]:
        x, y = a.get(key), b.get(key)
        if x is not None and y is not None and x.scaled == y.scaled:
            continue
        c = y or x
        changes.append(
            Change(c.table_id, c.unit_id, c.row or "", c.code or "", c.item, c.column_header,
                   x.value if x else None, y.value if y else None)
        )
    return changes

