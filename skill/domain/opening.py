"""How a session opens: a fresh place, which offer to make, the welcome and the disclaimer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from backcoach.skill.domain import progress, summary
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.history import day_of
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Place, Profile, State


def begin_session(coach: Coach, s: State, stream: str = "", voice: bool = True) -> None:
    """A new session: a fresh place; the profile stays.

    `stream` is the exercise where a hands-free stream was stopped, if one was. A player
    event (`voice` false) is a session of its own too, but steps nothing up: it could not
    say so.
    """
    s.place = Place(stream=stream)
    after_a_break(coach, s)
    if voice:
        step_up(coach, s)
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


def step_up(coach: Coach, s: State) -> None:
    """One exercise a day goes up a level: of those done cleanly often enough
    (progress.CLEAN_RUNS_TO_MOVE_UP sessions in a row without pain or "too hard"), the one
    furthest below its target (the article's dose, the last level), the earliest on a tie;
    none in a session that opens by checking on pain or a red flag (graded activity: one
    variable at a time, and only while it is going well)."""
    profile, today = s.profile, coach.clock().date().isoformat()
    if profile.back_check or profile.see_doctor or profile.stepped_up_on == today:
        return
    due = [
        (len(ex.dose.levels) - 1 - s.level_of(coach.routine, index), -index, ex)
        for index, ex in enumerate(coach.routine.exercises)
        if progress.due_to_move_up(profile.clean.get(ex.id, 0))
        and s.level_of(coach.routine, index) + 1 < len(ex.dose.levels)
    ]
    if not due:
        return
    _, _, ex = max(due, key=lambda candidate: candidate[:2])
    profile.levels[ex.id] = profile.levels.get(ex.id, 0) + 1
    profile.clean[ex.id], profile.stepped_up_on = 0, today
    s.place.stepped_up = ex.id


def after_a_break(coach: Coach, s: State) -> None:
    """Two weeks or more since the last session: one level down per two weeks away (never
    below the first, and never twice for one absence), clean runs start again, and every
    exercise is taught in full again; the session's first reply says so."""
    profile = s.profile
    last = day_of(profile.history.last_day)
    if last is None:
        return
    days = (coach.clock().date() - last).days
    due = progress.steps_down(days)
    if due == 0:
        return
    first = profile.break_from != profile.history.last_day  # this break's first opening
    steps = due - (0 if first else profile.break_steps)
    if not first and steps == 0:
        return  # said and done at this break's first opening
    if first:
        profile.relearn = [ex.id for ex in coach.routine.exercises]
    profile.break_from, profile.break_steps = profile.history.last_day, due
    for ex in coach.routine.exercises:
        level = profile.levels.get(ex.id, 0)
        if steps and level > 0:
            profile.levels[ex.id] = max(0, level - steps)
            s.place.stepped_down = True
        profile.clean.pop(ex.id, None)
    s.place.back_after_weeks = days // 7


def as_guest(coach: Coach, s: State) -> Reply:
    """ "I've never done this before" on an account with a routine: this session coaches a
    newcomer (welcome, disclaimer, first level, full steps) with a profile of its own that is
    never saved over the account's; a doctor's okay the account is waiting for still comes
    first, whoever says they are new. On a new account, it is simply the welcome."""
    profile = s.profile
    if s.place.guest:
        return coach.ask(s)  # a guest already: the question again, not a second welcome
    if not (profile.disclaimer_heard or profile.history.last_day):
        return launch(coach, s)
    s.profile = Profile(see_doctor=profile.see_doctor)
    begin_session(coach, s)  # a fresh place: this session's first
    s.place.guest = True
    welcome = launch(coach, s)
    return replace(welcome, parts=(coach.say("welcome.guest"), *welcome.parts))


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
    week = summary.cheer(coach, s) or summary.greeting(coach, s)
    return coach.ask(s, coach.say("welcome.returning"), week)


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
        key = "back.last_time_hard" if s.profile.back_check_hard else "back.last_time"
        return coach.ask(s, coach.say(key, name=hurt.name if hurt else ""))
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


def with_opening_notes(coach: Coach, s: State, reply: Reply) -> Reply:
    """What a session must say first, once, whatever was asked: the disclaimer for someone
    who has never heard it (a one-shot request), after a break that today is easier, and
    which exercise goes up today."""
    if reply.end_session and not reply.directives:
        return reply
    notes: tuple[str, ...] = ()
    if s.place.back_after_weeks and not s.profile.see_doctor:
        key = "back.after_break_easier" if s.place.stepped_down else "back.after_break"
        notes = (coach.say(key, weeks=s.place.back_after_weeks),)
        s.place.back_after_weeks = 0
    up = coach.routine.get(s.place.stepped_up)
    if up is not None and not s.profile.see_doctor:
        dose = coach.phrasing.dose_text(up, s.profile.levels.get(up.id, 0))
        notes = (*notes, coach.say("level.up_today", name=up.name, dose=dose))
        s.place.stepped_up = ""
    if not s.profile.disclaimer_heard:
        s.profile.disclaimer_heard = True
        notes = (*coach.phrasing.disclaimer(), coach.say("pain_rule"), *notes)
    return replace(reply, parts=(*notes, *reply.parts)) if notes else reply
