"""Plain text input: ``pdftotext -layout`` output, tab-separated extractions, and
space-separated extractions with ``-- PAGE_BREAK --`` markers.

Pages are separated by form feeds (``\\f``) or page-break marker lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..layout import Line, RawDocument, Word, words_from_tab_line, words_from_text_line

_PAGE_BREAK_RE = re.compile(r"^\s*-{2,}\s*PAGE[_ ]?BREAK\s*-{2,}\s*$", re.I)


class NotADisclosure(ValueError):
    """The input cannot be read as a disclosure at all (empty, binary, missing)."""


def decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise NotADisclosure(f"{source}: empty file")
    if b"\x00" in data[:4096]:
        raise NotADisclosure(f"{source}: binary data, not text")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise NotADisclosure(f"{source}: not UTF-8 or GB18030 text")


def read_text(text: str, source: str = "<text>") -> RawDocument:
    """Split ``text`` into pages and lines of positioned words."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    tabbed = sum(1 for ln in raw_lines if "\t" in ln)
    nonblank = sum(1 for ln in raw_lines if ln.strip()) or 1
    grid = tabbed / nonblank > 0.2
    doc = RawDocument(source=source, grid=grid, kind="tabsep" if grid else "text")
    page = 1
    virtual = set() if ("\f" in text or any(_is_page_break(ln) for ln in raw_lines)) else _virtual_breaks(raw_lines)
    tokenise = words_from_tab_line if grid else _words_of_text_line
    lines = doc.lines
    for lineno, raw in enumerate(raw_lines, start=1):
        if _is_page_break(raw):
            page += 1
            continue
        if lineno - 1 in virtual:
            page += 1
        if "\f" not in raw:
            lines.append(Line(tokenise(raw), page, lineno, raw))
            continue
        for i, part in enumerate(raw.split("\f")):
            if i:
                page += 1
            lines.append(Line(tokenise(part), page, lineno, part))
    # a trailing form feed does not open a page
    doc.pages = max((ln.page for ln in lines if ln.words), default=1)
    return doc


def _words_of_text_line(text: str) -> list[Word]:
    return words_from_text_line(text.expandtabs(8) if "\t" in text else text)


def _is_page_break(line: str) -> bool:
    """A ``-- PAGE_BREAK --`` marker line (the substring test spares the regex)."""
    return "--" in line and _PAGE_BREAK_RE.match(line) is not None


_UNIT_HEADER_RE = re.compile(r"^\s*\d{6,12}\s+\S+\s*$")
_PAGE_HEAD_RE = re.compile(r"^\s*(?:预算年度|(?:金额)?单位\s*[:：]\s*(?:万元|元)|截[止至](?:时间|日期))")
_SHORT_TITLE_RE = re.compile(r"(?:表|预算|情况说明|信息公开)\s*$")


def _virtual_breaks(lines: list[str]) -> set[int]:
    """Page breaks of an extraction that lost them: a table page starts with the unit line
    (``542001 单位名称``) followed by 预算年度 or 单位：万元; a title just above belongs to it."""
    breaks: set[int] = set()
    nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
    for k, i in enumerate(nonblank):
        # the unit line starts with its code: spare the regex for lines that do not
        if not lines[i].lstrip()[:1].isdecimal() or not _UNIT_HEADER_RE.match(lines[i].replace("\t", " ")):
            continue
        following = nonblank[k + 1 : k + 4]
        if not any(_PAGE_HEAD_RE.match(lines[j]) for j in following):
            continue
        start = i
        if k >= 1 and _SHORT_TITLE_RE.search(lines[nonblank[k - 1]]) and len(lines[nonblank[k - 1]].strip()) <= 40:
            start = nonblank[k - 1]
            if k >= 2 and len(lines[nonblank[k - 2]].strip()) <= 12 and _SHORT_TITLE_RE.search(lines[nonblank[k - 2]]):
                start = nonblank[k - 2]
        breaks.add(start)
    # the narrative that follows the tables starts a page too
    return {b for b in breaks if b > 0}


def extract(path: Path) -> RawDocument:
    data = path.read_bytes()
    return read_text(decode(data, str(path)), source=str(path))
