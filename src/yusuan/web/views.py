"""Shape a disclosure for the page: tables as printed, chart series, year-over-year.

Pure functions over the model (and aggregate results); the templates only loop.
Amounts stay ``Decimal`` / strings here; the chart script turns them into numbers for
drawing only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest

from markupsafe import Markup, escape

from ..model import Disclosure, Row, Table, plain
from ..model.codes import LEVEL_NAMES, level

#: where the functional classification of all expenditure is, in order of preference
FUNCTIONAL_TABLES = ("expenditure_summary", "general_budget_expenditure", "final_expenditure_summary",
                     "final_general_budget_expenditure", "income_summary")
ECONOMIC_TABLES = ("general_budget_basic_expenditure", "final_general_budget_basic_expenditure",
                   "general_budget_expenditure_economic")
THREE_PUBLIC_TABLES = ("three_public_expenses", "final_three_public_expenses")


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class TableView:
    id: str
    title: str
    unit_note: str
    header: list[list[HeaderCell]]
    body: list[list[tuple[str, str]]]  # (text, css class)
    empty_note: str | None = None
    pages: tuple[int, ...] = ()

    def html(self) -> Markup:
        """The ``<table>`` as markup, every text escaped (faster than a template loop for big tables)."""
        out = ['<table class="data doc-table"><thead>']
        for hr in self.header:
            out.append("<tr>")
            for h in hr:
                span = (f' colspan="{h.colspan}"' if h.colspan > 1 else "") + (f' rowspan="{h.rowspan}"' if h.rowspan > 1 else "")
                out.append(f"<th{span}>{escape(h.text)}</th>")
            out.append("</tr>")
        out.append("</thead><tbody>")
        if not self.body:
            out.append(f'<tr><td class="empty" colspan="99">{escape(self.empty_note or "空表")}</td></tr>')
        for line in self.body:
            out.append("<tr>")
            for text, cls in line:
                out.append(f'<td class="{cls}">{escape(text)}</td>')
            out.append("</tr>")
        out.append("</tbody></table>")
        return Markup("".join(out))


def _header_rows(paths: list[tuple[str, ...]], prefix: list[str]) -> list[list[HeaderCell]]:
    depth = max([len(p) for p in paths] + [1])
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for text in prefix:
        rows[0].append(HeaderCell(text, 1, depth))
    for lvl in range(depth):
        i = 0
        while i < len(paths):
            p = paths[i]
            if len(p) <= lvl:
                i += 1
                continue
            if len(p) == lvl + 1:
                rows[lvl].append(HeaderCell(p[lvl], 1, depth - lvl))
                i += 1
                continue
            j = i
            while j < len(paths) and len(paths[j]) > lvl + 1 and paths[j][: lvl + 1] == p[: lvl + 1]:
                j += 1
            rows[lvl].append(HeaderCell(p[lvl], j - i, 1))
            i = j
    return [r for r in rows if r]


def _cell(row: Row | None, key: str) -> tuple[str, str]:
    if row is None:
        return ("", "num")
    c = row.cells.get(key)
    if c is None:
        return ("", "num")
    return (c.text if c.value is None else c.text or plain(c.value), "num")


def table_view(t: Table, empty_note: str | None = None) -> TableView:
    sides = [s for s in dict.fromkeys(c.side for c in t.columns) if s]
    note = f"单位：{t.amount_unit}"
    if sides:
        halves = []
        for s in sides:
            cols = [c for c in t.columns if c.side == s]
            group = cols[0].path[0] if cols and len(cols[0].path) > 1 else {"income": "收入", "expenditure": "支出"}.get(s, s)
            halves.append((s, group, cols))
        paths = []
        for s, group, cols in halves:
            paths.append((group, "项目"))
            paths += [(group, *c.path[1:]) if len(c.path) > 1 else (group, c.header) for c in cols]
        header = _header_rows(paths, ["序号"])
        by_side = {s: [r for r in t.rows if r.side == s] for s in sides}
        body = []
        if all(r.seq for r in t.rows):
            seqs = list(dict.fromkeys(r.seq for r in t.rows))
            lines = [[next((r for r in by_side[s] if r.seq == q), None) for s in sides] for q in seqs]
        else:
            lines = [list(x) for x in zip_longest(*(by_side[s] for s in sides))]
        for parts in lines:
            seq = next((r.seq for r in parts if r is not None and r.seq), "")
            line = [(seq or "", "seq")]
            for (s, _g, cols), r in zip(halves, parts):
                line.append((r.label if r else "", "label"))
                line += [_cell(r, c.key) for c in cols]
            body.append(line)
        return TableView(t.id, t.title, note, header, body, empty_note, t.pages)
    has_code = any(r.code for r in t.rows)
    has_seq = any(r.seq for r in t.rows)
    prefix = (["序号"] if has_seq else []) + (["科目编码"] if has_code else []) + ["项目"]
    header = _header_rows([c.path or (c.header,) for c in t.columns], prefix)
    body = []
    for r in t.rows:
        line = []
        if has_seq:
            line.append((r.seq or "", "seq"))
        if has_code:
            line.append((r.code or "", "code"))
        indent = f"label lvl{level(r.code)}" if r.code else "label"
        line.append((r.label, indent))
        line += [_cell(r, c.key) for c in t.columns]
        body.append(line)
    return TableView(t.id, t.title, note, header, body, empty_note, t.pages)


def tables_for_unit(doc: Disclosure, unit_code: str) -> list[Table]:
    main = doc.unit.code if doc.unit else None
    return [t for t in doc.tables if (t.unit_code or main) == unit_code]


def _first(doc: Disclosure, ids: tuple[str, ...], unit_code: str) -> Table | None:
    for tid in ids:
        for t in tables_for_unit(doc, unit_code):
            if t.id == tid and not t.is_empty:
                return t
    return None


def _total_key(t: Table) -> str | None:
    return t.key_for("total") or (t.columns[0].key if t.columns else None)


def key_figures(doc: Disclosure, unit_code: str) -> list[tuple[str, str, str]]:
    """Headline amounts (label, amount, unit) from the 合计 lines of the expenditure and 三公 tables."""
    out = []
    t = _first(doc, FUNCTIONAL_TABLES, unit_code)
    if t is not None:
        total = next((r for r in t.rows if not r.code and r.item.replace(" ", "") in ("合计", "总计")), None)
        if total is not None:
            for role, label in (("total", "支出合计"), ("basic", "基本支出"), ("project", "项目支出")):
                key = t.key_for(role)
                v = total.value(key) if key else None
                if v is not None:
                    out.append((label, plain(v), str(t.amount_unit)))
    t = _first(doc, THREE_PUBLIC_TABLES, unit_code)
    if t is not None:
        key = _total_key(t)
        total = next((r for r in t.rows if r.item.replace(" ", "") == "合计"), None)
        if total is not None and key and total.value(key) is not None:
            out.append(("“三公”经费", plain(total.value(key)), str(t.amount_unit)))
    return out


def functional_tree(doc: Disclosure, unit_code: str) -> dict | None:
    """类 → 款 → 项 tree of the functional classification (``total`` column), for a treemap."""
    t = _first(doc, FUNCTIONAL_TABLES, unit_code)
    if t is None:
        return None
    key = _total_key(t)
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for r in t.rows:
        if not r.code or level(r.code) == 0 or not r.code.startswith("2"):
            continue
        v = r.value(key) if key else None
        if v is None:
            continue
        node = {"name": f"{r.code} {r.item}", "code": r.code, "value": plain(v), "children": []}
        nodes[r.code] = node
        parent = r.code[:-2] if len(r.code) > 3 else None
        while parent and parent not in nodes:
            parent = parent[:-2] if len(parent) > 3 else None
        (nodes[parent]["children"] if parent else roots).append(node)
    for n in nodes.values():
        if not n["children"]:
            del n["children"]
    if not roots:
        return None
    return {"table": t.id, "title": t.title, "unit": str(t.amount_unit), "data": roots}


def economic_series(doc: Disclosure, unit_code: str) -> dict | None:
    """Economic classification of basic expenditure: 类 with their 款 (sunburst)."""
    t = _first(doc, ECONOMIC_TABLES, unit_code)
    if t is None:
        return None
    key = _total_key(t)
    classes: dict[str, dict] = {}
    for r in t.rows:
        if not r.code or level(r.code) == 0:
            continue
        v = r.value(key) if key else None
        if v is None:
            continue
        if level(r.code) == 1:
            classes[r.code] = {"name": f"{r.code} {r.item}", "value": plain(v), "children": []}
        elif r.code[:3] in classes and level(r.code) == 2:
            classes[r.code[:3]]["children"].append({"name": f"{r.code} {r.item}", "value": plain(v)})
    if not classes:
        return None
    return {"table": t.id, "title": t.title, "unit": str(t.amount_unit), "data": list(classes.values())}


@dataclass
class YoyLine:
    code: str
    item: str
    level: int
    this: Decimal | None
    last: Decimal | None

    @property
    def diff(self) -> Decimal | None:
        if self.this is None and self.last is None:
            return None
        return (self.this or Decimal(0)) - (self.last or Decimal(0))

    @property
    def pct(self) -> str:
        if not self.last or self.diff is None:
            return ""
        return f"{(self.diff / self.last * 100).quantize(Decimal('0.1'))}%"


@dataclass
class Yoy:
    year: int
    last_year: int
    lines: list[YoyLine] = field(default_factory=list)
    unit: str = "万元"


def series_by_code(cells) -> list[dict]:
    """``queries.SeriesCell`` rows of one table and year → ``{"code", "amount"}`` per code (summed)."""
    out: dict[str, Decimal] = {}
    for c in cells:
        if c.code:
            out[c.code] = out.get(c.code, Decimal(0)) + c.amount
    return [{"code": k, "amount": plain(v)} for k, v in out.items()]


def yoy(this_cells: list[dict], last_cells: list[dict], year: int, names: dict[str, str] | None = None) -> Yoy:
    """Year-over-year lines from two lists of ``{"code", "amount"}`` (aggregate drilldowns by code)."""
    names = names or {}
    a = {c["code"]: c for c in this_cells if c.get("code")}
    b = {c["code"]: c for c in last_cells if c.get("code")}
    out = Yoy(year, year - 1)

    def total(cells: dict) -> Decimal | None:
        vals = [Decimal(c["amount"]) for code, c in cells.items() if level(code) == 1 and c.get("amount")]
        return sum(vals, Decimal(0)) if vals else None

    out.lines.append(YoyLine("", "合计（各类之和）", 0, total(a), total(b)))
    for code in sorted(set(a) | set(b)):
        x, y = a.get(code), b.get(code)
        name = (x or y).get("code_name") or names.get(code) or (x or y).get("item") or ""
        out.lines.append(YoyLine(code, name, level(code), Decimal(x["amount"]) if x and x["amount"] else None,
                                 Decimal(y["amount"]) if y and y["amount"] else None))
    return out


def level_name(code: str | None) -> str:
    return LEVEL_NAMES.get(level(code), "") if code else ""
