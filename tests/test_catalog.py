"""The subject-code catalogue (``catalog/subjects/*.tsv``) and the generated glossary.

The catalogue is reference data a checker trusts: a wrong or missing entry produces false
findings.  These tests hold its shape (well-formed codes, parents present, no duplicates),
spot-check codes every disclosure uses, and compare it with the codes real documents print.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from yusuan.catalog import get
from yusuan.check.rules.subjects import norm
from yusuan.model.codes import CodeKind, code_kind, parent

ROOT = Path(__file__).resolve().parents[1]
FILES = {"functional.tsv": CodeKind.FUNCTIONAL, "economic.tsv": CodeKind.ECONOMIC, "gov_economic.tsv": CodeKind.GOV_ECONOMIC}


def entries(fname: str) -> list[list[str]]:
    text = (resources.files("yusuan.catalog") / "subjects" / fname).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("fname", sorted(FILES))
def test_codes_are_well_formed_and_of_their_file(fname: str) -> None:
    for parts in entries(fname):
        code = parts[0]
        assert code == code.strip() and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", code), parts
        assert code_kind(code) is FILES[fname], parts
        assert 2 <= len(parts) <= 4, parts
        if FILES[fname] is not CodeKind.FUNCTIONAL:
            assert len(code) in (3, 5), f"{code}: 7-digit economic codes are regional, not national"
        if len(code) > 3:
            assert code[3:5] != "00" and code[5:] != "00", f"{code}: 00 is not a 款/项 number"


@pytest.mark.parametrize("fname", sorted(FILES))
def test_no_duplicates(fname: str) -> None:
    dup = [c for c, n in Counter(p[0] for p in entries(fname)).items() if n > 1]
    assert not dup


@pytest.mark.parametrize("fname", sorted(FILES))
def test_every_section_and_item_has_its_parent(fname: str) -> None:
    codes = {p[0] for p in entries(fname)}
    orphans = [c for c in codes if parent(c) and parent(c) not in codes]
    assert not orphans


@pytest.mark.parametrize("fname", sorted(FILES))
def test_names_are_clean(fname: str) -> None:
    for parts in entries(fname):
        name = parts[1]
        assert name and name == name.strip() and not re.search(r"\s", name), parts
        assert re.search(r"[\u4e00-\u9fff]", name), parts
        aliases = [a for a in (parts[2].split("|") if len(parts) > 2 else []) if a]
        assert all(a == a.strip() and a != name for a in aliases), parts
        assert "(" not in name and ")" not in name, f"{parts}: full-width brackets in primary names"


def test_no_two_codes_of_a_section_share_a_name() -> None:
    """Siblings with one name would make 'name of another code' ambiguous (a retired code,
    noted in the 4th column, may share its successor's name: 2089901 → 2089999)."""
    cat = get()
    noted = {p[0] for f in FILES for p in entries(f) if len(p) == 4}
    seen: dict[tuple[CodeKind, str | None, str], str] = {}
    for code, s in cat.subjects.items():
        if code in noted:
            continue
        key = (s.kind, parent(code), norm(s.name))
        assert key not in seen, f"{code} and {seen[key]} are both “{s.name}”"
        seen[key] = code


def test_sizes() -> None:
    kinds = Counter(s.kind for s in get().subjects.values())
    assert kinds[CodeKind.FUNCTIONAL] > 1300
    assert kinds[CodeKind.ECONOMIC] > 100
    assert kinds[CodeKind.GOV_ECONOMIC] > 70
    classes = [c for c, s in get().subjects.items() if s.kind is CodeKind.FUNCTIONAL and len(c) == 3]
    assert len(classes) == 30  # 201 … 234 (no 218, 225, 226, 228)


@pytest.mark.parametrize(
    "code,name",
    [
        ("201", "一般公共服务支出"),
        ("20103", "政府办公厅（室）及相关机构事务"),
        ("2010308", "信访事务"),
        ("2014004", "信访业务"),
        ("2080505", "机关事业单位基本养老保险缴费支出"),
        ("2080506", "机关事业单位职业年金缴费支出"),
        ("2101101", "行政单位医疗"),
        ("2101102", "事业单位医疗"),
        ("2101103", "公务员医疗补助"),
        ("2210201", "住房公积金"),
        ("2210203", "购房补贴"),
        ("2050803", "培训支出"),
        ("30101", "基本工资"),
        ("30108", "机关事业单位基本养老保险缴费"),
        ("30109", "职业年金缴费"),
        ("30212", "因公出国（境）费用"),
        ("30217", "公务接待费"),
        ("30231", "公务用车运行维护费"),
        ("31013", "公务用车购置"),
        ("30239", "其他交通费用"),
        ("50101", "工资奖金津补贴"),
        ("50208", "公务用车运行维护费"),
        ("50303", "公务用车购置"),
        ("50502", "商品和服务支出"),
    ],
)
def test_known_codes(code: str, name: str) -> None:
    s = get().subject(code)
    assert s is not None and s.name == name


@pytest.mark.parametrize(
    "code,old",
    [
        ("210", "医疗卫生与计划生育支出"),
        ("207", "文化体育与传媒支出"),
        ("215", "资源勘探信息等支出"),
        ("220", "国土海洋气象等支出"),
        ("20805", "行政事业单位离退休"),
        ("2013804", "市场主体管理"),
        ("30212", "因公出国(境)费用"),
        ("30213", "维修(护)费"),
    ],
)
def test_former_names_and_bracket_forms_are_accepted(code: str, old: str) -> None:
    assert get().subject(code).accepts(old)


def test_regional_economic_codes_are_not_national() -> None:
    cat = get()
    assert cat.subject("3021101") is None  # 北京's 差旅费 extension
    assert cat.subject("30211") is not None


# -- against real documents ------------------------------------------------------------

#: functional codes seen in 2026 北京 documents that no edition we know lists (new or local)
UNCONFIRMED = {"2120598", "2139899", "2160298", "2160698"}
_DASH_PAIR = re.compile(r"(?<![\d.])([235]\d{2}(?:\d{2}){1,2})-([\u4e00-\u9fff（）()、“”]+)")


def test_catalogue_agrees_with_codes_printed_in_the_corpus(corpus_dir: Path) -> None:
    """北京 prints ``2013601-行政运行  50101-工资奖金津补贴  30101-基本工资``: a clean source of
    (code, name) pairs.  Every national code printed this way is in the catalogue, under one
    of its names (a name cut by the column width counts when it is a prefix)."""
    cat = get()
    pairs: Counter[tuple[str, str]] = Counter()
    for path in sorted((corpus_dir / "text").glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            found = [m.groups() for m in _DASH_PAIR.finditer(line)]
            # only lines led by a 7-digit functional code: 5-digit numbers elsewhere are project ids
            if found and len(found[0][0]) == 7 and found[0][0][0] == "2":
                pairs.update(found)
    assert len({c for c, _ in pairs}) > 250
    missing, wrong = set(), set()
    for (code, name), _n in pairs.items():
        if len(code) == 7 and code_kind(code) is not CodeKind.FUNCTIONAL:
            assert cat.subject(code[:5]) is not None, code  # regional extension of a national code
            continue
        s = cat.subject(code)
        if s is None:
            missing.add(code)
            continue
        names = {norm(n) for n in (s.name, *s.aliases)}
        if not any(n.startswith(norm(name)) for n in names):
            wrong.add((code, name))
    assert missing <= UNCONFIRMED, sorted(missing - UNCONFIRMED)
    assert not wrong, sorted(wrong)


# -- the glossary ------------------------------------------------------------------------


def test_glossary_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_glossary", ROOT / "docs" / "gen_glossary.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.generate()
    for table in get().tables:
        assert f"`{table.id}`" in text
    current = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert current == text, "docs/glossary.md is out of date: run python docs/gen_glossary.py"
