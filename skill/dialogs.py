"""Dialog scripts: YAML conversations with expectations, run through the simulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import envelopes as env
from .simulator import SessionState, Simulator, Turn

EXPECTATIONS = ("intent", "speech", "no_speech", "not_speech", "audio", "directives", "end")
RAW_REQUESTS = {
    "LaunchRequest": env.launch_request,
    "SessionEndedRequest": env.session_ended_request,
    "System.ExceptionEncountered": env.exception_encountered,
}


class ScriptError(ValueError):
    """A dialog script is malformed; the message names the file and step."""


@dataclass(frozen=True)
class Step:
    """One turn of a script: what is said (or sent) and what must come back."""

    number: int
    say: str | None
    request: str | None
    expect: dict

    @property
    def label(self) -> str:
        return f"step {self.number}: " + (f"say {self.say!r}" if self.say else self.request or "")


@dataclass(frozen=True)
class Script:
    """A named sequence of steps, with the device it runs on."""

    path: Path
    name: str
    steps: tuple[Step, ...]
    audio_player: bool = True


@dataclass
class StepResult:
    step: Step
    turn: Turn | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load_script(path: Path) -> Script:
    """Read and check one script file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise ScriptError(f"{path.name}: needs a 'steps' list")
    steps = []
    for i, raw in enumerate(data["steps"], 1):
        if not isinstance(raw, dict) or ("say" in raw) == ("request" in raw):
            raise ScriptError(f"{path.name}: step {i}: needs exactly one of 'say' or 'request'")
        if "say" in raw and not isinstance(raw["say"], str):
            raise ScriptError(f"{path.name}: step {i}: 'say' must be text (quote yes and no)")
        expect = raw.get("expect") or {}
        unknown = set(expect) - set(EXPECTATIONS)
        if unknown:
            raise ScriptError(f"{path.name}: step {i}: unknown expectation {sorted(unknown)}")
        if raw.get("request") and raw["request"] not in RAW_REQUESTS:
            raise ScriptError(f"{path.name}: step {i}: unknown request {raw['request']!r}")
        steps.append(Step(i, raw.get("say"), raw.get("request"), expect))
    device = data.get("device") or {}
    return Script(path, data.get("name", path.stem), tuple(steps), device.get("audio_player", True))


def clip_id_of(url: str) -> str:
    """The clip id in an audio URL (files are named `<clip id>-<hash>.mp3`)."""
    name = url.rsplit("/", 1)[-1]
    return name.rsplit("-", 1)[0] if "-" in name else name


def check(step: Step, turn: Turn) -> list[str]:
    """Every way a turn misses the step's expectations."""
    e, problems = step.expect, []
    if "intent" in e and turn.intent != e["intent"]:
        problems.append(f"intent: expected {e['intent']}, got {turn.intent}")
    for pattern in _as_list(e.get("speech")):
        if not re.search(pattern, turn.speech, re.IGNORECASE):
            problems.append(f"speech: /{pattern}/ not in {turn.speech!r}")
    for pattern in _as_list(e.get("not_speech")):
        if re.search(pattern, turn.speech, re.IGNORECASE):
            problems.append(f"speech: /{pattern}/ should not be in {turn.speech!r}")
    if e.get("no_speech") and "outputSpeech" in turn.body:
        problems.append("speech: expected none")
    if "audio" in e:
        got = [clip_id_of(u) for u in turn.audio]
        if got != list(e["audio"]):
            problems.append(f"audio: expected {e['audio']}, got {got}")
    if "directives" in e:
        got = [d.get("type") for d in turn.directives]
        if got != list(e["directives"]):
            problems.append(f"directives: expected {e['directives']}, got {got}")
    if "end" in e and turn.ends_session != e["end"]:
        problems.append(f"end: expected {e['end']}, got {turn.ends_session}")
    return problems


def _as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def run_script(script: Script, transport, on_step: Callable | None = None) -> list[StepResult]:
    """Run every step, in a fresh session as a fresh user, collecting problems."""
    sim = Simulator(transport, state=SessionState(), audio_player=script.audio_player)
    results = []
    for step in script.steps:
        if step.say is not None:
            turn = sim.say(step.say)
        else:
            turn = sim.send(RAW_REQUESTS[step.request]())
            if step.request == "SessionEndedRequest":
                sim.state.session_id, sim.state.attributes = None, {}
        result = StepResult(step, turn, check(step, turn))
        results.append(result)
        if on_step:
            on_step(script, result)
    return results


def find_scripts(directory: Path) -> list[Path]:
    """The dialog scripts in a directory, in name order."""
    return sorted(directory.glob("*.yaml"))
