"""Hand-written ``pdftotext -layout`` lines for layout tests: one character, one column (CJK
or not), each cell placed at its character column."""

from __future__ import annotations


def at(*cells: tuple[int, str]) -> str:
    """One text line with each cell starting at its character column (a layout whose
    cells would touch is a mistake in the test)."""
    line = ""
    for col, text in cells:
        assert not line or col - len(line) >= 1, f"cell {text!r} at column {col} touches {line!r}"
        line += " " * (col - len(line)) + text
    return line


def right(col: int, text: str) -> tuple[int, str]:
    """A cell right-aligned to end at character column ``col``."""
    return col - len(text), text


def parse_table(text: str, table_id: str):
    """The disclosure parsed from ``text``, its parse issues, and its one table ``table_id``."""
    from yusuan.parse import parse_text

    doc, issues = parse_text(text)
    (table,) = [t for t in doc.tables if t.id == table_id]
    return doc, issues, table
