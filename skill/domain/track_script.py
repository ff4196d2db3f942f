"""The hands-free track script: one exercise as a single stream, for the audio build."""

from __future__ import annotations

from backcoach.skill.domain.phrasing import Phrasing
from backcoach.skill.domain.plan import CueWords, Segment, block, units

Item = str | float | Segment
"""A sentence (str), a pause (float seconds) or a timed clip (Segment)."""


def track(phrasing: Phrasing, words: CueWords, index: int, level: int) -> tuple[Item, ...]:
    """One exercise as a hands-free track: steps, the lead-in, every set, what comes next."""
    exercises, say = phrasing.routine.exercises, phrasing.say
    ex = exercises[index]
    sets = block(ex, level, 0, words, limited=False, lead_in=True).segments
    if index + 1 < len(exercises):
        closing = say("track.next", name=exercises[index + 1].name)
    else:
        closing = say("track.last")
    body = [p for p in phrasing.steps_text(index, level) if p]
    side = units(ex, level)[0].side
    lead = [say("block.lead_side", side=say(f"side.{side}"))] if side else []
    return (*body, *lead, *sets, closing)
