"""What an Echo Show's screen shows for a turn: a plain datasource built from the state and
the reply (pure; the APL document and directives are assembled in skill/alexa/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import parse_token
from backcoach.skill.domain.interruptions import speaking_s
from backcoach.skill.domain.plan import Segment, Unit, units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.routine import Exercise
from backcoach.skill.domain.state import Pending, Phase, State

ClipLength = Callable[[str], float | None]
"""Seconds a built clip plays, by clip id (from the audio catalog); None when not built."""


class Kind(StrEnum):
    """Which screen a turn shows (the APL document lays each one out)."""

    INTRO = "intro"
    """An exercise begins: its steps, then the lead-in and its sets."""
    SET = "set"
    """Sets play, counted, with the bar moving."""
    REST = "rest"
    """Between sets, waiting for "ready" (or paused)."""
    BETWEEN = "between"
    """Between exercises: what comes next."""
    PAIN = "pain"
    """Stopped for pain."""
    DONE = "done"
    """The routine is over."""
    SUMMARY = "summary"
    """ "How am I doing?": the week, the month and each exercise, as the card says them."""


PLAIN = frozenset({Kind.PAIN, Kind.DONE, Kind.SUMMARY})
"""Screens of a heading and a message: nothing of an exercise (no steps, set or bar)."""


WAITING = {
    Phase.INTRO: Kind.INTRO,
    Phase.BETWEEN: Kind.REST,
    Phase.PAUSED: Kind.REST,
    Phase.EXERCISE_DONE: Kind.BETWEEN,
    Phase.IDLE: Kind.BETWEEN,
    Phase.PAIN: Kind.PAIN,
    Phase.FINISHED: Kind.DONE,
}
"""The screen of a turn that plays no sets, by the phase it leaves."""

ASKED = {
    Pending.START: "screen.start",
    Pending.RESUME_ROUTINE: "screen.pick_up",
    Pending.RESUME_STREAM: "screen.resume_stream",
    Pending.BACK_CHECK: "screen.back_check",
    Pending.MEDICAL_CHECK: "screen.yes_no",
    Pending.LEAK_CHECK: "screen.yes_no",
    Pending.HURT_CHECK: "screen.hurt_check",
    Pending.PAIN_SCORE: "screen.pain_score",
    Pending.EFFORT: "screen.effort",
    Pending.REMIND: "screen.yes_no",
    Pending.FORGET: "screen.yes_no",
}
"""What to say, on screen, to a question the voice ended on that is not about the exercise
under way (those are worded from the phase: ready, resume, skip or stop)."""


@dataclass(frozen=True)
class Beat:
    """One stretch of the turn's audio, in order: the screen follows it."""

    label: str
    """What the set counter shows meanwhile ("" while speech plays: it is left as it is)."""
    ms: int
    """How long it lasts."""
    bar: bool
    """Whether the progress bar fills over it (a set, rest or lead-in clip; not speech)."""


def kind_of(s: State, reply: Reply) -> Kind:
    """The screen for this turn: the sets it plays, else the phase it leaves."""
    if reply.panel is not None:
        return Kind.SUMMARY
    if s.place.phase == Phase.PAIN:
        return Kind.PAIN
    segments = reply.segments
    if s.place.last_block == 0 and any(seg.kind == "lead_in" for seg in segments):
        return Kind.INTRO  # the top of an exercise (every block has a lead-in)
    if any(seg.is_set for seg in segments):
        return Kind.SET
    return WAITING[s.place.phase]


def set_label(coach: Coach, ex: Exercise, level: int, unit: Unit) -> str:
    """The set counter for one unit: "Set 2 of 3 · hold 10 s", "Set 1 of 2 · 8 reps · right side"
    (the numbers from the routine)."""
    say, lv = coach.say, ex.dose.level(level)
    parts = [say("screen.set", n=unit.set_no, total=lv.sets)]
    if ex.dose.pattern == "reps":
        parts.append(say("screen.reps", n=lv.reps))
    if lv.hold_s:
        parts.append(say("screen.hold", s=lv.hold_s))
    if unit.side:
        parts.append(say("screen.side", side=coach.words.side(unit.side)))
    return " · ".join(parts)


def beats(
    coach: Coach, s: State, reply: Reply, clip_s: ClipLength | None = None
) -> tuple[Beat, ...]:
    """The reply's audio as beats: speech, then each clip at the length the audio plays
    (the built clip's when there is one, else the plan's), labelled with its set."""
    ex, level = coach.current(s), s.level_of(coach.routine)
    todo = units(ex, level)
    next_unit = s.place.last_block
    out: list[Beat] = []
    speech: list[str] = []
    for part in reply.parts:
        if isinstance(part, str):
            speech.append(part)
            continue
        if speech:
            out.append(Beat("", round(speaking_s(speech) * 1000), False))
            speech = []
        if part.is_set and next_unit < len(todo):
            label = set_label(coach, ex, level, todo[next_unit])
            next_unit += 1
        else:
            label = _clip_label(coach, part, ex)
        out.append(Beat(label, _clip_ms(part, clip_s), True))
    return tuple(out)


def _clip_label(coach: Coach, seg: Segment, ex: Exercise) -> str:
    """What the counter shows during a rest or the lead-in."""
    if seg.kind == "lead_in":
        return coach.say("screen.lead_in")
    key = "screen.switch" if seg.clip_id.startswith("switch") else "screen.rest"
    return coach.say(key, s=ex.dose.rest_s)


def _clip_ms(seg: Segment, clip_s: ClipLength | None) -> int:
    built = clip_s(seg.clip_id) if clip_s else None
    return round((built if built is not None else seg.duration_s) * 1000)


def _shown_index(coach: Coach, s: State, kind: Kind) -> int:
    """The exercise the screen is about: the next one, between exercises."""
    index = s.place.exercise
    if kind == Kind.BETWEEN and s.place.phase == Phase.EXERCISE_DONE:
        index = min(index + 1, coach.total - 1)
    return index


def _steps(ex: Exercise, kind: Kind) -> list[dict[str, Any]]:
    """The starting position and steps, with the one to attend to now marked current: the
    start as an exercise begins, else the step that holds its key cue."""
    texts = [ex.start, *ex.steps]
    current = 0
    if kind not in (Kind.INTRO, Kind.BETWEEN):
        cued = [i for i, t in enumerate(texts) if ex.cue.lower() in t.lower()]
        current = cued[0] if cued else len(texts) - 1
    return [{"number": i + 1, "text": t, "current": i == current} for i, t in enumerate(texts)]


def _status(coach: Coach, s: State, kind: Kind, reply: Reply) -> str:
    """The line left on screen once the turn's audio is over: what is done, and what to say
    to the question the voice ended on (no hint when the session ends: nothing was asked)."""
    done = _done(coach, s, kind)
    hint = "" if reply.end_session else _hint(coach, s)
    return " · ".join(part for part in (done, hint) if part)


def _done(coach: Coach, s: State, kind: Kind) -> str:
    """What the turn finished: the routine's count, or the exercise."""
    if kind == Kind.DONE:
        return coach.say("screen.done_count", done=len(s.place.done), total=coach.total)
    if s.place.phase == Phase.FINISHED:  # the last sets still playing
        return coach.say("screen.done_heading")
    if s.place.phase == Phase.EXERCISE_DONE:
        return coach.say("screen.exercise_done", name=coach.current(s).name.capitalize())
    return ""


def _hint(coach: Coach, s: State) -> str:
    """What to say now, in the words the voice asked for: its question's answers, else the
    phase's ("" where the voice asked nothing a hint could word, or asked the next exercise)."""
    place, say = s.place, coach.say
    last = place.exercise == coach.total - 1  # nothing left to skip to after the last one
    if place.pending == Pending.PAIN_SCORE and last:
        return say("screen.pain_score_last")
    if place.pending in ASKED:
        return say(ASKED[place.pending])
    if place.phase == Phase.PAUSED:
        return say("screen.paused")
    if place.phase == Phase.PAIN:
        return say("screen.pain_last" if last else "screen.pain")
    if place.phase == Phase.BETWEEN:
        ex, level = coach.current(s), s.level_of(coach.routine)
        todo = units(ex, level)
        label = set_label(coach, ex, level, todo[min(place.unit, len(todo) - 1)])
        return say("screen.next_set", label=label.split(" · ")[0].lower())
    if place.phase == Phase.INTRO:
        return say("screen.ready")
    return ""


def screen(coach: Coach, s: State, reply: Reply, clip_s: ClipLength | None = None) -> dict:
    """The datasource of a turn's screen (plain JSON-ready data; see skill/alexa/apl/)."""
    kind = kind_of(s, reply)
    index = _shown_index(coach, s, kind)
    ex = coach.routine.exercises[index]
    level = s.level_of(coach.routine, index)
    timeline = beats(coach, s, reply, clip_s) if kind in (Kind.INTRO, Kind.SET) else ()
    todo = units(ex, level)
    # While sets play, the counter starts at the block's first set (the commands move it on);
    # otherwise it shows the set to come.
    shown_unit = s.place.last_block if timeline else s.place.unit
    set_line = set_label(coach, ex, level, todo[min(shown_unit, len(todo) - 1)])
    say, safety = coach.say, coach.routine.safety
    heading = {Kind.PAIN: say("screen.pain_heading"), Kind.DONE: say("screen.done_heading")}
    message = safety.pain if kind == Kind.PAIN else ""
    if reply.panel is not None:
        heading[Kind.SUMMARY], message = reply.panel
    return {
        "kind": str(kind),
        "plain": kind in PLAIN,
        "heading": heading.get(kind, ex.name.capitalize()),
        "counter": say("screen.counter", number=index + 1, total=coach.total),
        # Nothing is next once the session ends (a red flag, a condition, a goodbye).
        "label": say("screen.up_next") if kind == Kind.BETWEEN and not reply.end_session else "",
        "level": say("screen.level", level=level + 1, levels=len(ex.dose.levels)),
        "dose": say("screen.today", dose=coach.phrasing.dose_text(ex, level)),
        "setLine": set_line,
        "status": _status(coach, s, kind, reply) if kind != Kind.SUMMARY else "",
        "message": message,
        "steps": _steps(ex, kind) if kind not in PLAIN else [],
        "showBar": bool(timeline),
        "timeline": [asdict(b) for b in timeline],
        "safetyTitle": say("screen.safety_title"),
        "safety": safety.pain,
        "disclaimer": safety.disclaimer,
    }


def track_subtitle(coach: Coach, exercise_id: str, level: int) -> str:
    """A hands-free track's subtitle: its level and today's dose ("Level 2 of 4 · …")."""
    ex = coach.routine.get(exercise_id)
    if ex is None:
        return ""
    lv = max(0, min(level, len(ex.dose.levels) - 1))
    return " · ".join(
        [
            coach.say("screen.level", level=lv + 1, levels=len(ex.dose.levels)),
            coach.phrasing.dose_text(ex, lv),
        ]
    )


def track_titles(coach: Coach, token: str) -> tuple[str, str] | None:
    """A hands-free track's title (the exercise) and subtitle (level and dose), by its
    token; None when the token is not one of ours."""
    parsed = parse_token(token, coach)
    ex = coach.routine.get(parsed.exercise_id) if parsed else None
    if parsed is None or ex is None:
        return None
    return ex.name.capitalize(), track_subtitle(coach, ex.id, parsed.level)
