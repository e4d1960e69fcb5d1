#!/usr/bin/env bash
# Start/stop a private PostgreSQL server for tests; `start` prints `export YUSUAN_TEST_PG=…`.
set -euo pipefail
DIR="${YUSUAN_PG_DIR:-/tmp/yusuan-pg}"
PORT="${YUSUAN_PG_PORT:-54329}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] || { echo "echo 'PostgreSQL not installed' >&2"; exit 0; }
RUNAS=""
if [ "$(id -u)" -eq 0 ]; then RUNAS="runuser -u postgres --"; fi
case "${1:-start}" in
  start)
    if [ ! -d "$DIR/data" ]; then
      mkdir -p "$DIR"; [ -n "$RUNAS" ] && chown postgres "$DIR"
      $RUNAS "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust >/dev/null
    fi
    $RUNAS "$BIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" -l "$DIR/log" -w start >/dev/null 2>&1 || true
    echo "export YUSUAN_TEST_PG=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    $RUNAS "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
