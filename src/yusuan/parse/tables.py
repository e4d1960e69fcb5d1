"""Table recognition: titles → regions → header and body → a ``Table``.

A table starts at a line whose text names a standard table (aliases in
``catalog/tables.yaml``) and runs to the next title, the narrative, or the end.  Its
pages repeat the unit line, 预算年度, 单位：万元 and the column header: those lines are
furniture and are dropped; the fragments are joined into one table whose rows keep their
page.  Columns are recognised by header text (``catalog/columns.yaml``), never by position.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from ..catalog import Catalog, TableSpec, clean_header, squash
from ..model import Cell, Column, Location, Row, Table
from ..model.codes import is_code, join_code, repair_code
from ..model.finding import Finding as Issue
from ..model.money import AmountUnit, is_amount, parse_amount, unit_from_text
from .grid import (
    GridRow,
    HeaderColumn,
    Slot,
    assign_lines,
    best_slot,
    geometric_slots,
    header_cells_geometric,
    header_cells_grid,
    is_value,
    resolve_columns,
)
from .layout import Line, RawDocument, Word

_COL_NUMBER_WORDS = {"栏次", "档次", "行次"}
_UNIT_LINE_RE = re.compile(r"^(\d{3,12})(?!\d)\s*[-—:：]?\s*(\S.{1,60})$")
_PROSE_RE = re.compile(r"[，。；]")
_NOTE_RE = re.compile(r"^(?:注|备注|说明)\s*[:：]|^注\s*\d|^[（(]?注[)）]")
_SECTION_RE = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)")
_CODE_NAME_RE = re.compile(r"^(\d{3}(?:\d{2}){0,3})\s*[-—－]\s*(\S.*)$")
_CODE_SPACE_NAME_RE = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s+(\D\S*)$")
_SEQ_RE = re.compile(r"^\d{1,4}$")
_COLUMN_NUMBER_RE = re.compile(r"\d{1,2}")  # a 栏次 number
_UNIT_CODE_RE = re.compile(r"\d{3,12}")
_DOC_TITLE_RE = re.compile(r"(?:情况说明|信息公开|公开说明|编制说明|^目\s*录)$")
_EMPTY_NOTE_RE = re.compile(r"空表|无.{0,20}(?:预算|收支|支出|数据|经费)|不涉及|本表无数据|故本表")


@dataclass
class Region:
    spec: TableSpec
    title: Line
    lines: list[Line] = field(default_factory=list)
    # the rest of a title printed on two lines (“…一般公共预算拨款“三公”经费、” /
    # “会议费、培训费表（不含上年结转）”); ``lines`` start after it
    title_more: tuple[Line, ...] = ()

    @property
    def title_text(self) -> str:
        return "".join([self.title.text, *(ln.text for ln in self.title_more)])


@dataclass
class TableContext:
    """What the document tells about the current page: unit, amount unit."""

    unit_code: str | None = None
    unit_name: str | None = None
    amount_unit: AmountUnit | None = None


def find_regions(raw: RawDocument, catalog: Catalog) -> list[Region]:
    """Split the document into table regions, one per title line."""
    titles: list[tuple[int, TableSpec]] = []
    two_line: set[int] = set()
    lines = raw.lines
    on_page: dict[int, int] = {}  # page -> lines with words seen on it so far
    for i, ln in enumerate(lines):
        if ln.is_blank:
            continue
        nth = on_page[ln.page] = on_page.get(ln.page, 0) + 1
        if len(ln.words) > 4 or i - 1 in two_line:
            continue
        text = " ".join(w.text for w in ln.words)
        spec = catalog.match_title(text)
        if spec is None and len(ln.words) > 1:
            # a title sharing its line with a table number or unit (预算01表  收支总表)
            spec = catalog.match_title(ln.words[-1].text) if len(ln.words[-1].text) > 3 else None
        if spec is None and i + 1 < len(lines) and _title_goes_on(ln, lines[i + 1]):
            # a long title wrapped onto a second line, neither half a title by itself
            nxt = lines[i + 1]
            spec = catalog.match_title(ln.joined + nxt.joined)
            if spec is not None and catalog.match_title(nxt.joined) is None:
                two_line.add(i)
            else:
                spec = None
        if spec is None and "表" in ln.joined and not (nth <= 3 and titles and lines[titles[-1][0]].page == ln.page):
            # a title the catalogue does not know over a header and rows: a generic table
            # under its printed title, not lines lost to the narrative.  Atop its page any
            # header will do; further down (a second table on the page, or a row label that
            # ends 表) the header must name a column the catalogue knows
            spec = catalog.generic_title(text)
            if spec is not None and not _table_follows(lines, i + 1, catalog, known_header=nth > 3):
                spec = None
        if spec is not None:
            prev = raw.lines[titles[-1][0]] if titles else None
            if prev is not None and titles[-1][1] == spec and prev.joined == ln.joined and prev.page < ln.page:
                continue  # the title printed again on a continuation page: the same table goes on
            titles.append((i, spec))
    regions: list[Region] = []
    for k, (i, spec) in enumerate(titles):
        end = titles[k + 1][0] if k + 1 < len(titles) else len(raw.lines)
        more = (raw.lines[i + 1],) if i in two_line else ()
        regions.append(Region(spec=spec, title=raw.lines[i], lines=raw.lines[i + 1 + len(more) : end], title_more=more))
    return regions


def _table_follows(lines: list[Line], start: int, catalog: Catalog, known_header: bool = False) -> bool:
    """A header and at least two rows follow (before another title) within 16 lines; with
    ``known_header``, a header naming at least one column the catalogue knows."""
    header = data = 0
    known = not known_header
    seen = 0
    for ln in lines[start:]:
        if ln.is_blank:
            continue
        seen += 1
        if seen > 16 or (len(ln.words) <= 4 and catalog.match_title(" ".join(w.text for w in ln.words))):
            break
        if catalog.is_furniture(ln.joined) or unit_from_text(ln.joined) and len(ln.words) == 1:
            continue
        if _is_data_line(ln, catalog):
            if not header or not known:
                return False
            data += 1
            if data >= 2:
                return True
        elif not data:
            if is_prose(ln):
                return False
            header += 1
            known = known or any(squash(w.text) in catalog.header_words or catalog.known_header(w.text) for w in ln.words)
    return False


def _title_goes_on(ln: Line, nxt: Line) -> bool:
    """Could ``nxt`` be the second line of a title starting on ``ln``?  Both short, on one
    page, the second ending the title (表, maybe a bracketed qualifier, or the rest of a
    qualifier the first line opened)."""
    if nxt.is_blank or nxt.page != ln.page or len(nxt.words) > 3 or len(ln.words) > 2:
        return False
    j = nxt.joined
    if any(is_amount(w.text) for w in (*ln.words, *nxt.words)):
        return False
    if "表" in j and "表" not in ln.joined:
        return True
    # the title's bracketed qualifier broken inside (``…支出明细表（按支出功能分类科`` /
    # ``目-不含上年结转）``): the first line leaves a bracket open, the second closes it
    first = ln.joined
    return _open_brackets(first) > 0 and _open_brackets(first + j) == 0 and j.endswith(("）", ")"))


def _open_brackets(text: str) -> int:
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def is_prose(line: Line) -> bool:
    """A narrative line: one long run of text with sentence punctuation."""
    j = line.joined
    if _NOTE_RE.match(j):
        return False
    if len(line.words) == 1 and len(j) >= 22 and _PROSE_RE.search(j):
        return True
    return len(j) >= 40 and len(_PROSE_RE.findall(j)) >= 2 and len(line.words) <= 2


def is_column_numbers(line: Line) -> bool:
    """The 栏次 row (``栏次 1 2 3 …``) numbers columns; it is not data."""
    ws = line.words
    if not ws:
        return False
    if squash(ws[0].text) in _COL_NUMBER_WORDS:
        return True
    if len(ws) > 1 and len(ws[0].text) == 1 and squash(ws[0].text + ws[1].text) in _COL_NUMBER_WORDS:
        return True  # letter-spaced 栏   次
    if len(ws) < 3 or not all(_is_column_number(w.text) or w.text in _NO_NUMBER for w in ws):
        return False
    # (columns without a number are marked ** in some layouts: ** ** 1 2 3 4 **)
    vals = [int(w.text) for w in ws if w.text not in _NO_NUMBER]
    return len(vals) >= 2 and vals == list(range(vals[0], vals[0] + len(vals)))


_NO_NUMBER = frozenset({"**", "*", "—", "-"})


def _is_column_number(text: str) -> bool:
    """One or two decimal digits (what ``\\d{1,2}`` matches, without the regex)."""
    return 0 < len(text) <= 2 and text.isdecimal()


_STRONG_AMOUNT_RE = re.compile(r"[.,，]\d|^-?\d{4,}$")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}")


def _is_data_line(line: Line, catalog: Catalog) -> bool:
    """A table row, as opposed to a header line (which may hold 栏次 numbers or years)."""
    ws = line.words
    if not ws or is_column_numbers(line):
        return False
    amounts = [w.text for w in ws if is_amount(w.text) and not _YEAR_RE.fullmatch(w.text)]
    first = ws[0].text
    if amounts:
        if any(_STRONG_AMOUNT_RE.search(a) for a in amounts):
            return True
        others = [squash(w.text) for w in ws if not is_amount(w.text)]
        return not others or not all(o in catalog.header_words for o in others)
    if _CODE_NAME_RE.match(first) or (is_code(first) and len(ws) >= 2):
        return True
    return False


def _code_level_lead(line: Line) -> int:
    """How many words at the start of a data line are the header's 类 款 项 (0: none)."""
    ws = line.words
    n = 0
    while n < len(ws) and n < 3 and ws[n].text == "类款项"[n]:
        n += 1
    if n < 2 or not any(is_amount(w.text) for w in ws[n:]):
        return 0
    return n


def _unit_line(line: Line) -> tuple[str, str] | None:
    """``542001 石家庄市鹿泉区信访局本级`` (a page header naming the unit)."""
    if not line.words[0].text[:3].isdecimal() or len(line.words[0].text) < 3:
        return None  # the line starts with at least three digits (spares the work below)
    if any(is_amount(w.text) for w in line.words[1:]):
        return None
    m = _UNIT_LINE_RE.match(" ".join(w.text for w in line.words))
    if m and not is_code(m.group(1)) and _UNIT_NAME_RE.match(m.group(2)) and not m.group(2).startswith(("年", "月")):
        return m.group(1), squash(m.group(2))
    return None


#: a unit's name starts with two Chinese characters (not ``万`` alone, not ``.60(2)商品…``: an
#: amount's tail beside a code)
_UNIT_NAME_RE = re.compile(r"[\u4e00-\u9fff]\s*[\u4e00-\u9fff]")


@dataclass
class Segment:
    """One page's worth of a table: the header printed on that page and its rows."""

    header: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    unit_code: str | None = None
    unit_name: str | None = None


def build_table(
    region: Region, raw: RawDocument, catalog: Catalog, ctx: TableContext, issues: list[Issue]
) -> tuple[list[Table], int]:
    """Read one region into tables (none when the title was only a mention; several when
    a 部门 document prints the table for one unit after another under one title).

    Also returns how many of the region's lines belong to the table (the rest is narrative).
    """
    spec = region.spec
    notes: list[str] = []
    unit_code, unit_name = ctx.unit_code, ctx.unit_name
    amount_unit = unit_from_text(region.title.joined) or None
    seen_header_text: set[str] = set()
    state = "header"
    page = region.title.page
    used = 0
    seg = Segment(unit_code=unit_code, unit_name=unit_name)
    segments = [seg]

    def new_segment() -> Segment:
        nonlocal seg
        seg = Segment(unit_code=unit_code, unit_name=unit_name)
        segments.append(seg)
        return seg

    for idx, ln in enumerate(region.lines):
        if ln.is_blank:
            continue
        j = ln.joined
        if ln.page != region.title.page and (j == region.title.joined or any(j == m.joined for m in region.title_more)):
            # the title printed again on a continuation page: its full header follows
            page = ln.page
            if state != "header":
                if seg.body:
                    new_segment()
                state = "header"
            continue
        u = unit_from_text(j)
        if u is not None:
            amount_unit = amount_unit or u
            rest = re.sub(r"(?:金额)?单位[:：]\s*(?:万元|元)", "", j)
            if len(rest) < 2:
                continue
            if catalog.is_furniture(rest):
                m = re.match(r"^(?:编制|预算|填报)?(?:单位|部门)(?:名称)?[:：](.+)$", rest)
                if m and _UNIT_NAME_RE.match(m.group(1)):
                    unit_name = m.group(1)
                    if not seg.body:
                        seg.unit_name = unit_name
                continue
        if catalog.is_furniture(j):
            m = re.match(r"^(?:编制|预算|填报)?(?:单位|部门)(?:名称)?[:：](.+?)(?:(?:金额)?单位[:：].*)?$", j)
            if m and _UNIT_NAME_RE.match(m.group(1)):  # (not ``单位：万``, the 元 on the next line)
                unit_name = m.group(1)
                if not seg.body:
                    seg.unit_name = unit_name
            continue
        ul = _unit_line(ln)
        if (
            ul
            and spec.row_name is not None
            and state in ("body", "continued")
            and (recent := seg.body[-5:] or (segments[-2].body[-5:] if len(segments) > 1 else []))
            and ln.words[0].x0 > min(b.words[0].x0 for b in recent) + 2
        ):
            # a unit code and the tail of a wrapped name inside the rows of a list of projects,
            # purchases or services, standing in a column right of where the rows start
            # (``251014 场`` under ``西安市小王涧国有生态林`` in a 政府采购表's 单位编码 column;
            # ``0207-评审、评估和评价服`` over the rest of a 购买服务 row): part of a row,
            # not a unit's own table (atop a continuation page too: the rows of the page
            # before tell where rows start).  (The
            # tables of units — 收支总表 by unit — wrap the same way, but their per-unit reading
            # is what the narrative checks of 部门 documents lean on; not changed there yet.)
            ul = None
        if ul:
            unit_code, unit_name = ul
            if state == "body":
                state = "continued"
                new_segment()
            else:
                seg.unit_code, seg.unit_name = ul
            continue
        if _NOTE_RE.match(j):
            notes.append(j)
            used = idx + 1
            if state == "body" or _EMPTY_NOTE_RE.search(j):
                break
            continue
        used = idx + 1
        if (
            (len(ln.words) <= 2 and _DOC_TITLE_RE.search(j) and not any(is_amount(w.text) for w in ln.words))
            or is_prose(ln)
            or (state == "body" and _SECTION_RE.match(j) and len(ln.words) == 1 and _narrative_follows(region.lines, idx))
        ):
            used = idx
            break
        if ln.page != page:
            page = ln.page
            if state == "body":
                state = "continued"
                new_segment()
        lead = _code_level_lead(ln)
        if lead:
            # the header's 类 款 项 on the line of the first row's amounts (a PDF whose 合计
            # row is vertically centred beside the header's last line): two lines
            seg.header.append(Line(ln.words[:lead], ln.page, ln.lineno, " ".join(w.text for w in ln.words[:lead])))
            ln = Line(ln.words[lead:], ln.page, ln.lineno, " ".join(w.text for w in ln.words[lead:]))
            j = ln.joined
        if state in ("header", "continued"):
            if _is_data_line(ln, catalog):
                state = "body"
                seg.body.append(ln)
            elif state == "header" and seg.header and _code_levels_only(seg.header[-1]) and not (
                is_column_numbers(ln) or _mostly_header_words(ln, catalog)
            ):
                # the header ends with its 类 款 项 line: a line without amounts after it is
                # the first row's label wrapped above its codes (西安市交通运输局网络与 /
                # 214 01 02 … 信息中心), not a header line
                state = "body"
                seg.body.append(ln)
            elif state == "header":
                seg.header.append(ln)
                seen_header_text.add(j)
            elif j in seen_header_text or is_column_numbers(ln) or _mostly_header_words(ln, catalog):
                seg.header.append(ln)  # the header repeated on a continuation page
            else:
                state = "body"
                seg.body.append(ln)
        else:
            if j in seen_header_text and not _is_data_line(ln, catalog):
                continue
            if squash(j) in _CODE_LEVEL_LINES:
                # the header's last line (类 款 项) printed below the first row's amounts
                # (a 合计 row whose amounts stand above its label, vertically centred)
                seg.header.append(ln)
                continue
            seg.body.append(ln)
    segments = [sg for sg in segments if sg.body or sg is segments[0]]
    first = segments[0]
    if not first.header and not any(sg.body for sg in segments):
        return [], 0
    if not any(sg.body for sg in segments) and not notes and not _looks_like_header(first.header, catalog):
        return [], 0
    unit = amount_unit or ctx.amount_unit or AmountUnit.WAN
    note = " ".join(notes) or None
    tables: list[Table] = []
    # consecutive segments of the same unit make one table
    groups: list[list[Segment]] = []
    for sg in segments:
        if groups and (sg.unit_code, sg.unit_name) == (groups[-1][0].unit_code, groups[-1][0].unit_name):
            groups[-1].append(sg)
        elif groups and not sg.unit_code and not sg.unit_name:
            groups[-1].append(sg)
        else:
            groups.append([sg])
    for k, grp in enumerate(groups):
        if k and not grp[0].header:
            grp[0].header = list(groups[k - 1][0].header)
        columns, rows = _read_segments(spec, grp, raw, catalog, issues, grp[0].unit_code)
        if not columns and not rows and not notes:
            continue
        if spec.generic and amount_unit is None:
            # a table the catalogue does not know that prints no 单位：万元 of its own holds
            # figures, not money we can name the unit of (分值 and 得分 of an evaluation)
            columns = [replace(c, kind="quantity") if c.kind == "amount" else c for c in columns]
        pages = sorted({region.title.page if k == 0 else grp[0].body[0].page, *(ln.page for sg in grp for ln in sg.body)})
        table = Table(
            id=spec.id,
            title=squash(region.title_text),
            columns=tuple(columns),
            rows=tuple(rows),
            amount_unit=unit,
            unit_code=grp[0].unit_code,
            unit_name=grp[0].unit_name,
            note=note if k == len(groups) - 1 else None,
            pages=tuple(pages),
            numeric=spec.numeric,
            line=region.title.lineno,
        )
        tables.append(table)
    return tables, used


_NARRATIVE_HEADING_RE = re.compile(r"说明|情况|概况|职能|职责|名词解释|机构设置|部分|目标|绩效")


def _code_levels_only(line: Line) -> bool:
    """A header line of nothing but 类 / 款 / 项 (``类 款 项``, ``类 款 类 款``)."""
    text = squash(line.joined)
    return bool(text) and all(ch in _CODE_LEVELS for ch in text)


def _narrative_follows(lines: list[Line], idx: int) -> bool:
    """A numbered heading ends the table when it reads like a section, or prose follows."""
    if _NARRATIVE_HEADING_RE.search(lines[idx].joined):
        return True
    seen = 0
    for ln in lines[idx + 1 :]:
        if ln.is_blank:
            continue
        if is_prose(ln):
            return True
        seen += 1
        if seen >= 3:
            break
    return False


def _mostly_header_words(line: Line, catalog: Catalog) -> bool:
    ws = [squash(w.text) for w in line.words]
    hits = sum(1 for w in ws if w in catalog.header_words or catalog.column_role(w) or catalog.key_kind(w))
    return hits >= max(1, len(ws) // 2)


def _looks_like_header(header: list[Line], catalog: Catalog) -> bool:
    return any(_mostly_header_words(h, catalog) for h in header)


# --------------------------------------------------------------------------- the grid


def _column_numbers(lines: list[Line], slots: list[Slot], grid: bool) -> dict[int, str]:
    numbers: dict[int, str] = {}
    for ln in lines:
        if not is_column_numbers(ln):
            continue
        for w in ln.words:
            if _COLUMN_NUMBER_RE.fullmatch(w.text):
                numbers[int(w.x0) if grid else best_slot(w, slots)] = w.text
        break
    return numbers


#: a table line with more words, or a table with more columns, is not a disclosure table
#: (a pathological or hostile file); bounding them keeps the layout work linear
MAX_WORDS_PER_LINE = 120
MAX_COLUMNS = 80


def _segment_grid(
    seg: Segment, slots_hint: list[Slot] | None, raw: RawDocument, catalog: Catalog, one_sided: bool = True,
    same_header: bool = False,
):
    if any(len(ln.words) > MAX_WORDS_PER_LINE for ln in seg.body + seg.header):
        return [], [], [], {}, False
    header = [h for h in seg.header if not is_column_numbers(h)]
    kept = False  # the page before's columns, unmoved
    if raw.grid:
        nslots = 1 + int(max((w.x0 for ln in header + seg.body for w in ln.words), default=0))
        if nslots > MAX_COLUMNS:
            return [], [], [], {}, False
        slots = [Slot(float(i), float(i) + 0.99) for i in range(nslots)]
        cells = header_cells_grid(header, nslots)
        hcols = resolve_columns(cells, slots, catalog, geometric=False)
        rows = [GridRow(ln, {int(w.x0): w.text for w in ln.words}) for ln in seg.body]
    else:
        header = [_split_header_line(h, catalog, header) for h in header]
        if raw.kind == "text":
            seg.body = [_split_catalogue_codes(_unglue_amounts(ln)) for ln in seg.body]
        if slots_hint is not None and header and same_header and len(seg.body) <= _SHORT_BODY and _fits(
            slots_hint, seg.body, flush_left=True
        ):
            # a page of a few rows under the header repeated in place: the page before's
            # columns, unmoved (too few rows to lay out columns of their own)
            slots = [Slot(s.x0, s.x1, s.numeric, s.text, s.digits, s.coded) for s in slots_hint]
            kept = True
        elif slots_hint is not None and not header and (len(seg.body) <= _SHORT_PAGE or _fits(slots_hint, seg.body)):
            # too few rows to lay out on their own, or every amount standing right under
            # the previous page's value columns (a PDF page keeps its columns in place)
            slots = _shifted(slots_hint, seg.body)
        else:
            numbers = next(
                ([w for w in h.words if _is_column_number(w.text)] for h in seg.header if is_column_numbers(h)), None
            )
            slots = geometric_slots(seg.body, header, numbers)
        if len(slots) > MAX_COLUMNS:
            return [], [], [], {}, False
        if not slots:
            return [], [], [], {}, False
        cells = header_cells_geometric(header, slots)
        hcols = resolve_columns(cells, slots, catalog, geometric=True)
        _code_level_beside(hcols, slots)
        for k, hc in enumerate(hcols):
            # a text column of code-like numbers headed as codes: the 类 / 款 of 部门经济科目 /
            # 政府经济科目 beside the 科目 类/款/项 (a 政府采购表), and code columns right of a
            # 单位编码 column of unit codes (whose right edge would draw the codes in); and a
            # 序号 column of three-digit numbers (``273`` beside the 类 ``220``)
            if not (slots[hc.slot].digits and hc.leaf):
                continue
            kind = catalog.key_kind(hc.leaf)
            before = hcols[k - 1] if k else None
            if kind in ("code_class", "code_section", "code_item", "seq") or (
                kind in ("code", "gov_code")
                and before is not None
                and (
                    # (or an empty one, on a page of no unit lines, whose centre would)
                    (catalog.key_kind(before.leaf) == "unit_code" and (slots[before.slot].numeric or not slots[before.slot].text))
                    or slots[before.slot].coded
                )
            ):
                slots[hc.slot].coded = True
        rows = [GridRow(ln, cells) for ln, cells in zip(seg.body, assign_lines(seg.body, slots))]
        if one_sided:  # (a two-sided table's sides wrap at heights of their own)
            rows = _merge_centred_bands(rows, catalog)
    return slots, hcols, rows, _column_numbers(seg.header, slots, raw.grid), kept


def _is_anchor(gr: GridRow) -> bool:
    """A line with an amount or a code on it: where a row's single-line cells stand."""
    return any(_anchors(t) for t in gr.cells.values())


def _anchors(text: str) -> bool:
    """An amount or a code: a cell that stands on its row's line."""
    return is_value(text) or text.replace(" ", "").isdigit()


def _joined(band: list[GridRow]) -> dict[int, str]:
    """The cells of a band of lines, every column's pieces joined top to bottom."""
    merged: dict[int, str] = {}
    for x in band:
        for slot, text in x.cells.items():
            merged[slot] = merged[slot] + text if slot in merged else text
    return merged


_CODE_FIRST_RE = re.compile(r"\d{3}(?:\d{2}){0,2}(?:[-－—\s]|$)")


def _starts_cell(line: GridRow, row: GridRow) -> bool:
    """The row's line has, in a column of ``line``, a cell that begins with a subject code
    (``2080506-机关事业单位职业年金``): that cell starts on the row's line, so ``line``
    over it is no piece of it."""
    return any(_CODE_FIRST_RE.match(row.cells.get(s, "")) for s in line.cells)


def _merge_centred_bands(rows: list[GridRow], catalog: Catalog | None = None) -> list[GridRow]:
    """A page whose cells are centred vertically (西安 上年结转 project tables: unit name,
    project name, 功能科目名称 and 资金性质 wrapped onto two or three lines each, the
    amount and codes on the middle line) prints each row as a band of lines: the text of
    its wrapped cells above *and* below the line of its amounts.  Read line by line, the
    lines between two rows are the end of one and the start of the next, which no rule
    for a label wrapped downwards can tell apart.

    The layout shows itself by rows whose line leaves a column empty that has text on the
    line just above and the line just below (a cell centred around it; with cells set at
    the top, a cell's first line is always the row's line).  On a page with two such rows,
    each line between two rows belongs to the nearer one (a cell centred on its row: the
    2021 宣传部's ``行政事业单位养老支`` on the row's line, ``出`` below it, then
    ``机关事业单位基`` over the next row), the middle line of an odd gap to the row above
    when it has fewer lines below it than above it; and each band is read as one line:
    every column's pieces joined top to bottom.

    The subject catalogue has the last word where it can: each gap between two rows is
    split where the most coded rows then carry their subject's name (``_owner_by_names``;
    ties go to the nearer-row split).  That reads pages where no cell shows the layout
    (three-line labels with their middle line on the row's line, 2024 上海普陀 决算) and
    pages where it misleads (labels set a line above their amounts, 2024 普陀
    规划和自然资源局); on a page where no cell shows it, only the rows whose band gives
    them their name are read as bands, the other lines are left to the rules for labels
    wrapped downwards."""
    if len(rows) < 3:
        return rows
    anchor = [_is_anchor(gr) for gr in rows]
    idx = [i for i, a in enumerate(anchor) if a]
    if not idx or len(idx) == len(rows):
        return rows
    centred = 0
    for i in range(1, len(rows) - 1):
        if anchor[i] and not anchor[i - 1] and not anchor[i + 1]:
            around = rows[i - 1].cells.keys() & rows[i + 1].cells.keys()
            if any(s not in rows[i].cells for s in around):
                centred += 1
    # (no two lines between any two rows: labels set a line off their rows, not cells
    # centred on them — too little to tell the bands by)
    shown = centred >= 2 and not all(j - i <= 2 for i, j in pairwise(idx))
    nearest = _nearest_owner(rows, idx)
    if catalog is None:
        return _read_bands(rows, idx, nearest) if shown else rows
    owner, named = _owner_by_names(rows, idx, nearest, catalog)
    if shown:
        return _read_bands(rows, idx, owner)
    # no cell shows the layout: only the rows whose band the catalogue confirms are read
    # as bands, the other lines are left to the rules for labels wrapped downwards
    return _read_bands(rows, idx, {p: i for p, i in owner.items() if i in named})


_BAND = 6  # lines: the most a row's band reaches above or below its line


def _owner_by_names(
    rows: list[GridRow], idx: list[int], nearest: dict[int, int], catalog: Catalog
) -> tuple[dict[int, int], set[int]]:
    """The split of every gap between two rows under which most coded rows carry their
    subject's name (ties: the split nearest to ``nearest``), and the rows whose band gives
    them their name when their own line alone does not (dynamic programming over the
    gaps: a row's band depends on the split above it and the split below it)."""
    bounds = [-1, *idx, len(rows)]  # gap k lies between bounds[k] and bounds[k + 1]
    gaps = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]

    def near(k: int) -> int:
        lo, hi = gaps[k]
        return sum(1 for p in range(lo, hi) if nearest.get(p) == bounds[k])  # lines to the row above

    def score(k: int, x_above: int, x_below: int) -> tuple[int, bool]:
        # row k (idx[k]) with the last (size - x_above) lines of gap k and the first
        # x_below lines of gap k + 1
        lo, hi = gaps[k]
        band = rows[lo + x_above : hi] + [rows[idx[k]]] + rows[gaps[k + 1][0] : gaps[k + 1][0] + x_below]
        joined = GridRow(rows[idx[k]].line, _joined(band))
        got = _names_right([joined], catalog)
        # the band names the subject in a cell the row's own line does not (the 部门经济
        # name 其他工资福利支出 on the line of 30199 is no name of its empty label cell)
        return got, bool(got) and bool(_name_cells(joined, catalog) - _name_cells(rows[idx[k]], catalog))

    # a row's band reaches at most _BAND lines above and below it: gap k is split at x
    # (its first x lines to the row above) within these bounds
    size = [hi - lo for lo, hi in gaps]
    last = len(size) - 1

    def splits_of(k: int) -> range:
        lo = 0 if k == last else max(0, size[k] - _BAND)
        hi = size[k] if k == 0 else min(size[k], _BAND)
        return range(lo, hi + 1)

    # best[k][x]: (names, -deviation) of the rows above gap k, gap k split at x
    best: list[dict[int, tuple[int, int]]] = [{x: (0, 0) for x in splits_of(0)}]
    back: list[dict[int, int]] = [{}]
    for k in range(len(idx)):
        cur: dict[int, tuple[int, int]] = {}
        arg: dict[int, int] = {}
        for y in splits_of(k + 1):
            dev_y = abs(y - near(k + 1))
            for x, (n, d) in best[k].items():
                got, _ = score(k, x, y)
                cand = (n + got, d - dev_y)
                if y not in cur or cand > cur[y]:
                    cur[y], arg[y] = cand, x
        if not cur:
            return nearest, set()  # a gap too long for any band to span
        best.append(cur)
        back.append(arg)
    # walk back
    y = max(best[-1], key=lambda v: best[-1][v])
    splits = [0] * (len(idx) + 1)
    splits[len(idx)] = y
    for k in range(len(idx), 0, -1):
        splits[k - 1] = back[k][splits[k]]
    owner: dict[int, int] = {}
    named: set[int] = set()
    for k, i in enumerate(idx):
        lo, hi = gaps[k]
        for p in range(lo + splits[k], hi):
            owner[p] = i
        nlo = gaps[k + 1][0]
        for p in range(nlo, nlo + splits[k + 1]):
            owner[p] = i
        if score(k, splits[k], splits[k + 1])[1]:
            named.add(i)
    return owner, named


def _nearest_owner(rows: list[GridRow], idx: list[int]) -> dict[int, int]:
    """Each line between two rows to the nearer one; the middle line of an odd gap to the
    row above if that row has fewer lines below it than above it, else the row below."""
    owner: dict[int, int] = {p: idx[0] for p in range(idx[0])}
    above = {idx[0]: idx[0]}
    for i, j in pairwise(idx):
        below = 0
        for p in range(i + 1, j):
            da, db = p - i, j - p
            if da < db or (da == db and below < above[i]) or _starts_cell(rows[p], rows[j]):
                owner[p] = i
                below += 1
            else:
                owner[p] = j
        above[j] = j - i - 1 - below
    last = idx[-1]
    for p in range(last + 1, min(len(rows), last + 1 + above[last])):
        owner[p] = last
    return owner


def _read_bands(rows: list[GridRow], idx: list[int], owner: dict[int, int]) -> list[GridRow]:
    """Each row's band (its line and the lines ``owner`` gives it) read as one line; lines no
    row owns stay lines of their own where they stand."""
    bands: dict[int, list[GridRow]] = {i: [] for i in idx}
    for p, gr in enumerate(rows):
        if p in bands:
            bands[p].append(gr)
        elif p in owner:
            bands[owner[p]].append(gr)
    out: list[GridRow] = []
    for p, gr in enumerate(rows):
        if p not in bands:
            if p not in owner:
                out.append(gr)  # lines before the first row's band, after the last's, or no row's
            continue
        band = bands[p]
        own = gr.cells
        if any(s in own and _anchors(own[s]) for x in band if x is not gr for s in x.cells):
            out.extend(band)  # text over or under an amount: not one cell's pieces
            continue
        out.append(GridRow(gr.line, dict(sorted(_joined(band).items()))))
    return out


def _name_cells(gr: GridRow, catalog: Catalog) -> set[int]:
    """The cells of a line that carry the name of the subject whose code it carries."""
    texts = {k: t.replace(" ", "") for k, t in gr.cells.items()}
    for t in texts.values():
        if is_code(t):
            subj = catalog.subject(t)
            return {k for k, x in texts.items() if x != t and subj.accepts(x)} if subj is not None else set()
    return set()


def _names_right(rows: list[GridRow], catalog: Catalog) -> int:
    """How many lines carry a subject code and, in another cell, that subject's name."""
    return sum(1 for gr in rows if _name_cells(gr, catalog))


def _code_level_beside(hcols: list[HeaderColumn], slots: list[Slot]) -> None:
    """A 类/款/项 centred in a wide cell whose codes stand flush left makes an empty column
    of its own just right of those codes, which then take a wrapped group header's last
    piece for their leaf (``政府预算支出经济分`` / ``类科目编码`` over ``05``, 款 beside it
    over nothing): the code level is the leaf of the codes beside it."""
    for a, b in zip(hcols, hcols[1:]):
        sa, sb = slots[a.slot], slots[b.slot]
        if (
            b.leaf in _CODE_LEVELS
            and not (sb.numeric or sb.text)
            and (sa.numeric or sa.text)
            and a.leaf
            and a.leaf not in _CODE_LEVELS
            and a.leaf_line < b.leaf_line
            and 0 <= sb.x0 - sa.x1 <= 2
        ):
            a.path = (*a.path, b.leaf)
            a.leaf, a.leaf_line = b.leaf, b.leaf_line
            b.leaf, b.path, b.leaf_line = "", (), -1


#: a label run into the amount after it with no space (``机关事业单位职业年金缴费支出43608.96``):
#: an amount with decimals or thousands separators right after a CJK character or bracket
_GLUED_AMOUNT_RE = re.compile(r"^(.*[\u4e00-\u9fff）)])(-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+))$")


#: a 政府采购品目 code and name (``C02080000考试服务``: A 货物, B 工程, C 服务) one space after
#: the purchase's name in the cell before it
_CATALOGUE_AFTER_RE = re.compile(r" (?=[ABC]\d{2,10}[\u4e00-\u9fff])")


def _split_catalogue_codes(ln: Line) -> Line:
    """pdftotext leaves one space between a 采购项目 name that fills its cell and the
    采购目录 entry in the next (``国家统一法律职业资格考试（省级） C02080000考试服务``): two
    words, two cells (text only, where a character is one cell)."""
    if not any(" " in w.text and _CATALOGUE_AFTER_RE.search(w.text) for w in ln.words):
        return ln
    words: list[Word] = []
    for w in ln.words:
        start = 0
        for m in _CATALOGUE_AFTER_RE.finditer(w.text):
            words.append(Word(w.text[start : m.start()], w.x0 + start, w.x0 + m.start()))
            start = m.end()
        words.append(Word(w.text[start:], w.x0 + start, w.x1))
    return Line(words, ln.page, ln.lineno, ln.text)


def _unglue_amounts(ln: Line) -> Line:
    """pdftotext leaves no space between a label that fills its cell and the amount in the
    next cell when the amount's cell is crowded: split the word back into label and amount
    (text only, where a character is one cell; the amount keeps its right edge)."""
    if not any(_GLUED_AMOUNT_RE.match(w.text) for w in ln.words):
        return ln
    words: list[Word] = []
    for w in ln.words:
        m = _GLUED_AMOUNT_RE.match(w.text)
        if m:
            cut = w.x0 + len(m.group(1))
            words += [Word(m.group(1), w.x0, cut), Word(m.group(2), cut, w.x1)]
        else:
            words.append(w)
    return Line(words, ln.page, ln.lineno, ln.text)


def _read_segments(
    spec: TableSpec, segments: list[Segment], raw: RawDocument, catalog: Catalog, issues: list[Issue],
    unit_code: str | None = None,
) -> tuple[list[Column], list[Row]]:
    """Columns and rows of a table printed over several pages (cells located in the table
    of unit ``unit_code``).

    Each page is laid out on its own (pdftotext shifts columns from page to page); its
    columns are matched to the first page's by header text, in order.
    """
    g_hcols: list[HeaderColumn] = []
    g_rows: list[GridRow] = []
    g_numbers: dict[int, str] = {}
    g_slots: list[Slot] = []
    prev_slots: list[Slot] | None = None
    prev_hcols: list[HeaderColumn] = []
    prev_mapping: dict[int, int] = {}
    prev_header: list[tuple[str, int, int]] = []
    for k, seg in enumerate(segments):
        # the header repeated word for word and place for place (within half a character):
        # a page set out like the one before it
        header_text = [(w.text, round(w.x0 * 2), round(w.x1 * 2)) for h in seg.header for w in h.words]
        slots, hcols, rows, numbers, kept = _segment_grid(
            seg, prev_slots, raw, catalog, spec.sides == "false", bool(header_text) and header_text == prev_header
        )
        prev_header = header_text
        reused = prev_slots is not None and not raw.grid and not seg.header and _fits(prev_slots, seg.body)
        if not hcols and not rows:
            continue
        prev_slots = slots
        if not g_hcols:
            g_hcols, g_rows, g_numbers, g_slots = list(hcols), list(rows), dict(numbers), list(slots)
            prev_hcols, prev_mapping = hcols, {j: j for j in range(len(hcols))}
            continue
        if kept and len(slots) == len(prev_hcols):
            mapping = dict(prev_mapping)  # the page before's columns: its mapping
        elif raw.grid or any(h.leaf for h in hcols):
            mapping = _match_columns(g_hcols, hcols, catalog)
        elif (len(seg.body) <= _SHORT_PAGE or reused) and len(slots) == len(prev_hcols):
            mapping = dict(prev_mapping) if prev_mapping else {j: j for j in range(len(slots))}
        elif _same_sequence(g_slots, slots) and not any(s.numeric for s in g_slots[:-1]):
            # a list of text columns closed by its amount (政府购买服务: 一级 | 二级 | 三级 |
            # 金额) that pdftotext squeezed on this page: the columns follow one another as
            # on the first page, text for text and amount for amount
            mapping = {j: j for j in range(len(slots))}
        else:
            # pdftotext shifts or squeezes the page: take the alignment whose rows add up
            # (a column is matched as its cells read: a code column whose first page also
            # held a unit's code counts as amounts by its words, and would take the codes of
            # a page without unit lines for the names beside them)
            base, page_slots = _kind_by_cells(g_slots, g_rows), _kind_by_cells(slots, rows)
            options = [_match_by_shift(base, g_rows, page_slots), _match_by_position(base, g_rows, page_slots)]
            roles = [catalog.column_role(h.leaf, h.path) if h.leaf else None for h in g_hcols]
            # rows that add up first; then, in a two-sided table (收支总表: label and amount
            # per side) whose page has as many amount columns as the first page, the
            # alignment that finds distinct columns for more of them: a header-less page continues
            # the first page's columns, and a column of amounts left unmatched becomes a
            # column of its own (列N) that no header names — pdftotext squeezes the two
            # sides of such a page unequally, so no one shift lines up both.  Only money as
            # printed (1,234.56) counts.
            filled = {i for r in rows for i, t in r.cells.items() if slots[i].numeric and _MONEY_RE.search(t)}
            base_filled = {i for r in g_rows for i, t in r.cells.items() if g_slots[i].numeric and _MONEY_RE.search(t)}
            if spec.sides == "false" or len(filled) != len(base_filled):
                filled = set()
            scores = [(_row_score(mp, rows, roles), len({mp[i] for i in filled & mp.keys()})) for mp in options]
            mapping = options[scores.index(max(scores))]  # ties: the shift
        used = {i for r in rows for i in r.cells}
        if not raw.grid and not any(h.leaf for h in hcols):
            _fill_empty_columns(mapping, g_slots, g_hcols, g_rows, slots, used)
        for i, hc in enumerate(hcols):
            if i not in mapping and i in used:
                mapping[i] = len(g_hcols)
                g_hcols.append(HeaderColumn(len(g_hcols), hc.leaf, hc.path, hc.leaf_line))
                g_slots.append(slots[i])
        for r in rows:
            g_rows.append(GridRow(r.line, {mapping[i]: t for i, t in r.cells.items() if i in mapping}))
        prev_hcols, prev_mapping = hcols, mapping
    if not g_hcols:
        return [], []
    kinds = _slot_kinds(g_hcols, g_rows, catalog)
    return _build_rows(raw.grid, spec, g_hcols, kinds, g_rows, g_numbers, catalog, issues, unit_code)


def _kind_by_cells(slots: list[Slot], rows: list[GridRow]) -> list[Slot]:
    """``slots`` with a column made of whole subject codes (30113, 2080505: not a 类 column's
    bare 208, which pages of separate 类/款/项 columns match as they are) marked as holding
    no amounts."""
    out = list(slots)
    for i, s in enumerate(slots):
        vals = [t.replace(" ", "") for r in rows if (t := r.cells.get(i))]
        if s.numeric and vals and sum(1 for v in vals if len(v) >= 5 and is_code(v)) > len(vals) / 2:
            out[i] = Slot(s.x0, s.x1, 0, s.text + s.numeric, s.digits, s.coded)
    return out


def _same_sequence(first: list[Slot], page: list[Slot]) -> bool:
    """As many columns as the first page, each holding amounts where it holds them."""
    return len(first) == len(page) and all(bool(a.numeric) == bool(b.numeric) for a, b in zip(first, page))


_MONEY_RE = re.compile(r"\d[.,]\d")
_SHORT_PAGE = 3  # a continuation page with fewer rows reuses the previous page's columns
_SHORT_BODY = 12  # ... and one with a header and more rows than this lays out its own


def _fill_empty_columns(
    mapping: dict[int, int], base: list[Slot], base_hcols: list[HeaderColumn], base_rows: list[GridRow],
    other: list[Slot], used: set[int],
) -> None:
    """Amounts of a header-less page that match no column with data so far go to a
    headed column that was empty until now (项目支出 blank on the first page of 支出总表,
    filled on the next), when one stands between the page's matched neighbours, at the
    place of the amounts (the page moved by the shift of its matched value columns).

    The alignments above match only columns with data: an empty column has no amounts
    to anchor it, and would otherwise turn into a new, unnamed column.  Only a page whose
    matched value columns all moved by one shift (a continuation, not another table run
    on) is filled so."""
    from .grid import _JITTER

    filled = {i for r in base_rows for i in r.cells}
    targets = set(mapping.values())
    shifts = sorted(
        other[j].x1 - base[b].x1 for j, b in mapping.items() if other[j].numeric and base[b].numeric
    )
    if not shifts or shifts[-1] - shifts[0] > 2 * _JITTER:
        return  # the page's value columns do not stand where the first page's do, moved as one
    shift = shifts[len(shifts) // 2]
    for j in sorted(used):
        if j in mapping or not other[j].numeric:
            continue
        lo = max((b for i, b in mapping.items() if i < j), default=-1)
        hi = min((b for i, b in mapping.items() if i > j), default=len(base))
        best, best_d = None, 0.0
        for b in range(lo + 1, hi):
            s = base[b]
            if b in filled or b in targets or s.text or not base_hcols[b].leaf:
                continue
            x0, x1 = s.x0 + shift - _JITTER, s.x1 + shift + _JITTER
            if min(x1, other[j].x1) - max(x0, other[j].x0) <= 0:
                continue  # not where the amounts stand
            d = abs((x0 + x1) / 2 - other[j].center)
            if best is None or d < best_d:
                best, best_d = b, d
        if best is not None:
            mapping[j] = best
            targets.add(best)
            # from now on a value column, where this page's amounts stand (later pages align to it)
            o = other[j]
            base[best] = Slot(o.x0 - shift, o.x1 - shift, o.numeric, 0)


def _fits(slots: list[Slot], body: list[Line], flush_left: bool = False) -> bool:
    """Every amount of a header-less page ends where a value column of the previous page
    ends (within pdftotext's drift), every other word stands inside one of its columns
    (not run on into the next), and the page has at least two value columns' worth of
    amounts: the page continues those columns unmoved."""
    from .grid import _JITTER

    rights = [s.x1 for s in slots if s.numeric]
    # (with ``flush_left``, a page under the same header as the page before: a number flush
    # left in a column stands by its left edge, codes in code columns, the 资金性质 line's
    # ``1`` in a 单位编码 column)
    edges = [
        w.x1
        for ln in body
        for w in ln.words
        if is_value(w.text)
        and not (
            flush_left
            and any(
                abs(w.x0 - s.x0) <= _JITTER and w.x1 <= s.x1 + _JITTER and not (s.numeric and abs(w.x1 - s.x1) <= _JITTER)
                for s in slots
            )
        )
    ]
    if len(rights) < 2 or len(edges) < 2:
        return False
    if not all(any(abs(e - r) <= _JITTER for r in rights) for e in edges):
        return False
    ordered = sorted(slots, key=lambda s: s.x0)
    for ln in body:
        for w in ln.words:
            if is_value(w.text):
                continue
            k = next((k for k, s in enumerate(ordered) if s.x0 - _JITTER <= w.x0 <= s.x1), None)
            if k is None or (k + 1 < len(ordered) and w.x1 > ordered[k + 1].x0):
                return False  # a text the previous page's columns do not hold (cells run together)
    return True


_SHIFT_MISS = 4.0  # character cells: the most one word may cost a shift of the previous page's columns


def _shifted(slots: list[Slot], body: list[Line]) -> list[Slot]:
    """The previous page's columns moved by the shift that best fits this page's amounts
    (pdftotext moves a page's columns as a whole)."""
    edges = [w.x1 for ln in body for w in ln.words if is_value(w.text)]
    rights = [s.x1 for s in slots if s.numeric]
    if not edges or not rights:
        return slots
    best_shift, best_cost = 0.0, float("inf")
    ordered = sorted(rights)
    last = len(ordered) - 1
    for shift in {e - r for e in edges[:40] for r in rights}:
        # a word far from every value column (a subject code, which reads as a number,
        # in its label column) costs the same under every shift instead of pulling it
        cost = 0.0
        for e in edges:
            x = e - shift
            k = bisect_left(ordered, x)  # the nearest column edge is one of the two around x
            near = min(abs(x - ordered[k]) if k <= last else _SHIFT_MISS, abs(x - ordered[k - 1]) if k else _SHIFT_MISS)
            cost += min(near, _SHIFT_MISS)
        if cost < best_cost - 1e-9 or (abs(cost - best_cost) < 1e-9 and abs(shift) < abs(best_shift)):
            best_shift, best_cost = shift, cost
    return [Slot(s.x0 + best_shift, s.x1 + best_shift, s.numeric, s.text, s.digits, s.coded) for s in slots]


_PART_ROLES = frozenset(
    {"basic", "project", "personnel", "public", "operating_expenditure", "remit_superior", "subsidy_affiliated",
     "general_budget", "gov_fund", "state_capital", "fiscal", "special_account", "business_income",
     "operating_income", "superior_subsidy", "affiliated_income", "other_income", "carryover"}
)


def _row_score(mapping: dict[int, int], rows: list[GridRow], roles: list[str | None]) -> int:
    """How many rows add up (合计 = Σ parts) when their cells go to the mapped columns."""
    score = 0
    for r in rows:
        total = None
        parts: dict[str, Decimal] = {}
        for i, text in r.cells.items():
            j = mapping.get(i)
            if j is None or j >= len(roles):
                continue
            role = roles[j]
            if role is None:
                continue
            try:
                v = parse_amount(text.replace(" ", ""))
            except ValueError:
                continue
            if v is None:
                continue
            if role == "total":
                total = v
            elif role in _PART_ROLES:
                parts[role] = parts.get(role, Decimal(0)) + v
        if total is None or not parts:
            continue
        if "personnel" in parts and "public" in parts:
            parts.pop("basic", None)
        if sum(parts.values(), Decimal(0)) == total:
            score += 1
    return score


def _match_by_shift(base: list[Slot], base_rows: list[GridRow], other: list[Slot]) -> dict[int, int]:
    """The page's columns are the first page's moved by one shift (the usual pdftotext case)."""
    used = {i for r in base_rows for i in r.cells}
    cand = [i for i in range(len(base)) if i in used] or list(range(len(base)))
    if not other or not cand:
        return {}
    shifts = {o.x1 - base[b].x1 for o in other if o.numeric for b in cand if base[b].numeric} or {0.0}
    # each candidate column's anchor, by kind (value columns by right edge, text by left)
    by_kind: dict[bool, list[tuple[int, float]]] = {True: [], False: []}
    for b in cand:
        by_kind[bool(base[b].numeric)].append((b, base[b].x1 if base[b].numeric else base[b].x0))
    anchors = [(bool(o.numeric), o.x1 if o.numeric else o.x0) for o in other]
    best: tuple[float, dict[int, int]] | None = None
    for shift in shifts:
        mapping: dict[int, int] = {}
        cost = 0.0
        last = -1
        for j, (numeric, x) in enumerate(anchors):
            if best is not None and cost >= best[0]:
                break  # cannot beat the best shift any more
            anchor = x - shift
            pick, dist = -1, 0.0
            for b, pos in by_kind[numeric]:  # the nearest later column of the same kind (first on ties)
                if b > last:
                    d = abs(pos - anchor)
                    if pick < 0 or d < dist:
                        pick, dist = b, d
            if pick < 0:
                cost += 100
                continue
            cost += dist
            mapping[j] = pick
            last = pick
        if best is None or cost < best[0]:
            best = (cost, mapping)
    return best[1] if best else {}


def _match_by_position(base: list[Slot], base_rows: list[GridRow], other: list[Slot]) -> dict[int, int]:
    """A continuation page without a header: its columns are the first page's, moved.

    pdftotext shifts and squeezes a page's columns, but keeps their order: align the two
    column sequences in order, value columns with value columns and text with text, by
    their relative positions on the page.  Neighbouring text columns of the page may
    fold into one (a centred 合计 label); the first page's empty columns may go unmatched.
    """
    used = {i for r in base_rows for i in r.cells}
    cand = [i for i in range(len(base)) if i in used] or list(range(len(base)))
    if not other or not cand:
        return {}

    def rel(slots: list[Slot], idx: list[int]) -> dict[int, float]:
        xs = [slots[i].x1 if slots[i].numeric else slots[i].x0 for i in idx]
        lo, hi = min(xs), max(xs)
        span = (hi - lo) or 1.0
        return {i: (x - lo) / span for i, x in zip(idx, xs)}

    rb = rel(base, cand)
    ro = rel(other, list(range(len(other))))
    n, m = len(cand), len(other)
    inf = float("inf")
    skip_base, skip_other = 0.15, 1.0
    # dp[i][j]: best cost aligning cand[:i] with other[:j]
    dp = [[inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int, bool]] = {}
    dp[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            c = dp[i][j]
            if c == inf:
                continue
            if i < n and c + skip_base < dp[i + 1][j]:
                dp[i + 1][j] = c + skip_base
                back[(i + 1, j)] = (i, j, False)
            if j < m and c + skip_other < dp[i][j + 1]:
                dp[i][j + 1] = c + skip_other
                back[(i, j + 1)] = (i, j, False)
            same_kind = False
            if i < n and j < m:
                b, o = base[cand[i]], other[j]
                same_kind = bool(b.numeric) == bool(o.numeric)
                if same_kind:
                    cost = c + abs(rb[cand[i]] - ro[j])
                    if cost < dp[i + 1][j + 1]:
                        dp[i + 1][j + 1] = cost
                        back[(i + 1, j + 1)] = (i, j, True)
            # another text column of this page folding into the base column just matched;
            # where the next base column is of the other kind (本年收入合计 indented beside
            # 上年结转结余, then the amounts), one such column only, next to a matched one
            if j < m and i > 0 and not other[j].numeric and not base[cand[i - 1]].numeric:
                fold = c + abs(rb[cand[i - 1]] - ro[j]) + 0.05
                step = back.get((i, j))
                if fold < dp[i][j + 1] and step is not None and step[2] and (same_kind or step[0] == i - 1):
                    dp[i][j + 1] = fold
                    back[(i, j + 1)] = (i, j, True)
    mapping: dict[int, int] = {}
    i, j = n, m
    while (i, j) in back:
        pi, pj, matched = back[(i, j)]
        if matched and pj == j - 1:
            mapping[j - 1] = cand[pi] if pi < i else cand[i - 1]
        i, j = pi, pj
    return mapping


def _match_columns(base: list[HeaderColumn], other: list[HeaderColumn], catalog: Catalog | None = None) -> dict[int, int]:
    """Align a later page's columns with the first page's by header text, keeping order.

    A leaf under a group that qualifies it (上年结转结余 / 小计 against 本年收入 / 小计) is
    another column than the same leaf without: a table too wide for one page continues its
    columns on the next, and the two pages' 小计 are not one column."""
    n, m = len(base), len(other)

    def key(h: HeaderColumn) -> str:
        text = clean_header(h.leaf)
        if catalog is None or not text or len(h.path) < 2:
            return text
        role = catalog.column_role(h.leaf, h.path) or ""
        return f"{role.split('.')[0]}.{text}" if "." in role else text

    key_b = [key(h) for h in base]
    key_o = [key(h) for h in other]
    # longest common subsequence on header text, then fill gaps by position
    dp = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if key_b[i] == key_o[j] and key_b[i]:
                dp[i][j] = dp[i + 1][j + 1] + 1
            else:
                dp[i][j] = max(dp[i + 1][j], dp[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if key_b[i] == key_o[j] and key_b[i]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif dp[i + 1][j] >= dp[i][j + 1]:
            i += 1
        else:
            j += 1
    mapping = {oj: bi for bi, oj in pairs}
    if not any(key_o):  # a page without a header: same columns in the same order
        return {j: j for j in range(min(n, m))}
    # unmatched columns between matched anchors: pair up by order when counts agree (and
    # no pair puts a qualified leaf, 上年结转结余 / 小计, on an unqualified one)
    anchors = [(-1, -1)] + pairs + [(n, m)]
    for (b0, o0), (b1, o1) in zip(anchors, anchors[1:]):
        bs, os_ = list(range(b0 + 1, b1)), list(range(o0 + 1, o1))
        if len(bs) == len(os_) and all(_qualifier(key_b[bi]) == _qualifier(key_o[oj]) for bi, oj in zip(bs, os_)):
            for bi, oj in zip(bs, os_):
                mapping[oj] = bi
    return mapping


def _qualifier(key: str) -> str:
    """The group prefix of a ``_match_columns`` key (``carryover`` of ``carryover.小计``)."""
    return key.split(".", 1)[0] if "." in key else ""


def _split_header_line(line: Line, catalog: Catalog, header: Sequence[Line] = ()) -> Line:
    """Header cells that pdftotext left one space apart (``一般公共预算 政府性基金预``):
    Chinese text has no spaces, so a single space between two Chinese characters in a
    header line separates two cells.

    Single characters a few cells apart are one letter-spaced word (``合      计``) unless
    another header line has two different words standing over them: then they are the
    last characters of two wrapped cells (``上年结`` / ``转`` beside ``上年实户资金余`` / ``额``)."""
    words = [piece for w in line.words for piece in _cells_of(w)]
    # letter-spaced headers (收   入, 项   目, 合      计) are one word
    joined: list[Word] = []
    for w in words:
        prev = joined[-1] if joined else None
        if (
            prev is not None
            and len(w.text) == 1
            and _CJK_RE.match(w.text)
            and _CJK_RE.match(prev.text[-1])
            and not (w.text in _CODE_LEVELS and prev.text[-1] in _CODE_LEVELS)
            and (len(prev.text) == 1 or prev.text.endswith(tuple(_SPACED_TAILS)))
            and w.x0 - prev.x1 <= 8
            and not _under_two_cells(prev, w, line, header)
        ):
            joined[-1] = Word(prev.text + w.text, prev.x0, w.x1)
        elif prev is not None and _YEAR_RE.fullmatch(prev.text) and w.text.startswith("年") and w.x0 - prev.x1 <= 1.5:
            # 2026 年基本支出: the year and its header are one cell (the PDF splits them)
            joined[-1] = Word(f"{prev.text} {w.text}", prev.x0, w.x1)
        else:
            joined.append(w)
    return Line(words=joined, page=line.page, lineno=line.lineno, text=line.text)


def _cells_of(w: Word) -> list[Word]:
    """A header word cut at single spaces between Chinese characters (cells pdftotext set
    one space apart)."""
    if " " not in w.text:
        return [w]
    out: list[Word] = []
    x = w.x0
    for p in _CELL_GAP_RE.split(w.text):
        if p.strip():
            out.append(Word(p, x, x + len(p)))
        x += len(p) + 1
    return out


_CELL_GAP_RE = re.compile(r" (?:(?<=[\u4e00-\u9fff）)”] )(?=[\u4e00-\u9fff（(“]))")


def _under_two_cells(a: Word, b: Word, line: Line, header: Sequence[Line]) -> bool:
    """A header line above has one word over ``a`` and a different word over ``b`` (words
    of several characters: the heads of wrapped cells, not letter-spaced ones)."""
    for other in header:
        if other is line:
            break
        # that line's cells as _split_header_line sees them (上年结 上年实户资金余: two cells)
        cells = [piece for w in other.words for piece in _cells_of(w)]
        over_a = [i for i, w in enumerate(cells) if len(w.text) > 1 and min(w.x1, a.x1) - max(w.x0, a.x0) > 0]
        over_b = [i for i, w in enumerate(cells) if len(w.text) > 1 and min(w.x1, b.x1) - max(w.x0, b.x0) > 0]
        if over_a and over_b and not set(over_a) & set(over_b):
            return True
    return False


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_SPACED_TAILS = ("资金性",)
_CODE_LEVELS = frozenset("类款项")
_CODE_LEVEL_LINES = frozenset({"类款项", "类款"})


def _slot_kinds(hcols: list[HeaderColumn], rows: list[GridRow], catalog: Catalog) -> list[str]:
    """Each slot is a key column (seq, code, code parts, label, unit code) or a value column."""
    kinds: list[str] = []
    by_slot: dict[int, list[str]] = {}
    for r in rows:
        for slot, v in r.cells.items():
            by_slot.setdefault(slot, []).append(v)
    for hc in hcols:
        kind = catalog.key_kind(hc.leaf) if hc.leaf else None
        vals = by_slot.get(hc.slot, [])
        n = len(vals) or 1
        amounts = codes = texts = seqs = 0
        for v in vals:
            a, c, t, q = _cell_traits(v)
            amounts += a
            codes += c
            texts += t
            seqs += q
        if kind is None and hc.leaf and catalog.column_role(hc.leaf, hc.path):
            kind = "value"
        if kind is None and _numbers_lines(vals):
            kind = "seq"  # 行次 1 2 3 … whatever header pdftotext put over it
        if kind is None:
            if vals and texts / n > 0.5:
                kind = "label"
            elif vals and codes / n > 0.6 and amounts / n < 0.5:
                kind = "code"
            elif vals and seqs / n > 0.8 and hc.slot == 0:
                kind = "seq"
            else:
                kind = "value"
        elif kind == "label" and vals and amounts / n > 0.8 and texts / n < 0.2:
            kind = "value"  # e.g. 项目 over an amount column
        elif kind == "label" and vals and texts / n < 0.2 and (amounts + codes) / n > 0.8 and _no_subject_codes(vals, catalog):
            kind = "value"  # round amounts read back from a spreadsheet (2780000) are no subject codes
        elif kind == "seq" and vals and texts / n > 0.5:
            kind = "label"
        if kind == "label" and vals and codes / n > 0.8 and texts / n < 0.9:
            kind = "code"
        kinds.append(kind)
    for i, k in enumerate(kinds):
        # a short number set flush left in the 单位编码 cell (``1`` on a 全额 row, left of the
        # right-aligned ``154001``s of the unit rows), or the units' codes indented under the
        # department's (``116`` over ``      116001``), makes a slot of its own with no
        # header: it is that column's, not an amount
        if (
            k in ("value", "seq")
            and not hcols[i].leaf
            and ((i + 1 < len(kinds) and kinds[i + 1] == "unit_code") or (i and kinds[i - 1] == "unit_code"))
            and (slot_vals := by_slot.get(hcols[i].slot))
            and all(v.strip().isdigit() and len(v.strip()) <= 6 for v in slot_vals)
            and (k == "value" or len(slot_vals) == 1 or len(set(slot_vals)) < len(slot_vals))  # a 序号 never repeats
        ):
            kinds[i] = "unit_code"
    for i, k in enumerate(kinds):
        # the 行次 header drifted onto the next column (``行次金额``): give it back
        if k == "seq" and not hcols[i].leaf and i + 1 < len(hcols):
            nxt = hcols[i + 1]
            leaf = squash(nxt.leaf)
            for w in sorted(_COL_NUMBER_WORDS | {"序号"}, key=len, reverse=True):
                rest = leaf[len(w) :]
                if leaf.startswith(w) and rest and (catalog.column_role(rest) or catalog.key_kind(rest)):
                    hcols[i].leaf, hcols[i].path = w, (*nxt.path[:-1], w)
                    nxt.leaf, nxt.path = rest, (*nxt.path[:-1], rest)
                    break
    return kinds


def _numbers_lines(vals: list[str]) -> bool:
    """A column of line numbers (行次): small integers going up by one, row after row."""
    if len(vals) < 4:
        return False
    nums = []
    for v in vals:
        t = v.strip()
        if not (0 < len(t) <= 3 and t.isdecimal()):
            return False
        nums.append(int(t))
    return all(b == a + 1 for a, b in zip(nums, nums[1:]))


def _no_subject_codes(vals: list[str], catalog: Catalog) -> bool:
    """Code-like numbers none of which starts with a known 类 (201…, 301…): amounts."""
    codes = [v.replace(" ", "") for v in vals if is_code(v.replace(" ", ""))]
    return bool(codes) and not any(catalog.subject(c[:3]) for c in codes)


@lru_cache(maxsize=1 << 14)
def _cell_traits(v: str) -> tuple[bool, bool, bool, bool]:
    """What a cell's text says about its column: an amount (not a 序号 or code), a code,
    text, a 序号.  Cached: columns repeat the same texts (0.00, codes, dashes)."""
    squeezed = v.replace(" ", "")
    seq = bool(_SEQ_RE.match(v))
    code = is_code(squeezed)
    amount = is_amount(v) and not seq and not code
    return amount, code or bool(_CODE_NAME_RE.match(v)), not is_amount(squeezed), seq


_SIDE_NAMES = (
    ("收入", "income"),
    ("支出功能", "expenditure"),
    ("部门预算支出经济", "expenditure_economic"),
    ("政府预算支出经济", "expenditure_gov_economic"),
    ("支出", "expenditure"),
)


def _sides(hcols: list[HeaderColumn], kinds: list[str], mode: str = "true") -> list[str | None]:
    """Multi-sided tables (收入 | 支出): a new side starts at a label column after values."""
    if mode == "false":
        return _repeated_blocks(hcols, kinds)
    if mode == "auto":
        words = {squash(p) for hc in hcols for p in hc.path}
        if not (any(w.startswith("收入") for w in words) and any(w.startswith("支出") for w in words)):
            return [None] * len(kinds)
    side_of: list[int] = []
    side = 0
    seen_value = False
    for k in kinds:
        if k in ("label", "code", "code_class") and seen_value:
            side += 1
            seen_value = False
        if k == "value":
            seen_value = True
        side_of.append(side)
    nsides = side + 1
    if nsides == 1:
        return [None] * len(kinds)
    names: list[str] = []
    for s in range(nsides):
        text = "".join("".join(hc.path) for hc, so in zip(hcols, side_of) if so == s)
        name = None
        for word, n in _SIDE_NAMES:
            if word in text and n not in names:
                name = n
                break
        if name is None:
            name = "income" if s == 0 and "income" not in names else ("expenditure" if "expenditure" not in names else f"side{s + 1}")
        names.append(name)
    return [names[s] for s in side_of]


_BLOCK_TOTAL_RE = re.compile(r"(?:合\s*计|总\s*计)$")


def _block_total_line(gr: GridRow, kinds: list[str], sides: list[str | None]) -> GridRow:
    """A block's total printed across blocks (``公用经费合计`` under one block, its amount
    under the next, which has no row of its own there): the label moves to the block of
    its amount."""
    cells = gr.cells
    blocks = list(dict.fromkeys(s for s in sides if s))
    slots_of = {b: [i for i, s in enumerate(sides) if s == b] for b in blocks}
    moved = None
    for b, nxt in zip(blocks, blocks[1:]):
        # a block's amount cell is empty and the next block's code, a number too, was
        # taken for it: the code goes back to its block
        code_slot = next((i for i in slots_of[nxt] if kinds[i] == "code"), None)
        last_value = max((i for i in slots_of[b] if kinds[i] == "value"), default=None)
        if code_slot is None or last_value is None or code_slot in cells or last_value not in cells:
            continue
        text = cells[last_value].replace(" ", "")
        if is_code(text) and not any(ch in text for ch in ",.，"):
            moved = dict(moved or cells)
            moved[code_slot] = moved.pop(last_value)
    if moved is not None:
        cells = moved
    for n, b in enumerate(blocks):
        labels = [i for i in slots_of[b] if kinds[i] == "label" and i in cells]
        if len(labels) != 1 or not _BLOCK_TOTAL_RE.search(cells[labels[0]].replace(" ", "")):
            continue
        if any(i in cells for i in slots_of[b] if kinds[i] == "value"):
            continue
        for later in blocks[n + 1 :]:
            keys = [i for i in slots_of[later] if kinds[i] != "value" and i in cells]
            vals = [i for i in slots_of[later] if kinds[i] == "value" and i in cells]
            target = next((i for i in slots_of[later] if kinds[i] == "label"), None)
            if keys:
                break
            if vals and target is not None:
                moved = dict(cells)
                moved[target] = moved.pop(labels[0])
                break
        if moved is not None:
            break
    return GridRow(gr.line, moved) if moved is not None else gr


def _repeated_blocks(hcols: list[HeaderColumn], kinds: list[str]) -> list[str | None]:
    """A table printed as blocks side by side, each with the same columns (the central
    决算 基本支出表: 科目代码 科目名称 决算数 | 科目代码 科目名称 决算数 | …): each block is a
    side of its own (``part1``, ``part2`` …), so that a line holds one row per block."""
    none: list[str | None] = [None] * len(kinds)
    starts = [
        i for i, k in enumerate(kinds)
        if k in ("code", "code_class", "label") and (i == 0 or kinds[i - 1] == "value")
    ]
    if len(starts) < 2 or starts[0] != next((i for i, k in enumerate(kinds) if k != "seq"), 0):
        return none
    bounds = list(zip(starts, starts[1:] + [len(kinds)]))
    shapes = [tuple((kinds[i], clean_header(hcols[i].leaf)) for i in range(a, b)) for a, b in bounds]
    first = shapes[0]
    if any(sh != first for sh in shapes[1:]) or "value" not in {k for k, _ in first} or not all(h for _, h in first):
        return none
    out = list(none)
    for n, (a, b) in enumerate(bounds):
        for i in range(a, b):
            out[i] = f"part{n + 1}"
    return out


@dataclass
class _RowBuf:
    seq: str | None = None
    code: str | None = None
    code_parts: dict[str, str] = field(default_factory=dict)
    label: str = ""
    codes: dict[str, str] = field(default_factory=dict)
    unit_code: str | None = None
    values: dict[int, str] = field(default_factory=dict)
    line: Line | None = None
    repaired: str | None = None
    #: how the code was repaired: ``split`` (one code cut in two by extraction) or
    #: ``zero`` (a 款/项 printed without its leading zero)
    repair: str = "split"
    extra_labels: dict[int, str] = field(default_factory=dict)
    first_unit: str | None = None  # the first 单位编码 cell (a 项 may have moved there)

    def __init__(
        self,
        seq: str | None = None,
        code: str | None = None,
        code_parts: dict[str, str] | None = None,
        label: str = "",
        codes: dict[str, str] | None = None,
        unit_code: str | None = None,
        values: dict[int, str] | None = None,
        line: Line | None = None,
        repaired: str | None = None,
        repair: str = "split",
        extra_labels: dict[int, str] | None = None,
        first_unit: str | None = None,
    ) -> None:
        # (written out rather than generated by @dataclass: compiled by mypyc, this __init__ is
        # native code, the generated one is interpreted; tests/test_model_init.py keeps it in step)
        self.seq = seq
        self.code = code
        self.code_parts = code_parts if code_parts is not None else {}
        self.label = label
        self.codes = codes if codes is not None else {}
        self.unit_code = unit_code
        self.values = values if values is not None else {}
        self.line = line
        self.repaired = repaired
        self.repair = repair
        self.extra_labels = extra_labels if extra_labels is not None else {}
        self.first_unit = first_unit

    @property
    def has_key(self) -> bool:
        return bool(self.seq or self.code or self.label or self.code_parts or self.unit_code)


_YEAR_GROUP_RE = re.compile(r"^((?:19|20)\d\d)年$")


def _year_groups(hc: HeaderColumn) -> list[int]:
    return [int(m.group(1)) for p in hc.path[:-1] if (m := _YEAR_GROUP_RE.match(clean_header(p)))]


def _latest_year_group(hcols: list[HeaderColumn], kinds: list[str]) -> int | None:
    """The latest year when value columns stand under group headers of two or more years
    (2021年 | 2022年 | 增减变化情况): the earlier years' columns are last year's figures."""
    years = {y for hc, k in zip(hcols, kinds) if k == "value" for y in _year_groups(hc)}
    return max(years) if len(years) >= 2 else None


def _earlier_year_group(hc: HeaderColumn, latest: int) -> bool:
    ys = _year_groups(hc)
    return bool(ys) and max(ys) < latest


_BLOCK_ROLES = frozenset({"total", "subtotal", "abroad", "reception", "meeting", "training"})
_VEHICLE_ROLES = frozenset({"vehicle", "vehicle_purchase", "vehicle_operation"})


def _group_tag(hc: HeaderColumn, catalog: Catalog) -> int | str | None:
    """The year (2021年) or change (增减变化情况) group a column's header path names."""
    for p in hc.path[:-1]:
        t = clean_header(p)
        m = _YEAR_GROUP_RE.match(t)
        if m:
            return int(m.group(1))
        for prefix, words in catalog.group_prefixes:
            if prefix == "change" and any(t.startswith(w) for w in words):
                return "change"
    return None


def _aligned_blocks(
    blocks: list[list[int]], base: dict[int, str | None], filled: set[int] | None
) -> list[list[int]] | None:
    """Blocks repeated side by side whose headers were read with extra columns.

    Stacked header letters of a narrow block (小 / 计, 公务用 / 车运行 / 费) can be read as
    columns of their own that hold no amount in any row, and the block's amounts then stand
    under neighbouring headers (the 2022年 block's 小计 amounts under the group header
    一般公共预算拨款安排的“三公”经费预算).  Without those header-only columns every block has
    the same number of columns; the role at each position is the one most blocks agree on,
    given to every block's column there (``base`` is changed in place), and the header-only
    columns lose theirs.  Nothing is changed (None) unless the positions agree that way."""
    if filled is None:
        return None
    kept = [[i for i in block if i in filled] for block in blocks]
    if len({len(b) for b in kept}) != 1 or not kept[0]:
        return None
    consensus: list[str | None] = []
    for pos in range(len(kept[0])):
        votes = Counter(base[b[pos]] for b in kept if base[b[pos]])
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        consensus.append(ranked[0][0])
    if len(set(consensus)) != len(consensus) or "total" not in consensus:
        return None
    for block, k in zip(blocks, kept):
        for i in block:
            if i not in filled:
                base[i] = None  # a header-only column
        for pos, i in enumerate(k):
            base[i] = consensus[pos]
    return kept


def _year_block_roles(
    hcols: list[HeaderColumn],
    kinds: list[str],
    roles: dict[int, str | None],
    catalog: Catalog,
    filled: set[int] | None = None,
) -> dict[int, str | None]:
    """Columns printed in blocks under year groups (2021年 | 2022年 | 增减变化情况), each block
    starting with its 合计: every column of a block belongs to that block's group.

    The group headers are centred over their blocks, and letters stacked one under the
    other beside them (因 / 公 / 出 / 国 …) can widen a group over a neighbour's columns or
    hide it: the blocks, counted from their 合计 columns, and the groups, in the order the
    header prints them, decide instead.  Inside a block, a second 小计 followed by the
    公务用车 purchase or running-cost columns is the 公务用车 小计.  A block read with extra
    header-only columns (``filled``: the columns that hold an amount in some row) takes the
    columns the blocks agree on (:func:`_aligned_blocks`).
    """
    vals = [i for i, k in enumerate(kinds) if k == "value"]
    starts = [i for i in vals if clean_header(hcols[i].leaf) == "合计"]
    if len(starts) < 2:
        return {}
    order: list[int | str] = []
    for i in vals:
        tag = _group_tag(hcols[i], catalog)
        if tag is not None and tag not in order:
            order.append(tag)
    years = [t for t in order if isinstance(t, int)]
    if len(order) != len(starts) or len(years) < 1 or (len(years) < 2 and "change" not in order):
        return {}
    latest = max(years)
    base: dict[int, str | None] = {}
    for i in vals:
        r = roles.get(i)
        base[i] = r.split(".", 1)[1] if r and r.startswith(("prior.", "change.")) else r
    blocks = [[i for i in vals if a <= i < b] for a, b in zip(starts, starts[1:] + [len(kinds)])]
    for block in blocks:
        subtotals = [i for i in block if base[i] == "subtotal"]
        for i in subtotals[1:]:
            after = [base[j] for j in block if i < j <= i + 2]
            if any(r in ("vehicle_purchase", "vehicle_operation") for r in after):
                base[i] = "vehicle"
        # 公务用车购置及运行维护费 wrapped as 公务用车购置及 / 运行维护费 over its own column:
        # a first 运行费 column before the 购置费 one is the 公务用车 total
        ops = [i for i in block if base[i] == "vehicle_operation"]
        buys = [i for i in block if base[i] == "vehicle_purchase"]
        if len(ops) >= 2 and "vehicle" not in {base[i] for i in block} and any(ops[0] < j < ops[1] for j in buys):
            base[ops[0]] = "vehicle"
    shapes = {
        (frozenset(base[i] for i in block) & _BLOCK_ROLES, any(base[i] in _VEHICLE_ROLES for i in block)) for block in blocks
    }
    out: dict[int, str | None] = {}
    if len(shapes) != 1 or len({len(block) for block in blocks}) != 1:
        kept = _aligned_blocks(blocks, base, filled)
        if kept is not None and filled is not None:  # (kept only with filled)
            out.update((i, None) for block in blocks for i in block if i not in filled)
            blocks = kept
        elif len(shapes) != 1:
            return {}  # the blocks do not repeat the same columns: leave the groups as read
    for n, block in enumerate(blocks):
        tag = order[n]
        prefix = "change." if tag == "change" else ("prior." if tag != latest else "")
        for i in block:
            r = base[i]
            out[i] = f"{prefix}{r}" if r and not r.startswith("carryover") else r
    return out


def _build_rows(
    grid: bool,
    spec: TableSpec,
    hcols: list[HeaderColumn],
    kinds: list[str],
    grid_rows: list[GridRow],
    numbers: dict[int, str],
    catalog: Catalog,
    issues: list[Issue],
    unit_code: str | None = None,
) -> tuple[list[Column], list[Row]]:
    sides = _sides(hcols, kinds, spec.sides)
    # columns
    columns: list[Column] = []
    col_of: dict[int, Column] = {}
    used: dict[str, int] = {}
    latest = _latest_year_group(hcols, kinds)
    roles: dict[int, str | None] = {}
    for i, (hc, kind) in enumerate(zip(hcols, kinds)):
        if kind != "value":
            continue
        role = catalog.column_role(hc.leaf, hc.path) if hc.leaf else None
        if role and "." not in role and latest and _earlier_year_group(hc, latest):
            role = f"prior.{role}"  # under 2021年 beside 2022年: last year's figure
        roles[i] = role
    if spec.generic:
        # a table the catalogue does not know keeps every headed text column (会议名称 |
        # 时间 | …): the first names the rows, the others are text columns of their own
        labels = [i for i, k in enumerate(kinds) if k == "label"]
        for i in labels[1:]:
            if hcols[i].leaf:
                kinds[i] = "value"
                roles[i] = "text"
    filled = {i for gr in grid_rows for i, t in gr.cells.items() if t and t.strip()}
    roles.update(_year_block_roles(hcols, kinds, roles, catalog, filled))
    absorbed = _absorbed_by_text_column(hcols, kinds, roles, grid_rows, catalog) | _unheaded_beside_empty(
        hcols, kinds, roles, grid_rows, filled, catalog
    )
    for i, (hc, kind, side) in enumerate(zip(hcols, kinds, sides)):
        if kind != "value" or i in absorbed:
            continue
        header = clean_header(hc.leaf) or f"列{hc.slot + 1}"
        role = roles[i]
        base = role if role and role != "text" else header
        if side:
            base = f"{side}.{base}"
        n = used.get(base, 0)
        used[base] = n + 1
        key = base if n == 0 else f"{base}.{n + 1}"
        kind_col = "quantity" if role == "quantity" else ("text" if role in catalog.text_roles else "amount")
        columns.append(
            Column(
                key=key,
                header=header,
                role=role,
                path=tuple(clean_header(p) for p in hc.path),
                number=numbers.get(hc.slot),
                side=side,
                kind=kind_col,
            )
        )
        col_of[hc.slot] = columns[-1]
    for i, j in (absorbed | _quantities_under_text_header(hcols, kinds, roles, grid_rows)).items():
        col_of[hcols[i].slot] = col_of[hcols[j].slot]
    text_slots = frozenset(slot for slot, col in col_of.items() if col.kind == "text")
    catalogue = _catalogue_slots(col_of)
    side_names: list[str | None] = sorted({s for s in sides if s}, key=lambda s: sides.index(s)) or [None]
    if len(side_names) > 1 and all(s is not None and s.startswith("part") for s in side_names):
        grid_rows = [_block_total_line(gr, kinds, sides) for gr in grid_rows]
    # rows, per side
    all_rows: list[Row] = []
    # a 序号 before the first label numbers the lines of both sides; a 行次 column printed
    # on each side (决算 收入支出决算总表: 项目 行次 金额 | 项目 行次 金额) belongs to its side
    first_key = next((i for i, k in enumerate(kinds) if k in ("label", "code", "code_class")), len(kinds))
    shared = [i for i, k in enumerate(kinds) if k == "seq" and (i < first_key or sides[i] is None)]
    for side in side_names:
        slots = sorted({*shared, *(i for i, s in enumerate(sides) if s == side)})
        bufs = _collect_rows(slots, kinds, hcols, grid_rows, catalog, wrap=not grid, text_slots=text_slots)
        for b in bufs:
            _catalogue_in_place(b, *catalogue)
            row = _finish_row(b, side, col_of, spec, issues, unit_code)
            if row is not None:
                all_rows.append(row)
    if side_names != [None]:
        all_rows.sort(key=lambda r: (r.line or 0, side_names.index(r.side)))
    return columns, all_rows


#: a character of a name (not a mark such as ``-`` or ``*``)
_NAME_CHAR_RE = re.compile(r"[\w\u4e00-\u9fff]")

#: headers of a unit-name column and of a project-name column beside it
_UNIT_NAME_HEADERS = frozenset({"单位名称", "预算单位名称"})
_PROJECT_NAME_HEADERS = frozenset({"项目名称", "预算项目名称"})


def _collect_rows(
    slots: list[int], kinds: list[str], hcols: list[HeaderColumn], grid_rows: list[GridRow], catalog: Catalog, wrap: bool = True,
    text_slots: frozenset[int] = frozenset(),
) -> list[_RowBuf]:
    bufs: list[_RowBuf] = []
    pending_values: _RowBuf | None = None
    first_label = next((s for s in slots if kinds[s] == "label"), None)
    if first_label is not None and not hcols[first_label].leaf:
        # marks in a column of no header (a ``-`` before one row's name) left of the column
        # the header names for the labels: that column is the label
        headed = next((s for s in slots if s > first_label and kinds[s] == "label" and hcols[s].leaf), None)
        if headed is not None and all(
            not _NAME_CHAR_RE.search(gr.cells[first_label]) for gr in grid_rows if first_label in gr.cells
        ):
            first_label = headed
    unit_name = None
    if first_label is not None and clean_header(hcols[first_label].leaf or "") in _UNIT_NAME_HEADERS:
        project = next(
            (s for s in slots if s > first_label and kinds[s] == "label" and clean_header(hcols[s].leaf or "") in _PROJECT_NAME_HEADERS),
            None,
        )
        if project is not None:
            # a table of projects by unit (预算单位名称 | 预算项目名称 …): a row is a project,
            # its label the project's name; a line without one (合计, 全额, a unit's line)
            # keeps the unit column's text
            unit_name, first_label = first_label, project
    code_slot = next((s for s in slots if kinds[s] == "code"), None)
    # 类/款 columns under 部门预算支出经济科目编码 / 政府预算支出经济科目编码 (a 政府采购表):
    # the row's economic codes, apart from its 功能 code (科目编码 类 款 项)
    econ = _code_part_groups([s for s in slots if kinds[s] in _CODE_PART_KINDS], kinds, hcols, code_slot is not None)
    apart = 0  # lines with cells of other sides only since the last line read
    for gr in grid_rows:
        cells = gr.cells
        present = [s for s in slots if s in cells]
        if not present:
            apart += bool(cells)
            continue  # nothing on this side of the line
        was_apart, apart = apart > 2, 0
        b = _RowBuf(line=gr.line)
        econ_parts: dict[str, dict[str, str]] = {}
        texts_only = None  # the line has no amount at all (worked out when needed)
        for s in present:
            text = cells[s]
            kind = kinds[s]
            if kind == "seq":
                if _SEQ_RE.match(text):
                    b.seq = text
                elif (
                    code_slot is not None and code_slot not in cells and is_code(text) and first_label in cells
                    and any(x != s and kinds[x] == "value" and _is_cell_value(cells[x]) for x in present)
                ):
                    # a 款/项 code (five or seven digits: never a 序号) standing just right of
                    # a 序号 column, taken for one of its numbers, on a row of name and
                    # amounts: the row's code (a code alone or beside label fragments on a
                    # line of its own is left to the rows around it)
                    _take_code(b, text, "code", hcols[code_slot].leaf)
                else:
                    b.label = (b.label + text).strip()
            elif kind in ("code", "gov_code", "unit_code"):
                if kind == "unit_code" and b.first_unit is None:
                    b.first_unit = text.strip()
                _take_code(b, text, kind, hcols[s].leaf)
            elif kind in _CODE_PART_KINDS:
                group = econ[s]
                if group:
                    econ_parts.setdefault(group, {})[kind] = text.replace(" ", "")
                else:
                    b.code_parts[kind] = text.replace(" ", "")
            elif kind in ("label", "gov_label"):
                primary = kind == "label" and s == first_label
                m = _CODE_NAME_RE.match(text)
                if m:
                    if primary:
                        _take_code(b, m.group(1), "code", hcols[s].leaf)
                    else:
                        _take_secondary(b, m.group(1), kind, hcols[s].leaf)
                    text = m.group(2)
                elif primary and not b.code:
                    m2 = _CODE_SPACE_NAME_RE.match(text)
                    if m2:
                        _take_code(b, m2.group(1), "code", hcols[s].leaf)
                        text = m2.group(2)
                if primary:
                    b.label = f"{b.label} {text}".strip() if b.label else text
                else:
                    b.extra_labels[s] = text
            else:
                if s in text_slots and not b.label and not b.code and squash(text) in _TOTAL_WORDS:
                    b.label = squash(text)  # 合计 centred across the label and text columns
                    continue
                if _is_cell_value(text) or s in text_slots:
                    b.values[s] = text  # (a text column's cell is its text, whatever it says)
                    continue
                if texts_only is None:
                    texts_only = not any(is_amount(t.replace(" ", "")) for t in cells.values())
                if texts_only and wrap and not _SEQ_RE.match(text):
                    b.label = f"{b.label}{text}"  # a wrapped label that drifted among the amounts
                elif kinds and b.label == "" and not b.code and not any(kinds[x] == "label" for x in slots):
                    b.label = text
                else:
                    b.values[s] = text
        if unit_name is not None and not b.label and unit_name in b.extra_labels:
            b.label = b.extra_labels.pop(unit_name)
        if not b.label and not b.code and not b.seq:
            # a 合计 centred under a wider header than the labels' (采购类别 over ``A-货物``
            # set flush left), maybe letter-spaced over two cells: the total's label stands
            # in other columns' cells
            spread = " ".join(t.strip() for _, t in sorted(b.extra_labels.items()))
            if squash(spread) in _TOTAL_WORDS:
                b.label = spread
                b.extra_labels.clear()
        if b.label in ("合", "总") and not b.code:
            # 合计 printed letter-spaced (``合      计``) across the label column and the
            # next: its second character landed in that column's cell
            tail = next((k for k, t in b.extra_labels.items() if t.strip() == "计"), None)
            if tail is not None:
                del b.extra_labels[tail]
                b.label += "计"
        for group, parts in econ_parts.items():
            digits = [parts.get(k, "") for k in _CODE_PART_KINDS]
            b.codes[group] = join_code(digits) or "".join(digits)
        if not b.has_key and not b.values and not b.codes:
            continue
        _shift_code_parts(b)
        if not b.code and not b.seq and b.values and is_code(b.label) and bufs and _code_below_name(b, bufs[-1], b.label):
            # a bare subject code with the row's amounts, its name wrapped onto the line
            # above (``14 机关事业单位职业年金缴费支出`` / ``2080506  2,352,976.29 …``)
            b.code, b.label = b.label, ""
        # a bare subject code read as the label: the row's second code (政府经济科目 50501)
        # that pdftotext pushed left into the label column when it put the wrapped row's rest
        # on a line of its own
        stray_code = bool(b.label) and is_code(b.label.replace(" ", "")) and bool(b.values)
        if (
            bufs
            and not b.seq
            and (not b.code or _code_below_name(b, bufs[-1]))
            and (not b.label or (not b.code and stray_code and bufs[-1].code and bufs[-1].label))
            and not b.code_parts
            and (b.codes or b.values)
            and not bufs[-1].values
            and (bufs[-1].code or bufs[-1].label)
            and (not stray_code or bufs[-1].line is None or b.line is None or b.line.lineno - bufs[-1].line.lineno == 1)
        ):
            prev = bufs[-1]  # the rest of a row whose first cell wrapped onto two lines
            prev.code = prev.code or b.code
            if stray_code and b.label.replace(" ", "") != prev.code:
                _take_secondary(prev, b.label.replace(" ", ""), "label", "")
            for ck, cv in b.codes.items():
                prev.codes.setdefault(ck, cv)
            for xk, xv in b.extra_labels.items():
                prev.extra_labels.setdefault(xk, xv)
            prev.values.update(b.values)
            continue
        if not b.has_key:
            # numbers without a label: they belong to the next row (vertically centred
            # cells) or fill the previous row's empty cells
            if bufs and not (set(b.values) & set(bufs[-1].values)) and pending_values is None and _label_done(bufs[-1]):
                bufs[-1].values.update(b.values)
            elif pending_values is None:
                pending_values = b
            else:
                pending_values.values.update({k: v for k, v in b.values.items() if k not in pending_values.values})
            continue
        if pending_values is not None:
            if _code_above(pending_values, b, bufs):
                b.code = next(iter(pending_values.values.values()))
            elif not (set(pending_values.values) & set(b.values)):
                b.values.update(pending_values.values)
            else:
                bufs.append(pending_values)
            pending_values = None
        if wrap and len(bufs) >= 2 and _overflow_above_row(b, bufs[-1], bufs[-2]):
            # the previous row's wrapped label ran into this row's line (``机关事业单位基本养老
            # 保险缴`` / ``8 30109 费 50102`` / ``职业年金缴费 … 494517.18``): the fragment
            # ends the row above, this line's label and amounts complete the coded row
            row, above = bufs[-1], bufs[-2]
            above.label = above.label + row.label
            row.label = b.label
            for v in row.values.values():
                _take_secondary(row, v.strip(), "code", "")
            row.values = dict(b.values)
            for ck, cv in b.codes.items():
                row.codes.setdefault(ck, cv)
            for xk, xv in b.extra_labels.items():
                row.extra_labels.setdefault(xk, xv)
            continue
        if bufs and _codes_line_above(b, bufs[-1]):
            # 序号, code and 政府经济科目编码 on one line, the names and amounts on the next
            # (the cells' text set at the top, the wrapped name pushing the rest down)
            prev = bufs[-1]
            _take_secondary(prev, next(iter(prev.values.values())).strip(), "label", "")
            prev.label, prev.values = b.label, dict(b.values)
            for xk, xv in b.extra_labels.items():
                prev.extra_labels.setdefault(xk, xv)
            continue
        if wrap and bufs and not was_apart and _is_continuation(b, bufs[-1]):
            # (a label continues a line just above it on its side, not one that lines of the
            # other side stand between: 上年结转结余 under 九、其他收入 and ten 支出 lines)
            prev = bufs[-1]
            prev.label = prev.label + b.label
            continue
        if wrap and bufs and _last_line_of_wrapped_label(b, bufs[-1], catalog):
            # a label wrapped over two lines, its amounts printed on the second one
            prev = bufs[-1]
            prev.label = prev.label + b.label
            prev.values = dict(b.values)
            prev.seq = prev.seq or b.seq
            continue
        if wrap and bufs and _centred_in_wrapped_label(b, bufs[-1]):
            # the label wrapped over three lines, its amounts (and 序号) on the middle one
            prev = bufs[-1]
            prev.seq, prev.values = b.seq, dict(b.values)
            continue
        if wrap and len(bufs) > 1 and _code_below_its_row(b, bufs):
            # the code printed under its row (``行政运行  17,651,794.92 …`` / ``2013301``,
            # the rest of a wrapped label beside it: ``2013302  事务``)
            prev = bufs[-1]
            prev.code, prev.repaired = b.code, prev.repaired or b.repaired
            prev.label = prev.label + b.label
            continue
        bufs.append(b)
    if pending_values is not None:
        if bufs and not (set(pending_values.values) & set(bufs[-1].values)):
            bufs[-1].values.update(pending_values.values)
        else:
            bufs.append(pending_values)
    if code_slot is not None:
        _class_codes_from_seq(bufs)
    return bufs


def _class_codes_from_seq(bufs: list[_RowBuf]) -> None:
    """A 类 code (three digits) read into the 序号 column of a row without a code, the next
    row coded with a 款 of that 类 (``201 一般公共服务支出`` over ``20113 商贸事务``): the
    row's code, printed just right of the 序号 column, not a 序号."""
    for b, nxt in zip(bufs, bufs[1:]):
        s = b.seq
        if s and len(s) == 3 and is_code(s) and not b.code and not b.code_parts and b.label:
            if nxt.code and len(nxt.code) == 5 and nxt.code.startswith(s) and not nxt.seq:
                b.code, b.seq = s, None


@lru_cache(maxsize=1 << 14)
def _is_cell_value(text: str) -> bool:
    """An amount (spaces inside ignored) or a dash standing for a blank cell."""
    return is_amount(text.replace(" ", "")) or text.strip() in ("-", "---", "—", "－", "/")


def _code_below_its_row(b: _RowBuf, bufs: list[_RowBuf]) -> bool:
    """Is ``b`` a subject code (maybe with the rest of a label) and nothing else, printed
    on the line under a row that has a label and amounts but no code?  The row's cells
    are centred in it differently: the label and amounts on one line, the code on the
    next.  Only a code that goes on the tree where it stands (a child of the last coded
    row, or its sibling) is taken so; a coded line without amounts after a total is not."""
    prev = bufs[-1]
    if not b.code or b.code_parts or b.values or b.seq or b.codes or b.unit_code:
        return False
    if prev.code or prev.code_parts or not prev.values or not prev.label or prev.seq or _ORDINAL_START_RE.match(prev.label):
        return False
    if any(is_code(v.replace(",", "")) for v in prev.values.values()):
        return False  # a code of its own read among the amounts (``39908`` beside its wrapped name)
    last = next((x.code for x in reversed(bufs[:-1]) if x.code), None)
    if last is None or len(b.code) <= 3:
        return False
    up = b.code[:-2]
    return up == last or (len(last) > 3 and up == last[:-2])


def _label_done(b: _RowBuf) -> bool:
    return bool(b.label) and bool(b.values)


_ORDINAL_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|其中|合\s*计|总\s*计|小\s*计)")


def _on_next_line(upper: _RowBuf, lower: _RowBuf) -> bool:
    """``lower`` was read from the line right under ``upper``'s, on the same page."""
    if upper.line is None or lower.line is None or upper.line.page != lower.line.page:
        return False
    return lower.line.lineno - upper.line.lineno == 1


def _code_above(pending: _RowBuf, b: _RowBuf, bufs: list[_RowBuf]) -> bool:
    """A subject code alone on the line above a row of name and amounts that has no code
    (``22102`` / ``住房改革支出  461.08 …``), in a table whose rows carry codes: the row's
    code, not an amount (it was read as one, standing near an amount column's edge)."""
    if len(pending.values) != 1 or b.seq or b.code or b.code_parts or b.codes or not b.label or not b.values:
        return False
    if not bufs or not (bufs[-1].code or bufs[-1].code_parts) or bufs[-1].seq:
        return False
    if pending.line is None or b.line is None or pending.line.page != b.line.page:
        return False
    if _ORDINAL_START_RE.match(b.label):
        return False  # 合计 / 其中 / 一、… are rows of their own
    return is_code(next(iter(pending.values.values())).strip())


_CODE_PART_KINDS = ("code_class", "code_section", "code_item")
_TOTAL_WORDS = frozenset({"合计", "总计"})


def _absorbed_by_text_column(
    hcols: list[HeaderColumn], kinds: list[str], roles: dict[int, str | None], grid_rows: list[GridRow], catalog: Catalog
) -> dict[int, int]:
    """Header-less slots that are the left part of the text column beside them: a short
    number set flush left in a wide text cell (购买服务内容 ``1`` under a centred header)
    makes a value slot of its own.  Never money (no separator or decimals), never on a row
    that also fills the text column."""
    out: dict[int, int] = {}
    for i in range(len(hcols) - 1):
        j = i + 1
        if kinds[i] != "value" or hcols[i].leaf or kinds[j] != "value" or roles.get(j) not in catalog.text_roles:
            continue
        vals = [gr.cells[i] for gr in grid_rows if i in gr.cells]
        if not vals or any(j in gr.cells for gr in grid_rows if i in gr.cells):
            continue
        if all(len(v.strip()) <= 6 and not _MONEY_RE.search(v) for v in vals):
            out[i] = j
    return out


def _unheaded_beside_empty(
    hcols: list[HeaderColumn],
    kinds: list[str],
    roles: dict[int, str | None],
    grid_rows: list[GridRow],
    filled: set[int],
    catalog: Catalog,
) -> dict[int, int]:
    """A header-less column of numbers right beside a headed column of figures that holds
    nothing: the numbers set flush left in their cell end short of the header centred over
    it (人数 ``100`` under ``人数``, a character apart).  They are that column's.  (Never a
    text column's: numbers beside an empty 说明 are amounts whose header was lost.)"""
    out: dict[int, int] = {}
    for i in range(len(hcols) - 1):
        j = i + 1
        if kinds[i] != "value" or kinds[j] != "value" or hcols[i].leaf or not hcols[j].leaf or j in filled:
            continue
        if roles.get(j) in catalog.text_roles:
            continue
        vals = [gr.cells[i].strip() for gr in grid_rows if i in gr.cells and gr.cells[i].strip()]
        if vals and all(is_amount(v) for v in vals):
            out[i] = j
    return out


def _quantities_under_text_header(
    hcols: list[HeaderColumn], kinds: list[str], roles: dict[int, str | None], grid_rows: list[GridRow]
) -> dict[int, int]:
    """A text column (规格型号) holding nothing but whole numbers, beside a 数量 column that
    holds nothing: pdftotext set the header line on a wider grid than the rows, and the
    quantities, right-aligned, stand under the text column's header.  They are the 数量."""
    out: dict[int, int] = {}
    values = [i for i, k in enumerate(kinds) if k == "value"]
    for i, j in zip(values, values[1:]):
        if roles.get(j) != "quantity" or roles.get(i) not in ("spec", "service", "catalogue"):
            continue
        vals = [gr.cells[i].strip() for gr in grid_rows if i in gr.cells]
        if vals and all(v.isdigit() for v in vals) and not any(j in gr.cells for gr in grid_rows):
            out[i] = j
    return out


def _code_part_groups(parts: list[int], kinds: list[str], hcols: list[HeaderColumn], coded: bool) -> dict[int, str | None]:
    """The code each 类/款/项 column is part of: ``None`` for the row's own code, else
    ``economic`` / ``gov_economic``.  With one 类 column all parts are the row's own code;
    with several, a 类 under an economic group header (部门预算支出经济科目编码 …) starts an
    economic code and the 款/项 after it belong to it; when no 类 is the 功能 code's (and no
    code column stands for it), the first is the row's own (基本支出表's 经济分类 类 款)."""
    classes = [s for s in parts if kinds[s] == "code_class"]
    if len(classes) < 2:
        return dict.fromkeys(parts)
    out: dict[int, str | None] = {}
    group: str | None = None
    for s in parts:
        if kinds[s] == "code_class" or s < classes[0]:
            group = _economic_group(hcols[s].path)
        out[s] = group
    if not coded and all(out[s] for s in classes):
        own = out[classes[0]]
        out = {s: (None if g == own else g) for s, g in out.items()}
    return out


def _economic_group(path: tuple[str, ...]) -> str | None:
    """Which economic code a 类/款/项 column under ``path`` belongs to (None: the row's own
    功能 code)."""
    groups = "".join(path[:-1])
    if "经" not in groups:  # 经济 (or 部门预算支出经 / 济科目编码 wrapped apart)
        return None
    return "gov_economic" if "政府" in groups else "economic"


def _shift_code_parts(b: _RowBuf) -> None:
    """类/款/项 read one column to the right (``208`` under 款, ``02`` under 项, ``07``
    under the 单位编码 beside them, on a line whose 单位编码 stands on the next line): a
    类 has three digits and a 款 two, so a three-digit 款 with no 类 is the 类 of a row
    whose parts all moved one column right."""
    parts = b.code_parts
    section, item = parts.get("code_section", ""), parts.get("code_item", "")
    if "code_class" in parts or len(section) != 3 or not section.isdigit() or len(item) != 2:
        return
    parts["code_class"], parts["code_section"] = section, item
    first = b.first_unit or ""
    if len(first) == 2 and first.isdigit():
        parts["code_item"] = first
        if b.unit_code == first:
            b.unit_code = None
    else:
        del parts["code_item"]


def _code_below_name(b: _RowBuf, prev: _RowBuf, code: str | None = None) -> bool:
    """Is ``b`` (a code and amounts, no name) the rest of the row on the line just above,
    which has its 序号 and name but no code (``14 机关事业单位职业年金缴费支出`` /
    ``2080506  2,352,976.29 …``: a name that fills its cell stands above the row's middle)?"""
    if not (code or b.code) or not b.values or prev.code or prev.code_parts or prev.unit_code or not prev.label:
        return False
    if prev.values or not prev.seq:
        return False
    return _on_next_line(prev, b)


_GOV_ECONOMIC_RE = re.compile(r"^5\d{2}(?:\d{2})?$")


def _codes_line_above(b: _RowBuf, prev: _RowBuf) -> bool:
    """``prev`` is a row's 序号 and code with a 政府经济科目编码 read as its only amount, and
    ``b``, on the next line, the row's name and amounts with no 序号 or code of its own."""
    if b.seq or b.code or b.code_parts or b.unit_code or not b.label or not b.values:
        return False
    if prev.label or not (prev.seq and prev.code) or len(prev.values) != 1:
        return False
    if not _GOV_ECONOMIC_RE.match(next(iter(prev.values.values())).strip()):
        return False
    return _on_next_line(prev, b)


def _overflow_above_row(b: _RowBuf, row: _RowBuf, above: _RowBuf) -> bool:
    """Is ``row`` (序号 and code, a label of a character or two, no amount but maybe its
    政府经济 code read as one) a coded row whose
    line caught the last characters of the label above, and ``b`` (the next line: label and
    amounts, no 序号 or code) its own label and amounts?

    A spreadsheet cell whose text does not fit spills its last characters down into the
    next row, above that row's vertically centred text: the short fragment is the end of
    the previous row's label (that row is complete: label and amounts), not the start of
    this row's label, which stands whole on the line below with the amounts.
    """
    if b.seq or b.code or b.code_parts or b.unit_code or not b.label or not b.values:
        return False
    if not (row.seq and (row.code or row.code_parts)) or not row.label or len(row.label) > 2:
        return False
    if any(not is_code(v.strip()) for v in row.values.values()):
        return False  # (a 政府经济 code alone after the fragment may have been read as an amount)
    if not above.label or not above.values or not (above.code or above.code_parts):
        return False
    if _ORDINAL_START_RE.match(b.label) or _ORDINAL_START_RE.match(row.label):
        return False
    return _on_next_line(above, row) and _on_next_line(row, b)


def _is_continuation(b: _RowBuf, prev: _RowBuf) -> bool:
    """A label-only line that continues the previous row's wrapped label."""
    if b.seq or b.code or b.code_parts or b.unit_code or b.values:
        return False
    if not b.label or _ORDINAL_START_RE.match(b.label):
        return False
    if prev.line is not None and b.line is not None and b.line.page != prev.line.page:
        return False
    if not prev.label and (prev.code or prev.code_parts):
        return True
    return len(b.label) <= 8 and len(prev.label) >= 6


_BRACKET_ONLY_RE = re.compile(r"[（(][一二三四五六七八九十]+[)）]")


def _last_line_of_wrapped_label(b: _RowBuf, prev: _RowBuf, catalog: Catalog) -> bool:
    """Is ``b`` the end of the label on the line just above, printed with the row's amounts?

    ``1、人员经费和公用经`` / ``费支出  46607769.51``: the label line above starts with an
    ordinal and fills its cell (7 characters or more), has no amount of its own, and this
    line's text is short and starts no row of its own (no ordinal, code or 序号 of both).
    """
    if b.code or b.code_parts or b.unit_code or b.codes or not b.values or not b.label:
        return False
    if prev.values or prev.code or prev.code_parts or prev.unit_code or (prev.seq and b.seq):
        return False
    if (_ORDINAL_START_RE.match(b.label) and not _BRACKET_ONLY_RE.fullmatch(b.label)) or len(b.label) > 8:
        return False  # (a bracket alone ends a label: 3、机关资本性支出 / （一）)
    if "计" in b.label or any(catalog.row_concept(g, b.label) for g in ("income", "expenditure")):
        return False  # a row of its own (收入总计, 本年支出合计) under a label without amounts
    if not _ORDINAL_START_RE.match(prev.label) or len(prev.label) < 7:
        return False
    return _on_next_line(prev, b)


def _centred_in_wrapped_label(b: _RowBuf, prev: _RowBuf) -> bool:
    """Is ``b`` — amounts, maybe a 序号, no label — the middle line of the row whose label
    starts on the line just above (``15、资源勘探工业信息`` / ``1021805239.60`` / ``等支出``)?"""
    if b.label or b.code or b.code_parts or b.unit_code or b.codes or not b.values:
        return False
    if prev.values or prev.seq or not prev.label:
        return False
    return _on_next_line(prev, b)


def _take_code(b: _RowBuf, text: str, kind: str, header: str) -> None:
    raw = text.strip()
    joined = raw.replace(" ", "")
    code = joined if is_code(joined) else repair_code(raw)
    if kind == "unit_code" or (code is None and _UNIT_CODE_RE.fullmatch(joined)):
        b.unit_code = joined
        return
    if code is None:
        b.label = f"{b.label} {raw}".strip()
        return
    if " " in raw:
        b.repaired = raw
    if kind == "gov_code" or "政府" in header:
        b.codes["gov_economic"] = code
        return
    if b.code is None:
        b.code = code
    else:
        b.codes.setdefault("economic" if code.startswith("3") else "other", code)


def _take_secondary(b: _RowBuf, code: str, kind: str, header: str) -> None:
    """A second or third code on the row (北京's 政府经济/部门经济 code beside the 功能 code)."""
    key = "gov_economic" if (kind == "gov_label" or code.startswith("5") or "政府" in header) else (
        "economic" if code.startswith("3") else "other"
    )
    b.codes.setdefault(key, code)


#: a 采购目录 entry closing a row's label: its catalogue code and name (``警用服装购置 A05030301制服``)
_CATALOGUE_TAIL_RE = re.compile(r"\s([ABC]\d{8}\S*)$")


def _catalogue_slots(col_of: dict[int, Column]) -> tuple[int | None, int | None]:
    """The slots of a table's 采购目录 and 数量 columns (None where it has none)."""
    cat = qty = None
    for slot, col in col_of.items():
        if col.role == "catalogue":
            cat = slot
        elif col.role == "quantity":
            qty = slot
    return cat, qty


def _catalogue_in_place(b: _RowBuf, cat: int | None, qty: int | None) -> None:
    """A 政府采购表 page whose header is set on another character grid than its rows (the
    last page of 2026 西安 司法局's table: 采购目录 printed 16 characters right of its
    entries, 数量 over the economic codes) draws the rows' cells into the wrong columns.
    What a 采购目录 cell holds tells it back: an entry coded ``A05030301…`` at the end of
    the label, with the row's 采购目录 empty, is that column's; a bare count in the
    采购目录 column, with the row's 数量 empty, is the 数量 (a catalogue entry is never
    a number)."""
    if cat is None:
        return
    if cat not in b.values:
        m = _CATALOGUE_TAIL_RE.search(b.label)
        if m:
            b.values[cat] = m.group(1)
            b.label = b.label[: m.start()].rstrip()
    elif qty is not None and qty not in b.values and b.values[cat].strip().isdigit():
        b.values[qty] = b.values.pop(cat)


#: a count printed with its measure word: 80人, 10人次, 3天, 2辆
_COUNTED_RE = re.compile(r"(\d+)\s*(?:人次|人|天|日|次|个|辆|台|套|件|项)")


def _finish_row(
    b: _RowBuf,
    side: str | None,
    col_of: dict[int, Column],
    spec: TableSpec,
    issues: list[Issue],
    unit_code: str | None = None,
) -> Row | None:
    """The row of buffer ``b``, every cell located (page, table, 序号, column, subject code)."""
    if b.code_parts:
        parts = [b.code_parts.get(k, "") for k in _CODE_PART_KINDS]
        code = join_code(parts)
        if code is None and any(len(p) == 1 and p.isdigit() for p in parts[1:]):
            # a 款/项 printed without its leading zero (``301  2`` for 30102: a spreadsheet
            # cell formatted as a number)
            code = join_code([parts[0], *(p.zfill(2) if p else p for p in parts[1:])])
            if code:
                b.repaired = " ".join(p for p in parts if p)
                b.repair = "zero"
        if code:
            b.code = code
        elif any(parts):
            b.label = f"{' '.join(p for p in parts if p)} {b.label}".strip()
    if not b.label and not b.code and not b.values and not b.unit_code:
        return None
    line = b.line
    page = line.page if line else None
    lineno = line.lineno if line else None
    cells: dict[str, Cell] = {}
    for slot, text in sorted(b.values.items()):  # in column order, however the row was pieced together
        col = col_of.get(slot)
        if col is None:
            continue
        t = text.strip()
        try:
            value = parse_amount(t)
        except ValueError:
            value = None
            if col.kind != "text":
                try:
                    value = parse_amount(t.replace(" ", ""))
                except ValueError:
                    m = _COUNTED_RE.fullmatch(t) if col.kind == "quantity" else None
                    if m:  # a count with its measure word (``80人``, ``10人次``, ``2辆``)
                        value = parse_amount(m.group(1))
                    else:
                        issues.append(
                            Issue(
                                "cell-not-a-number",
                                f"{spec.name}：单元格“{t}”不是金额",
                                Location(page=page, table=spec.id, row=b.seq, column=col.header, line=lineno),
                            )
                        )
        where = Location(
            page=page, table=spec.id, row=b.seq, column=col.header, subject_code=b.code, line=lineno, unit_code=unit_code
        )
        cells[col.key] = Cell(text=t, value=value, location=where)
    label = _WS_RUN_RE.sub(" ", b.label).strip()
    if b.repaired:
        issues.append(
            Issue(
                "code-repaired",
                f"{spec.name}：科目编码“{b.repaired}”的款/项缺少前导零，已补为{b.code}"
                if b.repair == "zero"
                else f"{spec.name}：科目编码“{b.repaired}”被拆开，已还原为{b.code}",
                Location(page=page, table=spec.id, row=b.seq, subject_code=b.code, line=lineno),
            )
        )
    if b.unit_code and not b.code and not label:
        label = b.unit_code
    return Row(
        label=label,
        cells=cells,
        seq=b.seq,
        code=b.code,
        side=side,
        codes=dict(b.codes),
        unit_code=b.unit_code,
        page=page,
        line=lineno,
    )


_WS_RUN_RE = re.compile(r"\s+")
