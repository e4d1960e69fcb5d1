"""Import a checked disclosure as a new version: idempotent and atomic.

* Idempotent: a version is keyed by the SHA-256 of its source bytes, so the same file
  imported twice is one version (the second import reports ``created=False``).
* Atomic: everything (unit, document, version, source, findings, every tidy cell, search
  entries, audit entry) is written in the caller's one transaction; a process killed
  half-way leaves the database as it was (tests kill a real ``yusuan ingest``).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..model import Disclosure
from ..model.finding import Finding
from ..model.serialize import to_dict
from . import search
from .audit import now, record
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
from .tidy import tidy_cells
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


CELL_COLUMNS = ("version_id", "unit_id", "department_id", "year", "phase", "is_current", "table_id", "table_index",
                "row_index", "row", "code", "code_level", "code_kind", "item", "column_key", "column_header",
                "column_role", "side", "value", "scaled", "amount_unit")


def bulk_insert(session: Session, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows through the driver, inside the session's transaction.

    A document has hundreds of cells and a bulk load millions: SQLAlchemy's per-row
    parameter processing costs more than the database.  SQLite gets ``executemany``,
    PostgreSQL ``COPY``.
    """
    conn = session.connection()
    raw = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
    else:
        marks = ", ".join("?" for _ in columns)
        cur = raw.cursor()
        try:
            cur.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", rows)
        finally:
            cur.close()


def finding_rows(version_id: int, findings: Iterable[Finding]) -> list[dict]:
    out = []
    for f in findings:
        loc = f.location
        out.append(
            {
                "version_id": version_id,
                "code": f.code,
                "severity": f.severity or "error",
                "table_id": loc.table,
                "row": loc.row,
                "column": loc.column,
                "subject_code": loc.subject_code,
                "page": loc.page,
                "unit_code": loc.unit_code,
                "expected": None if f.expected is None else str(f.expected),
                "actual": None if f.actual is None else str(f.actual),
                "message": f.message,
            }
        )
    return out


def severity_counts(findings) -> tuple[int, int, int]:
    sev = [f.severity for f in findings]
    return sev.count("error"), sev.count("warning"), sev.count("info")


def write_content(session: Session, version: Version, doc: Disclosure, findings: list[Finding],
                  department: str | None = None, region: str | None = None, fresh: bool = False) -> int:
    """(Re)write a version's disclosure JSON, findings and tidy cells; returns the cell count.

    ``fresh``: the version was just created (nothing to delete, JSON already set).
    """
    if not fresh:
        session.execute(delete(Cell).where(Cell.version_id == version.id))
        session.execute(delete(FindingRow).where(FindingRow.version_id == version.id))
        version.disclosure = pack(to_dict(doc))
    counts = severity_counts(findings)
    if (version.errors, version.warnings, version.infos) != counts:
        version.errors, version.warnings, version.infos = counts
    if version.title != (doc.title or ""):
        version.title = doc.title or ""
    rows = finding_rows(version.id, findings)
    if rows:
        session.connection().execute(FindingRow.__table__.insert(), rows)
    main_unit = session.get(Unit, session.get(Document, version.document_id).unit_id)
    units: dict[str, Unit] = {main_unit.code: main_unit}
    cells: list[tuple] = []
    subjects: dict[str, tuple[str, str | None]] = {}
    document = session.get(Document, version.document_id)
    for c in tidy_cells(doc):
        unit = units.get(c.unit_code)
        if unit is None:
            org = org_of(doc, c.unit_code or None, c.unit_name, department, region)
            unit = _unit(session, org, _department(session, org))
            units[c.unit_code] = unit
        if c.code and c.code not in subjects:
            subjects[c.code] = (c.item, c.code_kind)
        cells.append((version.id, unit.id, unit.department_id, document.year, document.phase, version.is_current, c.table,
                      c.table_index, c.row_index, c.row[:16] or None, c.code or None, c.code_level, c.code_kind, c.item,
                      c.column_key[:100], c.column[:100], c.column_role, c.side, c.value, c.scaled, c.amount_unit or None))
    if cells:
        bulk_insert(session, Cell.__table__, CELL_COLUMNS, cells)
    if subjects:
        have = set(session.scalars(select(Subject.code).where(Subject.code.in_(list(subjects)))))
        for code, (name, kind) in subjects.items():
            if code not in have:
                session.add(Subject(code=code, name=name, kind=kind))
                search.index(session, "subject", code, name)
    return len(cells)


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
    unit = existing_unit or _unit(session, org, _department(session, org), missing=True)
    phase = doc.phase or "预算"
    document = session.scalar(
        select(Document).where(Document.unit_id == unit.id, Document.year == doc.year, Document.phase == phase)
    ) if existing_unit is not None else None
    new_document = document is None
    if new_document:
        document = Document(unit_id=unit.id, year=doc.year, phase=phase, scope=doc.scope)
        session.add(document)
        session.flush()
        number = 1
    else:
        number = (session.scalar(select(func.max(Version.number)).where(Version.document_id == document.id)) or 0) + 1
    # the first version of a new document, published at once: nothing to supersede
    direct = status == PUBLISHED and new_document
    version = Version(
        document_id=document.id,
        number=number,
        sha256=digest,
        status=PUBLISHED if direct else DRAFT,
        is_current=direct,
        title=doc.title or "",
        filename=filename[-300:],
        fmt=fmt,
        size=len(data),
        pages=doc.pages or 0,
        uploaded_by=user.id if user else None,
        uploaded_at=now(),
        published_at=now() if direct else None,
        reviewed_by=user.id if direct and user else None,
        note=note,
        disclosure=pack(to_dict(doc)),
    )
    version.errors, version.warnings, version.infos = severity_counts(findings)
    session.add(version)
    session.flush()
    session.add(Source(version_id=version.id, data=data))
    record(session, user, "upload", "version", version.id, unit=unit.code, year=doc.year, phase=phase,
           number=number, filename=filename, sha256=digest)
    if direct:
        record(session, user, "publish", "version", version.id, supersedes=[])
    elif status == PUBLISHED:
        publish(session, version, user, cells=False)  # before the cells are written, so they are written current
    n = write_content(session, version, doc, findings, department, region, fresh=True)
    return Imported(version.id, document.id, unit.code, unit.name, document.year, phase, number, version.status,
                    True, version.errors, version.warnings, n)
