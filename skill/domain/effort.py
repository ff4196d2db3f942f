"""How an exercise felt: "How was that: easy, about right, or hard?" after its last set, and
what each answer does to progression (graded activity: a step up only while it goes well)."""

from __future__ import annotations

from backcoach.skill.domain import reminding
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.progression import counted
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, State

EASY, RIGHT, HARD = "easy", "right", "hard"
"""The ratings (RatedEasyIntent, RatedRightIntent, RatedHardIntent)."""
HARD_EFFORT = 7
"""Effort out of 10 from which an exercise was hard (Borg's CR10 scale: 7 is "very hard")."""
EASY_EFFORT = 3
"""Effort out of 10 up to which it was easy ("moderate" begins above it); between, about right."""


def effort_of(score: int) -> str:
    """A rating from effort out of 10."""
    return HARD if score >= HARD_EFFORT else EASY if score <= EASY_EFFORT else RIGHT


def rate(coach: Coach, s: State, rating: str) -> Reply:
    """An answer to "how was that?": easy or about right counts the run toward the next
    level; hard holds the level (the count starts again) and the next session checks in
    first. Then on to the next exercise, or goodbye after the last."""
    place, profile = s.place, s.profile
    ex = coach.current(s)
    place.offer = Offer.NONE
    said = [coach.say(f"effort.{rating}")]
    if rating == HARD:
        counted(coach, s, ex, troubled=True)
        if not profile.back_check:  # pain's check-in, if any, stands
            profile.back_check, profile.back_check_hard = ex.id, True
    else:
        said.append(counted(coach, s, ex, troubled=False))
    profile.history.log("feedback", {"exercise": ex.id, "said": rating})
    if place.phase == Phase.FINISHED:
        return reminding.finish(coach, s, *said)
    return coach.ask(s, *said)


def rated(coach: Coach, s: State, rating: str) -> Reply | None:
    """A rating said to the question (else None: the words answer something else)."""
    if s.place.pending != Pending.EFFORT or rating not in (EASY, RIGHT, HARD):
        return None
    return rate(coach, s, rating)


def by_number(coach: Coach, s: State, score: int | None) -> Reply | None:
    """A number said to the question, as effort out of 10 (else None)."""
    if s.place.pending != Pending.EFFORT or score is None or not 0 <= score <= 10:
        return None
    return rate(coach, s, effort_of(score))


def said_elsewhere(coach: Coach, s: State, rating: str) -> Reply:
    """ "That was hard" or "that was easy" when nothing asked: what can be done about it."""
    if rating == HARD:
        return coach.ask(s, coach.say("effort.hard_elsewhere"))
    return coach.ask(s, coach.say("chat.glad"))
