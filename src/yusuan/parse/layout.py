"""What every extractor produces: pages of lines of positioned words.

Space-aligned text (``pdftotext -layout``) is words with column offsets; a PDF page is
words with coordinates; a tab-separated extraction is words in numbered cells.  All of
them become a ``RawDocument`` so that table recognition (``tables.py``) is written once.

Positions are in *character cells*: for text, the character offset in the line (as
``pdftotext -layout`` lays words on a character grid); for PDF, points divided by the
page's typical character width.  ``grid=True`` marks layouts whose ``x0`` is an exact cell index
(tab-separated), where column slots need no geometry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from ..model.money import is_amount


class Word(NamedTuple):
    """A word and its horizontal extent.

    A named tuple rather than a frozen dataclass: a corpus run creates about half a million
    of them, and a tuple is built three times faster (immutable and compared by value all
    the same).
    """

    text: str
    x0: float
    x1: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


#: ``Word(text, x0, x1)`` without the named tuple's Python-level ``__new__`` (hot loops only)
_new_word = partial(tuple.__new__, Word)


@dataclass(slots=True)
class Line:
    words: list[Word]
    page: int
    lineno: int
    text: str = ""
    _joined: str | None = field(default=None, repr=False, compare=False)

    @property
    def joined(self) -> str:
        """The line's words joined without spaces (for title and keyword matching)."""
        if self._joined is None:
            self._joined = "".join([w.text for w in self.words]).replace(" ", "").replace("\u3000", "")
        return self._joined

    @property
    def is_blank(self) -> bool:
        return not self.words


@dataclass(slots=True)
class RawDocument:
    source: str
    lines: list[Line] = field(default_factory=list)
    pages: int = 0
    grid: bool = False
    kind: str = "text"
    #: pages with no text layer (scans), reported as a finding
    empty_pages: list[int] = field(default_factory=list)


def cell_width(ch: str) -> int:
    """Display cells of one character: 2 for wide/fullwidth (CJK), else 1."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def display_width(text: str) -> int:
    return sum(cell_width(c) for c in text)


_SPLIT_RE = re.compile(r"(?: {2,}|\u3000+|\t+)")
_YEAR_TAIL_RE = re.compile(r"(?:^|\D)(?:19|20)\d{2}$")
#: numbers and codes: a single space next to one separates words (the PDF reader too)
ATOM_RE = re.compile(r"^(?:[-−]?[\d,，]+(?:\.\d+)?%?|\d{3}(?:\d{2}){1,3}|---|-)$")
#: an integer amount and a fraction part that belongs to it (``25180591`` ``.33``)
INTEGER_RE = re.compile(r"^[-−]?\d[\d,]*$")
FRACTION_RE = re.compile(r"^\.\d{1,2}$")


def _split_single_spaces(text: str) -> list[tuple[int, str, int]]:
    """Split a token at single spaces next to a number (``60.99 60.99``, ``201 06``).

    Pieces are ``(offset, text, end offset)``.  A fraction standing one space right of an
    integer (``25180591 .33``: a cell whose digits the spreadsheet spread out) is the rest
    of that number, not a word: no label starts with ``.33``.
    """
    parts = text.split(" ")
    if len(parts) == 1:
        return [(0, text, len(text))]
    out: list[tuple[int, str, int]] = []
    buf, buf_off, buf_end = parts[0], 0, len(parts[0])
    for part in parts[1:]:
        offset_next = buf_end + 1
        if FRACTION_RE.match(part) and INTEGER_RE.match(buf):
            buf, buf_end = buf + part, offset_next + len(part)
            continue
        prev_atom = bool(ATOM_RE.match(buf.split(" ")[-1])) if buf else False
        next_atom = bool(ATOM_RE.match(part)) if part else False
        year = bool(_YEAR_TAIL_RE.search(buf)) and part.startswith("年")
        if (prev_atom or next_atom) and not year:
            out.append((buf_off, buf, buf_end))
            buf, buf_off = part, offset_next
        else:
            buf = f"{buf} {part}"
        buf_end = offset_next + len(part)
    out.append((buf_off, buf, buf_end))
    return [(o, t, e) for o, t, e in out if t]


def words_from_text_line(text: str) -> list[Word]:
    """Split a space-aligned line into words with character offsets.

    ``pdftotext -layout`` places words on a grid of character positions (a CJK character
    takes one position like any other), so offsets are plain string indexes.  Runs of two
    or more spaces separate words; a single space separates words only next to a number
    or code (``2,106.66 2,106.66``, ``201 06 01``).
    """
    frags = text.split()
    if len(text) - text.count(" ") != sum(map(len, frags)):
        return _words_by_regex(text)  # whitespace other than spaces (U+3000, NBSP …)
    # only spaces separate the fragments: a token is a run of fragments one space apart
    words: list[Word] = []
    find = text.find
    start = end = -2
    pos = 0
    joined = False  # the current token holds a single space
    for frag in frags:
        at = find(frag, pos)
        pos = at + len(frag)
        if at == end + 1:
            end = pos
            joined = True
            continue
        if joined:
            _emit(words, text[start:end], start)
        elif start >= 0:
            words.append(_new_word((text[start:end], float(start), float(end))))
        start, end, joined = at, pos, False
    if joined:
        _emit(words, text[start:end], start)
    elif start >= 0:
        words.append(_new_word((text[start:end], float(start), float(end))))
    return words


def _emit(words: list[Word], tok: str, start: int) -> None:
    """Append token ``tok`` (at offset ``start``) as one word, or split at single spaces."""
    if " " in tok and _ATOM_CHAR_RE.search(tok):
        for off, piece, end in _split_single_spaces(tok):
            words.append(_new_word((piece, float(start + off), float(start + end))))
    else:
        words.append(_new_word((tok, float(start), float(start + len(tok)))))


def _words_by_regex(text: str) -> list[Word]:
    """The general tokeniser: tokens are runs of non-separators (space, tab, U+3000)
    joined by single spaces; other whitespace (NBSP) belongs to the token."""
    words: list[Word] = []
    for m in _TOKEN_RE.finditer(text):
        _emit(words, m.group(), m.start())
    return words


_TOKEN_RE = re.compile(r"[^ \t\u3000]+(?: [^ \t\u3000]+)*")
_ATOM_CHAR_RE = re.compile(r"[\d-]")


def words_from_tab_line(text: str) -> list[Word]:
    """Tab-separated cells: ``x0`` is the cell index."""
    if "\t" not in text:  # prose and titles: one cell
        c = text.strip()
        return [_new_word((c, 0.0, 0.99))] if c else []
    out = []
    for i, cell in enumerate(text.split("\t")):
        c = cell.strip()
        if c:
            out.append(_new_word((c, float(i), i + 0.99)))
    return out


def numeric_words(line: Line) -> list[Word]:
    return [w for w in line.words if is_amount(w.text)]
