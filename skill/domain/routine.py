"""The routine as typed, validated data, loaded from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

DEFAULT_ROUTINE = files("backcoach.skill") / "content" / "back_routine.yaml"
"""The routine shipped inside the package (read with importlib.resources, so wheels carry it)."""

PATTERNS = ("reps", "holds")
SIDES = ("none", "each", "alternating")


class ContentError(ValueError):
    """A content file is malformed; the message names the file, the exercise and the field."""


@dataclass(frozen=True)
class Phase:
    """One movement of a rep, with its spoken cue."""

    cue: str
    """Word spoken at the start of the movement ("Lift")."""
    seconds: float = 0.0
    """How long the movement takes; 0 for a counted hold, whose length is the level's."""
    counted: bool = False
    """True for a hold counted second by second (its length is the level's `hold_s`)."""


@dataclass(frozen=True)
class Level:
    """One dose of an exercise, from beginner up to the seed's target."""

    reps: int = 1
    """Repetitions per set and per side (for `holds`, always 1)."""
    sets: int = 1
    """Number of sets (for `holds`, the number of holds)."""
    hold_s: int = 0
    """Seconds of each counted hold; 0 when the exercise has none."""


@dataclass(frozen=True)
class Dose:
    """How an exercise is paced and how much of it is done at each level."""

    pattern: str
    """`reps` (a cadence of movements) or `holds` (static holds with rests)."""
    sides: str
    """`none`, `each` (all reps on the right, then the left) or `alternating`."""
    levels: tuple[Level, ...]
    """From the beginner dose (index 0) to the seed's target (last)."""
    tempo: tuple[Phase, ...] = ()
    """The movements of one rep, in order (empty for `holds`)."""
    gap_s: float = 0.0
    """Pause between reps, in seconds."""
    rest_s: int = 0
    """Rest between sets, holds and sides, in seconds."""

    @property
    def side_names(self) -> tuple[str, ...]:
        """The sides done one after the other ("right", "left"), or one unnamed side."""
        return ("right", "left") if self.sides == "each" else ("",)

    def level(self, index: int) -> Level:
        """The level at `index`, clamped to the ones that exist."""
        return self.levels[max(0, min(index, len(self.levels) - 1))]


@dataclass(frozen=True)
class Exercise:
    """One exercise of the routine, with its steps written for the ear."""

    id: str
    """Stable identifier, also the slot value id (`plank`)."""
    name: str
    """Spoken name ("plank")."""
    position: str
    """Where the body starts ("lying on your back")."""
    start: str
    """The starting position, as one instruction."""
    steps: tuple[str, ...]
    """Ordered instructions, faithful to the seed."""
    target: str
    """The seed's goal for this exercise ("Build up to ...")."""
    dose: Dose
    """Pacing and levels."""
    why: str = ""
    """The seed's one-line reason for the exercise, if it gives one."""
    variation: str = ""
    """A variation the seed suggests, if any."""


@dataclass(frozen=True)
class Safety:
    """The seed's safety text, plus the coach's pain instruction."""

    disclaimer: str
    """Not medical advice; consult a physician after a significant injury or with a brace."""
    caution: str
    """Practise with caution even without back pain."""
    pain: str
    """What to do when it hurts: stop."""
    outcome: str
    """Why it is worth doing (keeps you out of back braces)."""


@dataclass(frozen=True)
class Routine:
    """The whole routine: exercises in order, with the seed's framing text."""

    id: str
    """Stable identifier of the routine."""
    name: str
    """Spoken name."""
    source: str
    """Where the content comes from."""
    intro: str
    """Why strengthen your back."""
    fundamentals: tuple[str, ...]
    """The seed's back-health fundamentals."""
    safety: Safety
    """Safety text."""
    exercises: tuple[Exercise, ...]
    """In the order they are done."""

    def index_of(self, exercise_id: str) -> int | None:
        """Position of the exercise with this id, or None."""
        for i, ex in enumerate(self.exercises):
            if ex.id == exercise_id:
                return i
        return None

    def get(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id, or None."""
        i = self.index_of(exercise_id)
        return None if i is None else self.exercises[i]


class _Reader:
    """Reads typed fields from YAML mappings, raising ContentError with a precise path."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, message: str) -> ContentError:
        return ContentError(f"{self.path.name}: {where}: {message}")

    def mapping(self, data: Any, where: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a mapping")
        return data

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str:
        value = data.get(key, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}field '{key}'", "must be non-empty text")
        return " ".join(value.split())

    def texts(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"{where}field '{key}'", "must be a non-empty list of text")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}field '{key}[{i}]'", "must be non-empty text")
        return tuple(" ".join(item.split()) for item in value)

    def number(self, data: dict, key: str, where: str, default: float, *, integer: bool) -> Any:
        value = data.get(key, default)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
            kind = "a whole number" if integer else "a number"
            raise self.fail(f"{where}field '{key}'", f"must be {kind} >= 0, got {value!r}")
        return value

    def choice(self, data: dict, key: str, where: str, options: tuple[str, ...]) -> str:
        value = data.get(key)
        if value not in options:
            raise self.fail(f"{where}field '{key}'", f"must be one of {', '.join(options)}")
        return value


def _phase(r: _Reader, data: Any, where: str) -> Phase:
    data = r.mapping(data, where)
    counted = data.get("counted", False)
    if not isinstance(counted, bool):
        raise r.fail(f"{where}field 'counted'", "must be true or false")
    seconds = r.number(data, "seconds", where, 0.0, integer=False)
    if not counted and seconds <= 0:
        raise r.fail(f"{where}field 'seconds'", "must be > 0 for a movement that is not counted")
    return Phase(cue=r.text(data, "cue", where), seconds=float(seconds), counted=counted)


def _level(r: _Reader, data: Any, where: str, pattern: str, needs_hold: bool) -> Level:
    data = r.mapping(data, where)
    level = Level(
        reps=r.number(data, "reps", where, 1, integer=True),
        sets=r.number(data, "sets", where, 1, integer=True),
        hold_s=r.number(data, "hold_s", where, 0, integer=True),
    )
    if level.reps < 1 or level.sets < 1:
        raise r.fail(f"{where}field 'reps'", "reps and sets must be at least 1")
    if needs_hold and level.hold_s < 1:
        raise r.fail(f"{where}field 'hold_s'", "must be at least 1 second for a counted hold")
    if pattern == "holds" and level.reps != 1:
        raise r.fail(f"{where}field 'reps'", "a holds exercise counts holds in 'sets'")
    return level


def _dose(r: _Reader, data: Any, where: str) -> Dose:
    data = r.mapping(data, f"{where}field 'dose'")
    where = f"{where}dose."
    pattern = r.choice(data, "pattern", where, PATTERNS)
    sides = r.choice(data, "sides", where, SIDES)
    tempo = tuple(
        _phase(r, p, f"{where}tempo[{i}]: ") for i, p in enumerate(data.get("tempo") or [])
    )
    if pattern == "reps" and not tempo:
        raise r.fail(f"{where}field 'tempo'", "a reps exercise needs at least one movement")
    if pattern == "holds" and tempo:
        raise r.fail(f"{where}field 'tempo'", "a holds exercise has no tempo")
    if sides == "alternating" and len(tempo) != 2:
        raise r.fail(f"{where}field 'tempo'", "alternating sides need exactly two movements")
    needs_hold = pattern == "holds" or any(p.counted for p in tempo)
    raw_levels = data.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        raise r.fail(f"{where}field 'levels'", "must be a non-empty list")
    levels = tuple(
        _level(r, lv, f"{where}levels[{i}].", pattern, needs_hold)
        for i, lv in enumerate(raw_levels)
    )
    for i in range(1, len(levels)):
        before, now = levels[i - 1], levels[i]
        work = (now.reps * now.sets, now.hold_s)
        if work < (before.reps * before.sets, before.hold_s) or now == before:
            raise r.fail(f"{where}levels[{i}]", "each level must be harder than the one before")
    return Dose(
        pattern=pattern,
        sides=sides,
        levels=levels,
        tempo=tempo,
        gap_s=float(r.number(data, "gap_s", where, 0.0, integer=False)),
        rest_s=r.number(data, "rest_s", where, 0, integer=True),
    )


def _exercise(r: _Reader, data: Any, index: int) -> Exercise:
    data = r.mapping(data, f"exercises[{index}]")
    ex_id = data.get("id")
    if not isinstance(ex_id, str) or not ex_id.isidentifier():
        raise r.fail(f"exercises[{index}]: field 'id'", "must be an identifier like 'plank'")
    where = f"exercise '{ex_id}': "
    return Exercise(
        id=ex_id,
        name=r.text(data, "name", where),
        position=r.text(data, "position", where),
        start=r.text(data, "start", where),
        steps=r.texts(data, "steps", where),
        target=r.text(data, "target", where),
        dose=_dose(r, data.get("dose"), where),
        why=r.text(data, "why", where, required=False),
        variation=r.text(data, "variation", where, required=False),
    )


def load_routine(path: Traversable | Path | str = DEFAULT_ROUTINE) -> Routine:
    """Load and validate a routine file; raise ContentError naming file, exercise and field."""
    path = Path(path) if isinstance(path, str) else path
    r = _Reader(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from exc
    data = r.mapping(data, "top level")
    safety = r.mapping(data.get("safety"), "field 'safety'")
    raw = data.get("exercises")
    if not isinstance(raw, list) or not raw:
        raise r.fail("field 'exercises'", "must be a non-empty list")
    exercises = tuple(_exercise(r, ex, i) for i, ex in enumerate(raw))
    seen: set[str] = set()
    for ex in exercises:
        if ex.id in seen:
            raise r.fail(f"exercise '{ex.id}': field 'id'", "is used twice")
        seen.add(ex.id)
    return Routine(
        id=r.text(data, "id", ""),
        name=r.text(data, "name", ""),
        source=r.text(data, "source", ""),
        intro=r.text(data, "intro", ""),
        fundamentals=r.texts(data, "fundamentals", ""),
        safety=Safety(
            disclaimer=r.text(safety, "disclaimer", "safety: "),
            caution=r.text(safety, "caution", "safety: "),
            pain=r.text(safety, "pain", "safety: "),
            outcome=r.text(safety, "outcome", "safety: "),
        ),
        exercises=exercises,
    )
