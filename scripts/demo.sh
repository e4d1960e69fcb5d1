#!/usr/bin/env bash
# Set up and run the portal on an embedded SQLite database with the bundled examples.
#   ./scripts/demo.sh            then open http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e .
exec .venv/bin/yusuan serve --demo "$@"
