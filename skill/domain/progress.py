"""Progression: clean runs, moving up, resuming; pure functions over plain data (no I/O)."""

from __future__ import annotations

from datetime import datetime, timedelta

CLEAN_RUNS_TO_MOVE_UP = 2
"""Completions at a level without "too hard" or pain before the level goes up."""
RESUME_WITHIN = timedelta(hours=24)
"""An unfinished routine older than this is not offered for resuming."""
BREAK_DAYS = 14
"""Days without a session after which strength has dropped enough to step down a level, and
the steps are worth hearing again: one level per this many days away (detraining)."""


def steps_down(days_away: int) -> int:
    """Levels to step down after `days_away` days without a session: one per two weeks."""
    return days_away // BREAK_DAYS if days_away >= BREAK_DAYS else 0


def completed(clean: dict[str, int], exercise_id: str, troubled: bool) -> int:
    """Clean completions at the current level after this one (0 when it was troubled)."""
    clean[exercise_id] = 0 if troubled else clean.get(exercise_id, 0) + 1
    return clean[exercise_id]


def due_to_move_up(clean_runs: int) -> bool:
    """Whether this many clean completions earn the next level."""
    return clean_runs >= CLEAN_RUNS_TO_MOVE_UP


def resumable(stopped: dict, now: datetime) -> bool:
    """Whether an unfinished routine is recent enough to offer to pick it up: within a day,
    and, once the person closed it ("stop", "I'm done for today"), only on the same day."""
    try:
        at = datetime.fromisoformat(stopped["at"])
    except (KeyError, TypeError, ValueError):
        return False
    # The day it stopped on, in the zone of now (stored times keep the offset they had).
    day = at.astimezone(now.tzinfo).date() if at.tzinfo and now.tzinfo else at.date()
    if stopped.get("closed") is True and day != now.date():
        return False  # a new day starts today's routine
    return timedelta(0) <= now - at <= RESUME_WITHIN
