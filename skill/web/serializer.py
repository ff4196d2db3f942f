"""ASK's serializer, reading an already-parsed body, with each model's fields resolved once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

Reader = Callable[[Any], Any]
"""Turns the JSON value of one field into what ASK's models hold there."""

_DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)")
_AS_IS = frozenset({str, int, float, bool, bytes, type(None)})
"""Types `serialize` returns unchanged (DefaultSerializer.PRIMITIVE_TYPES, exactly, and None)."""


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 time, as Alexa stamps requests (`2026-11-24T10:00:00Z`)."""
    if not isinstance(value, str):
        raise SerializationException(f"not a date and time: {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    # Rarer spellings, as ASK's own serializer reads them; dateutil is imported only for them.
    from dateutil.parser import ParserError, parse  # type: ignore[import-untyped]

    try:
        return parse(value)
    except (ParserError, ValueError, OverflowError) as exc:
        raise SerializationException(f"not a date and time: {value!r}") from exc


class EnvelopeSerializer(DefaultSerializer):
    """Builds the same ASK model objects as DefaultSerializer, from a dict, without re-encoding.

    DefaultSerializer takes a JSON string, and for every field of every request looks the
    model class up by name, rebuilds its attribute map and parses times with dateutil; here
    each declared type gets a reader once, kept for the life of the process.
    """

    def __init__(self) -> None:
        self._readers: dict[Any, Reader] = {}
        self._keys: dict[type, list[tuple[str, str]]] = {}
        """Model class -> (attribute, JSON key) of each declared field."""
        self._classes: dict[str, Any] = {}

    def serialize(self, obj: Any) -> Any:
        """Plain JSON data for a response (as DefaultSerializer.serialize)."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        # Text, numbers and null are most of a response (the session's attributes above all):
        # kept as they are without a call each.
        serialize = self.serialize
        if isinstance(obj, list):
            return [item if type(item) in _AS_IS else serialize(item) for item in obj]
        if isinstance(obj, dict):
            return {
                key: value if type(value) in _AS_IS else serialize(value)
                for key, value in obj.items()
            }
        if isinstance(obj, Enum):
            return obj.value
        keys = self._keys.get(type(obj))
        if keys is None:
            if not hasattr(obj, "deserialized_types"):
                return super().serialize(obj)  # tuples, times, decimals: rare in responses
            keys = self._keys[type(obj)] = list(_json_keys(type(obj)).items())
        out = {}
        for attr, key in keys:
            value = getattr(obj, attr)
            if value is not None:
                out[key] = value if type(value) in _AS_IS else serialize(value)
        return out

    def from_data(self, data: Any, obj_type: Any) -> Any:
        """Parsed JSON as an `obj_type` (a model class or ASK's type name); else raises."""
        return self._reader(obj_type)(data)

    def _reader(self, kind: Any) -> Reader:
        """The reader for a declared type (a class, or a name such as `list[a.b.C]`)."""
        reader = self._readers.get(kind)
        if reader is None:
            reader = self._readers[kind] = self._make_reader(kind)
        return reader

    def _make_reader(self, kind: Any) -> Reader:
        if isinstance(kind, str):
            if kind.startswith("list["):
                return self._list_reader(kind[len("list[") : -1])
            if kind.startswith("dict("):
                match = _DICT_TYPE.match(kind)
                return self._dict_reader(match.group(2)) if match else lambda value: {}
            kind = self.NATIVE_TYPES_MAPPING.get(kind) or self._load_class(kind)
        if kind in self.PRIMITIVE_TYPES:
            return _primitive_reader(kind)
        if kind is object:
            return lambda value: value
        if kind is datetime:
            return _optional(parse_datetime)
        if kind is date:
            return _optional(lambda value: parse_datetime(value).date())
        if isinstance(kind, type) and issubclass(kind, Enum):
            return _optional(_guarded(kind))
        if not hasattr(kind, "deserialized_types"):
            return lambda value: value
        return self._model_reader(kind)

    def _list_reader(self, item_types: str) -> Reader:
        if "," in item_types:
            readers = [self._reader(t.strip()) for t in item_types.split(",")]

            def read_tuple_list(value: Any) -> Any:
                _expect(value, list)
                return [read(item) for read, item in zip(readers, value, strict=False)]

            return _optional(read_tuple_list)
        item_type = item_types.strip()

        def read_list(value: Any) -> Any:
            _expect(value, list)
            read = self._reader(item_type)
            return [read(item) for item in value]

        return _optional(read_list)

    def _dict_reader(self, value_type: str) -> Reader:
        def read_dict(value: Any) -> Any:
            _expect(value, dict)
            read = self._reader(value_type)
            return {key: read(item) for key, item in value.items()}

        return _optional(read_dict)

    def _model_reader(self, cls: Any) -> Reader:
        """A model's reader: the subclass its discriminator names, then each field present."""
        if hasattr(cls, "get_real_child_model"):

            def read_by_discriminator(value: Any) -> Any:
                _expect(value, dict)
                try:
                    name = cls.get_real_child_model(value)
                except (KeyError, TypeError) as exc:
                    raise SerializationException(f"{cls.__name__} without its type") from exc
                if not name:
                    raise SerializationException(f"unknown {cls.__name__} type")
                return self._fields_reader(self._load_class(name))(value)

            return _optional(read_by_discriminator)
        return self._fields_reader(cls)

    def _fields_reader(self, cls: Any) -> Reader:
        reader = self._readers.get(("fields", cls))
        if reader is None:
            reader = self._readers[("fields", cls)] = self._make_fields_reader(cls)
        return reader

    def _make_fields_reader(self, cls: Any) -> Reader:
        declared = cls.deserialized_types
        by_key = {key: (attr, declared[attr]) for attr, key in _json_keys(cls).items()}
        readers = self._readers

        def read_model(value: Any) -> Any:
            _expect(value, dict)
            model = cls()
            # The keys the body has, not every field the model declares (a Context declares
            # a dozen interfaces; a request carries two or three).
            for key, item in value.items():
                field = by_key.get(key)
                if field is not None:
                    attr, kind = field
                    read = readers.get(kind) or self._reader(kind)
                    setattr(model, attr, read(item))
                elif _free_name(cls, key):  # kept as it came, as ASK does, unless the name
                    setattr(model, key, item)  # is taken: `object_type`, `to_dict`, ...
            return model

        return _optional(read_model)

    def _load_class(self, name: str) -> Any:
        """The class a name in `deserialized_types` stands for (`ask_sdk_model.request.Request`)."""
        cls = self._classes.get(name)
        if cls is None:
            module_name, _, class_name = name.rpartition(".")
            try:
                module = __import__(module_name, fromlist=[class_name])
                cls = self._classes[name] = getattr(module, class_name)
            except (ImportError, AttributeError, ValueError) as exc:
                raise SerializationException(f"Unable to resolve class {name}: {exc}") from exc
        return cls


def _free_name(cls: Any, key: str) -> bool:
    """Whether an unknown JSON key may become an attribute: a plain name the model class does
    not use (a forged `object_type` would otherwise replace the request's type)."""
    taken = key in cls.deserialized_types or hasattr(cls, key)
    return key.isidentifier() and not key.startswith("_") and not taken


def _json_keys(cls: Any) -> dict[str, str]:
    """A model's declared attributes and the JSON key of each (its name, unless mapped)."""
    mapped = getattr(cls, "attribute_map", {})
    return {attr: mapped.get(attr, attr) for attr in cls.deserialized_types}


def _optional(read: Reader) -> Reader:
    """A JSON null is None, whatever the type."""

    def read_or_none(value: Any) -> Any:
        return None if value is None else read(value)

    return read_or_none


def _guarded(make: Callable[[Any], Any]) -> Reader:
    """A conversion whose ValueError means a malformed value."""

    def read(value: Any) -> Any:
        try:
            return make(value)
        except ValueError as exc:
            raise SerializationException(str(exc)) from exc

    return read


def _primitive_reader(kind: type) -> Reader:
    """str, int, float, bool or bytes, converted as DefaultSerializer converts them."""

    def read(value: Any) -> Any:
        if value is None or type(value) is kind:
            return value
        try:
            return kind(value)
        except TypeError:
            return value
        except ValueError as exc:
            raise SerializationException(f"Failed to parse {value} into {kind.__name__!r}") from exc

    return read


def _expect(value: Any, kind: type) -> None:
    if not isinstance(value, kind):
        raise SerializationException(f"expected a JSON {kind.__name__}, got {value!r:.40}")
