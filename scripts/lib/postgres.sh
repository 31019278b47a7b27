#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: initdb into a temporary folder as the postgres user,
# on a free loopback port, stopped and removed by stop_postgres.
# Usage: source scripts/lib/postgres.sh; start_postgres; ...; stop_postgres
#        start_postgres durable   # PostgreSQL's own durable settings (fsync, synchronous_commit and
#                                 # full_page_writes on), as scripts/bench.sh compares it with SQLite at synchronous=FULL
# Sets PG_PORT, PG_DIR, PG_SETTINGS (the server options it was started with) and PARTNERWEB_TEST_POSTGRES
# (a connection string without a database name).

ensure_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $PG_BIN || ! -x $PG_BIN/initdb ]]; then
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    echo "installing: postgresql" >&2
    $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null || return 1
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

# Runs a command as the postgres user (the cluster must not belong to root).
as_postgres() {
  if [[ $(id -un) == postgres ]]; then "$@"; elif [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

start_postgres() {
  local mode=${1:-throwaway}
  ensure_postgres || return 1
  PG_DIR=$(mktemp -d /tmp/partnerweb-pg.XXXXXX)
  chown postgres "$PG_DIR" 2>/dev/null || true
  PG_PORT=$(free_port)
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2; return 1; }
  if [[ $mode == durable ]]; then
    # Every commit on disk before it returns, as in production (PostgreSQL's defaults, stated explicitly).
    PG_SETTINGS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  else
    # Throw-away data: durability settings off for speed (the app's own crash tests kill the app, not the database).
    PG_SETTINGS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 $PG_SETTINGS" \
    >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
  export PARTNERWEB_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres"
}

stop_postgres() {
  if [[ -n ${PG_DIR:-} && -d $PG_DIR/data ]]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  [[ -n ${PG_DIR:-} ]] && rm -rf "$PG_DIR"
  PG_DIR=""
}
