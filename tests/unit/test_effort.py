"""How it felt decides progress (issue 23, points 1 and 2): "How was that: easy, about right,
or hard?" after an exercise's last set, and a worse answer at the next check-in eases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backcoach.skill.alexa.intents import OPERATIONS, Slots
from backcoach.skill.domain import answers, effort, navigation, opening
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.state import Offer, Pending, Phase, Profile, State

PLANK = "plank"


@pytest.fixture
def day(routine, phrases):
    """A coach on a clock that can be moved on by days."""
    now = [datetime(2026, 12, 1, 18, 0, tzinfo=UTC)]
    return now, Coach(routine, phrases, clock=lambda: now[0])


def finished(coach: Coach, s: State, exercise_id: str = PLANK):
    """Play an exercise's every block, as "ready" does; the reply to its last one."""
    s.place.exercise, s.place.phase = coach.routine.index_of(exercise_id), Phase.INTRO
    reply = navigation.ready(coach, s)
    while s.place.phase == Phase.BETWEEN:
        reply = navigation.ready(coach, s)
    coach.ask(s)  # the question the turn ended on is what a yes or a number answers
    return reply


def say(coach: Coach, s: State, intent: str, score: int | None = None):
    """An intent, as the skill's table runs it."""
    return OPERATIONS[intent](coach, s, Slots(score=score))


def test_the_question_comes_after_the_last_set_and_the_run_waits_for_it(coach):
    s = State(Profile(disclaimer_heard=True))
    reply = finished(coach, s)
    assert reply.text.endswith("How was that: easy, about right, or hard?")
    assert s.place.pending == Pending.EFFORT and PLANK not in s.profile.clean


@pytest.mark.parametrize(
    ("intent", "score", "clean", "check_in"),
    [
        ("RatedEasyIntent", None, 1, False),
        ("RatedRightIntent", None, 1, False),
        ("FeelBetterIntent", None, 1, False),  # "fine"
        ("HarderIntent", None, 1, False),  # "too easy": a rating, not a dose change now
        ("PainScoreIntent", 3, 1, False),  # effort out of 10
        ("PainScoreIntent", 6, 1, False),
        ("RatedHardIntent", None, 0, True),
        ("EasierIntent", None, 0, True),  # "too hard"
        ("PainScoreIntent", 7, 0, True),
    ],
)
def test_easy_or_about_right_counts_and_hard_holds_and_checks_in(
    coach, intent, score, clean, check_in
):
    s = State(Profile(disclaimer_heard=True))
    finished(coach, s)
    reply = say(coach, s, intent, score)
    assert s.profile.clean.get(PLANK, 0) == clean and s.level_of(coach.routine) == 0
    assert reply.text.endswith("Shall we go on to the butt lifter?")
    assert (s.profile.back_check == PLANK) == check_in == s.profile.back_check_hard
    assert s.place.pending == Pending.NEXT


def test_a_bare_yes_or_no_rates_nothing_and_asks_again(coach):
    s = State(Profile(disclaimer_heard=True))
    finished(coach, s)
    for answer in (answers.yes, answers.no):
        assert answer(coach, s).text == coach.say("effort.which")
        assert s.place.pending == Pending.EFFORT and PLANK not in s.profile.clean


def test_going_on_skips_the_question_and_the_run_does_not_count(coach):
    s = State(Profile(disclaimer_heard=True))
    finished(coach, s)
    nxt = navigation.next_exercise(coach, s)
    assert "butt lifter" in nxt.text and PLANK not in s.profile.clean
    assert coach.current(s).id == "butt_lifter"  # any question now is about the butt lifter


def test_pain_said_to_it_is_pain_in_that_exercise(coach):
    s = State(Profile(disclaimer_heard=True))
    finished(coach, s)
    reply = say(coach, s, "PainIntent")
    assert s.place.phase == Phase.PAIN and "plank" in reply.text
    assert s.profile.back_check == PLANK and not s.profile.back_check_hard


@pytest.mark.parametrize(
    ("profile", "why"),
    [
        ({"levels": {PLANK: 99}}, "at the target: nothing left to step up to"),
        ({"clean_on": {PLANK: "2026-12-01"}}, "a second run the same day counts for nothing"),
    ],
)
def test_nothing_is_asked_where_no_step_up_could_follow(day, profile, why):
    now, coach = day
    s = State(Profile(disclaimer_heard=True, **profile))
    reply = finished(coach, s)
    assert "How was that" not in reply.text, why


def test_nothing_is_asked_after_too_hard_during_the_exercise(coach):
    s = State(Profile(disclaimer_heard=True))
    s.place.exercise, s.place.phase = coach.routine.index_of(PLANK), Phase.INTRO
    navigation.ready(coach, s)
    say(coach, s, "EasierIntent")  # mid-exercise: a dose change now, and trouble
    while s.place.phase in (Phase.BETWEEN, Phase.INTRO):
        reply = navigation.ready(coach, s)
    assert "How was that" not in reply.text and s.profile.clean[PLANK] == 0


def test_a_number_is_effort_out_of_ten():
    assert [effort.effort_of(n) for n in (0, 3, 4, 6, 7, 10)] == [
        "easy", "easy", "right", "right", "hard", "hard"
    ]  # fmt: skip


def test_two_rated_days_step_it_up_and_a_hard_one_starts_again(day):
    now, coach = day
    s = State(Profile(disclaimer_heard=True))
    for rating in ("right", "hard", "easy", "right"):
        opening.begin_session(coach, s)
        assert not s.place.stepped_up  # one about right, then hard: the count starts again
        if s.place.offer == Offer.BACK_CHECK:  # the day after "hard": "better"
            answers.back_answer(coach, s, ready=True)
        finished(coach, s)
        effort.rate(coach, s, rating)
        now[0] += timedelta(days=1)
    opening.begin_session(coach, s)
    assert s.place.stepped_up == PLANK and s.profile.levels[PLANK] == 1


def test_still_sore_at_the_check_in_eases_once_and_better_clears_it(day):
    now, coach = day
    s = State(Profile(disclaimer_heard=True, levels={PLANK: 2}))
    finished(coach, s)
    effort.rate(coach, s, effort.HARD)
    now[0] += timedelta(days=1)
    opening.begin_session(coach, s)
    asked = opening.launch(coach, s)
    assert "Last time, the plank felt hard" in asked.text and s.place.pending == Pending.BACK_CHECK
    worse = answers.feels_worse(coach, s)
    assert worse.end_session and "a step easier" in worse.text and s.profile.levels[PLANK] == 1
    now[0] += timedelta(days=1)  # still sore the next day: not eased again
    opening.begin_session(coach, s)
    assert "felt hard" in opening.launch(coach, s).text
    again = answers.feels_worse(coach, s)
    assert again.end_session and "rest today" in again.text and "step easier" not in again.text
    assert s.profile.levels[PLANK] == 1
    now[0] += timedelta(days=1)
    opening.begin_session(coach, s)
    opening.launch(coach, s)
    answers.feels_better(coach, s)
    assert (s.profile.back_check, s.profile.eased_on_check) == ("", "")


def test_still_sore_after_pain_at_the_first_level_eases_nothing(day):
    now, coach = day
    s = State(Profile(disclaimer_heard=True, back_check=PLANK))
    opening.begin_session(coach, s)
    assert "something hurt during the plank" in opening.launch(coach, s).text
    reply = answers.feels_worse(coach, s)
    assert "step easier" not in reply.text and s.profile.levels.get(PLANK, 0) == 0


def test_a_block_cut_short_leaves_nothing_to_ask_about(coach):
    from backcoach.skill.domain.interruptions import arrive

    s = State(Profile(disclaimer_heard=True))
    s.arrived = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    finished(coach, s)
    assert s.place.offer == Offer.EFFORT
    s.arrived += timedelta(seconds=2)
    arrive(s)
    assert s.place.offer == Offer.NONE and s.place.phase != Phase.EXERCISE_DONE
