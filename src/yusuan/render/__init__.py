"""Render a disclosure: ``render(doc, fmt) -> bytes`` for pdf, xlsx, docx, html, txt, csv, json.

Every format prints the same document (``document.blocks``): the cover title, a table of
contents, the standard tables — each laid out once as a grid of header cells with spans,
栏次 and body rows (``sheet.grid``) — and the 情况说明 with its performance-target tables
and glossary.  What one format shows, the others show; what they show, ``parse`` reads back.
"""

from __future__ import annotations

from ..model import Disclosure

FORMATS = ("pdf", "xlsx", "docx", "html", "txt", "csv", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


class RenderError(RuntimeError):
    """The document cannot be rendered in this format here (e.g. no CJK font for PDF)."""


def render(doc: Disclosure, fmt: str) -> bytes:
    """``doc`` as ``fmt`` bytes (text formats in UTF-8)."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "txt":
        from .text import render_text

        return render_text(doc).encode("utf-8")
    if fmt == "csv":
        from .opendata import to_csv

        return to_csv(doc).encode("utf-8")
    if fmt == "json":
        from .opendata import to_json

        return (to_json(doc) + "\n").encode("utf-8")
    if fmt in ("html", "htm"):
        from .html import render_html

        return render_html(doc).encode("utf-8")
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(doc)
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(doc)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(doc)
    raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "MEDIA_TYPES", "RenderError", "render"]
