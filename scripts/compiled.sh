#!/usr/bin/env bash
# Build yusuan with its parser and checker compiled by mypyc (YUSUAN_COMPILE=1, see setup.py)
# into .venv-compiled, and run the tests of what the compiled modules do against that build.
#   ./scripts/compiled.sh              (after ./scripts/test.sh has installed the system packages)
#   ./scripts/compiled.sh -k seed      (pytest arguments replace the default selection)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${YUSUAN_COMPILED_VENV:-.venv-compiled}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q '.[dev]'                                     # the dependencies (and a pure build)
YUSUAN_COMPILE=1 "$VENV/bin/pip" install -q --force-reinstall --no-deps .  # then yusuan itself, compiled
# the tests must import the compiled build, not src/
"$VENV/bin/python" - <<'PY'
import sys
import yusuan.check.rules.arithmetic, yusuan.parse.grid, yusuan.parse.tables
for m in (yusuan.parse.tables, yusuan.parse.grid, yusuan.check.rules.arithmetic):
    if not m.__file__.endswith(".so"):
        sys.exit(f"not compiled: {m.__file__}")
print("compiled:", yusuan.parse.tables.__file__)
PY
if [ $# -eq 0 ]; then
  # every test of parsing and checking (the portal, store and browser tests use the same
  # modules through ingest, and run on the pure-Python build in scripts/test.sh)
  set -- -q -p no:cacheprovider \
    --ignore=tests/test_browser.py --ignore=tests/test_web.py --ignore=tests/test_store.py \
    --ignore=tests/test_store_support.py --ignore=tests/test_render_pdf.py --ignore=tests/test_render.py \
    --ignore=tests/test_compile.py --ignore=tests/test_compile_workbook.py --ignore=tests/test_security.py \
    --ignore=tests/test_rules_doc.py --ignore=tests/test_architecture.py tests
fi
exec "$VENV/bin/python" -m pytest "$@"
