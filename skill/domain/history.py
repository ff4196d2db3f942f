"""A person's sessions as the coach needs them: this session's entry and a bounded summary.

What a turn reads never grows with the years: the coach speaks about this week, the streak,
and whether an exercise was ever done, so those are kept as running figures next to the
current session's entry. Entries of finished sessions are handed to the store to append
(`closed`), once, and never read back by a turn.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    OnErrorOmit,
    StrictInt,
    StrictStr,
)


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A history entry with the lists every later turn appends to (old rows may lack them)."""
    for key in ("done", "feedback"):
        if not isinstance(entry.get(key), list):
            entry[key] = []
    return entry


Entry = Annotated[dict[str, Any], AfterValidator(_entry)]
"""One session: number, date, started, exercises done, feedback (and a hands-free run id)."""


MaybeEntry = Annotated[Entry | None, BeforeValidator(lambda v: v if isinstance(v, dict) else None)]
"""An entry, or none (anything else stored there reads as none)."""


def day_of(text: object) -> date | None:
    """An ISO date, or None when it isn't one."""
    try:
        return date.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class History(BaseModel):
    """This session's entry, running figures over all sessions, and entries to append."""

    model_config = ConfigDict(extra="ignore")

    latest: MaybeEntry = None
    """The entry of the latest session (edited while that session lasts)."""
    count: StrictInt = 0
    """Sessions ever started; the latest entry's number."""
    week_of: StrictStr = ""
    """Monday (ISO date) of the week `week` counts."""
    week: StrictInt = 0
    """Sessions started in the week of `week_of`."""
    last_day: StrictStr = ""
    """The latest day (ISO date) with a session."""
    streak: StrictInt = 0
    """Consecutive days with a session, ending on `last_day`."""
    done_before: list[OnErrorOmit[StrictStr]] = Field(default_factory=list)
    """Exercise ids done in any session before the latest."""
    closed: list[OnErrorOmit[Entry]] = Field(default_factory=list, exclude=True)
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
        """Fold a session's day into the week's count and the streak (earlier days change
        neither: a clock set back must not rewrite them)."""
        week_of, last = day_of(self.week_of), day_of(self.last_day)
        if week_of is None or _monday(day) > week_of:
            self.week_of, self.week = _monday(day).isoformat(), 1
        elif _monday(day) == week_of:
            self.week += 1
        if last is None or day > last:
            self.streak = self.streak + 1 if last == day - timedelta(days=1) else 1
            self.last_day = day.isoformat()

    def log(self, key: str, value: object) -> None:
        """Add to this session's entry (done or feedback), once."""
        if self.latest is not None and value not in self.latest[key]:
            self.latest[key].append(value)

    def sessions_this_week(self, today: date) -> int:
        """Sessions since Monday of this week."""
        return self.week if self.week_of == _monday(today).isoformat() else 0

    def streak_days(self, today: date) -> int:
        """Consecutive days with a session, ending today (or yesterday, if not yet today)."""
        last = day_of(self.last_day)
        return self.streak if last in (today, today - timedelta(days=1)) else 0

    def ever_done(self, exercise_id: str) -> bool:
        """Whether this exercise was done in any session (today's included)."""
        latest = self.latest["done"] if self.latest else ()
        return exercise_id in self.done_before or exercise_id in latest

    def run_is(self, run_id: str) -> bool:
        """Whether the latest entry is this hands-free run's."""
        return self.latest is not None and self.latest.get("run") == run_id
