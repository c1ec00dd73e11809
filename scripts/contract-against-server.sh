#!/usr/bin/env bash
# Runs the contract runner (open-event-contract) against the real server
# binary as its own process, the way a deployment runs, the runner seeding
# through --database-url from its own process (a concurrent writer):
#
# - on PostgreSQL: a fresh database on the cluster named by TEST_DATABASE_URL
#   (see scripts/with-postgres.sh);
# - on a SQLite file (CONTRACT_DB=sqlite, or no TEST_DATABASE_URL): a fresh
#   file under the report directory, as `cargo run` uses by default.
#
# The runner binds the OAuth provider stand-ins on three free ports and the
# server is started pointing at them.
#
# The server inherits the caller's environment under the explicit settings
# below, so OPEN_EVENT_SQLITE_WRITER=immediate|single (or any other setting
# not set here) reaches it. A server log line with `database is locked` or
# `readonly database` fails the run.
#
# SERVER_BIN picks the server binary (default: the debug build; CI passes
# the release build). RUNNER_BIN picks the runner binary (default: the
# release build when it exists, else the debug build; timings are only
# meaningful with the release runner). Reports go to target/contract-reports/<db>/ (JUnit XML,
# JSON, Markdown, server log).
#
#   scripts/with-postgres.sh scripts/contract-against-server.sh [runner flags…]
#   CONTRACT_DB=sqlite SERVER_BIN=target/release/open-event-server scripts/contract-against-server.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

kind=${CONTRACT_DB:-}
if [[ -z $kind ]]; then
    if [[ -n ${TEST_DATABASE_URL:-} ]]; then kind=postgres; else kind=sqlite; fi
fi
out=target/contract-reports/$kind
mkdir -p "$out"
server_bin=${SERVER_BIN:-target/debug/open-event-server}
if [[ -n ${RUNNER_BIN:-} ]]; then
    runner_bin=$RUNNER_BIN
elif [[ -x target/release/open-event-contract ]]; then
    runner_bin=target/release/open-event-contract
else
    runner_bin=target/debug/open-event-contract
fi
if [[ ! -x $server_bin ]]; then
    cargo build -q -p open-event-server --bin open-event-server
fi
if [[ ! -x $runner_bin ]]; then
    cargo build -q -p open-event-contract-tests --bin open-event-contract
fi

case $kind in
postgres)
    : "${TEST_DATABASE_URL:?run me under scripts/with-postgres.sh (TEST_DATABASE_URL is not set)}"
    db="oe_contract_$$"
    psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
    database_url="${TEST_DATABASE_URL%/*}/$db"
    ;;
sqlite)
    db="$out/contract.db"
    rm -f "$db" "$db-wal" "$db-shm"
    database_url="sqlite://$db?mode=rwc"
    ;;
*)
    echo "contract: CONTRACT_DB must be postgres or sqlite, not '$kind'" >&2
    exit 2
    ;;
esac
secret="contract-$RANDOM-$RANDOM"

# The OAuth provider stand-ins run inside the runner (open_event_mocks), on
# three free ports picked here; the server is started pointing at them with
# the stand-ins' fixed client ids and secrets (open_event_mocks::GOOGLE_CLIENT_ID,
# GOOGLE_CLIENT_SECRET, FACEBOOK_APP_ID, FACEBOOK_APP_SECRET).
read -r google_port facebook_port graph_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
')
google_addr=127.0.0.1:$google_port
facebook_addr=127.0.0.1:$facebook_port
graph_addr=127.0.0.1:$graph_port

OPEN_EVENT_BIND=127.0.0.1:0 \
OPEN_EVENT_DATABASE_URL="$database_url" \
OPEN_EVENT_JWT_SECRET="$secret" \
OPEN_EVENT_LOG_FORMAT=json \
OPEN_EVENT_GOOGLE_CLIENT_ID=1234567890-openevent.apps.googleusercontent.com \
OPEN_EVENT_GOOGLE_CLIENT_SECRET=GOCSPX-open-event-mock-secret \
OPEN_EVENT_GOOGLE_BASE_URL="http://$google_addr" \
OPEN_EVENT_FACEBOOK_APP_ID=1234567890123456 \
OPEN_EVENT_FACEBOOK_APP_SECRET=0123456789abcdef0123456789abcdef \
OPEN_EVENT_FACEBOOK_BASE_URL="http://$facebook_addr" \
OPEN_EVENT_GRAPH_BASE_URL="http://$graph_addr" \
    "$server_bin" >"$out/server.log" 2>&1 &
server_pid=$!
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

port=""
for _ in $(seq 1 200); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$out/server.log" | head -n1 | sed 's/.*://') || true
    [[ -n $port ]] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "contract: the server exited during start-up:" >&2
        cat "$out/server.log" >&2
        exit 2
    fi
    sleep 0.05
done
if [[ -z $port ]]; then
    echo "contract: the server did not report its address in 10 s" >&2
    exit 2
fi
base="http://127.0.0.1:$port"
echo "contract: $server_bin on $base, $kind database $db (sqlite writer: ${OPEN_EVENT_SQLITE_WRITER:-default}), runner $runner_bin" >&2

# CPU seconds (user + system) the server process has used so far.
server_cpu() {
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server_pid/stat" 2>/dev/null || echo 0
}
cpu_before=$(server_cpu)
status=0
"$runner_bin" \
    --spec spec/openapi.json \
    --base-url "$base" \
    --database-url "$database_url" \
    --jwt-secret "$secret" \
    --google-mock-addr "$google_addr" \
    --facebook-mock-addr "$facebook_addr" \
    --graph-mock-addr "$graph_addr" \
    --report "junit=$out/junit.xml" \
    --report "json=$out/report.json" \
    --report "markdown=$out/report.md" \
    "$@" || status=$?
cpu_after=$(server_cpu)
echo "contract: server CPU during the run: $(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN {printf "%.2f", b - a}') s" >&2
if grep -E -m3 'database is locked|readonly database' "$out/server.log" >&2; then
    echo "contract: the server failed writes (above)" >&2
    status=1
fi
rss=$(awk '/^VmRSS:/ {printf "%.1f MB", $2 / 1024}' "/proc/$server_pid/status" 2>/dev/null || true)
echo "contract: server RSS after the run: ${rss:-unknown}" >&2
echo "contract: reports in $out/ (junit.xml, report.json, report.md, server.log)" >&2
exit "$status"
