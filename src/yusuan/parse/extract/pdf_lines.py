"""Runs with boxes → lines of positioned words, as ``pdftotext -layout`` would lay them.

Pure geometry, no PDFium: runs are grouped into lines by the middle of their loose boxes
(a digit and a CJK glyph of one row can sit a point apart), words are runs closer than
about half a character, and a gap of about one character joins two runs with a single
space unless one of them is a number or a code — the same rule the text reader applies
to a single space (``layout.words_from_text_line``), so the shared table builder sees
the same picture from a PDF as from its text.  Two Chinese phrases are never joined
across a gap: Chinese is set solid, so a gap PDFium marked between them is the border
of two cells (dense tables leave half a character there), which pdftotext can only
show as one space.

x is in character cells: points divided by the document's cell width (one Latin letter
or digit; a CJK glyph is two cells), measured from the page's left edge, so that a table
continued on the next page keeps its column positions.
"""

from __future__ import annotations

import re
from typing import Final

from ..layout import ATOM_RE, FRACTION_RE, INTEGER_RE, Line, Word, new_word
from .pdf_page import Run, nominal_cells

#: gaps, in character cells of the page
JOIN_GAP: Final = 0.45  # closer than this: one word, no space
SPACE_GAP: Final = 1.6  # closer than this: one word with a space (unless a number is involved)
CJK_JOIN_GAP: Final = 0.25  # between two Chinese characters: closer than this is one word
#: a run starting this far (in cells) left of where the word so far ends overlaps it: text
#: that overflows its cell into the next one (a long label running under the next column's
#: code), so a number or code there is the next cell's, not the end of the label
OVERLAP: Final = 0.5
LINE_TOLERANCE: Final = 0.4  # baseline bands closer than this fraction of the glyph height: one line

#: runs this short are single glyphs (or a few PDFium kept together: ``1.9``)
_GLYPHS: Final = 3

#: characters from here on are CJK (ideographs, kana, hangul, full-width forms)
_WIDE: Final = "\u2e80"


def group_lines(runs: list[Run]) -> list[list[Run]]:
    """Runs that share a baseline band, top to bottom, each line left to right."""
    if not runs:
        return []
    ordered = sorted(runs, key=_mid2)
    lines: list[list[Run]] = []
    first = ordered[0]
    cur: list[Run] = [first]
    ref_mid2 = first.top + first.bottom
    ref_h = first.bottom - first.top
    tol2 = 2 * LINE_TOLERANCE
    for r in ordered[1:]:
        h = r.bottom - r.top
        mid2 = r.top + r.bottom
        if abs(mid2 - ref_mid2) <= tol2 * (h if h > ref_h else ref_h):
            cur.append(r)
            continue
        lines.append(cur)
        cur, ref_mid2, ref_h = [r], mid2, h
    lines.append(cur)
    for ln in lines:
        if len(ln) > 1:
            ln.sort(key=_x0)
    return lines


#: a label that starts a row of its own (ordinal, subject code, total)
_NEW_ROW_RE: Final = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{3}|其中|合\s*计|总\s*计|小\s*计)")
_VALUE_RE: Final = re.compile(r"^(?:[-−]?\(?[\d,，]+(?:\.\d+)?\)?%?|[-—－/]+)$")


def merge_wrapped(lines: list[list[Run]], cell: float) -> list[list[Run]]:
    """A row whose labels wrap onto two lines, with the rest of the row centred between.

    ``其他工资福利支`` / ``30199  50501  工资福利支出  27.60`` / ``出``: three lines, as
    pdftotext shows them.  When a line stands midway between two label lines that are
    one line pitch apart (closer than two rows can be), the lower label fragments each
    continue an upper one in its column, none is a number or starts a row of its own
    (ordinal, code, total), and nothing on the middle line stands in their columns,
    the three lines are one table row: each label is joined and the row keeps its
    codes and amounts.
    """
    n = len(lines)
    if n < 3:
        return lines
    # middle (doubled) and glyph height of each line, once
    mid2 = [sum(r.top + r.bottom for r in ln) / len(ln) for ln in lines]
    height = [max(r.bottom - r.top for r in ln) for ln in lines]
    out: list[list[Run]] = []
    i = 0
    while i < n:
        if i + 2 < n:
            h = height[i] if height[i] > height[i + 2] else height[i + 2]
            pitch2 = mid2[i + 2] - mid2[i]
            # (a wrapped label keeps its font size: a title over a header word is not one)
            same_size = min(height[i], height[i + 2]) >= 0.75 * h
            if same_size and 0 < pitch2 <= 3.0 * h and abs(2 * mid2[i + 1] - mid2[i] - mid2[i + 2]) <= 1.2 * h:
                merged = _merge_triple(lines[i], lines[i + 1], lines[i + 2], cell)
                if merged is not None:
                    out.append(merged)
                    i += 3
                    continue
        out.append(lines[i])
        i += 1
    return out


def _merge_triple(a: list[Run], b: list[Run], c: list[Run], cell: float) -> list[Run] | None:
    """``a`` + ``b`` + ``c`` as one line, or ``None`` (geometry already checked)."""
    if any(_VALUE_RE.match(r.text) for r in a) or any(_VALUE_RE.match(r.text) or _NEW_ROW_RE.match(r.text) for r in c):
        return None
    joined: dict[int, list[Run]] = {}
    for r in c:
        k = _column_of(r, a, cell)
        if k is None:
            return None
        joined.setdefault(k, []).append(r)
    for k, tail in joined.items():
        if not _continues(tail, cell):
            return None
    margin = 0.5 * cell
    for r in b:
        if any(r.x0 < o.x1 + margin and o.x0 < r.x1 + margin for o in (*a, *c)):
            return None
    merged: list[Run] = []
    for k, r in enumerate(a):
        got = joined.get(k)
        if got:
            r = Run(r.text + "".join(t.text for t in got), min(r.x0, *(t.x0 for t in got)), max(r.x1, *(t.x1 for t in got)), r.top, r.bottom, r.start)
        merged.append(r)
    return sorted(merged + list(b), key=_x0)


def _continues(tail: list[Run], cell: float) -> bool:
    """``tail`` (runs of the lower line under one upper run) can be the rest of a text
    wrapped at its cell's width: one phrase, its runs a word apart at most (or single
    glyphs, letter-spaced).  Two phrases side by side under one word are column headers
    under a group header (基本支出 over 人员经费 / 公用经费), not the rest of a wrapped label."""
    tail = sorted(tail, key=_x0)
    return not any(
        b.x0 - a.x1 >= SPACE_GAP * cell and len(a.text) > 1 and len(b.text) > 1 for a, b in zip(tail, tail[1:])
    )


def _column_of(r: Run, above: list[Run], cell: float) -> int | None:
    """The upper run whose column ``r`` stands in (overlapping it, or starting within
    two cells of it)."""
    best, best_ov = None, -2.0 * cell
    for k, o in enumerate(above):
        ov = min(r.x1, o.x1) - max(r.x0, o.x0)
        if ov > best_ov:
            best, best_ov = k, ov
    return best


def _mid2(r: Run) -> float:
    return r.top + r.bottom


def _x0(r: Run) -> float:
    return r.x0


#: a Chinese label run into an amount in one text object (``…服务保障中心1839311.66``)
_GLUED_RE: Final = re.compile(r"^(.*[\u4e00-\u9fff）)])([-−]?\d[\d,]*\.\d{1,2})$")


def _may_be_glued(t: str) -> bool:
    """What ``_GLUED_RE`` needs, tested without the regex (most runs are plain amounts or
    labels): a fraction point, a digit last, and a Chinese character or bracket before it."""
    return "." in t and t[-1].isdecimal() and (not t.isascii() or ")" in t)


def _unglue(r: Run) -> list[Run]:
    """A label set flush against its amount is two cells: split the run where the amount
    starts, its x in proportion to the characters' nominal widths (no table label ends with
    an amount with decimals; a sentence that does reads the same with a space there)."""
    m = _GLUED_RE.match(r.text) if _may_be_glued(r.text) else None
    if m is None or len(m.group(1)) < 2:
        return [r]
    label, amount = m.group(1), m.group(2)
    xs = r.x0 + (r.x1 - r.x0) * nominal_cells(label) / nominal_cells(r.text)
    return [Run(label, r.x0, xs, r.top, r.bottom, r.start), Run(amount, xs, r.x1, r.top, r.bottom, r.start + len(label))]


def make_words(line: list[Run], cell: float, unit: float, origin: float) -> tuple[list[Word], str]:
    """Words (x in cells of ``unit`` points from ``origin``) and a text rendering of a line.

    ``cell`` is the page's own cell width (for gaps), ``unit`` the document's (for x).
    """
    words: list[Word] = []
    parts: list[str] = []
    cut: set[int] = set()  # amounts cut off the label they were glued to: words of their own
    if any(_may_be_glued(r.text) and _GLUED_RE.match(r.text) for r in line):
        pieces = [_unglue(r) for r in line]
        cut = {id(p[1]) for p in pieces if len(p) == 2}
        line = [piece for p in pieces for piece in p]
    atom = ATOM_RE.match
    join_gap = JOIN_GAP * cell
    space_gap = SPACE_GAP * cell
    first = line[0]
    text, x0, x1, last = first.text, first.x0, first.x1, first
    glyphs = len(first.text) <= _GLYPHS  # the word so far is made of runs of a glyph or so
    last_atom: bool | None = None  # whether ``last`` is a number or code, once known
    for r in line[1:]:
        gap = r.x0 - x1
        b: bool | None = None
        if gap < space_gap and id(r) not in cut:
            if r.text == last.text and abs(r.x0 - last.x0) < 0.3 * cell:
                continue  # the same glyphs drawn twice (fake bold)
            a = last_atom if last_atom is not None else atom(last.text) is not None
            b = atom(r.text) is not None
            joined = True
            if last.text[-1] >= _WIDE and r.text[0] >= _WIDE:
                # Chinese is set solid: a gap PDFium marked between two Chinese phrases
                # is a cell boundary (``年度绩效 产出指标``); single characters spread
                # over a cell (``合 计``) are letter-spacing
                if gap < CJK_JOIN_GAP * cell:
                    text += r.text
                elif len(last.text) == 1 or len(r.text) == 1:
                    text += " " + r.text
                else:
                    joined = False
            elif FRACTION_RE.match(r.text) and INTEGER_RE.match(text):
                # the fraction part of a number whose digits the cell spread out
                # (``25180591`` ``.33``): no label starts with ``.33``; what follows
                # sees the whole number
                text += r.text
                x1 = max(x1, r.x1)
                last = Run(text, x0, x1, r.top, r.bottom, r.start)
                last_atom = None
                glyphs = False
                continue
            elif (
                gap < join_gap
                and not (a and b)
                and not (a and r.text[0] >= _WIDE and _NEW_ROW_RE.match(r.text))
                and not ((a or b) and gap < -OVERLAP * cell)
            ):
                # (an amount touching the next cell's ordinal label, ``16,474.82一、…``,
                # is two cells: a row label never continues a number; nor does a label
                # that overflows its cell into the next one's code: ``机关事业单位基本养老保险``
                # printed over ``50102``, the runs overlapping, are two cells)
                text += r.text
            elif gap < join_gap and a and b and glyphs and len(r.text) <= _GLYPHS and (
                atom(text + r.text) or r.text == "-"
            ):
                # a line set glyph by glyph (``2`` ``0`` ``7`` … ``-`` ``博``, every character
                # placed on its own, PDFium keeping at most a few together): touching
                # digits that still read as one number are one word, and so is a code
                # touching its ``-`` (``2070205-博物馆``); an amount PDFium read whole
                # (``12.50``) touching the next cell's stays apart
                text += r.text
            elif not (a or b):
                text += " " + r.text
            else:
                joined = False  # a number or code next to it: a word of its own
            if joined:
                if r.x1 > x1:
                    x1 = r.x1
                last, last_atom = r, b
                glyphs = glyphs and len(r.text) <= _GLYPHS
                continue
        words.append(new_word((text, (x0 - origin) / unit, (x1 - origin) / unit)))
        parts.append(text)
        parts.append(" " * max(2, min(int(round(gap / cell)), 60)))
        text, x0, x1, last, last_atom = r.text, r.x0, r.x1, r, b
        glyphs = len(r.text) <= _GLYPHS
    words.append(new_word((text, (x0 - origin) / unit, (x1 - origin) / unit)))
    parts.append(text)
    return words, "".join(parts)


def to_lines(runs: list[Run], page: int, first_lineno: int, cell: float, unit: float, origin: float) -> list[Line]:
    """One page's runs → ``Line`` values numbered from ``first_lineno``."""
    out: list[Line] = []
    n = first_lineno
    for group in merge_wrapped(group_lines(runs), cell):
        words, text = make_words(group, cell, unit, origin)
        indent = " " * max(0, int(round(words[0].x0)))
        out.append(Line(words=words, page=page, lineno=n, text=indent + text))
        n += 1
    return out
