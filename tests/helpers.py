"""Test helpers: a conversation runner that checks Alexa's limits on every response."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.response_rules import check_response
from backcoach.skill.devtools.simulator import SessionState, Simulator

ROOT = Path(__file__).resolve().parent.parent
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())


def exercise_slot(value: str) -> dict:
    """The `exercise` slot as Alexa fills it from our model (resolved by name or synonym)."""
    lang = MODEL["interactionModel"]["languageModel"]
    (kind,) = [t for t in lang["types"] if t["name"] == "EXERCISE"]
    match = None
    for v in kind["values"]:
        names = [v["name"]["value"], *v["name"].get("synonyms", [])]
        if value.lower() in (n.lower() for n in names):
            match = (v["id"], v["name"]["value"])
    authority = "amzn1.er-authority.echo-sdk.skill.EXERCISE"
    return env.slot("exercise", value, authority=authority, match=match)


def assert_within_limits(
    response: dict, audio_s: Callable[[str], float | None], require_https: bool = True
) -> None:
    """Fail with every way a response breaks Alexa's limits."""
    problems = check_response(response, audio_s, require_https)
    assert not problems, "\n".join(problems)


def assert_no_alexa_ids(log_text: str, where: str) -> None:
    """A server process's own log (beyond the whole run's in-process watch): no Alexa id."""
    from backcoach.skill.log_format import ALEXA_ID

    leaks = [line for line in log_text.splitlines() if ALEXA_ID.search(line)]
    assert not leaks, f"{where} logged Alexa ids: {leaks[:3]}"


def provided(found: str | None, what: str, script: str) -> str:
    """A tool a test needs from the machine: `found`, else a failure in CI (.ci/run must
    export what `script` prints), else a skip saying how to get it."""
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"no {what} in CI: .ci/run must export what {script} prints")
    pytest.skip(f"no {what} here: bash {script} installs it and prints its setting")


class Conversation:
    """Talks to a skill turn by turn through the simulator, checking limits on every response."""

    def __init__(
        self, send: Callable[[dict], dict], audio_s=lambda src: None, require_https: bool = True
    ):
        self.sim = Simulator(send, state=SessionState(), length_s=audio_s)
        self.audio_s = audio_s
        self.require_https = require_https
        """Local runs link to http://localhost; Alexa itself only ever gets https links."""
        self.responses: list[dict] = []

    @property
    def attributes(self) -> dict:
        return self.sim.state.attributes

    def request(self, request: dict, in_session: bool = True) -> dict:
        """One turn; the response is checked against Alexa's limits."""
        response = self.sim.send(request, in_session=in_session).response
        assert_within_limits(response, self.audio_s, self.require_https)
        self.responses.append(response)
        return response

    def launch(self) -> dict:
        return self.request(env.launch_request())

    def intent(self, name: str, exercise: str | None = None) -> dict:
        slots = {"exercise": exercise_slot(exercise)} if exercise else None
        if not name.endswith("Intent"):
            name = f"AMAZON.{name}Intent" if "." not in name else name
        return self.request(env.intent_request(name, slots))


def speech(response: dict) -> str:
    """The outputSpeech SSML of a response ('' when none)."""
    return ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")


def plain(response: dict) -> str:
    """The speech without tags, whitespace folded."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", speech(response)).split())


def ends(response: dict) -> bool:
    """Whether the response ends the session."""
    return (response.get("response") or {}).get("shouldEndSession") is True


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(config, *options: str, **env_vars: str) -> tuple[subprocess.Popen, str]:
    """`backcoach serve --no-verify [options]` for this config, on a free port; returns
    (process, url).

    Its output goes to a file, not a pipe: a pipe nobody reads fills up with the request log
    (64 KB, a few hundred turns) and then blocks the server mid-request."""
    port = free_port()
    environment = {
        **os.environ,
        "BACKCOACH_AUDIO_DIR": str(config.audio_cache),
        "BACKCOACH_DATA_DIR": str(config.data_dir),
        **env_vars,
    }
    command = [
        sys.executable,
        "-m",
        "backcoach.skill.cli",
        "serve",
        "--no-verify",
        "--port",
        str(port),
        *options,
    ]
    log = tempfile.TemporaryFile("w+")
    process = subprocess.Popen(
        command, env=environment, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    _LOGS[process.pid] = log
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return process, f"{base}/alexa"
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {stop_server(process)}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not start in 60 s: {stop_server(process)}")


_LOGS: dict[int, IO[str]] = {}
"""The output file of each server start_server started, by process id."""


def stop_server(process: subprocess.Popen) -> str:
    """Stop a server started by start_server; return what it printed."""
    stop_process(process)
    log = _LOGS.pop(process.pid)
    with log:
        log.seek(0)
        return log.read()


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a process; kill it if it has not gone within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def backcoach(*args: str, env: dict | None = None, timeout: float = 120):
    """Run the `backcoach` command line in a subprocess, as a person would."""
    return subprocess.run(
        [sys.executable, "-m", "backcoach.skill.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


DELETE = object()
"""Stands for "remove this key" in `changed`."""


def changed(data, path: tuple, value):
    """A deep copy of JSON-like `data` with the item at `path` replaced (or DELETE'd)."""
    out = json.loads(json.dumps(data))
    node = out
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out
