#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster.
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# Creates a fresh cluster (initdb --auth=trust -U postgres) in a temp dir,
# starts it on a free 127.0.0.1 port with test-speed settings (fsync off,
# ...), exports
#
#   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/postgres
#
# (DATABASE_URL is deliberately left alone), runs CMD, then always stops the
# cluster (pg_ctl stop -m immediate) and deletes the temp dir. Exits with
# CMD's exit status.
#
# PostgreSQL refuses to run as root, so when invoked as root the server
# binaries run as the `postgres` system user (runuser, falling back to su).
#
# If no PostgreSQL binaries are found: with CI=true it is an error (exit 1),
# otherwise the script prints a notice and exits 0 without running CMD.
#
# Optional environment:
#   PG_BINDIR               directory holding initdb/pg_ctl/postgres
#   WITH_POSTGRES_USER      system user to run the server as when root
#                           (default: postgres)
#   WITH_POSTGRES_LOG       copy the server log to this path on exit
#   WITH_POSTGRES_TIMEOUT   seconds to wait for start-up (default: 60)
#   WITH_POSTGRES_PORT      port to try first (default: a free one)
set -euo pipefail

me="with-postgres"

log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Microseconds since the epoch (bash >= 5 has EPOCHREALTIME).
now_us() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then
        local t=${EPOCHREALTIME/[.,]/}
        printf '%s\n' "$((10#$t))"
    else
        printf '%s\n' "$(($(date +%s) * 1000000))"
    fi
}
# Seconds (3 decimals) since a now_us timestamp.
since() {
    local d=$(($(now_us) - $1))
    printf '%d.%03ds' "$((d / 1000000))" "$(((d % 1000000) / 1000))"
}

is_ci() {
    case "${CI:-}" in
        true | TRUE | True | 1 | yes) return 0 ;;
        *) return 1 ;;
    esac
}

if [[ $# -eq 0 ]]; then
    printf 'usage: %s CMD [ARGS...]\n' "$0" >&2
    exit 2
fi

t_begin=$(now_us)

# --- locate the PostgreSQL server binaries ---------------------------------
has_bins() {
    [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]
}

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        has_bins "$PG_BINDIR" && { printf '%s\n' "$PG_BINDIR"; return 0; }
        log "PG_BINDIR=$PG_BINDIR does not contain initdb/pg_ctl/postgres"
        return 1
    fi
    local initdb_path dir
    if initdb_path=$(command -v initdb 2>/dev/null); then
        dir=$(dirname "$(readlink -f "$initdb_path")")
        if has_bins "$dir"; then printf '%s\n' "$dir"; return 0; fi
        dir=$(dirname "$initdb_path")
        if has_bins "$dir"; then printf '%s\n' "$dir"; return 0; fi
    fi
    # Debian/Ubuntu layout; prefer the newest major version.
    local candidates=()
    for dir in /usr/lib/postgresql/*/bin; do
        has_bins "$dir" && candidates+=("$dir")
    done
    if [[ ${#candidates[@]} -gt 0 ]]; then
        printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1
        return 0
    fi
    return 1
}

if ! bindir=$(find_bindir); then
    if is_ci; then
        die "PostgreSQL binaries (initdb, pg_ctl, postgres) not found on PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL 15 (e.g. apt-get install postgresql-15) or set PG_BINDIR"
    fi
    log "PostgreSQL binaries not found, skipped"
    exit 0
fi

pg_isready_bin=""
if [[ -x "$bindir/pg_isready" ]]; then
    pg_isready_bin="$bindir/pg_isready"
elif command -v pg_isready >/dev/null 2>&1; then
    pg_isready_bin=$(command -v pg_isready)
fi

pg_version=$("$bindir/postgres" --version 2>/dev/null || echo "postgres (unknown version)")

# --- how to run server binaries --------------------------------------------
run_as=""
if [[ $(id -u) -eq 0 ]]; then
    run_as="${WITH_POSTGRES_USER:-postgres}"
    id -u "$run_as" >/dev/null 2>&1 ||
        die "running as root but system user '$run_as' does not exist (PostgreSQL refuses to run as root); create it or set WITH_POSTGRES_USER"
fi

# Run a server binary, dropping privileges when we are root. The working
# directory is the temp dir so the postgres user can always access it.
as_pg() {
    if [[ -z "$run_as" ]]; then
        (cd "$tmpdir" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$tmpdir" && runuser -u "$run_as" -- "$@")
    else
        local q
        q=$(printf '%q ' "$@")
        (cd "$tmpdir" && su "$run_as" -s /bin/bash -c "$q")
    fi
}

# --- temp dir + cleanup ------------------------------------------------------
tmpdir=""
datadir=""
started=0

# Invoked via trap; shellcheck 0.9 cannot see that.
# shellcheck disable=SC2317
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$datadir" && $started -eq 1 ]]; then
        local t0 pid
        t0=$(now_us)
        as_pg "$bindir/pg_ctl" stop -D "$datadir" -m immediate -s -t 30 >/dev/null 2>&1 || true
        # Belt and braces: make sure the postmaster is really gone.
        if [[ -r "$datadir/postmaster.pid" ]]; then
            pid=$(head -n 1 "$datadir/postmaster.pid" 2>/dev/null || true)
            if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
        log "stopped cluster in $(since "$t0")"
    fi
    if [[ -n "${WITH_POSTGRES_LOG:-}" && -n "$tmpdir" && -f "$tmpdir/postgres.log" ]]; then
        mkdir -p "$(dirname "$WITH_POSTGRES_LOG")" 2>/dev/null || true
        cp "$tmpdir/postgres.log" "$WITH_POSTGRES_LOG" 2>/dev/null || true
    fi
    if [[ -n "$tmpdir" && -d "$tmpdir" ]]; then
        rm -rf -- "$tmpdir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The postgres user must be able to reach the temp dir; a private $TMPDIR
# (e.g. under /root) would not work, so fall back to /tmp in that case.
tmpbase="${TMPDIR:-/tmp}"
if [[ -n "$run_as" ]] && ! runuser -u "$run_as" -- test -x "$tmpbase" 2>/dev/null; then
    tmpbase=/tmp
fi
tmpdir=$(mktemp -d "$tmpbase/with-postgres.XXXXXX")
datadir="$tmpdir/data"
sockdir="$tmpdir/socket"
mkdir -p "$sockdir"
chmod 700 "$tmpdir"
if [[ -n "$run_as" ]]; then
    chown -R "$run_as:" "$tmpdir"
fi

show_log() {
    if [[ -f "$tmpdir/postgres.log" ]]; then
        log "---- server log (last 40 lines) ----"
        tail -n 40 "$tmpdir/postgres.log" >&2 || true
        log "------------------------------------"
    fi
}

# --- initdb ------------------------------------------------------------------
t0=$(now_us)
if ! initdb_out=$(as_pg "$bindir/initdb" -D "$datadir" --auth=trust -U postgres \
    --encoding=UTF8 --locale=C --no-sync 2>&1); then
    printf '%s\n' "$initdb_out" >&2
    die "initdb failed"
fi
t_initdb=$(since "$t0")

cat >>"$datadir/postgresql.conf" <<EOF

# ---- scripts/with-postgres.sh: throwaway test cluster ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
max_connections = 200
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 1h
max_wal_size = 4GB
max_parallel_workers_per_gather = 0
autovacuum = off
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
EOF

# --- pick a port and start -------------------------------------------------
free_port() {
    local p
    if command -v python3 >/dev/null 2>&1 &&
        p=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) && [[ "$p" =~ ^[0-9]+$ ]]; then
        printf '%s\n' "$p"
        return 0
    fi
    # Fallback: random high port that nothing answers on.
    local _
    for _ in $(seq 1 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    return 1
}

timeout_s="${WITH_POSTGRES_TIMEOUT:-60}"
port=""
t0=$(now_us)
for attempt in 1 2 3 4 5; do
    if [[ $attempt -eq 1 && -n "${WITH_POSTGRES_PORT:-}" ]]; then
        port=$WITH_POSTGRES_PORT
    else
        port=$(free_port) || die "could not find a free TCP port on 127.0.0.1"
    fi
    : >"$tmpdir/postgres.log"
    if [[ -n "$run_as" ]]; then chown "$run_as:" "$tmpdir/postgres.log"; fi
    if as_pg "$bindir/pg_ctl" start -D "$datadir" -l "$tmpdir/postgres.log" \
        -o "-p $port" -w -t "$timeout_s" -s >/dev/null 2>&1; then
        started=1
        break
    fi
    # pg_ctl may have timed out with a server still coming up; make sure
    # nothing is left behind before retrying.
    started=1
    as_pg "$bindir/pg_ctl" stop -D "$datadir" -m immediate -s >/dev/null 2>&1 || true
    started=0
    if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' \
        "$tmpdir/postgres.log" && [[ $attempt -lt 5 ]]; then
        log "port $port is taken, retrying (attempt $attempt)"
        continue
    fi
    show_log
    die "could not start PostgreSQL (port $port)"
done
[[ $started -eq 1 ]] || die "could not start PostgreSQL"

# pg_ctl -w already waits for "ready"; double-check over TCP (bounded).
is_ready() {
    if [[ -n "$pg_isready_bin" ]]; then
        "$pg_isready_bin" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 2
    elif command -v psql >/dev/null 2>&1; then
        psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
    fi
}
deadline=$(($(date +%s) + timeout_s))
until is_ready; do
    if [[ $(date +%s) -ge $deadline ]]; then
        show_log
        die "PostgreSQL did not accept connections on 127.0.0.1:$port within ${timeout_s}s"
    fi
    sleep 0.1
done
t_start=$(since "$t0")

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
log "$pg_version ($bindir)${run_as:+ as user $run_as}"
log "initdb ${t_initdb}, start ${t_start}, ready after $(since "$t_begin") total"
log "TEST_DATABASE_URL=$TEST_DATABASE_URL"

# --- run the command ---------------------------------------------------------
t0=$(now_us)
rc=0
"$@" || rc=$?
log "command exited with status $rc after $(since "$t0")"
exit "$rc"
