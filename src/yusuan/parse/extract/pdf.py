"""PDF input → ``RawDocument``: the text layer read with positions through PDFium.

Why PDFium (pypdfium2, Apache-2.0/BSD-3): on the corpus it is the fastest library that
gives character positions, close to ``pdftotext`` itself; pdfplumber is ten times
slower and PyMuPDF is AGPL (figures in ``docs/pdf-extraction.md``).  Generic table
finders are not used: the shared table builder (``parse/tables.py``) reads columns from
where words stand, for text and PDF alike, so this module only has to lay the words out
the way ``pdftotext -layout`` would (``pdf_lines``), from runs of text PDFium finds
(``pdf_page``).

Bad input is bounded and named: a file that is not a PDF, is damaged, encrypted, empty,
too large (``YUSUAN_PDF_MAX_MB``, default 64) or too long (``YUSUAN_PDF_MAX_PAGES``,
default 1000 pages) raises ``NotADisclosure`` with a one-line message; a page with more
than ``YUSUAN_PDF_MAX_PAGE_CHARS`` characters (default 200,000) is skipped and named;
pages without a text layer (scans) are listed in ``RawDocument.empty_pages``, which
``build`` reports as a ``page-without-text`` finding.  The directory runner also bounds
each document's time and memory.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pypdfium2.raw as R

from ..layout import RawDocument
from .pdf_lines import to_lines
from .pdf_page import PageReader, PageText, PageTooLarge
from .text import NotADisclosure

#: defaults of the limits (overridable by environment variable or argument)
MAX_MB = 64
MAX_PAGES = 1000
MAX_PAGE_CHARS = 200_000

#: a page without text that shows this many vector paths is drawn text, not a blank page
_DRAWN_PATHS = 50

# PDFium keeps global state: one document at a time per process
_LOCK = threading.Lock()

_OPEN_ERRORS = {
    R.FPDF_ERR_FILE: "cannot be opened",
    R.FPDF_ERR_FORMAT: "not a PDF or damaged beyond repair (truncated or corrupt)",
    R.FPDF_ERR_PASSWORD: "encrypted: a password is needed to open it",
    R.FPDF_ERR_SECURITY: "encrypted with an unsupported security handler",
    R.FPDF_ERR_PAGE: "page tree is damaged",
}


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(1, int(raw))
    except ValueError:
        return default


def extract(
    path: Path,
    *,
    max_mb: int | None = None,
    max_pages: int | None = None,
    max_page_chars: int | None = None,
) -> RawDocument:
    """Read the text layer of the PDF at ``path`` into pages of lines of positioned words."""
    path = Path(path)
    max_mb = max_mb or _limit("YUSUAN_PDF_MAX_MB", MAX_MB)
    max_pages = max_pages or _limit("YUSUAN_PDF_MAX_PAGES", MAX_PAGES)
    max_page_chars = max_page_chars or _limit("YUSUAN_PDF_MAX_PAGE_CHARS", MAX_PAGE_CHARS)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise NotADisclosure(f"{path}: cannot read ({exc.strerror})") from exc
    if size == 0:
        raise NotADisclosure(f"{path}: empty file")
    if size > max_mb * 1024 * 1024:
        raise NotADisclosure(
            f"{path}: {size / 1048576:.1f} MB is over the {max_mb} MB limit for PDF input (YUSUAN_PDF_MAX_MB)"
        )
    with _LOCK:
        doc = R.FPDF_LoadDocument((str(path) + "\x00").encode("utf-8"), None)
        if not doc:
            code = R.FPDF_GetLastError()
            raise NotADisclosure(f"{path}: {_OPEN_ERRORS.get(code, f'PDF cannot be read (PDFium error {code})')}")
        try:
            return _read(doc, path, max_pages, max_page_chars)
        finally:
            R.FPDF_CloseDocument(doc)


def _read(doc, path: Path, max_pages: int, max_page_chars: int) -> RawDocument:
    npages = R.FPDF_GetPageCount(doc)
    if npages <= 0:
        raise NotADisclosure(f"{path}: PDF has no pages")
    if npages > max_pages:
        raise NotADisclosure(
            f"{path}: {npages} pages is over the {max_pages}-page limit for PDF input (YUSUAN_PDF_MAX_PAGES)"
        )
    reader = PageReader(max_page_chars)
    pages: list[PageText] = []
    empty: list[int] = []
    oversized: list[int] = []
    for i in range(npages):
        try:
            pt = reader.read(doc, i)
        except PageTooLarge:
            oversized.append(i + 1)
            pt = PageText([], 0.0, 0)
        pages.append(pt)
        if not pt.runs and (pt.images or pt.paths >= _DRAWN_PATHS):
            empty.append(i + 1)
    if len(empty) + len(oversized) == npages and oversized:
        raise NotADisclosure(f"{path}: every page holds more than {max_page_chars} characters (not a disclosure)")
    unit = _document_cell([p for p in pages if p.runs]) * float(os.environ.get("YUSUAN_PDF_SCALE_EXP", "1"))
    raw = RawDocument(source=str(path), pages=npages, kind="pdf", empty_pages=sorted(empty + oversized))
    lineno = 1
    for i, pt in enumerate(pages):
        if not pt.runs:
            continue
        lines = to_lines(pt.runs, i + 1, lineno, pt.cell, unit, pt.origin)
        raw.lines.extend(lines)
        lineno += len(lines)
    return raw


def _document_cell(pages: list[PageText]) -> float:
    """One cell width for the whole document, so that a table keeps its column positions
    from page to page: the median page cell, weighted by the page's runs."""
    if not pages:
        return 5.0
    weighted = sorted((p.cell, len(p.runs)) for p in pages)
    half = sum(w for _, w in weighted) / 2
    acc = 0
    for cell, w in weighted:
        acc += w
        if acc >= half:
            return cell
    return weighted[-1][0]
