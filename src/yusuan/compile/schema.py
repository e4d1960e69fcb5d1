"""Budget input (YAML / JSON / the XLSX template) → validated records.

The clerk's data is a plain mapping (see ``docs/compile-render.md`` and
``examples/luquan-xinfang-2021/budget.yaml``).  Reading it never raises for problems *in*
the data: an unknown subject code, a word where an amount belongs, a missing field become
``Finding`` values located at the sheet (or input section), row and column where the clerk
can fix them.  Items read from a workbook carry a ``_loc`` entry naming their sheet, row and
column letters, so the findings point into the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from collections.abc import Mapping
from typing import Any, Callable

from ..catalog import Catalog, squash
from ..model import Location
from ..model.codes import code_kind, is_code, repair_code
from ..model.finding import Finding
from ..model.money import AmountUnit

FORMAT = "yusuan.budget/1"

#: fund sources (资金来源): id → accepted names (the first is printed)
FUNDS: dict[str, tuple[str, ...]] = {
    "general_budget": ("一般公共预算", "一般公共预算拨款", "一般公共预算拨款收入", "一般公共预算财政拨款", "一般公共预算资金", "一般预算"),
    "gov_fund": ("政府性基金预算", "政府性基金", "政府性基金预算拨款", "政府性基金预算拨款收入", "基金预算", "政府性基金预算财政拨款"),
    "state_capital": ("国有资本经营预算", "国有资本经营预算拨款", "国有资本经营预算拨款收入", "国有资本经营预算财政拨款"),
    "special_account": ("财政专户管理资金", "财政专户", "财政专户核拨", "财政专户管理资金收入", "财政专户收入"),
    "business_income": ("事业收入",),
    "operating_income": ("事业单位经营收入", "经营收入"),
    "superior_subsidy": ("上级补助收入", "上级补助"),
    "affiliated_income": ("附属单位上缴收入", "附属单位上缴"),
    "other_income": ("其他收入",),
}
FISCAL = ("general_budget", "gov_fund", "state_capital")

#: expenditure kinds (支出类型): id → accepted names
KINDS: dict[str, tuple[str, ...]] = {
    "personnel": ("人员经费", "基本支出-人员经费", "基本支出（人员经费）"),
    "public": ("公用经费", "日常公用经费", "基本支出-公用经费", "基本支出（公用经费）"),
    "basic": ("基本支出",),
    "project": ("项目支出", "项目", "专项业务经费"),
    "operating": ("经营支出", "事业单位经营支出"),
    "remit": ("上缴上级支出", "上解上级支出"),
    "subsidy": ("对附属单位补助支出",),
}

#: economic classes whose basic expenditure is 人员经费 (the rest is 公用经费)
PERSONNEL_CLASSES = ("301", "303")

ASSET_ITEMS = ("buildings", "office", "vehicles", "equipment", "other")
ASSET_NAMES = {
    "buildings": ("房屋", "房屋（平方米）"),
    "office": ("办公用房", "其中：办公用房", "办公用房（平方米）"),
    "vehicles": ("车辆", "车辆（台、辆）"),
    "equipment": ("单价在20万元以上的设备", "单价20万元以上设备", "20万元以上设备"),
    "other": ("其他固定资产", "其他"),
}
THREE_PUBLIC_ITEMS = ("abroad", "vehicle_purchase", "vehicle_operation", "reception")
THREE_PUBLIC_NAMES = {
    "abroad": ("因公出国（境）费", "因公出国(境)费"),
    "vehicle_purchase": ("公务用车购置费",),
    "vehicle_operation": ("公务用车运行维护费", "公务用车运行费"),
    "reception": ("公务接待费",),
}

_TOP_KEYS = {
    "format", "year", "phase", "scope", "amount_unit", "title", "unit", "subjects", "expenditure", "income",
    "three_public", "procurement", "assets", "performance", "prior", "text", "glossary", "date",
}


@dataclass(frozen=True, slots=True)
class LineItem:
    """One expenditure line: 功能分类 × 经济分类 × 资金来源 × 支出类型 → amount."""

    function: str
    economic: str | None
    fund: str
    kind: str  # personnel | public | project | operating | remit | subsidy
    amount: Decimal
    project: str | None = None
    carryover: bool = False
    location: Location = field(default_factory=Location)


@dataclass(frozen=True, slots=True)
class ProcurementLine:
    item: str
    amount: Decimal
    fund: str
    project: str | None = None
    category: str | None = None  # 货物 | 工程 | 服务
    quantity: Decimal | None = None
    measure: str | None = None  # 计量单位
    catalog_no: str | None = None


@dataclass(frozen=True, slots=True)
class AssetLine:
    quantity: Decimal | None = None
    value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class IndicatorInput:
    level1: str
    level2: str
    level3: str
    description: str = ""
    value: str = ""
    basis: str = ""


@dataclass(frozen=True, slots=True)
class TargetInput:
    """绩效目标: the unit's whole (``project`` None) or one project's, with its indicator tree."""

    project: str | None
    target: str = ""
    indicators: tuple[IndicatorInput, ...] = ()


@dataclass(slots=True)
class UnitInfo:
    code: str | None
    name: str
    department: str | None = None
    nature: str | None = None  # 单位性质
    rank: str | None = None  # 单位规格
    funding: str | None = None  # 经费保障形式
    duties: tuple[str, ...] = ()
    structure: str = ""


@dataclass(slots=True)
class BudgetInput:
    year: int
    unit: UnitInfo
    items: list[LineItem]
    amount_unit: AmountUnit = AmountUnit.WAN
    scope: str = "单位"
    title: str | None = None
    subjects: dict[str, str] = field(default_factory=dict)
    income: dict[str, Decimal] | None = None
    income_location: dict[str, Location] = field(default_factory=dict)
    three_public: dict[str, Decimal] | None = None
    procurement: list[ProcurementLine] = field(default_factory=list)
    assets: dict[str, AssetLine] | None = None
    assets_date: str | None = None
    targets: list[TargetInput] = field(default_factory=list)
    prior: dict[str, Any] = field(default_factory=dict)
    text: dict[str, Any] = field(default_factory=dict)
    glossary: list[tuple[str, str]] | None = None


# --------------------------------------------------------------------------- reading

_LOOKUPS: dict[int, dict[str, str]] = {}


class Reader:
    """Turns raw values into typed ones, recording a located finding for each problem."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.findings: list[Finding] = []

    def where(self, section: str, index: int | None, item: Mapping | None, column: str) -> Location:
        loc = item.get("_loc") if isinstance(item, Mapping) else None
        if isinstance(loc, Mapping):
            cell = (loc.get("cells") or {}).get(column)
            if cell:  # a key-value sheet: each field has its own row
                return Location(sheet=loc.get("sheet"), row=str(cell[0]), column=cell[1])
            cols = loc.get("columns") or {}
            return Location(sheet=loc.get("sheet"), row=str(loc.get("row")) if loc.get("row") else None, column=cols.get(column, column))
        return Location(sheet=section, row=None if index is None else str(index + 1), column=column)

    def error(self, code: str, message: str, loc: "Location | Callable[[], Location]", severity: str = "error") -> None:
        if callable(loc):
            loc = loc()
        self.findings.append(Finding(code=code, message=message, location=loc, severity=severity))

    def amount(self, value: Any, loc: Location, what: str, required: bool = True) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error("input-missing", f"{what}：缺少金额", loc)
            return None
        if isinstance(value, bool):
            self.error("input-not-a-number", f"{what}：“{value}”不是数字", loc)
            return None
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            d = Decimal(text)
        except InvalidOperation:
            self.error("input-not-a-number", f"{what}：“{value}”不是数字", loc)
            return None
        if not d.is_finite():
            self.error("input-not-a-number", f"{what}：“{value}”不是数字", loc)
            return None
        return d

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def choice(self, value: Any, options: Mapping[str, tuple[str, ...]], loc: Location, what: str) -> str | None:
        t = squash(self.text(value))
        if not t:
            self.error("input-missing", f"缺少{what}", loc)
            return None
        if t in options:
            return t
        lookup = _LOOKUPS.get(id(options))
        if lookup is None:
            lookup = _LOOKUPS[id(options)] = {squash(n): key for key, names in options.items() for n in names}
        if t in lookup:
            return lookup[t]
        known = "、".join(names[0] for names in options.values())
        self.error("input-unknown-value", f"{what}“{t}”无法识别（应为：{known}）", loc)
        return None

    def code(self, value: Any, loc: Location, what: str, kind: str) -> str | None:
        t = self.text(value)
        if not t:
            return None
        c = t if is_code(t) else repair_code(t)
        if c is None or code_kind(c) is None or (kind == "functional" and c[0] != "2") or (kind == "economic" and c[0] != "3"):
            self.error("input-unknown-code", f"{what}“{t}”不是有效的科目编码", loc)
            return None
        if self.catalog.subject(c[:3]) is None:
            self.error("input-unknown-code", f"{what}“{t}”的类 {c[:3]} 不在政府收支分类科目中", loc)
            return None
        return c


def read_input(data: Mapping[str, Any], catalog: Catalog) -> tuple[BudgetInput | None, list[Finding]]:
    """Validate a budget input mapping; ``None`` when it is too broken to compile."""
    r = Reader(catalog)
    if not isinstance(data, Mapping):
        r.error("input-missing", "预算数据应为键值结构（YAML/JSON 对象）", Location())
        return None, r.findings
    for p in data.get("_problems") or ():
        r.error(p["code"], p["message"], Location(sheet=p.get("sheet"), row=str(p["row"]) if p.get("row") else None, column=p.get("column")))
    for key in data:
        if key not in _TOP_KEYS and not str(key).startswith("_"):
            r.error("input-unknown-field", f"未知的字段“{key}”（已忽略）", Location(sheet=str(key)), severity="warning")
    unit_raw = data.get("unit") or {}
    if not isinstance(unit_raw, Mapping):
        unit_raw = {}
    uloc = lambda col: r.where("unit", None, unit_raw, col)  # noqa: E731
    name = r.text(unit_raw.get("name"))
    if not name:
        r.error("input-missing", "缺少单位名称", uloc("name"))
    year_raw = data.get("year")
    year = None
    try:
        year = int(str(year_raw).strip()) if year_raw not in (None, "") else None
    except ValueError:
        r.error("input-not-a-number", f"预算年度“{year_raw}”不是年份", r.where("unit", None, unit_raw, "year"))
    if year is None and year_raw in (None, ""):
        r.error("input-missing", "缺少预算年度", r.where("unit", None, unit_raw, "year"))
    elif year is not None and not 1990 <= year <= 2100:
        r.error("input-bad-value", f"预算年度 {year} 不合理", r.where("unit", None, unit_raw, "year"))
        year = None
    unit_text = r.text(data.get("amount_unit") or "万元")
    try:
        amount_unit = AmountUnit(unit_text)
    except ValueError:
        r.error("input-unknown-value", f"金额单位“{unit_text}”应为“万元”或“元”", Location(sheet="amount_unit"))
        amount_unit = AmountUnit.WAN
    duties = unit_raw.get("duties") or ()
    if isinstance(duties, str):
        duties = [p for p in duties.splitlines() if p.strip()]
    unit = UnitInfo(
        code=r.text(unit_raw.get("code")) or None,
        name=name,
        department=r.text(unit_raw.get("department")) or None,
        nature=r.text(unit_raw.get("nature")) or None,
        rank=r.text(unit_raw.get("rank")) or None,
        funding=r.text(unit_raw.get("funding")) or None,
        duties=tuple(r.text(d) for d in duties if r.text(d)),
        structure=r.text(unit_raw.get("structure")),
    )
    subjects = {}
    for code, sname in (data.get("subjects") or {}).items():
        c = r.code(code, Location(sheet="subjects", column=str(code)), "科目编码", "any")
        if c and r.text(sname):
            subjects[c] = r.text(sname)
    items = _items(r, data.get("expenditure"), subjects)
    income, income_loc = _income(r, data.get("income"))
    bi = BudgetInput(
        year=year or 0,
        unit=unit,
        items=items,
        amount_unit=amount_unit,
        scope=r.text(data.get("scope")) or "单位",
        title=r.text(data.get("title")) or None,
        subjects=subjects,
        income=income,
        income_location=income_loc,
        three_public=_three_public(r, data.get("three_public")),
        procurement=_procurement(r, data.get("procurement")),
        assets_date=r.text((data.get("assets") or {}).get("date")) if isinstance(data.get("assets"), Mapping) else None,
        assets=_assets(r, data.get("assets")),
        targets=_targets(r, data.get("performance")),
        prior=_prior(r, data.get("prior")),
        text=dict(data.get("text") or {}),
        glossary=_glossary(data.get("glossary")),
    )
    _check_names(r, bi)
    fatal = not name or year is None or not items
    if not items and not any(f.code == "input-missing-sheet" for f in r.findings):
        r.error("input-missing", "没有支出明细（至少一行功能分类科目、资金来源和金额）", Location(sheet="支出明细" if "_problems" in data else "expenditure"))
    return (None if fatal else bi), r.findings


def _items(r: Reader, raw: Any, subjects: dict[str, str]) -> list[LineItem]:
    out: list[LineItem] = []
    if raw is None:
        return out
    if not isinstance(raw, list):
        r.error("input-bad-value", "expenditure 应为列表", Location(sheet="expenditure"))
        return out
    for i, it in enumerate(raw):
        if not isinstance(it, Mapping):
            r.error("input-bad-value", "支出明细的每一行应为键值结构", Location(sheet="expenditure", row=str(i + 1)))
            continue
        def at(col: str, i=i, it=it) -> Callable[[], Location]:
            return lambda: r.where("expenditure", i, it, col)

        fcode = r.code(it.get("function"), at("function"), "功能分类科目编码", "functional")
        if fcode is None and not r.text(it.get("function")):
            r.error("input-missing", "缺少功能分类科目编码", at("function"))
        ecode = r.code(it.get("economic"), at("economic"), "经济分类科目编码", "economic")
        for key, code in (("function_name", fcode), ("economic_name", ecode)):
            nm = r.text(it.get(key))
            if code and nm:
                subjects.setdefault(code, nm)
        fund = r.choice(it.get("fund") or "一般公共预算", FUNDS, at("fund"), "资金来源")
        kind = r.choice(it.get("kind"), KINDS, at("kind"), "支出类型")
        amount = r.amount(it.get("amount"), at("amount"), "支出金额")
        project = r.text(it.get("project")) or None
        if kind == "basic":
            if ecode is None:
                r.error("input-missing", "基本支出须填写经济分类科目编码（据以区分人员经费和公用经费）", at("economic"))
                kind = None
            else:
                kind = "personnel" if ecode[:3] in PERSONNEL_CLASSES else "public"
        if kind in ("personnel", "public") and ecode is None:
            r.error("input-missing", "基本支出须填写经济分类科目编码", at("economic"))
        if kind == "project" and not project:
            r.error("input-missing", "项目支出须填写项目名称", at("project"))
        if kind in ("operating", "remit", "subsidy") and fund in FISCAL:
            r.error("input-bad-value", "经营支出、上缴上级支出、对附属单位补助支出不能使用财政拨款", at("fund"))
            kind = None
        carry = it.get("carryover")
        carry = carry if isinstance(carry, bool) else squash(r.text(carry)) in ("是", "true", "yes", "1", "上年结转")
        if fcode is None or fund is None or kind is None or amount is None:
            continue
        if amount == 0:
            continue
        out.append(
            LineItem(
                function=fcode,
                economic=ecode,
                fund=fund,
                kind=kind,
                amount=amount,
                project=project,
                carryover=carry,
                location=at("amount")(),
            )
        )
    return out


def _income(r: Reader, raw: Any) -> tuple[dict[str, Decimal] | None, dict[str, Location]]:
    if not raw:
        return None, {}
    entries = raw.items() if isinstance(raw, Mapping) else enumerate(raw if isinstance(raw, list) else [])
    out: dict[str, Decimal] = {}
    locs: dict[str, Location] = {}
    for i, (key, val) in enumerate(entries):
        if isinstance(val, Mapping):
            item, src, amt = val, val.get("source"), val.get("amount")
        else:
            item, src, amt = None, key, val
        loc = r.where("income", i, item, "amount")
        source = r.choice(src, FUNDS, r.where("income", i, item, "source"), "收入来源")
        value = r.amount(amt, loc, "收入金额", required=False)
        if source and value is not None:
            out[source] = out.get(source, Decimal(0)) + value
            locs[source] = loc
    return out, locs


def _three_public(r: Reader, raw: Any) -> dict[str, Decimal] | None:
    if not raw:
        return None
    if not isinstance(raw, Mapping):
        r.error("input-bad-value", "three_public 应为键值结构", Location(sheet="three_public"))
        return None
    out = {}
    for key, val in raw.items():
        if str(key).startswith("_"):
            continue
        item = _named(key, THREE_PUBLIC_NAMES)
        loc = r.where("three_public", None, raw, str(key))
        if item is None:
            r.error("input-unknown-value", f"“三公”经费项目“{key}”无法识别", loc)
            continue
        v = r.amount(val, loc, f"“三公”经费{THREE_PUBLIC_NAMES[item][0]}", required=False)
        if v is not None:
            out[item] = v
    return out


def _named(key: Any, names: Mapping[str, tuple[str, ...]]) -> str | None:
    k = squash(str(key))
    if k in names:
        return k
    for item, ns in names.items():
        if k in (squash(n) for n in ns):
            return item
    return None


def _procurement(r: Reader, raw: Any) -> list[ProcurementLine]:
    out: list[ProcurementLine] = []
    for i, it in enumerate(raw or []):
        if not isinstance(it, Mapping):
            continue
        at = lambda col: r.where("procurement", i, it, col)  # noqa: E731
        item = r.text(it.get("item"))
        if not item:
            r.error("input-missing", "缺少采购品目名称", at("item"))
        amount = r.amount(it.get("amount"), at("amount"), "政府采购金额")
        fund = r.choice(it.get("fund") or "一般公共预算", FUNDS, at("fund"), "资金来源")
        qty = r.amount(it.get("quantity"), at("quantity"), "采购数量", required=False)
        if not item or amount is None or fund is None:
            continue
        out.append(
            ProcurementLine(
                item=item,
                amount=amount,
                fund=fund,
                project=r.text(it.get("project")) or None,
                category=r.text(it.get("category")) or None,
                quantity=qty,
                measure=r.text(it.get("measure")) or None,
                catalog_no=r.text(it.get("catalog_no")) or None,
            )
        )
    return out


def _assets(r: Reader, raw: Any) -> dict[str, AssetLine] | None:
    if not raw:
        return None
    if not isinstance(raw, Mapping):
        r.error("input-bad-value", "assets 应为键值结构", Location(sheet="assets"))
        return None
    out: dict[str, AssetLine] = {}
    for key, val in raw.items():
        if key in ("date", "total") or str(key).startswith("_"):
            continue
        item = _named(key, ASSET_NAMES)
        loc = r.where("assets", None, val if isinstance(val, Mapping) else raw, str(key))
        if item is None:
            r.error("input-unknown-value", f"资产项目“{key}”无法识别（房屋、办公用房、车辆、单价在20万元以上的设备、其他固定资产）", loc)
            continue
        if not isinstance(val, Mapping):
            val = {"value": val}
        qty = r.amount(val.get("quantity"), r.where("assets", None, val, "quantity"), "资产数量", required=False)
        value = r.amount(val.get("value"), r.where("assets", None, val, "value"), "资产价值", required=False)
        out[item] = AssetLine(quantity=qty, value=value)
    return out


def _targets(r: Reader, raw: Any) -> list[TargetInput]:
    if not raw:
        return []
    entries: list[tuple[str | None, Mapping]] = []
    if isinstance(raw, Mapping):
        if raw.get("overall"):
            entries.append((None, raw["overall"]))
        for p in raw.get("projects") or []:
            if isinstance(p, Mapping):
                entries.append((r.text(p.get("name")) or None, p))
    out = []
    for project, p in entries:
        inds = []
        for ind in p.get("indicators") or []:
            if not isinstance(ind, Mapping):
                continue
            inds.append(
                IndicatorInput(
                    level1=r.text(ind.get("level1")),
                    level2=r.text(ind.get("level2")),
                    level3=r.text(ind.get("level3")),
                    description=r.text(ind.get("description")),
                    value=r.text(ind.get("value")),
                    basis=r.text(ind.get("basis")),
                )
            )
        target = p.get("target") or ""
        if isinstance(target, list):
            target = "\n".join(r.text(t) for t in target)
        out.append(TargetInput(project=project, target=r.text(target), indicators=tuple(inds)))
    return out


def _prior(r: Reader, raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        r.error("input-bad-value", "prior 应为键值结构", Location(sheet="prior"))
        return {}
    out: dict[str, Any] = {}
    for key, val in raw.items():
        if str(key).startswith("_"):
            continue
        loc = r.where("prior", None, raw, str(key))
        if key == "year":
            try:
                out["year"] = int(val)
            except (TypeError, ValueError):
                r.error("input-not-a-number", f"上年年度“{val}”不是年份", loc)
        elif key == "three_public" and isinstance(val, Mapping):
            tp = {}
            for k2, v2 in val.items():
                item = _named(k2, THREE_PUBLIC_NAMES) or ("total" if squash(str(k2)) in ("total", "合计") else None)
                if item is None:
                    r.error("input-unknown-value", f"上年“三公”经费项目“{k2}”无法识别", loc)
                    continue
                v = r.amount(v2, loc, "上年“三公”经费", required=False)
                if v is not None:
                    tp[item] = v
            out["three_public"] = tp
        else:
            v = r.amount(val, loc, f"上年数 {key}", required=False)
            if v is not None:
                out[str(key)] = v
    return out


def _glossary(raw: Any) -> list[tuple[str, str]] | None:
    if not raw:
        return None
    out = []
    if isinstance(raw, Mapping):
        raw = list(raw.items())
    for entry in raw:
        if isinstance(entry, Mapping):
            out.append((str(entry.get("term", "")).strip(), str(entry.get("definition", "")).strip()))
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            out.append((str(entry[0]).strip(), str(entry[1]).strip()))
    return [e for e in out if e[0]]


def subject_name(bi: BudgetInput, catalog: Catalog, code: str) -> str | None:
    """The name printed for a subject code: the clerk's, else the catalogue's."""
    name = bi.subjects.get(code)
    if name:
        return name
    s = catalog.subject(code)
    return s.name if s else None


def _check_names(r: Reader, bi: BudgetInput) -> None:
    """Every code the tables will print (with its parents) needs a name."""
    seen: set[str] = set()
    for it in bi.items:
        codes = []
        f = it.function
        while f:
            codes.append(f)
            f = f[:-2] if len(f) > 3 else None
        if it.economic and it.fund == "general_budget" and it.kind in ("personnel", "public"):
            e = it.economic
            codes += [e, e[:3]] if len(e) > 3 else [e]
        for c in codes:
            if c in seen:
                continue
            seen.add(c)
            if subject_name(bi, r.catalog, c) is None:
                what = "功能分类" if c[0] == "2" else "经济分类"
                r.error(
                    "input-unknown-code",
                    f"{what}科目 {c} 不在科目目录中，请在“科目名称”中填写它的名称",
                    it.location if c in (it.function, it.economic) else Location(sheet=it.location.sheet, row=it.location.row, column="function"),
                )

