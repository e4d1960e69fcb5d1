#!/usr/bin/env bash
# Instructions per seed document for parse + check, counted by valgrind (callgrind): a
# figure that does not drift with the VM's speed (wall-clock rates here swing by ±30 %
# within minutes), for comparing two builds or two revisions.
#   bench/bench_instructions.sh [PYTHON] [N]     e.g. .venv/bin/python, .venv-compiled/bin/python
# Counts a run that parses + checks the seed N+1 times minus one that does it once, over N.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
N=${2:-10}
SEED=../shared/seed/000_358c1be7637ddf8e.txt
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
[ -f "$SEED" ] || { echo "needs $SEED" >&2; exit 2; }
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$PY" - "$SEED" "$1" 2>&1 <<'PY' |
import sys
from pathlib import Path
from yusuan.check import check
from yusuan.parse import parse_text
text = Path(sys.argv[1]).read_text()
for _ in range(int(sys.argv[2]) + 1):
    doc, issues = parse_text(text, source="seed")
    check(doc, extra=issues)
PY
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
a=$(count 0)
b=$(count "$N")
build=$("$PY" -c 'from yusuan.parse import tables; print("compiled (mypyc)" if tables.__file__.endswith((".so", ".pyd")) else "plain Python")')
echo "$build: $(( (b - a) / N / 1000 ))k instructions per seed document (parse + check, callgrind, N=$N)"
