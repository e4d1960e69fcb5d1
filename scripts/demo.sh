#!/usr/bin/env bash
# Set up and run the portal on an embedded SQLite database with the bundled examples.
#   ./scripts/demo.sh            then open http://127.0.0.1:8000/
# Extra arguments go to `yusuan serve` (e.g. --port 8080 --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if command -v apt-get >/dev/null && ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  # the CJK font the PDF downloads embed (SIL OFL)
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q .
exec .venv/bin/yusuan serve --demo "$@"
