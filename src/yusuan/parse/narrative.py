"""The narrative (情况说明): sections, and every amount it quotes with its label.

``基本支出279.12万元`` → Amount(label="基本支出", value=279.12, unit=万元);
``较2020年减少53.49万元`` → Amount(kind="change", value=-53.49, year=2020);
``增长5.39%`` → Amount(kind="percent", value=5.39).

Lines of a section are joined without separators (``pdftotext`` wraps Chinese text
anywhere, even inside a number), then split into clauses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ..model import Amount, Location, Section, strip_ordinal
from ..model.money import AmountUnit
from .layout import Line

_HEADING_RE = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[、.．](?!\d))\s*\S"
)
_AMOUNT_RE = re.compile(r"(?<![\d.])(-?\d[\d,，]*(?:\.\d+)?)\s*(亿元|万元|元)")
_PERCENT_RE = re.compile(r"(?<![\d.])(-?\d+(?:\.\d+)?)\s*(?:%|％|个百分点)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_CHANGE_WORDS = {
    "增加": 1,
    "增长": 1,
    "上升": 1,
    "提高": 1,
    "多": 1,
    "减少": -1,
    "下降": -1,
    "降低": -1,
    "节约": -1,
    "少": -1,
    "压减": -1,
    "缩减": -1,
}
_CHANGE_RE = re.compile(r"(增加|增长|上升|提高|减少|下降|降低|节约|压减|缩减)了?$")
_LEAD_RE = re.compile(r"^(?:其中|包括|主要是|分别为|分别是|为|是|和|及|以及|与|共|合计|总计|共计|安排|：|:|，|,|、|\s)+")
_CLAUSE_SPLIT_RE = re.compile(r"[，。；;！？\n]|[（(](?=其中)|(?<=万元)[和及、]|(?<=元)[和及、]")
_UNITS = {"万元": AmountUnit.WAN, "元": AmountUnit.YUAN}


def is_heading(text: str) -> bool:
    t = text.strip()
    return bool(_HEADING_RE.match(t)) and len(t) <= 40 and not _AMOUNT_IN_HEADING_RE.search(t)


_AMOUNT_IN_HEADING_RE = re.compile(r"\d[\d,.]*\s*(?:万元|元)")
_WS_RUN_RE = re.compile(r"\s+")


def split_sections(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """Group narrative lines under their headings."""
    out: list[tuple[str, list[Line]]] = []
    heading = ""
    buf: list[Line] = []
    for ln in lines:
        if ln.is_blank:
            continue
        t = ln.text.strip()
        if is_heading(t):
            if buf or heading:
                out.append((heading, buf))
            heading, buf = _WS_RUN_RE.sub(" ", t), []
        else:
            buf.append(ln)
    if buf or heading:
        out.append((heading, buf))
    return out


def _join(lines: list[Line]) -> str:
    parts: list[str] = []
    for ln in lines:
        t = _BLANKS_RE.sub(" ", ln.text.strip())
        if parts and _is_ascii_alnum(parts[-1][-1:]) and t[:1].isascii() and t[:1].isalpha():
            parts.append(" ")
        parts.append(t)
    text = "".join(parts)
    # pdftotext puts spaces inside numbers and between a number and its unit
    text = _SPACE_IN_NUMBER_RE.sub("", text)
    text = _SPACE_BEFORE_UNIT_RE.sub("", text)
    return text


def _is_ascii_alnum(ch: str) -> bool:
    """``[A-Za-z0-9]`` for one character (empty: no)."""
    return ch.isascii() and ch.isalnum()


_BLANKS_RE = re.compile(r"[ \t\u3000]+")
# (each pattern starts with its space, so that the regex engine can skip to the spaces)
_SPACE_IN_NUMBER_RE = re.compile(r" (?:(?<=\d )(?=[\d,.])|(?<=[\d,.] )(?=\d))")
_SPACE_BEFORE_UNIT_RE = re.compile(r" (?<=\d )(?=万元|元|%)")


def _to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def extract_amounts(
    text: str, page: int | None, line: int | None, heading: str = "", locate: Callable[[str], Location] | None = None
) -> list[Amount]:
    """Every amount and percentage in ``text`` with the label that precedes it; located at
    ``page``/``line``, or where ``locate`` finds each amount's text."""
    out: list[Amount] = []
    sentences = _sentences(text)
    for sent in sentences:
        if not sent.strip():
            continue
        # the substring tests spare scanning sentences that quote no amount or percentage
        tokens = [(m.start(), m.end(), "amount", m) for m in _AMOUNT_RE.finditer(sent)] if "元" in sent else []
        if "%" in sent or "％" in sent or "个百分点" in sent:
            tokens += [(m.start(), m.end(), "percent", m) for m in _PERCENT_RE.finditer(sent)]
        if not tokens:
            continue
        tokens.sort(key=lambda t: t[0])
        prev_end = 0
        for start, end, kind, m in tokens:
            before = sent[prev_end:start]
            # label: the clause before the number
            clause = _CLAUSE_SPLIT_RE.split(before)[-1] if before else ""
            label = _LEAD_RE.sub("", clause.strip())
            year = None
            ym = _YEAR_RE.search(label)
            if ym:
                year = int(ym.group(1))
            value = _to_decimal(m.group(1))
            prev_end = end
            if value is None:
                continue
            unit_text: str | None
            if kind == "amount" and m.group(2) == "亿元":
                value, unit_text = value * 10000, "万元"
            else:
                unit_text = m.group(2) if kind == "amount" else None
            akind = kind
            cm = _CHANGE_RE.search(_CHANGE_TAIL_RE.sub("", label))
            if kind == "amount" and cm:
                akind = "change"
                value = value * _CHANGE_WORDS[cm.group(1)]
            elif kind == "percent" and cm:
                value = value * _CHANGE_WORDS[cm.group(1)]
            clean = strip_ordinal(_YEAR_RE.sub("", label))
            clean = _LABEL_EDGES_RE.sub("", clean).strip()
            out.append(
                Amount(
                    value=value,
                    text=sent[start:end],
                    label=clean,
                    unit=_UNITS.get(unit_text) if unit_text else None,
                    kind=akind,
                    sentence=sent.strip(),
                    year=year,
                    location=locate(sent[start:end]) if locate else Location(page=page, line=line, table="narrative"),
                )
            )
    return out


_SENTENCE_END_RE = re.compile(r"[。！？]")


def _sentences(text: str) -> list[str]:
    """``text`` cut after each 。！？ (as splitting at ``(?<=[。！？])`` would, without trying
    that look-behind at every character)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return out
_CHANGE_TAIL_RE = re.compile(r"[为了到至约]+$")
_LABEL_EDGES_RE = re.compile(r"^[：:，,、\s]+|[为是了：:约共计达到至]+$")
_DIGIT_NOISE_RE = re.compile(r"[\s,，]")


class _Locator:
    """Where each of a section's amounts is printed: the first line, from the previous
    amount's on, whose digits hold the amount's (amounts come in the order of the text)."""

    def __init__(self, body: list[Line]) -> None:
        self.body = body
        self.k = 0
        self.squashed: list[str] | None = None

    def __call__(self, amount_text: str) -> Location:
        body = self.body
        if self.squashed is None:
            self.squashed = [_DIGIT_NOISE_RE.sub("", ln.text) for ln in body]
        squashed = self.squashed
        digits = _DIGIT_NOISE_RE.sub("", amount_text)
        page: int | None = None
        line: int | None = None
        for i in range(self.k, len(body)):
            if digits and digits in squashed[i]:
                page, line, self.k = body[i].page, body[i].lineno, i
                break
        else:
            if body:
                j = min(self.k, len(body) - 1)
                page, line = body[j].page, body[j].lineno
        return Location(page=page, line=line, table="narrative")


def build_sections(lines: list[Line]) -> list[Section]:
    """Sections with their text and amounts; each amount located at the line that prints it."""
    sections = []
    for heading, body in split_sections(lines):
        text = _join(body)
        located = extract_amounts(text, None, None, heading, _Locator(body))
        first = body[0] if body else None
        sections.append(
            Section(
                heading=heading,
                text=text,
                amounts=tuple(located),
                page=first.page if first else None,
                line=first.lineno if first else None,
            )
        )
    return sections
