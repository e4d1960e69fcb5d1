"""The demo database: the examples the project ships, compiled by our own compile.

``yusuan serve --demo`` calls ``build_demo(dir)``: it finds ``examples/*/`` (inside the
installed package, next to the source checkout, or where ``YUSUAN_EXAMPLES`` points),
compiles each with ``yusuan.compile.compile_path``, checks it, publishes it into a fresh
SQLite file and creates three demo accounts (admin, reviewer, clerk of every demo unit).

So that the department views, the year-over-year comparison and 三公 over the years have
something to show, the demo also holds a few fictional units (named 示例市…, codes 9xxxxx)
over three years: the example's lines varied by ``yusuan.compile.synthetic.vary``, last
year's figures chained, compiled and checked like the example.  Their figures are made up
and their names say so.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..check import check
from ..model.serialize import to_dict
from ..store import Store, open_store
from ..store.ingest import ingest
from ..store.schema import ADMIN, CLERK, REVIEWER, Unit
from ..store.users import create_user

DEMO_ACCOUNTS = (
    ("admin", "demo-admin-2021", ADMIN),
    ("reviewer", "demo-reviewer-2021", REVIEWER),
    ("clerk", "demo-clerk-2021", CLERK),
)


def example_roots() -> list[Path]:
    """Where shipped examples may be, most specific first."""
    roots = []
    env = os.environ.get("YUSUAN_EXAMPLES")
    if env:
        roots.append(Path(env))
    pkg = Path(str(resources.files("yusuan")))
    roots += [pkg / "examples", pkg.parent.parent / "examples", Path.cwd() / "examples"]
    return roots


def find_examples() -> list[Path]:
    for root in example_roots():
        if root.is_dir():
            found = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
            if found:
                return found
    return []


@dataclass
class DemoReport:
    db_path: Path
    examples: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


INPUT_NAMES = ("budget.yaml", "budget.yml", "budget.json", "budget.xlsx")


def example_input(directory: Path) -> Path:
    """The budget input of an example directory (``budget.yaml`` …, or its only input file)."""
    for name in INPUT_NAMES:
        if (directory / name).is_file():
            return directory / name
    found = sorted(p for p in directory.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json", ".xlsx"))
    if len(found) != 1:
        raise FileNotFoundError(f"{directory}: 没有唯一的预算数据文件（{'、'.join(INPUT_NAMES)}）")
    return found[0]


def compile_example(path: Path):
    """Compile and check one example (a directory or its input file)."""
    from ..compile import compile_path

    doc, findings = compile_path(example_input(path) if path.is_dir() else path)
    if doc is None:
        raise ValueError("；".join(f.message for f in findings[:3]) or "无法编制")
    report = check(doc, extra=findings)
    return doc, list(report.findings)


#: the fictional departments of the demo and how many units each has
DEMO_DEPARTMENTS = (("示例市信访局", ("本级", "群众来访接待中心", "网上信访服务中心")), ("示例市司法局", ("本级", "公证处", "法律援助中心")))
DEMO_YEARS = (2019, 2020, 2021)


def synthetic_inputs(years: tuple[int, ...] = DEMO_YEARS) -> list[dict]:
    """Budget inputs of the demo's fictional units, every year, deterministic."""
    from ..compile.synthetic import example_data, summary, vary

    base = example_data()
    rng = random.Random(2021)
    out = []
    for d, (dept, parts) in enumerate(DEMO_DEPARTMENTS, start=1):
        for u, part in enumerate(parts, start=1):
            code, name = f"9{d:02d}{u:03d}", dept + part
            prior, level = None, rng.uniform(0.6, 2.5)
            for k, y in enumerate(years):  # a unit keeps its size, growing a little each year
                data = vary(base, rng, code, name, y, spread=0.08, prior=prior, level=level * 1.04**k)
                data["unit"]["department"] = dept
                data["unit"]["structure"] = f"{name}（虚构的演示单位，数字为生成的示例数据）。"
                data["title"] = f"{name}{y}年单位预算公开（演示数据）"
                prior = summary(data)
                out.append(data)
    return out


def build_demo(directory: Path, examples: list[Path] | None = None, synthetic: bool = True) -> tuple[Store, DemoReport]:
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "demo.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            p.unlink()
    store = open_store(db)
    rep = DemoReport(db)
    examples = find_examples() if examples is None else examples
    if not examples:
        rep.problems.append("未找到示例（examples/*/）：" + "、".join(str(r) for r in example_roots()))
    if synthetic:  # first, so that the shipped example is the latest disclosure on the home page
        from ..compile import compile_data

        for data in synthetic_inputs():
            doc, findings = compile_data(data)
            if doc is None:
                rep.problems.append(f"{data['unit']['name']} {data['year']}: 编制失败（{findings[0].message if findings else ''}）")
                continue
            findings = list(check(doc, extra=findings).findings)
            blob = json.dumps(to_dict(doc), ensure_ascii=False, sort_keys=True).encode("utf-8")
            with store.session() as s:
                imp = ingest(s, doc, findings, blob, f"demo/{data['unit']['code']}-{data['year']}", "compile")
            rep.units.append(f"{imp.unit_code}/{imp.year}")
    for ex in examples:
        try:
            doc, findings = compile_example(ex)
        except Exception as exc:  # noqa: BLE001 - one broken example must not stop the demo
            rep.problems.append(f"{ex.name}: 编制失败（{type(exc).__name__}: {exc}）")
            continue
        data = json.dumps(to_dict(doc), ensure_ascii=False, sort_keys=True).encode("utf-8")
        with store.session() as s:
            imp = ingest(s, doc, findings, data, f"examples/{ex.name}", "compile")
        rep.examples.append(ex.name)
        rep.units.append(f"{imp.unit_code}/{imp.year}")
    with store.session() as s:
        codes = [u.code for u in s.query(Unit).order_by(Unit.code)]
        for name, password, role in DEMO_ACCOUNTS:
            create_user(s, name, password, role, codes if role == CLERK else ())
    return store, rep
