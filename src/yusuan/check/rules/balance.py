"""Two-sided tables (收支总表, 财政拨款收支总表 and their 决算 forms).

* 本年收入合计 = Σ income lines;  本年支出合计 = Σ expenditure lines (功能分类 类);
* a numbered line with sub-lines (一、财政拨款收入 ⊃ 1、一般公共预算 …) = Σ its sub-lines;
* 收入总计 = 本年收入合计 + 上年结转结余 (…);  支出总计 = 本年支出合计 + 年终结转结余 (…);
* 收入总计 = 支出总计, and per fund in 财政拨款收支总表.

Lines are told apart by their ordinal (一、 / 1、 / (1) / 其中：), not by position.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from ...model import Row, Table
from ...model.finding import Finding
from ..context import Context, amount_key, fmt, sum_finding, where
from ..tolerance import same_ok, sum_mismatch

_L1 = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_L2 = re.compile(r"^\s*\d+\s*[、.．](?!\d)")
_L3 = re.compile(r"^\s*[（(]\s*\d+\s*[)）]")
_SUB = re.compile(r"^\s*其中")
FUNDS = ("general_budget", "gov_fund", "state_capital")


def _level(label: str) -> int:
    if _SUB.match(label):
        return 9
    if _L1.match(label):
        return 1
    if _L2.match(label):
        return 2
    if _L3.match(label):
        return 3
    return 0


def _group(side: str) -> str:
    return "income" if side == "income" else "expenditure"


def check_two_sided(doc, ctx: Context) -> Iterable[Finding]:
    """本年合计 = Σ lines; 总计 = 本年合计 + 结转; 收入总计 = 支出总计 (per fund too)."""
    for table in doc.tables:
        sides = [s for s in dict.fromkeys(c.side for c in table.columns) if s]
        if len(sides) < 2 or "income" not in sides:
            continue
        totals: dict[str, Row | None] = {}
        for side in sides:
            rows = table.rows_on(side)
            keys = [c.key for c in table.columns if c.side == side and c.kind == "amount"]
            year_total, grand_total, found = _side_sums(ctx, table, side, rows, keys)
            yield from found
            totals[side] = grand_total or year_total
        # balance: 收入总计 = 支出总计
        inc = totals.get("income")
        ik = amount_key(table, "income")
        for side in sides:
            if side == "income":
                continue
            exp = totals.get(side)
            ek = amount_key(table, side)
            if inc is None or exp is None or ik is None or ek is None:
                continue
            a, b = inc.cells.get(ik), exp.cells.get(ek)
            av = a.value if a is not None and a.value is not None else None
            bv = b.value if b is not None and b.value is not None else None
            if av is None and bv is None:
                continue
            av, bv = av or Decimal(0), bv or Decimal(0)
            if same_ok(av, bv, ctx.step(table), ctx.step(table)):
                continue
            yield Finding(
                code="balance-mismatch",
                message=f"{table.title}：收入总计 {fmt(av)} ≠ 支出总计 {fmt(bv)}",
                location=where(table, exp, ek),
                expected=av,
                actual=bv,
            )
        yield from _fund_balance(ctx, table, totals)


def _side_sums(
    ctx: Context, table: Table, side: str, rows: list[Row], keys: list[str]
) -> tuple[Row | None, Row | None, list[Finding]]:
    cat = ctx.catalog
    group = _group(side)
    concepts = [cat.row_concept(group, r.item) for r in rows]
    found: list[Finding] = []
    try:
        yt = concepts.index("year_total")
    except ValueError:
        yt = None
    gt = next((i for i, c in enumerate(concepts) if c == "grand_total"), None)
    year_total = rows[yt] if yt is not None else None
    grand_total = rows[gt] if gt is not None else None
    if yt is not None:
        items = rows[:yt]
        levels = [_level(r.label) for r in items]
        top = min((lv for lv in levels if lv not in (9,)), default=0)
        if top == 0 and any(lv == 1 for lv in levels):
            top = 1
        tops = [i for i, lv in enumerate(levels) if lv == top]
        for key in keys:
            f = _sum(table, rows[yt], key, [items[i] for i in tops], "各项之和", ctx.step(table))
            if f:
                found.append(f)
        # a numbered line with sub-lines = Σ sub-lines
        for n, i in enumerate(tops):
            end = tops[n + 1] if n + 1 < len(tops) else len(items)
            sub_levels = [lv for lv in levels[i + 1 : end] if lv not in (9, 0)]
            if not sub_levels:
                continue
            sub = min(sub_levels)
            kids = [items[j] for j in range(i + 1, end) if levels[j] == sub]
            for key in keys:
                f = _sum(table, items[i], key, kids, "下级各项之和", ctx.step(table))
                if f:
                    found.append(f)
    if yt is not None and gt is not None and gt > yt:
        between = list(zip(rows[yt + 1 : gt], concepts[yt + 1 : gt]))
        # 年初财政拨款结转和结余 followed by its split by fund (一般公共预算财政拨款 …): the
        # fund lines are part of the carry-over line, not added to it
        split = any(c in ("carryover", "carryover_general_budget") for _, c in between)
        extra = [
            r for r, c in between
            if _level(r.label) == 0 and c != "year_total" and not (split and c in FUNDS)
        ]
        extra = [r for r in extra if not _SUB.match(r.label)]
        for key in keys:
            f = _sum(table, rows[gt], key, [rows[yt]] + extra, "本年合计与结转结余之和", ctx.step(table))
            if f:
                found.append(f)
    return year_total, grand_total, found


def _sum(table: Table, total: Row, key: str, parts: list[Row], what: str, step: Decimal) -> Finding | None:
    tcell = total.cells.get(key)
    tval = tcell.value if tcell is not None else None
    off = sum_mismatch(tval, (c.value for r in parts if (c := r.cells.get(key)) is not None), step)
    if off is None:
        return None
    col = table.column(key)
    return sum_finding(
        "side-total-mismatch",
        f"{table.title}：“{total.item}”{col.header if col else ''} {fmt(tval)}，{what}为 {fmt(off[0])}",
        table,
        total,
        key,
        off,
    )


def _fund_balance(ctx: Context, table: Table, totals: dict[str, Row | None]) -> Iterable[Finding]:
    """财政拨款收支总表: each fund's income (+ its carry-over) = the fund's 支出总计 column."""
    exp_sides = [s for s in totals if s != "income"]
    if not exp_sides:
        return
    side = exp_sides[0]
    exp_total = totals.get(side)
    if exp_total is None:
        return
    ik = amount_key(table, "income")
    if ik is None:
        return
    income_rows = table.rows_on("income")
    concepts = [ctx.catalog.row_concept("income", r.item) for r in income_rows]
    try:
        yt = concepts.index("year_total")
    except ValueError:
        return
    for fund in FUNDS:
        ek = table.key_for(fund, side)
        if ek is None:
            continue
        lines = [r for r, c in zip(income_rows[:yt], concepts[:yt]) if c == fund]
        carry = [r for r, c in zip(income_rows[yt + 1 :], concepts[yt + 1 :]) if c == fund]
        if not lines:
            continue
        parts = [lines[0]] + carry[:1]
        ecell = exp_total.cells.get(ek)
        off = sum_mismatch(
            ecell.value if ecell is not None else None,
            (c.value for r in parts if (c := r.cells.get(ik)) is not None),
            ctx.step(table),
        )
        if off is None:
            continue
        expected, ev = off
        col = table.column(ek)
        yield Finding(
            code="balance-mismatch",
            message=f"{table.title}：{col.header if col else fund}支出总计 {fmt(ev)}，与该类收入（含结转）{fmt(expected)} 不平衡",
            location=where(table, exp_total, ek),
            expected=expected,
            actual=ev,
        )
