"""Every finding code emitted anywhere is in the rule catalogue, and docs/rules.md is
generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import yusuan
from yusuan.check import codes

ROOT = Path(__file__).resolve().parents[1]
PKG = Path(yusuan.__file__).parent


def test_emitted_codes_are_documented():
    emitted = set()
    for path in PKG.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        emitted |= set(re.findall(r'code="([a-z][a-z0-9-]+)"', text))
        emitted |= set(re.findall(r'Finding\(\s*"([a-z][a-z0-9-]+)"', text))
        emitted |= set(re.findall(r'Issue\(\s*"([a-z][a-z0-9-]+)"', text))
    missing = sorted(c for c in emitted if c not in codes.BY_CODE)
    assert not missing, f"undocumented finding codes: {missing}"


def test_codes_are_stable_kebab_case_and_unique():
    seen = set()
    for r in codes.RULES:
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", r.code), r.code
        assert r.code not in seen
        assert r.severity in ("error", "warning", "info")
        assert r.family in codes.FAMILIES
        seen.add(r.code)


def test_rules_md_is_generated():
    doc = ROOT / "docs" / "rules.md"
    assert doc.exists(), "run: yusuan rules --format markdown > docs/rules.md"
    assert doc.read_text(encoding="utf-8").strip() == codes.markdown().strip(), (
        "docs/rules.md is out of date: run `yusuan rules --format markdown > docs/rules.md`"
    )
