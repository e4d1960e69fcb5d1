"""Narrative ↔ tables: every amount the 情况说明 quotes equals the table figure it names.

Labels are mapped to figures by ``catalog/narrative.yaml``; a label naming a functional
class (“一般公共服务支出”科目, 201类) or carrying a code (行政运行（2014001）) is compared
with that row of the 一般公共预算支出表.  Year-over-year sentences must add up: the total's
change equals the sum of its parts' changes (−53.49 = −28.03 + −25.46), and a percentage
equals change ÷ last year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import Iterable

import yaml

from ...model import Amount, Disclosure, Table
from ...model.finding import Finding
from ...model.money import AmountUnit, convert, decimals
from ..context import Context, UnitGroup, amount_key, fmt, total_row
from ..tolerance import unit_of


@dataclass(frozen=True)
class Concept:
    id: str
    labels: tuple[re.Pattern, ...]
    figures: tuple[str, ...]


@cache
def _concepts() -> tuple[tuple[re.Pattern, ...], tuple[Concept, ...]]:
    data = yaml.safe_load((resources.files("yusuan.catalog") / "narrative.yaml").read_text(encoding="utf-8"))
    strip = tuple(re.compile(p) for p in data["strip"])
    concepts = tuple(
        Concept(c["id"], tuple(re.compile(p) for p in c["labels"]), tuple(c["figures"])) for c in data["concepts"]
    )
    return strip, concepts


_CODE_IN_LABEL = re.compile(r"[（(](\d{3}(?:\d{2}){0,2})[)）]$|(\d{3}(?:\d{2}){0,2})类$")
_QUOTED_CLASS = re.compile(r"[“\"]([^”\"]{2,20})[”\"](?:科目|类)?$")
_CHANGE_TAIL = re.compile(r"(?:比|较|与|同)(?:上年|上一年|去年|上年度)?(?:预算|决算|执行数|预算数)?(?:相比)?(?:增加|增长|上升|提高|减少|下降|降低|节约|压减|缩减|持平)$|(?:增加|增长|上升|提高|减少|下降|降低|节约|压减|缩减)$")


_OTHER_PERIOD = re.compile(r"上年(?!末)|上一年|去年|执行数|执行|决算数|调整后")


@lru_cache(maxsize=1 << 12)
def clean_label(label: str) -> str:
    strip, _ = _concepts()
    t = label.replace(" ", "")
    for _ in range(2):
        for p in strip:
            t = p.sub("", t)
    return t


@lru_cache(maxsize=1 << 12)
def concept_of(label: str) -> Concept | None:
    _, concepts = _concepts()
    t = clean_label(label)
    for c in concepts:
        if any(p.search(t) for p in c.labels):
            return c
    return None


def _figure(ctx: Context, g: UnitGroup, spec: str) -> tuple[Decimal, AmountUnit, Decimal] | None:
    """Resolve ``kind.side.concept`` etc. to (value, unit, printing step)."""
    parts = spec.split(".")
    kind = parts[0]
    table = g.get(kind)
    if table is None:
        return None
    if not table.rows:  # (a table without rows is empty)
        return Decimal(0), table.amount_unit, Decimal(0)
    if len(parts) == 2 and parts[1] == "sum":
        tr = total_row(table)
        k = table.key_for("total") or table.key_for("amount") or table.key_for("procurement_amount")
        if tr is not None and k:
            c = tr.cells.get(k)
            return (c.value or Decimal(0), table.amount_unit, ctx.step(table)) if c else (Decimal(0), table.amount_unit, Decimal(0))
        if table.is_empty:
            return Decimal(0), table.amount_unit, Decimal(0)
        return None
    if len(parts) >= 3 and parts[1] == "total":
        # ``kind.total.role`` or ``kind.total.role+role…`` (a fund with its carry-over)
        roles = ".".join(parts[2:]).split("+")
        tr = total_row(table)
        if tr is None and len(table.rows) == 1 and not table.rows[0].code and (kind == "income" or not table.rows[0].label):
            # a table of one uncoded line is its own total: Beijing's 收入总表, 上海's unlabelled 三公 line
            tr = table.rows[0]
        keys = [table.key_for(r) for r in roles]
        if tr is None or keys[0] is None:
            return None
        cells = [tr.cells.get(k) for k in keys if k is not None]
        values = [c.value for c in cells if c is not None and c.value is not None]
        if not values:
            return Decimal(0), table.amount_unit, Decimal(0)
        return sum(values, Decimal(0)), table.amount_unit, ctx.step(table)
    if len(parts) == 3:
        side, concept = parts[1], parts[2]
        group = "income" if side == "income" else "expenditure"
        k = amount_key(table, side)
        for r in table.rows_on(side):
            if ctx.catalog.row_concept(group, r.item) == concept:
                c = r.cells.get(k) if k else None
                if c is None or c.value is None:
                    return Decimal(0), table.amount_unit, Decimal(0)
                return c.value, table.amount_unit, ctx.step(table)
        return None
    if len(parts) == 2:
        if kind == "three_public":
            group = "three_public"
        elif kind == "assets":
            group = "fixed_assets"
        else:
            return None
        k = (
            table.key_for("value")
            or table.key_for("general_budget")
            or table.key_for("total")
            or amount_key(table, None)
        )
        for r in table.rows:
            if ctx.catalog.row_concept(group, r.item) == parts[1]:
                c = r.cells.get(k) if k else None
                if c is None or c.value is None:
                    return Decimal(0), table.amount_unit, Decimal(0)
                return c.value, table.amount_unit, ctx.step(table)
        return None
    return None


def _code_figure(ctx: Context, g: UnitGroup, code: str) -> tuple[Decimal, AmountUnit, Decimal] | None:
    """The row of subject ``code`` in the 一般公共预算支出表, else in the 政府性基金 or
    国有资本经营 支出表 (a 类 the 情况说明 lists among 财政拨款支出 may be funded by a
    government fund alone: 上海福利彩票's 229 其他支出), else in the 支出总表."""
    for kind in ("gbe", "gov_fund", "state_capital", "expenditure"):
        t: Table | None = g.get(kind)
        if t is None:
            continue
        k = t.key_for("total")
        if k is None and kind in ("gov_fund", "state_capital"):
            k = amount_key(t, "expenditure") or amount_key(t, None)
        rows = [r for r in t.rows if r.code == code]
        if len(rows) == 1 and k:
            c = rows[0].cells.get(k)
            if c is None or c.value is None:
                if kind in ("gov_fund", "state_capital"):
                    continue  # a fund table listing the 类 without an amount names none
                return Decimal(0), t.amount_unit, Decimal(0)
            return c.value, t.amount_unit, ctx.step(t)
    return None


_NOT_NUMBER_RE = re.compile(r"[^\d.,]")


def _matches(amount: Amount, value: Decimal, unit: AmountUnit, step: Decimal) -> bool:
    a_unit = amount.unit or unit
    a_yuan = convert(amount.value, a_unit, AmountUnit.YUAN)
    t_yuan = convert(value, unit, AmountUnit.YUAN)
    a_step = convert(Decimal(1).scaleb(-decimals(_NOT_NUMBER_RE.sub("", amount.text))), a_unit, AmountUnit.YUAN)
    t_step = convert(step, unit, AmountUnit.YUAN) if step else Decimal(0)
    if a_yuan == t_yuan:
        return True
    # the narrative may round the table figure to its own precision, or cut it off
    # (上海's 情况说明 print 1,256万元 for 12,565,793元)
    diff = a_yuan - t_yuan
    if abs(diff) <= max(a_step, t_step) / 2:
        return True
    # or, the table being printed finer, round it up or down to its own precision: a
    # narrative giving 基本支出 921.33 and 项目支出 30017.79 for 921.324552 and 30017.791918
    # carries the rounding difference (尾差) into one part so that they add up to the total
    # it also quotes (30939.12)
    return t_step < a_step and -a_step < diff < a_step and abs(t_yuan) >= a_step


def _group_for(ctx: Context, doc: Disclosure) -> UnitGroup | None:
    """The narrative speaks of the document's own unit: the group with a 收支总表, first."""
    for g in ctx.groups:
        if g.get("ies") is not None:
            return g
    return ctx.groups[0] if ctx.groups else None


def check_narrative_amounts(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """Each narrative amount = the table figure its label names."""
    g = _group_for(ctx, doc)
    if g is None:
        return
    by_sentence: dict[str, list[Amount]] = {}
    for a in doc.amounts:
        by_sentence.setdefault(a.sentence, []).append(a)
    in_item = _in_coded_items(doc)
    for a in doc.amounts:
        if a.kind != "amount" or a.unit is None:
            continue
        if _part_of_coded_item(a, by_sentence[a.sentence]):
            continue
        label = clean_label(a.label)
        if _CHANGE_TAIL.search(label) or _OTHER_PERIOD.search(label):
            continue
        if a.year is not None and doc.year is not None and a.year != doc.year:
            if a.year == doc.year - 1 or concept_of(a.label) is None:
                continue
            yield Finding(
                code="narrative-year-mismatch",
                message=f"说明中“{a.sentence[:60]}”标注 {a.year} 年，文件年度为 {doc.year} 年",
                location=a.location,
            )
            continue
        candidates: list[tuple[Decimal, AmountUnit, Decimal]] = []
        what = ""
        m = _CODE_IN_LABEL.search(label)
        qm = _QUOTED_CLASS.search(label)
        if m:
            code = m.group(1) or m.group(2)
            fig = _code_figure(ctx, g, code)
            if fig:
                candidates.append(fig)
                what = f"科目 {code}"
        elif qm and (class_code := ctx.catalog.class_code(qm.group(1))):
            code = class_code
            fig = _code_figure(ctx, g, code)
            if fig:
                candidates.append(fig)
                what = f"类 {code}（{qm.group(1)}）"
        else:
            concept = concept_of(a.label)
            if concept is None or id(a) in in_item:
                continue
            for spec in concept.figures:
                fig = _figure(ctx, g, spec)
                if fig is not None:
                    candidates.append(fig)
            what = clean_label(a.label)
        if not candidates:
            continue
        if any(_matches(a, v, u, s) for v, u, s in candidates):
            continue
        v, u, _ = candidates[0]
        shown = convert(v, u, a.unit)
        yield Finding(
            code="narrative-amount-mismatch",
            message=f"说明中“{what}”为 {a.text}，表中为 {fmt(v)}{u}",
            location=a.location,
            expected=shown,
            actual=a.value,
        )


def _part_of_coded_item(a: Amount, amounts: list[Amount]) -> bool:
    """Is ``a`` listed after 其中 under a subject's figure (``对事业单位经常性补助（505）
    2945.22万元，其中：人员经费1903.54万元``), or under a figure made up of spending items
    (机关运行经费)?  Then it is that figure's part, not the department's figure of its name."""
    at = _positions(a.sentence, amounts)
    pos = at.get(id(a))
    if pos is None:
        return False
    sub = a.sentence.rfind("其中", 0, pos)
    if sub < 0:
        return False
    before = [b for b in amounts if b.kind == "amount" and at.get(id(b), len(a.sentence)) < sub]
    for b in reversed(before):
        label = clean_label(b.label)
        if not label:
            continue  # a figure printed twice (100151.38 万元，102374.45 万元)
        if _CODE_IN_LABEL.search(label):
            return True
        return bool(_BREAKDOWN_PARENT_RE.search(label))
    return False


#: figures whose 其中 lists their own make-up by spending item: ``机关运行经费预算总计82万元，
#: 其中：办公经费41.47万元，公务接待费2万元，…公务用车运行维护费12万元`` — the 机关's
#: operating costs by item, not the department's “三公” or 公用经费 figures of those names
_BREAKDOWN_PARENT_RE = re.compile(r"机关运行经费")


#: an enumerated item that opens with a coded subject: ``②机关商品和服务支出（502）``,
#: ``(2)机关商品和服务支出（502）``
_CODED_ITEM_RE = re.compile(r"(?:[①-⑳]|[（(]\d{1,2}[)）])[^，。；;：:\d①-⑳]{2,30}?[（(]\d{3}(?:\d{2}){0,2}[)）]")
#: where any enumerated item starts (the end of the one before)
_ITEM_START_RE = re.compile(r"[①-⑳]|[（(]\d{1,2}[)）]|(?:^|(?<=[。；;：:\s]))(?:[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d))")


def _in_coded_items(doc: Disclosure) -> set[int]:
    """The amounts (by ``id``) printed inside an enumerated item about a coded subject,
    up to the next item: ``②机关商品和服务支出（502）996.33万元，…。2022年专项业务费806.10万元，
    交通补贴81.08万元，日常公用经费109.15万元。③…``.  Such an item explains that subject;
    a 公用经费 or 人员经费 quoted in it is the subject's part (or one unit's), not the
    department's figure of that name (the subject's own figure carries its code and is
    compared by code).  The same holds for an explanation table read as narrative
    (``(2)机关商品和服务支出（502） 996.33 783.56 212.77`` beside its 主要原因 text)."""
    out: set[int] = set()
    for sec in doc.sections:
        text = sec.text
        if not sec.amounts or not _CODED_ITEM_RE.search(text):
            continue
        spans: list[tuple[int, int]] = []
        for m in _CODED_ITEM_RE.finditer(text):
            nxt = _ITEM_START_RE.search(text, m.end())
            spans.append((m.end(), nxt.start() if nxt else len(text)))
        k = 0
        for a in sec.amounts:
            p = text.find(a.sentence, k) if a.sentence else -1
            if p < 0:
                continue
            k = p
            q = text.find(a.text, p)
            if q >= 0 and any(lo <= q < hi for lo, hi in spans):
                out.add(id(a))
    return out


def check_narrative_changes(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """总增减额 = Σ分项增减额; 增减率 = 增减额 ÷ 上年数; 比较年度 = 上一年度."""
    by_sentence: dict[str, list[Amount]] = {}
    for a in doc.amounts:
        by_sentence.setdefault(a.sentence, []).append(a)
    for sentence, amounts in by_sentence.items():
        changes = [a for a in amounts if a.kind == "change"]
        if doc.year is not None:
            for c in changes:
                if c.year is not None and c.year not in (doc.year - 1, doc.year):
                    yield Finding(
                        code="narrative-year-mismatch",
                        message=f"说明中“{c.sentence[:60]}”与 {c.year} 年比较，文件年度为 {doc.year} 年，应与 {doc.year - 1} 年比较",
                        location=c.location,
                    )
        if len(changes) >= 3:
            first = changes[0]
            at = _positions(sentence, amounts)
            pos = at.get(id(first), -1)
            sub = sentence.find("其中", pos + len(first.text)) if pos >= 0 else -1
            parts = _parts_of(first, sub, amounts, at) if sub >= 0 else None
            if parts is not None:
                if len(parts) >= 2:
                    total = sum((p.value for p in parts), Decimal(0))
                    step = unit_of([first.text.rstrip("万元")] + [p.text.rstrip("万元") for p in parts])
                    if abs(total - first.value) > step * (len(parts) // 2):
                        yield Finding(
                            code="narrative-change-inconsistent",
                            message=f"说明中总增减 {fmt(first.value)}{first.unit or ''} ≠ 各分项增减之和 {fmt(total)}：“{sentence[:80]}”",
                            location=first.location,
                            expected=total,
                            actual=first.value,
                        )
        yield from _percent(amounts, doc.year)


def _positions(sentence: str, amounts: list[Amount]) -> dict[int, int]:
    """Where each amount of the sentence is printed (amounts come in reading order; the same
    text printed twice — 增加 8 亿元 … 增加 8 亿元 — is two places, not one)."""
    out: dict[int, int] = {}
    k = 0
    for a in amounts:
        p = sentence.find(a.text, k)
        if p < 0:
            continue
        out[id(a)] = p
        k = p + len(a.text)
    return out


def _parts_of(first: Amount, sub: int, amounts: list[Amount], at: dict[int, int]) -> list[Amount] | None:
    """The changes the 其中 at ``sub`` splits the change ``first`` into, or ``None``.

    Only a 其中 that follows that change with no other amount in between splits it
    (``较上年减少 322339.69 万元，主要原因一是…增加 8 亿元；…支出 227358.37 万元，其中…``
    lists the parts of another figure).  The parts are the changes listed after it; when
    it lists each part with its level (``公务接待费 8.6 万元，较上年增加 1.5 万元``), a
    part's change is the first one after its level — changes after that explain the part
    (``局机关…增加 21.79 万元，其中办公经费增加 5.41 万元…``) — and a part printed without
    its change (``因公出国经费 0 万元，预算未做安排``) leaves the parts incomplete, as do
    levels that do not add up to the total's.
    """
    start = at[id(first)] + len(first.text)
    if any(a.kind in ("amount", "change") and start <= at.get(id(a), -1) < sub for a in amounts):
        return None
    after = [a for a in amounts if at.get(id(a), -1) > sub and a.unit == first.unit and a.kind in ("amount", "change")]
    changes = [a for a in after if a.kind == "change"]
    if not changes:
        return []
    last = at[id(changes[-1])]
    listed = [a for a in after if at[id(a)] <= last]
    if not any(a.kind == "amount" for a in listed):
        return changes
    # the parts' levels add up to the total's level (360.10 = 109.15 + 60.57 + …), or the
    # sentence lists only some of them (the rest follow in sentences of their own)
    before = [a for a in amounts if a.kind == "amount" and a.unit == first.unit and at.get(id(a), -1) < at[id(first)]]
    levels = [a.value for a in listed if a.kind == "amount"]
    if before:
        step = unit_of([before[-1].text.rstrip("万元")] + [a.text.rstrip("万元") for a in listed if a.kind == "amount"])
        if abs(sum(levels, Decimal(0)) - before[-1].value) > step * (len(levels) // 2):
            return None
    parts: list[Amount] = []
    level, has_change = None, False
    for a in listed:
        if a.kind == "amount":
            if level is not None and not has_change:
                return None
            level, has_change = a, False
        elif level is None:
            return None  # a change before the first part's level: cannot pair them
        elif not has_change:
            parts.append(a)
            has_change = True
    return parts


_BASE_LABEL = re.compile(r"^(?:比|较|同比|与)|上年|去年|上一年|年初预算数?$|执行数$")


def _ratio_ok(change: Decimal, base: Decimal, step: Decimal, p: Amount) -> bool:
    """Does ``p`` (a printed percentage) equal change ÷ base, given their rounding?"""
    lo_c, hi_c = abs(change) - step / 2, abs(change) + step / 2
    lo_b, hi_b = base - step, base + step
    if lo_b <= 0:
        return True  # cannot tell
    lo, hi = lo_c / hi_b * 100, hi_c / lo_b * 100
    d = decimals(p.text.rstrip("%％个百分点"))
    q = Decimal(1).scaleb(-d)
    lo_r = lo.quantize(q, rounding=ROUND_HALF_UP) - q
    hi_r = hi.quantize(q, rounding=ROUND_HALF_UP) + q
    return lo_r <= abs(p.value) <= hi_r


def _percent(amounts: list[Amount], year: int | None = None) -> Iterable[Finding]:
    """A percentage after ``…X万元，较上年增加Y万元，增长Z%``: Z = Y ÷ (X − Y).

    The level X is the amount just before the change, or — when the change follows a list
    of parts after 其中 — the total the sentence starts with; an amount labelled as last
    year's (比2025年预算数…) is the base itself.
    """
    for i, p in enumerate(amounts):
        if p.kind != "percent" or i < 2:
            continue
        c = amounts[i - 1]
        if c.kind != "change" or c.unit is None:
            continue
        levels = [a for a in amounts[:i - 1] if a.kind == "amount" and a.unit == c.unit and a.sentence == c.sentence]
        if not levels:
            continue
        candidates = []
        prev = levels[-1]
        is_base = (bool(_BASE_LABEL.search(prev.label)) or (prev.year is not None and prev.year == c.year)) and (
            prev.year is None or prev.year != year
        )
        candidates.append(prev.value if is_base else prev.value - c.value)
        if levels[0] is not prev:
            candidates.append(levels[0].value - c.value)
        step = unit_of([x.text.rstrip("万元") for x in (prev, c)])
        if any(_ratio_ok(c.value, b, step, p) for b in candidates if b > 0):
            continue
        base = candidates[0]
        if base <= 0:
            continue
        d = decimals(p.text.rstrip("%％个百分点"))
        q = Decimal(1).scaleb(-d)
        expected = (abs(c.value) / base * 100).quantize(q, rounding=ROUND_HALF_UP)
        yield Finding(
            code="narrative-percent-mismatch",
            message=f"说明中增减率 {p.text}，按增减额 {c.text} 与上年数 {fmt(base)} 计算应为 {expected}%",
            location=p.location,
            expected=expected,
            actual=abs(p.value),
        )
