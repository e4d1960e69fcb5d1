"""Parse published disclosures (text, PDF, …) into ``Disclosure`` values.

``parse_path(path)`` picks the extractor by content, builds the disclosure and returns
it with the parser's findings (repaired codes, pages without text, …).  Only input that
cannot be read as a disclosure at all raises ``NotADisclosure``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Disclosure
from ..model.finding import Finding
from .build import build
from .extract.text import NotADisclosure, decode, read_text


def parse_text(text: str, source: str = "<text>") -> tuple[Disclosure, list[Finding]]:
    return build(read_text(text, source=source))


def parse_path(path: str | Path) -> tuple[Disclosure, list[Finding]]:
    p = Path(path)
    if not p.exists():
        raise NotADisclosure(f"{p}: no such file")
    if p.is_dir():
        raise NotADisclosure(f"{p}: is a directory")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise NotADisclosure(f"{p}: cannot read ({exc.strerror})") from exc
    return parse_text(decode(data, str(p)), source=str(p))


__all__ = ["NotADisclosure", "parse_path", "parse_text"]
