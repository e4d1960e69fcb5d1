"""Cross-table identities, per unit.

* 收支总表 本年支出合计 = 支出总表 合计;  本年收入合计 = 收入总表 本年收入;  收入总计 = 收入总表 合计
* 收支总表 支出 类 X = 支出总表 类 X = 收入总表 类 X (by code, the class named by the line)
* 收入总表 and 支出总表 list the same 功能分类 codes with the same 合计
* 财政拨款收支总表 一般公共预算 column, 类 X = 一般公共预算支出表 类 X;  its 本年支出合计 = that table's 合计
* 一般公共预算支出表 基本支出 合计 = 基本支出表 合计 (and 人员经费 / 公用经费)
* 收支总表 and 财政拨款收支总表 agree on the 一般公共预算 income
* 政府性基金 / 国有资本经营 tables' 合计 = the fund's column of 财政拨款收支总表
* “三公”经费 items ≥ their economic codes in the basic-expenditure table (30217, 30231, 30212, 31013)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ...model import Row, Table
from ...model.finding import Finding
from ...model.money import convert
from ..context import Context, UnitGroup, amount_key, fmt, total_row, where
from ..tolerance import same_ok, table_step

THREE_PUBLIC_ECONOMIC = (("reception", "30217"), ("vehicle_operation", "30231"), ("abroad", "30212"), ("vehicle_purchase", "31013"))


class Fig:
    """A figure in a table: value (in the table's unit) with its cell for locating."""

    __slots__ = ("table", "row", "key", "value", "text", "step")

    def __init__(self, table: Table, row: Row, key: str, step: Decimal | None = None):
        self.table, self.row, self.key = table, row, key
        self.step = step if step is not None else table_step(table)
        c = row.cells.get(key)
        self.value = c.value if c is not None and c.value is not None else Decimal(0)
        self.text = c.text if c is not None else ""

    @property
    def blank(self) -> bool:
        c = self.row.cells.get(self.key)
        return c is None or c.value is None

    def in_yuan(self) -> Decimal:
        return convert(self.value, self.table.amount_unit, "元")

    def step_yuan(self) -> Decimal:
        return convert(self.step, self.table.amount_unit, "元")

    def describe(self) -> str:
        col = self.table.column(self.key)
        what = f"“{self.row.item}”" if self.row.item else ""
        code = f"{self.row.code} " if self.row.code else ""
        return f"{self.table.title} {code}{what}{col.header if col else ''}"


def _compare(a: Fig | None, b: Fig | None, about: str) -> Finding | None:
    """``b`` should equal ``a``; the finding is located at ``b``."""
    if a is None or b is None or (a.blank and b.blank):
        return None
    if same_ok(a.in_yuan(), b.in_yuan(), a.step_yuan(), b.step_yuan()):
        return None
    expected = convert(a.in_yuan(), "元", b.table.amount_unit)
    return Finding(
        code="cross-table-mismatch",
        message=f"{about}：{b.describe()} {fmt(b.value)}，{a.describe()} 为 {fmt(a.value)}",
        location=where(b.table, b.row, b.key),
        expected=expected,
        actual=b.value,
    )


def _side_line(ctx: Context, table: Table, side: str, concept: str) -> Row | None:
    group = "income" if side == "income" else "expenditure"
    for r in table.rows_on(side):
        if ctx.catalog.row_concept(group, r.item) == concept:
            return r
    return None


def _class_lines(ctx: Context, table: Table, side: str) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in table.rows_on(side):
        code = r.code if (r.code and len(r.code) == 3) else ctx.catalog.class_code(r.item)
        if code and code not in out:
            out[code] = r
    return out


def _by_code(table: Table) -> dict[str, Row]:
    out: dict[str, Row] = {}
    dup: set[str] = set()
    for r in table.rows:
        if r.code and r.code[0] == "2":
            if r.code in out:
                dup.add(r.code)
            out[r.code] = r
    for d in dup:
        out.pop(d, None)
    return out


def _fig(ctx: Context, table: Table | None, row: Row | None, key: str | None) -> Fig | None:
    if table is None or row is None or key is None:
        return None
    return Fig(table, row, key, ctx.step(table))


_CARRY_ROLES = ("carryover", "non_fiscal_balance", "prior_account_balance")


def _has_carry_columns(table: Table) -> bool:
    """Income columns that are not this year's income (carried over, balances used)."""
    return any(c.role and (c.role in _CARRY_ROLES or c.role.startswith("carryover.")) for c in table.columns)


def check_cross_tables(doc, ctx: Context) -> Iterable[Finding]:
    """收支总表 ↔ 收入总表 ↔ 支出总表 ↔ 财政拨款收支总表 ↔ 一般公共预算支出表 ↔ 基本支出表 ↔ “三公”."""
    for g in ctx.groups:
        for f in _group(ctx, g):
            if f is not None:
                yield f


def _group(ctx: Context, g: UnitGroup) -> Iterable[Finding | None]:
    ies, inc, exp = g.get("ies"), g.get("income"), g.get("expenditure")
    app, gbe, gbbe = g.get("appropriation"), g.get("gbe"), g.get("gbbe")
    if ies is not None:
        ik, ek = amount_key(ies, "income"), amount_key(ies, "expenditure")
        inc_year = _fig(ctx, ies, _side_line(ctx, ies, "income", "year_total"), ik)
        inc_grand = _fig(ctx, ies, _side_line(ctx, ies, "income", "grand_total"), ik)
        exp_year = _fig(ctx, ies, _side_line(ctx, ies, "expenditure", "year_total"), ek)
        if exp is not None:
            tr = total_row(exp)
            exp_grand = _fig(ctx, ies, _side_line(ctx, ies, "expenditure", "grand_total"), ek)
            mine = _fig(ctx, exp, tr, exp.key_for("total"))
            f = _compare(exp_year, mine, "支出总表合计应等于收支总表本年支出合计")
            if f is not None and exp_grand is not None and _has_carry_columns(exp):
                # a 支出总表 by source of funds (西安 2019: 上年实户资金余额, 上年结转 columns)
                # may spend the carried-over funds too: then its 总计 is the 支出总计
                f = _compare(exp_grand, mine, "支出总表合计应等于收支总表本年支出合计或支出总计")
            yield f
        if inc is not None:
            tr = total_row(inc)
            if inc.key_for("subtotal"):
                yield _compare(inc_year, _fig(ctx, inc, tr, inc.key_for("subtotal")), "收入总表本年收入应等于收支总表本年收入合计")
                yield _compare(inc_grand or inc_year, _fig(ctx, inc, tr, inc.key_for("total")), "收入总表合计应等于收支总表收入总计")
            elif inc_grand is not None and _has_carry_columns(inc):
                # its 合计 adds 上年结转 / 使用非财政拨款结余 / 上年实户资金余额 columns: the 收入总计
                yield _compare(inc_grand, _fig(ctx, inc, tr, inc.key_for("total")), "收入总表合计应等于收支总表收入总计")
            else:
                yield _compare(inc_year, _fig(ctx, inc, tr, inc.key_for("total")), "收入总表合计应等于收支总表本年收入合计")
        # class lines
        lines = _class_lines(ctx, ies, "expenditure")
        # a 决算's income by subject is not its expenditure (年初/年末结转和结余 differ by
        # subject): only the budget's 收入总表 repeats the expenditure 类 lines
        by_subject = (exp, inc) if not _is_final(inc) else (exp,)
        codes_of = {id(t): _by_code(t) for t in by_subject if t is not None}
        for code, line in lines.items():
            a = _fig(ctx, ies, line, ek)
            for t in by_subject:
                if t is None:
                    continue
                row = codes_of[id(t)].get(code)
                if row is None:
                    if a is not None and not a.blank and a.value != 0 and any(r.code and len(r.code) == 3 for r in t.rows):
                        yield Finding(
                            code="cross-table-code-missing",
                            message=f"{t.title}：没有类 {code}，收支总表“{line.item}”为 {fmt(a.value)}",
                            location=where(t, None),
                            expected=a.value,
                            actual=None,
                        )
                    continue
                yield _compare(a, _fig(ctx, t, row, t.key_for("total")), f"类 {code} 应与收支总表一致")
        if app is not None:
            aik = amount_key(app, "income")
            for concept in ("general_budget", "gov_fund", "state_capital"):
                a = _fig(ctx, ies, _side_line(ctx, ies, "income", concept), ik)
                b = _fig(ctx, app, _side_line(ctx, app, "income", concept), aik)
                yield _compare(a, b, "财政拨款收支总表收入应与收支总表一致")
    # 收入总表 ↔ 支出总表 by code (a budget balances subject by subject; final accounts do not)
    if inc is not None and exp is not None and not _is_final(inc):
        yield from _code_pairs(ctx, inc, exp)
    # 财政拨款收支总表 ↔ 一般公共预算支出表
    if app is not None and gbe is not None:
        side = "expenditure"
        gk = app.key_for("general_budget", side)
        if gk:
            yield _compare(
                _fig(ctx, app, _side_line(ctx, app, side, "year_total"), gk),
                _fig(ctx, gbe, total_row(gbe), gbe.key_for("total")),
                "一般公共预算支出表合计应等于财政拨款收支总表一般公共预算支出",
            )
            gcodes = _by_code(gbe)
            for code, line in _class_lines(ctx, app, side).items():
                row = gcodes.get(code)
                if row is not None:
                    yield _compare(_fig(ctx, app, line, gk), _fig(ctx, gbe, row, gbe.key_for("total")), f"类 {code} 应与财政拨款收支总表一致")
    for kind, role in (("gov_fund", "gov_fund"), ("state_capital", "state_capital")):
        ft = g.get(kind)
        if app is None or ft is None:
            continue
        k = app.key_for(role, "expenditure")
        year_line = _side_line(ctx, app, "expenditure", "year_total")
        if k is None or year_line is None:
            continue
        tr = total_row(ft)
        a = _fig(ctx, app, year_line, k)
        if tr is None:
            if a is not None and not a.blank and a.value != 0 and not ft.rows:
                yield Finding(
                    code="cross-table-mismatch",
                    message=f"{ft.title}为空表，但财政拨款收支总表该类支出为 {fmt(a.value)}",
                    location=where(ft, None),
                    expected=a.value,
                    actual=Decimal(0),
                )
            continue
        yield _compare(a, _fig(ctx, ft, tr, ft.key_for("total")), "应与财政拨款收支总表一致")
    # 一般公共预算支出表 ↔ 基本支出表
    if gbe is not None and gbbe is not None:
        gt, bt = total_row(gbe), total_row(gbbe)
        yield _compare(_fig(ctx, gbe, gt, gbe.key_for("basic")), _fig(ctx, gbbe, bt, gbbe.key_for("total")), "基本支出表合计应等于一般公共预算支出表基本支出")
        for role in ("personnel", "public"):
            if gbe.key_for(role) and gbbe.key_for(role):
                yield _compare(_fig(ctx, gbe, gt, gbe.key_for(role)), _fig(ctx, gbbe, bt, gbbe.key_for(role)), "基本支出表应与一般公共预算支出表一致")
    # 一般公共预算支出表 ≤ 支出总表, code by code
    if gbe is not None and exp is not None:
        ecodes = _by_code(exp)
        for code, row in _by_code(gbe).items():
            erow = ecodes.get(code)
            if erow is None:
                continue
            a, b = _fig(ctx, exp, erow, exp.key_for("total")), _fig(ctx, gbe, row, gbe.key_for("total"))
            if a is None or b is None:
                continue
            if b.in_yuan() > a.in_yuan() + max(a.step_yuan(), b.step_yuan()) / 2:
                yield Finding(
                    code="cross-table-mismatch",
                    message=f"一般公共预算支出不应大于全部支出：{b.describe()} {fmt(b.value)}，{a.describe()} 为 {fmt(a.value)}",
                    location=where(gbe, row, b.key),
                    expected=convert(a.in_yuan(), "元", gbe.amount_unit),
                    actual=b.value,
                )
    yield from _three_public(ctx, g)


def _is_final(table: Table | None) -> bool:
    """A final-accounts (决算) table (ids ``final_*``, see ``catalog/tables.yaml``)."""
    return table is not None and table.id.startswith("final_")


def _code_pairs(ctx: Context, inc: Table, exp: Table) -> Iterable[Finding | None]:
    ic, ec = _by_code(inc), _by_code(exp)
    ik, ek = inc.key_for("total"), exp.key_for("total")
    if not ik or not ek or not ic or not ec:
        return
    for code, row in ic.items():
        erow = ec.get(code)
        if erow is None:
            f = Fig(inc, row, ik, ctx.step(inc))
            if not f.blank and f.value != 0 and _same_depth(code, ec):
                yield Finding(
                    code="cross-table-code-missing",
                    message=f"{inc.title}列有科目 {code}“{row.item}”{fmt(f.value)}，{exp.title}没有该科目",
                    location=where(inc, row, ik),
                    expected=None,
                    actual=f.value,
                )
            continue
        yield _compare(Fig(exp, erow, ek, ctx.step(exp)), Fig(inc, row, ik, ctx.step(inc)), f"科目 {code} 在收入总表与支出总表中应相等")
    for code, row in ec.items():
        if code not in ic:
            f = Fig(exp, row, ek, ctx.step(exp))
            if not f.blank and f.value != 0 and _same_depth(code, ic):
                yield Finding(
                    code="cross-table-code-missing",
                    message=f"{exp.title}列有科目 {code}“{row.item}”{fmt(f.value)}，{inc.title}没有该科目",
                    location=where(exp, row, ek),
                    expected=None,
                    actual=f.value,
                )


def _same_depth(code: str, other: dict[str, Row]) -> bool:
    """Only compare codes at a depth the other table lists at all."""
    return any(len(c) == len(code) for c in other)


def _three_public(ctx: Context, g: UnitGroup) -> Iterable[Finding | None]:
    tp, gbbe = g.get("three_public"), g.get("gbbe")
    if tp is None or gbbe is None:
        return
    codes = {r.code: r for r in gbbe.rows if r.code}
    bkey = gbbe.key_for("total") or gbbe.key_for("amount") or gbbe.key_for("final")
    if bkey is None:
        return
    tkey = tp.key_for("general_budget") or tp.key_for("total") or amount_key(tp, None)
    rows = {}
    for r in tp.rows:
        c = ctx.catalog.row_concept("three_public", r.item)
        if c and c not in rows:
            rows[c] = r
    for concept, code in THREE_PUBLIC_ECONOMIC:
        erow = codes.get(code)
        if erow is None:
            continue
        b = Fig(gbbe, erow, bkey, ctx.step(gbbe))
        if concept in rows and tkey:
            a = Fig(tp, rows[concept], tkey, ctx.step(tp))
        else:
            ck = tp.key_for(concept)
            tr = total_row(tp) or next((r for r in tp.rows if not r.code and r.cells.get(ck or "")), None)
            if ck is None or tr is None:
                continue
            a = Fig(tp, tr, ck, ctx.step(tp))
        if b.blank:
            continue
        if a.in_yuan() + max(a.step_yuan(), b.step_yuan()) / 2 < b.in_yuan():
            yield Finding(
                code="three-public-vs-economic",
                message=f"{a.describe()} {fmt(a.value)} 小于基本支出表 {code}“{erow.item}” {fmt(b.value)}",
                location=where(tp, a.row, a.key),
                expected=convert(b.in_yuan(), "元", tp.amount_unit),
                actual=a.value,
            )
