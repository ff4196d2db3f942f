"""Amazon's APL linter (the npm package apl-suggester, run by tests/apl_lint.js) finds nothing in
any APL the skill sends: every document shipped in skill/alexa/apl/, the document each kind of
screen's RenderDocument carries over the wire, and the commands its ExecuteCommands sends
(linted as the document's onMount, where the linter checks commands).

`bash .ci/apl.sh` installs the linter and prints BACKCOACH_TEST_APL_SUGGESTER; without it the
tests are skipped here and fail in CI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib.resources import as_file
from pathlib import Path

import pytest

from backcoach.skill.alexa.screen_directives import DOCUMENT, screen_directives
from backcoach.skill.domain.screen import Kind, screen
from tests.helpers import provided
from tests.screens import JSON, turn_of

pytestmark = pytest.mark.slow

ENV = "BACKCOACH_TEST_APL_SUGGESTER"
RUNNER = Path(__file__).parents[1] / "apl_lint.js"
RENDER = "Alexa.Presentation.APL.RenderDocument"
EXECUTE = "Alexa.Presentation.APL.ExecuteCommands"


def suggester() -> str:
    """The installed apl-suggester (.ci/apl.sh); skipped without it, failed in CI."""
    return provided(os.environ.get(ENV), "APL linter", ".ci/apl.sh")


def lint(paths: list[Path]) -> dict[str, list[dict]]:
    """Each document's findings, by path, from one run of the linter."""
    module = suggester()
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"{ENV} is set but there is no node on the PATH")
    run = subprocess.run(
        [node, str(RUNNER), module, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def write(folder: Path, name: str, document: dict) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def sent_documents(folder: Path, coach) -> list[Path]:
    """What the skill sends for each kind of screen, as ASK serialises it: the RenderDocument's
    document, and the ExecuteCommands' commands run from that document's onMount."""
    out = []
    for kind in Kind:
        state, reply = turn_of(kind, coach)
        directives = [JSON.serialize(d) for d in screen_directives(screen(coach, state, reply))]
        (rendered,) = [d for d in directives if d["type"] == RENDER]
        out.append(write(folder, f"render-{kind}", rendered["document"]))
        for follow in (d for d in directives if d["type"] == EXECUTE):
            commands = {**rendered["document"], "onMount": follow["commands"]}
            out.append(write(folder, f"commands-{kind}", commands))
    return out


def test_every_apl_document_and_command_the_skill_sends_has_no_findings(tmp_path, coach):
    with as_file(DOCUMENT.parent) as shipped_dir:
        shipped = sorted(Path(shipped_dir).glob("*.json"))
        assert shipped, "no APL document shipped"
        documents = [*shipped, *sent_documents(tmp_path, coach)]
        findings = lint(documents)
    assert set(findings) == {str(path) for path in documents}  # each one was linted
    assert any(path.name.startswith("commands-") for path in documents)
    found = {Path(path).name: items for path, items in findings.items() if items}
    assert found == {}, json.dumps(found, indent=2)


def test_the_linter_reports_what_amazon_would(tmp_path):
    """Not a silent pass: the findings the document once had are reported."""
    document = {
        "type": "APL",
        "version": "2023.3",
        "mainTemplate": {
            "items": [
                {
                    "type": "Container",
                    "backgroundColor": "#14202E",
                    "items": [
                        {"type": "Frame", "transform": [{"translateX": "-100%"}]},
                        {"type": "Sequence", "height": "100%"},
                    ],
                }
            ]
        },
    }
    (findings,) = lint([write(tmp_path, "old", document)]).values()
    said = " | ".join(f"{f['path']}: {f['errorMessage']}" for f in findings)
    assert "additional properties : backgroundColor" in said
    assert "translateX" in said
    assert "Sequence height must be an absolute value" in said
