"""Alembic environment: runs on the connection ``Store.upgrade`` hands over.

Used programmatically (no ``alembic.ini``): ``yusuan.store.db.Store.upgrade()``.
"""

from __future__ import annotations

from alembic import context

from yusuan.store.schema import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - we always migrate a live database
    raise SystemExit("yusuan migrations run online only (yusuan.store.Store.upgrade)")
run_migrations_online()
