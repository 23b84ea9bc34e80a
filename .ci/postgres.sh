#!/usr/bin/env bash
# Provides a PostgreSQL server for the store's tests and prints the URL to give them:
#
#   export DUIKOU_TEST_POSTGRES="$(bash .ci/postgres.sh)"
#   cargo test -p duikou-store
#
# On a bare Debian machine, as root: installs PostgreSQL from Debian's packages if missing,
# starts a throwaway cluster of its own in a fresh data directory (not the packaged `main`
# cluster), listening on 127.0.0.1 only, with a role and a database `duikou` (password
# `duikou`, password authentication over TCP). Running it again reuses the running cluster
# and prints the same URL. Only the URL goes to standard output; progress goes to stderr.
#
# Environment:
#   DUIKOU_PG_DIR   where the cluster lives (default /tmp/duikou-pg)
#   DUIKOU_PG_PORT  the port to listen on (default 5432, or the first free one above it)
set -euo pipefail
cd /  # nothing here depends on the working directory, and `postgres` may not read ours

PG_DIR="${DUIKOU_PG_DIR:-/tmp/duikou-pg}"
DATA="$PG_DIR/data"
SOCK="$PG_DIR/run"
LOG="$PG_DIR/server.log"
DB_USER=duikou
DB_PASS=duikou
DB_NAME=duikou

say() { echo "postgres.sh: $*" >&2; }

pg_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    fi
}

install_postgres() {
    if [ -n "$(pg_bindir)" ]; then
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        say "PostgreSQL is not installed and only root can install it"
        exit 1
    fi
    say "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
    if [ -z "$(pg_bindir)" ]; then
        say "PostgreSQL installed but no initdb found under /usr/lib/postgresql"
        exit 1
    fi
}

# Runs a command as the owner of the cluster: `postgres` when we are root (initdb and the
# server refuse to run as root), ourselves otherwise.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

choose_port() {
    if [ -n "${DUIKOU_PG_PORT:-}" ]; then
        echo "$DUIKOU_PG_PORT"
        return
    fi
    local port
    for port in $(seq 5432 5499); do
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    say "no free port between 5432 and 5499"
    exit 1
}

init_cluster() {
    say "creating a cluster in $DATA"
    rm -rf "$PG_DIR"
    mkdir -p "$DATA" "$SOCK"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$PG_DIR"
    fi
    chmod 700 "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >&2
}

start_cluster() {
    local port="$1"
    say "starting the cluster on 127.0.0.1:$port"
    echo "$port" >"$PG_DIR/port"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$SOCK \
            -c max_connections=300 -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off" \
        start >&2 || {
        say "the server did not start; its log:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    }
}

psql_admin() {
    as_owner "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

ensure_role_and_database() {
    psql_admin >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS';
    ELSE
        ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASS';
    END IF;
END
\$\$;
SQL
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
        psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
    fi
}

install_postgres
BIN="$(pg_bindir)"

if [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    PORT="$(cat "$PG_DIR/port")"
    say "reusing the running cluster in $DATA on port $PORT"
else
    if [ -f "$DATA/PG_VERSION" ] && [ -d "$SOCK" ]; then
        say "restarting the stopped cluster in $DATA"
    else
        init_cluster
    fi
    PORT="$(choose_port)"
    start_cluster "$PORT"
fi

ensure_role_and_database
echo "postgres://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
