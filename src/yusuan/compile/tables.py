"""Line items → the standard tables, so that every identity holds by construction.

Each table is a sum of the same line items grouped differently: 收入总表 by 功能分类 and
资金来源, 支出总表 by 功能分类 and 支出类型, 一般公共预算基本支出表 by 经济分类 and
人员/公用经费, “三公” by the economic codes 30212/31013/30231/30217 …  Blank cells stand for
zero, as in the published templates.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Iterable

import yaml

from ..catalog import Catalog
from ..model import Cell, Column, Location, Row, Table
from ..model.money import AmountUnit, plain
from .schema import FISCAL, BudgetInput, LineItem, subject_name

ZERO = Decimal(0)
CENT = Decimal("0.01")

#: economic codes of the “三公” items (部门预算支出经济分类)
THREE_PUBLIC_CODES = {"abroad": ("30212",), "vehicle_purchase": ("31013", "30913"), "vehicle_operation": ("30231",), "reception": ("30217",)}

_NUMERALS = "一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (up to 99)."""
    if n < 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _NUMERALS[tens - 1]
    return f"{head}十{_NUMERALS[ones - 1] if ones else ''}"


@cache
def layout() -> dict:
    return yaml.safe_load((resources.files(__package__) / "layout.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=65536)
def amount_text(v: Decimal) -> str:
    """Printed amount: at least two decimals (``162`` → ``162.00``), exact beyond."""
    q = v.quantize(CENT)
    return format(q if q == v else v.normalize(), "f")


@lru_cache(maxsize=65536)
def _location(table: str, row: str | None, column: str, code: str | None, unit_code: str | None) -> Location:
    """Cells of compiled tables share their (immutable) locations across documents."""
    return Location(table=table, row=row, column=column, subject_code=code, unit_code=unit_code)


class _Builder:
    """One table: its columns from the layout, rows appended with cells located."""

    def __init__(self, spec: dict, title: str, unit: AmountUnit, unit_code: str | None, unit_name: str):
        self.spec = spec
        self.columns = _columns(spec["id"])
        self.title = title
        self.unit = unit
        self.unit_code = unit_code
        self.unit_name = unit_name
        self.rows: list[Row] = []
        self._headers = {c.key: c.header for c in self.columns}

    def row(self, label: str, values: dict[str, Decimal | str | None], seq: str | None = None, code: str | None = None, side: str | None = None) -> None:
        cells = {}
        tid, unit_code, headers = self.spec["id"], self.unit_code, self._headers
        for key, v in values.items():
            if not v:  # None, zero and "" print as a blank cell
                continue
            loc = _location(tid, seq, headers[key], code, unit_code)
            if v.__class__ is str:
                cells[key] = Cell(text=v, value=None, location=loc)
            else:
                cells[key] = Cell(text=plain(v) if key == "quantity" else amount_text(v), value=v, location=loc)
        if not cells:
            if label or code:
                self.rows.append(_blank_row(label, seq, code, side))
            return  # else an empty line of a two-sided table (the other side goes on)
        self.rows.append(Row(label=label, cells=cells, seq=seq, code=code, side=side))

    def table(self, note: str | None = None) -> Table:
        numbered = self.columns
        return Table(
            id=self.spec["id"],
            title=self.title,
            columns=numbered,
            rows=tuple(self.rows),
            amount_unit=self.unit,
            unit_code=self.unit_code,
            unit_name=self.unit_name,
            note=note,
        )


@cache
def _columns(table_id: str) -> tuple[Column, ...]:
    """The value columns of a compiled table, numbered (栏次), built once."""
    spec = next(t for t in layout()["tables"] if t["id"] == table_id)
    columns = tuple(
        Column(
            key=c["key"],
            header=c["header"],
            role=c.get("role"),
            path=tuple(c.get("path") or (c["header"],)),
            side=c.get("side"),
            kind=c.get("kind", "amount"),
        )
        for c in spec["columns"]
    )
    return _number_columns(columns, coded=table_id not in _NAMED)


@lru_cache(maxsize=8192)
def _blank_row(label: str, seq: str | None, code: str | None, side: str | None) -> Row:
    """A row printed without amounts (most 类 lines of 收支总表), shared across documents."""
    return Row(label=label, cells={}, seq=seq, code=code, side=side)


_NAMED = {"income_expenditure_summary", "appropriation_summary", "three_public_expenses", "fixed_assets", "government_procurement"}


def _number_columns(columns: tuple[Column, ...], coded: bool) -> tuple[Column, ...]:
    """栏次: key columns count (科目编码 1, 科目名称 2 / 项目 1), then the value columns."""
    from dataclasses import replace

    sides = list(dict.fromkeys(c.side for c in columns))
    out = []
    n = 0
    for side in sides:
        n += 2 if coded else 1
        for c in columns:
            if c.side == side:
                n += 1
                out.append(replace(c, number=str(n)))
    return tuple(out)


def _tree_codes(codes: Iterable[str]) -> list[str]:
    """Every code with all its parents, in code order (类, its 款, their 项 …)."""
    seen: set[str] = set()
    for c in codes:
        while c:
            seen.add(c)
            c = c[:-2] if len(c) > 3 else None
    return sorted(seen)


def _by_code(items: Iterable[LineItem], code_of, column_of) -> dict[str, dict[str, Decimal]]:
    """Σ amounts per code (and every parent code) per column."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for it in items:
        code = code_of(it)
        cols = column_of(it)
        if code is None or not cols:
            continue
        c = code
        while c:
            row = sums[c]
            for col in cols:
                row[col] += it.amount
            c = c[:-2] if len(c) > 3 else None
    return sums


def build_tables(bi: BudgetInput, catalog: Catalog) -> tuple[list[Table], dict[str, Decimal]]:
    """Every standard table, and the figures the narrative quotes."""
    prefix = f"{bi.scope}预算"
    unit_code, unit_name = bi.unit.code, bi.unit.name
    specs = {t["id"]: t for t in layout()["tables"]}
    items = bi.items

    def builder(tid: str) -> _Builder:
        spec = specs[tid]
        return _Builder(spec, f"{prefix}{spec['name']}", bi.amount_unit, unit_code, unit_name)

    def total_row(b: _Builder, sums: dict[str, dict[str, Decimal]]) -> None:
        tops = [c for c in sums if len(c) == 3]
        tot: dict[str, Decimal] = defaultdict(Decimal)
        for c in tops:
            for k, v in sums[c].items():
                tot[k] += v
        b.row("合计", dict(tot), seq="1")

    def coded(b: _Builder, sums: dict[str, dict[str, Decimal]]) -> None:
        total_row(b, sums)
        for i, code in enumerate(sorted(sums), start=2):
            b.row(subject_name(bi, catalog, code) or code, dict(sums[code]), seq=str(i), code=code)

    current = [it for it in items if not it.carryover]
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for it in current:
        by_source[it.fund] += it.amount
    carry_total = sum((it.amount for it in items if it.carryover), ZERO)
    carry_fund: dict[str, Decimal] = defaultdict(Decimal)
    for it in items:
        if it.carryover:
            carry_fund[it.fund] += it.amount
    total = sum((it.amount for it in items), ZERO)
    classes = [c[0] for c in layout()["function_classes"] if len(c) == 1 or bi.year in c[1]]
    by_class: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for it in items:
        by_class[it.function[:3]]["total"] += it.amount
        by_class[it.function[:3]][it.fund] += it.amount
    for c in by_class:
        if c not in classes:
            classes.append(c)
    tables: list[Table] = []

    # 收支总表
    b = builder("income_expenditure_summary")
    spec = specs["income_expenditure_summary"]
    inc_rows = spec["income_rows"]
    n = max(len(inc_rows), len(classes))
    for i in range(n):
        seq = str(i + 1)
        if i < len(inc_rows):
            src, label = inc_rows[i]
            b.row(label, {"income.amount": by_source.get(src, ZERO)}, seq=seq, side="income")
        else:
            b.row("", {}, seq=seq, side="income")
        if i < len(classes):
            code = classes[i]
            b.row(f"{chinese_ordinal(i + 1)}、{subject_name(bi, catalog, code) or code}", {"expenditure.amount": by_class.get(code, {}).get("total", ZERO)}, seq=seq, side="expenditure")
        else:
            b.row("", {}, seq=seq, side="expenditure")
    year_income = total - carry_total
    ies_values = {"year_total": (year_income, total), "carryover": (carry_total, ZERO), "grand_total": (total, total)}
    for k, (concept, inc_label, exp_label) in enumerate(spec["totals"]):
        seq = str(n + 1 + k)
        iv, ev = ies_values[concept]
        b.row(inc_label, {"income.amount": iv}, seq=seq, side="income")
        b.row(exp_label, {"expenditure.amount": ev}, seq=seq, side="expenditure")
    tables.append(b.table())

    # 收入总表
    b = builder("income_summary")

    def income_cols(it: LineItem) -> list[str]:
        if it.carryover:
            return ["total", "carryover"]
        col = "fiscal" if it.fund in FISCAL else it.fund
        return ["total", "subtotal", col]

    coded(b, _by_code(items, lambda it: it.function, income_cols))
    tables.append(b.table())

    # 支出总表
    b = builder("expenditure_summary")
    kind_col = {"personnel": "basic", "public": "basic", "project": "project", "operating": "operating_expenditure", "remit": "remit_superior", "subsidy": "subsidy_affiliated"}
    coded(b, _by_code(items, lambda it: it.function, lambda it: ["total", kind_col[it.kind]]))
    tables.append(b.table())

    # 财政拨款收支总表
    b = builder("appropriation_summary")
    spec = specs["appropriation_summary"]
    inc_rows = spec["income_rows"]
    fiscal_items = [it for it in items if it.fund in FISCAL]
    fiscal_class: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for it in fiscal_items:
        fiscal_class[it.function[:3]]["expenditure.total"] += it.amount
        fiscal_class[it.function[:3]][f"expenditure.{it.fund}"] += it.amount
    n = max(len(inc_rows), len(classes))
    for i in range(n):
        seq = str(i + 1)
        if i < len(inc_rows):
            src, label = inc_rows[i]
            b.row(label, {"income.amount": by_source.get(src, ZERO)}, seq=seq, side="income")
        else:
            b.row("", {}, seq=seq, side="income")
        if i < len(classes):
            code = classes[i]
            b.row(f"{chinese_ordinal(i + 1)}、{subject_name(bi, catalog, code) or code}", dict(fiscal_class.get(code, {})), seq=seq, side="expenditure")
        else:
            b.row("", {}, seq=seq, side="expenditure")
    fiscal_total = sum((it.amount for it in fiscal_items), ZERO)
    fiscal_carry = sum((carry_fund.get(f, ZERO) for f in FISCAL), ZERO)
    exp_tot = {"expenditure.total": fiscal_total, **{f"expenditure.{f}": sum((it.amount for it in fiscal_items if it.fund == f), ZERO) for f in FISCAL}}
    for k, (concept, inc_label, exp_label) in enumerate(spec["totals"]):
        seq = str(n + 1 + k)
        if concept == "year_total":
            b.row(inc_label, {"income.amount": fiscal_total - fiscal_carry}, seq=seq, side="income")
            b.row(exp_label, exp_tot, seq=seq, side="expenditure")
        elif concept == "carryover":
            b.row(inc_label, {"income.amount": fiscal_carry}, seq=seq, side="income")
            b.row(exp_label, {}, seq=seq, side="expenditure")
        elif concept.startswith("carryover."):
            b.row(inc_label, {"income.amount": carry_fund.get(concept.split(".")[1], ZERO)}, seq=seq, side="income")
            b.row(exp_label, {}, seq=seq, side="expenditure")
        else:
            b.row(inc_label, {"income.amount": fiscal_total}, seq=seq, side="income")
            b.row(exp_label, exp_tot, seq=seq, side="expenditure")
    tables.append(b.table())

    # 一般公共预算 / 政府性基金 / 国有资本经营 财政拨款支出表, and the 基本支出表 in between
    fund_tables = {}
    for tid in ("general_budget_expenditure", "government_fund_expenditure", "state_capital_expenditure"):
        spec = specs[tid]
        b = builder(tid)
        fund = spec["fund"]
        sums = _by_code(
            (it for it in items if it.fund == fund),
            lambda it: it.function,
            lambda it: ["total", "basic" if it.kind in ("personnel", "public") else "project"],
        )
        if sums:
            coded(b, sums)
        fund_tables[tid] = b.table(note=None if sums else spec.get("empty_note"))
    tables.append(fund_tables["general_budget_expenditure"])
    b = builder("general_budget_basic_expenditure")
    basic_items = [it for it in items if it.fund == "general_budget" and it.kind in ("personnel", "public")]
    sums = _by_code(basic_items, lambda it: it.economic[:5] if it.economic else None, lambda it: ["total", it.kind])
    if sums:
        coded(b, sums)
    tables.append(b.table(note=None if sums else specs["general_budget_basic_expenditure"].get("empty_note")))
    tables.append(fund_tables["government_fund_expenditure"])
    tables.append(fund_tables["state_capital_expenditure"])

    # 财政拨款“三公”经费支出表
    three = three_public_figures(bi)
    b = builder("three_public_expenses")
    for i, (concept, label) in enumerate(specs["three_public_expenses"]["rows"], start=1):
        vals = three.get(concept, {})
        b.row(label, {"total": vals.get("total", ZERO), **{f: vals.get(f, ZERO) for f in FISCAL}}, seq=str(i))
    tables.append(b.table())

    # 政府采购预算表
    b = builder("government_procurement")
    spec = specs["government_procurement"]
    if bi.procurement:
        tot: dict[str, Decimal] = defaultdict(Decimal)
        lines = []
        for p in bi.procurement:
            col = p.fund if p.fund in FISCAL or p.fund == "special_account" else "unit_funds"
            tot["total"] += p.amount
            tot[col] += p.amount
            note = "；".join(x for x in (p.project, p.category, p.catalog_no, p.measure) if x)
            lines.append((p.item, {"quantity": p.quantity, "total": p.amount, col: p.amount, "note": note or None}))
        b.row("合计", dict(tot), seq="1")
        for i, (label, vals) in enumerate(lines, start=2):
            b.row(label, vals, seq=str(i))
        tables.append(b.table())
    else:
        tables.append(b.table(note=spec["empty_note"]))

    # 固定资产占用情况表
    if bi.assets is not None:
        b = builder("fixed_assets")
        assets = bi.assets
        total_assets = sum((a.value or ZERO for k, a in assets.items() if k != "office"), ZERO)
        for concept, label in specs["fixed_assets"]["rows"]:
            if concept == "total":
                b.row(label, {"quantity": "---", "value": total_assets})
                continue
            a = assets.get(concept)
            qty: Decimal | str | None = a.quantity if a else None
            if concept == "other":
                qty = "---"
            b.row(label, {"quantity": qty, "value": a.value if a else None})
        tables.append(b.table())

    figures = _figures(bi, tables, three)
    return tables, figures


def three_public_figures(bi: BudgetInput) -> dict[str, dict[str, Decimal]]:
    """“三公” by item and fund: from the economic codes of fiscal line items, or the clerk's
    figures where given (they may include spending booked under other codes)."""
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for it in bi.items:
        if it.fund not in FISCAL or not it.economic:
            continue
        for item, codes in THREE_PUBLIC_CODES.items():
            if it.economic in codes:
                out[item][it.fund] += it.amount
    if bi.three_public:
        for item, v in bi.three_public.items():
            derived = sum(out[item].values(), ZERO)
            if v > derived:
                out[item]["general_budget"] += v - derived
    for item in THREE_PUBLIC_CODES:
        out[item]["total"] = sum((out[item].get(f, ZERO) for f in FISCAL), ZERO)
    out["vehicle"] = defaultdict(Decimal, {k: out["vehicle_purchase"].get(k, ZERO) + out["vehicle_operation"].get(k, ZERO) for k in ("total", *FISCAL)})
    out["total"] = defaultdict(
        Decimal, {k: out["abroad"].get(k, ZERO) + out["vehicle"].get(k, ZERO) + out["reception"].get(k, ZERO) for k in ("total", *FISCAL)}
    )
    return out


def _figures(bi: BudgetInput, tables: list[Table], three) -> dict[str, Decimal]:
    """The figures the narrative quotes, named once."""
    f: dict[str, Decimal] = defaultdict(Decimal)
    for it in bi.items:
        f["total"] += it.amount
        f[f"source.{it.fund}" if not it.carryover else "carryover"] += it.amount
        if it.kind in ("personnel", "public"):
            f["basic"] += it.amount
            f[it.kind] += it.amount
            if it.fund == "general_budget":
                f[f"gb.{it.kind}"] += it.amount
        else:
            f[it.kind] += it.amount
    for item in ("total", "abroad", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"):
        f[f"three.{item}"] = three[item]["total"]
    f["procurement"] = sum((p.amount for p in bi.procurement), ZERO)
    if bi.assets is not None:
        f["assets"] = sum((a.value or ZERO for k, a in bi.assets.items() if k != "office"), ZERO)
    return f
