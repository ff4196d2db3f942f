"""Serving starts without the audio build stack, the dev tools, pydantic or AWS's SDK, and a
first answer without what it does not use: they cost cold-start time (issue 22)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backcoach.skill.devtools import envelopes as env

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

AWS = ("boto3", "botocore")
"""Needed only by a DynamoDB store or `backcoach audio publish`: not by the session's store."""

PYDANTIC = ("pydantic", "pydantic_core")
"""Dev tools check their files with it; serving checks settings, content and stored rows with
checked.py: pydantic's import alone was a third of a cold start."""

FIRST_TURN_SPARES = ("ask_sdk_model.interfaces.alexa.presentation.apl",)
"""What a first answer on a device without a screen does without (imported on first use)."""


def loaded_after(code: str, environ: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=environ,
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
    assert pulled_in(loaded_after(code), BUILD_AND_DEV + AWS + PYDANTIC) == []


def test_a_first_answer_on_lambda_imports_only_what_it_uses(tmp_path):
    """The Lambda cold start (issue 22): a new person's launch, answered from the session's
    store on a device without a screen, leaves AWS's SDK, APL, the build and the tools out."""
    probe = tmp_path / "launch.json"
    launch = env.Caller().envelope(env.launch_request(), session_id=env.new_session_id(), new=True)
    probe.write_text(json.dumps(launch))
    code = (
        "import json\nfrom backcoach.skill.web.lambda_entry import lambda_handler\n"
        f"answer = lambda_handler(json.loads(open({str(probe)!r}).read()), None)\n"
        "assert 'response' in answer, answer"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    environ.update(
        AWS_LAMBDA_FUNCTION_NAME="backcoach",
        BACKCOACH_SKILL_ID=env.DEFAULT_SKILL_ID,
        BACKCOACH_STORE="session",
        BACKCOACH_AUDIO="off",
        BACKCOACH_TIME_ZONES="off",
    )
    loaded = loaded_after(code, environ)
    assert pulled_in(loaded, BUILD_AND_DEV + AWS + PYDANTIC + FIRST_TURN_SPARES) == []


def test_the_guard_sees_the_build_stack_when_it_is_imported():
    modules = loaded_after(
        "from backcoach.skill import cli\ncli.parser().parse_args(['audio', 'build'])"
    )
    assert "backcoach.audio.build" in pulled_in(modules, BUILD_AND_DEV)


def test_the_signature_checks_load_only_when_verification_is_on():
    assert "backcoach.skill.web.verify" not in loaded_after("import backcoach.skill.web.app")
