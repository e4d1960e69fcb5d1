"""Compile a disclosure from a unit's budget data.

``compile_data(mapping)`` and ``compile_path(path)`` (YAML, JSON or the XLSX template that
``yusuan template`` writes) return ``(Disclosure, findings)``: every standard table derived
from the line items (so the identities hold by construction), empty tables with their
note, the 情况说明 written from the tables, the performance-target tables and the glossary.
Problems *in* the data are findings located at sheet/row/column; only a file that cannot be
read at all raises ``BadInput`` (a one-line message naming the file).

Checking the result is the caller's step (``yusuan compile`` runs ``check`` on it): this
package imports only ``model`` and ``catalog``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..catalog import get as get_catalog
from ..model import Disclosure, Indicator, Location, Organisation, PerformanceTable, Unit
from ..model.finding import Finding
from ..model.indicator import split_value
from .narrative import build_sections, default_glossary
from .schema import BudgetInput, read_input
from .tables import ZERO, build_tables

__all__ = ["BadInput", "compile_data", "compile_input", "compile_path", "load_data"]


class BadInput(ValueError):
    """The input file cannot be used at all (missing, not YAML/JSON/XLSX, broken syntax)."""


def compile_data(data: Mapping[str, Any], catalog: Catalog | None = None) -> tuple[Disclosure | None, list[Finding]]:
    """Budget input mapping → disclosure and input findings.

    The disclosure is ``None`` only when the data is too incomplete to compile (no unit
    name, no year, no usable expenditure line); the findings then say why.
    """
    catalog = catalog or get_catalog()
    bi, findings = read_input(data, catalog)
    if bi is None:
        return None, findings
    doc, more = compile_input(bi, catalog)
    return doc, findings + more


def compile_input(bi: BudgetInput, catalog: Catalog | None = None) -> tuple[Disclosure, list[Finding]]:
    catalog = catalog or get_catalog()
    findings: list[Finding] = []
    tables, figures = build_tables(bi, catalog)
    findings += _income_findings(bi, figures)
    findings += _three_public_findings(bi, figures)
    project_amounts: dict[str, Decimal] = {}
    for it in bi.items:
        if it.kind == "project" and it.project:
            project_amounts[it.project] = project_amounts.get(it.project, ZERO) + it.amount
    names = [p for p, _ in sorted(project_amounts.items(), key=lambda kv: (-kv[1], kv[0]))]
    sections = build_sections(bi, figures, names)
    performance = []
    k = 0
    for t in bi.targets:
        if t.project is None:
            title = f"{bi.scope}整体支出绩效目标表"
        else:
            k += 1
            title = f"{k}、{t.project}绩效目标表"
        inds = []
        for ind in t.indicators:
            cmp_, num, unit = split_value(ind.value)
            inds.append(
                Indicator(
                    level1=ind.level1,
                    level2=ind.level2,
                    level3=ind.level3,
                    description=ind.description,
                    value_text=ind.value,
                    comparator=cmp_,
                    number=num,
                    unit=unit,
                    basis=ind.basis,
                    location=Location(table="performance_targets"),
                )
            )
        performance.append(
            PerformanceTable(
                title=title,
                project=t.project,
                target=t.target,
                indicators=tuple(inds),
                amount=project_amounts.get(t.project) if t.project else None,
                unit_code=bi.unit.code,
            )
        )
    glossary = tuple(bi.glossary or default_glossary())
    title = bi.title or f"{bi.unit.name}{bi.year}年{bi.scope}预算公开"
    doc = Disclosure(
        title=title,
        issuer=bi.unit.department or bi.unit.name,
        phase="预算",
        scope=bi.scope,
        year=bi.year,
        amount_unit=bi.amount_unit,
        units=(Unit(code=bi.unit.code, name=bi.unit.name),),
        tables=tuple(tables),
        sections=tuple(sections),
        organisations=(Organisation(name=bi.unit.name, nature=bi.unit.nature, rank=bi.unit.rank, funding=bi.unit.funding),),
        performance=tuple(performance),
        glossary=glossary,
        source=None,
        pages=0,
        empty_table_notes={t.id: t.note for t in tables if t.note},
    )
    return doc, findings


def _income_findings(bi: BudgetInput, figures: dict[str, Decimal]) -> list[Finding]:
    """The clerk's income by source must equal what the expenditure lines are funded by."""
    if bi.income is None:
        return []
    out = []
    from .narrative import SOURCE_LABELS

    for src, label in SOURCE_LABELS.items():
        given = bi.income.get(src)
        derived = figures.get(f"source.{src}", ZERO)
        if given is None and derived == 0:
            continue
        if (given or ZERO) != derived:
            out.append(
                Finding(
                    code="input-income-mismatch",
                    message=f"收入“{label}”填报 {given or 0}，支出明细中以此为资金来源的合计为 {derived}：收支不平衡",
                    location=bi.income_location.get(src, Location(sheet="income", column=label)),
                    expected=derived,
                    actual=given or ZERO,
                    severity="error",
                )
            )
    return out


def _three_public_findings(bi: BudgetInput, figures: dict[str, Decimal]) -> list[Finding]:
    """Clerk-given “三公” figures below the matching economic codes cannot be right."""
    if not bi.three_public:
        return []
    from .schema import THREE_PUBLIC_NAMES
    from .tables import THREE_PUBLIC_CODES

    out = []
    for item, v in bi.three_public.items():
        derived = sum((it.amount for it in bi.items if it.economic in THREE_PUBLIC_CODES[item] and it.fund in ("general_budget", "gov_fund", "state_capital")), ZERO)
        if v < derived:
            out.append(
                Finding(
                    code="input-three-public-below-economic",
                    message=f"“三公”经费{THREE_PUBLIC_NAMES[item][0]}填报 {v}，小于支出明细中对应经济分类科目的合计 {derived}",
                    location=Location(sheet="three_public", column=THREE_PUBLIC_NAMES[item][0]),
                    expected=derived,
                    actual=v,
                    severity="error",
                )
            )
    return out


def load_data(path: str | Path) -> dict[str, Any]:
    """Read a budget input file into a mapping (YAML, JSON or the XLSX template)."""
    p = Path(path)
    if not p.exists():
        raise BadInput(f"{p}: no such file")
    if p.is_dir():
        raise BadInput(f"{p}: is a directory")
    try:
        head = p.open("rb").read(8)
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror})") from exc
    if head.startswith(b"PK\x03\x04"):
        from .workbook import read_workbook

        return read_workbook(p)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{p}: not UTF-8 text (expected a YAML/JSON budget file or the XLSX template)") from exc
    if not text.strip():
        raise BadInput(f"{p}: empty file")
    if p.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            data = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{p}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=_loader())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            raise BadInput(f"{p}: {where}not valid YAML ({getattr(exc, 'problem', None) or exc})") from exc
    if not isinstance(data, dict):
        raise BadInput(f"{p}: not a budget input (expected a mapping with unit, year, expenditure …)")
    if data.get("format") == "yusuan.disclosure/1":
        raise BadInput(f"{p}: a compiled disclosure, not budget input (use `yusuan render` or `yusuan check`)")
    return data


def _loader():
    """A YAML loader that reads amounts as ``Decimal`` (never float) and keeps codes as text."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def decimal(loader, node):
        return Decimal(loader.construct_scalar(node).replace("_", ""))

    Loader.add_constructor("tag:yaml.org,2002:float", decimal)
    return Loader


def compile_path(path: str | Path, catalog: Catalog | None = None) -> tuple[Disclosure | None, list[Finding]]:
    """Compile a budget input file; ``BadInput`` only when the file is unusable."""
    data = load_data(path)
    doc, findings = compile_data(data, catalog)
    if doc is not None and doc.source is None:
        from dataclasses import replace

        doc = replace(doc, source=str(path))
    return doc, findings
