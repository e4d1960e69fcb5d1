"""Hand-written ``__init__`` of dataclasses on the hot path stay in step with their fields.

A few records built thousands of times per document (Location, Cell, Row, Amount, Indicator,
Line, Slot, HeaderCell, GridRow, the row buffer) write their ``__init__`` out, so that mypyc
compiles it (docs/architecture.md, "The compiled build"); the fields are still declared for
``@dataclass`` (repr, eq, hash, ``fields``, ``replace``). A field added to the class but not to
``__init__`` — or given another default — fails here, in the plain and the compiled build.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from yusuan.model import Amount, Cell, Indicator, Location, Row
from yusuan.model.money import AmountUnit
from yusuan.parse.grid import GridRow, HeaderCell, Slot
from yusuan.parse.layout import Line, Word
from yusuan.parse.tables import _RowBuf

LINE = Line([Word("甲", 0.0, 2.0)], 3, 4, "甲")

#: a value of the right type for every field, each different from the field's default
VALUES = {
    Location: dict(page=2, table="income_summary", row="3", column="合计", subject_code="2010308", line=9,
                   unit_code="542001", sheet="收入"),
    Cell: dict(text="1.50", value=Decimal("1.50"), location=Location(page=5)),
    Row: dict(label="合计", cells={"total": Cell(text="1")}, seq="1", code="201", side="income",
              codes={"economic": "30101"}, unit_code="542001", page=2, line=7),
    Amount: dict(value=Decimal("12.5"), text="12.5万元", label="一般公共预算", unit=AmountUnit.YUAN, kind="change",
                 sentence="比上年增加12.5万元", year=2025, location=Location(page=3)),
    Indicator: dict(level1="产出指标", level2="数量指标", level3="培训人次", description="全年", value_text="≥95%",
                    comparator="≥", number=Decimal("95"), unit="%", basis="计划标准", location=Location(page=4)),
    Line: dict(words=[Word("乙", 1.0, 3.0)], page=2, lineno=8, text="乙", _joined="乙"),
    Slot: dict(x0=1.5, x1=9.5, numeric=3, text=2, digits=True, coded=True),
    HeaderCell: dict(text="合计", line=1, first=2, last=3, center=4.5, x0=1.5, x1=7.5),
    GridRow: dict(line=LINE, cells={3: "1.00"}),
    _RowBuf: dict(seq="1", code="201", code_parts={"class": "201"}, label="一般", codes={"economic": "301"},
                  unit_code="542001", values={2: "1.00"}, line=LINE, repaired="2010308", repair="zero",
                  extra_labels={4: "注"}, first_unit="542"),
}


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


@pytest.mark.parametrize("cls", list(VALUES), ids=lambda c: c.__name__)
def test_every_field_is_set_from_its_argument(cls):
    values = VALUES[cls]
    fields = dataclasses.fields(cls)
    assert [f.name for f in fields] == list(values), "VALUES lists every field, in order"
    kw_only = all(f.kw_only for f in fields)
    obj = cls(**values) if kw_only else cls(*values.values())
    for f in fields:
        assert getattr(obj, f.name) == values[f.name], f.name
        assert values[f.name] != _default(f), f"{f.name}: pick a value other than the default"
    with pytest.raises(TypeError):
        cls(**values, not_a_field=1)


@pytest.mark.parametrize("cls", list(VALUES), ids=lambda c: c.__name__)
def test_defaults_are_the_fields_defaults(cls):
    fields = dataclasses.fields(cls)
    required = {f.name: VALUES[cls][f.name] for f in fields if _default(f) is dataclasses.MISSING}
    obj = cls(**required)
    for f in fields:
        if f.name not in required:
            assert getattr(obj, f.name) == _default(f), f.name
    # a default container is the object's own, as with default_factory
    for f in fields:
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(obj, f.name) is not getattr(cls(**required), f.name), f.name


def test_frozen_records_stay_frozen():
    loc = Location(page=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loc.page = 2  # type: ignore[misc]
    assert dataclasses.replace(loc, page=2) == Location(page=2)
    assert hash(Location(page=1, table="t")) == hash(Location(page=1, table="t"))


@pytest.mark.parametrize("cls", [c for c in VALUES if c.__module__ == "yusuan.model.core"], ids=lambda c: c.__name__)
def test_records_pickle_field_for_field(cls):
    """A worker process pickles whole disclosures for the parent; the records built by the
    thousand pickle through functions that list their fields in order (``_location``,
    ``_cell``, ``_row``, ``_amount``, ``_indicator``): every field must come back, none swapped."""
    import pickle

    obj = cls(**VALUES[cls])
    back = pickle.loads(pickle.dumps(obj))
    for f in dataclasses.fields(cls):
        assert getattr(back, f.name) == VALUES[cls][f.name], f.name

