"""The text parser never lets an exception escape on mutated or truncated input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yusuan.check import check
from yusuan.parse import NotADisclosure, parse_text

from conftest import CORPUS, SEED


def _samples() -> list[str]:
    texts = []
    if SEED.exists():
        texts.append(SEED.read_text(encoding="utf-8"))
    corpus = CORPUS / "text"
    if corpus.is_dir():
        # one document of each family: Shanghai, Xi'an, Beijing 报表, central, 决算
        for name in sorted(corpus.iterdir())[::17][:8]:
            texts.append(name.read_text(encoding="utf-8"))
    return texts


SAMPLES = _samples()


def _run(text: str) -> None:
    try:
        doc, issues = parse_text(text)
    except NotADisclosure:
        return
    check(doc, extra=issues)


@pytest.mark.skipif(not SAMPLES, reason="seed/corpus not found (../shared absent)")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_text_never_raises(data):
    text = data.draw(st.sampled_from(SAMPLES))
    n = len(text)
    op = data.draw(st.sampled_from(["truncate", "splice", "insert", "delete_lines", "swap_digits"]))
    if op == "truncate":
        text = text[: data.draw(st.integers(0, n))]
    elif op == "splice":
        a = data.draw(st.integers(0, n))
        b = data.draw(st.integers(a, min(n, a + 5000)))
        text = text[:a] + text[b:] + text[a:b]
    elif op == "insert":
        at = data.draw(st.integers(0, n))
        junk = data.draw(st.text(alphabet=st.sampled_from(list("0123456789.,- \t\n\f合计小计（）一二、表万元单位：") + ["\x00", "—"]), max_size=200))
        text = text[:at] + junk + text[at:]
    elif op == "delete_lines":
        lines = text.split("\n")
        a = data.draw(st.integers(0, len(lines)))
        b = data.draw(st.integers(a, min(len(lines), a + 60)))
        text = "\n".join(lines[:a] + lines[b:])
    else:
        chars = list(text)
        for _ in range(data.draw(st.integers(1, 40))):
            i = data.draw(st.integers(0, max(0, n - 1)))
            if chars and chars[i].isdigit():
                chars[i] = data.draw(st.sampled_from(list("0123456789 ,.")))
        text = "".join(chars)
    _run(text)


@given(st.text(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_never_raises(text):
    _run(text)


def test_pathological_lines_are_bounded(tmp_path: Path):
    # a single enormous line and a huge table of numbers parse without blowing up
    huge = "收支总表\n" + ("1,234.56 " * 20000) + "\n" + "\n".join(f"2010{i:03d} 项目{i} {i}.00 {i}.00" for i in range(3000))
    _run(huge)
