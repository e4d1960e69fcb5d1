"""The portal: server-rendered pages, charts bundled with the package, a JSON API.

``create_app(store, settings)`` builds the FastAPI app (no global state); ``yusuan
serve`` runs it.  Imports store, render, check and model — never parse: uploads go
through the same ``yusuan.load`` the command line uses (ARCHITECTURE.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    """Imported on first use: the command line registers ``serve`` without loading FastAPI."""
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Settings":
        from .settings import Settings

        return Settings
    raise AttributeError(name)
