"""The front door: ``load(path)`` parses and checks any supported input.

Problems *in* a document come back as findings; only input that cannot be read as a
disclosure at all (missing, empty, binary, not a PDF …) raises ``NotADisclosure``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .check import Report, check
from .model import Disclosure
from .model.finding import Finding
from .model.serialize import from_dict
from .parse import NotADisclosure, parse_path
from .parse.build import build

#: suffixes a directory run picks up
DOCUMENT_SUFFIXES = (".txt", ".pdf", ".json", ".html", ".htm", ".xlsx", ".docx")


@dataclass(frozen=True)
class Result:
    disclosure: Disclosure
    report: Report

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings


def sniff(path: Path) -> str:
    """The input format by content (then suffix): pdf, xlsx, docx, html, json or text."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    stripped = head.lstrip()
    if head.startswith(b"%PDF") or (b"%PDF-" in head[:1024]):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        suffix = path.suffix.lower()
        if suffix in (".docx", ".docm"):
            return "docx"
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        import zipfile

        try:
            names = zipfile.ZipFile(path).namelist()
        except (zipfile.BadZipFile, OSError):
            return "zip"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("word/") for n in names):
            return "docx"
        return "zip"
    if stripped[:1] == b"{":
        return "json"
    low = stripped[:512].lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in low or b"<table" in low:
        return "html"
    if path.suffix.lower() == ".pdf":
        return "pdf"
    return "text"


def read(path: str | Path) -> tuple[Disclosure, list[Finding]]:
    """Parse ``path`` (any supported format, or a disclosure JSON) without checking it."""
    p = Path(path)
    if not p.exists():
        raise NotADisclosure(f"{p}: no such file")
    if p.is_dir():
        raise NotADisclosure(f"{p}: is a directory")
    try:
        kind = sniff(p)
    except OSError as exc:
        raise NotADisclosure(f"{p}: cannot read ({exc.strerror})") from exc
    if kind == "json":
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return from_dict(data), []
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise NotADisclosure(f"{p}: not a yusuan disclosure JSON ({exc})") from exc
    if kind == "zip":
        raise NotADisclosure(f"{p}: a zip archive, not a disclosure (expected PDF, XLSX, DOCX, HTML or text)")
    if kind == "text":
        doc, issues = parse_path(p)
    else:
        import importlib

        module = importlib.import_module(f".parse.extract.{kind}", __package__)
        raw = module.extract(p)
        doc, issues = build(raw)
    if not doc.tables and not doc.amounts and not any(k in doc.title for k in ("预算", "决算")):
        raise NotADisclosure(f"{p}: no budget disclosure found (no tables, no amounts, no 预算/决算 title)")
    return doc, issues


_PART_RE = re.compile(r"(?:部门|单位)?(?:预算|决算)?(?:公开)?(?:报表|情况说明|说明)")


def companion_key(path: Path) -> str | None:
    """Documents published as two files (北京: 部门预算报表 + 部门预算情况说明) share a name
    apart from that word; the key is the name without it (``None`` if the name has none)."""
    stem = path.stem
    if not _PART_RE.search(stem):
        return None
    return _PART_RE.sub("", stem)


def combine(tables: Disclosure, narrative: Disclosure) -> Disclosure:
    """One disclosure from a tables-only file and its narrative-only companion (a table the
    narrative file prints and the tables file lacks is kept)."""
    have = {t.id for t in tables.tables}
    return replace(
        tables,
        tables=tables.tables + tuple(t for t in narrative.tables if t.id not in have),
        title=narrative.title or tables.title,
        issuer=narrative.issuer or tables.issuer,
        phase=tables.phase or narrative.phase,
        scope=narrative.scope or tables.scope,
        year=narrative.year or tables.year,
        sections=narrative.sections,
        organisations=narrative.organisations or tables.organisations,
        performance=tables.performance + narrative.performance,
        glossary=narrative.glossary or tables.glossary,
        source=f"{tables.source} + {narrative.source}",
        pages=tables.pages + narrative.pages,
        units=tables.units or narrative.units,
    )


def is_tables_only(doc: Disclosure) -> bool:
    """The tables half of a two-file publication: standard tables, little or no 情况说明."""
    return sum(1 for t in doc.tables if t.rows and t.numeric) >= 3 and not any("说明" in s.heading for s in doc.sections)


def is_narrative_only(doc: Disclosure) -> bool:
    """The 情况说明 half: prose quoting amounts, at most a table or two of its own (a
    政府采购 table printed in the text), never the set of standard tables."""
    return sum(1 for t in doc.tables if t.rows) < 3 and len(doc.amounts) >= 3


def load(path: str | Path) -> Result:
    """Parse and check ``path``."""
    doc, issues = read(path)
    return Result(disclosure=doc, report=check(doc, extra=issues))


__all__ = ["DOCUMENT_SUFFIXES", "NotADisclosure", "Result", "load", "read"]
