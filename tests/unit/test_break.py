"""Back after a break (issue 23, point 4): a level down per two weeks away, never twice for
one absence and never below the first; clean runs start again; every exercise taught in full
again until done; said once, in the session's first answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backcoach.skill.domain import progress
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.opening import begin_session, launch, with_opening_notes
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.domain.state import Profile, State

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
LAST_SESSION = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "steps"), [(0, 0), (6, 0), (13, 0), (14, 1), (20, 1), (27, 1), (28, 2), (90, 6)]
)
def test_a_level_down_per_two_weeks_away(days, steps):
    assert progress.steps_down(days) == steps


def _regular() -> Profile:
    """Someone who has done every exercise, at levels 0 to 4, with clean runs under way."""
    profile = Profile(disclaimer_heard=True)
    profile.history.start(LAST_SESSION)
    for index, ex in enumerate(ROUTINE.exercises):
        profile.history.log("done", ex.id)
        profile.levels[ex.id] = index
        profile.clean[ex.id] = 1
    return profile


def _open(profile: Profile, days_later: float) -> tuple[State, str]:
    now = LAST_SESSION + timedelta(days=days_later)
    coach = Coach(ROUTINE, PHRASES, clock=lambda: now)
    s = State(profile)
    begin_session(coach, s)
    reply = with_opening_notes(coach, s, launch(coach, s))
    return s, " ".join(reply.parts)


def test_three_weeks_away_is_one_level_easier_said_once_and_taught_again():
    s, said = _open(_regular(), 21)
    ids = [ex.id for ex in ROUTINE.exercises]
    assert [s.profile.levels[i] for i in ids] == [0, 0, 1, 2, 3], "one down, not below the first"
    assert s.profile.clean == {}, "clean runs start again"
    assert s.profile.relearn == ids and not any(s.profile.knows(i) for i in ids)
    assert PHRASES.say("back.after_break_easier", weeks=3) in said
    s, said = _open(s.profile, 22)  # the next day, still not exercised: nothing more
    assert [s.profile.levels[i] for i in ids] == [0, 0, 1, 2, 3]
    assert "It's been" not in said
    s, said = _open(s.profile, 29)  # a fourth week: two weeks' worth in all, one more step
    assert [s.profile.levels[i] for i in ids] == [0, 0, 0, 1, 2]
    assert PHRASES.say("back.after_break_easier", weeks=4) in said


def test_under_two_weeks_nothing_changes():
    s, said = _open(_regular(), 13)
    assert list(s.profile.levels.values()) == [0, 1, 2, 3, 4] and not s.profile.relearn
    assert "It's been" not in said and all(s.profile.knows(ex.id) for ex in ROUTINE.exercises)


def test_at_the_first_level_the_break_means_the_steps_again_only():
    profile = _regular()
    profile.levels = {}
    s, said = _open(profile, 30)
    assert PHRASES.say("back.after_break", weeks=4) in said and "easier" not in said


def test_an_exercise_done_after_the_break_is_known_again():
    from backcoach.skill.domain.progression import complete

    s, _ = _open(_regular(), 21)
    now = LAST_SESSION + timedelta(days=21)
    coach = Coach(ROUTINE, PHRASES, clock=lambda: now)
    s.profile.history.start(now)
    first = ROUTINE.exercises[0]
    complete(coach, s, first)
    assert s.profile.knows(first.id) and first.id not in s.profile.relearn
    assert not s.profile.knows(ROUTINE.exercises[1].id)


def test_a_newcomer_has_no_break():
    s, said = _open(Profile(), 100)
    assert s.profile.levels == {} and not s.profile.relearn and "It's been" not in said
