"""Timed audio plan: what is said when, for every hold, rep run and rest of the routine."""

from __future__ import annotations

from dataclasses import dataclass

from backcoach.skill.domain.alexa_limits import MAX_AUDIO_S, MAX_AUDIO_TAGS
from backcoach.skill.domain.routine import Exercise, Routine

HOLD_LEAD_S = 1.0
"""From the "Hold" cue to the start of the hold (count k lands k seconds after it)."""
RELEASE_AFTER_S = 1.0
"""From the last count to the release cue."""
LABEL_S = 1.0
"""Time given to a spoken rep number before the first movement cue."""
TAIL_S = 1.5
"""Room left after the last cue of a clip for it to be spoken."""
COUNTDOWN = 3
"""A rest counts down its last three seconds."""


@dataclass(frozen=True)
class CueWords:
    """The words the timed clips speak (from the locale file)."""

    hold: str
    relax: str
    rest: str
    switch_sides: str
    last_one: str


@dataclass(frozen=True)
class Cue:
    """One thing heard at one moment of a clip."""

    at_s: float
    """Onset, in seconds from the clip's start."""
    text: str
    """What is said; empty for a tone."""
    kind: str
    """`say` (a cue), `count` (a timed count whose onset must be exact) or `tone`."""


@dataclass(frozen=True)
class Segment:
    """One precomputed clip: its id, its timeline and its length."""

    clip_id: str
    """Stable id naming the dose ("hold-30s", "reps-butt_lifter-8-right")."""
    kind: str
    """`hold`, `reps` or `rest`."""
    duration_s: float
    """Planned length of the clip."""
    cues: tuple[Cue, ...]
    """Everything heard, in time order."""

    @property
    def onsets_s(self) -> tuple[float, ...]:
        """Planned onsets of the timed counts."""
        return tuple(c.at_s for c in self.cues if c.kind == "count")


@dataclass(frozen=True)
class Unit:
    """One set on one side: the unit a person starts by saying "ready"."""

    set_no: int
    """1-based set number."""
    side: str
    """"right", "left", or "" when the exercise has no sides to switch."""


@dataclass(frozen=True)
class Block:
    """Consecutive units played in one response, within Alexa's limits."""

    segments: tuple[Segment, ...]
    end_unit: int
    """Index after the last unit played."""

    @property
    def duration_s(self) -> float:
        return sum(s.duration_s for s in self.segments)


def _r(t: float) -> float:
    return round(t, 3)


def hold_segment(hold_s: int, words: CueWords) -> Segment:
    """A counted hold: "Hold", counts k at exactly k s after the hold starts, then "and relax"."""
    cues = [Cue(0.0, words.hold, "say")]
    cues += [Cue(_r(HOLD_LEAD_S + k), str(k), "count") for k in range(1, hold_s + 1)]
    release = HOLD_LEAD_S + hold_s + RELEASE_AFTER_S
    cues.append(Cue(_r(release), words.relax, "say"))
    return Segment(f"hold-{hold_s}s", "hold", _r(release + TAIL_S), tuple(cues))


def rest_segment(rest_s: int, words: CueWords, switch_sides: bool = False) -> Segment:
    """A rest: a soft tone, "Rest", the last three seconds counted down, a closing tone."""
    label = f"{words.switch_sides} {words.rest}" if switch_sides else words.rest
    cues = [Cue(0.0, "", "tone"), Cue(0.4, label, "say")]
    cues += [Cue(float(rest_s - k), str(k), "count") for k in range(COUNTDOWN, 0, -1)]
    cues.append(Cue(float(rest_s), "", "tone"))
    kind = "switch" if switch_sides else "rest"
    return Segment(f"{kind}-{rest_s}s", "rest", _r(rest_s + 0.5), tuple(cues))


def reps_segment(exercise: Exercise, reps: int, hold_s: int, side: str, words: CueWords) -> Segment:
    """A run of reps at the exercise's tempo, rep numbers spoken, "last one" before the last."""
    dose = exercise.dose
    cues: list[Cue] = []
    t = 0.0
    alternating = dose.sides == "alternating"
    for i in range(1, reps + 1):
        label = words.last_one if i == reps and reps > 1 else str(i)
        if alternating:
            first, second = dose.tempo
            cues.append(Cue(_r(t), first.cue if i == 1 else label, "say"))
            if i == 1:
                t += LABEL_S
            cues.append(Cue(_r(t + first.seconds), second.cue, "say"))
            t += first.seconds + second.seconds + dose.gap_s
            continue
        cues.append(Cue(_r(t), label, "say"))
        t += LABEL_S
        for phase in dose.tempo:
            cues.append(Cue(_r(t), phase.cue, "say"))
            if phase.counted:
                cues += [
                    Cue(_r(t + HOLD_LEAD_S + k), str(k), "count") for k in range(1, hold_s + 1)
                ]
                t += HOLD_LEAD_S + hold_s + RELEASE_AFTER_S
            else:
                t += phase.seconds
        t += dose.gap_s
    parts = ["reps", exercise.id, str(reps)] + ([f"{hold_s}s"] if hold_s else []) + [side or "both"]
    return Segment("-".join(parts), "reps", _r(t + TAIL_S), tuple(cues))


def units(exercise: Exercise, level: int) -> tuple[Unit, ...]:
    """Every set on every side at this level, in the order they are done."""
    lv = exercise.dose.level(level)
    return tuple(Unit(s, side) for s in range(1, lv.sets + 1) for side in exercise.dose.side_names)


def unit_segment(exercise: Exercise, level: int, side: str, words: CueWords) -> Segment:
    """The clip for one unit (one set on one side) of this exercise at this level."""
    lv = exercise.dose.level(level)
    if exercise.dose.pattern == "holds":
        return hold_segment(lv.hold_s, words)
    return reps_segment(exercise, lv.reps, lv.hold_s, side, words)


def block(
    exercise: Exercise, level: int, start: int, words: CueWords, limited: bool = True
) -> Block:
    """As many units from `start` as fit in one response, with rests or side switches between.

    With `limited` false, every remaining unit (a hands-free track has no response limits).
    """
    todo = units(exercise, level)
    segments: list[Segment] = []
    end = start
    for i in range(start, len(todo)):
        unit = todo[i]
        main = unit_segment(exercise, level, unit.side, words)
        extra = []
        if i > start:
            extra.append(rest_segment(exercise.dose.rest_s, words, unit.side != todo[i - 1].side))
        candidate = segments + extra + [main]
        too_much = (
            len(candidate) > MAX_AUDIO_TAGS or sum(s.duration_s for s in candidate) > MAX_AUDIO_S
        )
        if i > start and limited and too_much:
            break
        segments = candidate
        end = i + 1
    return Block(tuple(segments), end)


def all_segments(routine: Routine, words: CueWords) -> dict[str, Segment]:
    """Every clip any response can play, at every level: what the audio build renders."""
    found: dict[str, Segment] = {}
    for exercise in routine.exercises:
        for level in range(len(exercise.dose.levels)):
            start = 0
            while start < len(units(exercise, level)):
                b = block(exercise, level, start, words)
                for seg in b.segments:
                    found.setdefault(seg.clip_id, seg)
                start = b.end_unit
    return found
