"""Open a store by URL: SQLite file (default) or PostgreSQL, same behaviour.

``Store(url)`` owns the engine and the session factory; ``upgrade()`` runs the Alembic
migrations shipped in this package (no ``alembic.ini`` needed, so an installed package
migrates its own databases).  SQLite gets WAL journaling (readers never wait for the
importer), foreign keys and a busy timeout.
"""

from __future__ import annotations

from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


class StoreError(Exception):
    """A store operation that cannot be done (one-line Chinese message)."""


def normalize_url(url: str | Path | None) -> str:
    """A file path means a SQLite file; ``postgresql://`` uses psycopg 3."""
    if url is None:
        url = "yusuan.db"
    s = str(url)
    if "://" not in s:
        return f"sqlite:///{Path(s).expanduser().resolve()}"
    if s.startswith("postgresql://") or s.startswith("postgres://"):
        s = "postgresql+psycopg://" + s.split("://", 1)[1]
    return s


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Store:
    """The database behind the portal and ``yusuan ingest``."""

    def __init__(self, url: str | Path | None = None, echo: bool = False, pool_size: int = 10) -> None:
        self.url = normalize_url(url)
        u = make_url(self.url)
        kwargs: dict = {"echo": echo, "future": True}
        if u.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 2 * pool_size
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 2 * pool_size
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    # -- schema ---------------------------------------------------------------------
    def alembic_config(self):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("yusuan.store") / "migrations"))
        return cfg

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        from alembic import command

        cfg = self.alembic_config()
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def has_schema(self) -> bool:
        return inspect(self.engine).has_table("versions")

    # -- sessions -------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit at the end, roll back on any exception."""
        s = self.sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Read-only use: the transaction is ended by ``close`` (objects stay loaded, detached)."""
        s = self.sessions()
        try:
            yield s
        finally:
            s.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | Path | None = None, upgrade: bool = True, **kw) -> Store:
    store = Store(url, **kw)
    if upgrade:
        store.upgrade()
    return store
