"""XLSX input → RawDocument: each sheet a page, each row a line of cells (``grid=True``).

Reads any workbook a unit publishes (python-calamine, fast): a cell's text is its value as
stored — numbers exactly as the float the file holds (``451.83``, ``162``), dates as
``2020-12-31`` — and a merged range keeps its value in its first cell with the covered
cells empty, the way a tab-separated extraction looks.  Hidden sheets are skipped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ...model.money import plain
from ..layout import Line, RawDocument, Word
from .text import NotADisclosure


def cell_text(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        return plain(Decimal(repr(v)))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return " ".join(str(v).split())


def extract(path: Path) -> RawDocument:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise NotADisclosure(f"{path}: not a readable XLSX workbook ({exc})") from exc
    doc = RawDocument(source=str(path), grid=True, kind="xlsx")
    lineno = 0
    page = 0
    visible = {m.name for m in wb.sheets_metadata if str(getattr(m, "visible", "Visible")).lower().endswith("visible") and "hidden" not in str(getattr(m, "visible", "")).lower()}
    for name in wb.sheet_names:
        if visible and name not in visible:
            continue
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - a damaged sheet: skip it, keep the others
            continue
        page += 1
        for row in rows:
            lineno += 1
            texts = [cell_text(v) for v in row]
            words = [Word(t, float(i), float(i) + 0.99) for i, t in enumerate(texts) if t]
            while texts and not texts[-1]:
                texts.pop()
            doc.lines.append(Line(words=words, page=page, lineno=lineno, text="\t".join(texts)))
    doc.pages = max(page, 1)
    if not any(not ln.is_blank for ln in doc.lines):
        raise NotADisclosure(f"{path}: workbook without any cell text")
    return doc
