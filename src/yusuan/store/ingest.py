"""Import a checked disclosure as a new version: idempotent and atomic.

* Idempotent: a version is keyed by the SHA-256 of its source bytes, so the same file
  imported twice is one version (the second import reports ``created=False``).
* Atomic: everything (unit, document, version, source, findings, every tidy cell, search
  entries, audit entry, rollup, page generations) is written in the caller's one
  transaction; a process killed half-way leaves the database as it was (tests kill a real
  ``yusuan ingest``).

A new document is written by ``store.bulk`` (a few multi-row statements); a new version
of an existing document is a draft published through ``store.workflow``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..model import Disclosure
from ..model.finding import Finding
from ..model.serialize import to_dict
from . import pages, rollup, search
from .audit import now, record
from .bulk import CELL_COLUMNS, FINDING_COLUMNS, bulk_insert, cell_tuples, finding_tuples, load, prepare, severity_counts
from .db import StoreError
from .orgs import Org, org_of
from .schema import (
    DRAFT,
    PUBLISHED,
    Cell,
    Department,
    Document,
    FindingRow,
    Source,
    Subject,
    Unit,
    User,
    Version,
)
from .workflow import publish


@dataclass(frozen=True)
class Imported:
    version_id: int
    document_id: int
    unit_code: str
    unit_name: str
    year: int
    phase: str
    number: int
    status: str
    created: bool
    errors: int
    warnings: int
    cells: int


def pack(data: dict) -> bytes:
    """A disclosure dict as stored: compact JSON, zlib-compressed (a unit-year is ~80 kB → ~10 kB)."""
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _department(session: Session, org: Org) -> Department:
    d = session.scalar(select(Department).where(Department.code == org.department_code))
    if d is None:
        d = Department(code=org.department_code, name=org.department_name, region=org.region)
        session.add(d)
        session.flush()
        search.index(session, "department", d.code, d.name, new=True)
    return d


def _unit(session: Session, org: Org, dept: Department, missing: bool = False) -> Unit:
    """The unit of ``org`` (created when absent; ``missing``: the caller just looked)."""
    u = None if missing else session.scalar(select(Unit).where(Unit.code == org.unit_code))
    if u is None:
        u = Unit(code=org.unit_code, name=org.unit_name, department_id=dept.id, region=org.region)
        session.add(u)
        session.flush()
        search.index(session, "unit", u.code, u.name, u.code, new=True)
    return u


def _subjects(session: Session, subjects: dict[str, tuple[str, str | None]]) -> None:
    if not subjects:
        return
    have = set(session.scalars(select(Subject.code).where(Subject.code.in_(list(subjects)))))
    for code, (name, kind) in subjects.items():
        if code not in have:
            session.add(Subject(code=code, name=name, kind=kind))
            search.index(session, "subject", code, name)


def write_content(session: Session, version: Version, doc: Disclosure, findings: list[Finding],
                  department: str | None = None, region: str | None = None, fresh: bool = False) -> int:
    """(Re)write a version's disclosure JSON, findings and tidy cells; returns the cell count.

    ``fresh``: the version was just created (nothing to delete, JSON already set).  A
    current version's cells are counted in the rollup and its units' pages made stale.
    """
    if not fresh:
        if version.is_current:
            rollup.add(session, [version.id], -1)
        session.execute(delete(Cell).where(Cell.version_id == version.id))
        session.execute(delete(FindingRow).where(FindingRow.version_id == version.id))
        version.disclosure = pack(to_dict(doc))
    counts = severity_counts(findings)
    if (version.errors, version.warnings, version.infos) != counts:
        version.errors, version.warnings, version.infos = counts
    if version.title != (doc.title or ""):
        version.title = doc.title or ""
    bulk_insert(session, FindingRow.__table__, FINDING_COLUMNS, [(version.id, *f) for f in finding_tuples(findings)])
    document = session.get(Document, version.document_id)
    main_unit = session.get(Unit, document.unit_id)
    cells, orgs, subjects = cell_tuples(doc, main_unit.code, department, region)
    units: dict[str, tuple[int, int | None]] = {main_unit.code: (main_unit.id, main_unit.department_id)}
    for code, org in orgs.items():
        unit = _unit(session, org, _department(session, org))
        units[code] = (unit.id, unit.department_id)
    rows = []
    for c in cells:
        uid, did = units[c[0]]
        rows.append((version.id, uid, did, document.year, document.phase, version.is_current, *c[1:]))
    bulk_insert(session, Cell.__table__, CELL_COLUMNS, rows)
    _subjects(session, subjects)
    if version.is_current:
        rollup.add(session, [version.id])
        pages.bump(session, [uid for uid, _ in units.values()])
    return len(rows)


def ingest(
    session: Session,
    doc: Disclosure,
    findings: list[Finding] | tuple[Finding, ...],
    data: bytes,
    filename: str,
    fmt: str,
    user: User | None = None,
    status: str = PUBLISHED,
    department: str | None = None,
    region: str | None = None,
    note: str | None = None,
    allowed_unit_ids: set[int] | None = None,
) -> Imported:
    """Add ``doc`` (parsed from ``data``) as a version; nothing is committed here.

    ``status`` is ``published`` (bulk import of published disclosures) or ``draft``
    (an upload that waits for review).  ``allowed_unit_ids`` restricts which units a
    clerk may upload for (``StoreError`` otherwise).
    """
    digest = sha256(data)
    old = session.scalar(select(Version).where(Version.sha256 == digest))
    if old is not None:
        document = session.get(Document, old.document_id)
        unit = session.get(Unit, document.unit_id)
        if allowed_unit_ids is not None and unit.id not in allowed_unit_ids:
            raise StoreError(f"无权为单位 {unit.code} {unit.name} 上传")
        n = session.scalar(select(func.count()).select_from(Cell).where(Cell.version_id == old.id))
        return Imported(old.id, document.id, unit.code, unit.name, document.year, document.phase, old.number,
                        old.status, False, old.errors, old.warnings, n or 0)
    if not doc.year:
        raise StoreError(f"{filename}: 无法确定预算年度，不能入库")
    findings = list(findings)
    org = org_of(doc, department=department, region=region)
    existing_unit = session.scalar(select(Unit).where(Unit.code == org.unit_code))
    if allowed_unit_ids is not None and (existing_unit is None or existing_unit.id not in allowed_unit_ids):
        raise StoreError(f"无权为单位 {org.unit_code} {org.unit_name} 上传")
    phase = doc.phase or "预算"
    document = session.scalar(
        select(Document).where(Document.unit_id == existing_unit.id, Document.year == doc.year, Document.phase == phase)
    ) if existing_unit is not None else None
    if document is None:  # a new document: its one version in a few statements
        prepared = prepare(doc, findings, data, filename, fmt, department, region, digest=digest)
        done = load(session, [prepared], user=user, status=PUBLISHED if status == PUBLISHED else DRAFT, note=note)[0]
        counts = prepared.counts
        return Imported(done.version_id, done.document_id, org.unit_code, existing_unit.name if existing_unit else org.unit_name,
                        doc.year, phase, 1, PUBLISHED if status == PUBLISHED else DRAFT, True, counts[0], counts[1],
                        done.cells)
    # a new version of an existing document (a correction): a draft, published through the workflow
    unit = existing_unit
    number = (session.scalar(select(func.max(Version.number)).where(Version.document_id == document.id)) or 0) + 1
    version = Version(
        document_id=document.id,
        number=number,
        sha256=digest,
        status=DRAFT,
        is_current=False,
        title=doc.title or "",
        filename=filename[-300:],
        fmt=fmt,
        size=len(data),
        pages=doc.pages or 0,
        uploaded_by=user.id if user else None,
        uploaded_at=now(),
        note=note,
        disclosure=pack(to_dict(doc)),
    )
    version.errors, version.warnings, version.infos = severity_counts(findings)
    session.add(version)
    session.flush()
    session.add(Source(version_id=version.id, data=data))
    record(session, user, "upload", "version", version.id, unit=unit.code, year=doc.year, phase=phase,
           number=number, filename=filename, sha256=digest)
    if status == PUBLISHED:
        publish(session, version, user, cells=False)  # before the cells are written, so they are written current
    n = write_content(session, version, doc, findings, department, region, fresh=True)
    return Imported(version.id, document.id, unit.code, unit.name, document.year, phase, number, version.status,
                    True, version.errors, version.warnings, n)
