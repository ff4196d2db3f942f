"""A person's sessions as the coach needs them: this session's entry and a bounded summary.

What a turn reads never grows with the years: the coach speaks about this week against the
person's goal, this month, and whether an exercise was ever done, so those are kept as
running figures next to the current session's entry (weekly.py keeps the week's). Entries
of finished sessions are handed to the store to append (`closed`), once, and never read back
by a turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from backcoach.skill.domain.checked import NOT_STORED, OMIT, After, Before


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A history entry with the lists every later turn appends to (old rows may lack them)."""
    for key in ("done", "feedback"):
        if not isinstance(entry.get(key), list):
            entry[key] = []
    return entry


Entry = Annotated[dict[str, Any], After(_entry)]
"""One session: number, date, started, exercises done, feedback (and a hands-free run id)."""


MaybeEntry = Annotated[Entry | None, Before(lambda v: v if isinstance(v, dict) else None)]
"""An entry, or none (anything else stored there reads as none)."""


def day_of(text: object) -> date | None:
    """An ISO date, or None when it isn't one."""
    try:
        return date.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


Texts = list[Annotated[str, OMIT]]
"""Ids or days; anything else in a stored list is dropped."""


@dataclass
class History:
    """This session's entry, running figures over all sessions, and entries to append."""

    latest: MaybeEntry = None
    """The entry of the latest session (edited while that session lasts)."""
    count: int = 0
    """Sessions ever started; the latest entry's number."""
    last_day: str = ""
    """The latest day (ISO date) with a session."""
    done_before: Texts = field(default_factory=list)
    """Exercise ids done in any session before the latest."""
    active_week_of: str = ""
    """Monday (ISO date) of the week `active_days` are in."""
    active_days: Texts = field(default_factory=list)
    """Days (ISO dates) of that week with an exercise done: the weekly goal counts them."""
    met_week_of: str = ""
    """Monday (ISO date) of the latest week whose goal was met."""
    weeks_met: int = 0
    """Weeks in a row with the goal met, ending with the week of `met_week_of`."""
    cheered_week_of: str = ""
    """Monday (ISO date) of the latest week whose goal met was celebrated (once a week)."""
    month_of: str = ""
    """The month (YYYY-MM) `month_days` counts."""
    month_days: int = 0
    """Days of that month with an exercise done."""
    month_levels: dict[str, Annotated[int, OMIT]] = field(default_factory=dict)
    """Each exercise's level on the month's first day with exercise: what changed since."""
    closed: list[Annotated[Entry, OMIT]] = field(default_factory=list, metadata=NOT_STORED)
    """Entries of sessions finished this turn, for the store to append (never stored here)."""

    @classmethod
    def from_entries(cls, entries: list[Any]) -> History:
        """The history a list of stored entries (oldest first) makes; all but the last closed."""
        history = cls()
        for raw in entries:
            if not isinstance(raw, dict):
                continue
            entry = _entry(dict(raw))
            history.start_entry(entry)
        return history

    def start(self, now: datetime) -> dict[str, Any]:
        """A new session under way: its entry becomes the latest (the previous one is closed)."""
        return self.start_entry(
            {"date": now.date().isoformat(), "started": now.isoformat(), "done": [], "feedback": []}
        )

    def start_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Make `entry` the latest, numbered, and count its day."""
        if self.latest is not None:
            self.closed.append(self.latest)
            done = [d for d in self.latest["done"] if isinstance(d, str)]
            self.done_before = sorted({*self.done_before, *done})
        self.count += 1
        entry["n"] = self.count
        self.latest = entry
        day = day_of(entry.get("date"))
        if day is not None:
            self._count(day)
        return entry

    def _count(self, day: date) -> None:
        """Note a session's day as the latest (an earlier day changes nothing: a clock set
        back must not rewrite it)."""
        last = day_of(self.last_day)
        if last is None or day > last:
            self.last_day = day.isoformat()

    def log(self, key: str, value: object) -> None:
        """Add to this session's entry (done or feedback), once."""
        if self.latest is not None and value not in self.latest[key]:
            self.latest[key].append(value)

    def ever_done(self, exercise_id: str) -> bool:
        """Whether this exercise was done in any session (today's included)."""
        latest = self.latest["done"] if self.latest else ()
        return exercise_id in self.done_before or exercise_id in latest

    def run_is(self, run_id: str) -> bool:
        """Whether the latest entry is this hands-free run's."""
        return self.latest is not None and self.latest.get("run") == run_id
