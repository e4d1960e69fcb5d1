"""The front door: ``load(path)`` parses and checks any supported input.

Problems *in* a document come back as findings; only input that cannot be read as a
disclosure at all (missing, empty, binary, not a PDF …) raises ``NotADisclosure``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .check import Report, check
from .model import Disclosure
from .model.finding import Finding
from .model.serialize import from_dict
from .parse import NotADisclosure, parse_path

#: suffixes a directory run picks up
DOCUMENT_SUFFIXES = (".txt", ".pdf", ".json", ".html", ".htm", ".xlsx")


@dataclass(frozen=True)
class Result:
    disclosure: Disclosure
    report: Report

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings


def read(path: str | Path) -> tuple[Disclosure, list[Finding]]:
    """Parse ``path`` (or read a disclosure JSON) without checking it."""
    p = Path(path)
    if not p.exists():
        raise NotADisclosure(f"{p}: no such file")
    if p.is_dir():
        raise NotADisclosure(f"{p}: is a directory")
    head = p.open("rb").read(8)
    if head.lstrip()[:1] == b"{":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return from_dict(data), []
        except (ValueError, KeyError, TypeError) as exc:
            raise NotADisclosure(f"{p}: not a yusuan disclosure JSON ({exc})") from exc
    if head.startswith(b"%PDF") or p.suffix.lower() == ".pdf":
        from .parse.extract import pdf  # noqa: PLC0415 - optional heavy import

        return pdf.parse_pdf(p)
    doc, issues = parse_path(p)
    if not doc.tables and not doc.amounts and not any(k in doc.title for k in ("预算", "决算")):
        raise NotADisclosure(f"{p}: no budget disclosure found (no tables, no amounts, no 预算/决算 title)")
    return doc, issues


def load(path: str | Path) -> Result:
    """Parse and check ``path``."""
    doc, issues = read(path)
    return Result(disclosure=doc, report=check(doc, extra=issues))


__all__ = ["DOCUMENT_SUFFIXES", "NotADisclosure", "Result", "load", "read"]
