"""Any single changed number in the seed that breaks an identity gives an error at the
right table (property-based: hypothesis picks the cell and the change)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.check import check
from yusuan.parse import parse_text

from conftest import SEED


@cache
def _seed():
    text = SEED.read_text(encoding="utf-8")
    doc, issues = parse_text(text)
    return text, doc


@cache
def _cells():
    """(line number, printed text, table id) of every amount cell taking part in an identity."""
    _, doc = _seed()
    out = []
    for t in doc.tables:
        for row, col, cell in t.iter_cells():
            if cell.value is None or col.kind != "amount":
                continue
            out.append((cell.location.line, cell.text, t.id))
    return out


@cache
def _narrative():
    _, doc = _seed()
    return [(a.location.line, a.text, a.value) for a in doc.amounts if a.kind == "amount" and a.unit is not None]


def _mutate(text: str, lineno: int, printed: str, new: str, occurrence: int = 0) -> str:
    lines = text.split("\n")
    line = lines[lineno - 1]
    hits = [m for m in re.finditer(rf"(?<![\d.]){re.escape(printed)}(?![\d.])", line)]
    assert hits, (lineno, printed, line)
    m = hits[min(occurrence, len(hits) - 1)]
    lines[lineno - 1] = line[: m.start()] + new + line[m.end() :]
    return "\n".join(lines)


def _fmt(v: Decimal) -> str:
    return format(v.quantize(Decimal("0.01")), "f")


# changes larger than the documented rounding tolerance (⌊n/2⌋ × 0.01 for n parts)
deltas = st.one_of(
    st.decimals(min_value=Decimal("0.05"), max_value=Decimal("500"), places=2),
    st.decimals(min_value=Decimal("-500"), max_value=Decimal("-0.05"), places=2),
)


def test_seed_has_cells_to_mutate(seed_path):
    assert len(_cells()) == 212  # the 213 numeric cells less 车辆 数量 (a quantity, in no identity)
    assert len(_narrative()) >= 15


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), delta=deltas)
def test_table_mutation_is_an_error_at_that_table(seed_path, data, delta):
    text, _ = _seed()
    lineno, printed, table = data.draw(st.sampled_from(_cells()))
    occurrence = data.draw(st.integers(min_value=0, max_value=2))
    new_value = Decimal(printed.replace(",", "")) + delta
    if new_value < 0:
        new_value = -new_value + Decimal("1")
    mutated = _mutate(text, lineno, printed, _fmt(new_value), occurrence)
    doc, issues = parse_text(mutated)
    report = check(doc, extra=issues)
    errors = report.errors
    assert errors, f"changing {printed} → {_fmt(new_value)} at line {lineno} ({table}) gave no error"
    assert any(f.location.table == table for f in errors), (table, [(f.code, f.location.table) for f in errors])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), delta=deltas)
def test_narrative_mutation_is_a_narrative_error(seed_path, data, delta):
    text, _ = _seed()
    lineno, printed, value = data.draw(st.sampled_from(_narrative()))
    number = re.match(r"[\d,.]+", printed).group(0)
    new_value = abs(value + delta) + (Decimal("1") if value + delta <= 0 else 0)
    mutated = _mutate(text, lineno, number, _fmt(new_value))
    doc, issues = parse_text(mutated)
    errors = check(doc, extra=issues).errors
    assert any(f.location.table == "narrative" for f in errors), (printed, _fmt(new_value), [(f.code, f.message) for f in errors])


def test_change_sum_in_narrative(seed_path):
    # −53.49 = −28.03 + −25.46: break the parts, not the total
    text, _ = _seed()
    mutated = text.replace("基本支出减少28.03万元", "基本支出减少27.03万元")
    doc, issues = parse_text(mutated)
    codes = {f.code for f in check(doc, extra=issues).errors}
    assert "narrative-change-inconsistent" in codes
