"""Timed audio plan: what is said when, for every hold, rep run and rest of the routine."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from backcoach.skill.domain.alexa_limits import MAX_AUDIO_S, MAX_AUDIO_TAGS
from backcoach.skill.domain.routine import Exercise, Routine

LABEL_S = 1.0
"""Time given to a spoken rep number ("Rep 2") before the first movement cue."""
SIDE_LABEL_S = 1.4
"""Time given to a rep number with its side ("Rep 2, right")."""
RELEASE_S = 2.0
"""Room after a hold's last count when nothing follows it in the clip ("5, and relax")."""
TAIL_S = 1.5
"""Room left after the last cue of a clip for it to be spoken."""
COUNTDOWN = 3
"""A rest or a lead-in counts down its last three seconds."""
REST_SAY_AT_S = 0.4
"""A rest's first words, just after its opening tone."""
REST_LABEL_S = 2.5
"""Room kept for "Switch sides. Rest" before a rest names what comes next."""
NEXT_S = 3.0
"""Room for "Next: set 2 of 3, left side", said just before the countdown."""
LEAD_IN_S = 8.0
"""From the start of the lead-in to the end of its countdown: time to get into position."""
LEAD_IN_ID = "lead-in"
"""Clip id of the one lead-in clip (it names nothing, so every exercise shares it)."""
LONG_LEAD_IN_S = 15.0
"""The lead-in after an exercise's steps: getting down onto the floor for the first time, in
the position just described, takes longer than between sets."""
LONG_LEAD_IN_ID = "lead-in-long"
SETTLE_AT_S = 6.0
"""When the long lead-in reassures ("Take your time"), between its first words and the count."""


@dataclass(frozen=True)
class CueWords:
    """The words the timed clips speak (from the locale file); `{…}` are filled in here."""

    hold: str
    relax: str
    rest: str
    switch_sides: str
    rep: str
    """A rep number: `Rep {n}`."""
    last_rep: str
    rep_side: str
    """A rep label with its side, or with an alternating side's cue: `{rep}, {side}`."""
    count_then: str
    """A hold's last count with the cue that ends the hold: `{n}, {then}`."""
    next_hold: str
    """A rest naming the next hold: `Next: hold {n} of {total}.`"""
    next_set: str
    """A rest naming the next set: `Next: set {n} of {total}.`"""
    next_side: str
    """A rest naming the next side of a single set: `Next: {side} side.`"""
    next_set_side: str
    """A rest naming the next set and side: `Next: set {n} of {total}, {side} side.`"""
    lead_in: str
    """The lead-in's words, before its countdown."""
    lead_in_settle: str
    """What the long lead-in says halfway, after the steps: `Take your time.`"""
    right: str
    left: str

    def side(self, side: str) -> str:
        """The spoken name of a side ("right", "left")."""
        return {"right": self.right, "left": self.left}[side]

    def rep_label(self, n: int, reps: int, side: str = "", bare: bool = False) -> str:
        """A rep's label: "Rep 2", "Last rep", "Rep 2, right"; `bare`: "2, right"."""
        if n == reps and reps > 1:
            label = self.last_rep
        else:
            label = str(n) if bare else self.rep.format(n=n)
        return self.rep_side.format(rep=label, side=side) if side else label


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
    """`hold`, `reps`, `rest` or `lead_in`."""
    duration_s: float
    """Planned length of the clip."""
    cues: tuple[Cue, ...]
    """Everything heard, in time order."""

    @property
    def onsets_s(self) -> tuple[float, ...]:
        """Planned onsets of the timed counts."""
        return tuple(c.at_s for c in self.cues if c.kind == "count")

    @property
    def is_set(self) -> bool:
        """True for the work of one set (a hold or a run of reps), not a rest or lead-in."""
        return self.kind in ("hold", "reps")


@dataclass(frozen=True)
class Unit:
    """One set on one side: the unit a person starts by saying "ready"."""

    set_no: int
    """1-based set number."""
    side: str
    """"right", "left", or "" when the exercise has no sides to switch."""


@dataclass(frozen=True)
class Upcoming:
    """What a rest announces: the set (or hold) that follows it."""

    number: int
    total: int
    side: str = ""
    holds: bool = False
    """True when the sets are holds ("hold 2 of 3")."""

    def text(self, words: CueWords) -> str:
        """What is said: "Next: hold 2 of 3.", "Next: set 2 of 3, left side."…"""
        if self.holds:
            return words.next_hold.format(n=self.number, total=self.total)
        if self.side and self.total == 1:
            return words.next_side.format(side=words.side(self.side))
        if self.side:
            side = words.side(self.side)
            return words.next_set_side.format(n=self.number, total=self.total, side=side)
        return words.next_set.format(n=self.number, total=self.total)

    @property
    def id_suffix(self) -> str:
        """The same, for a clip id: "hold-2of3", "set-2of3-left", "left"."""
        if self.holds:
            return f"hold-{self.number}of{self.total}"
        if self.side and self.total == 1:
            return self.side
        return "-".join(filter(None, (f"set-{self.number}of{self.total}", self.side)))


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
    return round(float(t), 3)


def _counts(t: float, hold_s: int) -> list[Cue]:
    """A hold starting at `t`: counts 1 … hold_s-1, count k exactly k s in.

    The last count, at exactly `t + hold_s`, is said with the cue that ends the hold
    (`_last_count`), so from "Hold" to "relax" the hold heard is exactly hold_s long.
    """
    return [Cue(_r(t + k), str(k), "count") for k in range(1, hold_s)]


def _last_count(t: float, hold_s: int, then: str, words: CueWords) -> Cue:
    """The hold's last count and what follows it, in one breath: "3, Lower slowly"."""
    return Cue(_r(t), words.count_then.format(n=hold_s, then=then), "count")


def hold_segment(hold_s: int, words: CueWords) -> Segment:
    """A counted hold: "Hold" as it starts, count k at exactly k s, "hold_s, and relax"."""
    cues = [Cue(0.0, words.hold, "say"), *_counts(0.0, hold_s)]
    cues.append(_last_count(hold_s, hold_s, words.relax, words))
    return Segment(f"hold-{hold_s}s", "hold", _r(hold_s + RELEASE_S), tuple(cues))


def _countdown(end_s: float, kind: str) -> list[Cue]:
    """Counts 3, 2, 1 on the last three seconds before `end_s`."""
    return [Cue(_r(end_s - k), str(k), kind) for k in range(COUNTDOWN, 0, -1)]


def rest_segment(
    rest_s: int, words: CueWords, switch_sides: bool = False, upcoming: Upcoming | None = None
) -> Segment:
    """A rest: a tone, "Rest", what comes next, the last three seconds counted down, a tone."""
    label = f"{words.switch_sides} {words.rest}" if switch_sides else words.rest
    said = [Cue(REST_SAY_AT_S, label, "say")]
    if upcoming is not None:
        next_at = rest_s - COUNTDOWN - NEXT_S
        if next_at >= REST_SAY_AT_S + REST_LABEL_S:
            # Said just before the countdown, when it is about to matter.
            said.append(Cue(_r(next_at), upcoming.text(words), "say"))
        else:  # a short rest has room for one sentence only
            said = [Cue(REST_SAY_AT_S, f"{label} {upcoming.text(words)}", "say")]
    cues = [
        Cue(0.0, "", "tone"),
        *said,
        *_countdown(rest_s, "count"),
        Cue(float(rest_s), "", "tone"),
    ]
    clip_id = f"{'switch' if switch_sides else 'rest'}-{rest_s}s"
    if upcoming is not None:
        clip_id += f"-{upcoming.id_suffix}"
    return Segment(clip_id, "rest", _r(rest_s + 0.5), tuple(cues))


def lead_in_segment(words: CueWords, long: bool = False) -> Segment:
    """The start of a set: a tone, "Get into position", "3, 2, 1", a closing tone; `long`
    (after the steps) gives LONG_LEAD_IN_S and says "Take your time" on the way.

    Its countdown is placed as exactly as every cue but is not a count of the work: it is
    kept out of `onsets_s`, whose first entry stays a track's first hold count.
    """
    end_s = LONG_LEAD_IN_S if long else LEAD_IN_S
    settle = [Cue(SETTLE_AT_S, words.lead_in_settle, "say")] if long else []
    cues = [
        Cue(0.0, "", "tone"),
        Cue(REST_SAY_AT_S, words.lead_in, "say"),
        *settle,
        *_countdown(end_s, "say"),
        Cue(end_s, "", "tone"),
    ]
    clip_id = LONG_LEAD_IN_ID if long else LEAD_IN_ID
    return Segment(clip_id, "lead_in", _r(end_s + 0.5), tuple(cues))


def _tempo_cues(
    t: float, exercise: Exercise, hold_s: int, words: CueWords
) -> tuple[list[Cue], float]:
    """One rep's movements from `t`; a counted hold ends on the next movement's cue."""
    cues: list[Cue] = []
    held = False
    for phase in exercise.dose.tempo:
        if held:
            cues.append(_last_count(t, hold_s, phase.cue, words))
        else:
            cues.append(Cue(_r(t), phase.cue, "say"))
        if phase.counted:
            cues += _counts(t, hold_s)
        t += hold_s if phase.counted else phase.seconds
        held = phase.counted
    if held:  # the hold ends the rep: its last count says "and relax"
        cues.append(_last_count(t, hold_s, words.relax, words))
        t += RELEASE_S
    return cues, t


def reps_segment(exercise: Exercise, reps: int, hold_s: int, side: str, words: CueWords) -> Segment:
    """A run of reps at the exercise's tempo, each one announced ("Rep 2, right"), last one too."""
    dose = exercise.dose
    cues: list[Cue] = []
    t = 0.0
    for i in range(1, reps + 1):
        if dose.sides == "alternating":
            # Both sides every rep; the number rides on the first side's cue to keep the pace
            # ("2, Right knee" fits one movement; with "Rep" it would need speeding up, and
            # with no hold counted there is no other number to tell it from).
            first, second = dose.tempo
            cues.append(Cue(_r(t), words.rep_label(i, reps, first.cue, bare=True), "say"))
            if i == 1:
                t += LABEL_S
            cues.append(Cue(_r(t + first.seconds), second.cue, "say"))
            t += first.seconds + second.seconds + dose.gap_s
            continue
        cues.append(Cue(_r(t), words.rep_label(i, reps, words.side(side) if side else ""), "say"))
        t += SIDE_LABEL_S if side else LABEL_S
        movements, t = _tempo_cues(t, exercise, hold_s, words)
        cues += movements
        t += dose.gap_s
    parts = ["reps", exercise.id, str(reps)] + ([f"{hold_s}s"] if hold_s else []) + [side or "both"]
    return Segment("-".join(parts), "reps", _r(t + TAIL_S), tuple(cues))


def units(exercise: Exercise, level: int) -> tuple[Unit, ...]:
    """Every set on every side at this level, in the order they are done."""
    lv = exercise.dose.level(level)
    return tuple(Unit(s, side) for s in range(1, lv.sets + 1) for side in exercise.dose.side_names)


@lru_cache(maxsize=1024)  # blocks from every start reuse it: at start-up, and on every set played
def unit_segment(exercise: Exercise, level: int, side: str, words: CueWords) -> Segment:
    """The clip for one unit (one set on one side) of this exercise at this level."""
    lv = exercise.dose.level(level)
    if exercise.dose.pattern == "holds":
        return hold_segment(lv.hold_s, words)
    return reps_segment(exercise, lv.reps, lv.hold_s, side, words)


@lru_cache(maxsize=1024)
def rest_before(exercise: Exercise, level: int, index: int, words: CueWords) -> Segment:
    """The rest between unit `index - 1` and unit `index`, naming unit `index`."""
    todo = units(exercise, level)
    unit, before = todo[index], todo[index - 1]
    sets = exercise.dose.level(level).sets
    upcoming = Upcoming(unit.set_no, sets, unit.side, exercise.dose.pattern == "holds")
    return rest_segment(exercise.dose.rest_s, words, unit.side != before.side, upcoming)


def block(
    exercise: Exercise,
    level: int,
    start: int,
    words: CueWords,
    limited: bool = True,
    lead_in: bool = False,
    long_lead_in: bool = False,
) -> Block:
    """As many units from `start` as fit in one response, with rests or side switches between.

    With `lead_in`, the lead-in clip comes first ("Get into position … 3, 2, 1"). With
    `limited` false, every remaining unit (a hands-free track has no response limits).
    """
    todo = units(exercise, level)
    segments: list[Segment] = [lead_in_segment(words, long_lead_in)] if lead_in else []
    end = start
    for i in range(start, len(todo)):
        main = unit_segment(exercise, level, todo[i].side, words)
        extra = [rest_before(exercise, level, i, words)] if i > start else []
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
    """Every clip any response can play, at every level: what the audio build renders.

    A block may start at any unit (a set redone after an interruption), with or without the
    lead-in, so every start is walked: still a small, finite set of clips.
    """
    found: dict[str, Segment] = {}
    for exercise in routine.exercises:
        for level in range(len(exercise.dose.levels)):
            for start in range(len(units(exercise, level))):
                for lead_in in (False, True):
                    for seg in block(exercise, level, start, words, lead_in=lead_in).segments:
                        found.setdefault(seg.clip_id, seg)
    found.setdefault(LONG_LEAD_IN_ID, lead_in_segment(words, long=True))
    return found
