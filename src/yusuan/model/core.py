"""The disclosure as data: immutable records, ``Decimal`` money, every cell located.

A ``Disclosure`` is what every stage shares: ``parse`` builds one from a published
document, ``compile`` builds one from a unit's budget data, ``check`` reads it,
``render`` prints it and ``store`` keeps it.  Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import lru_cache
from typing import Iterator, Mapping

from .money import AmountUnit


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where something was printed: page, table, 序号, column, source line."""

    page: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    subject_code: str | None = None
    line: int | None = None
    unit_code: str | None = None
    #: worksheet (or input section) of a budget input file; ``row`` is then its row number
    sheet: str | None = None

    def __reduce__(self):
        # pickled by the many (a worker sends every cell's location to the parent): the
        # fields in order, trailing blanks left out — a third of the default's size and time
        values = (self.page, self.table, self.row, self.column, self.subject_code, self.line, self.unit_code, self.sheet)
        n = len(values)
        while n and values[n - 1] is None:
            n -= 1
        return _location, values[:n]

    def describe(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.table:
            parts.append(self.table)
        if self.unit_code:
            parts.append(f"单位{self.unit_code}")
        if self.row:
            parts.append(f"第{self.row}行" if self.sheet else f"序号{self.row}")
        if self.subject_code:
            parts.append(f"科目{self.subject_code}")
        if self.column:
            parts.append(f"列“{self.column}”")
        if self.page:
            parts.append(f"第{self.page}页")
        return " ".join(parts)


_LOCATION_FIELDS = ("page", "table", "row", "column", "subject_code", "line", "unit_code", "sheet")


def _location(*values) -> Location:
    return Location(**dict(zip(_LOCATION_FIELDS, values)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One printed cell: the text as printed and its amount (``None`` when blank)."""

    text: str
    value: Decimal | None = None
    location: Location = field(default_factory=Location)

    def __reduce__(self):
        return _cell, (self.text, self.value, self.location)


def _cell(text: str, value: Decimal | None, location: Location) -> Cell:
    return Cell(text=text, value=value, location=location)


def _state(obj) -> dict:
    """A record's fields by name, for pickling (a worker process sends whole disclosures)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _rebuild(cls, state: dict):
    # through the constructor: a compiled (mypyc) frozen record cannot be filled in field
    # by field the way pickle's default does
    return cls(**state)


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """A leaf column of a table.

    ``key`` is unique within the table; ``role`` is the canonical concept from the
    catalog (``total``, ``basic``, ``project`` …) used by the checker; ``header`` is the
    leaf header text as printed without whitespace; ``path`` the headers above it.
    ``side`` separates the halves of two-sided tables (收入 | 支出).
    """

    key: str
    header: str
    role: str | None = None
    path: tuple[str, ...] = ()
    number: str | None = None
    side: str | None = None
    kind: str = "amount"  # amount | quantity | text

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


_ORDINAL_RE = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十百]+[)）、.．]|[（(]\d+[)）]|\d+[、.．](?!\d)|[①-⑳]|其中[:：]|其中|[:：])\s*"
)


@lru_cache(maxsize=1 << 15)
def strip_ordinal(label: str) -> str:
    """``一、一般公共预算拨款收入`` → ``一般公共预算拨款收入``; ``其中：公务用车购置费`` → ``公务用车购置费``."""
    text = label.strip()
    for _ in range(3):
        new = _ORDINAL_RE.sub("", text, count=1)
        if new == text:
            break
        text = new
    return text.strip()


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """A table row: 序号, subject code, label and its cells by column key."""

    label: str
    cells: Mapping[str, Cell] = field(default_factory=dict)
    seq: str | None = None
    code: str | None = None
    side: str | None = None
    codes: Mapping[str, str] = field(default_factory=dict)
    unit_code: str | None = None
    page: int | None = None
    line: int | None = None

    @property
    def item(self) -> str:
        """The label without ordinal prefix (``一、``, ``1、``, ``其中：``)."""
        return strip_ordinal(self.label)

    def value(self, key: str) -> Decimal | None:
        cell = self.cells.get(key)
        return cell.value if cell else None

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A standard (or generic) table, joined across its pages."""

    id: str
    title: str
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    amount_unit: AmountUnit = AmountUnit.WAN
    unit_code: str | None = None
    unit_name: str | None = None
    note: str | None = None
    pages: tuple[int, ...] = ()
    numeric: bool = True
    line: int | None = None

    def column(self, key: str) -> Column | None:
        for c in self.columns:
            if c.key == key:
                return c
        return None

    def columns_with_role(self, role: str, side: str | None = None) -> list[Column]:
        return [c for c in self.columns if c.role == role and (side is None or c.side == side)]

    def key_for(self, role: str, side: str | None = None) -> str | None:
        cols = self.columns_with_role(role, side)
        return cols[0].key if cols else None

    def rows_on(self, side: str | None) -> list[Row]:
        return [r for r in self.rows if r.side == side]

    def find_row(self, code: str | None = None, label: str | None = None, side: str | None = None) -> Row | None:
        for r in self.rows:
            if side is not None and r.side != side:
                continue
            if code is not None and r.code == code:
                return r
            if label is not None and r.item == label:
                return r
        return None

    @property
    def is_empty(self) -> bool:
        return not any(c.value is not None for r in self.rows for c in r.cells.values())

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None

    def iter_cells(self) -> Iterator[tuple[Row, Column, Cell]]:
        by_key = {c.key: c for c in self.columns}
        for r in self.rows:
            for key, cell in r.cells.items():
                col = by_key.get(key)
                if col is not None:
                    yield r, col, cell

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """A budget unit (预算单位) or department: code such as ``542001`` and name."""

    code: str | None
    name: str

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount:
    """An amount quoted in the narrative, with the label it names.

    ``kind`` is ``amount`` (a level), ``change`` (比上年增加/减少; ``value`` is signed) or
    ``percent`` (增长/下降 x%; signed).
    """

    value: Decimal
    text: str
    label: str
    unit: AmountUnit | None = None
    kind: str = "amount"
    sentence: str = ""
    year: int | None = None
    location: Location = field(default_factory=Location)

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A narrative section (情况说明) with every amount it quotes."""

    heading: str
    text: str
    amounts: tuple[Amount, ...] = ()
    page: int | None = None
    line: int | None = None

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    """A row of the 单位机构设置 table: 单位性质, 单位规格, 经费保障形式."""

    name: str
    nature: str | None = None
    rank: str | None = None
    funding: str | None = None

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """One 三级指标 of a performance-target table.

    ``value_text`` is the 指标值 as printed; ``comparator`` (≥ ≤ = > <), ``number``
    and ``unit`` are split out when the value has them (``≥95 百分比`` → ``≥``, 95, ``%``).
    """

    level1: str
    level2: str
    level3: str
    description: str = ""
    value_text: str = ""
    comparator: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    basis: str = ""
    location: Location = field(default_factory=Location)

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class PerformanceTable:
    """A 绩效目标表: for the whole unit (整体) or one project."""

    title: str
    project: str | None = None
    target: str = ""
    indicators: tuple[Indicator, ...] = ()
    amount: Decimal | None = None
    page: int | None = None
    line: int | None = None
    unit_code: str | None = None

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))


@dataclass(frozen=True, slots=True, kw_only=True)
class Disclosure:
    """A budget (预算) or final-accounts (决算) disclosure of a unit or department."""

    title: str
    issuer: str | None = None
    phase: str | None = None  # 预算 | 决算
    scope: str | None = None  # 部门 | 单位
    year: int | None = None
    amount_unit: AmountUnit = AmountUnit.WAN
    units: tuple[Unit, ...] = ()
    tables: tuple[Table, ...] = ()
    sections: tuple[Section, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    performance: tuple[PerformanceTable, ...] = ()
    glossary: tuple[tuple[str, str], ...] = ()
    source: str | None = None
    pages: int = 0
    empty_table_notes: Mapping[str, str] = field(default_factory=dict)

    def table(self, table_id: str, unit_code: str | None = None) -> Table | None:
        """The table with canonical ``table_id`` (for ``unit_code`` if given, else the first)."""
        for t in self.tables:
            if t.id == table_id and (unit_code is None or t.unit_code == unit_code):
                return t
        return None

    def tables_by_unit(self) -> dict[str | None, list[Table]]:
        out: dict[str | None, list[Table]] = {}
        for t in self.tables:
            out.setdefault(t.unit_code, []).append(t)
        return out

    @property
    def unit(self) -> Unit | None:
        return self.units[0] if self.units else None

    @property
    def amounts(self) -> list[Amount]:
        return [a for s in self.sections for a in s.amounts]

    def with_(self, **changes) -> "Disclosure":
        return replace(self, **changes)

    def __reduce__(self):
        return _rebuild, (type(self), _state(self))
