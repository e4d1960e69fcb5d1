"""Golden digests of parse + check on the seed and every text file of the corpus.

    python tests/golden/make_corpus_golden.py            # (re)write tests/golden/corpus/*.json
    python tests/golden/make_corpus_golden.py --check    # compare, one line per changed document
    python tests/golden/make_corpus_golden.py --show [--base REV] [NAME ...]
                                                         # print the differences themselves
    python tests/golden/make_corpus_golden.py --from-rev REV
                                                         # write them from the source of REV

Why: the parser and checker are optimised and reworked often; these digests say, for each
real document, whether the open-data CSV, the findings and the narrative amounts are still
exactly what they were.  A digest is small (a sha256 and counts per part, per table for the
CSV) so that the files stay reviewable; ``--show`` prints the actual rows that differ.  The
findings and amounts of the golden state are not stored, so ``--show`` recomputes them with the
source of ``--base`` (a git revision, by default the one recorded when the digests were
written), extracted with ``git archive`` into a temporary folder, in a subprocess.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_358c1be7637ddf8e.txt"
CORPUS_TEXT = SHARED / "corpus" / "text"
GOLDEN = Path(__file__).resolve().parent / "corpus"
META = GOLDEN / "_meta.json"


def documents() -> list[Path]:
    """The seed and every ``*.txt`` of the corpus, in a fixed order."""
    paths = [SEED] if SEED.exists() else []
    if CORPUS_TEXT.is_dir():
        paths.extend(sorted(CORPUS_TEXT.glob("*.txt")))
    return paths


def golden_name(path: Path) -> str:
    return ("seed_" if path == SEED else "") + path.stem + ".json"


def _s(value) -> str:
    return "" if value is None else str(value)


def records(path: Path) -> dict[str, list[str]]:
    """The three parts of a document's result as lists of tab-joined lines.

    ``csv``: every open-data CSV record; ``findings``: code, severity, table, row, column,
    subject code, page, expected, actual, message; ``amounts``: label, value, kind.
    """
    from yusuan.api import load
    from yusuan.render.opendata import csv_records

    result = load(path)
    doc = result.disclosure
    csv = ["\t".join(rec) for rec in csv_records(doc)]
    findings = []
    for f in result.findings:
        loc = f.location
        fields = (f.code, f.severity, loc.table, loc.row, loc.column, loc.subject_code, loc.page, f.expected, f.actual, f.message)
        findings.append("\t".join(_s(x) for x in fields))
    amounts = ["\t".join((a.label, _s(a.value), a.kind)) for a in doc.amounts]
    return {"csv": csv, "findings": findings, "amounts": amounts}


def _sha(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def digest(recs: dict[str, list[str]]) -> dict:
    """Counts and hashes: per table for the CSV, per code for the findings."""
    by_table: dict[str, list[str]] = {}
    for line in recs["csv"]:
        by_table.setdefault(line.split("\t")[3], []).append(line)
    return {
        "csv": {
            "rows": len(recs["csv"]),
            "sha256": _sha(recs["csv"]),
            "tables": {t: {"rows": len(v), "sha256": _sha(v)[:16]} for t, v in by_table.items()},
        },
        "findings": {
            "count": len(recs["findings"]),
            "sha256": _sha(recs["findings"]),
            "by_code": dict(sorted(Counter(ln.split("\t")[0] for ln in recs["findings"]).items())),
        },
        "amounts": {"count": len(recs["amounts"]), "sha256": _sha(recs["amounts"])},
    }


def compute(path: Path) -> dict:
    return digest(records(path))


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout


def write_all(rev: str | None = None) -> None:
    """Write every digest, computed by the working tree or by the committed source of ``rev``
    (when someone else's commit changed results while the working tree holds unfinished work)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    paths = documents()
    if not paths:
        sys.exit(f"no documents: {SEED} and {CORPUS_TEXT} are absent")
    recs = _base_records(rev, paths) if rev else None
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for p in paths:
        d = digest(recs[str(p)]) if recs else compute(p)
        text = json.dumps(d, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        (GOLDEN / golden_name(p)).write_text(text, encoding="utf-8")
    if rev:
        meta = {"commit": _git("rev-parse", rev).strip(), "src_uncommitted": [], "documents": len(paths)}
    else:
        dirty = _git("status", "--porcelain", "--", "src").splitlines()
        meta = {"commit": _git("rev-parse", "HEAD").strip(), "src_uncommitted": [ln[3:] for ln in dirty], "documents": len(paths)}
    META.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(paths)} digests to {GOLDEN} (from {meta['commit'][:10]}{'; uncommitted: ' + ' '.join(meta['src_uncommitted']) if meta['src_uncommitted'] else ''})")


def changed() -> list[tuple[Path, list[str]]]:
    """Documents whose digest differs from the golden one, with the parts that differ."""
    out = []
    for p in documents():
        gold_path = GOLDEN / golden_name(p)
        if not gold_path.exists():
            out.append((p, ["no golden digest"]))
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        now = compute(p)
        parts = [k for k in ("csv", "findings", "amounts") if gold.get(k) != now[k]]
        if parts:
            out.append((p, parts))
    return out


def _base_records(base: str, paths: list[Path]) -> dict[str, dict[str, list[str]]]:
    """``records`` of ``paths`` computed by the source of git revision ``base``."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", base, "src"], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        code = (
            "import json, sys\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "from pathlib import Path\n"
            "import make_corpus_golden as g\n"
            "print(json.dumps({p: g.records(Path(p)) for p in sys.argv[1:]}, ensure_ascii=False))\n"
        )
        env = {"PYTHONPATH": str(Path(tmp) / "src"), "PATH": "/usr/bin:/bin"}
        proc = subprocess.run(
            [sys.executable, "-c", code, *map(str, paths)], env=env, check=True, capture_output=True, text=True
        )
        return json.loads(proc.stdout)


def show(base: str | None, names: list[str]) -> int:
    """Print, for every changed document, a unified diff of each part that changed."""
    diffs = changed()
    if names:
        diffs = [(p, parts) for p, parts in diffs if any(n in p.name for n in names)]
    if not diffs:
        print("all digests equal")
        return 0
    if base is None:
        base = json.loads(META.read_text(encoding="utf-8"))["commit"]
    old = _base_records(base, [p for p, _ in diffs])
    for p, parts in diffs:
        now = records(p)
        print(f"=== {p.name}: {', '.join(parts)} differ (old = {base[:10]})")
        for part in parts:
            if part not in now:
                continue
            lines = difflib.unified_diff(old[str(p)][part], now[part], f"{part} (old)", f"{part} (now)", lineterm="", n=1)
            for line in lines:
                print(line)
    return 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the golden digests")
    ap.add_argument("--show", action="store_true", help="print the differences (recomputes the old records)")
    ap.add_argument("--base", help="git revision whose source gives the old records (default: recorded one)")
    ap.add_argument("--from-rev", metavar="REV", help="write the digests from the committed source of REV")
    ap.add_argument("names", nargs="*", help="with --show: only documents whose file name contains one of these")
    args = ap.parse_args(argv)
    if args.show:
        return show(args.base, args.names)
    if args.check:
        diffs = changed()
        for p, parts in diffs:
            print(f"{p.name}: {', '.join(parts)}")
        print(f"{len(diffs)} of {len(documents())} documents differ")
        return 1 if diffs else 0
    write_all(args.from_rev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
