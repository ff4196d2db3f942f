"""Builds the skill: one factory, dependencies injected, no global state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from backcoach.skill.alexa.base import Deps, is_safety
from backcoach.skill.alexa.can_fulfill import CanFulfillHandler
from backcoach.skill.alexa.handlers import (
    ApologyHandler,
    FallbackHandler,
    IntentHandler,
    LaunchHandler,
    PermissionAnswerHandler,
    SessionEndedHandler,
    SilentEventHandler,
    SkillDisabledHandler,
)
from backcoach.skill.alexa.intents import OPERATIONS
from backcoach.skill.alexa.interceptors import (
    ClockInterceptor,
    SaveInterceptor,
    request_clock,
)
from backcoach.skill.alexa.retry import RetryingSkill
from backcoach.skill.alexa.state_store import PersistentStore, SessionStore
from backcoach.skill.alexa.stream_handlers import stream_handlers
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import SetStarts, TrackLength
from backcoach.skill.domain.phrases import Phrases
from backcoach.skill.domain.routine import Routine
from backcoach.skill.domain.screen import ClipLength

if TYPE_CHECKING:
    from backcoach.skill.alexa.time_zones import TimeZones


def no_clips(handler_input) -> None:
    """Link to no precomputed clips: holds and reps are timed with SSML."""
    return None


def build_skill(
    routine: Routine,
    phrases: Phrases,
    *,
    adapter: AbstractPersistenceAdapter | None = None,
    store=None,
    clip_url=no_clips,
    skill_id: str | None = None,
    clock=None,
    track_length_s: TrackLength | None = None,
    set_starts_s: SetStarts | None = None,
    clip_length_s: ClipLength | None = None,
    time_zones: TimeZones | None = None,
) -> CustomSkill:
    """A CustomSkill with every handler, wired to this routine, storage and audio links.

    With a persistence adapter, what a person has done lasts across sessions; without one,
    only the session remembers. Without a clock, now is each request's timestamp
    (`request_clock`). `track_length_s` and `set_starts_s` tell hands-free mode about the
    built tracks, `clip_length_s` the screen about the built clips (from the audio catalog).
    With `time_zones`, a request's time is in its device's zone (days are the person's);
    without, UTC.
    """
    coach = Coach(routine, phrases, clock=clock or request_clock)
    if store is None:
        store = PersistentStore(coach) if adapter else SessionStore(coach)
    deps = Deps(coach, store, clip_url, track_length_s, set_starts_s, clip_length_s)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.skill_id = skill_id
    builder.add_global_request_interceptor(
        ClockInterceptor(time_zones, may_wait=lambda handler_input: not is_safety(handler_input))
    )
    for handler in request_handlers(deps):
        builder.add_request_handler(handler)
    if adapter:
        builder.add_global_response_interceptor(SaveInterceptor())
    builder.add_exception_handler(ApologyHandler(deps))
    return RetryingSkill(skill_configuration=builder.skill_configuration)


def request_handlers(deps: Deps) -> list[AbstractRequestHandler]:
    """All request handlers, most specific first."""
    dialog = [LaunchHandler(deps), IntentHandler(deps), FallbackHandler(deps)]
    dialog.append(PermissionAnswerHandler(deps))
    events = [SessionEndedHandler(deps), SkillDisabledHandler(deps), SilentEventHandler()]
    # First: answered from the request alone, before anything loads or saves a person's row.
    can_fulfill = [CanFulfillHandler(frozenset(handled_intents()))]
    return can_fulfill + stream_handlers(deps) + dialog + events


def handled_intents() -> set[str]:
    """Every intent name some handler answers by name (the fallback answers the rest)."""
    return set(OPERATIONS) | {"HandsFreeIntent"}
