"""A forgiving weekly goal: days with exercise counted by the week, the goal met celebrated
once, and a streak of weeks, never of days (a missed day is never mentioned)."""

from __future__ import annotations

from datetime import date, timedelta

from backcoach.skill.domain.history import day_of
from backcoach.skill.domain.state import Profile

GOALS = range(1, 8)
"""A goal is days a week: at least one, at most seven."""
DEFAULT_GOAL = 3
"""Three days a week, until the person sets another."""


def goal_of(profile: Profile) -> int:
    """The person's weekly goal (one stored out of range reads as the default)."""
    return profile.week_goal if profile.week_goal in GOALS else DEFAULT_GOAL


def monday(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def count_day(profile: Profile, day: date) -> None:
    """Count a day on which an exercise was done (once a day): for the week's goal, the
    month's figure, and the streak of weeks when this day meets the goal."""
    h, week = profile.history, monday(day).isoformat()
    if h.active_week_of != week:
        h.active_week_of, h.active_days = week, []
    if day.isoformat() in h.active_days:
        return
    h.active_days.append(day.isoformat())
    if h.month_of != day.isoformat()[:7]:
        h.month_of, h.month_days, h.month_levels = day.isoformat()[:7], 0, dict(profile.levels)
    h.month_days += 1
    note_met(profile, day)


def note_met(profile: Profile, today: date) -> None:
    """Mark this week's goal met when its days reach it (once a week): on a day counted, or
    a goal lowered to the days already done."""
    h, this = profile.history, monday(today)
    if days_this_week(profile, today) >= goal_of(profile) and h.met_week_of != this.isoformat():
        last = day_of(h.met_week_of)
        h.weeks_met = h.weeks_met + 1 if last == this - timedelta(days=7) else 1
        h.met_week_of = this.isoformat()


def days_this_week(profile: Profile, today: date) -> int:
    """Days with exercise so far this week."""
    h = profile.history
    return len(h.active_days) if h.active_week_of == monday(today).isoformat() else 0


def days_this_month(profile: Profile, today: date) -> int:
    """Days with exercise so far this month."""
    h = profile.history
    return h.month_days if h.month_of == today.isoformat()[:7] else 0


def weeks_in_a_row(profile: Profile, today: date) -> int:
    """Weeks in a row with the goal met, this week's or last week's the latest (this week
    still has time)."""
    h, met = profile.history, day_of(profile.history.met_week_of)
    this = monday(today)
    return h.weeks_met if met in (this, this - timedelta(days=7)) else 0


def to_cheer(profile: Profile, today: date) -> bool:
    """Whether this week's goal is met and not yet celebrated: True once a week, then done."""
    h, week = profile.history, monday(today).isoformat()
    if h.met_week_of != week or h.cheered_week_of == week:
        return False
    h.cheered_week_of = week
    return True
