"""Synthetic budget inputs for demos and benchmarks: the example's figures, varied consistently.

``vary(data, rng, …)`` scales every expenditure line by its own random factor (amounts stay
``Decimal`` to the cent, never zero), renames the unit and moves it to another year; the
income, the 三公 figures and the tables follow from the lines when compiled, so every
identity holds in every generated document.  ``synthetic_units(n, years)`` yields
``n × len(years)`` inputs (unit codes ``900001`` …), last year's figures chained so that the
比上年 sentences are right::

    from yusuan.compile import compile_data
    from yusuan.compile.synthetic import synthetic_units
    for data in synthetic_units(10_000, years=(2023, 2024, 2025)):
        doc, findings = compile_data(data)
"""

from __future__ import annotations

import copy
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Iterator

CENT = Decimal("0.01")
_PREFIXES = ("石家庄市", "保定市", "邯郸市", "唐山市", "廊坊市", "沧州市", "衡水市", "邢台市")
_DISTRICTS = ("鹿泉区", "长安区", "桥西区", "新华区", "裕华区", "藁城区", "栾城区", "正定县")
_BUREAUS = ("信访局", "司法局", "统计局", "审计局", "民政局", "档案馆", "机关事务服务中心", "退役军人事务局")


def example_data() -> dict[str, Any]:
    """The bundled example's input (shipped as ``yusuan/examples``; the checkout's otherwise)."""
    from . import load_data

    rel = Path("luquan-xinfang-2021") / "budget.yaml"
    here = Path(__file__).resolve().parent.parent / "examples" / rel
    if here.exists():
        return load_data(here)
    return load_data(Path(__file__).resolve().parents[3] / "examples" / rel)


def _scale(v: Decimal, f: float) -> Decimal:
    out = (Decimal(v) * Decimal(str(round(f, 4)))).quantize(CENT, rounding=ROUND_HALF_UP)
    return out if out != 0 else CENT


def _totals(data: dict) -> dict[str, Decimal]:
    t = {"total": Decimal(0), "basic": Decimal(0), "project": Decimal(0), "public": Decimal(0)}
    for it in data["expenditure"]:
        a = Decimal(it["amount"])
        t["total"] += a
        kind = it.get("kind")
        if kind in ("项目支出", "project"):
            t["project"] += a
        else:
            t["basic"] += a
            if kind in ("公用经费", "public"):
                t["public"] += a
    return t


def _three(data: dict) -> dict[str, Decimal]:
    codes = {"30212": "abroad", "31013": "vehicle_purchase", "30231": "vehicle_operation", "30217": "reception"}
    out = {k: Decimal(0) for k in codes.values()}
    for it in data["expenditure"]:
        k = codes.get(str(it.get("economic")))
        if k:
            out[k] += Decimal(it["amount"])
    return out


def vary(data: dict[str, Any], rng: random.Random, code: str, name: str, year: int, spread: float = 0.25, prior: dict | None = None, level: float | None = None) -> dict[str, Any]:
    """A new unit's input: every line scaled by its own factor in ``1 ± spread`` around the
    unit's size ``level`` (drawn in 0.5–3 when not given)."""
    out = copy.deepcopy(data)
    out.pop("title", None)
    out["year"] = year
    unit = out.setdefault("unit", {})
    unit["code"], unit["name"] = code, name
    unit["department"] = name.removesuffix("本级")
    unit["structure"] = f"{name}为行政单位，经费保障形式为财政拨款。"
    base = rng.uniform(0.5, 3.0) if level is None else level
    for it in out["expenditure"]:
        it["amount"] = _scale(Decimal(it["amount"]), base * rng.uniform(1 - spread, 1 + spread))
    out["income"] = None  # derived from the lines' funding
    if out.get("assets"):
        for key, val in out["assets"].items():
            if isinstance(val, dict) and val.get("value") is not None:
                val["value"] = _scale(Decimal(val["value"]), base * rng.uniform(0.8, 1.2))
    now = _totals(out)
    if prior is None:  # invent last year around this year's figures
        basic = _scale(now["basic"], rng.uniform(0.9, 1.1))
        project = _scale(now["project"], rng.uniform(0.8, 1.2)) if now["project"] else Decimal(0)
        tp = {k: (_scale(v, rng.uniform(0.8, 1.2)) if v else Decimal(0)) for k, v in _three(out).items()}
        prior = {"year": year - 1, "total": basic + project, "basic": basic, "project": project,
                 "agency_operating": _scale(now["public"], rng.uniform(0.9, 1.1)) if now["public"] else Decimal(0), "three_public": tp}
    out["prior"] = prior
    # the example's reasons explain its own changes; a generated year gets neutral ones
    text = out.setdefault("text", {})
    text["change_reasons"] = {"basic": "人员和日常公用支出按标准调整", "project": "项目安排按年度工作任务调整"}
    return out


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """This year's figures of an input, as next year's ``prior``."""
    now = _totals(data)
    return {"year": data["year"], "total": now["total"], "basic": now["basic"], "project": now["project"],
            "agency_operating": now["public"], "three_public": _three(data)}


def synthetic_units(n: int, years: tuple[int, ...] = (2023, 2024, 2025), seed: int = 0, base: dict | None = None) -> Iterator[dict[str, Any]]:
    """``n`` units × ``years`` budget inputs, deterministic for a ``seed``."""
    rng = random.Random(seed)
    base = base or example_data()
    for i in range(1, n + 1):
        name = f"{rng.choice(_PREFIXES)}{rng.choice(_DISTRICTS)}{rng.choice(_BUREAUS)}{i:05d}本级"
        code = f"{900000 + i}"
        prior = None
        unit_rng = random.Random(rng.random())
        for y in years:
            data = vary(base, unit_rng, code, name, y, prior=prior)
            prior = summary(data)
            yield data
