"""Interruptions: a block of sets cut short by the next request is not counted as done.

Alexa gives every request a timestamp. When a block of sets is sent, the place keeps that
request's timestamp and how long the block's audio plays; when the next request arrives,
`arrive` compares. If the audio could not have finished, the person stopped listening ("Alexa,
wait", a question, anything): the place goes back to the block's first set, so "resume" or
"ready" plays it again, and an exercise that block finished is taken back as not done.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from backcoach.skill.domain.plan import Segment
from backcoach.skill.domain.state import Offer, Phase, State

TIMESTAMP_SLACK_S = 1.0
"""Alexa's timestamps are whole seconds: a request up to a second early still heard it all."""
FAST_SPEECH_WORDS_PER_S = 3.5
"""Faster than Alexa speaks (about 2.5 words a second): the speech before the clips is
never overestimated, so a request is never taken for an interruption when it was not."""
SLOW_SPEECH_WORDS_PER_S = 2.0
"""Slower than Alexa speaks: a set is taken as heard only once it surely ended, so an
interruption never skips a set the person did not do."""


def speaking_s(sentences: list[str], words_per_s: float = FAST_SPEECH_WORDS_PER_S) -> float:
    """The least time some sentences take to say (they come before a block's clips)."""
    return sum(len(text.split()) for text in sentences) / words_per_s


def set_ends_s(lead: list[str], segments: tuple[Segment, ...]) -> list[float]:
    """When each set among a block's clips has surely ended, counted from when it was sent
    (the speech before them at its slowest)."""
    at, ends = speaking_s(lead, SLOW_SPEECH_WORDS_PER_S), []
    for segment in segments:
        at += segment.duration_s
        if segment.is_set:
            ends.append(round(at, 3))
    return ends


def heard_s(s: State) -> float | None:
    """How long the last block had been playing when this request was sent (None: unknown)."""
    if not s.place.played_at or s.arrived is None:
        return None
    try:
        started = datetime.fromisoformat(s.place.played_at)
    except ValueError:
        return None
    return (s.arrived.astimezone(UTC) - started.astimezone(UTC)).total_seconds()


def arrive(s: State) -> None:
    """A request arrived: settle the block last sent, heard to its end or cut short."""
    place, heard = s.place, heard_s(s)
    undo, place.played_at, place.undo = place.undo, "", {}
    if heard is None or heard + TIMESTAMP_SLACK_S >= place.played_s:
        return
    if place.offer in (Offer.HURT_CHECK, Offer.EFFORT):
        place.offer = Offer.NONE  # the last block was cut short: nothing was finished to ask about
    # Redo from the first set not surely heard to its end: never a set already done.
    done = sum(1 for end_s in place.set_ends_s if heard + TIMESTAMP_SLACK_S >= end_s)
    place.unit, place.interrupted = place.last_block + done, True
    if place.phase in (Phase.BETWEEN, Phase.EXERCISE_DONE, Phase.FINISHED):
        place.phase = Phase.BETWEEN if place.unit else Phase.INTRO
    if undo:
        take_back(s, undo)


LATE_REPORT_S = 120.0
"""Pain told up to this long after the last sets could have ended is about them: Alexa closes
the session about 16 s after its question, and getting up to say "Alexa, tell Back Coach my
knee hurts" takes a moment more."""


def note_sets(s: State, exercise_id: str, level: int, at: str, length_s: float) -> None:
    """Keep, with the profile, the sets just sent (`at`, playing `length_s`): pain told in a
    new session while they could still be playing counts against them (`late_report`)."""
    s.profile.last_sets = {"exercise": exercise_id, "level": level, "at": at, "s": length_s}


def late_report(s: State) -> dict[str, Any] | None:
    """The last block of sets, if this request came while it could still be playing or within
    LATE_REPORT_S after (None otherwise, or when the request has no timestamp)."""
    sets = s.profile.last_sets
    if not sets or s.arrived is None:
        return None
    try:
        at = datetime.fromisoformat(sets["at"])
        length_s = float(sets.get("s") or 0.0)
    except (KeyError, TypeError, ValueError):
        return None
    since_s = (s.arrived.astimezone(UTC) - at.astimezone(UTC)).total_seconds()
    return sets if -TIMESTAMP_SLACK_S <= since_s <= length_s + LATE_REPORT_S else None


def before_completing(s: State, exercise_id: str) -> dict[str, Any]:
    """What completing an exercise will change, as it is now (for `take_back`)."""
    profile = s.profile
    latest = profile.history.latest
    today = latest.get("done") if latest else None
    return {
        "exercise": exercise_id,
        "done": list(s.place.done),
        "history_done": list(today) if isinstance(today, list) else None,
        "clean": profile.clean.get(exercise_id),
        "clean_on": profile.clean_on.get(exercise_id),
    }


def take_back(s: State, undo: dict[str, Any]) -> None:
    """Undo a completion whose audio was cut short: it was never heard, so it never counts."""
    profile, exercise_id = s.profile, undo.get("exercise")
    if not isinstance(exercise_id, str):
        return
    s.place.done = [d for d in undo.get("done") or [] if isinstance(d, str)]
    latest = profile.history.latest
    if latest is not None and isinstance(undo.get("history_done"), list):
        latest["done"] = list(undo["history_done"])
    for kept, value in (
        (profile.clean, undo.get("clean")),
        (profile.clean_on, undo.get("clean_on")),
    ):
        if value is None:
            kept.pop(exercise_id, None)
        else:
            kept[exercise_id] = value
