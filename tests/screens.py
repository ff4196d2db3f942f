"""Turns that leave each kind of Echo Show screen, made by the coach itself (shared by the
unit tests of the document and the browser tests of its preview)."""

from __future__ import annotations

from ask_sdk_core.serialize import DefaultSerializer

from backcoach.skill.domain import navigation
from backcoach.skill.domain import pain as pain_module
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.screen import Kind
from backcoach.skill.domain.state import Phase, State

JSON = DefaultSerializer()
"""ASK's own serialiser: a directive as it goes over the wire."""


def multi_unit_index(coach) -> int:
    """An exercise whose beginner dose has more than one set (or side)."""
    return next(i for i, ex in enumerate(coach.routine.exercises) if len(units(ex, 0)) > 1)


def turn_of(kind: Kind, coach) -> tuple[State, Reply]:
    """A state and the reply that leaves it, for one kind of screen."""
    s = State()
    if kind == Kind.INTRO:
        return s, navigation.start_routine(coach, s)
    if kind in (Kind.SET, Kind.REST):
        s.place.exercise, s.place.unit, s.place.phase = multi_unit_index(coach), 1, Phase.BETWEEN
        s.place.last_block = 1
        reply = navigation.ready(coach, s) if kind == Kind.SET else coach.ask(s)
        return s, reply
    if kind == Kind.BETWEEN:
        s.place.phase = Phase.EXERCISE_DONE
        return s, coach.ask(s)
    if kind == Kind.PAIN:
        navigation.start_routine(coach, s)
        return s, pain_module.pain(coach, s)
    s.place.exercise, s.place.phase = coach.total - 1, Phase.EXERCISE_DONE
    return s, navigation.next_exercise(coach, s)
