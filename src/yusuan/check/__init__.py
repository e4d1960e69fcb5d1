"""Check a disclosure: arithmetic, code tree, cross-table and narrative identities,
completeness, subject codes, performance targets.

``check(doc)`` runs every rule of ``RULES`` (a tuple, in order) and returns a ``Report``.
A rule is ``def check_x(doc, ctx) -> Iterable[Finding]`` whose docstring names the
identity it enforces; rules never raise for problems in the document.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from ..model import Disclosure
from ..model.finding import Finding
from .codes import BY_CODE, severity
from .context import Context
from .rules.arithmetic import check_named_items, check_row_identities
from .rules.balance import check_two_sided
from .rules.completeness import check_required_tables
from .rules.cross_table import check_cross_tables
from .rules.hierarchy import check_hierarchy, check_item_lists
from .rules.narrative import check_narrative_amounts, check_narrative_changes
from .rules.performance import check_indicator_units
from .rules.subjects import check_subject_codes

Rule = Callable[[Disclosure, Context], Iterable[Finding]]

#: The built-in rules, in the order they run.
RULES: tuple[Rule, ...] = (
    check_required_tables,
    check_row_identities,
    check_named_items,
    check_hierarchy,
    check_item_lists,
    check_two_sided,
    check_cross_tables,
    check_narrative_amounts,
    check_narrative_changes,
    check_subject_codes,
    check_indicator_units,
)

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Report:
    disclosure: Disclosure
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def __reduce__(self):
        # through the constructor: compiled (mypyc), a frozen record cannot be unpickled
        # field by field (a worker process sends its report to the parent)
        return Report, (self.disclosure, self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def summary(self) -> dict:
        by_sev = Counter(f.severity for f in self.findings)
        by_code = Counter(f.code for f in self.findings)
        return {
            "errors": by_sev.get("error", 0),
            "warnings": by_sev.get("warning", 0),
            "infos": by_sev.get("info", 0),
            "by_code": dict(sorted(by_code.items())),
            "tables": len(self.disclosure.tables),
        }


def with_severity(f: Finding) -> Finding:
    return f if f.severity else replace(f, severity=severity(f.code))


def check(doc: Disclosure, rules: tuple[Rule, ...] = RULES, extra: Iterable[Finding] = ()) -> Report:
    """Run ``rules`` over ``doc``; ``extra`` are findings from parsing, kept in the report."""
    ctx = Context.of(doc)
    findings = [with_severity(f) for f in extra]
    for rule in rules:
        findings.extend(with_severity(f) for f in rule(doc, ctx))
    findings = _dedupe(findings)
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity or "error", 3), f.location.page or 0))
    return Report(disclosure=doc, findings=tuple(findings))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        key = (f.code, f.message, f.location)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out


__all__ = ["BY_CODE", "RULES", "Report", "check"]
