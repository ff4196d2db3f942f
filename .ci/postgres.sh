#!/usr/bin/env bash
# A throwaway PostgreSQL for the store tests. Idempotent: a second run reuses the running cluster.
#
#   line=$(bash .ci/postgres.sh) && export "$line"   # sets BACKCOACH_TEST_POSTGRES
#   bash .ci/postgres.sh stop                        # stops it and removes its directory
#
# stdout is exactly one line, BACKCOACH_TEST_POSTGRES=postgresql://USER:PASS@127.0.0.1:PORT/DB;
# everything else goes to stderr. Installs Debian's postgresql when no server binaries are found.
# Settings: BACKCOACH_PG_DIR (default ${TMPDIR:-/tmp}/backcoach-pg), BACKCOACH_PG_PORT (first port
# tried, default 55432). As root the cluster runs as the postgres user, so BACKCOACH_PG_DIR's
# parents must be traversable by it (the default is).
set -euo pipefail
exec 3>&1 1>&2

DIR=${BACKCOACH_PG_DIR:-${TMPDIR:-/tmp}/backcoach-pg}
FIRST_PORT=${BACKCOACH_PG_PORT:-55432}
DB=backcoach_test
USER_NAME=backcoach
PASSWORD=backcoach-test-only
DATA=$DIR/data
SOCK=$DIR/sock

log() { echo "postgres.sh: $*"; }
source "$(dirname "$0")/lib.sh"

find_bin() {
    local dir
    dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then
        echo "$dir"
    elif command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
        pg_config --bindir
    fi
}

# Run a server binary as the cluster's owner: postgres when we are root, else ourselves.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

port_busy() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local port
    for ((port = FIRST_PORT; port < FIRST_PORT + 100; port++)); do
        if ! port_busy "$port"; then
            echo "$port"
            return
        fi
    done
    log "no free port in $FIRST_PORT..$((FIRST_PORT + 99))"
    exit 1
}

# Our cluster is up and answering on the port it was started on.
alive() {
    [[ -f $DIR/port && -f $DATA/PG_VERSION ]] &&
        "$BIN/pg_isready" -q -h "$SOCK" -p "$(cat "$DIR/port")" -t 3
}

# Stop whatever is left of our cluster (ignoring a crashed or half-started one).
stop_cluster() {
    if [[ -f $DATA/postmaster.pid ]]; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    fi
}

init_cluster() {
    log "creating a cluster in $DIR"
    rm -rf "$DIR"
    mkdir -p "$DATA" "$SOCK"
    chmod 700 "$DIR" "$DATA"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$DIR"; fi
    as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log"
}

start_cluster() {
    local port
    port=$(free_port)
    log "starting on 127.0.0.1:$port"
    echo "$port" >"$DIR/port"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 30 start \
        -o "-p $port -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
        </dev/null >/dev/null 3>&- || { tail -n 20 "$DIR/server.log"; exit 1; }
}

psql_admin() {
    "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAX "$@"
}

ensure_database() {
    if [[ -z $(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME'") ]]; then
        psql_admin -c "CREATE ROLE $USER_NAME LOGIN"
    fi
    psql_admin -c "ALTER ROLE $USER_NAME PASSWORD '$PASSWORD'"
    if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
        psql_admin -c "CREATE DATABASE $DB OWNER $USER_NAME"
    fi
}

wait_ready() {
    local i
    for ((i = 0; i < 60; i++)); do
        if PGPASSWORD=$PASSWORD "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$DB" \
            -qtAX -c "SELECT 1" >/dev/null 2>&1; then
            return
        fi
        sleep 0.5
    done
    log "server on port $PORT does not accept connections; see $DIR/server.log"
    exit 1
}

BIN=$(find_bin)
if [[ ${1:-} == stop ]]; then
    if [[ -n $BIN ]]; then stop_cluster; fi
    rm -rf "$DIR"
    log "stopped and removed $DIR"
    exit 0
fi
if [[ -z $BIN ]]; then
    apt_install postgresql
    BIN=$(find_bin)
fi
[[ -n $BIN ]] || { log "PostgreSQL binaries still missing after install"; exit 1; }

if alive; then
    log "reusing the cluster running in $DIR"
else
    stop_cluster
    init_cluster
    start_cluster
fi
PORT=$(cat "$DIR/port")
ensure_database
wait_ready
echo "BACKCOACH_TEST_POSTGRES=postgresql://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB" >&3
