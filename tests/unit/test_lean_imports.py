"""Serving starts without the audio build stack or the dev tools: they cost cold-start time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

BUILD_AND_DEV = (
    "piper",
    "onnxruntime",
    "numpy",
    "pydub",
    "gtts",
    "imageio_ffmpeg",
    "tqdm",
    "mutagen",
    "backcoach.audio.build",
    "backcoach.skill.devtools",
)
"""Packages a request never needs (`backcoach audio build`, `say`, `chat` load them)."""


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(run.stdout.splitlines()[-1]))


def pulled_in(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(p for p in packages if any(m == p or m.startswith(p + ".") for m in modules))


@pytest.mark.parametrize(
    "code",
    [
        "import backcoach.skill.web.app",
        "import backcoach.skill.web.lambda_entry",
        # What `backcoach serve` runs before it serves: the CLI, its parser, the app.
        "from backcoach.skill import cli\ncli.parser().parse_args(['serve'])\n"
        "import backcoach.skill.web.app",
    ],
)
def test_serving_imports_nothing_of_the_build_or_the_dev_tools(code):
    assert pulled_in(loaded_after(code), BUILD_AND_DEV) == []


def test_the_guard_sees_the_build_stack_when_it_is_imported():
    modules = loaded_after(
        "from backcoach.skill import cli\ncli.parser().parse_args(['audio', 'build'])"
    )
    assert "backcoach.audio.build" in pulled_in(modules, BUILD_AND_DEV)


def test_the_signature_checks_load_only_when_verification_is_on():
    assert "backcoach.skill.web.verify" not in loaded_after("import backcoach.skill.web.app")
