"""Build hook: pure Python by default; ``YUSUAN_COMPILE=1`` compiles the parser and checker.

    YUSUAN_COMPILE=1 pip install .         # a compiled build (needs a C compiler and Python headers)

The modules below do the per-document work of ``yusuan parse`` / ``check`` (reading text and
PDF layouts, rebuilding tables, the rule catalogue).  mypyc compiles them, from their type
annotations, into C extensions that run the same code about 1.5–2× faster (figures in the
README); every other module stays Python.  The annotations of these modules must be true at
run time (mypyc checks them), and ``mypy`` must pass on them: ``scripts/compiled.sh`` builds
a compiled copy and runs the parse and check tests on it, as CI does.

An editable install (``pip install -e .``) is never compiled: an extension beside its ``.py``
would shadow the source being edited.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

#: the compiled modules, relative to src/ (``mypy`` must report no error in them)
COMPILED = [
    "yusuan/model/core.py",
    "yusuan/model/money.py",
    "yusuan/model/codes.py",
    "yusuan/catalog/__init__.py",
    "yusuan/parse/layout.py",
    "yusuan/parse/extract/text.py",
    "yusuan/parse/extract/pdf_lines.py",
    "yusuan/parse/extract/pdf_page.py",
    "yusuan/parse/grid.py",
    "yusuan/parse/tables.py",
    "yusuan/parse/build.py",
    "yusuan/parse/narrative.py",
    "yusuan/parse/performance.py",
    "yusuan/check/__init__.py",
    "yusuan/check/context.py",
    "yusuan/check/tolerance.py",
    "yusuan/check/rules/arithmetic.py",
    "yusuan/check/rules/balance.py",
    "yusuan/check/rules/completeness.py",
    "yusuan/check/rules/cross_table.py",
    "yusuan/check/rules/hierarchy.py",
    "yusuan/check/rules/narrative.py",
    "yusuan/check/rules/performance.py",
    "yusuan/check/rules/subjects.py",
]


def _ext_modules() -> list:
    if os.environ.get("YUSUAN_COMPILE", "").lower() not in ("1", "true", "yes"):
        return []
    if "editable_wheel" in sys.argv:
        print("YUSUAN_COMPILE: an editable install stays pure Python", file=sys.stderr)
        return []
    from mypyc.build import mypycify

    here = os.path.dirname(os.path.abspath(__file__))
    os.chdir(here)  # mypy reads its settings from pyproject.toml here
    return mypycify([os.path.join("src", p) for p in COMPILED], opt_level="3", debug_level="0")


setup(ext_modules=_ext_modules())
