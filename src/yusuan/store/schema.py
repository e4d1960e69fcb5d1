"""The database schema: one source of truth for SQLite and PostgreSQL.

Alembic migrations (``store/migrations``) are generated from these classes and a test
checks that ``upgrade head`` yields exactly this metadata.

Layout:

* ``departments`` ⊃ ``units`` — who publishes;
* ``documents`` (one per unit, year and phase) ⊃ ``versions`` (one per distinct source
  file: its SHA-256, who uploaded it, its workflow status, the disclosure as JSON);
* ``cells`` — every non-blank numeric cell of every version in tidy form (the open-data
  contract plus ids, column role, side, code level and an exact integer amount), indexed
  for aggregation;
* ``findings`` of each version; ``users``, their ``user_units`` and ``sessions``;
  ``audit_log`` of every change; ``search_grams`` — a character n-gram index that finds
  Chinese names (SQLite FTS's default tokenizer splits on spaces and cannot);
* derived, kept in step by every publication in the same transaction: ``rollup`` (the
  current published cells summed per year × phase × department × region × table ×
  column role × code, which answers the all-units aggregates), ``pages`` (the public
  pages and documents of a unit's year, rendered once per ``units.generation``) and
  ``counters`` (the publication generation).

Money in ``cells.scaled`` is an integer: the amount × 100 in 元 (分), or the quantity
× 100 — sums are exact on both databases, and the printed text stays in ``value``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: workflow states of a version (see ``store.workflow``)
DRAFT, REVIEW, PUBLISHED, REJECTED, SUPERSEDED = "draft", "review", "published", "rejected", "superseded"
STATUSES = (DRAFT, REVIEW, PUBLISHED, REJECTED, SUPERSEDED)
STATUS_NAMES = {DRAFT: "草稿", REVIEW: "待审核", PUBLISHED: "已发布", REJECTED: "已退回", SUPERSEDED: "已被更正"}

#: roles of an account
CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
ROLES = (CLERK, REVIEWER, ADMIN)
ROLE_NAMES = {CLERK: "填报员", REVIEWER: "审核员", ADMIN: "管理员"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100), index=True)


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    #: the publication generation (``counters``) that last changed what the public sees of this
    #: unit; a stored page is valid while its generation equals this one (``store.pages``)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Document(Base):
    """A unit's disclosure of one year and phase; its content lives in versions."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("unit_id", "year", "phase"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    phase: Mapped[str] = mapped_column(String(8))  # 预算 | 决算
    scope: Mapped[str | None] = mapped_column(String(8))  # 部门 | 单位


class Version(Base):
    """One uploaded source file of a document (same bytes → same version)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    title: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(300))
    fmt: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    infos: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    disclosure: Mapped[bytes] = mapped_column(LargeBinary)  # yusuan.disclosure/1 JSON, zlib-compressed (~8×)


class Source(Base):
    """The bytes of the uploaded file, kept for audit and re-parsing."""

    __tablename__ = "sources"
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Cell(Base):
    """A non-blank numeric table cell in tidy form (README's open-data contract + ids)."""

    __tablename__ = "cells"
    __table_args__ = (
        # covering: an all-units aggregate reads only this index, never the wide cell rows
        Index("ix_cells_agg", "is_current", "year", "table_id", "column_role", "code_level", "code",
              "department_id", "unit_id", "amount_unit", "scaled"),
        Index("ix_cells_unit_year", "unit_id", "year", "table_id"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    year: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(8))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    table_id: Mapped[str] = mapped_column(String(64))
    table_index: Mapped[int] = mapped_column(SmallInteger)  # position of the table in the document
    row_index: Mapped[int] = mapped_column(Integer)  # position of the row in its table
    row: Mapped[str | None] = mapped_column(String(16))  # 序号 as printed
    code: Mapped[str | None] = mapped_column(String(16))
    code_level: Mapped[int] = mapped_column(SmallInteger, default=0)  # 1 类 / 2 款 / 3 项, 0 none
    code_kind: Mapped[str | None] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(Text)
    column_key: Mapped[str] = mapped_column(String(100))
    column_header: Mapped[str] = mapped_column(String(100))
    column_role: Mapped[str | None] = mapped_column(String(64))
    side: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(40))  # plain decimal in the table's unit
    scaled: Mapped[int] = mapped_column(BigInteger)  # amount in 分 (or quantity × 100)
    amount_unit: Mapped[str | None] = mapped_column(String(4))  # 元 | 万元 | None for quantities


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    table_id: Mapped[str | None] = mapped_column(String(64))
    row: Mapped[str | None] = mapped_column(String(16))
    column: Mapped[str | None] = mapped_column(String(100))
    subject_code: Mapped[str | None] = mapped_column(String(16))
    page: Mapped[int | None] = mapped_column(Integer)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    expected: Mapped[str | None] = mapped_column(String(40))
    actual: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class UserUnit(Base):
    """The units a clerk may upload and edit for."""

    __tablename__ = "user_units"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)


class SessionRow(Base):
    """A login: the cookie holds the token, the table only its hash."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: entries outlive accounts
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class SearchGram(Base):
    """Character uni- and bigrams of searchable names → the entity they belong to."""

    __tablename__ = "search_grams"
    gram: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # unit | department | subject
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class Subject(Base):
    """Subject codes seen in the catalog or in stored cells, with a name to search."""

    __tablename__ = "subjects"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(16))


class Counter(Base):
    """Named counters; ``publication`` grows with every publication (``store.pages.bump``)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Page(Base):
    """A public page or document of a unit's year, rendered once for a unit generation.

    ``kind``: ``html`` (the unit page), ``api`` (``/api/units/{code}/{year}``) or a download
    format; ``variant``: the normalised query (``phase=决算``, ``version=2``, or empty).
    Valid only while ``generation`` equals the unit's and ``renderer`` the portal's (a
    digest of its version, templates and title: an upgrade re-renders); never personalised
    (staff pages are not stored).
    """

    __tablename__ = "pages"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    variant: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    renderer: Mapped[str] = mapped_column(String(32))
    etag: Mapped[str] = mapped_column(String(64))
    rendered_at: Mapped[datetime] = mapped_column(DateTime)
    encoding: Mapped[str] = mapped_column(String(16))  # gzip | identity
    headers: Mapped[str] = mapped_column(Text, default="{}")  # JSON: extra response headers
    body: Mapped[bytes] = mapped_column(LargeBinary)


class Rollup(Base):
    """Current published cells summed per year × phase × department × region × table × role × code.

    Absent values are stored as ``''`` (``0`` for a department) so that the key can be
    unique on both databases; ``store.aggregate`` turns them back into NULL.  ``total`` is
    the exact sum of ``cells.scaled`` (分, or quantity × 100), ``cells`` the count.
    """

    __tablename__ = "rollup"
    __table_args__ = (
        # the key (its leading columns serve the usual cuts: year, table, role, level)
        UniqueConstraint("year", "table_id", "column_role", "code_level", "code", "phase", "department_id", "region",
                         "code_kind", "side", "is_amount", name="uq_rollup_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    table_id: Mapped[str] = mapped_column(String(64))
    column_role: Mapped[str] = mapped_column(String(64))
    code_level: Mapped[int] = mapped_column(SmallInteger)
    code: Mapped[str] = mapped_column(String(16))
    phase: Mapped[str] = mapped_column(String(8))
    department_id: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(100))
    code_kind: Mapped[str] = mapped_column(String(16))
    side: Mapped[str] = mapped_column(String(16))
    is_amount: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[int] = mapped_column(BigInteger)
    cells: Mapped[int] = mapped_column(BigInteger)
