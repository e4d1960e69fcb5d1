"""Row identities: a row's 合计 is the sum of its parts, across the columns of one row.

* 合计 = 基本支出 + 项目支出 (+ 经营支出 + 上缴上级支出 + 对附属单位补助支出)
* 合计 = 本年收入小计 + 上年结转;  小计 = Σ收入来源
* 基本支出 = 人员经费 + 公用经费
* 财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营预算
* 合计 = Σ资金来源 (财政拨款收支总表支出方, “三公”经费表)

and named-row sums in the 三公 and 固定资产 tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from ...model import Column, Row, Table
from ...model.finding import Finding
from ..context import Context, fmt, is_total_row, label_of, where
from ..tolerance import sum_ok

EXPENDITURE_PARTS = ("project", "operating_expenditure", "remit_superior", "subsidy_affiliated")
SOURCE_ROLES = (
    "fiscal",
    "special_account",
    "business_income",
    "operating_income",
    "superior_subsidy",
    "affiliated_income",
    "other_income",
    "unit_funds",
)
FUNDS = ("general_budget", "gov_fund", "state_capital")
THREE_PUBLIC_PARTS = ("abroad", "vehicle", "reception")
VEHICLE_PARTS = ("vehicle_purchase", "vehicle_operation")


def _sides(table: Table) -> list[str | None]:
    return sorted({c.side for c in table.columns}, key=lambda s: (s is not None, s or ""))


class _Roles:
    """``table.key_for`` and ``_keys`` for one side, from one pass over the columns
    (a table's identities ask about some twenty roles)."""

    def __init__(self, table: Table, side: str | None, columns=None) -> None:
        self.keys: dict[str, list[str]] = {}
        for c in table.columns if columns is None else columns:
            # side None: any side, as in ``Table.columns_with_role``
            if c.role is not None and (side is None or c.side == side):
                self.keys.setdefault(c.role, []).append(c.key)

    def key_for(self, role: str) -> str | None:
        keys = self.keys.get(role)
        return keys[0] if keys else None

    def all(self, roles: Iterable[str]) -> list[str]:
        out: list[str] = []
        for role in roles:
            out += self.keys.get(role, ())
        return out


def _check_sum(
    code: str, table: Table, row: Row, total_key: str, part_keys: list[str], what: str, step: Decimal
) -> Finding | None:
    total_cell = row.cells.get(total_key)
    parts = [row.cells.get(k) for k in part_keys]
    present = [p.value for p in parts if p is not None and p.value is not None]
    if total_cell is None or total_cell.value is None:
        if not present or sum(present, Decimal(0)) == 0:
            return None
        total = Decimal(0)
    else:
        total = total_cell.value
    if not present and total == 0:
        return None
    if not present and total_cell is not None:
        # nothing printed in the parts: only a finding if the parts columns exist and the total is not blank
        pass
    expected = sum(present, Decimal(0))
    if sum_ok(total, present, step):
        return None
    col = table.column(total_key)
    return Finding(
        code=code,
        message=f"{table.title}：{label_of(table, row)} {col.header if col else ''} {fmt(total)}，{what}为 {fmt(expected)}",
        location=where(table, row, total_key),
        expected=expected,
        actual=total,
    )


def check_row_identities(doc, ctx: Context) -> Iterable[Finding]:
    """合计 = 基本支出 + 项目支出 …; 合计 = 小计 + 上年结转; 小计 = Σ来源; 基本支出 = 人员经费 + 公用经费."""
    for table in doc.tables:
        if not table.numeric:
            continue
        for side in _sides(table):
            for block in _blocks(table, side):
                yield from _row_identities(table, side, ctx.step(table), block)


def _blocks(table: Table, side: str | None) -> list[list[Column]] | list[None]:
    """Column blocks that repeat one set of roles, each from its own 合计 (the 三公 决算
    table prints 合计 因公出国 … under 预算数 and again under 决算数): each block adds up on
    its own.  One block (``None``: all columns) when 合计 is printed once."""
    cols = [c for c in table.columns if side is None or c.side == side]
    starts = [i for i, c in enumerate(cols) if c.role == "total"]
    if len(starts) < 2:
        return [None]
    blocks = [cols[: starts[1]]] + [cols[a:b] for a, b in zip(starts[1:], starts[2:] + [len(cols)])]
    shapes = [sorted(c.role for c in b if c.role) for b in blocks]
    if len(shapes[0]) < 3 or any(sh != shapes[0] for sh in shapes[1:]):
        return [None]  # not the same columns again
    return blocks


def _row_identities(table: Table, side: str | None, step: Decimal, columns=None) -> Iterable[Finding]:
    roles = _Roles(table, side, columns)
    total = roles.key_for("total")
    subtotal = roles.key_for("subtotal")
    basic = roles.key_for("basic")
    personnel = roles.key_for("personnel")
    public = roles.key_for("public")
    exp_parts = roles.all(EXPENDITURE_PARTS)
    sources = roles.all(SOURCE_ROLES)
    fiscal = roles.key_for("fiscal")
    funds = roles.all(FUNDS)
    carry = [c.key for c in table.columns if c.side == side and c.role and c.role.startswith("carryover")]
    carry_total = roles.key_for("carryover.subtotal") or roles.key_for("carryover.total")
    carry_top = [k for k in carry if (ccol := table.column(k)) is not None and ccol.role == "carryover"]
    extra_income = roles.all(("non_fiscal_balance", "prior_account_balance"))
    three = roles.all(THREE_PUBLIC_PARTS)
    vehicle = roles.key_for("vehicle")
    vparts = roles.all(VEHICLE_PARTS)
    # which parts make up the row total
    plan: list[tuple[str, str, list[str], str]] = []
    if total and (basic or personnel or exp_parts):
        parts = ([basic] if basic else [k for k in (personnel, public) if k]) + exp_parts
        if len(parts) >= 2 or (basic and exp_parts):
            plan.append(("row-total-mismatch", total, parts, "各分项之和"))
    if total and subtotal and len(three) < 2:
        parts = [subtotal] + ([carry_total] if carry_total else carry_top) + extra_income
        plan.append(("row-total-mismatch", total, parts, "本年收入与上年结转之和"))
    income_sources = ([fiscal] if fiscal else funds) + [k for k in sources if k != fiscal]
    if subtotal and len(income_sources) >= 1:
        plan.append(("row-subtotal-mismatch", subtotal, income_sources, "各收入来源之和"))
    elif total and not subtotal and not basic and not personnel and not exp_parts and len(income_sources) >= 2:
        plan.append(("row-total-mismatch", total, income_sources + carry_top + extra_income, "各资金来源之和"))
    if basic and personnel and public:
        plan.append(("basic-split-mismatch", basic, [personnel, public], "人员经费与公用经费之和"))
    if fiscal and len(funds) >= 2:
        plan.append(("fund-split-mismatch", fiscal, funds, "各类财政拨款之和"))
    meeting = roles.all(("meeting", "training"))
    if len(three) >= 2:
        if subtotal:
            plan.append(("item-sum-mismatch", subtotal, three, "三公经费各项之和"))
            if total:
                plan.append(("item-sum-mismatch", total, [subtotal] + meeting, "三公经费与会议费、培训费之和"))
        elif total:
            plan.append(("item-sum-mismatch", total, three + meeting, "三公经费各项之和"))
    if vehicle and len(vparts) == 2:
        plan.append(("item-sum-mismatch", vehicle, vparts, "购置费与运行维护费之和"))
    if not plan:
        return
    for row in table.rows:
        if row.side != side:
            continue
        for code, tot, parts, what in plan:
            f = _check_sum(code, table, row, tot, parts, what, step)
            if f is not None and not _units_add_up(table, row, [tot, *parts]):
                yield f


def _units_add_up(table: Table, row: Row, keys: list[str]) -> bool:
    """Is ``row`` (合计, or a 部门 row over its 所属单位) the column sum of the unit rows under it?

    A 部门 document's table lists one row per unit and adds them up into the 合计: the
    合计's 合计 − Σ its parts is then exactly the sum of the units' own differences, each of
    them rounding within the tolerance and checked on its own row (“三公”经费表: units 8.50 =
    2.50 + 0.46 + 5.55 and 222.94 = 127.32 + 23.91 + 71.72 make the 合计 472.89 = 248.84 +
    44.89 + 179.18 − 0.02).  Such a row is checked through its units, not again.
    """
    codes = [r.unit_code for r in table.rows if r.unit_code and r.side == row.side and r is not row]
    if row.unit_code:
        under = [c for c in codes if c != row.unit_code and c.startswith(row.unit_code)]
    elif is_total_row(row):
        under = codes
    else:
        return False
    leaves = {c for c in under if not any(o != c and o.startswith(c) for o in under)}
    if len(leaves) < 2:
        return False
    rows = [r for r in table.rows if r.unit_code in leaves and r.side == row.side and r is not row]
    if len(rows) != len(leaves):
        return False  # a unit printed twice: cannot tell which row is its own
    for k in keys:
        cell = row.cells.get(k)
        mine = cell.value if cell is not None and cell.value is not None else Decimal(0)
        theirs = sum(
            (c.value for r in rows if (c := r.cells.get(k)) is not None and c.value is not None), Decimal(0)
        )
        if mine != theirs:
            return False
    return True


def check_named_items(doc, ctx: Context) -> Iterable[Finding]:
    """三公：合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费；公务用车 = 购置 + 运行维护。
    固定资产：资产总额 = 房屋 + 车辆 + 单价20万元以上设备 + 其他固定资产。"""
    cat = ctx.catalog
    for table in doc.tables:
        if table.id in ("three_public_expenses", "final_three_public_expenses"):
            group = "three_public"
            sums: tuple[tuple[str, tuple[str, ...]], ...] = (
                ("total", ("abroad", "vehicle", "reception")),
                ("vehicle", ("vehicle_purchase", "vehicle_operation")),
            )
        elif table.id == "fixed_assets":
            group = "fixed_assets"
            sums = (("total", ("buildings", "vehicles", "equipment", "other")),)
        else:
            continue
        by_concept: dict[str, Row] = {}
        for r in table.rows:
            c = cat.row_concept(group, r.item)
            if c and c not in by_concept:
                by_concept[c] = r
        for total_c, part_cs in sums:
            trow = by_concept.get(total_c)
            prows = [by_concept[c] for c in part_cs if c in by_concept]
            if trow is None or len(prows) < 2:
                continue
            for col in table.columns:
                if col.kind != "amount":
                    continue
                tcell = trow.cells.get(col.key)
                pcells = [p.cells.get(col.key) for p in prows]
                pvals = [c.value for c in pcells if c is not None and c.value is not None]
                tval = tcell.value if tcell is not None else None
                if tval is None and not any(pvals):
                    continue
                tval = tval if tval is not None else Decimal(0)
                if sum_ok(tval, pvals, ctx.step(table)):
                    continue
                expected = sum(pvals, Decimal(0))
                yield Finding(
                    code="item-sum-mismatch",
                    message=f"{table.title}：“{trow.item}”{col.header} {fmt(tval)}，各项之和为 {fmt(expected)}",
                    location=where(table, trow, col.key),
                    expected=expected,
                    actual=tval,
                )
