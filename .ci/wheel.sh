#!/usr/bin/env bash
# Build the wheel, install it into a fresh venv and use the skill from the installed package
# alone, away from the checkout: a conversation, the shipped dialog scripts, a skill package.
#
#   bash .ci/wheel.sh        # needs .venv (make's install) for `pip wheel`
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/backcoach-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
log() { echo "wheel.sh: $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

log "building the wheel"
"$ROOT/.venv/bin/pip" wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$ROOT"
wheel=$(ls "$WORK"/dist/backcoach-*.whl)
tops=$(python3 -c "import sys, zipfile; print(' '.join(sorted({n.split('/')[0] for n in zipfile.ZipFile(sys.argv[1]).namelist()})))" "$wheel")
log "top-level entries in the wheel: $tops"
for top in $tops; do
    case $top in backcoach | backcoach-*.dist-info) ;; *) fail "the wheel installs a top-level '$top'" ;; esac
done

log "installing it into a fresh venv"
python3 -m venv "$WORK/venv"
# [build]: the audio build below, at the versions its bytes depend on.
"$WORK/venv/bin/pip" install --quiet "$wheel[build]" -c "$ROOT/constraints.txt"
bc="$WORK/venv/bin/backcoach"

cd "$WORK"   # nothing below may come from the checkout
export BACKCOACH_DATA_DIR="$WORK/data"
if "$WORK/venv/bin/python" -c "import skill" 2>/dev/null; then fail "'import skill' works"; fi

log "building the audio with the installed package"
"$bc" audio build 2>&1 | tail -n 1 >&2

log "a conversation"
out=$("$bc" say "ask back coach to start my back routine")
echo "$out" | grep -q "pelvic extension" || fail "no pelvic extension in: $out"

log "a chat"
out=$(printf 'open back coach\nyes\n:quit\n' | "$bc" chat)
echo "$out" | grep -q "pelvic extension" || fail "no pelvic extension in the chat: $out"

log "the shipped dialog scripts"
"$bc" test-dialogs >"$WORK/dialogs.txt" || { cat "$WORK/dialogs.txt"; fail "dialog scripts"; }
tail -n 1 "$WORK/dialogs.txt" >&2

log "a skill package"
# Without an endpoint the export refuses (one line, non-zero); with the publishing settings it
# writes what `ask deploy` reads: ask-resources.json beside skill-package/.
if "$bc" export-skill-package "$WORK/refused" 2>/dev/null; then fail "exported with no endpoint"; fi
BACKCOACH_PUBLIC_URL=https://skill.example.com \
    BACKCOACH_PRIVACY_URL=https://skill.example.com/privacy \
    BACKCOACH_TERMS_URL=https://skill.example.com/terms \
    "$bc" export-skill-package "$WORK/package" >/dev/null
"$WORK/venv/bin/python" - "$WORK/package" <<'PY' || fail "skill package"
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
assert (root / "ask-resources.json").is_file()
package = root / "skill-package"
manifest = json.loads((package / "skill.json").read_text())["manifest"]
model = json.loads((package / "interactionModels/custom/en-US.json").read_text())
assert manifest["apis"]["custom"]["endpoint"]["uri"] == "https://skill.example.com/alexa", manifest
assert model["interactionModel"]["languageModel"]["invocationName"] == "back coach", model
assert len(model["interactionModel"]["languageModel"]["intents"]) > 10
assert list((package / "assets/images").glob("*.png")), "no icons"
PY
log "ok"
