#!/usr/bin/env bash
# Amazon's APL linter (apl-suggester, from npm) for tests/integration/test_apl_lint.py.
#
#   line=$(bash .ci/apl.sh) && export "$line"   # sets BACKCOACH_TEST_APL_SUGGESTER
#
# stdout is exactly one line, BACKCOACH_TEST_APL_SUGGESTER=/path/to/node_modules/apl-suggester;
# everything else goes to stderr. Installs Debian's nodejs and npm when either is missing, then
# apl-suggester and every package under it at the versions .ci/apl/package-lock.json pins
# (`npm ci`, integrity-checked) into BACKCOACH_APL_DIR (default .ci-cache/apl in the checkout,
# gitignored); a second run with the same lockfile reuses it. tests/apl_lint.js runs the linter.
#
# A new apl-suggester is a choice (its rules follow APL's releases): change the version in
# .ci/apl/package.json, then `npm install --package-lock-only` in .ci/apl and commit both.
set -euo pipefail
exec 3>&1 1>&2

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BACKCOACH_APL_DIR:-$ROOT/.ci-cache/apl}
MODULE=$DIR/node_modules/apl-suggester
LOCK=$ROOT/.ci/apl/package-lock.json

log() { echo "apl.sh: $*"; }
source "$(dirname "$0")/lib.sh"

have_node() { command -v node >/dev/null && command -v npm >/dev/null; }

# What this lockfile pins is already there (npm is not asked again).
installed() { [[ -f $MODULE/package.json ]] && cmp -s "$LOCK" "$DIR/package-lock.json"; }

if ! have_node; then
    apt_install nodejs npm
fi
have_node || { log "node or npm still missing after install"; exit 1; }
log "using node $(node --version), npm $(npm --version)"

if installed; then
    log "reusing the locked apl-suggester in $DIR"
else
    log "installing the locked apl-suggester into $DIR (npm ci)"
    rm -rf "$DIR"
    mkdir -p "$DIR"
    # Its own package.json beside the lock, so npm installs here and never into a parent.
    cp "$ROOT/.ci/apl/package.json" "$LOCK" "$DIR/"
    (cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error)
    installed || { log "apl-suggester missing after npm ci"; exit 1; }
fi
log "apl-suggester $(node -p 'require(process.argv[1]).version' "$MODULE/package.json")"
echo "BACKCOACH_TEST_APL_SUGGESTER=$MODULE" >&3
