"""The one-line wording of a pydantic ValidationError shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import TypeAdapter, ValidationError, model_validator

from backcoach.skill.domain.validation import Invalid, dotted, one_line


@dataclass(frozen=True)
class Pair:
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> Pair:
        if self.high < self.low:
            raise Invalid("must not be below low", "high")
        return self


def _error(data) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(dict[str, list[Pair]]).validate_python(data)
    return info.value


def test_dotted_paths():
    assert dotted(("dose", "levels", 2, "hold_s")) == "dose.levels[2].hold_s"
    assert dotted(()) == ""


def test_a_validator_names_the_field_it_is_about():
    error = _error({"a": [{"low": 1, "high": 2}, {"low": 3, "high": 2}]})
    assert one_line(error, "f.yaml") == "f.yaml: a[1].high: must not be below low"


def test_the_first_error_is_told_and_the_others_counted():
    error = _error({"a": [{"low": "x" * 100}, {"low": 1, "high": 2}]})
    line = one_line(error, "f.yaml", lambda loc: f"pair {loc[1]}")
    assert line.startswith("f.yaml: pair 0: must be a whole number, got 'xxxx")
    assert line.endswith("…xx' (and 1 more error)") and "x" * 60 not in line
