"""The 情况说明, written from the tables the way a careful clerk writes it.

Every amount is quoted from the compiled figures, in sentences whose labels the checker's
narrative rules understand (``catalog/narrative.yaml``): 收入预算, 支出预算, 基本支出,
人员经费, 公用经费, 项目支出, 机关运行经费, “三公”经费 and its items, 政府采购,
上年末固定资产金额.  Year-over-year changes come from the clerk's last-year figures and add
up by construction (the total's change = Σ the parts' changes); the clerk's own words (the
reasons for a change, 其他需要说明的事项) are put where the official template puts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

import yaml

from ..model import Amount, Location, Section
from ..model.money import AmountUnit
from .schema import FUNDS, BudgetInput
from .tables import ZERO, amount_text

SOURCE_LABELS = {
    "general_budget": "一般公共预算拨款收入",
    "gov_fund": "政府性基金预算拨款收入",
    "state_capital": "国有资本经营预算拨款收入",
    "special_account": "财政专户管理资金收入",
    "business_income": "事业收入",
    "operating_income": "事业单位经营收入",
    "superior_subsidy": "上级补助收入",
    "affiliated_income": "附属单位上缴收入",
    "other_income": "其他收入",
}
assert set(SOURCE_LABELS) == set(FUNDS)


@cache
def default_glossary() -> tuple[tuple[str, str], ...]:
    data = yaml.safe_load((resources.files(__package__) / "glossary.yaml").read_text(encoding="utf-8"))
    return tuple((g["term"], g["definition"]) for g in data["glossary"])


def money(v: Decimal) -> str:
    return "0" if v == 0 else amount_text(v)


@dataclass
class _Text:
    """A section's text being written; records each amount it quotes."""

    unit: AmountUnit
    parts: list[str] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)

    def say(self, text: str) -> "_Text":
        self.parts.append(text)
        return self

    def amount(self, label: str, value: Decimal, kind: str = "amount", year: int | None = None) -> "_Text":
        """Write ``label`` + amount; ``label`` is what a reader takes the figure to be."""
        shown = abs(value) if kind == "change" else value
        text = f"{money(shown)}{self.unit}"
        self.parts.append(f"{label}{text}")
        label = _YEAR_RE.sub("", label)  # as a reader records it: the year goes to ``year``
        self.amounts.append(Amount(value=value, text=text, label=label, unit=self.unit, kind=kind, year=year, location=Location(table="narrative")))
        return self

    def change(self, prefix: str, now: Decimal, before: Decimal | None, year: int) -> "_Text":
        """``比2020年减少53.49万元`` / ``与2020年持平``; nothing when last year is unknown."""
        if before is None:
            return self
        d = now - before
        if d == 0:
            return self.say(f"{prefix}与{year}年持平")
        word = "增加" if d > 0 else "减少"
        return self.amount(f"{prefix}比{year}年{word}", d, kind="change", year=year)

    def percent(self, label: str, value: Decimal) -> "_Text":
        """``下降10.59%``: ``value`` is signed like the change it measures."""
        text = f"{abs(value)}%"
        self.parts.append(f"{label}{text}")
        self.amounts.append(Amount(value=value, text=text, label=label, unit=None, kind="percent", location=Location(table="narrative")))
        return self

    def paragraph(self) -> None:
        self.parts.append("\n")

    def section(self, heading: str) -> Section:
        text = "".join(self.parts).strip("\n")
        amounts = []
        pos = 0
        for a in self.amounts:
            at = text.find(a.text, pos)
            pos = at + len(a.text) if at >= 0 else pos
            sentence = _sentence_of(text, at)
            clause = re.split(r"[，。；;！？\n、]", text[:at] if at >= 0 else "")[-1]
            ym = _YEAR_RE.search(clause)
            year = a.year if a.year is not None else (int(ym.group(0)[:4]) if ym else None)
            amounts.append(Amount(value=a.value, text=a.text, label=a.label, unit=a.unit, kind=a.kind, sentence=sentence, year=year, location=a.location))
        return Section(heading=heading, text=text, amounts=tuple(amounts))


_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年度?")


def _sentence_of(text: str, pos: int) -> str:
    if pos < 0:
        return ""
    start = max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1
    end = text.find("。", pos)
    return text[start : end + 1 if end >= 0 else len(text)].strip()


def _pct(d: Decimal, base: Decimal) -> Decimal:
    return (abs(d) / base * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _is_agency(bi: BudgetInput) -> bool:
    """机关运行经费 is reported by 行政单位 and 参照公务员法管理的事业单位."""
    nature = bi.unit.nature or ""
    return any(w in nature for w in ("行政", "参公", "参照", "机关")) or not nature


def _reason(bi: BudgetInput, key: str) -> str:
    reasons = bi.text.get("change_reasons") or {}
    r = (reasons.get(key) if isinstance(reasons, dict) else None) or ""
    r = str(r).strip().rstrip("。；;，,")
    return r


def build_sections(bi: BudgetInput, figures: dict[str, Decimal], project_names: list[str]) -> list[Section]:
    y, py = bi.year, bi.year - 1
    u = bi.amount_unit
    prior = bi.prior
    out: list[Section] = []
    me = "本单位" if bi.scope == "单位" else "本部门"

    preamble = bi.text.get("preamble") or (
        f"按照《中华人民共和国预算法》《地方预决算公开操作规程》等规定，现将{bi.unit.name}{y}年{bi.scope}预算公开如下："
    )
    out.append(Section(heading="", text=str(preamble).strip()))

    # 一、职责及机构设置
    t = _Text(u)
    t.say(f"{bi.scope}职责：\n")
    if bi.unit.duties:
        t.say("\n".join(bi.unit.duties)).paragraph()
    else:
        t.say(f"{bi.unit.name}的主要职责按照机构编制部门核定的“三定”规定履行。").paragraph()
    t.say("机构设置：\n")
    org = "、".join(x for x in (bi.unit.nature and f"单位性质为{bi.unit.nature}", bi.unit.rank and f"机构规格为{bi.unit.rank}", bi.unit.funding and f"经费保障形式为{bi.unit.funding}") if x)
    t.say(bi.unit.structure or f"{bi.unit.name}{('，' + org) if org else ''}。")
    out.append(t.section(f"一、{bi.scope}职责及机构设置情况"))

    # 二、总体情况
    out.append(Section(heading=f"二、{bi.scope}预算安排的总体情况", text="按照预算管理有关规定，预算编制实行综合预算管理，全部收入和支出均纳入预算。"))
    total = figures["total"]
    t = _Text(u)
    t.say(f"{y}年{me}").amount("收入预算", total).say("，其中：")
    sources = [(s, figures.get(f"source.{s}", ZERO)) for s in FUNDS]
    shown = [(s, v) for s, v in sources if v]
    for i, (s, v) in enumerate(shown):
        t.say("，" if i else "").amount(SOURCE_LABELS[s], v)
    if figures.get("carryover"):
        t.say("；" if shown else "").amount("上年结转结余", figures["carryover"])
    t.say("。")
    out.append(t.section("1、收入说明"))

    t = _Text(u)
    t.say(f"{y}年{me}").amount("支出预算", total).say("，其中：")
    clauses = []
    if figures.get("basic"):
        t.amount("基本支出", figures["basic"]).say("，")
        if figures["personnel"] == figures.get("gb.personnel", ZERO) and figures["public"] == figures.get("gb.public", ZERO):
            t.amount("包括人员经费", figures["personnel"]).say("、").amount("公用经费", figures["public"])
        else:  # 人员经费/公用经费 name the general-budget figures of the 基本支出表; these are all funds
            t.amount("包括人员支出", figures["personnel"]).say("、").amount("公用支出", figures["public"])
        clauses.append(1)
    if figures.get("project"):
        t.say("；" if clauses else "").amount("项目支出", figures["project"])
        if project_names:
            t.say(f"，主要用于{'、'.join(project_names[:6])}{'等' if len(project_names) > 1 else ''}")
        clauses.append(2)
    for kind, label in (("operating", "经营支出"), ("remit", "上缴上级支出"), ("subsidy", "对附属单位补助支出")):
        if figures.get(kind):
            t.say("；" if clauses else "").amount(label, figures[kind])
            clauses.append(3)
    t.say("。")
    out.append(t.section("2、支出说明"))

    t = _Text(u)
    prior_total = _prior_total(prior)
    if prior_total is None:
        t.say(f"{me}无上年预算数可比。")
    else:
        d = total - prior_total
        t.say(f"{y}年{me}").amount("收支预算", total).say("，")
        if d == 0:
            t.say(f"与{py}年持平")
        else:
            t.amount(f"比{py}年{'增加' if d > 0 else '减少'}", d, kind="change", year=py)
            if prior_total > 0:
                t.say("，").percent("增长" if d > 0 else "下降", _pct(d, prior_total) * (1 if d > 0 else -1))
        parts = [(k, label) for k, label in (("basic", "基本支出"), ("project", "项目支出")) if k in prior]
        if parts and d != 0:
            t.say("，其中：")
            for i, (k, label) in enumerate(parts):
                dk = figures.get(k, ZERO) - prior[k]
                t.say("；" if i else "")
                if dk == 0:
                    t.say(f"{label}与上年持平")
                    continue
                t.amount(f"{label}{'增加' if dk > 0 else '减少'}", dk, kind="change")
                r = _reason(bi, k)
                if r:
                    t.say(f"，主要原因是{r}")
        elif _reason(bi, "total"):
            t.say(f"，主要原因是{_reason(bi, 'total')}")
        t.say("。")
    out.append(t.section("3、比上年增减情况"))

    # 三、机关运行经费
    t = _Text(u)
    if _is_agency(bi):
        ao = figures.get("gb.public", ZERO)
        t.say(f"{y}年{me}").amount("机关运行经费预算", ao)
        t.change("，", ao, prior.get("agency_operating"), py)
        r = _reason(bi, "agency_operating")
        if r and prior.get("agency_operating") is not None and ao != prior["agency_operating"]:
            t.say(f"，主要原因是{r}")
        t.say("。")
        uses = bi.text.get("agency_uses") or _uses(bi)
        if uses:
            t.say(f"机关运行经费主要用于{str(uses).rstrip('。等')}等日常运行支出。")
    else:
        t.say(f"{me}为事业单位，不涉及机关运行经费。")
    out.append(t.section("三、机关运行经费安排情况"))

    # 四、“三公”
    t = _Text(u)
    tp_prior = prior.get("three_public") or {}
    prior_tp_total = tp_prior.get("total")
    if prior_tp_total is None and all(k in tp_prior for k in ("abroad", "vehicle_purchase", "vehicle_operation", "reception")):
        prior_tp_total = sum((tp_prior[k] for k in ("abroad", "vehicle_purchase", "vehicle_operation", "reception")), ZERO)
    t.say(f"{y}年{me}").amount("财政拨款“三公”经费预算", figures["three.total"])
    t.change("，", figures["three.total"], prior_tp_total, py)
    r = _reason(bi, "three_public")
    if r:
        t.say(f"，主要原因是{r}")
    t.say("。\n")
    pv = None
    if "vehicle_purchase" in tp_prior and "vehicle_operation" in tp_prior:
        pv = tp_prior["vehicle_purchase"] + tp_prior["vehicle_operation"]
    for ordinal, key, label, before in (
        ("（一）", "abroad", "因公出国（境）费", tp_prior.get("abroad")),
        ("（二）", "vehicle", "公务用车购置及运维费", pv),
        ("（三）", "reception", "公务接待费", tp_prior.get("reception")),
    ):
        t.say(ordinal).amount(label, figures[f"three.{key}"])
        t.change("，", figures[f"three.{key}"], before, py)
        r = _reason(bi, key)
        if r and before is not None and figures[f"three.{key}"] != before:
            t.say(f"，主要原因是{r}")
        t.say("。")
        if key == "vehicle":
            t.say("其中：").amount("公务用车购置费", figures["three.vehicle_purchase"])
            t.change("，", figures["three.vehicle_purchase"], tp_prior.get("vehicle_purchase"), py)
            t.say("；").amount("公务用车运行维护费", figures["three.vehicle_operation"])
            t.change("，", figures["three.vehicle_operation"], tp_prior.get("vehicle_operation"), py)
            t.say("。")
        t.paragraph()
    out.append(t.section("四、财政拨款“三公”经费预算情况及增减变化原因"))

    # 五、绩效目标
    t = _Text(u)
    projects = [p for p in bi.targets if p.project]
    overall = next((p for p in bi.targets if not p.project), None)
    if bi.targets:
        done = (["编制了整体绩效目标"] if overall else []) + ([f"对{len(projects)}个项目编制了绩效目标"] if projects else [])
        t.say(f"{me}{y}年{'，并'.join(done)}，绩效目标表附后。")
        perf_text = bi.text.get("performance")
        if perf_text:
            t.paragraph()
            t.say("\n".join(perf_text) if isinstance(perf_text, list) else str(perf_text))
    else:
        t.say(f"{me}{y}年未编制绩效目标。")
    out.append(t.section("五、预算绩效目标情况"))

    # 六、政府采购
    t = _Text(u)
    proc = figures.get("procurement", ZERO)
    if proc:
        t.say(f"{y}年{me}").amount("安排政府采购预算", proc)
        cats: dict[str, Decimal] = {}
        for p in bi.procurement:
            c = (p.category or "").strip().rstrip("类")
            if c in ("货物", "工程", "服务"):
                cats[c] = cats.get(c, ZERO) + p.amount
        if cats and sum(cats.values(), ZERO) == proc:
            t.say("，其中：")
            for i, (c, v) in enumerate(sorted(cats.items(), key=lambda kv: ("货物", "工程", "服务").index(kv[0]))):
                t.say("、" if i else "").amount(f"{c}类采购", v)
        t.say("，具体内容见《政府采购预算表》。")
    else:
        t.say(f"{y}年{me}未安排政府采购预算，《政府采购预算表》空表列示。")
    out.append(t.section("六、政府采购预算情况"))

    # 七、国有资产
    t = _Text(u)
    if bi.assets is not None:
        date = _date(bi.assets_date) or f"{py}年12月31日"
        veh = bi.assets.get("vehicles")
        eq = bi.assets.get("equipment")
        t.say(f"截至{date}，{me}共有车辆{_qty(veh.quantity if veh else None)}辆，单价在二十万元以上的设备{_qty(eq.quantity if eq else None)}台（套）。")
        t.amount(f"{me}上年末固定资产金额", figures.get("assets", ZERO))
        parts = [(k, lbl) for k, lbl in (("buildings", "房屋"), ("vehicles", "车辆"), ("equipment", "单价在二十万元以上的设备"), ("other", "其他固定资产")) if bi.assets.get(k) and bi.assets[k].value]
        if parts:
            t.say("，其中：")
            for i, (k, lbl) in enumerate(parts):
                t.say("，" if i else "").amount(f"{lbl}价值", bi.assets[k].value)
        t.say("，详见《固定资产占用情况表》。")
    else:
        t.say(f"{me}未填报国有资产占用情况。")
    out.append(t.section("七、国有资产占用情况"))

    # 八、名词解释
    glossary = bi.glossary or list(default_glossary())
    out.append(Section(heading="八、名词解释", text="\n".join(f"{i}、{term}：{d}" for i, (term, d) in enumerate(glossary, start=1))))

    # 九、其他
    other = bi.text.get("other_matters") or f"{me}无其他需要说明的事项。"
    out.append(Section(heading="九、其他需要说明的事项", text=str(other).strip()))
    return out


def _prior_total(prior: dict) -> Decimal | None:
    if "total" in prior:
        return prior["total"]
    parts = [prior[k] for k in ("basic", "project") if k in prior]
    return sum(parts, ZERO) if len(parts) == 2 else None


def _qty(v: Decimal | None) -> str:
    if v is None:
        return "0"
    return format(v.normalize(), "f") if v == v.to_integral() else str(v)


def _date(text: str | None) -> str | None:
    if not text:
        return None
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(text))
    if m:
        return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
    return str(text)


def _uses(bi: BudgetInput) -> str:
    """The largest 公用经费 items of the general budget, by economic name."""
    from ..catalog import get as get_catalog
    from .schema import subject_name

    cat = get_catalog()
    sums: dict[str, Decimal] = {}
    for it in bi.items:
        if it.kind == "public" and it.fund == "general_budget" and it.economic and len(it.economic) >= 5:
            sums[it.economic[:5]] = sums.get(it.economic[:5], ZERO) + it.amount
    names = [subject_name(bi, cat, c) or c for c, _ in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))]
    names = [n for n in names if not n.startswith("其他")][:6]
    return "、".join(names)
