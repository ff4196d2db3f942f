"""A forgiving weekly goal and "how am I doing?" (issue 24, points 2 and 3): days with exercise
counted by the week, the goal met celebrated once, a streak of weeks, and a summary in one
breath that is also a card with no body part and no pain word."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backcoach.skill.alexa.intents import OPERATIONS, Slots
from backcoach.skill.domain import opening, weekly
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.state import Phase, Profile, State
from tests.unit.test_effort import finished

MONDAY = date(2026, 11, 30)


@pytest.fixture
def day(routine, phrases):
    """A coach on a clock that can be moved on by days (a Monday evening)."""
    now = [datetime(2026, 11, 30, 18, 0, tzinfo=UTC)]
    return now, Coach(routine, phrases, clock=lambda: now[0])


def counted(*days: int, goal: int = 3) -> Profile:
    """A profile with exercise on each of these days after MONDAY."""
    profile = Profile(disclaimer_heard=True, week_goal=goal)
    for n in days:
        weekly.count_day(profile, MONDAY + timedelta(days=n))
    return profile


def test_a_day_counts_once_and_a_week_starts_on_monday():
    profile = counted(0, 0)
    assert weekly.days_this_month(profile, MONDAY) == 1  # November's last day
    for n in (2, 6):
        weekly.count_day(profile, MONDAY + timedelta(days=n))
    assert weekly.days_this_week(profile, MONDAY + timedelta(days=6)) == 3
    assert weekly.days_this_week(profile, MONDAY + timedelta(days=7)) == 0  # next Monday
    assert weekly.days_this_month(profile, MONDAY + timedelta(days=6)) == 2  # 2 and 6 Dec


def test_the_streak_counts_weeks_with_the_goal_met_not_days():
    profile = counted(0, 1, 2, 7, 9, 11)  # two weeks, three days each
    assert weekly.weeks_in_a_row(profile, MONDAY + timedelta(days=11)) == 2
    assert weekly.weeks_in_a_row(profile, MONDAY + timedelta(days=15)) == 2  # this week has time
    assert weekly.weeks_in_a_row(profile, MONDAY + timedelta(days=22)) == 0  # a week missed
    weekly.count_day(profile, MONDAY + timedelta(days=28))
    weekly.count_day(profile, MONDAY + timedelta(days=29))
    weekly.count_day(profile, MONDAY + timedelta(days=30))
    assert weekly.weeks_in_a_row(profile, MONDAY + timedelta(days=30)) == 1, "starts again"


def test_a_goal_of_two_is_met_on_the_second_day():
    profile = counted(0, 3, goal=2)
    assert profile.history.met_week_of == MONDAY.isoformat()
    assert weekly.to_cheer(profile, MONDAY + timedelta(days=3))
    assert not weekly.to_cheer(profile, MONDAY + timedelta(days=4)), "celebrated once a week"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ((), "It's a new week: your goal is 3 days."),
        ((0, 1), "That's 2 of your 3 days this week so far."),
        ((0, 1, 2), "this week's goal already, 3 of 3"),
    ],
)
def test_the_opening_says_where_the_week_stands_and_never_scolds(day, days, said):
    now, coach = day
    profile = counted(*days)
    profile.history.count = 5  # a returning person
    profile.history.cheered_week_of = MONDAY.isoformat()  # the goal met was celebrated
    now[0] = datetime.combine(MONDAY + timedelta(days=3), now[0].timetz())
    s = State(profile)
    opening.begin_session(coach, s)
    text = opening.launch(coach, s).text
    assert said in text
    assert "missed" not in text and "only" not in text


def test_the_week_met_is_celebrated_once_when_the_day_counts(day):
    now, coach = day
    s = State(counted(0, 1))
    now[0] = datetime.combine(MONDAY + timedelta(days=2), now[0].timetz())
    cheer = "That's 3 days this week: your weekly goal, met."
    assert cheer in finished(coach, s, "pelvic_extension").text
    s.place.unit = 0
    assert cheer not in finished(coach, s, "steamroller").text


def test_a_goal_met_without_a_voice_is_celebrated_at_the_next_opening(day):
    now, coach = day
    s = State(counted(0, 1, 2))  # the third day a hands-free run: no speech then
    s.profile.history.count = 3
    now[0] = datetime.combine(MONDAY + timedelta(days=3), now[0].timetz())
    opening.begin_session(coach, s)
    assert "your weekly goal, met" in opening.launch(coach, s).text
    opening.begin_session(coach, s)
    assert "this week's goal already, 3 of 3" in opening.launch(coach, s).text


def test_a_goal_is_set_by_voice_from_one_to_seven_days(coach):
    s = State(Profile(disclaimer_heard=True))
    reply = OPERATIONS["GoalIntent"](coach, s, Slots(score=4))
    assert "your goal is now 4 days a week" in reply.text and s.profile.week_goal == 4
    reply = OPERATIONS["GoalIntent"](coach, s, Slots(score=9))
    assert "from 1 to 7 days" in reply.text and s.profile.week_goal == 4
    reply = OPERATIONS["GoalIntent"](coach, s, Slots())
    assert "Your goal is 4 days a week" in reply.text


def test_how_am_i_doing_in_one_breath_and_as_a_card(day):
    now, coach = day
    s = State(counted(0, 2))
    s.profile.history.count = 2
    s.profile.levels = {"plank": 3}  # up three since the month's first day (levels then: none)
    s.profile.history.month_levels = {}
    now[0] = datetime.combine(MONDAY + timedelta(days=2), now[0].timetz())
    reply = OPERATIONS["StatsIntent"](coach, s, Slots())
    text = reply.text
    assert "This week: 2 of your 3 days." in text
    assert "This month: 1 day of exercise." in text  # 2 December; 30 November was last month
    assert "The plank: 4 holds of 20 seconds, target 5 holds of 30 seconds." in text
    assert "This month, the plank went up." in text
    title, card = reply.card
    assert card.split("\n")[0] == "This week: 2 of your 3 days."
    for word in ("hurt", "pain", "sore", "back", "knee"):
        assert word not in card.lower().replace("back coach", ""), word


def test_someone_with_no_session_hears_so(coach):
    s = State(Profile(disclaimer_heard=True))
    assert "haven't done a session" in OPERATIONS["StatsIntent"](coach, s, Slots()).text


def test_a_weekly_goal_stored_out_of_range_reads_as_three():
    profile = counted(0, 1, 2, goal=0)
    assert profile.history.met_week_of == MONDAY.isoformat()


def test_phase_is_untouched_by_the_summary(coach):
    s = State(counted(0))
    s.profile.history.count = 1
    s.place.phase = Phase.BETWEEN
    OPERATIONS["StatsIntent"](coach, s, Slots())
    assert s.place.phase == Phase.BETWEEN
