#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine, then run them.
#   ./scripts/test.sh            (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if command -v apt-get >/dev/null; then
  $SUDO apt-get update -qq
  # poppler-utils: pdftoppm/pdftotext (page images, bench baseline); postgresql: the
  # PostgreSQL path; chromium: browser tests; fonts-noto-cjk: the CJK font PDFs embed;
  # gcc, libc6-dev, python3-dev: the compiled (mypyc) build tested by scripts/compiled.sh
  $SUDO apt-get install -y -qq --no-install-recommends \
    poppler-utils postgresql chromium fonts-noto-cjk gcc libc6-dev python3-dev >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[dev]'
# a throw-away PostgreSQL server for the tests of the PostgreSQL path
eval "$(./scripts/pg.sh start)"
trap './scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
.venv/bin/python -m pytest "$@"
# the parse and check tests again, on a build with those modules compiled by mypyc
# (setup.py, YUSUAN_COMPILE=1); YUSUAN_SKIP_COMPILED=1 leaves this out
if [ "${YUSUAN_SKIP_COMPILED:-}" != 1 ]; then
  ./scripts/compiled.sh
fi
