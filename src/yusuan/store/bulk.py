"""New documents in bulk: everything of many disclosures in a few statements.

``prepare(doc, findings, data, …)`` does the per-document work that needs no database —
the compressed disclosure JSON, the tidy cells, the finding rows, the units and
departments named — and returns a picklable ``Prepared`` (so a process pool can do it).
``load(session, items)`` then writes a list of them in the caller's transaction with a
constant number of statements: departments, units, documents and versions as multi-row
``INSERT … RETURNING``, sources, findings and cells through the driver (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), search grams, subjects, audit entries, then the rollup
and the publication generation.

``store.ingest.ingest`` uses it for one document in its own transaction (a killed import
leaves nothing); the benchmark loader passes a hundred per transaction.  Only new
documents go this way; a new version of an existing document (a correction) takes
``ingest``'s path through the workflow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..model import Disclosure
from ..model.finding import Finding
from ..model.serialize import to_dict
from . import pages, rollup
from .audit import now
from .db import StoreError
from .orgs import Org, org_of
from .schema import (
    DRAFT,
    PUBLISHED,
    AuditEntry,
    Cell,
    Department,
    Document,
    FindingRow,
    SearchGram,
    Source,
    Subject,
    Unit,
    User,
    Version,
)
from .search import grams
from .tidy import tidy_cells

CELL_COLUMNS = ("version_id", "unit_id", "department_id", "year", "phase", "is_current", "table_id", "table_index",
                "row_index", "row", "code", "code_level", "code_kind", "item", "column_key", "column_header",
                "column_role", "side", "value", "scaled", "amount_unit")
FINDING_COLUMNS = ("version_id", "code", "severity", "table_id", "row", "column", "subject_code", "page", "unit_code",
                   "expected", "actual", "message")


@dataclass(frozen=True)
class Prepared:
    """One document, ready to write: no database needed to make it, picklable."""

    sha256: str
    data: bytes
    filename: str
    fmt: str
    org: Org
    year: int
    phase: str
    scope: str | None
    title: str
    pages: int
    packed: bytes
    counts: tuple[int, int, int]
    findings: tuple[tuple, ...]  # FINDING_COLUMNS without version_id
    #: (cell unit code, table_id, table_index, row_index, row, code, code_level, code_kind, item, column_key,
    #:  column_header, column_role, side, value, scaled, amount_unit)
    cells: tuple[tuple, ...]
    cell_orgs: dict[str, Org] = field(default_factory=dict)  # units of cells other than the document's
    subjects: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def finding_tuples(findings) -> list[tuple]:
    out = []
    for f in findings:
        loc = f.location
        out.append((f.code, f.severity or "error", loc.table, loc.row, loc.column, loc.subject_code, loc.page, loc.unit_code,
                    None if f.expected is None else str(f.expected), None if f.actual is None else str(f.actual), f.message))
    return out


def severity_counts(findings) -> tuple[int, int, int]:
    sev = [f.severity for f in findings]
    return sev.count("error"), sev.count("warning"), sev.count("info")


def cell_tuples(doc: Disclosure, main_code: str, department: str | None = None, region: str | None = None):
    """The tidy cells as row tuples (without ids), the orgs of other units named, the subjects seen."""
    cells: list[tuple] = []
    orgs: dict[str, Org] = {}
    subjects: dict[str, tuple[str, str | None]] = {}
    for c in tidy_cells(doc):
        if c.unit_code != main_code and c.unit_code not in orgs:
            orgs[c.unit_code] = org_of(doc, c.unit_code or None, c.unit_name, department, region)
        if c.code and c.code not in subjects:
            subjects[c.code] = (c.item, c.code_kind)
        cells.append((c.unit_code, c.table, c.table_index, c.row_index, c.row[:16] or None, c.code or None, c.code_level,
                      c.code_kind, c.item, c.column_key[:100], c.column[:100], c.column_role, c.side, c.value, c.scaled,
                      c.amount_unit or None))
    return cells, orgs, subjects


def prepare(doc: Disclosure, findings, data: bytes, filename: str, fmt: str, department: str | None = None,
            region: str | None = None, digest: str | None = None) -> Prepared:
    """Everything of a new document that needs no database (raises ``StoreError`` without a year)."""
    from .ingest import pack, sha256

    if not doc.year:
        raise StoreError(f"{filename}: 无法确定预算年度，不能入库")
    findings = list(findings)
    org = org_of(doc, department=department, region=region)
    cells, orgs, subjects = cell_tuples(doc, org.unit_code, department, region)
    return Prepared(
        sha256=digest or sha256(data), data=data, filename=filename[-300:], fmt=fmt, org=org, year=doc.year,
        phase=doc.phase or "预算", scope=doc.scope, title=doc.title or "", pages=doc.pages or 0, packed=pack(to_dict(doc)),
        counts=severity_counts(findings), findings=tuple(finding_tuples(findings)), cells=tuple(cells), cell_orgs=orgs,
        subjects=subjects,
    )


def bulk_insert(session: Session, table, columns: tuple[str, ...], rows) -> None:
    """Insert many rows through the driver, inside the session's transaction."""
    insert_rows(session.connection(), table, columns, rows)


def insert_rows(conn, table, columns, rows) -> None:
    """Insert many rows through the driver, inside the connection's transaction.

    SQLAlchemy's per-row parameter processing costs more than the database: SQLite gets
    ``executemany``, PostgreSQL ``COPY``.
    """
    if not rows:
        return
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


def _chunks(seq, n=500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _insert_returning(session: Session, table, rows: list[dict], *cols) -> list[tuple]:
    """Multi-row ``INSERT … RETURNING`` (SQLAlchemy's insertmanyvalues), rows in parameter order."""
    if not rows:
        return []
    stmt = table.insert().returning(*[table.c[c] for c in cols], sort_by_parameter_order=True)
    return [tuple(r) for r in session.execute(stmt, rows)]


def _grams(kind: str, key: str, *texts: str) -> set[tuple[str, str, str]]:
    out: set[str] = set()
    for t in texts:
        out |= grams(t)
    return {(g, kind, key) for g in out}


def _departments(session: Session, orgs: list[Org], new_grams: set) -> dict[str, int]:
    wanted = {o.department_code: o for o in orgs}
    ids: dict[str, int] = {}
    for chunk in _chunks(wanted):
        ids.update({c: i for i, c in session.execute(select(Department.id, Department.code).where(Department.code.in_(chunk)))})
    missing = [wanted[c] for c in wanted if c not in ids]
    rows = [{"code": o.department_code, "name": o.department_name, "region": o.region} for o in missing]
    for i, code in _insert_returning(session, Department.__table__, rows, "id", "code"):
        ids[code] = i
        new_grams |= _grams("department", code, wanted[code].department_name)
    return ids


def _units(session: Session, orgs: list[Org], dept_ids: dict[str, int], new_grams: set) -> dict[str, tuple[int, int | None]]:
    """unit code → (unit id, department id), creating missing units (an existing unit keeps its department)."""
    wanted = {o.unit_code: o for o in orgs}
    ids: dict[str, tuple[int, int | None]] = {}
    for chunk in _chunks(wanted):
        for i, code, d in session.execute(select(Unit.id, Unit.code, Unit.department_id).where(Unit.code.in_(chunk))):
            ids[code] = (i, d)
    missing = [wanted[c] for c in wanted if c not in ids]
    rows = [{"code": o.unit_code, "name": o.unit_name, "department_id": dept_ids[o.department_code], "region": o.region,
             "generation": 0} for o in missing]
    for (i, code), o in zip(_insert_returning(session, Unit.__table__, rows, "id", "code"), missing):
        ids[code] = (i, dept_ids[o.department_code])
        new_grams |= _grams("unit", code, o.unit_name, code)
    return ids


@dataclass(frozen=True)
class Loaded:
    version_id: int
    document_id: int
    unit_id: int
    cells: int


def load(session: Session, items: list[Prepared], user: User | None = None, status: str = PUBLISHED,
         note: str | None = None) -> list[Loaded]:
    """Write new documents (each one version, ``status`` published or draft) in the caller's transaction.

    Raises ``StoreError`` when a document (unit, year, phase) already exists or a source
    file was imported before: those go through ``store.ingest.ingest``.
    """
    if not items:
        return []
    if status not in (PUBLISHED, DRAFT):
        raise StoreError(f"bulk load: status {status}")
    published = status == PUBLISHED
    digests = [p.sha256 for p in items]
    if len(set(digests)) != len(digests):
        raise StoreError("bulk load: the same source file twice")
    for chunk in _chunks(digests):
        if session.scalar(select(Version.id).where(Version.sha256.in_(chunk)).limit(1)) is not None:
            raise StoreError("bulk load: a source file was imported before")
    new_grams: set[tuple[str, str, str]] = set()
    all_orgs = [p.org for p in items] + [o for p in items for o in p.cell_orgs.values()]
    dept_ids = _departments(session, all_orgs, new_grams)
    unit_ids = _units(session, all_orgs, dept_ids, new_grams)

    keys = [(unit_ids[p.org.unit_code][0], p.year, p.phase) for p in items]
    if len(set(keys)) != len(keys):
        raise StoreError("bulk load: the same document twice")
    for chunk in _chunks(sorted({k[0] for k in keys})):
        have = {(u, y, ph) for u, y, ph in session.execute(
            select(Document.unit_id, Document.year, Document.phase).where(Document.unit_id.in_(chunk)))}
        if have & set(keys):
            raise StoreError("bulk load: the document exists (a new version goes through ingest)")
    doc_ids = [r[0] for r in _insert_returning(
        session, Document.__table__,
        [{"unit_id": k[0], "year": p.year, "phase": p.phase, "scope": p.scope} for k, p in zip(keys, items)], "id")]

    at = now()
    vrows = []
    for p, did in zip(items, doc_ids):
        errors, warnings, infos = p.counts
        vrows.append({
            "document_id": did, "number": 1, "sha256": p.sha256, "status": status, "is_current": published,
            "title": p.title, "filename": p.filename, "fmt": p.fmt, "size": len(p.data), "pages": p.pages,
            "uploaded_by": user.id if user else None, "uploaded_at": at, "reviewed_by": user.id if published and user else None,
            "published_at": at if published else None, "errors": errors, "warnings": warnings, "infos": infos,
            "note": note, "disclosure": p.packed,
        })
    version_ids = [r[0] for r in _insert_returning(session, Version.__table__, vrows, "id")]

    bulk_insert(session, Source.__table__, ("version_id", "data"), [(v, p.data) for v, p in zip(version_ids, items)])
    bulk_insert(session, FindingRow.__table__, FINDING_COLUMNS,
                [(v, *f) for v, p in zip(version_ids, items) for f in p.findings])
    cell_rows = []
    touched: set[int] = set()
    for v, p in zip(version_ids, items):
        main_id, main_dept = unit_ids[p.org.unit_code]
        by_code = {code: unit_ids[o.unit_code] for code, o in p.cell_orgs.items()}
        touched.add(main_id)
        for c in p.cells:
            uid, did = by_code.get(c[0], (main_id, main_dept)) if c[0] != p.org.unit_code else (main_id, main_dept)
            touched.add(uid)
            cell_rows.append((v, uid, did, p.year, p.phase, published, *c[1:]))
    bulk_insert(session, Cell.__table__, CELL_COLUMNS, cell_rows)

    subjects: dict[str, tuple[str, str | None]] = {}
    for p in items:
        for code, v in p.subjects.items():
            subjects.setdefault(code, v)
    if subjects:
        have: set[str] = set()
        for chunk in _chunks(subjects):
            have |= set(session.scalars(select(Subject.code).where(Subject.code.in_(chunk))))
        new = [(code, name, kind) for code, (name, kind) in subjects.items() if code not in have]
        bulk_insert(session, Subject.__table__, ("code", "name", "kind"), new)
        for code, name, _ in new:
            new_grams |= _grams("subject", code, name)
    bulk_insert(session, SearchGram.__table__, ("gram", "kind", "key"), sorted(new_grams))

    audit = []
    uid_, uname = (user.id, user.username) if user else (None, None)
    for v, p in zip(version_ids, items):
        detail = {"unit": p.org.unit_code, "year": p.year, "phase": p.phase, "number": 1, "filename": p.filename,
                  "sha256": p.sha256}
        audit.append((at, uid_, uname, "upload", "version", str(v), json.dumps(detail, ensure_ascii=False)))
        if published:
            audit.append((at, uid_, uname, "publish", "version", str(v), json.dumps({"supersedes": []})))
    bulk_insert(session, AuditEntry.__table__, ("at", "user_id", "username", "action", "object_type", "object_id", "detail"),
                audit)
    if published:
        rollup.add(session, version_ids)
        pages.bump(session, touched)
    return [Loaded(v, d, unit_ids[p.org.unit_code][0], len(p.cells)) for v, d, p in zip(version_ids, doc_ids, items)]


__all__ = ["CELL_COLUMNS", "FINDING_COLUMNS", "Loaded", "Prepared", "bulk_insert", "load", "prepare"]
