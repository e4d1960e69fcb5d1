"""A table laid out once, as every format prints it: header cells with spans, 栏次, rows.

The official layout: 序号 first; coded tables print 科目编码 and 科目名称 under their
classification (功能分类科目 / 经济分类科目), tables of projects and purchases their 项目名称 /
采购项目 beside the codes; two-sided tables (收入 | 支出) print each side's
项目 beside its amounts on one line; header groups (本年收入, 资金性质 …) span their
columns; a leaf with fewer header levels than the deepest spans the rows below it.  Key
column headers are the words ``catalog/columns.yaml`` knows, and the title is one its
``tables.yaml`` recognises, so that ``parse`` reads the printed table back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..catalog import get as get_catalog
from ..model import Disclosure, PerformanceTable, Row, Table
from ..model.money import plain


@dataclass(frozen=True, slots=True)
class GCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    kind: str = "text"  # head | seq | code | label | amount | quantity | text
    value: Decimal | None = None
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Spec:
    kind: str  # seq | unit_code | code | code2 | label | amount | quantity | text
    path: tuple[str, ...]
    key: str | None = None
    side: str | None = None
    code_field: str | None = None  # which Row.codes entry a code2 column prints


@dataclass(slots=True)
class Grid:
    title: str
    meta: list[str]
    header: list[list[GCell | None]]
    numbers: list[str] | None
    body: list[list[GCell | None]]
    note: str | None
    kinds: list[str]
    table_id: str = ""
    widths: list[float] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.kinds)


_CODE_GROUPS = {"2": "功能分类科目", "3": "经济分类科目", "5": "政府经济分类科目"}


def _title(t: Table) -> str:
    """The printed title, one the recogniser maps back to the same table id."""
    cat = get_catalog()
    spec = cat.match_title(t.title)
    if spec is not None and spec.id == t.id:
        return t.title
    known = cat.table_by_id.get(t.id)
    return known.name if known else t.title


def meta_lines(doc: Disclosure, t: Table) -> list[str]:
    """Unit line, 预算年度 and 单位 — printed under the title and atop continuation pages."""
    out = []
    if t.unit_code and t.unit_name:
        out.append(f"{t.unit_code} {t.unit_name}")
    elif t.unit_name:
        out.append(f"单位名称：{t.unit_name}")
    if doc.year and (doc.phase or "预算") == "预算":
        out.append(f"预算年度：{doc.year}")
    out.append(f"单位：{t.amount_unit}")
    return out


def _specs(t: Table) -> list[Spec]:
    sides = list(dict.fromkeys(c.side for c in t.columns)) or [None]
    for r in t.rows:
        if r.side not in sides:
            sides.append(r.side)
    specs: list[Spec] = []
    # a 决算 收支总表 numbers each side's lines (行次 1… for 收入, 31… for 支出): each side
    # prints its own 行次 after its 项目; otherwise one 序号 column leads
    per_side = len(sides) > 1 and any(
        len({r.seq for r in line if r.seq}) > 1 or any(r.seq for r in line[1:]) and not line[0].seq for line in _lines(t)
    )
    if any(r.seq for r in t.rows) and not per_side:
        specs.append(Spec("seq", ("序号",)))
    for side in sides:
        rows = [r for r in t.rows if r.side == side]
        values = [c for c in t.columns if c.side == side]
        group: tuple[str, ...] = ()
        if side is not None and values and all(len(c.path) >= 2 for c in values) and len({c.path[0] for c in values}) == 1:
            group = (values[0].path[0],)
        codes = [r.code for r in rows if r.code]
        extra = list(dict.fromkeys(k for r in rows for k in r.codes))
        if any(r.unit_code for r in rows):
            specs.append(Spec("unit_code", (*group, "单位编码"), side=side))
        if codes:
            cg = _CODE_GROUPS.get(codes[0][0])
            sub = (cg,) if cg else ()
            specs.append(Spec("code", (*group, *sub, "科目编码"), side=side))
            for k in extra:
                name = {"gov_economic": "政府经济分类科目编码", "economic": "经济分类科目编码"}.get(k, "编码")
                specs.append(Spec("code2", (*group, *sub, name), side=side, code_field=k))
            # a table of projects or purchases names its rows by project, not by subject
            known = get_catalog().table_by_id.get(t.id)
            named = known.row_name if known else None
            specs.append(Spec("label", (*group, named) if named else (*group, *sub, "科目名称"), side=side))
        else:
            specs.append(Spec("label", (*group, "项目"), side=side))
        if per_side and any(r.seq for r in rows):
            specs.append(Spec("seq", (*group, "行次"), side=side))
        for c in values:
            leaf = c.header
            groups = tuple(g for g in c.path[:-1] if g)
            kind = "quantity" if c.kind == "quantity" else ("text" if c.kind == "text" else "amount")
            specs.append(Spec(kind, (*groups, leaf), key=c.key, side=side))
    return specs


def _lone_groups_dropped(specs: list[Spec]) -> list[Spec]:
    """A group over a single column is left out: printed, it would be read back as part of
    that column's header (``支出预算`` + ``项目支出``), which is not what the table says."""
    from dataclasses import replace

    out = list(specs)
    changed = True
    while changed:
        changed = False
        for j, s in enumerate(out):
            for k in range(len(s.path) - 1):
                prefix = s.path[: k + 1]
                shared = any(0 <= i < len(out) and i != j and out[i].path[: k + 1] == prefix and len(out[i].path) > k + 1 for i in (j - 1, j + 1))
                if not shared:
                    out[j] = replace(s, path=s.path[:k] + s.path[k + 1 :])
                    changed = True
                    break
    return out


def _header(specs: list[Spec]) -> list[list[GCell | None]]:
    depth = max(len(s.path) for s in specs)
    n = len(specs)
    grid: list[list[GCell | None]] = [[None] * n for _ in range(depth)]
    for level in range(depth):
        j = 0
        while j < n:
            p = specs[j].path
            if level >= len(p):
                j += 1
                continue
            if level == len(p) - 1:  # the leaf: spans the rows below
                grid[level][j] = GCell(p[level], rowspan=depth - level, kind="head")
                j += 1
                continue
            k = j + 1
            while k < n and len(specs[k].path) > level + 1 and specs[k].path[: level + 1] == p[: level + 1]:
                k += 1
            grid[level][j] = GCell(p[level], colspan=k - j, kind="head")
            j = k
    return grid


def _numbers(t: Table, specs: list[Spec]) -> list[str] | None:
    cols = {c.key: c for c in t.columns}
    numbered = [s for s in specs if s.key and cols[s.key].number]
    if not numbered:
        return None
    positions = {}
    p = 0
    for i, s in enumerate(specs):
        if s.kind != "seq":
            p += 1
            positions[i] = p
    aligned = all(cols[s.key].number == str(positions[specs.index(s)]) for s in numbered)
    out = []
    for i, s in enumerate(specs):
        if s.kind == "seq":
            out.append("栏次" if s.side is None else "")
        elif s.key:
            out.append(cols[s.key].number or "")
        else:
            out.append(str(positions[i]) if aligned else "")
    if specs[0].kind != "seq":
        out[0] = "栏次" if not out[0] else out[0]
    return out


def _indent(r: Row) -> int:
    if r.code:
        return {3: 0, 5: 1, 7: 2}.get(len(r.code), 0)
    return 1 if r.label.startswith("其中") else 0


def _cell_text(r: Row, key: str) -> tuple[str, Decimal | None]:
    c = r.cells.get(key)
    if c is None:
        return "", None
    text = c.text if c.text else (plain(c.value) if c.value is not None else "")
    return text, c.value


def _lines(t: Table) -> list[list[Row]]:
    """Rows printed on one line: the sides of a two-sided table share their line."""
    if len({r.side for r in t.rows}) <= 1:
        return [[r] for r in t.rows]
    lines: list[list[Row]] = []
    index: dict[tuple, int] = {}
    for r in t.rows:
        key = ("line", r.page, r.line) if r.line is not None else ("seq", r.seq)
        if r.seq is None and r.line is None:
            key = ("row", id(r))
        i = index.get(key)
        if i is not None and all(x.side != r.side for x in lines[i]):
            lines[i].append(r)
        else:
            index[key] = len(lines)
            lines.append([r])
    return lines


def _body(t: Table, specs: list[Spec]) -> list[list[GCell | None]]:
    out = []
    for line in _lines(t):
        by_side = {r.side: r for r in line}
        cells: list[GCell | None] = []
        for s in specs:
            r = by_side.get(s.side) if s.kind != "seq" or s.side is not None else line[0]
            if r is None:
                cells.append(GCell("", kind=s.kind))
                continue
            if s.kind == "seq":
                seq = r.seq if s.side is not None else next((x.seq for x in line if x.seq), "")
                cells.append(GCell(seq or "", kind="seq"))
            elif s.kind == "unit_code":
                cells.append(GCell(r.unit_code or "", kind="code"))
            elif s.kind == "code":
                cells.append(GCell(r.code or "", kind="code"))
            elif s.kind == "code2":
                cells.append(GCell(r.codes.get(s.code_field or "", ""), kind="code"))
            elif s.kind == "label":
                label = r.label
                if r.unit_code and label == r.unit_code and any(x.kind == "unit_code" for x in specs):
                    label = ""
                cells.append(GCell(label, kind="label", indent=_indent(r)))
            else:
                text, value = _cell_text(r, s.key or "")
                cells.append(GCell(text, kind=s.kind, value=value))
        out.append(cells)
    return out


def table_grid(doc: Disclosure, t: Table) -> Grid:
    specs = _lone_groups_dropped(_specs(t))
    return Grid(
        title=_title(t),
        meta=meta_lines(doc, t),
        header=_header(specs),
        numbers=_numbers(t, specs),
        body=_body(t, specs),
        note=t.note,
        kinds=[s.kind for s in specs],
        table_id=t.id,
        widths=_widths(specs),
    )


def _widths(specs: list[Spec]) -> list[float]:
    """Relative column widths (labels wide, codes and 序号 narrow)."""
    w = {"seq": 0.5, "unit_code": 1.0, "code": 1.0, "code2": 1.0, "label": 3.2, "amount": 1.1, "quantity": 0.8, "text": 2.0}
    return [w.get(s.kind, 1.0) for s in specs]


# --------------------------------------------------------------------------- others

PERF_HEAD = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


def performance_grid(p: PerformanceTable, amount_unit: str = "万元") -> Grid:
    """A 绩效目标表: 项目名称 and 绩效目标 rows, then the indicator tree (一级/二级 merged)."""
    n = len(PERF_HEAD)
    body: list[list[GCell | None]] = []
    top: list[list[GCell | None]] = []
    if p.project:
        top.append([GCell("项目名称", kind="head"), GCell(p.project, colspan=n - 1, kind="text"), *([None] * (n - 2))])
    top.append([GCell("绩效目标", kind="head"), GCell(p.target or "", colspan=n - 1, kind="text"), *([None] * (n - 2))])
    inds = list(p.indicators)
    i = 0
    rows: list[list[GCell | None]] = []
    while i < len(inds):
        rows.append([None] * n)
        i += 1
    # vertical merges of 一级/二级 指标
    for level, attr in ((0, "level1"), (1, "level2")):
        i = 0
        while i < len(inds):
            j = i + 1
            while j < len(inds) and getattr(inds[j], attr) == getattr(inds[i], attr) and (level == 0 or inds[j].level1 == inds[i].level1):
                j += 1
            rows[i][level] = GCell(getattr(inds[i], attr), rowspan=j - i, kind="label")
            i = j
    for k, ind in enumerate(inds):
        rows[k][2] = GCell(ind.level3, kind="label")
        rows[k][3] = GCell(ind.description, kind="text")
        rows[k][4] = GCell(ind.value_text, kind="text")
        rows[k][5] = GCell(ind.basis, kind="text")
    body = top + [[GCell(h, kind="head") for h in PERF_HEAD]] + rows
    return Grid(
        title=p.title,
        meta=[],
        header=[],
        numbers=None,
        body=body,
        note=None,
        kinds=["label", "label", "label", "text", "text", "text"],
        table_id="performance_targets",
        widths=[1.0, 1.2, 1.6, 2.2, 1.2, 1.6],
    )


ORG_HEAD = ("单位名称", "单位性质", "单位规格", "经费保障形式")


def organisation_grid(doc: Disclosure) -> Grid | None:
    if not doc.organisations:
        return None
    body: list[list[GCell | None]] = [[GCell(o.name, kind="label"), GCell(o.nature or ""), GCell(o.rank or ""), GCell(o.funding or "")] for o in doc.organisations]
    return Grid(
        title="",
        meta=[],
        header=[[GCell(h, kind="head") for h in ORG_HEAD]],
        numbers=None,
        body=body,
        note=None,
        kinds=["label", "text", "text", "text"],
        table_id="organisations",
        widths=[3.0, 1.2, 1.2, 1.5],
    )


def spans(grid_rows: list[list[GCell | None]]) -> list[list[str]]:
    """Plain text rows (a merged cell's text in its first cell, the rest empty)."""
    return [[c.text if c is not None else "" for c in row] for row in grid_rows]


__all__ = ["GCell", "Grid", "meta_lines", "organisation_grid", "performance_grid", "spans", "table_grid"]
