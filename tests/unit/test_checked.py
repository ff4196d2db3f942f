"""checked.py reads plain data as pydantic did (pydantic is the oracle), without its import."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import (
    Field,
    OnErrorOmit,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from backcoach.skill.domain import checked
from backcoach.skill.domain.checked import NOT_STORED, OMIT, STRIP, After, Dump, Ge, MinLen
from backcoach.skill.domain.state import Phase, Place, Profile
from backcoach.skill.domain.stored import SCHEMA_VERSION
from backcoach.skill.domain.validation import Invalid, one_line

TWINS: list[tuple[Any, Any]] = [
    (int, StrictInt),
    (str, StrictStr),
    (bool, StrictBool),
    (float, Annotated[float, Field(strict=True)]),
    (int | None, StrictInt | None),
    (Literal["reps", "holds"], Literal["reps", "holds"]),
    (Phase, Phase),
    (list[Annotated[str, OMIT]], list[OnErrorOmit[StrictStr]]),
    (dict[str, Annotated[int, OMIT]], dict[str, OnErrorOmit[StrictInt]]),
    (dict[str, Any], dict[str, Any]),
    (list[float], list[Annotated[float, Field(strict=True)]]),
    (
        tuple[Annotated[int, Ge(1)], ...],
        tuple[Annotated[int, Field(strict=True, ge=1)], ...],
    ),
    (
        Annotated[str, STRIP, MinLen(1)],
        Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)],
    ),
    (
        Annotated[tuple[str, ...], MinLen(1)],
        Annotated[tuple[StrictStr, ...], Field(min_length=1)],
    ),
]
"""Each kind this package writes, with the pydantic kind it replaced."""

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", " x ", "reps", "holds", "idle", "paused", "3", "plank"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=6,
)
"""What a stored row, a YAML file or a JSON manifest can hold."""


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(TWINS))), JSON)
def test_every_kind_accepts_refuses_and_places_what_pydantic_did(twin, value):
    ours, theirs = TWINS[twin]
    try:
        expected, problems = TypeAdapter(theirs).validate_python(value), None
    except ValidationError as error:
        expected, problems = None, [(e["type"], e["loc"]) for e in error.errors()]
    try:
        got, found = checked.check(ours, value), None
    except checked.Problems as error:
        got, found = None, [(e["type"], e["loc"]) for e in error.errors()]
    assert (found is None) == (problems is None), (value, found, problems)
    assert got == expected and type(got) is type(expected)
    if found and problems:  # where it is wrong, and what kind of wrong (enum wording aside)
        assert found[0][1] == problems[0][1] and {found[0][0], problems[0][0]} <= {
            problems[0][0],
            "enum",
            "literal_error",
        }


@dataclass(frozen=True)
class Span:
    low: Annotated[int, Ge(0)]
    high: int = 10
    label: Annotated[str, After(str.upper)] = "x"

    def __post_init__(self) -> None:
        if self.high < self.low:
            raise Invalid("must not be below low", "high")


def test_a_rule_across_fields_names_its_field_at_the_dataclass_place():
    with pytest.raises(checked.Problems) as info:
        checked.check(dict[str, list[Span]], {"a": [{"low": 1}, {"low": 5, "high": 2}]})
    assert one_line(info.value, "f.yaml") == "f.yaml: a[1].high: must not be below low"


def test_every_problem_is_found_and_the_first_told():
    with pytest.raises(checked.Problems) as info:
        checked.check(list[Span], [{"low": -1, "high": "x"}, {}])
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [
        ("greater_than_equal", (0, "low")),
        ("int_type", (0, "high")),
        ("missing", (1, "low")),
    ]
    assert one_line(info.value, "f") == "f: [0].low: must be >= 0, got -1 (and 2 more errors)"


def test_after_and_defaults_make_the_dataclass():
    assert checked.check(Span, {"low": 1, "label": "ab", "extra": 1}) == Span(1, 10, "AB")


def test_json_that_is_not_json_is_one_problem():
    with pytest.raises(checked.Problems) as info:
        checked.check_json(dict[str, int], "{")
    assert one_line(info.value, "m.json").startswith("m.json: is not JSON: Expecting")


@dataclass
class Row:
    kept: str = ""
    when: Annotated[str, Dump(lambda v: v or "never")] = ""
    scratch: list[int] = field(default_factory=list, metadata=NOT_STORED)


def test_a_row_is_written_as_its_dump_says_without_what_is_not_stored():
    assert checked.dump(Row("a", "", [1])) == {"kept": "a", "when": "never"}
    assert checked.dump({"p": (Phase.PAUSED, [1.5])}) == {"p": ["paused", [1.5]]}


def test_a_stored_row_keeps_every_field_it_can_read(caplog):
    caplog.set_level(logging.WARNING)
    row = {
        "schema_version": SCHEMA_VERSION,
        "phase": "paused",
        "exercise": "2",
        "done": ["plank", 3, "steamroller"],
        "paused_phase": "",
    }
    place, refused = Place.from_row(row, "session place")
    assert place.phase is Phase.PAUSED and place.exercise == 0 and place.paused_phase is None
    assert place.done == ["plank", "steamroller"] and refused == {"exercise"}
    assert "dropped unreadable fields exercise" in caplog.text
    assert Place.from_row(place.to_row())[0] == place and place.to_row()["paused_phase"] == ""


def test_a_profile_survives_its_own_row_and_copies_what_it_holds():
    profile = Profile(levels={"plank": 2}, stopped={"done": ["plank"]}, pain_score=3)
    row = profile.to_row()
    assert Profile.from_row(row) == (profile, frozenset())
    row["stopped"]["done"].append("x")
    assert profile.stopped == {"done": ["plank"]}
