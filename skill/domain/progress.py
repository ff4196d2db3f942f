"""A person's history and progression: pure functions over plain data (no ASK, no I/O)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

CLEAN_RUNS_TO_MOVE_UP = 2
"""Completions at a level without "too hard" or pain before the level goes up."""
RESUME_WITHIN = timedelta(hours=24)
"""An unfinished routine older than this is not offered for resuming."""
MAX_HISTORY = 120
"""Sessions kept per person (older ones are dropped)."""


def new_entry(now: datetime) -> dict:
    """A history entry for a session that has just started exercising."""
    return {
        "date": now.date().isoformat(),
        "started": now.isoformat(),
        "done": [],
        "feedback": [],
    }


def log_start(history: list[dict], now: datetime) -> list[dict]:
    """History with a new session entry appended (oldest dropped past MAX_HISTORY)."""
    return [*history, new_entry(now)][-MAX_HISTORY:]


def log(history: list[dict], key: str, value: object) -> None:
    """Add to the current session's entry (done, feedback or pain)."""
    if history and value not in history[-1][key]:
        history[-1][key].append(value)


def completed(clean: dict[str, int], exercise_id: str, troubled: bool) -> int:
    """Clean completions at the current level after this one (0 when it was troubled)."""
    clean[exercise_id] = 0 if troubled else clean.get(exercise_id, 0) + 1
    return clean[exercise_id]


def due_to_move_up(clean_runs: int) -> bool:
    """Whether this many clean completions earn the next level."""
    return clean_runs >= CLEAN_RUNS_TO_MOVE_UP


def session_dates(history: list[dict]) -> set[date]:
    """The days on which there was a session."""
    out = set()
    for entry in history:
        try:
            out.add(date.fromisoformat(entry["date"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def sessions_this_week(history: list[dict], today: date) -> int:
    """Sessions since Monday of this week."""
    monday = today - timedelta(days=today.weekday())
    count = 0
    for entry in history:
        try:
            count += monday <= date.fromisoformat(entry["date"]) <= today
        except (KeyError, TypeError, ValueError):
            continue
    return count


def streak_days(history: list[dict], today: date) -> int:
    """Consecutive days with a session, ending today (or yesterday, if not yet today)."""
    days = session_dates(history)
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def resumable(stopped: dict, now: datetime) -> bool:
    """Whether an unfinished routine is recent enough to offer to pick it up."""
    try:
        at = datetime.fromisoformat(stopped["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return timedelta(0) <= now - at <= RESUME_WITHIN


def ever_done(history: list[dict], exercise_id: str) -> bool:
    """Whether the history shows this exercise done in any session (today's included)."""
    return any(exercise_id in (entry.get("done") or ()) for entry in history)
