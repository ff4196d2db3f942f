"""Whose progress a request is about: a recognised speaker's, a stream's starter's, or the
account's (pure: reads a request envelope by attribute names, imports no ASK)."""

from __future__ import annotations

from typing import Any

from backcoach.skill.domain.builtins import as_builtin
from backcoach.skill.domain.hands_free import PLAYER_REQUESTS, TOKEN_VERSION, token_owner

STREAM_CONTROLS = frozenset(
    {"AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent"}
    | {"AMAZON.StartOverIntent", "AMAZON.RepeatIntent", "AMAZON.StopIntent"}
    | {"AMAZON.CancelIntent", "AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent"}
    | {"AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent"}
)
"""The built-in intents Alexa sends about what a device is playing ("Alexa, next"): said by
anyone in the room, they act on the stream, as the device's buttons do."""
LIVE = frozenset({"PLAYING", "PAUSED", "STOPPED", "BUFFER_UNDERRUN"})
"""Player activities with a stream still on the device (FINISHED and IDLE have none)."""


def person_of(envelope: Any) -> str:
    """The person whose progress a request reads and writes, as an Alexa person id; "" for
    the account's. A player event or a device button is the stream's starter's (named in its
    token; no voice makes them). So is a stream control said while one of our streams is on
    the device, in a request of its own ("Alexa, next" from someone else in the room moves
    the stream on, not their own routine). Anything else is the recognised speaker's."""
    request = attribute_path(envelope, "request")
    kind = str(attribute_path(request, "object_type") or "")
    playing = attribute_path(envelope, "context", "audio_player")
    token = attribute_path(request, "token") or attribute_path(playing, "token")
    if kind.startswith(PLAYER_REQUESTS):
        return token_owner(token)
    if _controls_stream(envelope, kind, token, attribute_path(playing, "player_activity")):
        return token_owner(token)
    return attribute_path(envelope, "context", "system", "person", "person_id") or ""


def _controls_stream(envelope: Any, kind: str, token: Any, activity: Any) -> bool:
    """Whether a request is a stream control for one of our streams, outside a dialog."""
    # A built-in's companion ("okay, pause it there") controls the stream as the built-in does.
    intent = as_builtin(str(attribute_path(envelope, "request", "intent", "name") or ""))
    if kind != "IntentRequest" or intent not in STREAM_CONTROLS:
        return False
    if attribute_path(envelope, "session", "new") is False:
        return False  # said inside a conversation with the skill: the speaker's own
    ours = isinstance(token, str) and token.startswith(TOKEN_VERSION + ":")
    return ours and str(getattr(activity, "value", activity)) in LIVE


def attribute_path(obj: Any, *names: str) -> Any:
    """obj.a.b.c, or None where a link is missing (ASK's model objects, read by name)."""
    for name in names:
        obj = getattr(obj, name, None)
    return obj
