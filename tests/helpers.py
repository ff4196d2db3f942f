"""Test helpers: a conversation runner that checks Alexa's limits on every response."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes as env
from skill.limits import check_response

ROOT = Path(__file__).resolve().parent.parent
MODEL = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())

_serializer = DefaultSerializer()


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


def assert_within_limits(response: dict, audio_s: Callable[[str], float | None]) -> None:
    """Fail with every way a response breaks Alexa's limits."""
    problems = check_response(response, audio_s)
    assert not problems, "\n".join(problems)


def in_process(skill, context=None) -> Callable[[dict], dict]:
    """Send an envelope through a skill object the way the endpoint does."""

    def send(envelope: dict) -> dict:
        request = _serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        return _serializer.serialize(skill.invoke(request_envelope=request, context=context))

    return send


class Conversation:
    """Talks to a skill turn by turn, carrying the session as Alexa does."""

    def __init__(self, send: Callable[[dict], dict], audio_s=lambda src: None, caller=None):
        self.send = send
        self.audio_s = audio_s
        self.caller = caller or env.Caller()
        self.session_id: str | None = None
        self.attributes: dict = {}
        self.responses: list[dict] = []

    def request(self, request: dict) -> dict:
        """One turn; the response is checked against Alexa's limits."""
        new = self.session_id is None
        if new:
            self.session_id, self.attributes = env.new_session_id(), {}
        envelope = self.caller.envelope(
            request, session_id=self.session_id, new=new, attributes=self.attributes
        )
        response = self.send(envelope)
        assert_within_limits(response, self.audio_s)
        self.responses.append(response)
        body = response.get("response") or {}
        self.attributes = response.get("sessionAttributes") or {}
        if body.get("shouldEndSession") is not False:
            self.session_id, self.attributes = None, {}
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
