"""Parse + check of the seed and every corpus text file give the recorded results.

The digests in ``tests/golden/corpus/`` (written by ``tests/golden/make_corpus_golden.py``)
hold, per document, a hash and counts of the open-data CSV, of the findings and of the
narrative amounts.  Optimisations of the parser and checker must keep every one of them;
a change of behaviour is made on purpose and the digests are then rewritten with the
generator (``--show`` prints the rows that differ).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))

import make_corpus_golden as golden  # noqa: E402

DOCUMENTS = golden.documents()


def _explain(gold: dict, now: dict) -> str:
    """Which parts differ, down to the CSV table and the finding code."""
    out = []
    for part in ("csv", "findings", "amounts"):
        if gold.get(part) == now[part]:
            continue
        if part == "csv":
            g, n = gold["csv"]["tables"], now["csv"]["tables"]
            tables = sorted(t for t in set(g) | set(n) if g.get(t) != n.get(t))
            detail = ", ".join(f"{t} rows {g.get(t, {}).get('rows', 0)}→{n.get(t, {}).get('rows', 0)}" for t in tables)
            out.append(f"csv differs: {detail}")
        elif part == "findings":
            g, n = gold["findings"]["by_code"], now["findings"]["by_code"]
            codes = sorted(c for c in set(g) | set(n) if g.get(c) != n.get(c))
            detail = ", ".join(f"{c} {g.get(c, 0)}→{n.get(c, 0)}" for c in codes) or "same counts, other content"
            out.append(f"findings differ: {detail}")
        else:
            out.append(f"amounts differ: {gold['amounts']['count']}→{now['amounts']['count']}")
    return "; ".join(out)


@pytest.mark.skipif(not DOCUMENTS, reason=f"seed and corpus not found ({golden.SEED}, {golden.CORPUS_TEXT})")
@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem[:60] for p in DOCUMENTS])
def test_document_digest_unchanged(path: Path) -> None:
    gold_path = golden.GOLDEN / golden.golden_name(path)
    if not gold_path.exists():
        pytest.fail(f"no golden digest for {path.name}: run tests/golden/make_corpus_golden.py")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    now = golden.compute(path)
    assert gold == now, f"{path.name}: {_explain(gold, now)} (see: python tests/golden/make_corpus_golden.py --show)"


def test_corpus_present_or_skipped(corpus_dir: Path) -> None:
    """Every corpus text file has a digest, and no digest is left over from a removed file."""
    expected = {golden.golden_name(p) for p in DOCUMENTS}
    stored = {p.name for p in golden.GOLDEN.glob("*.json") if p.name != golden.META.name}
    assert stored == expected
