"""Subject codes (科目编码) against the 政府收支分类科目 catalogue, and one name per code.

Why these rules: a disclosure lists its spending by 支出功能分类 (类/款/项) and by the two
economic classifications; a code that does not exist, or a row whose name belongs to another
code, means the figures were booked or printed under the wrong subject.

* a code whose 类 does not exist → ``subject-code-unknown`` (error);
* an economic code (部门 3xx/3xxxx, 政府 5xx/5xxxx) not in the catalogue → ``subject-code-unknown``
  (error): both economic classifications are closed lists;
* a 7-digit economic code is a regional extension (北京 ``3021101 差旅费``): its 5-digit parent
  must exist, else ``subject-code-unknown``; otherwise ``subject-code-regional`` (info: the
  name cannot be checked against the national catalogue);
* a functional 款/项 not in the catalogue → ``subject-code-not-in-catalog`` (warning: new
  editions add codes);
* a printed name that is not a name of its code but is exactly the name of a *nearby* code of
  the same classification (same length, at most two digits differ: ``30109 机关事业单位基本养老保险缴费``
  is 30108's name) → ``subject-name-of-other-code`` (error).  For a code missing from the
  catalogue the same holds when the name belongs to exactly one catalogue code;
* any other name that differs from the catalogue's current and former names →
  ``subject-name-mismatch`` (warning);
* the same code printed with two different names in one document → ``subject-name-inconsistent``
  (error).

Names are compared after NFKC folding (full/half-width brackets and letters), without
whitespace or quotation marks.  A printed name that is a fragment of an accepted name (a cell
wrapped over two lines and read as two pieces) or an accepted name followed by a bracketed
note (``行政运行（人力资源和社会保障管理事务）``) is not a mismatch.  Only tables that list
subjects with their names are read: project, procurement, carry-over and 三公 tables print
project names beside the codes.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Iterable, Iterator

from ...catalog import Catalog
from ...model import Disclosure, Location, Row, Table
from ...model.codes import CodeKind, code_kind
from ...model.finding import Finding
from ..context import Context

#: tables whose rows are subjects (code + 科目名称); other tables print project names beside codes
SUBJECT_TABLES = frozenset(
    {
        "income_summary",
        "expenditure_summary",
        "appropriation_summary",
        "general_budget_expenditure",
        "general_budget_basic_expenditure",
        "general_budget_expenditure_economic",
        "general_budget_basic_expenditure_functional",
        "government_fund_expenditure",
        "state_capital_expenditure",
        "final_income_summary",
        "final_expenditure_summary",
        "final_appropriation_summary",
        "final_general_budget_expenditure",
        "final_general_budget_basic_expenditure",
        "final_government_fund",
        "final_state_capital",
    }
)

#: ``code_kind`` of the few hundred codes a document prints, asked many times per code
_code_kind = lru_cache(maxsize=1 << 12)(code_kind)

_OTHER_ECONOMIC: dict[CodeKind | None, CodeKind] = {
    CodeKind.ECONOMIC: CodeKind.GOV_ECONOMIC,
    CodeKind.GOV_ECONOMIC: CodeKind.ECONOMIC,
}

KIND_NAMES = {
    CodeKind.FUNCTIONAL: "支出功能分类",
    CodeKind.ECONOMIC: "部门预算支出经济分类",
    CodeKind.GOV_ECONOMIC: "政府预算支出经济分类",
}

_DROP = dict.fromkeys(map(ord, "“”‘’\"'「」"), None)
_WS = re.compile(r"\s+")
#: a neighbouring ``50205-委托业务费`` cell read into the label (北京's wide 支出总表)
_MERGED_CODE_CELL = re.compile(r"[235]\d{4}(?:\d{2})?\s*[-－—]")
#: code digits left in the label (``05 行政事业单位养老支出`` under code 208): the code is broken
_LEADING_DIGITS = re.compile(r"^\s*\d")
#: organisation names read as subject rows (``252 西安市生态环境局`` is a unit, not a 类)
_ORG_SUFFIX = re.compile(r"(?:局|委员会|委|办公室|办|中心|院|所|站|馆|队|部|厅|处|校|学院|政府|街道|镇|乡)$")
_NOTE = re.compile(r"^[（(][^（）()]*[）)]$")


def norm(name: str) -> str:
    """Comparable form of a subject name: NFKC, no whitespace, no quotation marks."""
    return _WS.sub("", unicodedata.normalize("NFKC", name)).translate(_DROP)


def printed_name(row: Row) -> str | None:
    """The row's label in comparable form, or ``None`` when it cannot be a subject name."""
    label = row.item
    if not label or _LEADING_DIGITS.match(label):
        return None
    m = _MERGED_CODE_CELL.search(label)
    if m:
        label = label[: m.start()]
    name = norm(label)
    return name or None


class _Index:
    """Lookups over the catalogue: accepted names per code, codes per name and kind."""

    def __init__(self, cat: Catalog) -> None:
        self.names: dict[str, frozenset[str]] = {}
        self.by_name: dict[tuple[CodeKind, str], list[str]] = defaultdict(list)
        self.below: dict[str, set[str]] = defaultdict(set)  # names of a code's 款 and 项
        self.of_kind: dict[CodeKind, set[str]] = defaultdict(set)
        for code, s in cat.subjects.items():
            names = frozenset(norm(n) for n in (s.name, *s.aliases) if n.strip())
            self.names[code] = names
            self.of_kind[s.kind] |= names
            for n in names:
                self.by_name[(s.kind, n)].append(code)
            for cut in (3, 5):
                if len(code) > cut:
                    self.below[code[:cut]] |= names

    def accepts(self, code: str, name: str) -> bool:
        names = self.names.get(code, frozenset())
        if name in names:
            return True
        for n in names:
            if name in n:  # a fragment of a wrapped cell
                return True
            if name.startswith(n) and _NOTE.match(name[len(n) :]):
                return True
        return False

    def row_name(self, row: Row) -> str | None:
        """The subject name printed for ``row.code``, or ``None`` when the label is not one.

        西安 and 北京 print the 部门 and the 政府 economic code and name side by side, so a
        label may hold the other column's name: a label that is the name of the other economic
        classification, or of a descendant of the code (the 款/项 columns were lost: ``204``
        labelled ``司法``), does not name ``row.code``; a label that ends with the other
        column's name is cut there (``办公费办公经费`` → ``办公费``).
        """
        name = printed_name(row)
        if name is None:
            return None
        code = row.code
        if code is None:
            # (callers pass coded rows only; an uncoded row has never had a name here)
            raise TypeError("row_name of a row without a subject code")
        if self.accepts(code, name):
            return name
        if name in self.below.get(code, ()):
            return None
        other = _OTHER_ECONOMIC.get(_code_kind(code))
        if other is not None:
            names = self.of_kind[other]
            if name in names:
                return None
            for n in sorted((n for n in names if name.endswith(n) and len(name) > len(n)), key=len, reverse=True)[:1]:
                name = name[: -len(n)]
        return name

    def other_code(self, kind: CodeKind, code: str, name: str, known: bool) -> str | None:
        """The nearby code whose name ``name`` is (``None`` when there is none)."""
        codes = [c for c in self.by_name.get((kind, name), ()) if c != code and len(c) == len(code)]
        if not known and len(self.by_name.get((kind, name), ())) != 1:
            return None  # 行政运行 is the name of a hundred codes: no evidence of a typo
        near = [(sum(a != b for a, b in zip(c, code)), c) for c in codes]
        near = [x for x in near if x[0] <= 2]
        return min(near)[1] if near else None


@lru_cache(maxsize=4)
def _index(cat: Catalog) -> _Index:
    return _Index(cat)


def _loc(t: Table, r: Row, code: str) -> Location:
    return Location(page=r.page, table=t.id, row=r.seq, subject_code=code, line=r.line, unit_code=t.unit_code)


def _shifted(idx: _Index, rows: list[Row], names: list[str | None], i: int) -> bool:
    """Row ``i`` carries a neighbour's name and the rows beside it are off the same way: the
    labels were read one row off (a cell centred over two lines), not printed under the wrong
    code.  ``rows`` are the rows of one classification, in table order."""

    def carries(a: int, b: int) -> bool:
        if not (0 <= a < len(rows) and 0 <= b < len(rows) and names[a]):
            return False
        code = rows[b].code
        return code is not None and names[a] in idx.names.get(code, ())

    return any(carries(i, i + d) and (carries(i + d, i + 2 * d) or carries(i - d, i)) for d in (1, -1))


def check_subject_codes(doc: Disclosure, ctx: Context) -> Iterable[Finding]:
    """Codes exist in the 政府收支分类科目; names are their code's; one name per code."""
    run = _Run(ctx.catalog, _index(ctx.catalog))
    seen: dict[str, tuple[str, str]] = {}
    for t in doc.tables:
        if t.id not in SUBJECT_TABLES:
            continue
        rows = [r for r in t.rows if r.code and _code_kind(r.code) in KIND_NAMES]
        names = [run.idx.row_name(r) for r in rows]
        runs: dict[CodeKind | None, list[int]] = {
            k: [i for i, r in enumerate(rows) if _code_kind(r.code) is k] for k in KIND_NAMES
        }
        for i, r in enumerate(rows):
            code = r.code
            if code is None:
                continue  # (never: ``rows`` are the rows with a code)
            name = names[i]
            if name is not None and not run.idx.accepts(code, name):
                same = runs[_code_kind(code)]
                if _shifted(run.idx, [rows[j] for j in same], [names[j] for j in same], same.index(i)):
                    name = None
            yield from run.code(t, r, code, name)
            for other in r.codes.values():
                if other != code:
                    yield from run.code(t, r, other, None)
            if name is None:
                continue
            if code not in seen:
                seen[code] = (name, t.title)
                continue
            first, title = seen[code]
            if run.cat.subject(code) is not None and run.idx.accepts(code, first) != run.idx.accepts(code, name):
                continue  # the odd name is reported against the catalogue already
            if first != name and first not in name and name not in first:
                msg = f"科目 {code} 在{title}中为“{first}”，在{t.title}中为“{name}”"
                yield from run.once("inconsistent", code, "subject-name-inconsistent", msg, _loc(t, r, code))


class _Run:
    """One document's check: the catalogue, its index, and the findings already given
    (a code is reported once per document, however many tables print it)."""

    def __init__(self, cat: Catalog, idx: _Index) -> None:
        self.cat, self.idx = cat, idx
        self.reported: set[tuple[str, str]] = set()

    def once(self, key: str, subject: str, code: str, message: str, loc: Location) -> Iterator[Finding]:
        if (key, subject) not in self.reported:
            self.reported.add((key, subject))
            yield Finding(code=code, message=message, location=loc)

    def code(self, t: Table, r: Row, code: str, name: str | None) -> Iterator[Finding]:
        """Findings for ``code`` printed in row ``r`` with ``name`` (``None``: name not checked)."""
        kind = _code_kind(code)
        if kind not in KIND_NAMES:
            return
        loc = _loc(t, r, code)
        shown = f"{code}“{r.item}”" if name else code
        top = code[:3]
        if self.cat.subject(top) is None:
            if len(code) == 3 and name and _ORG_SUFFIX.search(name):
                return  # a unit row (单位编码 + 单位名称) of a 部门 table, not a subject
            yield from self.once("unknown", code, "subject-code-unknown", f"{t.title}：科目编码 {shown} 的类 {top} 不存在", loc)
            return
        subj = self.cat.subject(code)
        if subj is None:
            yield from self.unknown(t, kind, code, name, shown, loc)
            return
        if name is None or self.idx.accepts(code, name):
            return
        other = self.idx.other_code(kind, code, name, known=True)
        if other is not None:
            msg = (
                f"{t.title}：科目 {code} 的名称印为“{r.item}”，这是{KIND_NAMES[kind]}科目 {other} 的名称；"
                f"{code} 应为“{subj.name}”（编码或名称有误）"
            )
            yield from self.once("name", code, "subject-name-of-other-code", msg, loc)
            return
        msg = f"{t.title}：科目 {code} 名称为“{r.item}”，标准名称为“{subj.name}”"
        yield from self.once("name", code, "subject-name-mismatch", msg, loc)

    def unknown(self, t: Table, kind: CodeKind, code: str, name: str | None, shown: str, loc: Location) -> Iterator[Finding]:
        """A code whose 类 exists but which the catalogue does not list."""
        other = self.idx.other_code(kind, code, name, known=False) if name else None
        if other is not None:
            msg = f"{t.title}：科目编码 {shown} 不在{KIND_NAMES[kind]}科目中，而“{self.cat.subjects[other].name}”是科目 {other} 的名称（编码有误）"
            yield from self.once("unknown", code, "subject-name-of-other-code", msg, loc)
        elif kind is CodeKind.FUNCTIONAL:
            msg = f"{t.title}：科目编码 {shown} 不在内置支出功能分类科目目录中（新版科目或编码有误）"
            yield from self.once("unknown", code, "subject-code-not-in-catalog", msg, loc)
        elif len(code) == 7 and (up := self.cat.subject(code[:5])) is not None:
            msg = f"{t.title}：{shown} 是 {code[:5]}“{up.name}”下的地方扩展科目，名称未核对"
            yield from self.once("unknown", code, "subject-code-regional", msg, loc)
        elif len(code) == 7:
            msg = f"{t.title}：科目编码 {shown} 的上级科目 {code[:5]} 不在{KIND_NAMES[kind]}科目中"
            yield from self.once("unknown", code, "subject-code-unknown", msg, loc)
        else:
            yield from self.once("unknown", code, "subject-code-unknown", f"{t.title}：科目编码 {shown} 不在{KIND_NAMES[kind]}科目中", loc)


__all__ = ["SUBJECT_TABLES", "check_subject_codes", "norm", "printed_name"]
