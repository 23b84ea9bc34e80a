#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document with schemathesis: a demo server on a
# copy of a fresh demo database in a temporary folder, notifications off (nothing the fuzzer
# creates can reach another host), on a free local port. Fails on any answer that is a server
# error, has an undocumented status code, or does not match its documented schema.
#
#   DUIKOU_BIN           the binary to serve (default: target/debug/duikou, built here)
#   SCHEMATHESIS_VENV    a virtualenv to install schemathesis into (default: a temporary one)
#   FUZZ_MAX_EXAMPLES    examples per operation and phase (default: 25)
#   FUZZ_MAX_TIME        time budget in seconds for each run (default: 150)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-25}"
MAX_TIME="${FUZZ_MAX_TIME:-150}"
PASSWORD='Fuzz-demo-2024'

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

BIN="${DUIKOU_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --bin duikou
  BIN=target/debug/duikou
fi

venv="${SCHEMATHESIS_VENV:-$work/venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts the demo server on the database given, in the background, and waits for it.
start() {
  local db="$1" log="$2"
  port="$(free_port)"
  DUIKOU_NO_NOTIFY=1 "$BIN" demo --no-notify --database "sqlite:$db" \
    --listen "127.0.0.1:$port" --demo-password "$PASSWORD" >"$log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$server" 2>/dev/null; then
      cat "$log"
      echo "the demo server stopped" >&2
      exit 1
    fi
    sleep 1
  done
  cat "$log"
  echo "the demo server did not answer" >&2
  exit 1
}

stop() {
  kill -INT "$server"
  wait "$server" || true
  server=""
}

# A fresh demo database, then a copy of it (with its audit key) for the fuzzer to write into.
mkdir -p "$work/pristine" "$work/fuzz"
start "$work/pristine/demo.db" "$work/pristine.log"
stop
cp "$work"/pristine/demo.db* "$work/fuzz/"
db="$work/fuzz/demo.db"

token_of() {
  "$BIN" token create --user "$1" --name fuzz --database "sqlite:$db" | grep -E '^dk_' | tail -n 1
}
admin_token="$(token_of admin)"
editor_token="$(token_of sh-editor)"

start "$db" "$work/server.log"
base="http://127.0.0.1:$port"

# One worker: with two, the fuzzer's own generator shares a cache between threads and now and
# then fails with an internal error that says nothing about the API.
# The fuzzer must keep its own credentials: as the administrator it does not revoke tokens,
# reset passwords or disable accounts (the editor's run reaches those routes and is refused).
run() {
  local who="$1" token="$2" exclude="$3"
  echo "schemathesis as $who"
  "$venv/bin/schemathesis" --no-color run "$base/api/openapi.json" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
    --seed 20240601 --workers 1 --request-timeout 30 \
    --exclude-path-regex "$exclude" \
    --suppress-health-check all --warnings off
}

status=0
run admin "$admin_token" '^/api/v1/(me/tokens/\{id\}|users/\{login\}/(reset-password|disable))$' || status=1
run sh-editor "$editor_token" '^/api/v1/me/tokens/\{id\}$' || status=1
if [ "$status" -ne 0 ]; then
  echo "server log (tail):"
  tail -n 50 "$work/server.log"
fi
exit "$status"
