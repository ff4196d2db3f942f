"""Plain data (YAML, JSON, settings, stored rows) checked into typed dataclasses.

What pydantic did here, for the few shapes this package uses, without its import: pydantic
was a third of a cold start (issue 22). Types are read from the dataclasses' annotations;
constraints ride along in `Annotated`; a problem has pydantic's shape (type, loc, msg,
input, ctx), so `validation.one_line` words these and pydantic's (devtools') the same way:

    Count = Annotated[int, Ge(1)]          # a whole number (never a bool), at least 1
    Text = Annotated[str, STRIP, MinLen(1), After(one_spaced)]
    Ids = list[Annotated[str, OMIT]]       # items that are not text are dropped

Scalars are strict (no "3" for 3, no true for 1) except that a float takes a whole number
and a path takes text. A dataclass's `__post_init__` may raise `validation.Invalid` for a
rule across its fields; it is told at the dataclass's place, with the field it names.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

Check = Callable[[Any, tuple], Any]
"""Checks a value found at a place (loc): returns the value to keep, or raises _Failed."""


@dataclass(frozen=True)
class Ge:
    """At least `bound`."""

    bound: float


@dataclass(frozen=True)
class MinLen:
    """At least `length` characters or items."""

    length: int


@dataclass(frozen=True)
class Before:
    """`fn` applied to what was found, before it is checked (a ValueError is its problem)."""

    fn: Callable[[Any], Any]


@dataclass(frozen=True)
class After:
    """`fn` applied to the checked value (a ValueError it raises is the value's problem)."""

    fn: Callable[[Any], Any]


@dataclass(frozen=True)
class Dump:
    """How a stored row's field is written (by default: as JSON has it)."""

    fn: Callable[[Any], Any]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


STRIP = _Marker("STRIP")
"""Text with its outer whitespace removed before its length is checked."""
OMIT = _Marker("OMIT")
"""An item of a list or mapping that does not check is dropped, not a problem."""
NOT_STORED = {"stored": False}
"""Metadata of a stored row's field that is read but never written (`field(metadata=…)`)."""


class Problems(ValueError):
    """Everything wrong with the data, each as pydantic words it (`errors()`)."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} problem(s): {problems[0]['msg']}")
        self.problems = problems

    def errors(self, *, include_url: bool = False) -> list[dict[str, Any]]:
        """The problems, first found first (pydantic's `ValidationError.errors`)."""
        return self.problems


class _Failed(Exception):
    def __init__(self, problems: list[dict[str, Any]]) -> None:
        self.problems = problems


def _fail(kind: str, loc: tuple, value: Any, msg: str, **ctx: Any) -> _Failed:
    problem = {"type": kind, "loc": loc, "msg": msg, "input": value}
    if ctx:
        problem["ctx"] = ctx
    return _Failed([problem])


def check(kind: Any, value: Any) -> Any:
    """`value` checked as `kind` (a type, as annotations write it), or Problems."""
    try:
        return checker(kind)(value, ())
    except _Failed as failed:
        raise Problems(failed.problems) from None


def check_json(kind: Any, text: str | bytes) -> Any:
    """A JSON document checked as `kind`, or Problems (one, `json_invalid`, if not JSON)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        failed = _fail("json_invalid", (), text, "Invalid JSON", error=exc)
        raise Problems(failed.problems) from None
    return check(kind, value)


_CHECKERS: dict[Any, Check] = {}


def checker(kind: Any) -> Check:
    """The function that checks values of `kind` (built once per kind)."""
    try:
        return _CHECKERS[kind]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation: built each time
        return _build(kind)
    made = _CHECKERS[kind] = _build(kind)
    return made


def _build(kind: Any) -> Check:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Annotated:
        return _annotated(checker(args[0]), args[1:], args[0])
    if kind is Any:
        return lambda value, loc: value
    if origin in (typing.Union, types.UnionType):
        return _union(args)
    if origin is Literal:
        return _literal(args)
    if origin is tuple:
        return _sequence(args[0], tuple, "tuple_type", "a valid tuple")
    if origin is list:
        return _sequence(args[0], list, "list_type", "a valid list")
    if origin is dict:
        return _mapping(args[1])
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return _enum(kind)
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        return scalar
    if kind is type(None):
        return _none
    if isinstance(kind, type):
        return _instance(kind)
    raise TypeError(f"checked: no check for {kind!r}")


def _str(value: Any, loc: tuple) -> str:
    if isinstance(value, str):
        return value
    raise _fail("string_type", loc, value, "Input should be a valid string")


def _exactly(kind: type, problem: str, words: str) -> Check:
    """A value of exactly `kind`: no true for 1, no 1 for true (pydantic's strict mode)."""

    def check_exactly(value: Any, loc: tuple) -> Any:
        if type(value) is kind:
            return value
        raise _fail(problem, loc, value, f"Input should be a valid {words}")

    return check_exactly


def _float(value: Any, loc: tuple) -> float:
    if type(value) in (float, int):
        return float(value)
    raise _fail("float_type", loc, value, "Input should be a valid number")


def _path(value: Any, loc: tuple) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise _fail("path_type", loc, value, "Input is not a valid path")


def _none(value: Any, loc: tuple) -> None:
    if value is None:
        return None
    raise _fail("none_required", loc, value, "Input should be None")


_SCALARS: dict[Any, Check] = {
    str: _str,
    int: _exactly(int, "int_type", "integer"),
    float: _float,
    bool: _exactly(bool, "bool_type", "boolean"),
    Path: _path,
}


def _instance(kind: type) -> Check:
    def check_instance(value: Any, loc: tuple) -> Any:
        if isinstance(value, kind):
            return value
        raise _fail("is_instance_of", loc, value, f"Input should be an instance of {kind.__name__}")

    return check_instance


def _annotated(base: Check, marks: tuple, kind: Any) -> Check:
    befores = [m.fn for m in marks if isinstance(m, Before)]
    afters = [m.fn for m in marks if isinstance(m, After)]
    strip = STRIP in marks
    least = next((m.length for m in marks if isinstance(m, MinLen)), None)
    bound = next((m.bound for m in marks if isinstance(m, Ge)), None)

    def check_annotated(value: Any, loc: tuple) -> Any:
        found = value
        try:
            for fn in befores:
                value = fn(value)
        except ValueError as exc:
            raise _fail("value_error", loc, found, str(exc), error=exc) from None
        value = base(value, loc)
        if strip:
            value = value.strip()
        if least is not None and len(value) < least:
            if isinstance(value, str):
                raise _fail("string_too_short", loc, value, "String too short", min_length=least)
            shape = "Dictionary" if isinstance(value, dict) else "Tuple"
            shape = "List" if isinstance(value, list) else shape
            raise _fail(
                "too_short",
                loc,
                value,
                "Too short",
                field_type=shape,
                min_length=least,
                actual_length=len(value),
            )
        if bound is not None and value < bound:
            raise _fail("greater_than_equal", loc, value, f"Input should be >= {bound}", ge=bound)
        try:
            for fn in afters:
                value = fn(value)
        except ValueError as exc:
            raise _fail("value_error", loc, value, str(exc), error=exc) from None
        return value

    return check_annotated


def _union(args: tuple) -> Check:
    nullable = type(None) in args
    members = [checker(a) for a in args if a is not type(None)]

    def check_union(value: Any, loc: tuple) -> Any:
        if value is None and nullable:
            return None
        first: _Failed | None = None
        for member in members:
            try:
                return member(value, loc)
            except _Failed as failed:
                first = first or failed
        assert first is not None
        raise first

    return check_union


def _literal(values: tuple) -> Check:
    shown = [repr(v) for v in values]
    expected = " or ".join(filter(None, (", ".join(shown[:-1]), shown[-1])))

    def check_literal(value: Any, loc: tuple) -> Any:
        for allowed in values:
            if type(value) is type(allowed) and value == allowed:
                return value
        raise _fail("literal_error", loc, value, f"Input should be {expected}", expected=expected)

    return check_literal


def _enum(kind: type[enum.Enum]) -> Check:
    expected = " or ".join(repr(m.value) for m in kind)
    by_value = dict(kind._value2member_map_)

    def check_enum(value: Any, loc: tuple) -> Any:
        if isinstance(value, kind):
            return value
        try:  # the lookup kind(value) starts with, without the call into EnumType
            return by_value[value]
        except (KeyError, TypeError):
            pass
        try:
            return kind(value)
        except ValueError:
            failed = _fail("enum", loc, value, f"Input should be {expected}", expected=expected)
        raise failed

    return check_enum


def _omitted(kind: Any) -> bool:
    return typing.get_origin(kind) is typing.Annotated and OMIT in typing.get_args(kind)[1:]


def _exact(kind: Any) -> type | None:
    """The one type a kind's values have when they need no check beyond it (str, int,
    float, bool, unconstrained): a row's fields and lists are read without a call each."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Annotated and all(mark is OMIT for mark in args[1:]):
        return _exact(args[0])
    return kind if kind in (str, int, float, bool) else None


def _sequence(item_kind: Any, make: type, problem: str, words: str) -> Check:
    item, omit, exact = checker(item_kind), _omitted(item_kind), _exact(item_kind)

    def check_sequence(value: Any, loc: tuple) -> Any:
        if not isinstance(value, list | tuple):
            raise _fail(problem, loc, value, f"Input should be {words}")
        if not value or (exact is not None and all(type(each) is exact for each in value)):
            return make(value)
        out, problems = [], []
        for i, each in enumerate(value):
            try:
                out.append(item(each, (*loc, i)))
            except _Failed as failed:
                if not omit:
                    problems += failed.problems
        if problems:
            raise _Failed(problems)
        return make(out)

    return check_sequence


def _mapping(value_kind: Any) -> Check:
    item, omit, exact = checker(value_kind), _omitted(value_kind), _exact(value_kind)
    anything = value_kind is Any

    def check_mapping(value: Any, loc: tuple) -> Any:
        if not isinstance(value, dict):
            raise _fail("dict_type", loc, value, "Input should be a valid dictionary")
        if not value:
            return {}
        if all(type(key) is str for key in value) and (
            anything or (exact is not None and all(type(v) is exact for v in value.values()))
        ):
            return dict(value)
        out, problems = {}, []
        for key, each in value.items():
            if not isinstance(key, str):
                problems.append(_fail("string_type", (*loc, key, "[key]"), key, "").problems[0])
                continue
            try:
                out[key] = item(each, (*loc, key))
            except _Failed as failed:
                if not omit:
                    problems += failed.problems
        if problems:
            raise _Failed(problems)
        return out

    return check_mapping


@cache
def _hints(kind: type) -> dict[str, Any]:
    """A dataclass's field annotations, evaluated once per class (reading and writing share
    them)."""
    return typing.get_type_hints(kind, include_extras=True)


def field_checks(kind: type) -> list[tuple[dataclasses.Field, Check, type | None]]:
    """Each field of a dataclass with the check of its annotation, and the one type that
    needs no other check (`_exact`), built once per class."""
    found = _FIELDS.get(kind)
    if found is None:
        hints = _hints(kind)
        found = _FIELDS[kind] = [
            (f, checker(hints[f.name]), _exact(hints[f.name])) for f in dataclasses.fields(kind)
        ]
    return found


_FIELDS: dict[type, list[tuple[dataclasses.Field, Check, type | None]]] = {}
_ABSENT = object()


def _named_checks(kind: type) -> list[tuple[str, Check, type | None, bool]]:
    """field_checks as rows and dataclasses are read: each field's name, check, exact type
    and whether it is required, taken out of its Field once (rows are read on every turn)."""
    found = _NAMED.get(kind)
    if found is None:
        found = _NAMED[kind] = [
            (f.name, check_field, exact, _required(f))
            for f, check_field, exact in field_checks(kind)
        ]
    return found


_NAMED: dict[type, list[tuple[str, Check, type | None, bool]]] = {}


def read_fields(kind: type, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The fields of dataclass `kind` found in `data` that check, and the names of those
    that do not (a stored row keeps what it can read)."""
    values, bad = {}, []
    for name, check_field, exact, _ in _named_checks(kind):
        value = data.get(name, _ABSENT)
        if value is _ABSENT:
            continue
        if type(value) is exact:
            values[name] = value
            continue
        try:
            values[name] = check_field(value, (name,))
        except _Failed:
            bad.append(name)
    return values, bad


def _dataclass(kind: type) -> Check:
    def check_dataclass(value: Any, loc: tuple) -> Any:
        if isinstance(value, kind):
            return value
        if not isinstance(value, dict):
            raise _fail("dataclass_type", loc, value, "Input should be a dictionary")
        values, problems = {}, []
        for name, check_field, exact, required in _named_checks(kind):
            found = value.get(name, _ABSENT)
            if found is _ABSENT:
                if required:
                    problems.append(_fail("missing", (*loc, name), value, "").problems[0])
                continue
            if type(found) is exact:  # what check_field would return, without the call
                values[name] = found
                continue
            try:
                values[name] = check_field(found, (*loc, name))
            except _Failed as failed:
                problems += failed.problems
        if problems:
            raise _Failed(problems)
        try:
            return kind(**values)
        except ValueError as exc:  # __post_init__'s rule across fields (validation.Invalid)
            raise _fail("value_error", loc, value, str(exc), error=exc) from None

    return check_dataclass


def _required(field: dataclasses.Field) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def dump(value: Any) -> Any:
    """Plain JSON data for a checked value: dataclasses as mappings (their stored fields, each
    as its `Dump` says), enums as their values, tuples as lists, containers copied."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {key: dump(each) for key, each in value.items()}
    if kind is list or kind is tuple:
        return [dump(each) for each in value]
    # A dataclass dumped before (a row's, on every turn) goes straight to its writers.
    writers = _WRITERS.get(kind)
    if writers is None:
        if isinstance(value, enum.Enum):
            return value.value
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return _dump_other(value)
        writers = _writers(kind)
    return {
        name: each if write is None else write(each)
        for name, write in writers
        for each in (getattr(value, name),)
    }


def _dump_other(value: Any) -> Any:
    """What is neither plain, a container, an enum nor a dataclass: paths, str or number kinds."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str | int | float):
        return value
    raise TypeError(f"checked: cannot dump {type(value).__name__}")


_PLAIN = frozenset({str, int, float, bool, type(None)})
Write = Callable[[Any], Any] | None
"""How a field's value is written; None: as it is (text, numbers, true or false)."""


def _writers(kind: type) -> list[tuple[str, Write]]:
    found = _WRITERS.get(kind)
    if found is None:
        hints = _hints(kind)
        found = _WRITERS[kind] = [
            (f.name, _writer(hints[f.name]))
            for f in dataclasses.fields(kind)
            if f.metadata.get("stored", True)
        ]
    return found


_WRITERS: dict[type, list[tuple[str, Write]]] = {}


def _writer(kind: Any) -> Write:
    """Compiled once per field kind, so that a row is written without asking each value's
    type (a row is written on every turn)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Annotated:
        custom = [m.fn for m in args[1:] if isinstance(m, Dump)]
        return custom[0] if custom else _writer(args[0])
    if kind in _PLAIN or origin is Literal:
        return None
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        members = [a for a in args if a is not type(None)]
        inner = _writer(members[0]) if len(members) == 1 else dump
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin in (list, tuple):
        each = _writer(args[0])
        if each is None:
            return list
        return lambda v: [each(x) for x in v]
    if origin is dict:
        value = _writer(args[1])
        if value is None:
            return dict
        return lambda v: {k: value(x) for k, x in v.items()}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda v: v.value
    return dump
