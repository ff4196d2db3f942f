"""Reminders by voice (pure): when to offer one, which days and time it rings, and what is
said about it; the Alexa Reminders API itself is the adapter's (skill/alexa/reminders.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from backcoach.skill.domain import weekly
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.history import day_of
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, State

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""Days as the Reminders API's recurrence rules name them, Monday first."""
ASK_AGAIN_AFTER = timedelta(days=7)
"""An offer declined, or a reminder that could not be set, is not offered again for a week."""


@dataclass(frozen=True)
class Remind:
    """What the adapter is asked to do with the Reminders API (a reply's `remind`)."""

    action: str
    """"create" (replacing the one set, if any), "delete" or "list"."""
    days: tuple[str, ...] = ()
    hour: int = 0
    minute: int = 0
    text: str = ""
    allowed: bool = False
    """The permission was just granted by voice (the request may not say so yet)."""


def may_offer(coach: Coach, s: State) -> bool:
    """Whether a finished session may end on the offer: a good one (no pain, no trouble),
    someone with no reminder set, not offered in the last week, and not a guest's."""
    place, profile = s.place, s.profile
    asked = day_of(profile.reminder_asked_on)
    today = coach.clock().date()
    recent = asked is not None and today - asked < ASK_AGAIN_AFTER
    good = place.phase == Phase.FINISHED and not place.pain and not place.trouble
    return good and not profile.reminder and not recent and not place.guest


def finish(coach: Coach, s: State, *said: str) -> Reply:
    """The natural end of a finished session (nothing hurt; how it felt answered): a goodbye,
    or, after a good one, "Want me to remind you?" first (asked once: the day is noted now).
    "Stop" ends without it (navigation.stop)."""
    s.place.pending, s.place.done_for_today = Pending.NONE, True
    if not may_offer(coach, s):
        return coach.end(*said, coach.say("goodbye"))
    s.place.offer = Offer.REMIND
    s.profile.reminder_asked_on = coach.clock().date().isoformat()
    return coach.ask(s, *said)


def schedule(goal: int, now: datetime) -> tuple[tuple[str, ...], int, int]:
    """The days (spread over the week from today, as many as the goal's days) and the time
    (now, to the nearest five minutes) a reminder rings."""
    today = now.weekday()
    days = sorted({(today + round(i * 7 / goal)) % 7 for i in range(goal)})
    minutes = round((now.hour * 60 + now.minute) / 5) * 5 % (24 * 60)
    return tuple(DAYS[d] for d in days), minutes // 60, minutes % 60


PARTS_OF_DAY = {"MO": (8, 0), "AF": (14, 0), "EV": (19, 0), "NI": (21, 0)}
"""When "in the morning", "afternoon", "evening" or "at night" rings (Alexa's AMAZON.TIME)."""


GROUPS = {"weekdays": DAYS[:5], "weekends": DAYS[5:], "daily": DAYS}
"""Days said as a group ("weekdays", "every day")."""


def create(coach: Coach, s: State, at: str | None = None, on: tuple[str, ...] = ()) -> Reply:
    """Yes to the offer, "remind me", or "remind me on Tuesdays and Thursdays at 7 pm": ask
    the adapter to set it (replacing any), on the days and at the time said, else as many
    days as the weekly goal from today, at this time."""
    days, hour, minute = schedule(weekly.goal_of(s.profile), coach.clock())
    said = _time(at)
    if said is not None:
        hour, minute = said
    chosen = {d for day in on for d in GROUPS.get(day, (day,)) if d in DAYS}
    if chosen:
        days = tuple(d for d in DAYS if d in chosen)
    ask = Remind("create", days, hour, minute, coach.say("remind.text"))
    return replace(coach.ask(s), remind=ask)


def when(coach: Coach, days: tuple[str, ...], hour: int, minute: int) -> str:
    """The days and time as said ("on Mondays, Wednesdays and Fridays at 6:30 pm")."""
    clock = f"{(hour - 1) % 12 + 1}:{minute:02d} {'am' if hour < 12 else 'pm'}"
    clock = clock.replace(":00 ", " ")
    if len(days) == 7:
        return coach.say("remind.daily", clock=clock)
    names = coach.phrasing.listed([coach.say(f"remind.day.{d}") for d in days])
    return coach.say("remind.when", days=names, clock=clock)


def done(coach: Coach, s: State, ask: Remind, outcome: str, token: str = "") -> Reply:
    """What the Reminders API's answer means to the person ("done", "no_permission", "full",
    "unavailable"): said once, and a failure is not offered again for a week."""
    profile = s.profile
    s.place.offer = Offer.NONE if s.place.offer == Offer.REMIND else s.place.offer
    if outcome != "done":
        profile.reminder_asked_on = coach.clock().date().isoformat()
        return coach.end(coach.say(f"remind.{outcome}"), coach.say("goodbye"))
    if ask.action == "delete":
        profile.reminder, profile.reminder_when = "", ""
        return coach.ask(s, coach.say("remind.stopped"))
    if ask.action == "list":
        said = profile.reminder_when if token else ""
        return coach.ask(s, coach.say("remind.is", when=said) if said else coach.say("remind.none"))
    profile.reminder = token
    profile.reminder_when = when(coach, ask.days, ask.hour, ask.minute)
    return coach.end(coach.say("remind.set", when=profile.reminder_when), coach.say("goodbye"))


def answered(coach: Coach, s: State, accepted: bool) -> Reply:
    """Alexa's answer to asking for the permission: granted, set it; else say so, once."""
    if not accepted:
        return done(coach, s, Remind("create"), "no_permission")
    reply = create(coach, s)
    return replace(reply, remind=replace(reply.remind, allowed=True))


def declined(coach: Coach, s: State) -> Reply:
    """No to the offer: a goodbye, and the offer not made again for a week."""
    s.place.offer = Offer.NONE
    return coach.end(coach.say("remind.declined"), coach.say("goodbye"))


def stop(coach: Coach, s: State) -> Reply:
    """ "Stop reminding me": ask the adapter to delete the reminder this skill set."""
    if not s.profile.reminder:
        return coach.ask(s, coach.say("remind.none"))
    return replace(coach.ask(s), remind=Remind("delete"))


def listing(coach: Coach, s: State) -> Reply:
    """ "What are my reminders?": ask the adapter whether the one set is still there."""
    if not s.profile.reminder:
        return coach.ask(s, coach.say("remind.none"))
    return replace(coach.ask(s), remind=Remind("list"))


def _time(value: str | None) -> tuple[int, int] | None:
    """An AMAZON.TIME value as hour and minute ("19:30", "EV"), else None."""
    if value in PARTS_OF_DAY:
        return PARTS_OF_DAY[value]
    hour, _, minute = (value or "").partition(":")
    if hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60:
        return int(hour), int(minute)
    return None
