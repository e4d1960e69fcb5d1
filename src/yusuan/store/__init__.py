"""Store: many units and years in SQLite (default) or PostgreSQL, same behaviour.

``open_store(url)`` opens (and migrates) a database; ``ingest`` adds a checked
disclosure as a version (idempotent, atomic); ``workflow`` moves versions through
draft → review → published; ``queries``, ``aggregate`` and ``search`` read.
The schema (``schema.py``) is the one source of truth; Alembic migrations live in
``migrations/``.  Imports only ``model`` (see ARCHITECTURE.md).
"""

from .db import Store, StoreError, normalize_url, open_store

__all__ = ["Store", "StoreError", "normalize_url", "open_store"]
