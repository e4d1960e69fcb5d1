"""Synthetic units for the portal benchmark, every document made by our own compile.

``inputs(count, years)`` yields ``count × len(years)`` budget inputs: the shipped
example's lines varied by ``yusuan.compile.synthetic.vary`` (each line its own factor, last
year's figures chained so the 比上年 sentences hold), under fictional identities spread
over departments of 50 units and regions of 10 departments (``identity``: codes ``DDDUUU``
like 542001, names 示例市第N区…).  ``compile_one(data)`` compiles and checks one input
and prepares it for ``yusuan.store.bulk.load`` — the work a process pool does.
"""

from __future__ import annotations

import json
import random
from typing import Iterator

from yusuan.check import check
from yusuan.compile import compile_data
from yusuan.compile.synthetic import example_data, summary, vary
from yusuan.store.bulk import Prepared, prepare

DEPARTMENTS = ("教育局", "卫生健康局", "民政局", "财政局", "公安局", "农业农村局", "交通运输局", "文化广电和旅游局",
               "住房和城乡建设局", "自然资源和规划局", "人力资源和社会保障局", "市场监督管理局", "应急管理局", "司法局",
               "生态环境局", "水务局", "商务局", "统计局", "审计局", "信访局")
SUFFIXES = ("本级", "机关服务中心", "事务中心", "综合执法大队", "信息中心", "培训中心", "监测站", "服务站", "研究所", "管理所")


def identity(k: int) -> tuple[str, str, str, str]:
    """Unit ``k``: (unit code, unit name, department name, region)."""
    dept_no, unit_no = divmod(k, 50)
    region = f"示例市第{dept_no // 10 + 1}区"
    dept = f"{region}{DEPARTMENTS[dept_no % len(DEPARTMENTS)]}"
    name = f"{dept}{SUFFIXES[unit_no % len(SUFFIXES)]}" + ("" if unit_no < len(SUFFIXES) else f"{unit_no // len(SUFFIXES) + 1}")
    return f"{100 + dept_no:03d}{unit_no + 1:03d}", name, dept, region


def inputs(count: int, years: tuple[int, ...] = (2021, 2022, 2023), seed: int = 0) -> Iterator[dict]:
    """Budget inputs of ``count`` units × ``years``, deterministic for ``seed``."""
    base = example_data()
    rng = random.Random(seed)
    for k in range(count):
        code, name, dept, _region = identity(k)
        unit_rng = random.Random(rng.random())
        prior = None
        for y in years:
            data = vary(base, unit_rng, code, name, y, prior=prior)
            data["unit"]["department"] = dept  # the issuer: one department name for its 50 units
            prior = summary(data)
            yield data


def source_bytes(data: dict) -> bytes:
    """The budget input as the file a clerk would upload (JSON; amounts as decimal strings)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def compile_one(data: dict) -> Prepared:
    """Compile, check and prepare one input (raises if our compile refuses it)."""
    doc, findings = compile_data(data)
    if doc is None:
        raise RuntimeError(f"{data['unit']['code']}/{data['year']} did not compile: {[f.message for f in findings][:3]}")
    report = check(doc, extra=findings)
    code = data["unit"]["code"]
    return prepare(doc, report.findings, source_bytes(data), f"bench/{code}-{data['year']}.json", "compile")
