#!/usr/bin/env bash
# Debian's systemd-analyze for the unit's check (tests/integration/test_systemd.py).
#
#   line=$(bash .ci/systemd.sh) && export "$line"   # sets BACKCOACH_TEST_SYSTEMD_ANALYZE
#
# stdout is exactly one line, BACKCOACH_TEST_SYSTEMD_ANALYZE=/path/to/systemd-analyze; everything
# else goes to stderr. Installs Debian's systemd when no binary is found (only the tool is used:
# `systemd-analyze verify` reads unit files, nothing is started or enabled).
set -euo pipefail
exec 3>&1 1>&2

log() { echo "systemd.sh: $*"; }
source "$(dirname "$0")/lib.sh"

find_bin() {
    first_executable "${BACKCOACH_TEST_SYSTEMD_ANALYZE:-}" \
        "$(command -v systemd-analyze || true)" /usr/bin/systemd-analyze
}

require_bin systemd-analyze apt_install systemd
log "using $("$BIN" --version 2>/dev/null | sed -n 1p) from $BIN"
echo "BACKCOACH_TEST_SYSTEMD_ANALYZE=$BIN" >&3
