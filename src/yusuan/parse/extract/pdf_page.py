"""One PDF page → text runs with boxes, through PDFium's text page (pypdfium2 raw API).

Why this shape: the price of a page is set by PDFium itself (content parsing and its
text-page analysis, ≈4 ms/page on the corpus); what we add on top must stay small.  A
Python call per character (≈1 µs each through ctypes, ≈850 characters a page) would
double the cost, so we ask PDFium for the page text once — it already inserts a
*generated* space where two glyphs stand apart and a line break where the baseline
changes — cut that text into runs of non-blank characters with a regular expression,
and ask for the boxes of only the first and last character of each run.  A run whose
box is not what its characters could fill (a gap PDFium did not mark, or a run that
climbs to another baseline) is measured again character by character.

Boxes are PDFium's *loose* character boxes (font ascent/descent and advance width), not
the tight glyph outlines: ``一`` and ``8`` then have the same height and the same
baseline band, which line grouping needs.

Coordinates come back in the page's reading frame — x to the right along the text,
y downwards — whatever the page rotation or the text matrix: the dominant character
angle of the page decides the frame (a landscape table drawn sideways on a portrait
page is read along its lines).
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass

import pypdfium2  # noqa: F401  (initialises the PDFium library)
import pypdfium2.raw as R

#: a run of characters that are neither blank nor a PDFium line break
_RUN_RE = re.compile(r"[^\s\x00-\x1f\ufffe\uffff]+")
_WIDE_RE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


@dataclass(slots=True)
class Run:
    """Characters that PDFium put together on one line, with their box in points."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    start: int = 0  # index of the first character in the text page
    split: bool = False  # first and last character stand on different lines

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class PageText:
    """What one page gave: its runs, a character-cell width, and whether it is a scan."""

    runs: list[Run]
    cell: float  # points per character cell (a Latin letter or digit)
    chars: int  # characters PDFium found
    images: int = 0  # image objects (only counted on pages without text)
    paths: int = 0
    origin: float = 0.0  # the page's left edge in the reading frame (points)


def nominal_cells(text: str) -> int:
    """Cells the text would take on a character grid: 2 per wide (CJK) character."""
    return len(text) + len(_WIDE_RE.findall(text))


class _Frame:
    """User space → reading frame (x right along the text, y down), by quarter turns."""

    __slots__ = ("quarter",)

    def __init__(self, quarter: int) -> None:
        self.quarter = quarter % 4

    def box(self, left: float, right: float, bottom: float, top: float) -> tuple[float, float, float, float]:
        """(x0, x1, top, bottom) in the reading frame of a user-space box."""
        q = self.quarter
        if q == 0:
            return left, right, -top, -bottom
        if q == 1:  # text runs up the page
            return bottom, top, left, right
        if q == 2:
            return -right, -left, bottom, top
        return -top, -bottom, -right, -left  # text runs down the page


def _quarter(angle: float) -> int:
    return int(round(angle / (math.pi / 2))) % 4


class PageReader:
    """Reads pages of one open document; keeps the ctypes buffers between pages."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._rect = R.FS_RECTF()
        self._rect_ref = ctypes.byref(self._rect)
        self._box = R.FPDFText_GetLooseCharBox

    # ------------------------------------------------------------------ text
    def read(self, doc, index: int) -> PageText:
        page = R.FPDF_LoadPage(doc, index)
        if not page:
            return PageText([], 0.0, 0)
        try:
            textpage = R.FPDFText_LoadPage(page)
            if not textpage:
                return self._no_text(page)
            try:
                n = R.FPDFText_CountChars(textpage)
                if n <= 0:
                    return self._no_text(page)
                if n > self.max_chars:
                    raise PageTooLarge(n)
                runs = self._runs(textpage, _page_text(textpage, n))
                left, right, top, bottom = self._page_box(page)
                # text whose baseline is off the page is not shown (pdftotext drops it too)
                runs = [r for r in runs if r.x1 >= left and r.x0 <= right and top <= r.bottom - 0.15 * r.height <= bottom]
                if not runs:
                    return self._no_text(page)
                cell = _cell_width(runs)
                runs = self._check_runs(textpage, runs, cell)
                return PageText(runs, cell, n, origin=left)
            finally:
                R.FPDFText_ClosePage(textpage)
        finally:
            R.FPDF_ClosePage(page)

    def _page_box(self, page) -> tuple[float, float, float, float]:
        """The visible page (crop box within media box) in the reading frame."""
        rect = self._rect
        if not R.FPDF_GetPageBoundingBox(page, self._rect_ref):
            return -math.inf, math.inf, -math.inf, math.inf
        return self._frame.box(rect.left, rect.right, rect.bottom, rect.top)

    def _no_text(self, page) -> PageText:
        images = paths = 0
        count = R.FPDFPage_CountObjects(page)
        for i in range(min(count, 5000)):
            kind = R.FPDFPage_GetObject(page, i)
            t = R.FPDFPageObj_GetType(kind) if kind else 0
            if t == R.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif t == R.FPDF_PAGEOBJ_PATH:
                paths += 1
            elif t == R.FPDF_PAGEOBJ_FORM:
                images += _form_images(kind, 0)
        return PageText([], 0.0, 0, images, paths)

    def _runs(self, textpage, text: str) -> list[Run]:
        matches = list(_RUN_RE.finditer(text))
        if not matches:
            return []
        frame = self._frame = _Frame(self._dominant_quarter(textpage, matches))
        rect, ref, box = self._rect, self._rect_ref, self._box
        fbox = frame.box
        runs: list[Run] = []
        append = runs.append
        for m in matches:
            start, end = m.span()
            box(textpage, start, ref)
            x0, x1, top, bottom = fbox(rect.left, rect.right, rect.bottom, rect.top)
            if end - start > 1:
                box(textpage, end - 1, ref)
                b = fbox(rect.left, rect.right, rect.bottom, rect.top)
                h = max(bottom - top, b[3] - b[2])
                # the last glyph on another line: PDFium missed a line break
                split = abs((top + bottom) - (b[2] + b[3])) > h
                append(Run(m.group(), x0, b[1], min(top, b[2]), max(bottom, b[3]), start, split))
            else:
                append(Run(m.group(), x0, x1, top, bottom, start))
        return runs

    def _dominant_quarter(self, textpage, matches) -> int:
        step = max(1, len(matches) // 12)
        votes = [0, 0, 0, 0]
        angle = R.FPDFText_GetCharAngle
        for m in matches[::step]:
            a = angle(textpage, m.start())
            if a >= 0:
                votes[_quarter(a)] += 1
        return max(range(4), key=votes.__getitem__)

    def _check_runs(self, textpage, runs: list[Run], cell: float) -> list[Run]:
        """Measure again, glyph by glyph, the runs whose box their characters cannot fill."""
        bad = [r.split or _too_wide(r, cell) for r in runs]
        if not any(bad):
            return runs
        rect, ref, box, fbox = self._rect, self._rect_ref, self._box, self._frame.box
        out: list[Run] = []
        for r, flagged in zip(runs, bad):
            if not flagged:
                out.append(r)
                continue
            cur: Run | None = None
            for k, ch in enumerate(r.text):
                box(textpage, r.start + k, ref)
                x0, x1, top, bottom = fbox(rect.left, rect.right, rect.bottom, rect.top)
                if cur is not None:
                    h = max(cur.height, bottom - top, 0.1)
                    same_line = abs((top + bottom) / 2 - cur.middle) < 0.5 * h
                    if same_line and -0.5 * cell < x0 - cur.x1 < 0.5 * cell:
                        cur.text += ch
                        cur.x1 = max(cur.x1, x1)
                        cur.top = min(cur.top, top)
                        cur.bottom = max(cur.bottom, bottom)
                        continue
                    out.append(cur)
                cur = Run(ch, x0, x1, top, bottom, r.start + k)
            if cur is not None:
                out.append(cur)
        return out


def _too_wide(r: Run, cell: float) -> bool:
    """Wider than its characters can be: a gap inside that PDFium did not mark."""
    return (r.x1 - r.x0) / cell > nominal_cells(r.text) * 1.3 + 1.5 or r.x1 < r.x0 - cell


class PageTooLarge(Exception):
    """A page with more characters than any disclosure page has."""


def _page_text(textpage, n: int) -> str:
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = R.FPDFText_GetText(textpage, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    return buf.raw[: 2 * max(got - 1, 0)].decode("utf-16-le", "replace")


def _form_images(form, depth: int) -> int:
    if depth > 8:
        return 0
    n = 0
    for i in range(min(R.FPDFFormObj_CountObjects(form), 5000)):
        obj = R.FPDFFormObj_GetObject(form, i)
        t = R.FPDFPageObj_GetType(obj) if obj else 0
        if t == R.FPDF_PAGEOBJ_IMAGE:
            n += 1
        elif t == R.FPDF_PAGEOBJ_FORM:
            n += _form_images(obj, depth + 1)
    return n


def _cell_width(runs: list[Run]) -> float:
    """Points per character cell: the median width per cell of the page's short runs.

    Digits and Latin letters are one cell, CJK characters two; the median over runs is
    dominated by the table body, not by a large title.
    """
    samples: list[float] = []
    for r in runs:
        n = nominal_cells(r.text)
        if n and len(r.text) <= 24:
            w = (r.x1 - r.x0) / n
            if w > 0:
                samples.append(w)
    if not samples:
        return 5.0
    samples.sort()
    return max(samples[len(samples) // 2], 0.5)
