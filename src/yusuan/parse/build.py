"""RawDocument → Disclosure: metadata, tables, narrative, organisation, targets, glossary."""

from __future__ import annotations

import re
from dataclasses import replace

from ..catalog import GENERIC_TABLE_ID, Catalog, squash
from ..catalog import get as get_catalog
from ..model import Disclosure, Location, Organisation, Table, Unit
from ..model.finding import Finding
from ..model.money import AmountUnit, unit_from_text
from .layout import RawDocument
from .narrative import build_sections
from .performance import build_performance
from .tables import Region, TableContext, build_table, find_regions

_TITLE_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_CODE_UNIT_RE = re.compile(r"^(\d{3,12})\s+(\S.{1,60})$")


def build(raw: RawDocument, catalog: Catalog | None = None) -> tuple[Disclosure, list[Finding]]:
    catalog = catalog or get_catalog()
    issues: list[Finding] = []
    title, year, phase, scope, issuer = _metadata(raw)
    regions = find_regions(raw, catalog)
    consumed: set[int] = set()  # line numbers (index) that belong to tables
    tables: list[Table] = []
    index_of = {id(ln): i for i, ln in enumerate(raw.lines)}
    ctx = TableContext(amount_unit=_document_unit(raw))
    perf_regions: list[Region] = []
    for reg in regions:
        if not reg.spec.numeric:
            perf_regions.append(reg)
            continue
        found, used = build_table(reg, raw, catalog, ctx, issues)
        # a title named in a table of contents (表8 …基本支出明细表 over 表9 …) gives rows of
        # no cell under no column: a mention, not the table
        found = [t for t in found if t.columns or t.note or not t.rows or any(r.cells for r in t.rows)]
        start = index_of[id(reg.title)]
        if not found:
            continue
        ctx.unit_code, ctx.unit_name = found[-1].unit_code, found[-1].unit_name
        consumed.update(range(start, start + 1 + len(reg.title_more) + used))
        tables.extend(found)
    performance = []
    for reg in perf_regions:
        pt, used = build_performance(reg, catalog)
        if pt is not None:
            performance.append(pt)
            start = index_of[id(reg.title)]
            consumed.update(range(start, start + 1 + len(reg.title_more) + used))
    tables = _merge_continued(tables)
    narrative_lines = [ln for i, ln in enumerate(raw.lines) if i not in consumed]
    sections = build_sections(narrative_lines)
    units = _units(tables, issuer)
    organisations = _organisations(raw)
    glossary = _glossary(sections)
    if raw.empty_pages:
        pages = ",".join(str(p) for p in raw.empty_pages[:20])
        issues.append(
            Finding(
                "page-without-text",
                f"第{pages}页没有文字层（扫描件？），无法读取其内容",
                Location(page=raw.empty_pages[0]),
            )
        )
    amount_unit = ctx.amount_unit or (tables[0].amount_unit if tables else AmountUnit.WAN)
    doc = Disclosure(
        title=title,
        issuer=issuer,
        phase=phase,
        scope=scope,
        year=year,
        amount_unit=amount_unit,
        units=tuple(units),
        tables=tuple(tables),
        sections=tuple(sections),
        organisations=tuple(organisations),
        performance=tuple(performance),
        glossary=tuple(glossary),
        source=raw.source,
        pages=raw.pages,
    )
    return doc, issues


def _document_unit(raw: RawDocument) -> AmountUnit | None:
    """The first amount unit printed anywhere (单位：元 on the first table page): the unit of
    a table that prints none of its own or a garbled one (``金位：元``).  A text twin keeps
    its blank lines, so a long narrative puts the first table page well past any fixed
    number of lines."""
    for ln in raw.lines:
        u = unit_from_text(ln.joined)
        if u is not None:
            return u
    return None


def _metadata(raw: RawDocument) -> tuple[str, int | None, str | None, str | None, str | None]:
    """Title, year, phase, scope and issuer from the cover (first lines)."""
    head = [ln for ln in raw.lines[:60] if not ln.is_blank]
    title = ""
    for ln in head:
        t = squash(ln.text)
        if ("预算" in t or "决算" in t) and len(t) <= 60 and "目录" not in t:
            title = re.sub(r"\s+", " ", ln.text.strip())
            break
    if not title and head:
        title = re.sub(r"\s+", " ", head[0].text.strip())
    cover = " ".join(squash(ln.text) for ln in head[:12])
    t = squash(title) or cover
    year = None
    m = _TITLE_RE.search(t) or _TITLE_RE.search(cover)
    if m:
        year = int(m.group(1))
    phase = "决算" if "决算" in t else ("预算" if "预算" in t else None)
    if phase is None:
        phase = "决算" if "决算" in cover else ("预算" if "预算" in cover else None)
    scope = None
    for word in ("单位预算", "单位决算", "部门预算", "部门决算", "部门综合预算"):
        if word in t:
            scope = word[:2]
            break
    if scope is None:
        scope = "单位" if "单位" in t else ("部门" if "部门" in t else None)
    issuer = None
    mm = re.match(r"^(.*?)(?:所属单位)?\s*(?:(?:19|20)\d{2}\s*年)", squash(title))
    if mm and mm.group(1):
        issuer = mm.group(1)
    else:
        for ln in head[:15]:
            m2 = re.match(r"^(?:预算单位|编制单位|单位名称|部门名称|部门)[:：]\s*(\S+)", squash(ln.text))
            if m2:
                issuer = m2.group(1)
                break
    if issuer is None:
        m3 = re.match(r"^(.+?)(?:（汇总）|\(汇总\))?$", squash(head[0].text)) if head else None
        if m3 and not re.search(r"\d{4}", m3.group(1)) and len(m3.group(1)) <= 30:
            issuer = m3.group(1)
    return title, year, phase, scope, issuer


def _merge_continued(tables: list[Table]) -> list[Table]:
    """A table whose title repeats on the next page is one table."""
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.id == t.id
            and (prev.title == t.title or t.id != GENERIC_TABLE_ID)  # generic tables: by their title
            and prev.unit_code == t.unit_code
            and [c.header for c in prev.columns] == [c.header for c in t.columns]
            and prev.rows
            and t.rows
            and (t.pages[0] - prev.pages[-1]) in (0, 1)
            and not _restarts(prev, t)
        ):
            out[-1] = replace(prev, rows=prev.rows + t.rows, pages=tuple(sorted(set(prev.pages + t.pages))))
        else:
            out.append(t)
    return out


def _restarts(prev: Table, t: Table) -> bool:
    """The second fragment starts again with a 合计 row or 序号 1: a separate table."""
    first = t.rows[0]
    return first.seq == "1" or first.item in ("合计", "总计")


#: tables that list the units of a 部门 document row by row (``153001 西安市公安局`` with its
#: income or spending): the units the document covers, beside those its tables are printed for
_UNIT_ROW_TABLES = frozenset({"income_summary", "expenditure_summary", "final_income_summary", "final_expenditure_summary"})
_UNIT_CODE_RE = re.compile(r"^\d{3,12}$")


def _units(tables: list[Table], issuer: str | None) -> list[Unit]:
    """The units the document covers: those its tables are printed for (the first is the
    document's own unit), then those its summary tables list row by row, each code once."""
    seen: dict[tuple[str | None, str], Unit] = {}
    for t in tables:
        if t.unit_name:
            key = (t.unit_code, t.unit_name)
            seen.setdefault(key, Unit(code=t.unit_code, name=t.unit_name))
    units = list(seen.values())
    coded = {u.name for u in units if u.code}
    units = [u for u in units if u.code or u.name not in coded]
    if not units and issuer:
        units = [Unit(code=None, name=issuer)]
    codes = {u.code for u in units if u.code}
    for t in tables:
        if t.id not in _UNIT_ROW_TABLES:
            continue
        for r in t.rows:
            name = squash(r.item)
            if r.code or not r.unit_code or r.unit_code in codes or not _UNIT_CODE_RE.match(r.unit_code):
                continue
            if not name or name.isdigit() or name in ("合计", "总计") or not re.search(r"[\u4e00-\u9fff]{2}", name):
                continue
            codes.add(r.unit_code)
            units.append(Unit(code=r.unit_code, name=name))
    return units


def _organisations(raw: RawDocument) -> list[Organisation]:
    """The 单位机构设置 table: a header naming 单位性质 and 经费保障形式, then rows."""
    out: list[Organisation] = []
    for i, ln in enumerate(raw.lines):
        j = ln.joined
        if "单位性质" in j and ("经费保障形式" in j or "经费形式" in j or "单位规格" in j):
            headers = [squash(w.text) for w in ln.words]
            for nxt in raw.lines[i + 1 : i + 30]:
                if nxt.is_blank:
                    continue
                if len(nxt.words) < 2 or len(nxt.joined) > 80:
                    break
                cells = [w.text for w in nxt.words]
                rec = dict(zip(headers, cells))
                name = rec.get("单位名称") or cells[0]
                out.append(
                    Organisation(
                        name=squash(name),
                        nature=rec.get("单位性质"),
                        rank=rec.get("单位规格"),
                        funding=rec.get("经费保障形式") or rec.get("经费形式"),
                    )
                )
            break
    return out


_GLOSSARY_RE = re.compile(r"(?:^|\s|[。；])(?:\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]+[)）])\s*\**[“\"]?([^：:*“”\"]{2,24}?)[”\"]?\**\s*[：:]\s*(?:\*\*)?")


def _glossary(sections) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for s in sections:
        if "名词解释" not in s.heading and "名词解释" not in s.text[:20]:
            continue
        text = s.text.replace("- ", " ").replace("**", "")
        matches = list(_GLOSSARY_RE.finditer(" " + text))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text) + 1
            definition = (" " + text)[m.end() : end].strip()
            out.append((m.group(1).strip("“”\" "), definition))
    return out
