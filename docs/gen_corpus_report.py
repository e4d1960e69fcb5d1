"""Write docs/corpus-report.md: how yusuan reads every document of ../shared/corpus.

    python docs/gen_corpus_report.py [--text]

For each PDF (or each text file with --text), Beijing's 报表 + 情况说明 read together as one
disclosure as the CLI does: phase, scope, year, the standard tables found, and every error
finding with its evidence (table, page, 序号/code, expected and actual).

Whose fault each remaining error is — the publisher's or ours — is decided by a person who
looked at the page, and kept in ``docs/attribution/*.tsv`` (one file per layout family,
columns ``document  finding  verdict  evidence``; ``document`` is the file stem, ``finding``
starts with the rule code, ``verdict`` is ``publisher``, ``ours`` or ``pdftotext``).  A
document counts as reviewed when every error code it has appears in a line for it; the report
then says whether all its errors are the publisher's.  ``pdftotext`` is for the text report
only: the text twin itself is wrong (pdftotext pushed amounts out from under their headers,
squeezed a page's columns together, …) where the PDF reads clean — the text extraction's
fault, not ours; such lines are left out of the PDF report.
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

from yusuan.check.context import KINDS
from yusuan.runner import pair_companions, run

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ATTRIBUTION = ROOT / "docs" / "attribution"
OUT = ROOT / "docs" / "corpus-report.md"
OUT_TEXT = ROOT / "docs" / "corpus-report-text.md"

SHORT = {
    "ies": "收支",
    "income": "收入",
    "expenditure": "支出",
    "appropriation": "财拨",
    "gbe": "一般",
    "gbbe": "基本",
    "three_public": "三公",
    "gov_fund": "基金",
    "state_capital": "国资",
    "procurement": "采购",
    "assets": "资产",
}


def _attribution() -> dict[str, list[tuple[str, str, str]]]:
    """document stem → [(finding, verdict, evidence)]; a line may name several documents of
    one publisher, ``2023_X_部门预算 / 2024 / 2025`` (the later ones by year)."""
    out: dict[str, list[tuple[str, str, str]]] = collections.defaultdict(list)
    for path in sorted(ATTRIBUTION.glob("*.tsv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) < 3 or row[0] == "document" or row[0].startswith("#"):
                    continue
                names = [n.strip() for n in row[0].split(" / ")]
                first = names[0]
                for n in names:
                    stem = first.replace(first[:4], n, 1) if n.isdigit() and len(n) == 4 else n
                    out[stem].append((row[1].strip(), row[2].strip(), row[3].strip() if len(row) > 3 else ""))
    return out


_CODE_TOKEN_RE = re.compile(r"[a-z]+(?:-[a-z]+)+")
_TEXT_ONLY_RE = re.compile(r"\(text(?: twin)? only\)")


def _covers(finding: str, code: str) -> bool:
    """An attribution line names a rule code in full or by its leading words (``fund-split``)."""
    return any(t == code or code.startswith(t + "-") for t in _CODE_TOKEN_RE.findall(finding))


def _verdict(
    stems: list[str], codes: set[str], lines: dict[str, list[tuple[str, str, str]]], text: bool = False
) -> tuple[str, list]:
    """(``clean`` | ``publisher`` | ``pdftotext`` | ``ours`` | ``not reviewed``, the
    attribution lines); ``pdftotext`` lines count in the text report only."""
    if not codes:
        return "clean", []
    # ``pdftotext`` verdicts and lines marked ``(text only)`` / ``(text twin only)`` are about
    # the text twin: they count in the text report only
    mine = [ln for s in stems for ln in lines.get(s, []) if text or (ln[1] != "pdftotext" and not _TEXT_ONLY_RE.search(ln[0]))]
    if not mine or any(not any(_covers(ln[0], c) for ln in mine) for c in codes):
        return "not reviewed", mine
    # a line about findings this read does not raise (the text twin's, or fixed since) does
    # not decide its verdict
    relevant = [ln for ln in mine if any(_covers(ln[0], c) for c in codes)]
    if all(ln[1] == "publisher" for ln in relevant):
        return "publisher", mine
    if all(ln[1] in ("publisher", "pdftotext") for ln in relevant):
        return "pdftotext", mine  # the text extraction's fault (and maybe the publisher's), not ours
    return "ours", mine


def main() -> None:
    text = "--text" in sys.argv
    folder = CORPUS / ("text" if text else "pdf")
    if not folder.is_dir():
        sys.exit(f"{folder}: corpus not found")
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".pdf", ".html"))
    outcomes = pair_companions(run(paths, jobs=0, timeout=180))
    attribution = _attribution()
    rows, details = [], []
    verdicts: collections.Counter = collections.Counter()
    by_code: collections.Counter = collections.Counter()
    for o in outcomes:
        names = [Path(n).name for n in str(o.path).split(" + ")]
        name = " + ".join(names)
        if o.result is None:
            verdicts["unreadable"] += 1
            rows.append(f"| {name} | — | — | unreadable | {o.error} |")
            continue
        d = o.result.disclosure
        kinds = sorted({k for t in d.tables for k, ids in KINDS.items() if t.id in ids}, key=list(KINDS).index)
        tables = " ".join(SHORT[k] for k in kinds) or "—"
        errors = o.result.report.errors
        by_code.update(f.code for f in errors)
        verdict, mine = _verdict([Path(n).stem for n in names], {f.code for f in errors}, attribution, text)
        verdicts[verdict] += 1
        rows.append(f"| {name} | {d.year or ''} {d.scope or ''}{d.phase or ''} | {tables} | {len(errors)} | {verdict} |")
        if errors:
            details += ["", f"### {name}", "", f"Verdict: **{verdict}**.", ""]
            details += [f"- attribution: `{f}` — {v}: {e}" for f, v, e in mine]
            for f in errors[:25]:
                loc = f.location
                where = " ".join(
                    x
                    for x in (
                        loc.table or "",
                        f"p.{loc.page}" if loc.page else "",
                        f"序号{loc.row}" if loc.row else "",
                        loc.subject_code or "",
                    )
                    if x
                )
                nums = f" (expected {f.expected}, printed {f.actual})" if f.expected is not None and f.actual is not None else ""
                details.append(f"- `{f.code}` {where}: {f.message}{nums}")
            if len(errors) > 25:
                details.append(f"- … {len(errors) - 25} more")
    n = len(outcomes)
    good = verdicts["clean"] + verdicts["publisher"] + verdicts["pdftotext"]
    lines = [
        "# Corpus report",
        "",
        f"Generated by `python docs/gen_corpus_report.py{' --text' if text else ''}` over "
        f"`../shared/corpus/{folder.name}`: {len(paths)} files, read as {n} disclosures (a Beijing 报表 and "
        "its 情况说明 are one disclosure). Whose fault each error is was decided by looking at the page; "
        "the verdicts and their evidence are in `docs/attribution/*.tsv`.",
        "",
        f"- disclosures read: {n - verdicts['unreadable']} of {n}",
        f"- no error finding: **{verdicts['clean']}**",
        f"- every error the publisher's (checked by hand): **{verdicts['publisher']}**",
        *(
            [
                (
                    "- every error the text extraction's, not ours (pdftotext put the text wrong; checked "
                    f"against the PDF): **{verdicts['pdftotext']}**"
                )
            ]
            if text else []
        ),
        (
            f"- no error caused by our parsing (the {'three' if text else 'two'} above): "
            f"**{good} of {n} ({100 * good / max(n, 1):.0f}%)**"
        ),
        f"- some error ours (known parser fault): {verdicts['ours']}; not reviewed: {verdicts['not reviewed']}",
        "- error findings by code: " + ", ".join(f"`{c}` {k}" for c, k in by_code.most_common()),
        "",
        "| document | kind | tables | errors | verdict |",
        "|---|---|---|---|---|",
        *rows,
    ]
    out = OUT_TEXT if text else OUT
    out.write_text("\n".join(lines + ["", "## Error findings", *details, ""]), encoding="utf-8")
    print(f"wrote {out}: {good}/{n} disclosures without an error of ours ({verdicts['clean']} clean)")


if __name__ == "__main__":
    main()
