"""The hands-free track script: one exercise as a single stream, for the audio build."""

from __future__ import annotations

from backcoach.skill.domain.phrasing import Phrasing
from backcoach.skill.domain.plan import CueWords, Segment, block, units

Item = str | float | Segment
"""A sentence (str), a pause (float seconds) or a timed clip (Segment)."""


def track(
    phrasing: Phrasing, words: CueWords, index: int, level: int, brief: bool = False
) -> tuple[Item, ...]:
    """One exercise as a hands-free track: steps, the long lead-in, every set, what comes
    next. `brief`, for someone who has done it before: its name, today's dose and one key cue
    instead of the steps, and the usual lead-in."""
    exercises, say = phrasing.routine.exercises, phrasing.say
    ex = exercises[index]
    # After the steps, the long lead-in: time to get down into the position just described.
    sets = block(ex, level, 0, words, limited=False, lead_in=True, long_lead_in=not brief)
    if index + 1 < len(exercises):
        closing = say("track.next", name=exercises[index + 1].name)
    else:
        closing = say("track.last")
    if brief:
        body = phrasing.brief_text(index, level)[:2]  # no "say how do I do it" in a stream
    else:
        body = [p for p in phrasing.steps_text(index, level) if p]
    side = units(ex, level)[0].side
    lead = [say("block.lead_side", side=say(f"side.{side}"))] if side else []
    return (*body, *lead, *sets.segments, closing)
