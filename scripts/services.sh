#!/usr/bin/env bash
# Start the services the API/web tests need, idempotently, and print `export` lines to eval:
#   eval "$(bash scripts/services.sh)"       (CORRIDORS_PG_STARTED=1 when this call started it)
#   bash scripts/services.sh stop            stops that PostgreSQL again
# As root on Debian: installs chromium and postgresql when missing (apt-get). Starts a throwaway
# PostgreSQL cluster on 127.0.0.1 on a free port (data in ${CORRIDORS_PG_DIR:-/tmp/corridors-pg}),
# and prints CORRIDORS_TEST_POSTGRES_URL. Everything else goes to stderr.
set -euo pipefail
PGDIR="${CORRIDORS_PG_DIR:-/tmp/corridors-pg}"
log() { echo "services.sh: $*" >&2; }

if [ "${1:-}" = stop ]; then
  BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$BIN" ] && [ -f "$PGDIR/data/PG_VERSION" ] || exit 0
  RUN=()
  [ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
  if "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
    log "stopping the PostgreSQL in $PGDIR"
    "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2
  fi
  exit 0
fi

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]} with apt-get (running as root; needed by the browser and PostgreSQL tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${need[@]}" >&2
  else
    log "missing ${need[*]} and not root on Debian: tests needing them will skip (fail under CI=true)"
  fi
fi

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$BIN" ]; then
  exit 0
fi
# PostgreSQL refuses to run as root: use the postgres system user when we are root.
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  RUN=(runuser -u postgres --)
fi
mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"

if [ -f "$PGDIR/port" ] && "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
  PORT="$(cat "$PGDIR/port")"
  log "PostgreSQL already running on 127.0.0.1:$PORT"
else
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    "${RUN[@]}" "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 >&2
  fi
  STARTED=1
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  echo "$PORT" > "$PGDIR/port"
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off" start >&2
fi
"${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='corridors_test'" | grep -q 1 \
  || "${RUN[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres corridors_test >&2
echo "export CORRIDORS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/corridors_test"
echo "export CORRIDORS_PG_STARTED=${STARTED:-0}"
