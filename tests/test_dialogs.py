"""The shipped dialog scripts, through the simulator: in-process and over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from skill.app import RequestContext
from skill.dialogs import ScriptError, check, find_scripts, load_script, run_script
from skill.simulator import Turn, in_process, over_http
from tests.conftest import PUBLIC_URL
from tests.helpers import assert_within_limits

DIALOGS = Path(__file__).parent / "dialogs"
SCRIPTS = find_scripts(DIALOGS)


def failures(results) -> list[str]:
    return [f"{r.step.label}: {p}" for r in results for p in r.problems]


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_in_process(service, path):
    send = in_process(service.skill, RequestContext(base_url=PUBLIC_URL))
    results = run_script(load_script(path), send)
    assert not failures(results), "\n".join(failures(results))
    for result in results:
        assert_within_limits(result.turn.response, service.audio_s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(config):
    """`backcoach serve --no-verify` in a subprocess, on a free port."""
    port = _free_port()
    environment = {
        **os.environ,
        "BACKCOACH_AUDIO_DIR": str(config.audio_cache),
        "BACKCOACH_DATA_DIR": str(config.data_dir),
        "BACKCOACH_PUBLIC_URL": PUBLIC_URL,
    }
    command = [sys.executable, "-m", "skill.cli", "serve", "--no-verify", "--port", str(port)]
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stdout.read()}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("server did not start in 30 s")
    yield f"{base}/alexa"
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "REQUEST VERIFICATION IS OFF" in output


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_over_http(server, path):
    results = run_script(load_script(path), over_http(server))
    assert not failures(results), "\n".join(failures(results))


def test_test_dialogs_command_reports_each_step(config, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: wrong on purpose\nsteps:\n  - say: open back coach\n"
        "    expect: {speech: 'this is never said'}\n"
    )
    environment = {**os.environ, "BACKCOACH_AUDIO_DIR": str(config.audio_cache)}
    run = subprocess.run(
        [sys.executable, "-m", "skill.cli", "test-dialogs", str(tmp_path)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "FAIL step 1: say 'open back coach'" in run.stdout
    assert "1 scripts, 1 failed steps" in run.stdout


@pytest.mark.parametrize(
    "text,message",
    [
        ("steps: 3", "needs a 'steps' list"),
        ("steps:\n  - say: hi\n    request: LaunchRequest", "exactly one of 'say' or 'request'"),
        ("steps:\n  - say: yes", "quote yes and no"),
        ("steps:\n  - say: hi\n    expect: {colour: red}", "unknown expectation ['colour']"),
        ("steps:\n  - request: Teleport", "unknown request 'Teleport'"),
    ],
)
def test_malformed_scripts_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_script(path)


def test_check_reports_each_kind_of_mismatch():
    script_step = load_script(DIALOGS / "01_walk_routine.yaml").steps[2]
    request = {"request": {"type": "IntentRequest", "intent": {"name": "ReadyIntent"}}}
    response = {"response": {"outputSpeech": {"ssml": "<speak>Hello</speak>"}}}
    problems = check(script_step, Turn(request, response))
    assert any(p.startswith("audio:") for p in problems)
    assert any(p.startswith("speech:") for p in problems)
