"""Findings: problems in a document are values, not exceptions.

Parsing and checking both return findings; ``check.codes`` holds the catalogue that
gives each code its severity and documentation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .core import Location


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, with a stable kebab-case ``code``, a Chinese message and numbers."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    expected: Decimal | None = None
    actual: Decimal | None = None
    severity: str | None = None  # filled from the rule catalogue when None
