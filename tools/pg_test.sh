#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the server tests and benchmark: loopback only,
# trust authentication, database `renkei_test`. Run as root (initdb runs as `postgres`).
#
#   eval "$(tools/pg_test.sh)"      # start (or reuse) it and export RENKEI_TEST_PG_URL
#   tools/pg_test.sh stop           # stop it
#
# Idempotent: a running cluster is reused. State lives in $RENKEI_PG_DIR
# (default /tmp/renkei-pg-test); port 54329 unless taken, else a free one.
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$BIN/initdb" ]; then
    BIN=$(dirname "$(readlink -f "$(command -v initdb)")")
fi
DIR=${RENKEI_PG_DIR:-/tmp/renkei-pg-test}
DATA=$DIR/data

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

running() {
    [ -f "$DATA/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

case "${1:-start}" in
    stop)
        if running; then
            as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        fi
        exit 0
        ;;
    start) ;;
    *)
        echo "usage: $0 [start|stop]" >&2
        exit 2
        ;;
esac

mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$DIR"
fi
chmod 700 "$DIR"

if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
fi

if ! running; then
    PORT=54329
    if ! python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $PORT))" \
            2>/dev/null; then
        PORT=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); \
print(s.getsockname()[1])")
    fi
    echo "$PORT" > "$DIR/port"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$DIR \
-c max_connections=400" start >/dev/null
fi
PORT=$(cat "$DIR/port")

if ! as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atqc \
        "SELECT 1 FROM pg_database WHERE datname = 'renkei_test'" postgres | grep -q 1; then
    as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres renkei_test
fi

echo "export RENKEI_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/renkei_test"
