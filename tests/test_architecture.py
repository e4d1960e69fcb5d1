"""The one-way import rule: model ← catalog ← parse | check | compile | render ← store ← web ← cli."""

from __future__ import annotations

import ast
from pathlib import Path

import yusuan

PKG = Path(yusuan.__file__).parent

ALLOWED = {
    "model": set(),
    "catalog": {"model"},
    "parse": {"model", "catalog"},
    "check": {"model", "catalog"},
    "compile": {"model", "catalog", "check", "parse"},
    "render": {"model", "catalog"},
    "store": {"model", "catalog", "render", "check"},
    "web": {"model", "catalog", "store", "render", "check", "api", "compile", "runner"},
}
# a package's commands.py is the command-line adapter of that stage (the cli layer)
CLI_ADAPTERS = {"commands.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG).parts
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[:-1])[: len(rel) - node.level]
                target = base + (node.module.split(".") if node.module else [])
                if not target and node.names:
                    target = [node.names[0].name]
                if target:
                    out.add(target[0])
            elif node.module and node.module.startswith("yusuan."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("yusuan."):
                    out.add(a.name.split(".")[1])
    return out


def test_imports_point_one_way():
    problems = []
    for stage, allowed in ALLOWED.items():
        for path in (PKG / stage).rglob("*.py"):
            if path.name in CLI_ADAPTERS:
                continue
            for target in _imports(path) - {stage}:
                if target in ALLOWED or target in ("api", "cli", "runner"):
                    if target not in allowed:
                        problems.append(f"{path.relative_to(PKG)} imports {target}")
    assert not problems, "\n".join(problems)


def test_model_is_free_of_io():
    for path in (PKG / "model").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for bad in ("open(", "read_text(", "write_text(", "import requests", "sqlite3"):
            assert bad not in text, f"{path.name}: {bad}"
