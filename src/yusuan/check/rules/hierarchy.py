"""Column totals and the subject-code tree, column by column.

* 类 = Σ款 = Σ项 (功能分类 3/5/7 digits); 301 = Σ301xx (经济分类 3/5 digits); a level the
  table does not print is stood for by its sub-codes (301 = Σ30101 … + 3010201 + 3010202);
* the 合计 row = Σ of the rows at the top of the tree present in the table;
* in a list of items without subject codes (a table whose spec says ``items``: 政府购买服务表),
  the 合计 row = Σ the items.

Rows repeating a code (北京's 支出总表 lists one row per 功能/经济 code pair) are added up
per code first; a code's group lines (a 政府采购表's 全额 and unit lines over its purchases)
are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Sequence

from ...model import Row, Table
from ...model.codes import parent
from ...model.finding import Finding
from ..context import Context, fmt, is_total_row, sum_finding
from ..tolerance import sum_mismatch, sum_ok


def _code(row: Row) -> str:
    """The subject code of a row the tree rules are given (rows with a code, never ``None``)."""
    code = row.code
    if code is None:
        raise TypeError("a row without a subject code in the code tree")
    return code


def _amount_columns(table: Table, side: str | None) -> list[str]:
    return [c.key for c in table.columns if c.side == side and c.kind == "amount"]


def check_hierarchy(doc, ctx: Context) -> Iterable[Finding]:
    """类 = Σ款, 款 = Σ项 in every amount column; 合计行 = Σ top-level rows."""
    for table in doc.tables:
        if not table.numeric:
            continue
        coded = [r for r in table.rows if r.code]
        if len(coded) < 2:
            continue
        # the readings of the table's group lines; a table that adds up under one of them is
        # not flagged, else the findings of the reading with the fewest are reported
        readings = [_without_group_lines(coded, by_unit) for by_unit in (True, False)]
        readings = [rows for k, rows in enumerate(readings) if rows not in readings[:k]]
        yield from min((list(_check_rows(table, rows, ctx)) for rows in readings), key=len)


def check_item_lists(doc, ctx: Context) -> Iterable[Finding]:
    """合计行 = Σ items, in every amount column of a list of items (spec ``items``).

    Only a flat list is checked: a list with a 小计 or 其中 line of its own, or with rows
    carrying subject codes, is a tree the rule cannot read as one sum."""
    for table in doc.tables:
        spec = ctx.catalog.table_by_id.get(table.id)
        if spec is None or not spec.items or not table.numeric:
            continue
        for side in sorted({r.side for r in table.rows}, key=lambda s: s or ""):
            rows = [r for r in table.rows if r.side == side]
            totals = [r for r in rows if is_total_row(r)]
            items = [r for r in rows if not is_total_row(r)]
            if len(totals) != 1 or len(items) < 2 or any(r.code or _SUBTOTAL_RE.match(r.label) for r in items):
                continue
            total = totals[0]
            for key in _amount_columns(table, side):
                tval = _value(total, key)
                off = sum_mismatch(tval, (_value(r, key) for r in items), ctx.step(table))
                if off is None:
                    continue
                col = table.column(key)
                yield sum_finding(
                    "list-total-mismatch",
                    f"{table.title}：合计行 {col.header if col else key} {fmt(tval)}，{len(items)} 项之和为 {fmt(off[0])}",
                    table,
                    total,
                    key,
                    off,
                )


def _value(row: Row, key: str) -> Decimal | None:
    cell = row.cells.get(key)
    return cell.value if cell is not None else None


_SUBTOTAL_RE = re.compile(r"^\s*(?:小\s*计|其中)")


def _check_rows(table: Table, coded: list[Row], ctx: Context) -> Iterable[Finding]:
    for side in sorted({r.side for r in coded}, key=lambda s: s or ""):
        rows = [r for r in coded if r.side == side]
        keys = _amount_columns(table, side)
        yield from _tree(table, rows, keys, ctx.step(table))
        total = next((r for r in table.rows if r.side == side and is_total_row(r)), None)
        if total is not None:
            uncoded = [r for r in table.rows if r.side == side and not r.code and r is not total and not is_total_row(r)]
            yield from _column_total(table, total, rows, keys, ctx.step(table), uncoded)


def _without_group_lines(rows: list[Row], by_unit: bool) -> list[Row]:
    """Rows of a code minus its group lines.

    A 政府采购表 prints, under one 功能 code, a 资金性质 line (``1 全额``), a line per unit
    (``154001 西安市司法局``) and the purchases (with their economic codes, or none when the
    content is 涉密): the lines above the purchases are their sums, not items beside them.
    They are told apart ``by_unit`` — lines with a 单位编码 and no economic code, where
    purchases carry none — or, where the unit lines carry no 单位编码 (printed on a line of
    its own), by the economic codes the purchases carry and the group lines do not.  Where
    the rows of a code are all alike (北京's one row per 功能/经济 pair, one unit per row)
    they all count."""
    if by_unit:
        items = {r.code for r in rows if not r.unit_code}
        grouped = {r.code for r in rows if r.unit_code and not r.codes} & items
        return [r for r in rows if not (r.code in grouped and r.unit_code and not r.codes)]
    with_codes = {r.code for r in rows if r.codes}
    return [r for r in rows if r.codes or r.code not in with_codes]


def _tree(table: Table, rows: list[Row], keys: list[str], step: Decimal) -> Iterable[Finding]:
    by_code: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_code[_code(r)].append(r)
    children: dict[str, list[str]] = defaultdict(list)
    for code in by_code:
        # the nearest ancestor the table prints: a level it leaves out is no row of its own,
        # its sub-codes stand for it (陕西's 3010201 津贴补贴 / 3010202 改革性补贴 under 301,
        # 30102 not printed), as the 合计 row's tree already counts them (_ancestor_present)
        p = parent(code)
        while p and p not in by_code:
            p = parent(p)
        if p:
            children[p].append(code)
    for pcode, kids in children.items():
        if len(by_code[pcode]) != 1:
            continue  # a parent printed twice cannot be checked as one figure
        prow = by_code[pcode][0]
        for key in keys:
            pval = _value(prow, key)
            off = sum_mismatch(pval, (_value(r, key) for k in kids for r in by_code[k]), step)
            if off is None:
                continue
            col = table.column(key)
            yield sum_finding(
                "hierarchy-sum-mismatch",
                f"{table.title}：科目 {pcode}“{prow.item}”{col.header if col else key} {fmt(pval)}，下级科目（{'、'.join(kids[:6])}{'…' if len(kids) > 6 else ''}）之和为 {fmt(off[0])}",
                table,
                prow,
                key,
                off,
            )


def _column_total(
    table: Table, total: Row, rows: list[Row], keys: list[str], step: Decimal, uncoded: Sequence[Row] = ()
) -> Iterable[Finding]:
    codes = {_code(r) for r in rows}
    kinds = {c[0] for c in codes}
    if len(kinds) != 1:
        return
    tops = [
        r for r in rows if not (parent(_code(r)) and parent(_code(r)) in codes) and not _ancestor_present(_code(r), codes)
    ]
    if not tops:
        return
    for key in keys:
        tval = _value(total, key)
        vals = [v for r in tops if (v := _value(r, key)) is not None]
        off = sum_mismatch(tval, vals, step)
        if off is None or _with_uncoded(off[1], vals, uncoded, key, step):
            continue
        col = table.column(key)
        yield sum_finding(
            "column-total-mismatch",
            f"{table.title}：合计行 {col.header if col else key} {fmt(tval)}，各类科目之和为 {fmt(off[0])}",
            table,
            total,
            key,
            off,
        )


def _with_uncoded(tv: Decimal, vals: list[Decimal], uncoded: Sequence[Row], key: str, step: Decimal) -> bool:
    """合计 = Σ classes + Σ rows printed without a subject code.

    A project list (上年结转资金支出表) may leave the 功能分类 code of a row blank (a project
    “内容涉密”): its amount is in the 合计 but in no class, so Σ classes falls short by exactly
    the uncoded rows.  A row without a code that repeats the 合计 (a 全额 / 资金性质 group line
    over the whole list) is not an item and is left out.
    """
    extra = [c.value for r in uncoded if (c := r.cells.get(key)) is not None and c.value]
    extra = [v for v in extra if v != tv]
    return bool(extra) and sum_ok(tv, vals + extra, step)


def _ancestor_present(code: str, codes: set[str]) -> bool:
    p = parent(code)
    while p:
        if p in codes:
            return True
        p = parent(p)
    return False
