"""How a session opens: a fresh place, which offer to make, the welcome and the disclaimer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from backcoach.skill.domain import progress
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Place, State


def begin_session(coach: Coach, s: State, stream: str = "") -> None:
    """A new session: a fresh place; the profile stays.

    `stream` is the exercise where a hands-free stream was stopped, if one was.
    """
    s.place = Place(stream=stream)
    # Levels earned last time ("next time it goes up") take effect now, as announced.
    for exercise_id, level in s.profile.level_up.items():
        s.profile.levels[exercise_id] = max(level, s.profile.levels.get(exercise_id, 0))
    s.profile.level_up = {}
    if s.profile.see_doctor:
        s.place.offer = Offer.MEDICAL_CHECK
    elif s.profile.back_check and s.profile.back_checked_on != coach.clock().date().isoformat():
        # Asked once a day: "still sore" ends today's session, and starting later today stays
        # the person's choice, as the answer told them.
        s.place.offer = Offer.BACK_CHECK
    elif stream:
        s.place.offer = Offer.RESUME_STREAM
    elif progress.resumable(s.profile.stopped, coach.clock()):
        s.place.offer = Offer.RESUME


def launch(coach: Coach, s: State) -> Reply:
    """Open the skill: disclaimer for a new user; else how's the back, resume, or welcome."""
    if not s.profile.disclaimer_heard:
        s.profile.disclaimer_heard = True
        welcome = coach.say("welcome.new", count=coach.phrasing.exercise_count)
        return coach.ask(s, welcome, *coach.phrasing.disclaimer(), coach.say("pain_rule"))
    check = check_first(coach, s)
    if check:
        return check
    if s.place.offer == Offer.RESUME_STREAM:
        return coach.ask(s)
    # With a place kept, the question offers it ("Pick up there, or start today's routine?"):
    # opening the skill never starts a set by itself.
    return coach.ask(s, coach.say("welcome.returning"))


def check_first(coach: Coach, s: State) -> Reply | None:
    """The health check the session opened with, while it is unanswered; else None.

    Asked at launch, and again instead of starting anything ("Alexa, ask Back Coach to start
    the plank" the day after a red flag must not go straight into the plank)."""
    if s.place.offer == Offer.LEAK_CHECK:
        return coach.ask(s)  # the question again: nothing starts until it is answered
    if s.place.offer == Offer.MEDICAL_CHECK:
        return coach.ask(s, coach.say("medical.last_time"))
    if s.place.offer == Offer.BACK_CHECK:
        hurt = coach.routine.get(s.profile.back_check)
        return coach.ask(s, coach.say("back.last_time", name=hurt.name if hurt else ""))
    return None


def doctor_first(coach: Coach, s: State) -> Reply | None:
    """After a red flag, the doctor question, asked instead of playing anything (hands-free
    commands reach the skill outside any opening: "Alexa, resume" the next morning); else None.
    """
    if not s.profile.see_doctor:
        return None
    s.place.offer = Offer.MEDICAL_CHECK
    return check_first(coach, s)


def checked(operation: Callable[..., Reply]) -> Callable[..., Reply]:
    """An operation that starts exercise, run only once the session's health check is
    answered (until then, the check is asked again)."""

    @wraps(operation)
    def run(coach: Coach, s: State, *args: Any) -> Reply:
        return check_first(coach, s) or operation(coach, s, *args)

    return run


def with_disclaimer(coach: Coach, s: State, reply: Reply) -> Reply:
    """Put the disclaimer first for someone who has never heard it (a one-shot request)."""
    if s.profile.disclaimer_heard or (reply.end_session and not reply.directives):
        return reply
    s.profile.disclaimer_heard = True
    rule = coach.say("pain_rule")
    return replace(reply, parts=(*coach.phrasing.disclaimer(), rule, *reply.parts))
