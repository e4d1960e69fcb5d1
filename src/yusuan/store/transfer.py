"""Copy a whole store into an empty one: SQLite → PostgreSQL when a unit's portal moves to a
server, PostgreSQL → SQLite for a copy to take away, or between two files.

Every table of the schema is copied row by row as it is — versions, cells, findings,
users, the audit log, stored pages, the rollup — so nothing is re-parsed, re-checked or
re-rendered and the copy answers exactly as the original.  Rows go through the driver
(``COPY`` on PostgreSQL, ``executemany`` on SQLite) in the schema's foreign-key order,
the secondary indexes are built after the rows, and PostgreSQL's id sequences are moved
past the copied ids.  The whole copy is one transaction on the target: a copy that fails
half way (full disk, killed) leaves the target as empty as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Integer, func, select, text

from .bulk import insert_rows
from .db import Store, StoreError
from .schema import Base, Version

#: rows read from the source and written to the target at a time
CHUNK = 5000


@dataclass(frozen=True)
class Copied:
    tables: dict[str, int]  # table name → rows copied

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def copy_store(src: Store, dst: Store, progress: Callable[[str, int], None] | None = None) -> Copied:
    """Copy every table of ``src`` into ``dst``, which must hold no data (schema migrated)."""
    if src.revision() != dst.revision():
        raise StoreError(f"两个数据库的结构版本不同（{src.revision()} ≠ {dst.revision()}），请先升级")
    with dst.read() as s:
        if s.scalar(select(func.count()).select_from(Version)):
            raise StoreError(f"目标数据库 {dst.display_url} 已有数据，只能复制到空数据库")
    tables = Base.metadata.sorted_tables
    counts: dict[str, int] = {}
    with src.engine.connect() as rconn, dst.engine.begin() as wconn:
        indexes = [ix for t in tables for ix in t.indexes]
        for ix in indexes:
            ix.drop(wconn)
        for t in reversed(tables):
            wconn.execute(t.delete())  # rows migrations put there (counters): the source's replace them
        for t in tables:
            names = [c.name for c in t.columns]
            rows = rconn.execution_options(stream_results=True, yield_per=CHUNK).execute(select(*t.columns))
            n = 0
            for part in rows.partitions(CHUNK):
                insert_rows(wconn, t, names, [tuple(r) for r in part])
                n += len(part)
                if progress:
                    progress(t.name, n)
            counts[t.name] = n
        for ix in indexes:
            ix.create(wconn)
        if wconn.dialect.name == "postgresql":
            for t in tables:
                pk = list(t.primary_key.columns)
                if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].autoincrement in (True, "auto"):
                    wconn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{t.name}', '{pk[0].name}'), "
                        f"COALESCE((SELECT MAX(\"{pk[0].name}\") FROM {t.name}), 0) + 1, false)"))
    return Copied(counts)


__all__ = ["Copied", "copy_store"]
