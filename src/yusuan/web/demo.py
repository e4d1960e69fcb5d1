"""The demo database: the examples the project ships, compiled by our own compile.

``yusuan serve --demo`` calls ``build_demo(dir)``: it finds ``examples/*/`` (inside the
installed package, next to the source checkout, or where ``YUSUAN_EXAMPLES`` points),
compiles each with ``yusuan.compile.compile_path``, checks it, publishes it into a fresh
SQLite file and creates three demo accounts (admin, reviewer, clerk of every demo unit).
"""

from __future__ import annotations

import json
import os
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


def build_demo(directory: Path, examples: list[Path] | None = None) -> tuple[Store, DemoReport]:
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
