"""What every handler shares: its injected dependencies and the load-run-save-respond cycle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from backcoach.skill.alexa.respond import ClipUrl, to_response
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import SetStarts, TrackLength
from backcoach.skill.domain.interruptions import arrive
from backcoach.skill.domain.opening import with_disclaimer
from backcoach.skill.domain.progression import remember_place
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import State

PLAYER_PREFIXES = ("AudioPlayer.", "PlaybackController.")
"""Requests whose replies may carry directives only: no speech, card or reprompt."""


@dataclass(frozen=True)
class Deps:
    """What every handler needs, injected by the factory."""

    coach: Coach
    store: Any
    """Loads and saves a State for a request (see state_store.py)."""
    clip_url: Callable[[HandlerInput], ClipUrl | None]
    """Gives, for a request, how to link to precomputed clips (None: SSML timing)."""
    track_length_s: TrackLength | None = None
    """How long each hands-free track plays (from the audio catalog; None: estimated)."""
    set_starts_s: SetStarts | None = None
    """Where each set of a hands-free track starts (from the audio catalog; None: unknown)."""


class CoachHandler(AbstractRequestHandler):
    """Base: load the state, run one coach operation, save, and respond."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def load(self, handler_input: HandlerInput) -> State:
        """The person's state as this request finds it: the last block of sets settled as
        heard or cut short, by the request's timestamp (interruptions.py)."""
        state = self.deps.store.load(handler_input)
        stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
        state.arrived = stamp.astimezone(UTC) if isinstance(stamp, datetime) else None
        arrive(state)
        return state

    def run(self, handler_input: HandlerInput, operation: Callable[[State], Reply]) -> Response:
        state = self.load(handler_input)
        reply = with_disclaimer(self.deps.coach, state, operation(state))
        remember_place(self.deps.coach, state)
        self.deps.store.save(handler_input, state)
        builder = handler_input.response_builder
        return to_response(reply, builder, self.deps.clip_url(handler_input))
