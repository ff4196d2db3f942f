"""Builds the skill: one factory, dependencies injected, no global state."""

from __future__ import annotations

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from .coach import Coach
from .handlers import ApologyHandler, Deps, request_handlers
from .routine import Routine
from .speech import Phrases
from .store import SessionStore


def no_clips(handler_input) -> None:
    """Link to no precomputed clips: holds and reps are timed with SSML."""
    return None


def build_skill(
    routine: Routine,
    phrases: Phrases,
    *,
    store=None,
    clip_url=no_clips,
    skill_id: str | None = None,
) -> CustomSkill:
    """A CustomSkill with every handler, wired to this routine, store and audio links."""
    deps = Deps(
        coach=Coach(routine, phrases), store=store or SessionStore(routine), clip_url=clip_url
    )
    builder = CustomSkillBuilder()
    builder.skill_id = skill_id
    for handler in request_handlers(deps):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ApologyHandler(deps))
    return builder.create()
