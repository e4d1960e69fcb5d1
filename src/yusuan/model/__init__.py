"""The disclosure model: immutable, ``Decimal`` money, located cells, subject codes.

Imports nothing else of yusuan (see ``docs/architecture.md``).
"""

from .core import (
    Amount,
    Cell,
    Column,
    Disclosure,
    Indicator,
    Location,
    Organisation,
    PerformanceTable,
    Row,
    Section,
    Table,
    Unit,
    strip_ordinal,
)
from .money import AmountUnit, convert, decimals, is_amount, parse_amount, plain

__all__ = [
    "Amount",
    "AmountUnit",
    "Cell",
    "Column",
    "Disclosure",
    "Indicator",
    "Location",
    "Organisation",
    "PerformanceTable",
    "Row",
    "Section",
    "Table",
    "Unit",
    "convert",
    "decimals",
    "is_amount",
    "parse_amount",
    "plain",
    "strip_ordinal",
]
