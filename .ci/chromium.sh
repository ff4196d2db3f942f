#!/usr/bin/env bash
# Debian's Chromium for the browser tests of the console (tests/integration/test_console.py).
#
#   line=$(bash .ci/chromium.sh) && export "$line"   # sets BACKCOACH_TEST_CHROMIUM
#
# stdout is exactly one line, BACKCOACH_TEST_CHROMIUM=/path/to/chromium; everything else goes to
# stderr. Installs Debian's chromium when no binary is found. Playwright drives this binary
# (its own `playwright install` download is never used: CI fetches nothing beyond apt).
set -euo pipefail
exec 3>&1 1>&2

log() { echo "chromium.sh: $*"; }
source "$(dirname "$0")/lib.sh"

find_bin() {
    first_executable "${BACKCOACH_TEST_CHROMIUM:-}" "$(command -v chromium || true)" /usr/bin/chromium
}

require_bin chromium apt_install chromium
log "using $("$BIN" --version 2>/dev/null || echo chromium) from $BIN"
echo "BACKCOACH_TEST_CHROMIUM=$BIN" >&3
