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
from ..model.codes import is_code
from ..model.money import is_amount
from .layout import Line, Word


@dataclass(slots=True)
class Slot:
    x0: float
    x1: float
    numeric: int = 0  # data words that are amounts
    text: int = 0  # data words that are not
    digits: bool = False  # a text column made only of code-like numbers (50000 in a 元 table)
    coded: bool = False  # such a column headed as a code column (类 / 款 / 编码): codes, not amounts

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
    x0: float = 0.0  # the word's extent (geometric layouts)
    x1: float = 0.0


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

_DASHES = {"-", "--", "---", "—", "——", "－", "/", "／"}
_JITTER = 2.0  # how far pdftotext lets right-aligned numbers drift (character cells)
_CLUSTER_GAP = 3.0  # right edges this close (after sorting) belong to one value column


def is_value(text: str) -> bool:
    """An amount, or a dash standing for a blank amount."""
    t = text.strip()
    return t in _DASHES or is_amount(t) or (t.endswith("%") and is_amount(t[:-1]))


_LEFT_ALIGN = 0.6  # amounts whose left edges lie closer than this (cells) start at one x


def geometric_slots(data: list[Line], header: list[Line], numbers: list[Word] | None = None) -> list[Slot]:
    """Column slots of a space-aligned or PDF table.

    Value columns are clusters of right edges (amounts are right-aligned; pdftotext lets
    them drift by a character or two); text columns are clusters of left edges, an
    indented label joining the column it is indented in.  Header words standing over no
    data become columns of their own (columns that are empty in this table).
    """
    values: list[Word] = []
    texts: list[Word] = []
    for ln in data:
        for w in ln.words:
            # subject codes are left-aligned like labels, not right-aligned like amounts
            (values if is_value(w.text) and not is_code(w.text) else texts).append(w)
    slots = [
        Slot(min(w.x0 for w in g), max(w.x1 for w in g), numeric=len(g))
        for g in _left_aligned(_value_clusters(values, data), data)
    ]
    # text columns: left-edge clusters, merged when the left one's words run over the next anchor
    anchors: list[list[Word]] = []
    for w in sorted(texts, key=lambda w: w.x0):
        if anchors and w.x0 - anchors[-1][-1].x0 <= 1.0:
            anchors[-1].append(w)
        else:
            anchors.append([w])
    merged: list[list[Word]] = []
    for grp in anchors:
        if merged:
            prev = merged[-1]
            anchor = grp[0].x0
            between = any(prev[0].x0 < v.x1 <= anchor + 0.5 and v.numeric for v in slots)
            covering = sum(1 for v in prev if v.x1 > anchor + 0.5)
            indented_codes = (
                all(w.text.isdigit() for w in prev + grp)
                and anchor - prev[-1].x1 <= 3
                and not _share_a_line(prev, grp, data)  # 序号 209 beside 类 220: two columns
            )
            if not between and (covering * 2 >= len(prev) or indented_codes):
                prev.extend(grp)
                continue
        merged.append(grp)
    text_slots = []
    for k, grp in enumerate(merged):
        x0 = min(w.x0 for w in grp)
        x1 = max(w.x1 for w in grp)
        if all(w.text.isdigit() for w in grp) and any(
            v.numeric > len(grp) and all(abs(w.x1 - v.x1) <= _JITTER for w in grp) and x0 < v.x1 for v in slots
        ):
            # a few whole numbers that read like codes (a 数量 980 or 51818), right-aligned with
            # a busier column of amounts: amounts of that column (tested before the slot is cut
            # short at the next column, which would hide the alignment)
            continue
        # a label running into the next column (pdftotext overflow) does not widen its own
        nxt = min([g[0].x0 for g in merged[k + 1 :]] + [v.x0 for v in slots if v.x0 > x0], default=None)
        if nxt is not None:
            x1 = min(x1, nxt - 1)
        text_slots.append(Slot(x0, max(x1, x0 + 1), text=len(grp), digits=all(w.text.isdigit() for w in grp)))
    slots = _drop_strays(slots, text_slots, header, data)
    return _empty_columns(slots, header, numbers)


def _share_a_line(a: list[Word], b: list[Word], data: list[Line]) -> bool:
    """Some data line has a word in ``a`` and a word in ``b``."""
    ids_a, ids_b = {id(w) for w in a}, {id(w) for w in b}
    for ln in data:
        ids = {id(w) for w in ln.words}
        if ids & ids_a and ids & ids_b:
            return True
    return False


def _drop_strays(values: list[Slot], texts: list[Slot], header: list[Line], data: list[Line]) -> list[Slot]:
    """Columns made by one or two stray words: an amount that drifted inside a wider value
    column, a wrapped label fragment among the amounts, text standing inside a value
    column (不涉及).  Their words are assigned to the real columns instead."""
    stray = max(2, len(data) // 25)
    kept_values = []
    for s in values:
        # a few amounts that drifted into (or across) a busier value column's span
        if s.numeric <= stray and any(
            o is not s and o.numeric > 2 * s.numeric and _overlap(o.x0, o.x1, s.x0, s.x1) > 0 for o in values
        ):
            continue
        kept_values.append(s)
    first_value = min((s.x0 for s in kept_values), default=float("inf"))
    hwords = [w for ln in header for w in ln.words]
    kept_texts: list[Slot] = []
    for s in texts:
        inside = any(o.x0 - _JITTER <= s.x0 and s.x1 <= o.x1 + _JITTER for o in kept_values)
        if s.digits and any(o.x0 - _JITTER <= s.x0 and abs(s.x1 - o.x1) <= _JITTER for o in kept_values):
            continue  # round amounts that read like codes (35000), right-aligned with the amounts
        if inside or (s.x0 > first_value and s.text <= stray):
            headed = any(_overlap(w.x0, w.x1, s.x0, s.x1) > 0 for w in hwords)
            if inside and (not headed or s.text <= stray):
                continue
            if s.x0 > first_value and s.text <= stray and not headed:
                continue
        prev = kept_texts[-1] if kept_texts else None
        if (
            prev is not None
            and s.text <= stray
            and prev.text > s.text
            and not any(prev.x0 < v.x0 < s.x0 for v in kept_values)
            and not _own_header(s, prev, hwords)
            and not (s.digits and prev.digits and _codes_beside(s, prev, data))
        ):
            # a centred label (收入总计, 合计) in a label column: not a column of its own
            prev.x1 = max(prev.x1, s.x1)
            prev.text += s.text
            continue
        kept_texts.append(s)
    # the mirror case: a label or two just left of a full label column (一、财政拨款 one
    # level out from 1、一般公共服务支出 under the same header), no amounts between, no
    # header of their own: outdented labels of that column, not a column of their own
    merged: list[Slot] = []
    for k, s in enumerate(kept_texts):
        nxt = kept_texts[k + 1] if k + 1 < len(kept_texts) else None
        if (
            nxt is not None
            and s.text <= stray
            and nxt.text > 2 * s.text
            and not s.digits
            and not nxt.digits
            and 0 <= nxt.x0 - s.x1 <= _JITTER
            and not any(s.x0 < v.x0 < nxt.x0 for v in kept_values)
            and any(_overlap(w.x0, w.x1, s.x0, s.x1) > 0 and _overlap(w.x0, w.x1, nxt.x0, nxt.x1) > 0 for w in hwords)
            and not _own_header(s, nxt, hwords)
        ):
            nxt.x0 = s.x0
            nxt.text += s.text
            continue
        merged.append(s)
    kept_texts = merged
    return sorted(kept_values + kept_texts, key=lambda s: (s.x0, s.x1))


def _codes_beside(s: Slot, prev: Slot, data: list[Line]) -> bool:
    """A line has a word in ``prev`` and, right of it, a number starting in ``s``: codes
    printed beside the codes of ``prev`` (a 政府采购表 page of a few purchases whose
    economic codes stand beside their 功能 codes), a column of their own, not labels
    centred in ``prev``."""
    for ln in data:
        if any(prev.x0 - 0.5 <= w.x0 < s.x0 for w in ln.words) and any(
            s.x0 - 0.5 <= w.x0 <= s.x1 and w.text.isdigit() for w in ln.words
        ):
            return True
    return False


def _own_header(s: Slot, prev: Slot, hwords: list[Word]) -> bool:
    """A header word stands over ``s`` and over nothing of ``prev``: ``s`` is a column of
    its own (a short page of 政府经济科目编码 beside 部门经济科目名称), not a centred label."""
    if s.text * 2 < prev.text:
        return False  # a few words beside a full column: centred labels after all
    return any(
        _overlap(w.x0, w.x1, s.x0, s.x1) > 0 and _overlap(w.x0, w.x1, prev.x0, prev.x1) <= 0 and w.x0 >= prev.x0
        for w in hwords
    )


def _value_clusters(values: list[Word], data: list[Line]) -> list[list[Word]]:
    """Right-edge clusters of amounts: edges closer than the drift pdftotext allows are one
    column, unless one line has two amounts in the cluster — then it is two columns, cut
    at the widest gap."""
    line_of = {id(w): i for i, ln in enumerate(data) for w in ln.words}
    ordered = sorted(values, key=lambda w: w.x1)
    groups: list[list[Word]] = []
    for w in ordered:
        if groups and w.x1 - groups[-1][-1].x1 <= _CLUSTER_GAP:
            groups[-1].append(w)
        else:
            groups.append([w])
    out: list[list[Word]] = []
    stack = list(reversed(groups))
    while stack:
        g = stack.pop()
        lines = [line_of[id(w)] for w in g]
        if len(set(lines)) == len(lines) or len(g) < 2:
            out.append(g)
            continue
        gaps = [(g[i + 1].x1 - g[i].x1, i) for i in range(len(g) - 1)]
        gap, i = max(gaps)
        if gap <= 0:
            out.append(g)
            continue
        stack.append(g[i + 1 :])
        stack.append(g[: i + 1])
    return sorted(out, key=lambda g: g[-1].x1)


def _left_aligned(groups: list[list[Word]], data: list[Line]) -> list[list[Word]]:
    """Amounts set flush left in their cells (18999011.66 over 0.00 over 44699.18): their
    right edges scatter into several clusters, but every amount of these clusters starts
    at the same x, and no line has two of them — one column."""
    if len(groups) < 2:
        return groups
    line_of = {id(w): i for i, ln in enumerate(data) for w in ln.words}
    out = [groups[0]]
    for g in groups[1:]:
        prev = out[-1]
        both = prev + g
        starts = [w.x0 for w in both]
        lines = [line_of[id(w)] for w in both]
        if max(starts) - min(starts) <= _LEFT_ALIGN and len(set(lines)) == len(lines) and len(both) >= 4:
            out[-1] = both
        else:
            out.append(g)
    return out


def _bands(slots: list[Slot]) -> list[tuple[float, float]]:
    """Where a header word may stand to belong to each slot: half-way to the neighbours
    (a value column's band ends just right of its right-aligned amounts)."""
    out = []
    for i, s in enumerate(slots):
        if s.numeric:
            # right-aligned amounts: the cell reaches back to the previous column
            left = slots[i - 1].x1 if i else min(s.x0 - 6, s.x1 - 12)  # a first value column's cell reaches left
            right = s.x1 + _JITTER
        else:
            left = (slots[i - 1].x1 + s.x0) / 2 if i else s.x0 - 6
            right = (s.x1 + slots[i + 1].x0) / 2 if i + 1 < len(slots) else s.x1 + 10
        out.append((left, right))
    return out


def _empty_columns(slots: list[Slot], header: list[Line], numbers: list[Word] | None = None) -> list[Slot]:
    """Header words over no data: a word standing in a column's band belongs to it (unless
    that column already has its own word on that line); others make empty columns (words
    overlapping across lines are one column).

    With a 栏次 line (``numbers``: every column numbered, empty ones too), a word standing
    over another column's number than the amount column's own heads that other column, and
    one standing over the column's own number heads the column (the numbers outweigh the
    word-geometry rules below for a word left of the header over the amounts)."""
    if not header:
        return slots
    bands = _bands(slots)
    own_number: dict[int, Word] = {}
    if numbers:
        for i, s in enumerate(slots):
            if not s.numeric:
                continue
            in_band = [n for n in numbers if bands[i][0] < n.center <= bands[i][1]]
            if in_band:
                own_number[i] = min(in_band, key=lambda n: abs(n.center - s.center))
    owned: dict[tuple[int, int], bool] = {}
    orphans: list[tuple[int, Word]] = []
    owners: dict[int, list[tuple[int, Word]]] = {}  # header words standing over each slot
    spans = [(i, s.x0, s.x1) for i, s in enumerate(slots)]
    own_left: dict[int, float] = {}  # leftmost edge of a header word standing over each slot
    own_line: dict[int, int] = {}  # and its header line
    tight = _tight_code_levels(header)
    for li, ln in enumerate(header):
        for w in ln.words:
            x0, x1 = w.x0, w.x1
            hit = [i for i, s0, s1 in spans if min(x1, s1) - max(x0, s0) > 0]  # overlapping slots
            if len(hit) == 1 and _beside_own_header(w, slots[hit[0]], ln):
                hit = []
            for i in hit:
                owned[(li, i)] = True
                s = slots[i]
                if len(hit) == 1 and s.x0 - (s.x1 - s.x0) <= x0 and x1 <= s.x1 + _JITTER:
                    # a header standing over the amounts themselves (not a wider group header)
                    own_left[i] = min(own_left.get(i, x0), x0)
                    own_line[i] = min(own_line.get(i, li), li)
                if bands[i][0] < w.x0 and w.x1 <= bands[i][1]:  # within its cell: not a group header over it
                    owners.setdefault(i, []).append((li, w))
            if not hit and id(w) not in tight:
                orphans.append((li, w))
    extra: list[Slot] = []
    beside = _left_of_band_neighbour(orphans, slots, bands)
    for li, w in sorted(orphans, key=lambda t: t[1].x0):
        inside = [i for i, (a, b) in enumerate(bands) if a < w.center <= b]
        band = inside[0] if inside else None
        if id(w) in beside:
            band = None  # a header left of another in the same value column's band: an empty column
        if len(inside) > 1 and band is not None and slots[band].numeric and w.x0 > slots[band].x1:
            # bands overlap by the amounts' drift: a word wholly right of a value column's
            # right-aligned amounts stands in the next column's cell, not in this one
            band = inside[1]
        elif (
            len(inside) > 1 and band is not None and not slots[band].numeric and owned.get((li, band))
            and slots[inside[1]].numeric and not owned.get((li, inside[1])) and w.x1 < slots[inside[1]].x0
        ):
            # a label column's band reaches half-way to the amounts, a value column's back to
            # the label column: a word in both, beside the label column's own header on its
            # line, heads the amounts to its right (合计 printed left of its right-aligned
            # amounts: pdftotext sets the header line on a coarser grid than the rows)
            band = inside[1]
        numbered = False  # the 栏次 line puts the word over this column's own number
        if band is not None and band in own_number:
            under = [n for n in numbers or () if w.x0 - 1 <= n.center <= w.x1 + 1]
            if under and own_number[band] not in under:
                band = None  # over the number of a column that is empty in this table
            numbered = band is not None and own_number[band] in under
        mine = owners.get(band, []) if band is not None and not numbered and slots[band].numeric else []
        if mine and any(0 < li - ol <= 2 and 0 <= w.x0 - o.x1 <= 1.0 for ol, o in mine):
            mine = []  # the column's own header wrapped onto a lower line (预算单位代 / 码)
        if mine and not any(_overlap(w.x0, w.x1, o.x0, o.x1) > 0 for _, o in mine):
            # a value column with its own header already: a word in its band (which reaches
            # back over empty columns) that does not stack with that header is not its header
            straddled = sum(1 for ln in header[li + 1 :] for o in ln.words if _overlap(w.x0, w.x1, o.x0, o.x1) > 0)
            if all(li < ol for ol, _ in mine) and straddled >= 2:
                continue  # above it, over two headers of the line below: a group header (本年收入 over sparse data)
            band = None  # the header of an empty column (小计 of 公务用车, 事业单位经营收 / 入)
        if (
            band is not None and not numbered and slots[band].numeric and band in own_left
            and 0 <= own_left[band] - w.x1 <= 4 and li >= own_line[band] - 1
        ):
            band = None  # just left of the header over the amounts, at its level: an empty column beside it
        if (
            band is not None and band and not numbered and slots[band].numeric and w.x1 < slots[band].x0
            and band in own_line and li >= own_line[band] - 1
        ):
            # right-aligned amounts claim the band back to the previous column; a word
            # standing nearer that column than the amounts heads an empty column between
            left_edge = max([slots[band - 1].x1] + [e.x1 for e in extra if e.x1 <= w.x0])
            stacked = any(_overlap(w.x0, w.x1, e.x0, e.x1) > 0 for e in extra)
            if stacked or w.x0 - left_edge < slots[band].x0 - w.x1:
                band = None
        if band is not None and slots[band].numeric and band in own_line and li < own_line[band] - 1:
            continue  # a group header high above the column's own header: neither widens nor adds a column
        if band is not None and not owned.get((li, band)):
            s = slots[band]
            s.x0, s.x1 = min(s.x0, w.x0), max(s.x1, w.x1) if not s.numeric else s.x1
            if s.numeric and w.x1 > s.x1:
                s.x0 = min(s.x0, w.x0)
            owned[(li, band)] = True
            continue
        if band is None and _over_two_below(li, w, header):
            continue  # a group header over two header cells of its own (公务用车购置及运行维护费 over 购置费 / 运行维护费): no column itself
        if band is None and _above_squeezed_columns(li, w, header, slots):
            continue  # a group header pdftotext pushed off its columns (本年收入 beside squeezed wrapped headers)
        for e in extra:
            if _overlap(w.x0, w.x1, e.x0, e.x1) > 0:
                e.x0, e.x1 = min(e.x0, w.x0), max(e.x1, w.x1)
                break
        else:
            extra.append(Slot(w.x0, w.x1))
    return sorted(slots + extra, key=lambda s: (s.x0, s.x1))


def _beside_own_header(w: Word, s: Slot, ln: Line) -> bool:
    """``w`` only grazes value column ``s`` from the right (its middle right of the
    right-aligned amounts) while another word of its line stands over the amounts: the
    header of the next column, empty on this page, squeezed against this one's header
    (``人员经费支出 公用经费支出`` over the 人员经费 amounts alone)."""
    if not s.numeric or w.center <= s.x1 + 0.5:
        return False
    return any(o is not w and _overlap(o.x0, o.x1, s.x0, s.x1) > 0 and o.center <= s.x1 for o in ln.words)


def _over_two_below(li: int, w: Word, header: list[Line]) -> bool:
    """Two or more narrower words of one lower header line stand under ``w``."""
    for ln in header[li + 1 :]:
        under = [
            o for o in ln.words
            if _overlap(w.x0, w.x1, o.x0, o.x1) > 0 and o.x1 - o.x0 < w.x1 - w.x0 and not o.text.isdigit()
        ]
        if len(under) >= 2:
            return True
    return False


def _above_squeezed_columns(li: int, w: Word, header: list[Line], slots: list[Slot]) -> bool:
    """A word of two characters or more on the top line of a header of three lines or
    more, standing over no header word and between two columns of amounts, whose nearest
    header words left and right both stand on lower lines: a group header whose columns
    pdftotext squeezed away from under it (``本年收入`` over 小计 … 其他收入, right of the
    wrapped fund headers 一般公共预算资 / 政府性基金预 … chained one space apart), not the
    header of an empty column of its own.  An empty column's header stands vertically
    centred in its cell (below the top line), or, in a top-aligned header, on the top line
    beside its neighbours' top words."""
    if li != 0 or len(header) < 3 or len(w.text) < 2:
        return False
    if not any(s.numeric and s.x1 <= w.x0 for s in slots) or not any(s.numeric and s.x0 >= w.x1 for s in slots):
        return False
    lower = [(lj, o) for lj, ln in enumerate(header) if lj > li for o in ln.words]
    if any(_overlap(w.x0, w.x1, o.x0, o.x1) > 0 for _, o in lower):
        return False
    around = [o for ln in header for o in ln.words if o is not w]
    left = [o for o in around if o.x1 <= w.x0]
    right = [o for o in around if o.x0 >= w.x1]
    if not left or not right:
        return False
    near_left = max(o.x1 for o in left)
    near_right = min(o.x0 for o in right)
    line_of = {id(o): lj for lj, ln in enumerate(header) for o in ln.words}
    nearest = [o for o in left if o.x1 == near_left] + [o for o in right if o.x0 == near_right]
    return all(line_of[id(o)] > li for o in nearest)


def _left_of_band_neighbour(orphans: list[tuple[int, Word]], slots: list[Slot], bands: list[tuple[float, float]]) -> set[int]:
    """ids of header words (standing over no data) that share a value column's band with
    another word of their line to their right: the amounts (right-aligned) belong under
    the rightmost (``购置费  运行费`` over ``28.00`` ending right of 运行费: 购置费 heads an
    empty column)."""
    by_band: dict[tuple[int, int], list[Word]] = {}
    for li, w in orphans:
        inside = [i for i, (a, b) in enumerate(bands) if a < w.center <= b]
        if len(inside) == 1 and slots[inside[0]].numeric and w.x1 <= slots[inside[0]].x1:
            by_band.setdefault((li, inside[0]), []).append(w)
    out: set[int] = set()
    for (li, _), ws in by_band.items():
        if len(ws) > 1:
            ws.sort(key=lambda w: w.x0)
            if not all(b.x0 >= a.x1 for a, b in zip(ws, ws[1:])):
                continue  # not side by side
            if any(
                lj != li and _overlap(w.x0, w.x1, o.x0, o.x1) > 0 and o.x1 - o.x0 <= 2 * (w.x1 - w.x0)
                for lj, o in orphans
                for w in ws
            ):
                continue  # wrapped headers (公务用车 / 购置费), not a group over them: not read here
            out.update(id(w) for w in ws[:-1])
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


def _cost(w: Word, value: bool, s: Slot) -> float:
    """How badly word ``w`` fits slot ``s`` (the rule; ``_costs`` is its fast form).

    A number that reads as a subject code (302, 50102) fits a code column made only of
    such numbers (``Slot.coded``: 部门经济科目 类 ``302 / 310`` beside a 数量 column) as
    text does, by its left edge: the column was laid out from those words as text."""
    if value:
        if s.numeric:
            return abs(w.x1 - s.x1)
        if s.text and s.coded and is_code(w.text):
            d = w.x0 - s.x0
            return d if d >= -1 else 6.0 - 2 * d
        if s.text:
            return 40.0 + abs(w.x0 - s.x0)
        return 8.0 + abs(w.center - s.center)  # an empty (header-only) column
    if s.text:
        d = w.x0 - s.x0
        return d if d >= -1 else 6.0 - 2 * d
    if s.numeric:
        return 30.0 + min(abs(w.x1 - s.x1), abs(w.x0 - s.x0))
    return 10.0 + abs(w.center - s.center)


#: the slot kinds ``_cost`` tells apart, seen from an amount and from a text word
_NUMERIC, _TEXT, _EMPTY, _DIGITS = 0, 1, 2, 3

#: an assignment whose every word fits its best slot better than any other by more than
#: this (in character cells) cannot be beaten by a path the float sums could favour
_MARGIN = 1e-6


class _SlotTable:
    """The slots of one table page, with what ``_cost`` reads of them computed once."""

    __slots__ = ("slots", "for_value", "for_text")

    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots
        # (kind, x0, x1, centre) as an amount sees the slot, and as a text word does
        self.for_value = [
            (_NUMERIC if s.numeric else (_DIGITS if s.coded else _TEXT) if s.text else _EMPTY, s.x0, s.x1, (s.x0 + s.x1) / 2)
            for s in slots
        ]
        self.for_text = [
            (_TEXT if s.text else _NUMERIC if s.numeric else _EMPTY, s.x0, s.x1, (s.x0 + s.x1) / 2) for s in slots
        ]

    def costs(self, w: Word, value: bool) -> list[float]:
        """``[_cost(w, value, s) for s in slots]`` without a call per slot."""
        x0, x1 = w.x0, w.x1
        c = (x0 + x1) / 2
        out = []
        if value:
            code = None
            for kind, s0, s1, sc in self.for_value:
                if kind == _NUMERIC:
                    out.append(abs(x1 - s1))
                elif kind == _DIGITS:
                    if code is None:
                        code = is_code(w.text)
                    d = x0 - s0
                    out.append((d if d >= -1 else 6.0 - 2 * d) if code else 40.0 + abs(d))
                elif kind == _TEXT:
                    out.append(40.0 + abs(x0 - s0))
                else:
                    out.append(8.0 + abs(c - sc))
        else:
            for kind, s0, s1, sc in self.for_text:
                if kind == _TEXT:
                    d = x0 - s0
                    out.append(d if d >= -1 else 6.0 - 2 * d)
                elif kind == _NUMERIC:
                    out.append(30.0 + min(abs(x1 - s1), abs(x0 - s0)))
                else:
                    out.append(10.0 + abs(c - sc))
        return out


def assign_line(line: Line, slots: list[Slot]) -> dict[int, str]:
    """Put a data line's words into slots, in order (a monotone alignment).

    Each word goes to the slot that fits it best (amounts by their right edge, text by
    its left edge) such that the order of words is kept; consecutive text words may share
    a slot (a label broken by wide spaces), amounts never do.
    """
    return assign_lines([line], slots)[0]


def assign_lines(lines: list[Line], slots: list[Slot]) -> list[dict[int, str]]:
    """``assign_line`` for every line of a table page (the slots are prepared once)."""
    table = _SlotTable(slots)
    return [_assign(line.words, table) for line in lines]


def _assign(words: list[Word], table: _SlotTable) -> dict[int, str]:
    n, m = len(words), len(table.slots)
    if not n or not m:
        return {}
    vals = [is_value(w.text) for w in words]
    costs = [table.costs(w, v) for w, v in zip(words, vals)]
    path = _greedy_path(costs, vals)
    if path is None:
        path = _monotone_path(costs, vals)
        if path is None:
            return {best_slot(w, table.slots): w.text for w in words}
    cells: dict[int, str] = {}
    for w, j in zip(words, path):
        cells[j] = f"{cells[j]} {w.text}" if j in cells else w.text
    return cells


def _greedy_path(costs: list[list[float]], vals: list[bool]) -> list[int] | None:
    """Each word's own best slot, when that is already a monotone alignment.

    Then it is the alignment ``_monotone_path`` finds (no path can cost less), provided
    every word's best slot wins by a margin (with a near tie the search decides).  Most
    table lines are like that; the search is for the rest.
    """
    path = []
    prev = -1
    for i, row in enumerate(costs):
        best = min(row)
        j = row.index(best)
        if j < prev or (j == prev and (vals[i] or vals[i - 1])):
            return None
        limit = best + _MARGIN
        for k, c in enumerate(row):
            if c <= limit and k != j:
                return None
        path.append(j)
        prev = j
    return path


def _monotone_path(costs: list[list[float]], vals: list[bool]) -> list[int] | None:
    """The cheapest order-keeping assignment (``None`` when there is none).

    ``best[j]``: the cheapest assignment of the words so far with the last one in slot
    ``j``.  A word goes to a slot right of the previous word's, or to the same slot when
    both are text (ties: the leftmost slot, the earlier predecessor).
    """
    n, m = len(costs), len(costs[0])
    inf = float("inf")
    prev = list(costs[0])
    back: list[list[int]] = [[-1] * m]
    for i in range(1, n):
        row = costs[i]
        cur = [inf] * m
        arg = [-1] * m
        best, best_k = inf, -1
        joinable = not vals[i] and not vals[i - 1]
        for j in range(m):
            cand, k = best, best_k
            pj = prev[j]
            if joinable and pj < cand:
                cand, k = pj, j
            if cand < inf:
                cur[j] = cand + row[j]
                arg[j] = k
            if pj < best:
                best, best_k = pj, j
        prev = cur
        back.append(arg)
    j = min(range(m), key=prev.__getitem__)
    if prev[j] == inf:
        return None
    path = [0] * n
    for i in range(n - 1, -1, -1):
        path[i] = j
        j = back[i][j]
    return path


# --------------------------------------------------------------------------- headers


def header_cells_geometric(header: list[Line], slots: list[Slot]) -> list[HeaderCell]:
    cells: list[HeaderCell] = []
    bands = _bands(slots)
    centres = [(i, s.center) for i, s in enumerate(slots)]
    spans = [(i, s.x0, s.x1) for i, s in enumerate(slots)]
    for li, ln in enumerate(header):
        for w in ln.words:
            # a word spans the columns whose middle it covers; touching a neighbour's
            # edge does not make it a group header (其中：专项资金列 over one column)
            x0, x1 = w.x0, w.x1
            hit = [i for i, c in centres if x0 <= c <= x1]
            if len(hit) <= 1:
                # overlaps; a tie goes to the word's own empty column (rather than a value
                # column widened by a header absorbed into it), else to the right
                over = [
                    (min(x1, s1) - max(x0, s0), _own_empty(slots[i], x0, x1), i) for i, s0, s1 in spans
                ]
                best = max(over, default=(0, 0, -1))  # -1: never read (best[0] > 0 only for a real overlap)
                hit = [best[2]] if best[0] > 0 else hit
            if not hit:
                band = next((i for i, (a, b) in enumerate(bands) if a < w.center <= b), None)
                hit = [band if band is not None else best_slot(w, slots)]
            cells.append(HeaderCell(w.text, li, hit[0], hit[-1], w.center, w.x0, w.x1))
    _spread_code_levels(cells, slots)
    _spill_to_free_neighbour(cells, slots)
    return _merge_same_slot_words(cells)


def _spill_to_free_neighbour(cells: list[HeaderCell], slots: list[Slot]) -> None:
    """Headers of one line crowded over fewer value columns than they name, beside value
    columns that no header word stands over (``公用经费支出 专项业务经费支出`` set one space
    apart over two columns of amounts; eight headers chained one space apart over five of
    eight columns): pdftotext squeezed the header line, not the amounts.  From the first
    column holding two of the line's words on, when the line has as many words as there
    are value columns, the words head those columns in order.  Words of two characters or
    more only (a letter-spaced ``项   目`` is one word)."""
    headed = {i for c in cells for i in range(c.first, c.last + 1)}
    for li in sorted({c.line for c in cells}):
        line = sorted(
            (c for c in cells if c.line == li and c.first == c.last and slots[c.first].numeric), key=lambda c: c.x0
        )
        crowded = next((k for k in range(len(line) - 1) if line[k].first == line[k + 1].first), None)
        if crowded is None:
            continue
        words = line[crowded:]
        start = words[0].first
        columns = [i for i in range(start, len(slots)) if slots[i].numeric]
        if len(words) != len(columns) or any(len(c.text) < 2 for c in words):
            continue
        taken = {c.first for c in words}
        if any(i in headed and i not in taken for i in columns):
            continue  # a column headed from another line: not a squeezed line over free columns
        if any(c.first > i for c, i in zip(words, columns)):
            continue  # a word would move left of where it stands
        for c, i in zip(words, columns):
            c.first = c.last = i
        headed.update(columns)


_CODE_LEVEL_WORDS = ("类", "款", "项")


def _tight_code_levels(header: list[Line]) -> set[int]:
    """ids of the 款 and 项 of a ``类 款 项`` printed one character apart: they name the
    code columns printed wide below (``201   13   01``, see ``_spread_code_levels``), not
    empty columns of their own."""
    out: set[int] = set()
    for ln in header:
        ws = ln.words
        for k in range(len(ws) - 2):
            run = ws[k : k + 3]
            if tuple(w.text for w in run) == _CODE_LEVEL_WORDS and all(
                b.x0 - a.x1 < 2 for a, b in zip(run, run[1:])
            ):
                out.update(id(w) for w in run[1:])
    return out


def _spread_code_levels(cells: list[HeaderCell], slots: list[Slot]) -> None:
    """``类 款 项`` printed tight (one character apart) over code parts printed wide
    (``201   13   01``): the three words stand over the first code column only, so 款 and
    项 would join 类 and the 款/项 columns be read as amounts.  They name the three data
    columns from 类's on, when those columns end before any other header word that
    stands to the right of 项 (the label and amount headers)."""
    for li in {c.line for c in cells}:
        line = sorted((c for c in cells if c.line == li), key=lambda c: c.x0)
        for k in range(len(line) - 2):
            run = line[k : k + 3]
            if tuple(c.text for c in run) != _CODE_LEVEL_WORDS:
                continue
            # the data columns from 类's on (an empty column made of a header word is none)
            data = [i for i in range(run[0].first, len(slots)) if slots[i].numeric or slots[i].text][:3]
            right = [c.x0 for c in cells if c not in run and c.x0 >= run[2].x1]
            if len(data) < 3 or data[0] != run[0].first or (right and slots[data[2]].x1 >= min(right)):
                continue
            if run[0].first < run[1].first < run[2].first:
                # 类 款 项 centred over narrow cells whose codes are set flush right: 款 and
                # 项 may land one column too far right (over a column of a few ``1``s
                # beside the 单位编码), skipping the 款 column.  The three code parts fill
                # every coded row: columns of equal counts from 类's on are theirs.
                filled = [slots[i].numeric + slots[i].text for i in data]
                taken = [slots[c.first].numeric + slots[c.first].text for c in run]
                if [c.first for c in run] == data or len(set(filled)) != 1 or len(set(taken)) == 1:
                    continue
            for i, c in zip(data, run):
                c.first = c.last = i


def _own_empty(s: Slot, x0: float, x1: float) -> int:
    """1 for an empty column made of this very header word."""
    return int(not s.numeric and not s.text and abs(s.x0 - x0) < 0.01 and abs(s.x1 - x1) < 0.01)


def header_cells_grid(header: list[Line], nslots: int) -> list[HeaderCell]:
    """Tab layout: a cell spans the empty cells to its right where lower lines have cells."""
    cells: list[HeaderCell] = []
    rows = [{int(w.x0): w.text for w in ln.words} for ln in header]
    for li, row in enumerate(rows):
        below: set[int] = set()
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
            prev.x1 = c.x1
        else:
            out.append(c)
    return out


def resolve_columns(cells: list[HeaderCell], slots: list[Slot], catalog: Catalog, geometric: bool) -> list[HeaderColumn]:
    """Leaf text and group path for every slot."""
    n = len(slots)
    nlines = max((c.line for c in cells), default=-1) + 1
    if geometric:
        cells = _widen_groups(cells, slots, nlines, catalog)
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
                # or lines of one cell pushed a line apart by a vertically centred cell
                # beside them (其中：专项资 / 金列入部门预, 一般公共预算 / 资金 beside 小计)
                adjacent = top.line - c.line <= 1 or (
                    geometric and top.line - c.line == 2 and not any(c.line < x.line < top.line for x in stack)
                )
                if known_joined or (adjacent and not known_lower and not _known(squash(c.text), catalog)):
                    leaf_cells.insert(0, c)
                else:
                    break
            # three or more pieces that together make a known name (国有资本 / 经营预算 / 财政拨款)
            for k in range(len(singles) - 2 if geometric else 0):
                pieces = singles[k:]
                if k < len(singles) - len(leaf_cells) and _wrapped_name(pieces, catalog) and all(
                    b.line - a.line <= 2 for a, b in zip(pieces, pieces[1:])
                ):
                    leaf_cells = list(pieces)
                    break
            leaf = "".join(x.text for x in leaf_cells)
            groups = [c.text for c in stack if c not in leaf_cells and c.line < leaf_cells[0].line]
            out.append(HeaderColumn(s, leaf, (*groups, leaf), leaf_cells[-1].line))
        else:
            leaf = stack[-1].text
            out.append(HeaderColumn(s, leaf, tuple(c.text for c in stack), stack[-1].line))
    return out


def _known(text: str, catalog: Catalog) -> bool:
    """A header name the catalogue knows exactly (patterns are too loose to join words)."""
    return catalog.known_header(text)


def _wrapped_name(pieces: list[HeaderCell], catalog: Catalog) -> bool:
    """Three or more header pieces stacked in one column that together make a column name
    (exactly, or by pattern when no piece names anything on its own: 因公 / 出国 / （境 / ）)."""
    joined = squash("".join(o.text for o in pieces))
    if joined in catalog.roles_exact:
        return True
    if any(_known(o.text, catalog) or catalog.plain_role(o.text) for o in pieces):
        return False
    return catalog.plain_role(joined) is not None


def _in_wrapped_name(column: list[HeaderCell], at: int, catalog: Catalog) -> bool:
    """Is piece ``at`` of a column's stacked header words part of three or more that make
    one name (``_wrapped_name`` of some ``column[i : j + 1]`` with ``i <= at <= j``)?  Each
    piece's own name is looked up once, the joined texts grown a piece at a time."""
    texts = [squash(o.text) for o in column]
    named = [_known(o.text, catalog) or catalog.plain_role(o.text) is not None for o in column]
    for i in range(at + 1):
        joined = "".join(texts[i : max(at, i + 2)])
        any_named = any(named[i : max(at, i + 2)])
        for j in range(max(at, i + 2), len(column)):
            joined += texts[j]
            any_named = any_named or named[j]
            if joined in catalog.roles_exact:
                return True
            if not any_named and catalog.plain_role(joined) is not None:
                return True
    return False


def _same_extent(a: HeaderCell, b: HeaderCell) -> bool:
    """Two header words of several characters with the same left and right edges: lines of
    one cell whose text wrapped at the cell's width (a group header is centred over
    columns wider than itself, never flush with a single column's word)."""
    wide = a.x1 - a.x0 >= 5.5 and b.x1 - b.x0 >= 5.5
    return wide and abs(a.x0 - b.x0) <= 0.6 and abs(a.x1 - b.x1) <= 0.6


def _widen_groups(cells: list[HeaderCell], slots: list[Slot], nlines: int, catalog: Catalog | None = None) -> list[HeaderCell]:
    """A header centred over several columns spans the widest run centred under it.

    Candidate columns are those with a header cell on a lower line; the run may not
    reach into a column claimed by another cell of the same line.  Lines are widened top
    down: a group stays inside the group above it, two groups of one line never share a
    column (a column between them goes to the nearer one), and a group whose header names
    a figure with parts (公务用车购置及运行维护费) spans only columns of those parts; a
    column whose own header stands above all the others' (合计 in a cell spanning the
    header rows) is beside a group at its edge, not under it.
    """
    lower_lines: dict[int, int] = {}
    for c in cells:
        for s in range(c.first, c.last + 1):
            lower_lines[s] = max(lower_lines.get(s, -1), c.line)
    # where each column's own (lowest) header word stands: cells are centred, amounts are not
    centre = [sl.center for sl in slots]
    for c in sorted(cells, key=lambda c: c.line):
        if c.first == c.last:
            centre[c.first] = c.center
    label_slot = [bool(sl.text and not sl.numeric) for sl in slots]
    if catalog is not None:
        # a column headed by a key name (单位编码 over codes that read as numbers) is a label column
        for c in cells:
            if c.first == c.last and catalog.key_kind(c.text) is not None:
                label_slot[c.first] = True
    lines_of: dict[int, list[int]] = {}
    for c in cells:
        if c.first == c.last:
            lines_of.setdefault(c.first, []).append(c.line)
    by_line: dict[int, list[HeaderCell]] = {}
    for c in cells:
        by_line.setdefault(c.line, []).append(c)
    leaf_role: list[str | None] = _leaf_roles(cells, len(slots), catalog) if catalog is not None else [None] * len(slots)
    # each 小计 column's own word (a group's 小计 and a sub-group's are told apart below)
    subtotals = [c for c in cells if c.first == c.last and squash(c.text) == "小计" and leaf_role[c.first] == "subtotal"]
    widened: dict[int, HeaderCell] = {}  # id(cell) → its widened cell
    for li in sorted(by_line):
        line_cells = by_line[li]
        for c in line_cells:
            w = _widen_one(
                c, line_cells, cells, widened, slots, lower_lines, centre, label_slot, leaf_role, catalog, lines_of
            )
            widened[id(c)] = HeaderCell(w.text, w.line, w.first, w.last, w.center, w.x0, w.x1)  # a copy: cut below
        # two groups side by side, one of them carried over (本年收入 / 上年结转结余): each
        # holds its own 小计 …, so a cut giving one of them a name twice costs more
        carried = catalog is not None and any(_carried_over(c.text, catalog) for c in line_cells)
        _cut_overlaps([widened[id(c)] for c in line_cells], centre, label_slot, leaf_role if carried else None,
                      _subtotal_lines(subtotals, cells, li, len(slots)))
    return [widened[id(c)] for c in cells]


def _carried_over(text: str, catalog: Catalog) -> bool:
    """A group header of last year's carry-over (上年结转结余, 年初结转)."""
    t = squash(text)
    return any(t.startswith(w) for k, words in catalog.group_prefixes if k == "carryover" for w in words)


def _subtotal_lines(subtotals: list[HeaderCell], cells: list[HeaderCell], li: int, n: int) -> list[int | None]:
    """For the group headers of line ``li``: the header line of each column's 小计 that
    stands directly under them, not under a sub-group's header (a word between the two
    lines over the 小计: 公务用车购置及运行维护费 over its own 小计)."""
    out: list[int | None] = [None] * n
    for t in subtotals:
        if t.line <= li:
            continue
        if any(li < o.line < t.line and o.x1 - o.x0 > t.x1 - t.x0 and _overlap(o.x0, o.x1, t.x0, t.x1) > 0 for o in cells):
            continue
        out[t.first] = t.line
    return out


def _leaf_roles(cells: list[HeaderCell], n: int, catalog: Catalog) -> list[str | None]:
    """Each column's role read from its single-column header words (wrapped pieces joined,
    top to bottom; the lowest piece alone when the joined text names nothing).  Wrapped
    pieces stand on adjacent lines (two apart at most, around a vertically centred
    neighbour): a word further up is a group header not yet widened, not a piece."""
    pieces: list[list[HeaderCell]] = [[] for _ in range(n)]
    for c in sorted(cells, key=lambda c: c.line):
        if c.first == c.last:
            ps = pieces[c.first]
            if ps and c.line - ps[-1].line > 2:
                ps.clear()
            ps.append(c)
    out: list[str | None] = []
    for ps in pieces:
        role = None
        for k in range(len(ps)):
            role = catalog.plain_role("".join(p.text for p in ps[k:]))
            if role is not None:
                break
        out.append(role)
    return out


def _widen_one(
    c: HeaderCell,
    line_cells: list[HeaderCell],
    cells: list[HeaderCell],
    widened: dict[int, HeaderCell],
    slots: list[Slot],
    lower_lines: dict[int, int],
    centre: list[float],
    label_slot: list[bool],
    leaf_role: list[str | None],
    catalog: Catalog | None,
    lines_of: dict[int, list[int]] | None = None,
) -> HeaderCell:
    blocked: set[int] = set()
    for o in line_cells:
        if o is not c:
            blocked.update(range(o.first, o.last + 1))
    cand = [s for s in range(len(slots)) if lower_lines.get(s, -1) > c.line and s not in blocked]
    # inside the nearest group above that stands over this cell's own columns
    parents = [
        w for o in cells if o.line < c.line and (w := widened.get(id(o))) is not None
        and w.first < w.last and w.first <= c.first and c.last <= w.last
    ]
    if parents:
        p = max(parents, key=lambda w: w.line)
        cand = [s for s in cand if p.first <= s <= p.last]
    if not cand or not any(c.first <= s <= c.last for s in cand):
        return c
    if catalog is not None:
        members = catalog.group_members.get(catalog.plain_role(c.text) or "")
        if members and c.first == c.last:
            below = sorted((o for o in cells if o.first == o.last == c.first and o.line > c.line), key=lambda o: o.line)
            roles = [catalog.plain_role("".join(o.text for o in below[k:])) for k in range(len(below))]
            if not any(r in members for r in roles):
                members = None  # over one column whose own header is no part of it: a wrapped leaf
        if members:
            # a figure with parts spans exactly the run of its parts around its own columns
            ok = {s for s in cand if leaf_role[s] in members or c.first <= s <= c.last}
            if all(s in ok for s in range(c.first, c.last + 1)):
                a, b = c.first, c.last
                while a - 1 in ok and not label_slot[a - 1]:
                    a -= 1
                while b + 1 in ok and not label_slot[b + 1]:
                    b += 1
                return HeaderCell(c.text, c.line, a, b, c.center, c.x0, c.x1)
            cand = [s for s in cand if leaf_role[s] is None or leaf_role[s] in members or c.first <= s <= c.last]
    if c.first == c.last and catalog is not None:
        column = sorted((o for o in cells if o.first == o.last == c.first), key=lambda o: o.line)
        at = column.index(c) if c in column else -1
        if at >= 0 and _in_wrapped_name(column, at, catalog):
            return c  # a piece of a wrapped name (政府性基金预 / 算 / 财政拨款)
        below = [o for o in cells if o.first == o.last == c.first and o.line > c.line]
        if below and _known(c.text + below[0].text, catalog) and not _known(below[0].text, catalog):
            return c  # a wrapped header (事业单位 / 经营收入), not a group
        if below and _same_extent(c, below[0]) and catalog.plain_role(c.text) is None and not _known(c.text, catalog):
            return c  # a cell's text wrapped at its width (其中：专项资 / 金列入部门预)
    best = (c.first, c.last)
    best_w = 0.0
    fits: dict[tuple[int, int], float] = {}  # acceptable runs → how far off centre
    # contiguous runs of candidates containing the cell's own slots, centred under it:
    # cand is sorted and distinct, so cand[i]..cand[j] is contiguous when j - i = cand[j] - cand[i]
    labels_before = [0]  # label columns left of each slot (prefix sums)
    for flag in label_slot:
        labels_before.append(labels_before[-1] + flag)
    tiers = _TierTest(lines_of, c.line) if lines_of is not None else None
    for i, a in enumerate(cand):
        if a > c.first:
            break
        for j in range(len(cand) - 1, i - 1, -1):
            b = cand[j]
            if b < c.last:
                break
            if j - i != b - a:
                continue
            if labels_before[b + 1] - labels_before[a + 1]:
                continue  # a group never spans a label column except as its first column
            ea, eb = a, b  # the run's edges, label columns at its ends aside
            while ea < eb and label_slot[ea]:
                ea += 1
            while eb > ea and label_slot[eb]:
                eb -= 1
            if tiers is not None and eb > ea and tiers(ea, eb):
                continue
            mid = (centre[a] + centre[b]) / 2
            width = centre[b] - centre[a]
            off = abs(mid - c.center)
            if off <= max(4.0, 0.35 * width):
                fits[(a, b)] = off
                if width > best_w:
                    best, best_w = (a, b), width
    a, b = best
    if fits.get(best, 0.0) > _CENTRED_LOOSE:
        # the widest run is centred only loosely; one column narrower at an edge, centred
        # right under the text (上年结转结余 over 小计 … 单位资金 on a page of its own, with
        # 其他收入 of 本年收入 left of it): that edge column stands beside the group
        for run in ((a + 1, b), (a, b - 1)):
            if fits.get(run, _CENTRED_LOOSE) <= _CENTRED_TIGHT and run[0] < run[1]:
                best = run
                break
    return HeaderCell(c.text, c.line, best[0], best[1], c.center, c.x0, c.x1)


_CENTRED_LOOSE = 4.0  # character cells: a group header further off its run's middle is only loosely centred
_CENTRED_TIGHT = 1.0  # and one this near it is centred over exactly that run


def _cut_overlaps(
    line_cells: list[HeaderCell], centre: list[float], label_slot: list[bool], leaf_role: list[str | None] | None = None,
    subtotal_line: list[int | None] | None = None,
) -> None:
    """Cells of one header line never share a column: a chain of overlapping runs is split
    where the groups come out best centred under their texts, all together (label
    columns at a run's ends aside), and no group holds two 小计 columns headed on one line
    (本年收入 and 上年结转结余 each have their own: the 小计 between them opens the second
    group, however far pdftotext has pushed the group headers off centre; a sub-group's
    小计, under 公务用车购置及运行维护费, stands a line lower than its group's)."""
    sub_line = subtotal_line or [None] * len(centre)

    def off(c: HeaderCell, a: int, b: int) -> float:
        lines = [x for x in sub_line[a : b + 1] if x is not None]
        two = len(lines) != len(set(lines))
        return _off_centre(c, a, b, centre, label_slot) + (_DUPLICATE_COST if two else 0.0) + _repeats(a, b, leaf_role)

    ordered = sorted(line_cells, key=lambda c: c.center)
    chains: list[list[HeaderCell]] = []
    for c in ordered:
        if chains and chains[-1][-1].last >= c.first:
            chains[-1].append(c)
        else:
            chains.append([c])
    for chain in chains:
        if len(chain) < 2:
            continue
        # best[k] = (cost, splits) with the previous cell's run ending at column k
        # the chain's outer ends may give up a column or two (合计 left of 本年收入's
        # columns), at a price, when that centres the groups clearly better
        first = chain[0]
        best: dict[int, tuple[float, list[int], int]] = {}
        starts = [a for a in range(first.first, first.first + 3) if a <= first.last]
        for k in range(first.first, first.last + 1):
            options = [
                (off(first, a, k) + _TRIM_COST * (a - first.first), a)
                for a in starts if a <= k
            ]
            cost, a = min(options)
            best[k] = (cost, [k], a)
        for i in range(1, len(chain)):
            c = chain[i]
            nxt: dict[int, tuple[float, list[int], int]] = {}
            last = i == len(chain) - 1
            ends = range(c.first, c.last + 1) if not last else range(max(c.first, c.last - 2), c.last + 1)
            for k, (cost, splits, a0) in best.items():
                a = k + 1
                if a < c.first - 1 or a > c.last:
                    continue  # a gap or no column left for this cell
                a = max(a, c.first)
                for e in ends:
                    if e < a:
                        continue
                    total = cost + off(c, a, e)
                    if last:
                        total += _TRIM_COST * (c.last - e)
                    if e not in nxt or total < nxt[e][0]:
                        nxt[e] = (total, splits + [e], a0)
            best = nxt
            if not best:
                break
        if not best:
            continue
        _, splits, a0 = min(best.values(), key=lambda t: t[0])
        for i, c in enumerate(chain):
            c.first = max(c.first, splits[i - 1] + 1) if i else a0
            c.last = splits[i]


_TRIM_COST = 2.0  # character cells of centring a group must gain to give up an outer column
_DUPLICATE_COST = 20.0  # a group with two 小计 columns of one header line: worse than any centring


_REPEAT_COST = 50.0  # character cells: a group holding one column name twice is cut elsewhere if it can be


def _repeats(a: int, b: int, leaf_role: list[str | None] | None) -> float:
    """The price of a group over columns ``a``..``b`` naming one role twice: of two groups
    side by side (本年收入 / 上年结转结余, each over its own 小计), each holds its own."""
    if leaf_role is None:
        return 0.0
    roles = [r for r in leaf_role[a : b + 1] if r is not None]
    return _REPEAT_COST if len(roles) != len(set(roles)) else 0.0


def _off_centre(c: HeaderCell, a: int, b: int, centre: list[float], label_slot: list[bool]) -> float:
    """How far the run of columns ``a``..``b`` (label columns at its ends left out) is
    centred off the cell's text."""
    while a < b and label_slot[a]:
        a += 1
    while b > a and label_slot[b]:
        b -= 1
    return abs((centre[a] + centre[b]) / 2 - c.center)


class _TierTest:
    """Does the run ``a``..``b`` split into columns beside the group of header line ``line``
    and columns under it?  A first or last stretch of columns, each with a header of its own
    below ``line``, all of which stand above every header of the other columns (合计 /
    基本支出 / 项目支出 in cells spanning the header rows, left of 其中 over 事业单位经营支出 /
    上缴上级支出 / 对附属单位补助支出 on the lowest line) stands beside the group, not under
    it.  One pass over the run: each column's highest and lowest own header line, and
    prefix / suffix extremes for every cut."""

    __slots__ = ("hi", "lo")

    def __init__(self, lines_of: dict[int, list[int]], line: int) -> None:
        self.hi: dict[int, int] = {}
        self.lo: dict[int, int] = {}
        for s, xs in lines_of.items():
            below = [x for x in xs if x > line]
            if below:
                self.hi[s], self.lo[s] = max(below), min(below)

    def __call__(self, a: int, b: int) -> bool:
        hi, lo = self.hi, self.lo
        n = b - a + 1
        # left edge a..k beside the rest k+1..b: every edge column headed, all above the rest
        pre_hi: list[int | None] = [None] * n  # max hi over a..a+i, None once a column has none
        m: int | None = -1
        for i in range(n):
            h = hi.get(a + i)
            m = None if (m is None or h is None) else max(m, h)
            pre_hi[i] = m
        pre_lo: list[float] = [0.0] * n  # min lo over a..a+i (inf when none)
        q = float("inf")
        for i in range(n):
            v = lo.get(a + i)
            if v is not None and v < q:
                q = float(v)
            pre_lo[i] = q
        suf_hi: list[int | None] = [None] * (n + 1)
        suf_lo: list[float] = [float("inf")] * (n + 1)
        m, q = -1, float("inf")
        for i in range(n - 1, -1, -1):
            h = hi.get(a + i)
            m = None if (m is None or h is None) else max(m, h)
            suf_hi[i] = m
            v = lo.get(a + i)
            if v is not None and v < q:
                q = float(v)
            suf_lo[i] = q
        for k in range(n - 1):  # edge a..a+k | rest a+k+1..b, and the mirror
            left_hi, right_lo = pre_hi[k], suf_lo[k + 1]
            if left_hi is not None and right_lo != float("inf") and left_hi < right_lo:
                return True
            right_hi, left_lo = suf_hi[k + 1], pre_lo[k]
            if right_hi is not None and left_lo != float("inf") and right_hi < left_lo:
                return True
        return False
