"""'Delete my data' (pure): asked once more, then everything kept about the person goes (the
adapter deletes their rows and this skill's reminders)."""

from __future__ import annotations

from dataclasses import replace

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, State


def ask(coach: Coach, s: State) -> Reply:
    """ "Delete my data": what goes, and are they sure (nothing is deleted on one sentence).
    A guest's session keeps nothing, and the account's data is not theirs to delete."""
    if s.place.guest:
        return coach.ask(s, coach.say("forget.guest"))
    s.place.offer = Offer.FORGET
    return coach.ask(s, coach.say("forget.what"))


def confirmed(coach: Coach, s: State) -> Reply:
    """Yes: everything goes, and the session ends (the adapter deletes, then says so)."""
    s.place.offer = Offer.NONE
    return replace(coach.end(coach.say("forget.done")), forget=True)


def kept(coach: Coach, s: State) -> Reply:
    """No: nothing is deleted."""
    s.place.offer = Offer.NONE
    return coach.ask(s, coach.say("forget.kept"))
