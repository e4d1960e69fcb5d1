"""Performance-target tables (绩效目标表): target text and the indicator tree.

Columns are found by header text (一级指标, 二级指标, 三级指标, 绩效指标描述/指标内容,
指标值, 指标值确定依据/评(扣)分标准); 一级/二级 cells are merged vertically in the original, so
an empty cell repeats the value above.  The 指标值 is split into comparator, number and
unit when it has them (``≥95 百分比`` → ``≥``, 95, ``%``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..catalog import Catalog, squash
from ..model import Indicator, Location, PerformanceTable
from ..model.indicator import split_value
from .tables import Region

_FIELDS = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标", "指标名称", "绩效指标")),
    ("description", ("绩效指标描述", "指标内容", "指标解释", "指标说明")),
    ("value", ("指标值", "目标值", "指标值（包含数字及文字描述）", "年度指标值", "全年指标值")),
    ("basis", ("指标值确定依据", "确定依据", "评（扣）分标准", "评(扣)分标准", "备注")),
    # columns of a 绩效自评表 that the Indicator does not keep: named so that their words are
    # not taken into the 指标值 or 三级指标 next to them
    ("actual", ("实际完成值", "完成值", "全年实际值")),
    ("score", ("分值", "得分")),
    ("deviation", ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因")),
)
_EXACT_FIELD = {w: name for name, words in _FIELDS for w in words}
_FIELD_START = re.compile("|".join(f"(?P<{name}>{'|'.join(map(re.escape, words))})" for name, words in _FIELDS))


@lru_cache(maxsize=1 << 14)
def _field_of(text: str) -> str | None:
    """The indicator field a header word names (cached: asked of every word of the region)."""
    t = squash(text)
    name = _EXACT_FIELD.get(t)
    if name is not None:
        return name
    m = _FIELD_START.match(t)
    return m.lastgroup if m else None


def _nearest(cols: list[tuple[str, float]], x: float) -> str:
    best, dist = cols[0][0], abs(cols[0][1] - x)
    for name, cx in cols[1:]:
        d = abs(cx - x)
        if d < dist:
            best, dist = name, d
    return best


_SENTENCE_RE = re.compile(r"[。；]")
_SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def build_performance(region: Region, catalog: Catalog) -> tuple[PerformanceTable | None, int]:
    """Read a 绩效目标表 region; returns the table and how many lines it used."""
    lines = region.lines
    header_idx = None
    cols: list[tuple[str, float]] = []
    target_parts: list[str] = []
    project = None
    used = 0
    for i, ln in enumerate(lines):
        if ln.is_blank:
            continue
        fields = [(_field_of(w.text), w) for w in ln.words]
        if sum(1 for f, _ in fields if f) >= 3:
            header_idx = i
            cols = [(f, w.x0) for f, w in fields if f]
            # a header cell wrapped over lines (年度 / 指标值, 实际 / 完成值): the field words of
            # the lines next to it name columns too
            for other in lines[max(0, i - 2) : i] + lines[i + 1 : i + 3]:
                named = [(_field_of(w.text), w) for w in other.words]
                if named and all(f or len(w.text) <= 3 for f, w in named):
                    have = {f for f, _ in cols}
                    cols += [(f, w.x0) for f, w in named if f and f not in have]
            break
        j = ln.joined
        if j.startswith(("项目名称", "项目")) and len(ln.words) >= 2 and project is None:
            project = squash("".join(w.text for w in ln.words[1:]))
        elif j.startswith(("绩效目标", "年度绩效目标", "总体目标", "年度目标")):
            target_parts.append(" ".join(w.text for w in ln.words[1:]) if len(ln.words) > 1 else "")
        elif target_parts and i < 30:
            target_parts.append(ln.text.strip())
        if i > 60:
            break
    if header_idx is None:
        return None, 0
    rows: list[dict[str, str]] = []
    last: dict[str, str] = {}
    column_at: dict[float, str] = {}
    used = header_idx + 1
    for ln in lines[header_idx + 1 :]:
        if ln.is_blank:
            used += 1
            continue
        line_fields = [_field_of(w.text) for w in ln.words]
        n_named = len(line_fields) - line_fields.count(None)
        if n_named >= 3:  # repeated header on a new page
            used += 1
            continue
        if n_named and all(f or len(w.text) <= 3 and not any(ch.isdigit() for ch in w.text) for f, w in zip(line_fields, ln.words)):
            used += 1  # the rest of a header wrapped over lines (二级 / 指标 … 指标值 完成值)
            continue
        j = ln.joined
        if ("表" in j and catalog.match_title(ln.text)) or (len(ln.words) == 1 and len(j) > 40 and _SENTENCE_RE.search(j) and len(rows) > 2):
            break
        if len(ln.words) == 1 and _SECTION_RE.match(j):
            break
        cells: dict[str, str] = {}
        for w in ln.words:
            name = column_at.get(w.x0)
            if name is None:
                name = column_at[w.x0] = _nearest(cols, w.x0)  # words line up: few distinct x
            cells[name] = f"{cells[name]}{w.text}" if name in cells else w.text
        new_row = "level3" in cells or "level1" in cells or "level2" in cells
        if not new_row and rows:
            for k, v in cells.items():
                rows[-1][k] = rows[-1].get(k, "") + v
        else:
            for k in ("level1", "level2"):
                if k in cells:
                    last[k] = cells[k]
                    if k == "level1":
                        last.pop("level2", None)
                else:
                    cells[k] = last.get(k, "")
            rows.append(cells)
        used += 1
    indicators = []
    where = Location(page=region.title.page, table="performance_targets")  # immutable: one for all
    for r in rows:
        value = r.get("value", "")
        cmp_, num, unit = split_value(value)
        indicators.append(
            Indicator(
                level1=squash(r.get("level1", "")),
                level2=squash(r.get("level2", "")),
                level3=squash(r.get("level3", "")),
                description=r.get("description", ""),
                value_text=value,
                comparator=cmp_,
                number=num,
                unit=unit,
                basis=r.get("basis", ""),
                location=where,
            )
        )
    title = squash(region.title.text)
    if project is None:
        m = re.match(r"^(?:\d+[、.．])?(.+?)绩效目标(?:申报)?表$", title)
        if m and m.group(1) not in ("项目", "部门", "单位", "整体支出", "部门整体支出", "部门专项业务经费"):
            project = m.group(1)
    pt = PerformanceTable(
        title=title,
        project=project,
        target=re.sub(r"\s+", " ", " ".join(target_parts)).strip(),
        indicators=tuple(indicators),
        page=region.title.page,
        line=region.title.lineno,
    )
    return pt, used
