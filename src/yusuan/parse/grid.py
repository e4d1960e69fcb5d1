"""Positioned words → a grid of column slots, and header cells → leaf columns.

One algorithm for every layout:

* **tab-separated** text already has slots (the cell index); a header cell spans the
  empty cells to its right when the header line below has cells there (a merged cell).
* **space-aligned text and PDF** words have positions; slots are the column bands that
  data words occupy (amounts right-aligned, labels left-aligned), plus bands where a
  header stands over a column that holds no data at all.  A header cell spans the slots
  it overlaps; a group header centred over several columns (本年收入 over 小计 …
  其他收入) spans the largest run of columns centred under it.

The result, ``HeaderColumn`` per slot, carries the leaf text and the group path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog, squash
from ..model.money import is_amount
from .layout import Line, Word


@dataclass(slots=True)
class Slot:
    x0: float
    x1: float
    numeric: int = 0  # data words that are amounts
    text: int = 0  # data words that are not

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class HeaderCell:
    text: str
    line: int  # index of the header line (0 = top)
    first: int  # first slot
    last: int  # last slot
    center: float = 0.0


@dataclass(slots=True)
class HeaderColumn:
    slot: int
    leaf: str
    path: tuple[str, ...] = ()
    leaf_line: int = -1  # header line of the leaf (-1: no header)


@dataclass(slots=True)
class GridRow:
    line: Line
    cells: dict[int, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- slots


def _extent(word: Word, next_x0: float | None) -> tuple[float, float]:
    x0, x1 = word.x0, word.x1
    if next_x0 is not None and x1 > next_x0 - 0.5:
        x1 = max(x0 + 0.5, next_x0 - 0.5)
    return x0, x1


def geometric_slots(data: list[Line], header: list[Line]) -> list[Slot]:
    """Column bands from where data words stand, refined by header words."""
    intervals: list[tuple[float, float, bool]] = []
    for ln in data:
        ws = ln.words
        for i, w in enumerate(ws):
            x0, x1 = _extent(w, ws[i + 1].x0 if i + 1 < len(ws) else None)
            intervals.append((x0, x1, is_amount(w.text)))
    intervals.sort()
    slots: list[Slot] = []
    for x0, x1, num in intervals:
        if slots and x0 < slots[-1].x1 + 0.5:
            s = slots[-1]
            s.x1 = max(s.x1, x1)
        else:
            s = Slot(x0, x1)
            slots.append(s)
        if num:
            s.numeric += 1
        else:
            s.text += 1
    slots = _split_by_header(slots, data, header)
    # header words that stand over no data: columns that are empty in this table
    extra: list[Slot] = []
    for ln in header:
        for w in ln.words:
            if any(_overlap(w.x0, w.x1, s.x0, s.x1) > 0 for s in slots):
                continue
            for e in extra:
                if _overlap(w.x0, w.x1, e.x0, e.x1) > 0:
                    e.x0, e.x1 = min(e.x0, w.x0), max(e.x1, w.x1)
                    break
            else:
                extra.append(Slot(w.x0, w.x1))
    # a header word between two occupied slots may cover several empty columns
    slots = sorted(slots + extra, key=lambda s: s.x0)
    merged: list[Slot] = []
    for s in slots:
        if merged and s.x0 < merged[-1].x1 - 0.5 and (s.numeric + s.text == 0 or merged[-1].numeric + merged[-1].text == 0):
            m = merged[-1]
            m.x1 = max(m.x1, s.x1)
            m.numeric += s.numeric
            m.text += s.text
        else:
            merged.append(s)
    return merged


def _split_by_header(slots: list[Slot], data: list[Line], header: list[Line]) -> list[Slot]:
    """Split a band holding two numeric columns whose words touch in some rows.

    When one band contains amounts that stand side by side on the same line, it is two
    columns: cut it at the gap those lines show.
    """
    out: list[Slot] = []
    for s in slots:
        cuts: list[float] = []
        for ln in data:
            inside = [w for w in ln.words if w.x0 >= s.x0 - 0.01 and w.x1 <= s.x1 + 0.01 and is_amount(w.text)]
            for a, b in zip(inside, inside[1:]):
                cuts.append((a.x1 + b.x0) / 2)
        if not cuts:
            out.append(s)
            continue
        cuts.sort()
        groups: list[list[float]] = []
        for c in cuts:
            if groups and c - groups[-1][-1] < 2:
                groups[-1].append(c)
            else:
                groups.append([c])
        points = [sum(g) / len(g) for g in groups]
        left = s.x0
        for p in points:
            out.append(Slot(left, p - 0.5))
            left = p + 0.5
        out.append(Slot(left, s.x1))
    # recount kinds
    for sl in out:
        sl.numeric = sl.text = 0
    for ln in data:
        for w in ln.words:
            i = best_slot(w, out)
            if is_amount(w.text):
                out[i].numeric += 1
            else:
                out[i].text += 1
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def best_slot(word: Word, slots: list[Slot]) -> int:
    """The slot a word belongs to: most overlap, else the nearest by edge."""
    best, best_ov = -1, 0.0
    for i, s in enumerate(slots):
        ov = _overlap(word.x0, word.x1, s.x0, s.x1)
        if ov > best_ov:
            best, best_ov = i, ov
    if best >= 0:
        return best
    dists = [min(abs(word.x0 - s.x1), abs(word.x1 - s.x0), abs(word.center - s.center)) for s in slots]
    return min(range(len(slots)), key=dists.__getitem__)


def assign_line(line: Line, slots: list[Slot]) -> dict[int, str]:
    """Put a data line's words into slots, keeping their order."""
    cells: dict[int, str] = {}
    last = -1
    for w in line.words:
        i = best_slot(w, slots)
        if i < last:  # order must be kept: a word never goes left of its predecessor
            i = last
        if i in cells:
            if is_amount(w.text) and is_amount(cells[i].split(" ")[-1]) and i + 1 < len(slots):
                i += 1
                cells[i] = w.text if i not in cells else f"{cells[i]} {w.text}"
            else:
                cells[i] = f"{cells[i]} {w.text}"
        else:
            cells[i] = w.text
        last = i
    return cells


# --------------------------------------------------------------------------- headers


def header_cells_geometric(header: list[Line], slots: list[Slot]) -> list[HeaderCell]:
    cells: list[HeaderCell] = []
    for li, ln in enumerate(header):
        for w in ln.words:
            hit = [i for i, s in enumerate(slots) if _overlap(w.x0, w.x1, s.x0, s.x1) > 0.3]
            if not hit:
                hit = [best_slot(w, slots)]
            cells.append(HeaderCell(w.text, li, hit[0], hit[-1], w.center))
    return _merge_same_slot_words(cells)


def header_cells_grid(header: list[Line], nslots: int) -> list[HeaderCell]:
    """Tab layout: a cell spans the empty cells to its right where lower lines have cells."""
    cells: list[HeaderCell] = []
    rows = [{int(w.x0): w.text for w in ln.words} for ln in header]
    for li, row in enumerate(rows):
        below = set()
        for r in rows[li + 1 :]:
            below.update(r)
        keys = sorted(row)
        for j, k in enumerate(keys):
            end = (keys[j + 1] - 1) if j + 1 < len(keys) else nslots - 1
            last = k
            covered = [x for x in range(k + 1, end + 1) if x in below]
            if covered:
                last = max(covered)
            cells.append(HeaderCell(row[k], li, k, last, float(k)))
    return cells


def _merge_same_slot_words(cells: list[HeaderCell]) -> list[HeaderCell]:
    """Words of one header line that fall in the same slot range are one cell (``项   目``)."""
    out: list[HeaderCell] = []
    for c in cells:
        if out and out[-1].line == c.line and out[-1].first == c.first and out[-1].last == c.last:
            prev = out[-1]
            prev.text = prev.text + c.text
            prev.center = (prev.center + c.center) / 2
        else:
            out.append(c)
    return out


def resolve_columns(cells: list[HeaderCell], slots: list[Slot], catalog: Catalog, geometric: bool) -> list[HeaderColumn]:
    """Leaf text and group path for every slot."""
    n = len(slots)
    nlines = max((c.line for c in cells), default=-1) + 1
    if geometric:
        cells = _widen_groups(cells, slots, nlines)
    stacks: list[list[HeaderCell]] = [[] for _ in range(n)]
    for c in sorted(cells, key=lambda c: c.line):
        for s in range(c.first, c.last + 1):
            stacks[s].append(c)
    out: list[HeaderColumn] = []
    for s in range(n):
        stack = stacks[s]
        singles = [c for c in stack if c.first == c.last]
        if not stack:
            out.append(HeaderColumn(s, "", ()))
            continue
        if singles:
            # leaf: the lowest single-slot cell, joined with wrapped fragments above it
            leaf_cells = [singles[-1]]
            for c in reversed(singles[:-1]):
                top = leaf_cells[0]
                joined = squash(c.text + "".join(x.text for x in leaf_cells))
                lower = squash("".join(x.text for x in leaf_cells))
                known_joined = _known(joined, catalog)
                known_lower = _known(lower, catalog)
                adjacent = top.line - c.line <= 1
                if known_joined or (adjacent and not known_lower and not _known(squash(c.text), catalog)):
                    leaf_cells.insert(0, c)
                else:
                    break
            leaf = "".join(x.text for x in leaf_cells)
            groups = [c.text for c in stack if c not in leaf_cells and c.line < leaf_cells[0].line]
            out.append(HeaderColumn(s, leaf, (*groups, leaf), leaf_cells[-1].line))
        else:
            leaf = stack[-1].text
            out.append(HeaderColumn(s, leaf, tuple(c.text for c in stack), stack[-1].line))
    return out


def _known(text: str, catalog: Catalog) -> bool:
    return catalog.column_role(text) is not None or catalog.key_kind(text) is not None


def _widen_groups(cells: list[HeaderCell], slots: list[Slot], nlines: int) -> list[HeaderCell]:
    """A header centred over several columns spans the widest run centred under it.

    Candidate columns are those with a header cell on a lower line; the run may not
    reach into a column claimed by another cell of the same line.
    """
    lower_lines: dict[int, int] = {}
    for c in cells:
        for s in range(c.first, c.last + 1):
            lower_lines[s] = max(lower_lines.get(s, -1), c.line)
    out = []
    for c in cells:
        same_line = [o for o in cells if o.line == c.line and o is not c]
        blocked = set()
        for o in same_line:
            blocked.update(range(o.first, o.last + 1))
        cand = [s for s in range(len(slots)) if lower_lines.get(s, -1) > c.line and s not in blocked]
        if not cand or not any(c.first <= s <= c.last for s in cand):
            out.append(c)
            continue
        best = (c.first, c.last)
        best_w = 0.0
        tol = 3.0
        # contiguous runs of candidates containing the cell's own slots
        for a in cand:
            if a > c.first:
                break
            for b in reversed(cand):
                if b < c.last:
                    break
                run = range(a, b + 1)
                if any(s not in cand for s in run):
                    continue
                mid = (slots[a].x0 + slots[b].x1) / 2
                width = slots[b].x1 - slots[a].x0
                if abs(mid - c.center) <= max(tol, 0.12 * width) and width > best_w:
                    best, best_w = (a, b), width
        out.append(HeaderCell(c.text, c.line, best[0], best[1], c.center))
    return out
