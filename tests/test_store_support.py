"""Support for the store, web, security and browser tests: small disclosures written by hand.

``sample_text(...)`` writes a unit budget disclosure in the seed's tab-separated layout
(收支总表, 支出总表, 一般公共预算财政拨款支出表, 基本支出表, 三公, 情况说明) with amounts
that add up, scaled by ``factor`` so that years and versions differ.  ``sample_doc``
parses it with ``yusuan.parse.parse_text`` and checks it — the same path an upload takes.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

D = Decimal


def _fmt(v: Decimal) -> str:
    v = v.quantize(D("0.01"))
    s = format(v, "f").rstrip("0").rstrip(".")
    return s or "0"


def _q(v: Decimal) -> Decimal:
    return v.quantize(D("0.01"))


#: functional lines: code, name, basic, project (before ``factor``)
_LINES = (
    ("2010308", "信访事务", D("120.51"), D("30.02")),
    ("2080505", "机关事业单位基本养老保险缴费支出", D("15.23"), D(0)),
    ("2210201", "住房公积金", D("10.37"), D(0)),
)


def sample_text(unit_code: str = "901001", unit_name: str = "演示市测试区档案馆本级", year: int = 2022,
                factor: str = "1", issuer: str | None = None, narrative_extra: str = "", break_total: bool = False) -> str:
    """A small, consistent 单位预算 disclosure (amounts in 万元)."""
    f = D(factor)
    issuer = issuer or unit_name.removesuffix("本级")
    # functional lines: code, name, basic, project
    func = [(code, name, _q(b * f), _q(p * f)) for code, name, b, p in _LINES]
    parents = {"2010308": [("201", "一般公共服务支出"), ("20103", "政府办公厅（室）及相关机构事务")],
               "2080505": [("208", "社会保障和就业支出"), ("20805", "行政事业单位养老支出")],
               "2210201": [("221", "住房保障支出"), ("22102", "住房改革支出")]}
    basic = sum(b for _, _, b, _ in func)
    project = sum(p for _, _, _, p in func)
    total = basic + project
    rows = []
    for code, name, b, p in func:
        for pc, pn in parents[code]:
            rows.append((pc, pn, b, p))
        rows.append((code, name, b, p))
    # economic lines of basic expenditure: personnel = 301, public = 302
    wages = (basic * D("0.6")).quantize(D("0.01"))
    allowance = (basic * D("0.1")).quantize(D("0.01"))
    personnel = wages + allowance
    public = basic - personnel
    reception = (D("1.06") * f).quantize(D("0.01"))
    car = (D("2.53") * f).quantize(D("0.01"))
    office = public - reception - car
    head = f"{unit_code} {unit_name}\n\n预算年度：{year}\n\n单位：万元\n\n"
    out = [f"{issuer} {year} 年单位预算信息公开\n\n单位预算公开表\n\n单位预算收支总表\n\n", head]
    out.append("序号\t收入\t\t支出\t\n\t项目\t预算数\t项目\t预算数\n栏次\t1\t2\t3\t4\n")
    shown_total = total + D(1) if break_total else total
    out.append(f"1\t一、一般公共预算拨款收入\t{_fmt(total)}\t一、一般公共服务支出\t{_fmt(rows[0][2] + rows[0][3])}\n")
    out.append(f"2\t二、政府性基金预算拨款收入\t\t二、社会保障和就业支出\t{_fmt(func[1][2])}\n")
    out.append(f"3\t\t\t三、住房保障支出\t{_fmt(func[2][2])}\n")
    out.append(f"4\t本年收入合计\t{_fmt(total)}\t本年支出合计\t{_fmt(shown_total)}\n")
    out.append(f"5\t收入总计\t{_fmt(total)}\t支出总计\t{_fmt(shown_total)}\n\n")
    out.append(f"单位预算收入总表\n\n{head}")
    out.append("序号\t功能分类科目\t\t合计\t本年收入\t\t上年结转\n\t科目编码\t科目名称\t\t小计\t财政拨款收入\t\n栏次\t1\t2\t3\t4\t5\t6\n")
    out.append(f"1\t\t合计\t{_fmt(total)}\t{_fmt(total)}\t{_fmt(total)}\t\n")
    for i, (code, name, b, p) in enumerate(rows, start=2):
        out.append(f"{i}\t{code}\t{name}\t{_fmt(b + p)}\t{_fmt(b + p)}\t{_fmt(b + p)}\t\n")
    out.append("\n")
    for title in ("单位预算支出总表", "单位预算一般公共预算财政拨款支出表"):
        out.append(f"{title}\n\n{head}")
        out.append("序号\t功能分类科目\t\t合计\t基本支出\t项目支出\n\t科目编码\t科目名称\t\t\t\n栏次\t1\t2\t3\t4\t5\n")
        out.append(f"1\t\t合计\t{_fmt(total)}\t{_fmt(basic)}\t{_fmt(project)}\n")
        for i, (code, name, b, p) in enumerate(rows, start=2):
            out.append(f"{i}\t{code}\t{name}\t{_fmt(b + p)}\t{_fmt(b)}\t{_fmt(p) if p else ''}\n")
        out.append("\n")
    out.append(f"单位预算财政拨款收支总表\n\n{head}")
    out.append("序号\t收入\t\t支出\t\t\t\n\t项目\t金额\t项目\t合计\t一般公共预算财政拨款\t政府性基金预算财政拨款\n栏次\t1\t2\t3\t4\t5\t6\n")
    g = _fmt(rows[0][2] + rows[0][3])
    out.append(f"1\t一、一般公共预算拨款\t{_fmt(total)}\t一、一般公共服务支出\t{g}\t{g}\t\n")
    out.append(f"2\t二、政府性基金预算拨款\t\t二、社会保障和就业支出\t{_fmt(func[1][2])}\t{_fmt(func[1][2])}\t\n")
    out.append(f"3\t\t\t三、住房保障支出\t{_fmt(func[2][2])}\t{_fmt(func[2][2])}\t\n")
    out.append(f"4\t本年收入合计\t{_fmt(total)}\t本年支出合计\t{_fmt(total)}\t{_fmt(total)}\t\n")
    out.append(f"5\t收入总计\t{_fmt(total)}\t支出总计\t{_fmt(total)}\t{_fmt(total)}\t\n\n")
    for title, note in (("单位预算政府性基金预算财政拨款支出表", "无政府性基金预算"), ("单位预算国有资本经营预算财政拨款支出表", "无国有资本经营预算")):
        out.append(f"{title}\n\n{head}")
        out.append("序号\t功能分类科目\t\t合计\t基本支出\t项目支出\n\t科目编码\t科目名称\t\t\t\n栏次\t1\t2\t3\t4\t5\n\n")
        out.append(f"注：{note}，空表列示。\n\n")
    out.append(f"单位预算一般公共预算财政拨款基本支出表\n\n{head}")
    out.append("序号\t支出单位经济分类科目\t\t一般公共预算基本支出\t\t\n\t科目编码\t科目名称\t合计\t人员经费\t公用经费\n栏次\t1\t2\t3\t4\t5\n")
    out.append(f"1\t\t合计\t{_fmt(basic)}\t{_fmt(personnel)}\t{_fmt(public)}\n")
    out.append(f"2\t301\t工资福利支出\t{_fmt(personnel)}\t{_fmt(personnel)}\t\n")
    out.append(f"3\t30101\t基本工资\t{_fmt(wages)}\t{_fmt(wages)}\t\n")
    out.append(f"4\t30102\t津贴补贴\t{_fmt(allowance)}\t{_fmt(allowance)}\t\n")
    out.append(f"5\t302\t商品和服务支出\t{_fmt(public)}\t\t{_fmt(public)}\n")
    out.append(f"6\t30201\t办公费\t{_fmt(office)}\t\t{_fmt(office)}\n")
    out.append(f"7\t30217\t公务接待费\t{_fmt(reception)}\t\t{_fmt(reception)}\n")
    out.append(f"8\t30231\t公务用车运行维护费\t{_fmt(car)}\t\t{_fmt(car)}\n\n")
    three = reception + car
    out.append(f"单位预算财政拨款“三公”经费支出表\n\n{head}")
    out.append("序号\t项 目\t资 金 性 质\t\t\n\t\t合 计\t一般公共预算 财政拨款\t政府性基金 预算拨款\n栏次\t1\t2\t3\t4\n")
    out.append(f"1\t合计\t{_fmt(three)}\t{_fmt(three)}\t\n2\t一、因公出国（境）费\t\t\t\n")
    out.append(f"3\t二、公务用车购置及运维费\t{_fmt(car)}\t{_fmt(car)}\t\n4\t其中：公务用车购置费\t\t\t\n")
    out.append(f"5\t公务用车运行维护费\t{_fmt(car)}\t{_fmt(car)}\t\n6\t三、公务接待费\t{_fmt(reception)}\t{_fmt(reception)}\t\n\n")
    out.append(f"{unit_name} {year} 年单位预算公开情况说明\n\n一、单位职责及机构设置情况\n\n负责本区档案工作。{narrative_extra}\n\n")
    out.append("二、单位预算安排的总体情况\n\n1、收入说明\n\n")
    out.append(f"{year}年预算收入{_fmt(total)}万元，其中：一般公共预算收入{_fmt(total)}万元。\n\n2、支出说明\n\n")
    out.append(f"{year}年单位支出预算为{_fmt(total)}万元，其中基本支出{_fmt(basic)}万元；项目支出{_fmt(project)}万元。\n\n")
    out.append(f"三、财政拨款“三公”经费预算情况\n\n{year}年，我单位财政拨款“三公”经费预算安排{_fmt(three)}万元。\n")
    return "".join(out)


def sample_total(factor: str = "1") -> Decimal:
    f = D(factor)
    return sum(_q(b * f) + _q(p * f) for _, _, b, p in _LINES)


def sample_doc(**kw):
    """(Disclosure, findings) of ``sample_text(**kw)``, parsed and checked like an upload."""
    doc, findings = _parsed(tuple(sorted(kw.items())))
    return doc, list(findings)


@cache
def _parsed(items: tuple):
    from yusuan.check import check
    from yusuan.parse import parse_text

    doc, issues = parse_text(sample_text(**dict(items)))
    report = check(doc, extra=issues)
    return doc, tuple(report.findings)


def test_sample_parses_consistently():
    doc, findings = sample_doc()
    assert doc.year == 2022 and doc.unit.code == "901001"
    ids = {t.id for t in doc.tables}
    assert {"income_expenditure_summary", "expenditure_summary", "general_budget_expenditure",
            "general_budget_basic_expenditure", "three_public_expenses"} <= ids
    t = doc.table("expenditure_summary")
    assert t.find_row(code="201").value("total") == D("150.53")
    assert not [f for f in findings if f.severity == "error"], [f.message for f in findings if f.severity == "error"]


def test_sample_with_broken_total_has_an_error():
    _, findings = sample_doc(break_total=True)
    assert [f for f in findings if f.severity == "error"]
