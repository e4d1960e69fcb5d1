"""DOCX input → RawDocument (not implemented yet)."""

from __future__ import annotations

from pathlib import Path

from ..layout import RawDocument
from .text import NotADisclosure


def extract(path: Path) -> RawDocument:
    raise NotADisclosure(f"{path}: DOCX input is not supported yet")
