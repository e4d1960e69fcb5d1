"""One PDF page → runs of text with boxes, through PDFium's text page (pypdfium2).

Why this shape: the price of a page is set by PDFium itself (content parsing and its
text-page analysis, ≈5 ms/page on the corpus); what we add must stay small.  A ctypes
call per character would cost as much again, so we ask PDFium for the page text once —
it already inserts a *generated* space where two glyphs stand apart and a line break
where the baseline changes — cut that text into runs of non-blank characters with a
regular expression, and ask for the boxes of only the first and last character of each
run.  A run whose box its characters cannot fill (a gap PDFium did not mark) or whose
ends stand on different lines is measured again glyph by glyph.  The box calls go
through a bare C function pointer without argument types, given ctypes objects that
pass straight through (the text page as a ``c_void_p``, the box as a float array) and an
int, and the box is read with ``struct.unpack``: about 0.5 µs a call, against 0.75 µs
through a pointer with a prototype (whose ``from_param`` converts every argument) and
2.2 µs through the typed binding and structure fields.

Boxes are PDFium's *loose* character boxes (font ascent/descent and advance width), not
the tight glyph outlines: ``一`` and ``8`` then share a height and a baseline band,
which line grouping needs.

Coordinates come back in the page's reading frame — x to the right along the text, y
downwards — whatever the page rotation or the text matrix: the dominant character angle
of the page decides the frame (a landscape table drawn sideways on a portrait page is
read along its lines).
"""

from __future__ import annotations

import ctypes
import math
import re
import struct
from typing import Final

import pypdfium2  # noqa: F401  (initialises the PDFium library)
import pypdfium2.raw as R

#: a run of characters that are neither blank nor a PDFium line break
_RUN_RE: Final = re.compile(r"[^\s\x00-\x1f\ufffe\uffff]+")

#: ``int FPDFText_GetLooseCharBox(FPDF_TEXTPAGE, int index, FS_RECTF*)``, called with
#: (``c_void_p``, int, ``c_float * 4``): no prototype, so nothing is converted but the int
_loose_box: Final = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.cast(R.FPDFText_GetLooseCharBox, ctypes.c_void_p).value or 0)
_unpack_rect: Final = struct.Struct("4f").unpack_from  # FS_RECTF: left, top, right, bottom


class Run:
    """Characters that PDFium put together on one line, with their box in points."""

    __slots__ = ("text", "x0", "x1", "top", "bottom", "start", "split")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, start: int = 0, split: bool = False) -> None:
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.start = start  # index of the first character in the text page
        self.split = split  # first and last character stand on different lines

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    def __repr__(self) -> str:
        return f"Run({self.text!r}, {self.x0:.1f}-{self.x1:.1f}, {self.top:.1f}-{self.bottom:.1f})"


class PageText:
    """What one page gave: its runs, a character-cell width, and what else is on it."""

    __slots__ = ("runs", "cell", "chars", "images", "paths", "origin")

    def __init__(self, runs: list[Run], cell: float = 0.0, chars: int = 0, images: int = 0, paths: int = 0, origin: float = 0.0) -> None:
        self.runs = runs
        self.cell = cell  # points per character cell (a Latin letter or digit)
        self.chars = chars  # characters PDFium found
        self.images = images  # image objects (counted on pages without text)
        self.paths = paths  # vector paths (counted on pages without text)
        self.origin = origin  # the page's left edge in the reading frame (points)


class PageTooLarge(Exception):
    """A page with more characters than any disclosure page has."""


def nominal_cells(text: str) -> int:
    """Cells the text takes on a character grid: 1 per Latin letter or digit, 2 per CJK
    character (three UTF-8 bytes: CJK, full-width forms and punctuation)."""
    n = len(text)
    return n + (len(text.encode("utf-8")) - n) // 2


def frame_box(quarter: int, left: float, top: float, right: float, bottom: float) -> tuple[float, float, float, float]:
    """A user-space box as (x0, x1, top, bottom) in the reading frame (y down) of text
    turned ``quarter`` quarter turns counter-clockwise."""
    if quarter == 0:
        return left, right, -top, -bottom
    if quarter == 1:  # text runs up the page
        return bottom, top, left, right
    if quarter == 2:
        return -right, -left, bottom, top
    return -top, -bottom, -right, -left  # text runs down the page


def _quarter(angle: float) -> int:
    """Quarter turns counter-clockwise of a PDFium character angle (radians, clockwise)."""
    return -int(round(angle / (math.pi / 2))) % 4


class PageReader:
    """Reads the pages of one open document, reusing one box buffer."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._buf = (ctypes.c_float * 4)()
        self._view = memoryview(self._buf).cast("B")

    def _box(self, tp: ctypes.c_void_p, index: int) -> tuple[float, float, float, float]:
        _loose_box(tp, index, self._buf)
        return _unpack_rect(self._view)

    def read(self, doc, index: int) -> PageText:
        page = R.FPDF_LoadPage(doc, index)
        if not page:
            return PageText([])
        try:
            textpage = R.FPDFText_LoadPage(page)
            if not textpage:
                return _no_text(page)
            try:
                n = R.FPDFText_CountChars(textpage)
                if n <= 0:
                    return _no_text(page)
                if n > self.max_chars:
                    raise PageTooLarge(n)
                text = _page_text(textpage, n)
                matches = list(_RUN_RE.finditer(text))
                if not matches:
                    return _no_text(page)
                quarter = _dominant_quarter(textpage, matches)
                tp = ctypes.cast(textpage, ctypes.c_void_p)  # (never null here)
                runs = self._runs(tp, matches, quarter)
                left, right, top, bottom = _page_box(page, quarter)
                # text whose baseline is off the page is not shown (pdftotext drops it too)
                runs = [r for r in runs if r.x1 >= left and r.x0 <= right and top <= r.bottom - 0.15 * (r.bottom - r.top) <= bottom]
                if not runs:
                    return _no_text(page)
                cell = _cell_width(runs)
                runs = self._check_runs(tp, runs, cell, quarter, text)
                return PageText(runs, cell, n, origin=left)
            finally:
                R.FPDFText_ClosePage(textpage)
        finally:
            R.FPDF_ClosePage(page)

    def _runs(self, tp: ctypes.c_void_p, matches: list[re.Match], quarter: int) -> list[Run]:
        box = _loose_box
        rect, view, unpack = self._buf, self._view, _unpack_rect
        runs: list[Run] = []
        append = runs.append
        # (declared: compiled, the box's numbers are then native doubles, not Python floats)
        l0: float
        t0: float
        r0: float
        b0: float
        l1: float
        t1: float
        r1: float
        b1: float
        for m in matches:
            start, end = m.span()
            box(tp, start, rect)
            l0, t0, r0, b0 = unpack(view)
            if end - start > 1:
                box(tp, end - 1, rect)
                l1, t1, r1, b1 = unpack(view)
            else:
                l1, t1, r1, b1 = l0, t0, r0, b0
            if quarter:
                l0, r0, t0, b0 = frame_box(quarter, l0, t0, r0, b0)
                l1, r1, t1, b1 = frame_box(quarter, l1, t1, r1, b1)
            else:
                t0, b0, t1, b1 = -t0, -b0, -t1, -b1
            # the last glyph on another line: PDFium missed a line break
            split = abs((t0 + b0) - (t1 + b1)) > max(b0 - t0, b1 - t1)
            append(Run(m.group(), l0, r1, min(t0, t1), max(b0, b1), start, split))
        return runs

    def _check_runs(self, tp: ctypes.c_void_p, runs: list[Run], cell: float, quarter: int, text: str) -> list[Run]:
        """Measure again, glyph by glyph, the runs whose box their characters cannot fill."""
        bad = [r.split or _too_wide(r, cell) for r in runs]
        # a Chinese character meeting a digit: searched once in the page text (a match never
        # crosses a blank, so it lies inside one run), not run by run
        hits = [m.start() for m in _CJK_DIGIT_RE.finditer(text)]
        if hits:
            runs, bad = self._cut_overflow(tp, runs, bad, cell, quarter, _holding(runs, hits))
        if not any(bad):
            return runs
        out: list[Run] = []
        for r, flagged in zip(runs, bad):
            if not flagged:
                out.append(r)
                continue
            cur: Run | None = None
            for k, ch in enumerate(r.text):
                left, top, right, bottom = self._box(tp, r.start + k)
                x0, x1, y0, y1 = frame_box(quarter, left, top, right, bottom)
                if cur is not None:
                    h = max(cur.bottom - cur.top, y1 - y0, 0.1)
                    same_line = abs((y0 + y1) / 2 - (cur.top + cur.bottom) / 2) < 0.5 * h
                    if same_line and -0.5 * cell < x0 - cur.x1 < 0.5 * cell:
                        cur.text += ch
                        cur.x1 = max(cur.x1, x1)
                        cur.top = min(cur.top, y0)
                        cur.bottom = max(cur.bottom, y1)
                        continue
                    out.append(cur)
                cur = Run(ch, x0, x1, y0, y1, r.start + k)
            if cur is not None:
                out.append(cur)
        return out


    def _cut_overflow(
        self, tp: ctypes.c_void_p, runs: list[Run], bad: list[bool], cell: float, quarter: int, held: list[bool]
    ) -> tuple[list[Run], list[bool]]:
        """A label that overflows its cell runs over the next cell's code or amount
        (``机关事业单位基本养老保险`` printed across ``50102``): PDFium puts the two in one
        run, as nothing stands between them.  Where a Chinese character meets a digit,
        the two glyphs' boxes tell: the digit starting well left of where the character
        ends is another cell's text, and the run is cut there (two box calls a boundary)."""
        out_runs: list[Run] = []
        out_bad: list[bool] = []
        for r, flagged, holds in zip(runs, bad, held):
            if flagged or not holds:
                out_runs.append(r)
                out_bad.append(flagged)
                continue
            cur = r
            for m in _CJK_DIGIT_RE.finditer(r.text):
                k = m.start() + 1  # the digit
                a = frame_box(quarter, *self._box(tp, r.start + k - 1))
                b = frame_box(quarter, *self._box(tp, r.start + k))
                if b[0] < a[1] - 0.5 * cell:
                    head = k - (cur.start - r.start)
                    out_runs.append(Run(cur.text[:head], cur.x0, a[1], cur.top, cur.bottom, cur.start))
                    out_bad.append(False)
                    cur = Run(cur.text[head:], b[0], cur.x1, cur.top, cur.bottom, r.start + k)
            out_runs.append(cur)
            out_bad.append(False)
        return out_runs, out_bad


#: a Chinese character (or closing bracket) followed by a digit inside one run
_CJK_DIGIT_RE: Final = re.compile(r"[\u4e00-\u9fff）)][0-9]")


def _holding(runs: list[Run], hits: list[int]) -> list[bool]:
    """For each run, whether one of the ``hits`` (positions in the page text, ascending)
    falls inside it; runs come in page-text order (``_runs`` keeps the regex's order)."""
    out: list[bool] = []
    k, n = 0, len(hits)
    for r in runs:
        while k < n and hits[k] < r.start:
            k += 1
        out.append(k < n and hits[k] < r.start + len(r.text))
    return out


def _too_wide(r: Run, cell: float) -> bool:
    """Wider than its characters can be: a gap inside that PDFium did not mark."""
    width = (r.x1 - r.x0) / cell
    n = len(r.text)
    if width <= n * 1.3 + 1.5:  # fits even if every character is one cell
        return width < -1.0
    return width > nominal_cells(r.text) * 1.3 + 1.5


def _dominant_quarter(textpage, matches: list[re.Match]) -> int:
    """The reading direction of most of the page's text, in quarter turns."""
    step = max(1, len(matches) // 7)
    votes = [0, 0, 0, 0]
    for m in matches[::step]:
        a = R.FPDFText_GetCharAngle(textpage, m.start())
        if a >= 0:
            votes[_quarter(a)] += 1
    return max(range(4), key=votes.__getitem__)


def _page_box(page, quarter: int) -> tuple[float, float, float, float]:
    """The visible page (crop box within media box) in the reading frame."""
    rect = R.FS_RECTF()
    if not R.FPDF_GetPageBoundingBox(page, ctypes.byref(rect)):
        return -math.inf, math.inf, -math.inf, math.inf
    return frame_box(quarter, rect.left, rect.top, rect.right, rect.bottom)


def _page_text(textpage, n: int) -> str:
    buf = (ctypes.c_ushort * (n + 1))()
    got = R.FPDFText_GetText(textpage, 0, n, buf)
    return bytes(memoryview(buf).cast("B")[: 2 * max(got - 1, 0)]).decode("utf-16-le", "replace")


def _no_text(page) -> PageText:
    """A page without text: count what is drawn, to tell a scan from a blank page."""
    images, paths = _count_objects(page, R.FPDFPage_CountObjects, R.FPDFPage_GetObject, 0)
    return PageText([], images=images, paths=paths)


def _count_objects(holder, count, get, depth: int) -> tuple[int, int]:
    images = paths = 0
    for i in range(min(count(holder), 5000)):
        obj = get(holder, i)
        kind = R.FPDFPageObj_GetType(obj) if obj else 0
        if kind == R.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == R.FPDF_PAGEOBJ_PATH:
            paths += 1
        elif kind == R.FPDF_PAGEOBJ_FORM and depth < 8:
            a, b = _count_objects(obj, R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, depth + 1)
            images += a
            paths += b
    return images, paths


def _cell_width(runs: list[Run]) -> float:
    """Points per character cell: half the advance of the page's CJK glyphs.

    A CJK glyph advances one em in every font we have seen, and its loose box is exactly
    that advance, so half of it is a steady cell (a digit in CJK fonts); Latin glyph
    boxes may reach past their advance.  A page without CJK runs falls back to its
    Latin and digit runs.  The median over runs follows the table body, not a title.
    """
    latin: list[float] = []
    wide: list[float] = []
    for r in runs:
        n = len(r.text)
        if n > 24 or r.split or r.x1 <= r.x0:
            continue
        if len(r.text.encode("utf-8")) == 3 * n:
            wide.append((r.x1 - r.x0) / (2 * n))
        elif r.text.isascii():
            latin.append((r.x1 - r.x0) / n)
    samples = wide if len(wide) >= 3 else (latin or wide)
    if not samples:
        return 5.0
    samples.sort()
    return max(samples[len(samples) // 2], 0.5)
