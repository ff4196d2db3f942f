"""The shipped dialog scripts, through the simulator: in-process and over HTTP."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.skill.devtools.dialogs import (
    SHIPPED_SCRIPTS,
    ScriptError,
    check,
    find_scripts,
    load_script,
    run_script,
)
from backcoach.skill.devtools.simulator import Turn, in_process, over_http
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext
from tests.helpers import assert_within_limits, start_server, stop_server
from tests.integration.conftest import PUBLIC_URL

DIALOGS = Path(str(SHIPPED_SCRIPTS))
SCRIPTS = find_scripts(DIALOGS)


def failures(results) -> list[str]:
    return [f"{r.step.label}: {p}" for r in results for p in r.problems]


@pytest.fixture(scope="module")
def zoned(config):
    """The skill as `backcoach test-dialogs` runs it: reading each device's time zone from
    the Settings API, which every script's device has as a local stand-in."""
    return make_service(dataclasses.replace(config, time_zones="on"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_in_process(zoned, path):
    service = zoned
    send = in_process(service.skill, RequestContext(base_url=PUBLIC_URL))
    results = run_script(
        load_script(path), send, length_s=service.audio_s, onsets_s=service.onsets_s
    )
    assert not failures(results), "\n".join(failures(results))
    for result in results:
        for turn in [result.turn, *result.events]:
            if turn is not None:
                assert_within_limits(turn.response, service.audio_s)


@pytest.fixture(scope="module")
def server(config):
    """`backcoach serve --no-verify` in a subprocess, on a free port."""
    process, url = start_server(config, BACKCOACH_PUBLIC_URL=PUBLIC_URL, BACKCOACH_TIME_ZONES="on")
    yield url
    assert "REQUEST VERIFICATION IS OFF" in stop_server(process)


@pytest.mark.slow  # a `backcoach serve` process
@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_over_http(server, service, path):
    results = run_script(
        load_script(path), over_http(server), length_s=service.audio_s, onsets_s=service.onsets_s
    )
    assert not failures(results), "\n".join(failures(results))


def test_test_dialogs_command_reports_each_step(config, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: wrong on purpose\nsteps:\n  - say: open back coach\n"
        "    expect: {speech: 'this is never said'}\n"
    )
    environment = {**os.environ, "BACKCOACH_AUDIO_DIR": str(config.audio_cache)}
    run = subprocess.run(
        [sys.executable, "-m", "backcoach.skill.cli", "test-dialogs", str(tmp_path)],
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
        ("steps:\n  - say: hi\n    request: LaunchRequest", "needs exactly one of 'say'"),
        ("steps:\n  - wait: soon", "'wait' takes seconds"),
        ("steps:\n  - wait: 5\n    expect: {speech: hi}", "a wait has no response"),
        ("steps:\n  - say: yes", "quote yes and no"),
        ("steps:\n  - say: hi\n    expect: {colour: red}", "unknown expectation ['colour']"),
        ("steps:\n  - request: Teleport", "unknown request 'Teleport'"),
        ("steps: [unclosed", "bad.yaml: cannot be read: while parsing a flow sequence"),
        ("device: {audio_player: maybe}\nsteps: []", "device.audio_player: must be true or false"),
        ("steps:\n  - advance: soon", "'soon' is not a duration like 90, 10m, 25h or 2d"),
        ("steps:\n  - advance: 10m\n    expect: {end: true}", "an advance sends nothing"),
        ("steps:\n  - speaker: Anna Smith", "'speaker' takes a name"),
        ("steps:\n  - speaker: none\n    expect: {end: true}", "a speaker sends nothing"),
    ],
)
def test_malformed_scripts_are_refused(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_script(path)


def test_check_reports_each_kind_of_mismatch():
    script_step = load_script(DIALOGS / "01_walk_routine.yaml").steps[4]  # the plank plays
    request = {"request": {"type": "IntentRequest", "intent": {"name": "ReadyIntent"}}}
    response = {"response": {"outputSpeech": {"ssml": "<speak>Hello</speak>"}}}
    problems = check(script_step, Turn(request, response))
    assert any(p.startswith("audio:") for p in problems)
    assert any(p.startswith("speech:") for p in problems)


def test_the_evening_and_morning_script_depends_on_the_time_zone(zoned, tmp_path):
    """The same instants with no time zone (UTC): the morning is the evening's day, and the
    check-in is not asked again, so the script's morning step fails."""
    path = DIALOGS / "38_evening_and_morning_in_los_angeles.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "device: {time_zone: America/Los_Angeles}\n", ""
    )
    utc = tmp_path / "utc.yaml"
    utc.write_text(text.replace('clock: "2026-12-06 17:30"', 'clock: "2026-12-07T01:30:00+00:00"'))
    send = in_process(zoned.skill, RequestContext(base_url=PUBLIC_URL))
    results = run_script(load_script(utc), send, length_s=zoned.audio_s)
    failed = [r.step.number for r in results if not r.ok]
    assert failed == [10], failures(results)
