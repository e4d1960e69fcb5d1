"""The portal: server-rendered pages, charts bundled with the package, a JSON API.

``create_app(store, settings)`` builds the FastAPI app (no global state); ``yusuan
serve`` runs it.  Imports store, render, check and model — never parse: uploads go
through the same ``yusuan.load`` the command line uses (ARCHITECTURE.md).
"""

from .app import create_app
from .settings import Settings

__all__ = ["Settings", "create_app"]
