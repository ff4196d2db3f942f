"""Answers to the coach's questions: yes, no, how is your back, pick up where you stopped."""

from __future__ import annotations

from collections.abc import Callable

from backcoach.skill.domain import info, navigation, progress
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, State


def back_answer(coach: Coach, s: State, ready: bool) -> Reply:
    """The answer to "how does your back feel": go on gently, or rest today."""
    s.profile.back_check, s.place.offer = "", Offer.NONE
    if not ready:
        return coach.end(coach.say("back.rest"), coach.say("goodbye"))
    if progress.resumable(s.profile.stopped, coach.clock()):
        s.place.offer = Offer.RESUME
    return coach.ask(s, coach.say("back.gently"))


def resume_routine(coach: Coach, s: State) -> Reply:
    """Yes to "pick up where you stopped?": back to that set, with a recap."""
    return navigation.pick_up(coach, s)


YES: dict[Pending, Callable[[Coach, State], Reply]] = {
    Pending.START: navigation.start_routine,
    Pending.READY: navigation.ready,
    Pending.NEXT: navigation.next_exercise,
    Pending.RESUME: navigation.resume,
    Pending.SKIP: navigation.next_exercise,
    Pending.START_OVER: navigation.start_over,
    Pending.RESUME_ROUTINE: resume_routine,
    Pending.BACK_CHECK: lambda coach, s: back_answer(coach, s, ready=True),
}
"""What "yes" does to each question (RESUME_STREAM is answered by the hands-free handler)."""


def yes(coach: Coach, s: State) -> Reply:
    """Accept whatever the last question offered."""
    action = YES.get(s.place.pending)
    return action(coach, s) if action else info.fallback(coach, s)


def no(coach: Coach, s: State) -> Reply:
    """Decline the last question: end where ending is the alternative, else wait."""
    pending = s.place.pending
    if pending == Pending.RESUME_ROUTINE:
        return navigation.start_routine(coach, s)
    if pending == Pending.RESUME_STREAM:
        s.place.offer, s.place.stream = Offer.NONE, ""
        return coach.ask(s, coach.say("welcome.returning"))
    if pending == Pending.BACK_CHECK:
        return back_answer(coach, s, ready=False)
    if pending in (Pending.READY, Pending.NEXT):
        return navigation.wait(coach, s)  # "not yet": only stop, or "I'm done", ends it
    if pending in (Pending.START, Pending.SKIP, Pending.START_OVER):
        return navigation.stop(coach, s)
    return coach.ask(s)
