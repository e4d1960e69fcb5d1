"""PDF input → ``RawDocument``: the text layer read with positions through PDFium.

Why PDFium (pypdfium2, Apache-2.0/BSD-3): on the corpus it is the fastest library that
gives character positions, as fast as ``pdftotext`` itself; pdfplumber is ten times
slower and PyMuPDF is AGPL (figures in ``docs/pdf-extraction.md``).  Generic table
finders are not used: the shared table builder (``parse/tables.py``) reads columns from
where words stand, for text and PDF alike, so this module only lays out words the way
``pdftotext -layout`` would (``pdf_lines``), from the runs of text PDFium finds
(``pdf_page``).

Bad input is bounded and named.  A file that is not a PDF, is damaged, encrypted (needs
a password), has no pages, has no text layer on any page, or is over a limit raises
``NotADisclosure`` with a one-line message naming the file and the reason.  The limits
(``Limits``; each can be set by an environment variable):

========================  =======  ==========================================
``YUSUAN_PDF_MAX_MB``        64     file size
``YUSUAN_PDF_MAX_PAGES``     1000   pages
``YUSUAN_PDF_MAX_STREAM_MB`` 64     one compressed stream, inflated (zip bomb)
``YUSUAN_PDF_MAX_SECONDS``   120    reading time, checked between pages
``YUSUAN_PDF_MAX_PAGE_CHARS`` 200000 characters on one page (that page is skipped)
========================  =======  ==========================================

Pages without a text layer (scans) are listed in ``RawDocument.empty_pages``, which
``build`` reports as a ``page-without-text`` finding; a blank page is not listed.  The
directory runner (``yusuan.runner``) also kills a document past ``--timeout`` and caps
each worker's memory.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pypdfium2.raw as R

from ..layout import RawDocument
from .pdf_guard import StreamBomb, check_streams
from .pdf_lines import to_lines
from .pdf_page import PageReader, PageText, PageTooLarge
from .text import NotADisclosure

#: a page without text that shows this many vector paths is drawn text, not a blank page
_DRAWN_PATHS = 50

# PDFium is not thread-safe: one document at a time per process
_LOCK = threading.Lock()

_OPEN_ERRORS = {
    R.FPDF_ERR_FILE: "cannot be opened",
    R.FPDF_ERR_FORMAT: "not a PDF, or damaged beyond repair (truncated or corrupt)",
    R.FPDF_ERR_PASSWORD: "encrypted: a password is needed to open it",
    R.FPDF_ERR_SECURITY: "encrypted with an unsupported security handler",
    R.FPDF_ERR_PAGE: "its page tree is damaged",
}


def _env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(1, int(raw))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Bounds on what one PDF may cost; beyond them, a clear ``NotADisclosure``."""

    max_mb: int = 64
    max_pages: int = 1000
    max_stream_mb: int = 64
    max_seconds: float = 120.0
    max_page_chars: int = 200_000

    @classmethod
    def from_env(cls) -> "Limits":
        d = cls()
        return cls(
            max_mb=_env("YUSUAN_PDF_MAX_MB", d.max_mb),
            max_pages=_env("YUSUAN_PDF_MAX_PAGES", d.max_pages),
            max_stream_mb=_env("YUSUAN_PDF_MAX_STREAM_MB", d.max_stream_mb),
            max_seconds=float(_env("YUSUAN_PDF_MAX_SECONDS", int(d.max_seconds))),
            max_page_chars=_env("YUSUAN_PDF_MAX_PAGE_CHARS", d.max_page_chars),
        )


def extract(path: Path, limits: Limits | None = None) -> RawDocument:
    """Read the text layer of the PDF at ``path`` into pages of lines of positioned words."""
    path = Path(path)
    limits = limits or Limits.from_env()
    try:
        size = path.stat().st_size
        if size > limits.max_mb * 1024 * 1024:
            raise NotADisclosure(
                f"{path}: {size / 1048576:.1f} MB is over the {limits.max_mb} MB limit for PDF input (YUSUAN_PDF_MAX_MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise NotADisclosure(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise NotADisclosure(f"{path}: empty file")
    try:
        check_streams(data, limits.max_stream_mb)
    except StreamBomb as bomb:
        raise NotADisclosure(
            f"{path}: a compressed stream at byte {bomb.offset} inflates past {bomb.limit} MB "
            f"(a zip bomb?; YUSUAN_PDF_MAX_STREAM_MB)"
        ) from None
    buf = ctypes.create_string_buffer(data, len(data))
    with _LOCK:
        doc = R.FPDF_LoadMemDocument64(buf, len(data), None)
        if not doc:
            code = R.FPDF_GetLastError()
            raise NotADisclosure(f"{path}: {_OPEN_ERRORS.get(code, f'not a readable PDF (PDFium error {code})')}")
        try:
            return _read(doc, path, limits)
        finally:
            R.FPDF_CloseDocument(doc)
            del buf


def _read(doc, path: Path, limits: Limits) -> RawDocument:
    npages = R.FPDF_GetPageCount(doc)
    if npages <= 0:
        raise NotADisclosure(f"{path}: the PDF has no pages")
    if npages > limits.max_pages:
        raise NotADisclosure(
            f"{path}: {npages} pages is over the {limits.max_pages}-page limit for PDF input (YUSUAN_PDF_MAX_PAGES)"
        )
    deadline = time.monotonic() + limits.max_seconds
    reader = PageReader(limits.max_page_chars)
    pages: list[PageText] = []
    scans: list[int] = []
    oversized: list[int] = []
    for i in range(npages):
        if time.monotonic() > deadline:
            raise NotADisclosure(
                f"{path}: gave up after {limits.max_seconds:.0f} s at page {i + 1} of {npages} (YUSUAN_PDF_MAX_SECONDS)"
            )
        try:
            pt = reader.read(doc, i)
        except PageTooLarge:
            oversized.append(i + 1)
            pt = PageText([])
        pages.append(pt)
        if not pt.runs and (pt.images or pt.paths >= _DRAWN_PATHS):
            scans.append(i + 1)
    if not any(p.runs for p in pages):
        if oversized:
            raise NotADisclosure(f"{path}: every page with text holds more than {limits.max_page_chars} characters")
        if scans:
            raise NotADisclosure(f"{path}: no text layer on any of its {npages} pages (a scan? it needs OCR first)")
        raise NotADisclosure(f"{path}: no text on any of its {npages} pages")
    unit = _document_cell([p for p in pages if p.runs])
    raw = RawDocument(source=str(path), pages=npages, kind="pdf", empty_pages=sorted(scans + oversized))
    lineno = 1
    for i, pt in enumerate(pages):
        if pt.runs:
            lines = to_lines(pt.runs, i + 1, lineno, pt.cell, unit, pt.origin)
            raw.lines.extend(lines)
            lineno += len(lines)
    return raw


def _document_cell(pages: list[PageText]) -> float:
    """One cell width for the whole document, so that a table keeps its column positions
    from page to page: the median page cell, weighted by the page's runs."""
    weighted = sorted((p.cell, len(p.runs)) for p in pages)
    half = sum(w for _, w in weighted) / 2
    acc = 0
    for cell, w in weighted:
        acc += w
        if acc >= half:
            return cell
    return weighted[-1][0]
