"""Rendered public pages, stored, and the generations that say when they are stale.

A published version never changes, so what the public sees of a unit changes only when
something is published.  Every publication takes the next value of the ``publication``
counter (``bump``) and writes it into ``units.generation`` of each unit whose public pages
it changes (the document's unit and every unit with cells in the versions it publishes
or supersedes) — in the publishing transaction, so a page can never outlive its data.

A rendered page (``pages``) is stored with the unit generation it was rendered for; it is
served only while that equals the unit's current generation.  Readers read the generation
*before* the content they render: a publication that lands in between leaves a page
stamped with the old generation, which is then never served.  ``publication_generation``
(the counter) keys caches of anything that spans units (aggregates, the home page).

The web layer renders (``yusuan.web.cache``); this module only stores and validates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, text, update
from sqlalchemy.orm import Session

from .audit import now
from .schema import Counter, Page, Unit

PUBLICATION = "publication"


def bump(session: Session, unit_ids) -> int:
    """The next publication generation, written into ``units.generation`` of ``unit_ids``."""
    unit_ids = sorted({int(u) for u in unit_ids if u is not None})
    # the row lock on the counter orders concurrent publications (PostgreSQL) until commit
    value = session.execute(
        update(Counter).where(Counter.name == PUBLICATION).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:
        session.add(Counter(name=PUBLICATION, value=1))
        session.flush()
        value = 1
    for i in range(0, len(unit_ids), 500):
        session.execute(update(Unit).where(Unit.id.in_(unit_ids[i : i + 500])).values(generation=value))
    return int(value)


GENERATION_SQL = "SELECT value FROM counters WHERE name = 'publication'"
_GENERATION = text(GENERATION_SQL)


def publication_generation(conn: Connection) -> int:
    """The newest publication generation (0 before any)."""
    return int(conn.execute(_GENERATION).scalar() or 0)


@dataclass(frozen=True)
class PageState:
    """What a request needs to decide between 304, a cached body and rendering."""

    unit_id: int
    generation: int  # the unit's
    etag: str | None  # of the stored page, when it is valid for this generation
    rendered_at: datetime | None


_LOOKUP_SQL = (
    "SELECT u.id, u.generation, p.generation, p.renderer, p.etag, p.rendered_at, p.encoding, p.headers, p.body "
    "FROM units u LEFT JOIN pages p ON p.unit_id = u.id AND p.year = {year} AND p.kind = {kind} AND p.variant = {variant} "
    "WHERE u.code = {code}"
)
_LOOKUP = text(_LOOKUP_SQL.format(year=":year", kind=":kind", variant=":variant", code=":code"))
#: the same statement for a psycopg connection of its own (``web.cache``'s asynchronous reads)
LOOKUP_PSYCOPG = _LOOKUP_SQL.format(year="%(year)s", kind="%(kind)s", variant="%(variant)s", code="%(code)s")


@dataclass(frozen=True)
class StoredPage:
    generation: int
    renderer: str
    etag: str
    rendered_at: datetime
    encoding: str
    headers: dict
    body: bytes


def lookup_params(unit_code: str, year: int, kind: str, variant: str) -> dict:
    return {"code": unit_code, "year": year, "kind": kind, "variant": variant}


def lookup(conn: Connection, unit_code: str, year: int, kind: str, variant: str,
           renderer: str) -> tuple[PageState, StoredPage | None] | None:
    """The unit's generation and its stored page when that is valid for it (rendered for the
    unit's current generation by ``renderer``), in one statement — a request costs one round
    trip to the database.  ``None`` when there is no such unit."""
    return lookup_result(conn.execute(_LOOKUP, lookup_params(unit_code, year, kind, variant)).first(), renderer)


def lookup_result(row, renderer: str) -> tuple[PageState, StoredPage | None] | None:
    """``lookup``'s answer from the row of its statement (``None``: no unit)."""
    if row is None:
        return None
    uid, gen, page_gen, page_renderer, etag, at, enc, headers, body = row
    if page_gen is None or int(page_gen) != int(gen) or page_renderer != renderer:
        return PageState(int(uid), int(gen), None, None), None
    page = StoredPage(int(page_gen), page_renderer, etag, _dt(at), enc, json.loads(headers or "{}"), bytes(body))
    return PageState(int(uid), int(gen), etag, page.rendered_at), page


def put_page(conn: Connection, unit_id: int, year: int, kind: str, variant: str, generation: int, renderer: str,
             etag: str, encoding: str, body: bytes, headers: dict | None = None, rendered_at: datetime | None = None) -> None:
    """Store a rendered page (an older generation never replaces a newer one)."""
    table = Page.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {"unit_id": unit_id, "year": year, "kind": kind, "variant": variant, "generation": generation,
              "renderer": renderer, "etag": etag,
              "rendered_at": rendered_at or now(), "encoding": encoding, "headers": json.dumps(headers or {}, ensure_ascii=False),
              "body": body}
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.unit_id, table.c.year, table.c.kind, table.c.variant],
        set_={k: stmt.excluded[k] for k in ("generation", "renderer", "etag", "rendered_at", "encoding", "headers", "body")},
        where=table.c.generation <= stmt.excluded.generation,
    )
    conn.execute(stmt)


def stale_unit_years(session: Session, kind: str, renderer: str, unit_ids: list[int] | None = None,
                     limit: int | None = None):
    """``(unit_id, unit_code, year)`` of published unit-years whose default ``kind`` page is missing or stale."""
    from .schema import Document, Version

    q = (
        select(Unit.id, Unit.code, Document.year)
        .join(Document, Document.unit_id == Unit.id)
        .join(Version, Version.document_id == Document.id)
        .outerjoin(Page, (Page.unit_id == Unit.id) & (Page.year == Document.year) & (Page.kind == bindparam("kind"))
                   & (Page.variant == ""))
        .where(Version.is_current.is_(True),
               Page.generation.is_(None) | (Page.generation != Unit.generation) | (Page.renderer != bindparam("renderer")))
        .group_by(Unit.id, Unit.code, Document.year)
        .order_by(Unit.id, Document.year)
    )
    if unit_ids is not None:
        q = q.where(Unit.id.in_(unit_ids))
    if limit:
        q = q.limit(limit)
    return [tuple(r) for r in session.execute(q, {"kind": kind, "renderer": renderer})]


def _dt(v) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    return datetime.fromisoformat(str(v))  # SQLite through text(): an ISO string


__all__ = ["PageState", "StoredPage", "GENERATION_SQL", "LOOKUP_PSYCOPG", "bump", "lookup", "lookup_params", "lookup_result", "publication_generation", "put_page",
           "stale_unit_years"]
