"""Talk to the skill without an Echo: utterances become real Alexa requests."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from . import envelopes as env
from .nlu import Match, Nlu

Transport = Callable[[dict], dict]
"""Sends one request envelope to the skill and returns the response envelope."""

_serializer = DefaultSerializer()
_AUDIO = re.compile(r'<audio\s+src="([^"]+)"\s*/>')
_TAG = re.compile(r"<[^>]+>")


class TransportError(RuntimeError):
    """The skill could not be reached, or answered with an HTTP error."""


def in_process(skill, context=None) -> Transport:
    """Run a skill object in this process, through the same (de)serialisation Alexa uses."""

    def send(envelope: dict) -> dict:
        request = _serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        return _serializer.serialize(skill.invoke(request_envelope=request, context=context))

    return send


def over_http(url: str, timeout_s: float = 10.0) -> Transport:
    """POST envelopes to a running endpoint (started with `backcoach serve --no-verify`)."""

    def send(envelope: dict) -> dict:
        data = json.dumps(envelope).encode()
        req = urllib.request.Request(url, data, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise TransportError(f"{url} answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"cannot reach {url}: {exc}") from exc

    return send


@dataclass
class SessionState:
    """What carries over between turns (and between `backcoach say --session FILE` calls)."""

    user_id: str = field(default_factory=lambda: env.Caller().user_id)
    device_id: str = field(default_factory=lambda: env.Device().device_id)
    session_id: str | None = None
    attributes: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SessionState:
        """Read a session file; a missing one starts fresh."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))


@dataclass(frozen=True)
class Turn:
    """One request and the skill's response, with what was understood."""

    request: dict
    response: dict
    match: Match | None = None

    @property
    def body(self) -> dict:
        return self.response.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.body.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        """The speech as plain text, audio clips left out."""
        return " ".join(_TAG.sub(" ", _AUDIO.sub(" ", self.ssml)).split())

    @property
    def audio(self) -> list[str]:
        """The URLs of the clips the response plays."""
        return _AUDIO.findall(self.ssml)

    @property
    def ends_session(self) -> bool:
        return self.body.get("shouldEndSession") is not False

    @property
    def directives(self) -> list[dict]:
        return self.body.get("directives") or []

    @property
    def intent(self) -> str:
        request = self.request["request"]
        return request.get("intent", {}).get("name", request["type"])


class Simulator:
    """A conversation with the skill: understands utterances and keeps the session."""

    def __init__(
        self,
        transport: Transport,
        nlu: Nlu | None = None,
        state: SessionState | None = None,
        *,
        skill_id: str = env.DEFAULT_SKILL_ID,
        audio_player: bool = True,
    ):
        self.transport = transport
        self.nlu = nlu or Nlu.load()
        self.state = state or SessionState()
        device = env.Device(device_id=self.state.device_id, audio_player=audio_player)
        self.caller = env.Caller(skill_id=skill_id, user_id=self.state.user_id, device=device)

    def send(self, request: dict, match: Match | None = None, in_session: bool = True) -> Turn:
        """Send one request; requests outside a session (player events) carry none."""
        s = self.state
        new = in_session and s.session_id is None
        if new:
            s.session_id, s.attributes = env.new_session_id(), {}
        envelope = self.caller.envelope(
            request,
            session_id=s.session_id if in_session else None,
            new=new,
            attributes=s.attributes,
        )
        response = self.transport(envelope)
        turn = Turn(envelope, response, match)
        if in_session:
            s.attributes = response.get("sessionAttributes") or {}
            if turn.ends_session:
                s.session_id, s.attributes = None, {}
        return turn

    def say(self, utterance: str) -> Turn:
        """One spoken turn, understood with our interaction model."""
        match = self.nlu.understand(utterance)
        if match.launch:
            return self.send(env.launch_request(), match)
        if self.state.session_id is None and match.intent in ("", "AMAZON.FallbackIntent"):
            return self.send(env.launch_request(), match)
        return self.send(env.intent_request(match.intent, match.slots), match)

    def end_session(self, reason: str = "USER_INITIATED") -> Turn | None:
        """The session ends without the skill asking (the user walked away)."""
        if self.state.session_id is None:
            return None
        turn = self.send(env.session_ended_request(reason))
        self.state.session_id, self.state.attributes = None, {}
        return turn
