"""What a person hears about their own progress: the week against their goal, the month, and
each exercise against the article's target; said in one breath and shown as a card they
could hand a physiotherapist (names, doses and counts only: no body part, no pain word)."""

from __future__ import annotations

from dataclasses import replace

from backcoach.skill.domain import weekly
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import State


def greeting(coach: Coach, s: State) -> str:
    """Where the week stands, for a returning person's welcome: never a missed day."""
    today, goal = coach.clock().date(), weekly.goal_of(s.profile)
    done = weekly.days_this_week(s.profile, today)
    if done == 0:
        return coach.say("week.fresh", goal=goal)
    if done >= goal:
        return coach.say("week.met", n=done, goal=goal)
    return coach.say("week.some", n=done, goal=goal)


def cheer(coach: Coach, s: State) -> str:
    """The week's goal met, said once that week ("" otherwise)."""
    if not weekly.to_cheer(s.profile, coach.clock().date()):
        return ""
    return coach.say("week.cheer", goal=weekly.goal_of(s.profile))


def set_goal(coach: Coach, s: State, days: int | None) -> Reply:
    """ "Set my goal to four days a week"; without a number, the goal as it is."""
    if days is None:
        return coach.ask(s, coach.say("week.goal_is", goal=weekly.goal_of(s.profile)))
    if days not in weekly.GOALS:
        return coach.ask(s, coach.say("week.goal_range"))
    s.profile.week_goal = days
    weekly.note_met(s.profile, coach.clock().date())  # a goal lowered to the days done is met
    said = coach.say("week.goal_set.one" if days == 1 else "week.goal_set.many", n=days)
    return coach.ask(s, said, cheer(coach, s))


def how_am_i_doing(coach: Coach, s: State) -> Reply:
    """The week, the month, each exercise against its target, and what went up this month;
    the same as a card for the Alexa app."""
    profile, say = s.profile, coach.say
    if not profile.history.count:
        return coach.ask(s, say("stats.none"))
    today, goal = coach.clock().date(), weekly.goal_of(s.profile)
    week = weekly.days_this_week(profile, today)
    month = weekly.days_this_month(profile, today)
    lines = [
        say("summary.week_over" if week > goal else "summary.week", n=week, goal=goal),
        say("summary.month.one" if month == 1 else "summary.month.many", n=month),
        *_exercises(coach, s),
        _changed(coach, s, month),
    ]
    in_a_row = weekly.weeks_in_a_row(profile, today)
    if in_a_row > 1:
        lines.append(say("summary.weeks", n=in_a_row))
    lines = [line for line in lines if line]
    title = say("summary.card_title")
    reply = coach.ask(s, *lines, card=(title, "\n".join(lines)))
    return replace(reply, panel=(title, " ".join(lines)))


def _exercises(coach: Coach, s: State) -> list[str]:
    """Each exercise's dose now, against its target."""
    out = []
    for i, ex in enumerate(coach.routine.exercises):
        level, top = s.level_of(coach.routine, i), len(ex.dose.levels) - 1
        dose = coach.phrasing.short_dose(ex, level)
        if level >= top:
            out.append(coach.say("summary.at_target", name=ex.name, dose=dose))
        else:
            target = coach.phrasing.short_dose(ex, top)
            out.append(coach.say("summary.exercise", name=ex.name, dose=dose, target=target))
    return out


def _changed(coach: Coach, s: State, month: int) -> str:
    """Which exercises went up this month (levels on its first day with exercise, to now)."""
    if not month:
        return ""
    then = s.profile.history.month_levels
    up = [
        f"the {ex.name}"
        for i, ex in enumerate(coach.routine.exercises)
        if s.level_of(coach.routine, i) > then.get(ex.id, 0)
    ]
    if not up:
        return coach.say("summary.steady")
    return coach.say("summary.up", names=coach.phrasing.listed(up))
