"""HTML input → RawDocument: text blocks as lines, tables as grid rows.

Works on any page a unit publishes, not only ours: the document is walked in reading order;
a block of text (heading, paragraph, list item, a ``div`` holding only inline text, a
``<br>``-separated run) becomes one line with one word; a ``<table>`` becomes one line per
``<tr>`` whose words stand at their cell index (``grid=True``), a cell spanning columns
(``colspan``) or rows (``rowspan``) keeping its text in its first cell and leaving the
cells it covers empty — the way a tab-separated extraction looks.  A ``<section>`` or a CSS
page break starts a new page.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from ..layout import Line, RawDocument, Word
from .text import NotADisclosure

_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul", "caption", "tr", "td", "th",
    "thead", "tbody", "tfoot",
}
_SKIP = {"script", "style", "head", "noscript", "template", "svg", "button", "select", "option", "textarea"}
_WS = re.compile(r"[ \t\r\n\f\u00a0\u2002\u2003\u3000]+")
_BREAK = re.compile(r"page-break-(?:before|after)\s*:\s*always|break-(?:before|after)\s*:\s*page", re.I)


_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


def _clean(text: str) -> str:
    # a line wrap of the HTML source inside Chinese text is not a space (a typed space is)
    return _WS.sub(" ", _WRAP.sub("", text)).strip()


class _Walker:
    def __init__(self, source: str):
        self.doc = RawDocument(source=source, grid=True, kind="html")
        self.page = 1
        self.lineno = 0
        self.inline: list[str] = []

    def emit(self, words: list[Word], text: str) -> None:
        self.lineno += 1
        self.doc.lines.append(Line(words=words, page=self.page, lineno=self.lineno, text=text))

    def text_line(self, text: str) -> None:
        t = _clean(text)
        if t:
            self.emit([Word(t, 0.0, 0.99)], t)

    def flush(self) -> None:
        if self.inline:
            self.text_line("".join(self.inline))
            self.inline = []

    def new_page(self) -> None:
        self.flush()
        if any(ln.page == self.page for ln in self.doc.lines[-1:]):
            self.page += 1

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment or doctype
                    self.inline.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower() if child.name else ""
            if name in _SKIP:
                continue
            if name == "br":
                self.flush()
                continue
            style = child.get("style") or ""
            breaks = bool(_BREAK.search(style)) if isinstance(style, str) else False
            if name == "table":
                self.flush()
                if breaks or name == "section":
                    self.new_page()
                self.table(child)
                continue
            if name in _BLOCK:
                self.flush()
                if name == "section" or breaks:
                    self.new_page()
                self.walk(child)
                self.flush()
                continue
            self.walk(child)  # inline element: its text joins the current line

    def table(self, table: Tag) -> None:
        caption = table.find("caption", recursive=False)
        if caption is not None:
            self.text_line(caption.get_text(" "))
        rows: list[Tag] = []
        for part in table.find_all(["thead", "tbody", "tfoot", "tr"], recursive=False):
            if part.name == "tr":
                rows.append(part)
            else:
                rows.extend(part.find_all("tr", recursive=False))
        occupied: dict[tuple[int, int], bool] = {}
        for i, tr in enumerate(rows):
            cells: dict[int, str] = {}
            j = 0
            for cell in tr.find_all(["td", "th"], recursive=False):
                while occupied.get((i, j)):
                    j += 1
                colspan = _span(cell.get("colspan"))
                rowspan = _span(cell.get("rowspan"))
                text = _clean(_cell_text(cell))
                if text:
                    cells[j] = text
                for di in range(rowspan):
                    for dj in range(colspan):
                        occupied[(i + di, j + dj)] = True
                j += colspan
            words = [Word(t, float(k), float(k) + 0.99) for k, t in sorted(cells.items())]
            width = max(cells) + 1 if cells else 0
            self.emit(words, "\t".join(cells.get(k, "") for k in range(width)))


def _span(v) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _cell_text(cell: Tag) -> str:
    """A cell's text; nested blocks and ``<br>`` become spaces (one grid cell, one word)."""
    parts = []
    for s in cell.descendants:
        if isinstance(s, NavigableString) and type(s) is NavigableString:
            parent = s.parent.name if s.parent is not None else ""
            if parent in _SKIP:
                continue
            parts.append(str(s))
        elif isinstance(s, Tag) and s.name in ("br", "p", "div", "li"):
            parts.append(" ")
    return "".join(parts)


def read_html(data: bytes | str, source: str = "<html>") -> RawDocument:
    soup = BeautifulSoup(data, "html.parser")
    body = soup.body or soup
    w = _Walker(source)
    w.walk(body)
    w.flush()
    w.doc.pages = max((ln.page for ln in w.doc.lines), default=1)
    if not any(not ln.is_blank for ln in w.doc.lines):
        raise NotADisclosure(f"{source}: HTML without text")
    return w.doc


def extract(path: Path) -> RawDocument:
    data = Path(path).read_bytes()
    if not data.strip():
        raise NotADisclosure(f"{path}: empty file")
    return read_html(data, source=str(path))
