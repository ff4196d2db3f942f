#!/usr/bin/env bash
# nginx for the deployment test (tests/integration/test_nginx.py). Idempotent.
#
#   line=$(bash .ci/nginx.sh) && export "$line"   # sets BACKCOACH_TEST_NGINX
#   bash .ci/nginx.sh stop                        # stops any nginx the tests left, removes the dir
#
# stdout is exactly one line, BACKCOACH_TEST_NGINX=DIR: DIR/nginx is the nginx binary and each
# test's nginx runs from its own directory under DIR (unprivileged, on a free high port standing
# in for 443), so `stop` can find whatever a killed test run left behind. Everything else goes
# to stderr. Installs Debian's nginx (nginx-light) when no binary is found; the distribution's own
# service is stopped and disabled again, since the tests start their own.
# Settings: BACKCOACH_NGINX_DIR (default ${TMPDIR:-/tmp}/backcoach-nginx).
set -euo pipefail
exec 3>&1 1>&2

DIR=${BACKCOACH_NGINX_DIR:-${TMPDIR:-/tmp}/backcoach-nginx}

log() { echo "nginx.sh: $*"; }
source "$(dirname "$0")/lib.sh"

find_bin() {
    first_executable "$(command -v nginx || true)" /usr/sbin/nginx
}

install_nginx() {
    need_root nginx
    # Debian starts the packaged service on install; keep port 80 free and the machine as it was.
    local gate=/usr/sbin/policy-rc.d
    if [[ ! -e $gate ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$gate"
        chmod +x "$gate"
        trap "rm -f $gate" EXIT
    fi
    # nginx-light is enough (ssl, http2); releases after bookworm only have nginx itself.
    apt_install nginx-light || apt_install nginx
}

# Stop every nginx master whose pid file lies under DIR (one per test instance).
stop_instances() {
    local pidfile pid
    for pidfile in "$DIR"/*/nginx.pid; do
        [[ -f $pidfile ]] || continue
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping the nginx left running from $(dirname "$pidfile") (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
        fi
    done
}

if [[ ${1:-} == stop ]]; then
    stop_instances
    rm -rf "$DIR"
    log "stopped and removed $DIR"
    exit 0
fi

require_bin nginx install_nginx
# The shipped site needs TLS, HTTP/2 and ssl_reject_handshake (nginx >= 1.19.4).
"$BIN" -V 2>&1 | grep -q -- --with-http_ssl_module || { log "$BIN lacks the ssl module"; exit 1; }
"$BIN" -V 2>&1 | grep -q -- --with-http_v2_module || { log "$BIN lacks the http_v2 module"; exit 1; }

mkdir -p "$DIR"
ln -sfn "$BIN" "$DIR/nginx"
log "using $("$BIN" -v 2>&1) from $BIN"
echo "BACKCOACH_TEST_NGINX=$DIR" >&3
