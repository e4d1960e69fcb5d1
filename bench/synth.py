"""Synthetic units for the portal benchmark, made by our own compile.

``templates(n, years)`` varies the shipped example's budget input (amounts scaled per
template and year, income set to the new total, unit renamed) and compiles each with
``yusuan.compile.compile_data``; ``units(count, years)`` spreads those compiled
disclosures over ``count`` fictional units in departments of 50 and regions of 10
departments (codes ``DDDUUU`` like 542001).  Compiling 30,000 documents would take longer
than loading them, so units reuse one of ``n`` compiled templates per year; only the
identity (unit code, name, issuer) differs.  All names are fictional (示例市…).
"""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import yaml

from yusuan.compile import compile_data
from yusuan.model import Disclosure, Unit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"
DEPARTMENTS = ("教育局", "卫生健康局", "民政局", "财政局", "公安局", "农业农村局", "交通运输局", "文化广电和旅游局",
               "住房和城乡建设局", "自然资源和规划局", "人力资源和社会保障局", "市场监督管理局", "应急管理局", "司法局",
               "生态环境局", "水务局", "商务局", "统计局", "审计局", "信访局")
SUFFIXES = ("本级", "机关服务中心", "事务中心", "综合执法大队", "信息中心", "培训中心", "监测站", "服务站", "研究所", "管理所")


def _scale(v, f: Decimal) -> Decimal:
    return (Decimal(str(v)) * f).quantize(Decimal("0.01"))


def budget_input(template: int, year: int, base: dict | None = None) -> dict:
    """The example's budget input, scaled for ``template`` and ``year``."""
    data = copy.deepcopy(base if base is not None else yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    rnd = random.Random(template * 7919 + year)
    factor = Decimal(rnd.randint(30, 300)) / 100 * (Decimal("1.04") ** (year - 2021))
    data["year"] = year
    data["title"] = f"示例单位{template}{year}年单位预算公开"
    data["unit"]["code"] = f"{900 + template % 90:03d}{template:03d}"[:6]
    data["unit"]["name"] = f"示例单位{template}"
    data["unit"]["department"] = f"示例部门{template}"
    for line in data["expenditure"]:
        line["amount"] = str(_scale(line["amount"], factor * Decimal(rnd.randint(90, 110)) / 100))
    total = sum((Decimal(x["amount"]) for x in data["expenditure"]), Decimal(0))
    data["income"] = [{"source": "一般公共预算", "amount": str(total)}]
    if "prior" in data:
        p = data["prior"]
        p["year"] = year - 1
        for k in ("total", "basic", "project", "agency_operating"):
            if k in p:
                p[k] = str(_scale(p[k], factor))
        p.pop("three_public", None)
    if "assets" in data:
        data["assets"]["date"] = f"{year - 1}-12-31"
    return data


def templates(n: int = 60, years: tuple[int, ...] = (2021, 2022, 2023)) -> dict[tuple[int, int], Disclosure]:
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    out = {}
    for t in range(n):
        for y in years:
            doc, findings = compile_data(budget_input(t, y, base))
            if doc is None:
                raise RuntimeError(f"template {t}/{y} did not compile: {[f.message for f in findings][:3]}")
            out[(t, y)] = doc
    return out


def identity(k: int) -> tuple[str, str, str, str]:
    """Unit ``k``: (unit code, unit name, department name, region)."""
    dept_no, unit_no = divmod(k, 50)
    region = f"示例市第{dept_no // 10 + 1}区"
    dept = f"{region}{DEPARTMENTS[dept_no % len(DEPARTMENTS)]}"
    name = f"{dept}{SUFFIXES[unit_no % len(SUFFIXES)]}" + ("" if unit_no < len(SUFFIXES) else f"{unit_no // len(SUFFIXES) + 1}")
    return f"{100 + dept_no:03d}{unit_no + 1:03d}", name, dept, region


def relabel(doc: Disclosure, code: str, name: str, issuer: str) -> Disclosure:
    """The same compiled content under another unit's identity."""
    tables = tuple(replace(t, unit_code=code, unit_name=name) for t in doc.tables)
    perf = tuple(replace(p, unit_code=code) if p.unit_code else p for p in doc.performance)
    return doc.with_(units=(Unit(code=code, name=name),), issuer=issuer, tables=tables, performance=perf,
                     title=f"{name}{doc.year}年单位预算公开", source=None)


def units(count: int, years: tuple[int, ...], compiled: dict[tuple[int, int], Disclosure]) -> Iterator[tuple[int, str, Disclosure]]:
    n = len({t for t, _ in compiled})
    for k in range(count):
        code, name, dept, region = identity(k)
        for y in years:
            yield k, code, relabel(compiled[(k % n, y)], code, name, dept)
