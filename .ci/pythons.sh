#!/usr/bin/env bash
# The other Pythons the package claims, after `make test` ran the whole suite on this machine's
# python3 (3.11, requires-python's floor). Each gets a fresh venv with the dev extra at
# constraints.txt's versions:
#   3.13, Lambda's default (LAMBDA_PYTHON): the unit tests and the Lambda tests, so the default
#         package (cp313 wheels) runs under AWS's runtime interface client on its own Python;
#   3.12, the other Lambda runtime by flag: the Lambda tests.
# 3.14 (also by flag) has no interpreter here: tests/integration/test_lambda.py builds its
# package, which checks its wheels, but nothing runs it.
#
#   bash .ci/pythons.sh   # from .ci/run, with its exports (PostgreSQL, nginx, ...)
#
# Interpreters are found on PATH or under pyenv's versions; a missing one fails in one line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/backcoach-pythons.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log() { echo "pythons.sh: $*" >&2; }
source .ci/lib.sh

# interpreter VERSION: the path of a working pythonVERSION, or a one-line failure (a pyenv
# shim on PATH exists for every version pyenv has, but runs only the one selected).
interpreter() {
    local candidate
    for candidate in "$(command -v "python$1" || true)" \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/"python$1"; do
        if [[ -x $candidate ]] && "$candidate" -c "import sys; assert sys.version.startswith('$1.')" \
            >/dev/null 2>&1; then
            echo "$candidate"
            return
        fi
    done
    log "no python$1 on PATH or under pyenv: the package claims it"
    exit 1
}

# run VERSION PYTEST-ARGS...: a venv for VERSION with the dev extra, then pytest in it.
run() {
    local version=$1 python venv
    shift
    python=$(interpreter "$version")
    venv=$WORK/py$version
    log "python $version: $("$python" --version) at $python"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/pip" install --quiet --disable-pip-version-check -e "$ROOT[dev]" \
        -c "$ROOT/constraints.txt"
    "$venv/bin/python" -m pytest -q "$@"
}

run 3.13 tests/unit tests/integration/test_lambda.py
run 3.12 tests/integration/test_lambda.py
log "ok"
