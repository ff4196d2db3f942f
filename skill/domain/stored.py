"""Stored rows: typed, versioned, migrated, checked field by field or refused with a logged
reason."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar, Self

from backcoach.skill.domain.checked import dump, read_fields

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5
"""Version of every stored coaching row (profile, place, stream) written today."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns a row of one version into a row of the next."""

APPEND_HISTORY = "append_history"
"""Key, in the attributes handed to a store, of the finished sessions' entries it appends to
the person's history rows (in the same write, and never kept in the row itself)."""


class StaleWrite(Exception):
    """Someone saved this person's row since this request read it: nothing was written, and
    the request is run again on what is stored now (compare-and-swap on the row's version)."""


def _unversioned(row: dict[str, Any]) -> dict[str, Any]:
    """Version 1: rows written before they carried a version have today's fields already."""
    return row


def _fields_added(row: dict[str, Any]) -> dict[str, Any]:
    """Version 4 → 5: fields were added (a break's step down); their defaults suit old rows."""
    return row


class StoredRow:
    """A part of a person's state as kept in Alexa's attributes (extra keys are ignored,
    so parts kept side by side in one dict read only their own fields); subclasses are
    dataclasses whose every field has a default."""

    migrations: ClassVar[dict[int, Migration]] = {
        1: _unversioned,
        2: _unversioned,
        3: _unversioned,
        4: _fields_added,
    }
    """Per version older than SCHEMA_VERSION, how to bring a row one version forward."""

    @classmethod
    def from_row(cls, row: object, what: str = "") -> tuple[Self, frozenset[str]]:
        """The part a stored row holds, and the fields refused from it.

        A missing row starts fresh quietly; an unknown version or a row that is not a
        mapping starts fresh with a warning; a field that does not validate is dropped
        (with a warning) and the rest is kept, so a bad field never fails a later turn.
        """
        what = what or cls.__name__
        if row is None:
            return cls(), frozenset()
        if not isinstance(row, dict):
            log.warning("%s refused: a %s, not a mapping; starting fresh", what, type(row).__name__)
            return cls(), frozenset()
        version = row.get("schema_version", 1)
        if type(version) is not int or not 1 <= version <= SCHEMA_VERSION:
            log.warning("%s refused: unknown schema_version %r; starting fresh", what, version)
            return cls(), frozenset()
        data = dict(row)
        for step in range(version, SCHEMA_VERSION):
            data = cls.migrations[step](data)
        values, bad = read_fields(cls, data)
        if bad:
            log.warning("%s: dropped unreadable fields %s", what, ", ".join(sorted(bad)))
        return cls(**values), frozenset(bad)

    @staticmethod
    def is_newer(row: object) -> bool:
        """Whether a row was written by a newer release: refused here, and never overwritten
        (a rollback must not destroy what the newer release saved)."""
        version = row.get("schema_version") if isinstance(row, dict) else None
        return type(version) is int and version > SCHEMA_VERSION

    def to_row(self) -> dict[str, Any]:
        """A JSON-safe dict for attributes, tagged with the schema version."""
        return {"schema_version": SCHEMA_VERSION, **dump(self)}
