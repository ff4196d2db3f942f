"""Alexa request envelopes as Alexa sends them, for tests and the simulator."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from backcoach.skill.domain.hands_free import PLAYER_REQUESTS

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-backcoach000"


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def timestamp(now: datetime | None = None) -> str:
    """ISO 8601 UTC, as Alexa writes it."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Device:
    """The device a request comes from."""

    device_id: str = field(default_factory=lambda: _id("amzn1.ask.device"))
    audio_player: bool = True
    """Whether it supports AudioPlayer (an Echo does; some screens and cars don't)."""
    apl: bool = False
    """Whether it has a screen supporting APL."""

    def interfaces(self) -> dict:
        out: dict = {}
        if self.audio_player:
            out["AudioPlayer"] = {}
        if self.apl:
            out["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2023.3"}}
        return out


@dataclass
class Caller:
    """Who is calling and from where: the parts of an envelope that stay the same."""

    skill_id: str = DEFAULT_SKILL_ID
    user_id: str = field(default_factory=lambda: _id("amzn1.ask.account"))
    device: Device = field(default_factory=Device)
    locale: str = "en-US"
    api_endpoint: str = "https://api.amazonalexa.com"
    """Where Alexa's APIs answer for this request (a stand-in's URL in tests)."""
    api_access_token: str = "simulated-token"
    granted: frozenset[str] = frozenset()
    """Permission scopes the person has granted the skill (sent in context.System.user)."""
    person_id: str = ""
    """The recognised speaker (personalisation), if any: sent with what they say, never
    with player events or device buttons, which no voice makes."""

    def system(self) -> dict:
        return {
            "application": {"applicationId": self.skill_id},
            "user": {"userId": self.user_id, **self._permissions()},
            "device": {
                "deviceId": self.device.device_id,
                "supportedInterfaces": self.device.interfaces(),
            },
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": self.api_access_token,
        }

    def _permissions(self) -> dict:
        """The user's permissions block, as Alexa sends it once something is granted."""
        if not self.granted:
            return {}
        scopes = {scope: {"status": "GRANTED"} for scope in sorted(self.granted)}
        return {"permissions": {"scopes": scopes}}

    def envelope(
        self,
        request: dict,
        *,
        session_id: str | None = None,
        new: bool = False,
        attributes: dict | None = None,
        audio_player: dict | None = None,
        now: datetime | None = None,
    ) -> dict:
        """A full envelope around `request`; with a session id, an in-session request.

        `now` is the time it is stamped with (the skill takes it as the request's time)."""
        request = {
            "requestId": _id("amzn1.echo-api.request"),
            "timestamp": timestamp(now),
            "locale": self.locale,
            **request,
        }
        context: dict = {"System": self.system()}
        if self.person_id and not request["type"].startswith(PLAYER_REQUESTS):
            context["System"]["person"] = {"personId": self.person_id}
        if self.device.audio_player:
            context["AudioPlayer"] = audio_player or {"playerActivity": "IDLE"}
        out: dict = {"version": "1.0", "context": context, "request": request}
        if session_id:
            out["session"] = {
                "new": new,
                "sessionId": session_id,
                "application": {"applicationId": self.skill_id},
                "attributes": dict(attributes or {}),
                "user": {"userId": self.user_id},
            }
        return out


def permissions_answer(scope: str, status: str) -> dict:
    """The Connections.Response Alexa sends after asking for a permission by voice (status
    ACCEPTED, DENIED or NOT_ANSWERED), in the same session."""
    return {
        "type": "Connections.Response",
        "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"permissionScope": scope, "status": status},
        "token": scope,
    }


def new_session_id() -> str:
    """A fresh session id, as Alexa makes one after a session ends."""
    return _id("amzn1.echo-api.session")


def launch_request() -> dict:
    return {"type": "LaunchRequest"}


def intent_request(name: str, slots: dict | None = None) -> dict:
    """An IntentRequest; `slots` maps slot names to ready-made slot objects."""
    return {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots or {}},
    }


def slot(name: str, value: str, *, authority: str, match: tuple[str, str] | None) -> dict:
    """A slot with the entity-resolution block Alexa sends (match: (id, canonical name))."""
    resolution: dict = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    if match:
        resolution["status"]["code"] = "ER_SUCCESS_MATCH"
        resolution["values"] = [{"value": {"id": match[0], "name": match[1]}}]
    return {
        "name": name,
        "value": value,
        "confirmationStatus": "NONE",
        "source": "USER",
        "resolutions": {"resolutionsPerAuthority": [resolution]},
    }


def builtin_slot(name: str, value: str) -> dict:
    """A slot of a built-in type (AMAZON.NUMBER): its value as Alexa writes it, no resolution."""
    return {"name": name, "value": value, "confirmationStatus": "NONE", "source": "USER"}


def session_ended_request(reason: str = "USER_INITIATED", error: dict | None = None) -> dict:
    """SessionEndedRequest; reason USER_INITIATED, ERROR or EXCEEDED_MAX_REPROMPTS."""
    out: dict = {"type": "SessionEndedRequest", "reason": reason}
    if error:
        out["error"] = error
    return out


def player_event(kind: str, token: str = "", offset_ms: int = 0) -> dict:
    """An AudioPlayer.* or PlaybackController.* event."""
    out: dict = {"type": kind}
    if kind.startswith("AudioPlayer."):
        out.update(token=token, offsetInMilliseconds=offset_ms)
    if kind == "AudioPlayer.PlaybackFailed":
        out["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": "simulated failure"}
        out["currentPlaybackState"] = {
            "token": token,
            "offsetInMilliseconds": offset_ms,
            "playerActivity": "PLAYING",
        }
    return out


def exception_encountered(message: str = "simulated") -> dict:
    """System.ExceptionEncountered, sent when a response of ours could not be used."""
    return {
        "type": "System.ExceptionEncountered",
        "error": {"type": "INVALID_RESPONSE", "message": message},
        "cause": {"requestId": _id("amzn1.echo-api.request")},
    }
