"""One way to tell what is wrong with a file or a setting: in one precise line.

Every reader (the routine, the audio manifest, the configuration; devtools' dialog scripts and
skill package) describes its data as frozen dataclasses with constraints, checks raw data
(checked.py, or pydantic in devtools), and turns the problems into its own error with
`one_line`:

    back_routine.yaml: exercise 'plank': dose.levels[2].hold_s: must be >= 0, got -3

A rule across fields (a dataclass's `__post_init__`, or a pydantic model validator) raises
`Invalid` with the path of the field it is about, so the message names the field rather than
the object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

Loc = tuple[str | int, ...]
"""Where an error is, as pydantic gives it: field names and list indices (or mapping keys)."""

MAX_SHOWN = 60
"""Longest input quoted in a message (`got '…'`), so a message stays one readable line."""


class HasErrors(Protocol):
    """What failed checks raise: checked.Problems, or pydantic's ValidationError."""

    def errors(self, *, include_url: bool = ...) -> Any: ...


class Invalid(ValueError):
    """Raised by a validator: `message` is about the value at path `at` below the object."""

    def __init__(self, message: str, *at: str | int):
        super().__init__(message)
        self.at = at


def dotted(loc: Sequence[str | int]) -> str:
    """`dose.levels[2].hold_s` for ("dose", "levels", 2, "hold_s")."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def one_line(error: HasErrors, source: str, where: Callable[[Loc], str] = dotted) -> str:
    """`source: where: problem` for the first error (and how many more), on one line.

    `source` names the file or setting ("" when `where` names it); `where` words the
    location (by default dotted, `dose.levels[2].hold_s`).
    """
    errors = error.errors(include_url=False)
    first = errors[0]
    loc: Loc = tuple(first["loc"])
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, Invalid):
        loc += cause.at
    line = ": ".join(part for part in (source, where(loc), problem(first)) if part)
    more = len(errors) - 1
    if more:
        line += f" (and {more} more {'error' if more == 1 else 'errors'})"
    return " ".join(line.split())


def unreadable(source: str, exc: Exception) -> str:
    """`source: cannot be read: why`, on one line (YAML errors span several)."""
    return " ".join(f"{source}: cannot be read: {exc}".split())


_PHRASES = {
    "missing": "is missing",
    "json_invalid": "is not JSON: {error}",
    "string_type": "must be text",
    "string_too_short": "must be non-empty text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "literal_error": "must be {expected}",
    "enum": "must be {expected}",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "mapping_type": "must be a mapping",
    "dataclass_type": "must be a mapping",
    "model_type": "must be a mapping",
    "path_type": "must be a path",
}

_UNQUOTED = {"missing", "string_too_short", "json_invalid"}
"""Kinds of error whose input says nothing more (absent, empty, or a whole file)."""


def problem(error: Mapping[str, Any]) -> str:
    """What is wrong, in plain words, with what was found (`must be >= 0, got -3`)."""
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in ("value_error", "assertion_error"):
        return str(ctx["error"])
    if kind == "too_short" and ctx.get("min_length") == 1:
        return (
            "must be a non-empty list"
            if ctx.get("field_type") != "Dictionary"
            else ("must be a non-empty mapping")
        )
    if kind in _PHRASES:
        phrase = _PHRASES[kind].format(**{k: _number(v) for k, v in ctx.items()})
    else:  # a kind no reader uses yet: pydantic's own words
        msg = error["msg"]
        phrase = msg[:1].lower() + msg[1:]
    if kind not in _UNQUOTED and _is_scalar(error["input"]):
        phrase += f", got {_shown(error['input'])}"
    return phrase


def _number(value: Any) -> Any:
    """0 rather than 0.0 in a bound (`must be >= 0`)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 4] + "…" + text[-3:]


def load_data(text: str, name: str) -> Any:
    """A data file's document: JSON for a `.json` name, else YAML, read safely; ValueError
    when it is not one. YAML's parser is imported only to read YAML: a Lambda package carries
    its routine and phrases as JSON, so that a cold start does without it."""
    if name.endswith(".json"):
        return json.loads(text)  # json.JSONDecodeError is a ValueError
    import yaml

    try:
        # libyaml's safe loader where PyYAML was built with it (ten times faster), else
        # PyYAML's own; the same documents either way.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc
