"""Read side of the store: units, a unit's year, latest disclosures, history.

Public readers see only published versions; staff pages pass ``include_unpublished``.
Aggregation lives in ``store.aggregate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from ..model import Disclosure
from ..model.serialize import from_dict
from .schema import PUBLISHED, SUPERSEDED, Cell, Department, Document, FindingRow, Unit, User, Version
from .tidy import unscale

PUBLIC_STATUSES = (PUBLISHED, SUPERSEDED)


@dataclass
class UnitSummary:
    code: str
    name: str
    department_code: str | None
    department_name: str | None
    region: str | None
    years: list[int] = field(default_factory=list)


def published_unit_ids() -> Select:
    return select(Document.unit_id).join(Version, Version.document_id == Document.id).where(Version.is_current.is_(True))


def units(session: Session, department: str | None = None, region: str | None = None, published_only: bool = True,
          offset: int = 0, limit: int | None = None, code: str | None = None) -> list[UnitSummary]:
    q = select(Unit, Department).outerjoin(Department, Department.id == Unit.department_id).order_by(Unit.code)
    if code is not None:
        q = q.where(Unit.code == code)
    if department:
        q = q.where(Department.code == department)
    if region:
        q = q.where(Unit.region == region)
    if published_only:
        q = q.where(Unit.id.in_(published_unit_ids()))
    if offset:
        q = q.offset(offset)
    if limit is not None:
        q = q.limit(limit)
    rows = session.execute(q).all()
    ids = [u.id for u, _ in rows]
    years: dict[int, set[int]] = {}
    if ids:
        yq = select(Document.unit_id, Document.year).join(Version, Version.document_id == Document.id)
        yq = yq.where(Document.unit_id.in_(ids))
        if published_only:
            yq = yq.where(Version.is_current.is_(True))
        for uid, y in session.execute(yq):
            years.setdefault(uid, set()).add(y)
    return [
        UnitSummary(u.code, u.name, d.code if d else None, d.name if d else None, u.region, sorted(years.get(u.id, ())))
        for u, d in rows
    ]


def count_units(session: Session, published_only: bool = True) -> int:
    q = select(func.count()).select_from(Unit)
    if published_only:
        q = q.where(Unit.id.in_(published_unit_ids()))
    return session.scalar(q) or 0


def departments(session: Session, region: str | None = None) -> list[tuple[Department, int]]:
    q = (
        select(Department, func.count(Unit.id))
        .join(Unit, Unit.department_id == Department.id)
        .where(Unit.id.in_(published_unit_ids()))
        .group_by(Department.id)
        .order_by(Department.code)
    )
    if region:
        q = q.where(Department.region == region)
    return [(d, n) for d, n in session.execute(q)]


def regions(session: Session) -> list[tuple[str, int]]:
    q = (
        select(Unit.region, func.count(Unit.id))
        .where(Unit.region.is_not(None), Unit.id.in_(published_unit_ids()))
        .group_by(Unit.region)
        .order_by(Unit.region)
    )
    return [(r, n) for r, n in session.execute(q)]


@dataclass
class Latest:
    unit_code: str
    unit_name: str
    year: int
    phase: str
    title: str
    published_at: object
    number: int
    total: Decimal | None = None  # 支出总表合计（万元）


#: tables whose ``total`` column at 类 level sums to a unit's total expenditure
TOTAL_TABLES = ("expenditure_summary", "final_expenditure_summary", "general_budget_expenditure")


def version_totals(session: Session, version_ids: list[int]) -> dict[int, Decimal]:
    """Total expenditure (万元) of each version: Σ of its 类 lines in the first table of ``TOTAL_TABLES``."""
    if not version_ids:
        return {}
    rows = session.execute(
        select(Cell.version_id, Cell.table_id, func.sum(Cell.scaled))
        .where(Cell.version_id.in_(version_ids), Cell.table_id.in_(TOTAL_TABLES), Cell.column_role == "total",
               Cell.code_level == 1, Cell.amount_unit.is_not(None))
        .group_by(Cell.version_id, Cell.table_id)
    ).all()
    out: dict[int, Decimal] = {}
    for table in reversed(TOTAL_TABLES):
        for vid, tid, n in rows:
            if tid == table and n is not None:
                out[vid] = unscale(int(n))
    return out


def latest(session: Session, limit: int = 10) -> list[Latest]:
    q = (
        select(Version, Document, Unit)
        .join(Document, Document.id == Version.document_id)
        .join(Unit, Unit.id == Document.unit_id)
        .where(Version.is_current.is_(True))
        .order_by(Version.published_at.desc(), Version.id.desc())
        .limit(limit)
    )
    found = session.execute(q).all()
    totals = version_totals(session, [v.id for v, _, _ in found])
    return [Latest(u.code, u.name, d.year, d.phase, v.title, v.published_at, v.number, totals.get(v.id)) for v, d, u in found]


@dataclass
class UnitYear:
    unit: Unit
    department: Department | None
    document: Document
    version: Version
    versions: list[Version]
    years: list[int]
    phases: list[str]

    def disclosure(self) -> Disclosure:
        return load_disclosure(self.version)


def load_disclosure(version: Version) -> Disclosure:
    from .ingest import unpack

    return from_dict(unpack(version.disclosure))


def find_unit(session: Session, unit_code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == unit_code))


def unit_year(session: Session, unit_code: str, year: int, phase: str | None = None, version_number: int | None = None,
              include_unpublished: bool = False) -> UnitYear | None:
    """The version shown on ``/units/{code}/{year}``: the current published one (预算 first)."""
    unit = find_unit(session, unit_code)
    if unit is None:
        return None
    docs = list(session.scalars(select(Document).where(Document.unit_id == unit.id, Document.year == year)))
    if phase:
        docs = [d for d in docs if d.phase == phase]
    docs.sort(key=lambda d: (d.phase != "预算", d.phase))
    for doc in docs:
        versions = list(session.scalars(select(Version).where(Version.document_id == doc.id).order_by(Version.number)))
        visible = versions if include_unpublished else [v for v in versions if v.status in PUBLIC_STATUSES]
        if not visible:
            continue
        if version_number is not None:
            chosen = next((v for v in visible if v.number == version_number), None)
            if chosen is None:
                return None
        else:
            chosen = next((v for v in visible if v.is_current), None) or visible[-1]
        yq = select(Document.year).join(Version, Version.document_id == Document.id).where(Document.unit_id == unit.id)
        pq = select(Document.phase).join(Version, Version.document_id == Document.id).where(
            Document.unit_id == unit.id, Document.year == year)
        if not include_unpublished:
            yq = yq.where(Version.status.in_(PUBLIC_STATUSES))
            pq = pq.where(Version.status.in_(PUBLIC_STATUSES))
        return UnitYear(
            unit=unit,
            department=session.get(Department, unit.department_id) if unit.department_id else None,
            document=doc,
            version=chosen,
            versions=visible,
            years=sorted(set(session.scalars(yq))),
            phases=sorted(set(session.scalars(pq))),
        )
    return None


def findings(session: Session, version_id: int) -> list[FindingRow]:
    order = {"error": 0, "warning": 1, "info": 2}
    rows = list(session.scalars(select(FindingRow).where(FindingRow.version_id == version_id).order_by(FindingRow.id)))
    rows.sort(key=lambda f: order.get(f.severity, 3))
    return rows


@dataclass
class VersionInfo:
    version: Version
    document: Document
    unit: Unit
    uploader: str | None


def version_info(session: Session, version_id: int) -> VersionInfo | None:
    v = session.get(Version, version_id)
    if v is None:
        return None
    d = session.get(Document, v.document_id)
    u = session.get(Unit, d.unit_id)
    up = session.get(User, v.uploaded_by).username if v.uploaded_by else None
    return VersionInfo(v, d, u, up)


def versions(session: Session, statuses: tuple[str, ...] | None = None, unit_ids: set[int] | None = None,
             limit: int = 200) -> list[VersionInfo]:
    q = (
        select(Version, Document, Unit, User.username)
        .join(Document, Document.id == Version.document_id)
        .join(Unit, Unit.id == Document.unit_id)
        .outerjoin(User, User.id == Version.uploaded_by)
        .order_by(Version.id.desc())
        .limit(limit)
    )
    if statuses:
        q = q.where(Version.status.in_(statuses))
    if unit_ids is not None:
        q = q.where(Unit.id.in_(unit_ids or {-1}))
    return [VersionInfo(v, d, u, name) for v, d, u, name in session.execute(q)]


def previous_published(session: Session, version: Version) -> Version | None:
    """The version a correction replaces (or would replace): the newest other published one."""
    return session.scalar(
        select(Version)
        .where(
            and_(Version.document_id == version.document_id, Version.id != version.id,
                 Version.status.in_(PUBLIC_STATUSES), Version.number < version.number)
        )
        .order_by(Version.number.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class SeriesCell:
    year: int
    phase: str
    table: str
    code: str | None
    item: str
    amount: Decimal


def unit_series(session: Session, unit_id: int, tables: tuple[str, ...], role: str = "total") -> list[SeriesCell]:
    """The ``role`` column of ``tables`` in every current published year of a unit (one indexed query).

    Feeds the unit page's year-over-year table and its 三公-over-the-years chart.
    """
    rows = session.execute(
        select(Cell.year, Cell.phase, Cell.table_id, Cell.code, Cell.item, Cell.scaled)
        .where(Cell.unit_id == unit_id, Cell.is_current.is_(True), Cell.table_id.in_(tables), Cell.column_role == role,
               Cell.amount_unit.is_not(None))
        .order_by(Cell.year, Cell.table_id, Cell.row_index)
    ).all()
    return [SeriesCell(y, ph, t, code, item, unscale(int(n))) for y, ph, t, code, item, n in rows]


def publication_generation(store) -> int:
    """Grows with every publication (and so every supersession): the ``publication`` counter (``store.pages``)."""
    from .pages import publication_generation as current

    with store.engine.connect() as conn:
        return current(conn)
