"""The routine as typed, validated data, loaded from YAML."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from backcoach.skill.domain.checked import STRIP, After, Ge, MinLen, Problems, check
from backcoach.skill.domain.package_data import package_dir
from backcoach.skill.domain.validation import Invalid, Loc, dotted, load_data, one_line, unreadable

DEFAULT_ROUTINE = package_dir("backcoach.skill") / "content" / "back_routine.yaml"
"""The routine shipped inside the package (package data, so wheels carry it)."""

PATTERNS = ("reps", "holds")
SIDES = ("none", "each", "alternating")
Pattern = Literal["reps", "holds"]
Sides = Literal["none", "each", "alternating"]


class ContentError(ValueError):
    """A content file is malformed; the message names the file, the exercise and the field."""


def _one_spaced(text: str) -> str:
    return " ".join(text.split())


def _identifier(text: str) -> str:
    if not text.isidentifier():
        raise ValueError("must be an identifier like 'plank'")
    return text


# Field kinds, as the file is checked: text is folded onto one line (YAML's `>-` keeps none of
# its breaks anyway); numbers are never booleans or quoted.
Text = Annotated[str, STRIP, MinLen(1), After(_one_spaced)]
OptionalText = Annotated[str, After(_one_spaced)]
Texts = Annotated[tuple[Text, ...], MinLen(1)]
Count = Annotated[int, Ge(1)]
Seconds = Annotated[int, Ge(0)]
Duration = Annotated[float, Ge(0)]
Identifier = Annotated[str, After(_identifier)]


@dataclass(frozen=True)
class Phase:
    """One movement of a rep, with its spoken cue."""

    cue: Text
    """Word spoken at the start of the movement ("Lift")."""
    seconds: Duration = 0.0
    """How long the movement takes; 0 for a counted hold, whose length is the level's."""
    counted: bool = False
    """True for a hold counted second by second (its length is the level's `hold_s`)."""

    def __post_init__(self) -> None:
        if not self.counted and self.seconds <= 0:
            raise Invalid("must be > 0 for a movement that is not counted", "seconds")


@dataclass(frozen=True)
class Level:
    """One dose of an exercise, from beginner up to the seed's target."""

    reps: Count = 1
    """Repetitions per set and per side (for `holds`, always 1)."""
    sets: Count = 1
    """Number of sets (for `holds`, the number of holds)."""
    hold_s: Seconds = 0
    """Seconds of each counted hold; 0 when the exercise has none."""


@dataclass(frozen=True)
class Dose:
    """How an exercise is paced and how much of it is done at each level."""

    pattern: Pattern
    """`reps` (a cadence of movements) or `holds` (static holds with rests)."""
    sides: Sides
    """`none`, `each` (all reps on the right, then the left) or `alternating`."""
    levels: Annotated[tuple[Level, ...], MinLen(1)]
    """From the beginner dose (index 0) to the seed's target (last)."""
    tempo: tuple[Phase, ...] = ()
    """The movements of one rep, in order (empty for `holds`)."""
    gap_s: Duration = 0.0
    """Pause between reps, in seconds."""
    rest_s: Seconds = 0
    """Rest between sets, holds and sides, in seconds."""

    def __post_init__(self) -> None:
        if self.pattern == "reps" and not self.tempo:
            raise Invalid("a reps exercise needs at least one movement", "tempo")
        if self.pattern == "holds" and self.tempo:
            raise Invalid("a holds exercise has no tempo", "tempo")
        if self.sides == "alternating" and len(self.tempo) != 2:
            raise Invalid("alternating sides need exactly two movements", "tempo")
        needs_hold = self.pattern == "holds" or any(p.counted for p in self.tempo)
        for i, level in enumerate(self.levels):
            if needs_hold and level.hold_s < 1:
                raise Invalid("must be at least 1 second for a counted hold", "levels", i, "hold_s")
            if self.pattern == "holds" and level.reps != 1:
                raise Invalid("a holds exercise counts holds in 'sets'", "levels", i, "reps")
        for i in range(1, len(self.levels)):
            before, now = self.levels[i - 1], self.levels[i]
            work = (now.reps * now.sets, now.hold_s)
            if work < (before.reps * before.sets, before.hold_s) or now == before:
                raise Invalid("each level must be harder than the one before", "levels", i)

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

    id: Identifier
    """Stable identifier, also the slot value id (`plank`)."""
    name: Text
    """Spoken name ("plank")."""
    position: Text
    """Where the body starts ("lying on your back")."""
    start: Text
    """The starting position, as one instruction."""
    steps: Texts
    """Ordered instructions, faithful to the seed."""
    target: Text
    """The seed's goal for this exercise ("Build up to ...")."""
    cue: Text
    """One key cue from the steps, said instead of them to someone who has done it before."""
    dose: Dose
    """Pacing and levels."""
    why: OptionalText = ""
    """The seed's one-line reason for the exercise, if it gives one."""
    variation: OptionalText = ""
    """A variation the seed suggests, if any."""


@dataclass(frozen=True)
class Safety:
    """The seed's safety text, plus the coach's pain instruction."""

    disclaimer: Text
    """Not medical advice; consult a physician after a significant injury or with a brace."""
    caution: Text
    """Practise with caution even without back pain."""
    pain: Text
    """What to do when it hurts: stop."""
    outcome: Text
    """Why it is worth doing (keeps you out of back braces)."""


@dataclass(frozen=True)
class Routine:
    """The whole routine: exercises in order, with the seed's framing text."""

    id: Text
    """Stable identifier of the routine."""
    name: Text
    """Spoken name."""
    source: Text
    """Where the content comes from."""
    intro: Text
    """Why strengthen your back."""
    fundamentals: Texts
    """The seed's back-health fundamentals."""
    safety: Safety
    """Safety text."""
    exercises: Annotated[tuple[Exercise, ...], MinLen(1)]
    """In the order they are done."""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for i, ex in enumerate(self.exercises):
            if ex.id in seen:
                raise Invalid("is used twice", "exercises", i, "id")
            seen.add(ex.id)

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


def _where(data: Any) -> Callable[[Loc], str]:
    """Words a location, naming an exercise by its id (`exercise 'plank': dose.gap_s`)."""

    def where(loc: Loc) -> str:
        if len(loc) >= 2 and loc[0] == "exercises" and isinstance(loc[1], int):
            exercise = data["exercises"][loc[1]]
            ex_id = exercise.get("id") if isinstance(exercise, dict) else None
            if isinstance(ex_id, str) and ex_id.isidentifier():
                return ": ".join(filter(None, (f"exercise '{ex_id}'", dotted(loc[2:]))))
        return dotted(loc)

    return where


def load_routine(path: Path | str = DEFAULT_ROUTINE) -> Routine:
    """Load and validate a routine file (YAML, or JSON by its `.json` name); raise ContentError
    naming file, exercise and field."""
    path = Path(path) if isinstance(path, str) else path
    try:
        data = load_data(path.read_text(encoding="utf-8"), path.name)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise ContentError(unreadable(path.name, exc)) from exc
    try:
        return check(Routine, data)
    except Problems as exc:
        raise ContentError(one_line(exc, path.name, _where(data))) from None
