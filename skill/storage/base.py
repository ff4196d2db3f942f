"""What every store shares: the user key, errors, the three-way merge and the merging adapter."""

from __future__ import annotations

import copy
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

TIMEOUT_S = 3
"""Longest wait for a lock, a connection or a statement before StoreUnavailable."""
REMEMBERED = 1024
"""How many requests' loaded attributes are kept as merge bases (oldest forgotten first)."""


class StoreUnavailable(PersistenceException):
    """The store is down, locked too long, or unreadable.

    An ASK PersistenceException, so the ASK adapter can recognise a store fault without
    importing the storage layer."""


# --- keys and merging ---------------------------------------------------------------------------


def attributes_id(request_envelope) -> str:
    """The recognised speaker's personId, else the account's userId."""
    system = _get(request_envelope, "context", "system")
    for value in (
        _get(system, "person", "person_id"),
        _get(system, "user", "user_id"),
        _get(request_envelope, "session", "user", "user_id"),
    ):
        if value:
            return value
    raise ValueError("request has no user id")


def _get(obj: Any, *names: str) -> Any:
    """obj.a.b.c, or None where a link is missing."""
    for name in names:
        obj = getattr(obj, name, None)
    return obj


class _Missing:
    """An absent key (deep copies keep the identity)."""

    def __deepcopy__(self, memo: dict) -> _Missing:
        return self

    def __repr__(self) -> str:
        return "MISSING"


_MISSING = _Missing()


def merge(base: dict, ours: dict, theirs: dict) -> dict:
    """Three-way merge of JSON-like dicts: both sides' changes survive; ours wins conflicts."""
    out = {}
    for key in dict.fromkeys([*ours, *theirs, *base]):
        value = _merge_value(
            base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING)
        )
        if value is not _MISSING:
            out[key] = value
    return out


def _merge_value(base: Any, ours: Any, theirs: Any) -> Any:
    """One key's merged value (_MISSING: the key goes)."""
    if _same(ours, base):
        return copy.deepcopy(theirs)
    if _same(theirs, base) or theirs is _MISSING:
        return copy.deepcopy(ours)
    if ours is _MISSING:
        return copy.deepcopy(theirs)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return merge(base if isinstance(base, dict) else {}, ours, theirs)
    if isinstance(ours, list) and isinstance(theirs, list):
        return _merge_lists(base if isinstance(base, list) else [], ours, theirs)
    return copy.deepcopy(ours)


def _merge_lists(base: list, ours: list, theirs: list) -> list:
    """Theirs, then what ours appended that theirs lacks (two writers' log entries both stay)."""
    added = [item for item in ours if item not in base and item not in theirs]
    return copy.deepcopy(theirs + added)


def _same(a: Any, b: Any) -> bool:
    """Deep equality that tells 1, 1.0 and True apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


# --- the merging adapter ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    """What one request loaded: the merge base for its save."""

    key: str
    data: dict
    version: int


class _Remembered:
    """A thread-safe map from request id to _Loaded that forgets the oldest past `size`."""

    def __init__(self, size: int = REMEMBERED):
        self._items: OrderedDict[str, _Loaded] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def put(self, request_id: str, loaded: _Loaded) -> None:
        with self._lock:
            self._items[request_id] = loaded
            self._items.move_to_end(request_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get(self, request_id: str) -> _Loaded | None:
        with self._lock:
            return self._items.get(request_id)

    def pop(self, request_id: str) -> None:
        with self._lock:
            self._items.pop(request_id, None)

    def __len__(self) -> int:
        return len(self._items)


def _request_id(request_envelope) -> str:
    """The key of a request's merge base."""
    return _get(request_envelope, "request", "request_id") or f"envelope:{id(request_envelope)}"


def plain(attributes: dict) -> dict:
    """A JSON-exact deep copy (ValueError/TypeError when attributes aren't JSON)."""
    if not isinstance(attributes, dict):
        raise TypeError(f"attributes must be a dict, not {type(attributes).__name__}")
    return json.loads(json.dumps(attributes, allow_nan=False))


def _resolve(loaded: _Loaded | None, ours: dict, current: dict, version: int) -> dict:
    """What to write: ours when nobody saved since we loaded, else the three-way merge."""
    if loaded is None or (version == loaded.version and _same(current, loaded.data)):
        return ours
    return merge(loaded.data, ours, current)


def from_player(request_envelope) -> bool:
    """Whether the request is a player event: it may update a person's row but never create
    one, so an event racing the person's deletion cannot bring their data back."""
    kind = _get(request_envelope, "request", "object_type") or ""
    return isinstance(kind, str) and kind.startswith(("AudioPlayer.", "PlaybackController."))


Resolve = Callable[[dict, int], dict]
Connection = TypeVar("Connection")


class MergingAdapter(AbstractPersistenceAdapter, Generic[Connection]):
    """One row per user; a save that raced with another writer is merged, not lost.

    Subclasses give a connection per thread and process (`_open`, `_prepare`) and a schema
    that migrates itself (`migrations`, `_stored_schema_version`, `_migration_transaction`,
    `_set_schema_version`); reading and writing rows is theirs too (`_read`, `_update`).
    """

    migrations: Sequence[str] = ()
    """Schema steps in order; the stored schema version counts those applied. Only ever append."""

    def __init__(self) -> None:
        self._loaded = _Remembered()
        self._local = threading.local()

    @property
    def label(self) -> str:
        """Which store this is, for messages ("SQLite store var/backcoach.sqlite3")."""
        raise NotImplementedError

    # -- connections: one per thread, and a new one after a fork ---------------------------------

    def _open(self) -> Connection:
        raise NotImplementedError

    def _prepare(self, conn: Connection) -> None:
        """Make a new connection ready (settings, migrations)."""

    def _alive(self, conn: Connection) -> bool:
        """Whether a kept connection can still be used."""
        return True

    def _thread_connection(self) -> tuple[Connection, bool]:
        """This thread's prepared connection, and whether it was kept from an earlier call."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid() and self._alive(conn):
            return conn, True
        conn = self._open()
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()  # type: ignore[attr-defined]
            raise
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn, False

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    # -- migrations ------------------------------------------------------------------------------

    def _stored_schema_version(self, conn: Connection) -> int:
        raise NotImplementedError

    def _migration_transaction(self, conn: Connection) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _set_schema_version(self, conn: Connection, version: int) -> None:
        raise NotImplementedError

    def _schema_version(self, conn: Connection) -> int:
        """Migrations applied (StoreUnavailable when newer than this code knows)."""
        version = self._stored_schema_version(conn)
        if version > len(self.migrations):
            raise StoreUnavailable(
                f"{self.label}: schema v{version} is newer than this code (v{len(self.migrations)})"
            )
        return version

    def _migrate(self, conn: Connection) -> None:
        """Apply the migrations the store lacks, in order, in one transaction."""
        if self._schema_version(conn) == len(self.migrations):
            return
        with self._migration_transaction(conn):
            applied = self._schema_version(conn)
            for statement in self.migrations[applied:]:
                conn.execute(statement)  # type: ignore[attr-defined]
            self._set_schema_version(conn, len(self.migrations))

    # -- rows ------------------------------------------------------------------------------------

    def _read(self, key: str) -> tuple[dict, int] | None:
        raise NotImplementedError

    def _update(self, key: str, resolve: Resolve, create: bool = True) -> tuple[dict, int]:
        """Resolve against the stored row and write; without `create`, a missing row stays
        missing (and version 0 comes back)."""
        raise NotImplementedError

    def delete(self, user_id: str) -> bool:
        raise NotImplementedError

    def get_attributes(self, request_envelope) -> dict:
        """The stored attributes of this request's user ({} for a new one)."""
        key = attributes_id(request_envelope)
        data, version = self._read(key) or ({}, 0)
        self._loaded.put(_request_id(request_envelope), _Loaded(key, copy.deepcopy(data), version))
        return data

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        """Store attributes, merged with whatever another request saved since we loaded."""
        key = attributes_id(request_envelope)
        ours = plain(attributes)
        request_id = _request_id(request_envelope)
        loaded = self._loaded.get(request_id)
        if loaded is not None and loaded.key != key:
            loaded = None
        create = not from_player(request_envelope)
        _, version = self._update(
            key, lambda cur, ver: _resolve(loaded, ours, cur, ver), create=create
        )
        self._loaded.put(request_id, _Loaded(key, ours, version))  # the caller holds ours

    def delete_attributes(self, request_envelope) -> None:
        """Forget this request's user."""
        self.delete(attributes_id(request_envelope))
        self._loaded.pop(_request_id(request_envelope))

    def load(self, user_id: str) -> dict | None:
        """A user's stored attributes, or None."""
        row = self._read(user_id)
        return None if row is None else row[0]


def decode(text: str, where: str) -> dict:
    """A stored JSON object (StoreUnavailable when it is not one)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise StoreUnavailable(f"{where}: unreadable attributes: {error}") from error
    if not isinstance(data, dict):
        raise StoreUnavailable(f"{where}: stored attributes are not an object")
    return data


def encode(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"), allow_nan=False)
