"""Dialog scripts: YAML conversations with expectations, run through the simulator."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    StrictBool,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.alexa_apis import TOKEN, alexa_apis
from backcoach.skill.devtools.response_rules import INVALID
from backcoach.skill.devtools.simulator import SessionState, Simulator, Turn, duration_s
from backcoach.skill.domain.validation import Invalid, Loc, dotted, one_line, unreadable

EXPECTATIONS = (
    "intent", "speech", "no_speech", "not_speech", "audio", "directives", "end", "events",
    "player",
)  # fmt: skip
TURN_EXPECTATIONS = set(EXPECTATIONS) - {"events", "player"}
"""Expectations about a response: a `wait` step has none, only events and the player."""
RAW_REQUESTS = {
    "LaunchRequest": env.launch_request,
    "SessionEndedRequest": env.session_ended_request,
    "System.ExceptionEncountered": env.exception_encountered,
}
PLAYER_REQUESTS = (
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued",
    "PlaybackController.PreviousCommandIssued",
    "AudioPlayer.PlaybackFailed",
)
"""Sent outside the session, about the virtual player's stream."""
SHIPPED_SCRIPTS = files("backcoach.skill.devtools") / "dialog_scripts"
"""Where the shipped dialog scripts live: package data, so an installed wheel can run them."""

ACTIONS = ("say", "request", "wait", "wait_into_hold", "advance", "speaker")
Action = Literal["say", "request", "wait", "wait_into_hold", "advance", "speaker"]
HOLD_TOLERANCE_S = 0.5


class ScriptError(ValueError):
    """A dialog script is malformed; the message names the file and step."""


@dataclass(frozen=True)
class Step:
    """One turn of a script: what is said (or sent) and what must come back."""

    number: int
    action: Action
    """One of ACTIONS."""
    value: Any
    """What is said, the request type, the seconds to wait ("end": until it stops), the
    time to let pass (`advance: 10m`), or who speaks from now on (`speaker: anna`, a voice
    Alexa recognises, given a personId of its own for the run; `speaker: none`, one it
    does not)."""
    expect: dict[str, Any]
    barge_in_s: float | None = None
    """For `say`: said this many seconds into the last response, before its clips ended."""

    @model_validator(mode="before")
    @classmethod
    def _one_action(cls, raw: Any) -> Any:
        """The file's `{say: ..., expect: ...}` as action and value (`number` added by Script)."""
        actions = [a for a in ACTIONS if isinstance(raw, dict) and a in raw]
        if len(actions) != 1:
            raise ValueError(f"needs exactly one of {', '.join(map(repr, ACTIONS))}")
        action = actions[0]
        return {
            "number": raw["number"],
            "action": action,
            "value": raw[action],
            "expect": raw.get("expect") or {},
            "barge_in_s": raw.get("barge_in"),
        }

    @model_validator(mode="after")
    def _well_formed(self) -> Step:
        action, value, expect = self.action, self.value, self.expect
        unknown = set(expect) - set(EXPECTATIONS)
        if unknown:
            raise ValueError(f"unknown expectation {sorted(unknown)}")
        if action == "say" and not isinstance(value, str):
            raise ValueError("'say' must be text (quote yes and no)")
        if self.barge_in_s is not None and (action != "say" or self.barge_in_s < 0):
            raise ValueError("'barge_in' takes seconds, with a 'say'")
        if action == "request" and value not in RAW_REQUESTS and value not in PLAYER_REQUESTS:
            raise ValueError(f"unknown request {value!r}")
        if action.startswith("wait"):
            if not (value == "end" or isinstance(value, int | float)) or isinstance(value, bool):
                raise ValueError(f"'{action}' takes seconds (or 'end')")
            if set(expect) & TURN_EXPECTATIONS:
                raise ValueError("a wait has no response; expect events or player")
        if action == "advance":
            duration_s(value)  # ValueError says what a duration looks like
            if expect:
                raise ValueError("an advance sends nothing; it has no expectations")
        if action == "speaker":
            if not (isinstance(value, str) and re.fullmatch(r"[a-z]{1,20}", value)):
                raise ValueError("'speaker' takes a name (lowercase letters) or none")
            if expect:
                raise ValueError("a speaker sends nothing; it has no expectations")
        return self

    @property
    def label(self) -> str:
        shown = repr(self.value) if self.action == "say" else self.value
        return f"step {self.number}: {self.action.replace('_', ' ')} {shown}"


@dataclass(frozen=True)
class Script:
    """A named sequence of steps, with the device it runs on."""

    path: Path
    name: StrictStr
    steps: tuple[Step, ...]
    audio_player: StrictBool = True
    consents: StrictBool = False
    """What the person answers when Alexa asks them for a permission (`device.consents`)."""
    time_zone: StrictStr = ""
    """The device's time zone, as the Settings API answers it ("" answers nothing: UTC)."""
    clock: datetime | None = None
    """When the first step is said (`clock:` in the script, in the device's zone), else now."""

    @model_validator(mode="before")
    @classmethod
    def _from_file(cls, data: Any, info: ValidationInfo) -> Any:
        """The file's content, with its path (from the context), named and numbered steps."""
        path: Path = (info.context or {})["path"]
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            raise ValueError("needs a 'steps' list")
        steps = [
            {**raw, "number": i} if isinstance(raw, dict) else raw
            for i, raw in enumerate(data["steps"], 1)
        ]
        device = data.get("device") or {}
        if not isinstance(device, dict):
            raise Invalid("must be a mapping", "device")
        zone = device.get("time_zone", "")
        return {
            "path": path,
            "name": data.get("name", path.stem),
            "steps": steps,
            "audio_player": device.get("audio_player", True),
            "consents": device.get("consents", False),
            "time_zone": zone,
            "clock": _clock(data.get("clock"), _zone(zone)),
        }


def _zone(name: Any) -> ZoneInfo | None:
    """The device's time zone, or None for none."""
    if name in ("", None):
        return None
    try:
        return ZoneInfo(str(name))
    except (ValueError, ZoneInfoNotFoundError):
        raise Invalid(f"{name!r} is no IANA time zone", "device.time_zone") from None


def _clock(raw: Any, zone: ZoneInfo | None) -> datetime | None:
    """The script's starting time: an ISO date and time, in the device's zone (else UTC)."""
    if raw is None:
        return None
    try:
        at = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        raise Invalid(f"{raw!r} is no date and time (2026-12-06 19:30)", "clock") from None
    return at if at.tzinfo else at.replace(tzinfo=zone or UTC)


@dataclass
class StepResult:
    step: Step
    turn: Turn | None
    problems: list[str] = field(default_factory=list)
    events: list[Turn] = field(default_factory=list)
    """Player events sent during the step, with the skill's answers."""

    @property
    def ok(self) -> bool:
        return not self.problems


_SCRIPT = TypeAdapter(Script)


def _where(loc: Loc) -> str:
    """`step 3` for the third step (counted from 1, as the runner reports them)."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        return ": ".join(filter(None, (f"step {loc[1] + 1}", dotted(loc[2:]))))
    return "device.audio_player" if loc == ("audio_player",) else dotted(loc)


def load_script(path: Path) -> Script:
    """Read and check one script file; ScriptError naming the file and the step."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScriptError(unreadable(path.name, exc)) from exc
    try:
        return _SCRIPT.validate_python(data, context={"path": path})
    except ValidationError as exc:
        raise ScriptError(one_line(exc, path.name, _where)) from None


def clip_id_of(url: str) -> str:
    """The clip id in an audio URL (files are named `<clip id>-<hash>.mp3`)."""
    name = url.rsplit("/", 1)[-1]
    return name.rsplit("-", 1)[0] if "-" in name else name


def check(step: Step, turn: Turn | None) -> list[str]:
    """Every way a turn misses the step's expectations."""
    if turn is None:
        return []
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
        kinds = [d.get("type") for d in turn.directives]
        if kinds != list(e["directives"]):
            problems.append(f"directives: expected {e['directives']}, got {kinds}")
    if "end" in e and turn.ends_session != e["end"]:
        problems.append(f"end: expected {e['end']}, got {turn.ends_session}")
    return problems


def _as_list(value) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def check_events(step: Step, events: list[Turn]) -> list[str]:
    """The player events the step expects (what Alexa rejects is in each turn's problems)."""
    if "events" not in step.expect:
        return []
    got = [t.request["request"]["type"] for t in events]
    if got != list(step.expect["events"]):
        return [f"events: expected {step.expect['events']}, got {got}"]
    return []


def rejected(turns: list[Turn | None]) -> list[str]:
    """Every way a response of the step breaks Alexa's rules, as Alexa would reject it."""
    return [f"{INVALID} {problem}" for turn in turns if turn for problem in turn.problems]


def check_player(step: Step, sim: Simulator, onsets_s) -> list[str]:
    """The virtual player's state against the step's `player` expectation."""
    want = step.expect.get("player")
    if not want:
        return []
    problems, player = [], sim.player
    exercise = player.token.split(":")[2] if player.token.count(":") >= 2 else ""
    if "exercise" in want and exercise != want["exercise"]:
        problems.append(f"player: playing {exercise!r}, expected {want['exercise']!r}")
    level = player.token.split(":")[3] if player.token.count(":") >= 3 else ""
    if "level" in want and level != str(want["level"]):
        problems.append(f"player: at level {level!r}, expected {want['level']!r}")
    if "activity" in want and player.activity != want["activity"]:
        problems.append(f"player: {player.activity}, expected {want['activity']}")
    if "into_hold_s" in want:
        into = sim.into_hold_s(onsets_s) if onsets_s else None
        if into is None or abs(into - want["into_hold_s"]) > HOLD_TOLERANCE_S:
            problems.append(f"player: {into} s into the hold, expected {want['into_hold_s']}")
    return problems


def person_id(name: str, people: dict[str, str]) -> str:
    """The personId a script's speaker has in this run (`people`): fresh for each run
    (scripts share a server over HTTP), the same every time the name speaks in it."""
    return people.setdefault(name, f"amzn1.ask.person.{name.upper()}{uuid.uuid4().hex.upper()}")


def _act(sim: Simulator, step: Step, onsets_s, people: dict[str, str]) -> Turn | None:
    """Carry out one step."""
    if step.action == "say":
        return sim.say(step.value, barge_in_s=step.barge_in_s)
    if step.action == "wait":
        sim.play_to_end() if step.value == "end" else sim.wait(float(step.value))
        return None
    if step.action == "advance":
        sim.advance(duration_s(step.value))
        return None
    if step.action == "speaker":
        sim.caller.person_id = "" if step.value == "none" else person_id(step.value, people)
        return None
    if step.action == "wait_into_hold":
        into = sim.into_hold_s(onsets_s) if onsets_s else None
        if into is None:
            raise ScriptError(f"{step.label}: no timed counts known for the current track")
        sim.wait(max(0.0, float(step.value) - into))
        return None
    if step.value in PLAYER_REQUESTS:
        player = sim.player
        if step.value.startswith("AudioPlayer."):
            return sim.send(player.event(step.value), in_session=False)
        return sim.send({"type": step.value}, in_session=False)
    turn = sim.send(RAW_REQUESTS[step.value]())
    if step.value == "SessionEndedRequest":
        sim.state.session_id, sim.state.attributes = None, {}
    return turn


def run_script(
    script: Script,
    transport,
    on_step: Callable | None = None,
    *,
    length_s: Callable[[str], float | None] | None = None,
    onsets_s: Callable[[str], tuple[float, ...]] | None = None,
) -> list[StepResult]:
    """Run every step, as a fresh user in a fresh session, collecting problems. The device's
    Settings API is a local stand-in answering the script's time zone (UTC if it names none)."""
    state = SessionState()
    if script.clock is not None:
        state.later_s = (script.clock - datetime.now(UTC)).total_seconds()
    zones = {state.device_id: script.time_zone or "UTC"}
    with alexa_apis(zones) as api:
        sim = Simulator(transport, state=state, audio_player=script.audio_player, length_s=length_s)
        sim.caller.api_endpoint, sim.caller.api_access_token = api.url, TOKEN
        sim.consents = script.consents
        return _steps(script, sim, on_step, onsets_s)


def _steps(script: Script, sim: Simulator, on_step, onsets_s) -> list[StepResult]:
    """Every step of a script, in order, with what went wrong in each."""
    results: list[StepResult] = []
    people: dict[str, str] = {}
    for step in script.steps:
        before = len(sim.events)
        turn = _act(sim, step, onsets_s, people)
        events = sim.events[before:]
        problems = (
            rejected([turn, *events])
            + check(step, turn)
            + check_events(step, events)
            + check_player(step, sim, onsets_s)
        )
        result = StepResult(step, turn, problems, events)
        results.append(result)
        if on_step:
            on_step(script, result)
    return results


def find_scripts(directory: Path) -> list[Path]:
    """The dialog scripts in a directory, in name order."""
    return sorted(directory.glob("*.yaml"))


def shipped_scripts() -> list[Path]:
    """The dialog scripts shipped inside the package (`backcoach test-dialogs` with no path)."""
    return find_scripts(Path(str(SHIPPED_SCRIPTS)))


@dataclass(frozen=True)
class ScriptOutcome:
    """One script's run, for a report."""

    script: Script
    results: list[StepResult]
    seconds: float


def junit_report(outcomes: list[ScriptOutcome]) -> bytes:
    """A JUnit XML report for CI: one testcase per script; a failing one names each failed
    step and what went wrong."""
    from xml.etree import ElementTree as ET

    failed = [o for o in outcomes if not all(r.ok for r in o.results)]
    suite = ET.Element(
        "testsuite",
        name="dialog scripts",
        tests=str(len(outcomes)),
        failures=str(len(failed)),
        errors="0",
        time=f"{sum(o.seconds for o in outcomes):.3f}",
    )
    for outcome in outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dialogs",
            name=outcome.script.name,
            file=str(outcome.script.path),
            time=f"{outcome.seconds:.3f}",
        )
        bad = [r for r in outcome.results if not r.ok]
        if bad:
            first = bad[0]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{first.step.label}: {first.problems[0]}",
                type="DialogFailure",
            )
            failure.text = "\n".join(
                f"{r.step.label}: {problem}" for r in bad for problem in r.problems
            )
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
