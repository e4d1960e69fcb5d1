"""DOCX input → RawDocument: paragraphs as lines, tables as grid rows (``grid=True``).

Reads the body in order (paragraphs, tables, content controls).  A table row becomes one
line whose words stand at their grid column: a cell spanning columns (``w:gridSpan``)
keeps its text in its first column, a vertically merged cell (``w:vMerge`` continue) is
empty below its first row — the way a tab-separated extraction looks.  Page breaks and
section breaks start a new page.  Page headers and footers are not read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from ..layout import Line, RawDocument, Word
from .text import NotADisclosure

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P, _TBL, _TR, _TC, _SDT = (f"{{{W}}}{t}" for t in ("p", "tbl", "tr", "tc", "sdt"))
_T, _TAB, _BR, _SECTPR = (f"{{{W}}}{t}" for t in ("t", "tab", "br", "sectPr"))
_VAL = f"{{{W}}}val"
_TYPE = f"{{{W}}}type"


def _text(p) -> tuple[str, bool]:
    """Paragraph text, and whether it ends its page (page break or section break)."""
    parts = []
    page_break = False
    for el in p.iter(_T, _TAB, _BR, _SECTPR):
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append(" ")
        elif el.tag == _BR:
            if el.get(_TYPE) == "page":
                page_break = True
            else:
                parts.append(" ")
        elif el.tag == _SECTPR:
            page_break = True
    return " ".join("".join(parts).split()), page_break


class _Reader:
    def __init__(self, source: str):
        self.doc = RawDocument(source=source, grid=True, kind="docx")
        self.page = 1
        self.lineno = 0

    def emit(self, words: list[Word], text: str) -> None:
        self.lineno += 1
        self.doc.lines.append(Line(words=words, page=self.page, lineno=self.lineno, text=text))

    def body(self, el) -> None:
        for child in el:
            if child.tag == _P:
                text, brk = _text(child)
                if text:
                    self.emit([Word(text, 0.0, 0.99)], text)
                if brk:
                    self.page += 1
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(f"{{{W}}}sdtContent")
                if content is not None:
                    self.body(content)

    def table(self, tbl) -> None:
        for tr in tbl.iter(_TR):
            if tr.getparent() is not tbl:
                # rows of a nested table are read with the cell that holds them
                if tr.getparent().tag != _TBL or _ancestor_tbl(tr) is not tbl:
                    continue
            cells: dict[int, str] = {}
            j = 0
            grid_before = tr.find(f"{{{W}}}trPr/{{{W}}}gridBefore")
            if grid_before is not None:
                j += int(grid_before.get(_VAL, "0") or 0)
            for tc in tr.findall(_TC):
                pr = tc.find(f"{{{W}}}tcPr")
                span = 1
                continued = False
                if pr is not None:
                    gs = pr.find(f"{{{W}}}gridSpan")
                    if gs is not None:
                        try:
                            span = max(1, int(gs.get(_VAL, "1")))
                        except ValueError:
                            span = 1
                    vm = pr.find(f"{{{W}}}vMerge")
                    continued = vm is not None and vm.get(_VAL, "continue") == "continue"
                if not continued:
                    text = " ".join(t for t in (_text(p)[0] for p in tc.iter(_P)) if t)
                    if text:
                        cells[j] = text
                j += span
            words = [Word(t, float(k), float(k) + 0.99) for k, t in sorted(cells.items())]
            width = max(cells) + 1 if cells else 0
            self.emit(words, "\t".join(cells.get(k, "") for k in range(width)))


def _ancestor_tbl(el):
    p = el.getparent()
    while p is not None and p.tag != _TBL:
        p = p.getparent()
    return p


def extract(path: Path) -> RawDocument:
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise NotADisclosure(f"{path}: not a readable DOCX document ({exc})") from exc
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise NotADisclosure(f"{path}: damaged DOCX ({exc})") from exc
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise NotADisclosure(f"{path}: DOCX without a body")
    r = _Reader(str(path))
    r.body(body)
    r.doc.pages = r.page
    if not any(not ln.is_blank for ln in r.doc.lines):
        raise NotADisclosure(f"{path}: DOCX without text")
    return r.doc
