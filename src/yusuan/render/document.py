"""The document every format prints, as a list of blocks in reading order.

Cover title → 目录 → the standard tables (one per page in paged formats) → the 情况说明:
its title, then each section's heading and paragraphs, the 单位机构设置 table after the
section on 机构设置, the performance-target tables after the section on 绩效, the glossary
as its own section when no section holds it.  Formats differ only in how they draw these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Disclosure
from .sheet import Grid, organisation_grid, performance_grid, table_grid


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # title | subtitle | toc | table | narrative_title | heading | paragraph | perf | org
    text: str = ""
    level: int = 1
    grid: Grid | None = None
    anchor: str = ""


_TOP_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def narrative_title(doc: Disclosure) -> str:
    unit = doc.unit
    name = unit.name if unit else (doc.issuer or "")
    year = f"{doc.year}年" if doc.year else ""
    return f"{name}{year}{doc.scope or ''}{doc.phase or ''}情况说明"


def blocks(doc: Disclosure) -> list[Block]:
    out: list[Block] = [Block("title", doc.title or narrative_title(doc).replace("情况说明", "公开"))]
    if doc.issuer and doc.issuer not in out[0].text:
        out.append(Block("subtitle", f"部门名称：{doc.issuer}"))
    tables = [t for t in doc.tables if t.numeric]
    grids = [(f"t{i + 1}", table_grid(doc, t)) for i, t in enumerate(tables)]
    body: list[Block] = []
    for anchor, g in grids:
        body.append(Block("table", g.title, grid=g, anchor=anchor))
    sections = list(doc.sections)
    if sections or doc.performance or doc.organisations or doc.glossary:
        body.append(Block("narrative_title", narrative_title(doc), anchor="n0"))
    org = organisation_grid(doc)
    org_done = perf_done = False
    has_glossary = any("名词解释" in s.heading for s in sections)
    for i, s in enumerate(sections):
        if s.heading:
            level = 1 if _TOP_HEADING.match(s.heading) else 2
            body.append(Block("heading", s.heading, level=level, anchor=f"s{i}" if level == 1 else ""))
        for para in (p.strip() for p in s.text.split("\n")):
            if para:
                body.append(Block("paragraph", para))
        if org is not None and not org_done and ("机构设置" in s.heading or "机构设置" in s.text):
            body.append(Block("org", "单位机构设置情况", grid=org))
            org_done = True
        if doc.performance and not perf_done and "绩效" in s.heading and _TOP_HEADING.match(s.heading):
            body += _perf_blocks(doc)
            perf_done = True
    if org is not None and not org_done and doc.organisations and not sections:
        body.append(Block("org", "单位机构设置情况", grid=org))
    if doc.performance and not perf_done:
        body.append(Block("heading", "绩效目标", level=1, anchor="perf"))
        body += _perf_blocks(doc)
    if doc.glossary and not has_glossary:
        body.append(Block("heading", "名词解释", level=1, anchor="gloss"))
        for k, (term, definition) in enumerate(doc.glossary, start=1):
            body.append(Block("paragraph", f"{k}、{term}：{definition}"))
    toc = [b for b in body if (b.kind in ("table", "narrative_title") or (b.kind == "heading" and b.level == 1)) and b.anchor]
    out.append(Block("toc", "目录", grid=None))
    out += body
    return out if toc else [b for b in out if b.kind != "toc"]


def _perf_blocks(doc: Disclosure) -> list[Block]:
    return [Block("perf", p.title, grid=performance_grid(p)) for p in doc.performance]


def toc_entries(bs: list[Block]) -> list[Block]:
    return [b for b in bs if b.anchor and (b.kind in ("table", "narrative_title") or (b.kind == "heading" and b.level == 1))]
