"""Open data: the tidy CSV of every numeric cell, and the disclosure as JSON.

CSV contract (header exactly as below), one line per non-blank numeric cell of the
numeric tables::

    unit_code,unit_name,year,table,row,code,item,column,value,amount_unit

``row`` is the 序号 as printed (blank if none), ``code`` the normalized subject code,
``item`` the row label without ordinal prefix, ``column`` the leaf header without
whitespace, ``value`` a plain decimal in the table's unit, ``amount_unit`` 元 or 万元
(blank for quantities such as 车辆 数量).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from ..model import Disclosure, plain
from ..model.serialize import to_dict

CSV_HEADER = ("unit_code", "unit_name", "year", "table", "row", "code", "item", "column", "value", "amount_unit")


def csv_records(doc: Disclosure) -> Iterator[tuple[str, ...]]:
    default = doc.unit
    for t in doc.tables:
        if not t.numeric:
            continue
        unit_code = t.unit_code or (default.code if default else None) or ""
        unit_name = t.unit_name or (default.name if default else None) or ""
        for row, col, cell in t.iter_cells():
            if cell.value is None or col.kind == "text":
                continue
            yield (
                unit_code,
                unit_name,
                str(doc.year or ""),
                t.id,
                row.seq or "",
                row.code or "",
                row.item,
                col.header,
                plain(cell.value),
                "" if col.kind == "quantity" else str(t.amount_unit),
            )


def write_csv(docs: Iterable[Disclosure], out: io.TextIOBase, header: bool = True) -> int:
    w = csv.writer(out, lineterminator="\n")
    if header:
        w.writerow(CSV_HEADER)
    n = 0
    for doc in docs:
        for rec in csv_records(doc):
            w.writerow(rec)
            n += 1
    return n


def to_csv(doc: Disclosure) -> str:
    buf = io.StringIO()
    write_csv([doc], buf)
    return buf.getvalue()


def to_json(doc: Disclosure, indent: int | None = 1) -> str:
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=indent)
