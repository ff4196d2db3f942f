#!/usr/bin/env bash
# Amazon's APL linter (apl-suggester, from npm) for tests/integration/test_apl_lint.py.
#
#   line=$(bash .ci/apl.sh) && export "$line"   # sets BACKCOACH_TEST_APL_SUGGESTER
#
# stdout is exactly one line, BACKCOACH_TEST_APL_SUGGESTER=/path/to/node_modules/apl-suggester;
# everything else goes to stderr. Installs Debian's nodejs and npm when either is missing, then
# the pinned apl-suggester into BACKCOACH_APL_DIR (default .ci-cache/apl in the checkout,
# gitignored); a second run reuses it. tests/apl_lint.js runs the linter on a document.
set -euo pipefail
exec 3>&1 1>&2

VERSION=2024.2.0   # apl-suggester; its rules follow APL's releases, so a new one is a choice
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BACKCOACH_APL_DIR:-$ROOT/.ci-cache/apl}
MODULE=$DIR/node_modules/apl-suggester

log() { echo "apl.sh: $*"; }
source "$(dirname "$0")/lib.sh"

have_node() { command -v node >/dev/null && command -v npm >/dev/null; }

# The pinned version is already there (npm is not asked again).
installed() {
    [[ -f $MODULE/package.json ]] &&
        node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
            "$MODULE/package.json" "$VERSION"
}

if ! have_node; then
    apt_install nodejs npm
fi
have_node || { log "node or npm still missing after install"; exit 1; }
log "using node $(node --version), npm $(npm --version)"

if installed; then
    log "reusing apl-suggester $VERSION in $DIR"
else
    log "installing apl-suggester $VERSION into $DIR (npm)"
    mkdir -p "$DIR"
    # Its own package.json, so npm installs here and never into a parent project.
    echo '{"private": true}' >"$DIR/package.json"
    npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "apl-suggester@$VERSION"
    installed || { log "apl-suggester $VERSION missing after npm install"; exit 1; }
fi
echo "BACKCOACH_TEST_APL_SUGGESTER=$MODULE" >&3
