"""Printed amounts: what ``is_amount`` / ``parse_amount`` accept."""

from decimal import Decimal

import pytest

from yusuan.model.money import is_amount, parse_amount


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("283,586", Decimal("283586")),
        # a spreadsheet that groups only the last three digits
        ("125360,898", Decimal("125360898")),
        ("7880,000", Decimal("7880000")),
        ("-19,000", Decimal("-19000")),
        ("(3.5)", Decimal("-3.5")),
    ],
)
def test_printed_amounts(text, value):
    assert is_amount(text)
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["2023,2024", "1,2", "12,34", "1,2345", "208-01", "行政运行"])
def test_not_amounts(text):
    assert not is_amount(text)
