"""What every store shares: the user key, errors, and the versioned (compare-and-swap) adapter."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CallTimedOut
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from backcoach.skill.domain.deadline import READ_SHARE_S, WRITE_SHARE_S, current_turn
from backcoach.skill.domain.stored import APPEND_HISTORY, StaleWrite
from backcoach.skill.domain.whose import attribute_path, person_of

TIMEOUT_S = 3
"""Longest wait for a lock, a connection or a statement before StoreUnavailable: the drivers'
own limit, which frees a thread a hung call holds. A turn waits less (domain/deadline.py)."""
READY_TIMEOUT_S = 2.0
"""How long /readyz waits for the store's answer before calling it unavailable."""
STORE_THREADS = 8
"""Threads for one store's reads, and as many for its writes, that its calls run on while
turns wait for them with a deadline: a store that hangs holds at most these, each until the
driver's own timeout (or the store) lets go, and calls queued behind them give up at their
deadline without ever running."""

_T = TypeVar("_T")

_wait_until: ContextVar[float | None] = ContextVar("backcoach_store_wait", default=None)


def wait_limit_s() -> float:
    """The longest a store that bounds itself may wait now: what is left of the call's share
    of the turn (one wait after another never adds up past it), or TIMEOUT_S outside a turn."""
    until = _wait_until.get()
    return TIMEOUT_S if until is None else max(0.0, min(until - time.monotonic(), TIMEOUT_S))


READY_PROBE_KEY = "backcoach:ready-probe"
"""The key `ready()` reads: no Alexa id looks like it, so the read is of nobody's row."""


class StoreUnavailable(PersistenceException):
    """The store is down, locked too long, or unreadable.

    An ASK PersistenceException, so the ASK adapter can recognise a store fault without
    importing the storage layer."""


# --- keys ---------------------------------------------------------------------------------------


def attributes_id(request_envelope) -> str:
    """Whose row a request reads and writes: the person it is about (whose.person_of: the
    recognised speaker, or the stream's starter for what acts on a stream), else the
    account's userId."""
    system = attribute_path(request_envelope, "context", "system")
    for value in (
        person_of(request_envelope),
        attribute_path(system, "user", "user_id"),
        attribute_path(request_envelope, "session", "user", "user_id"),
    ):
        if value:
            return value
    raise ValueError("request has no user id")


class Loaded(dict):
    """A person's attributes as read, remembering the row's version: the save that follows
    writes only if the row still has it. ASK hands this same dict back to `save_attributes`,
    so nothing is kept per request outside it."""

    version: int | None = None
    """The stored row's version (0: no row yet; None: not read, the save overwrites)."""
    mark: bytes | None = None
    """The row as read, as its `fingerprint` (None: no row, or none could be taken): a save
    whose attributes have the same fingerprint writes nothing, so a turn that changes
    nothing costs no write (issue 22)."""


def from_player(request_envelope) -> bool:
    """Whether the request is a player event: it may update a person's row but never create
    one, so an event racing the person's deletion cannot bring their data back."""
    kind = attribute_path(request_envelope, "request", "object_type") or ""
    return isinstance(kind, str) and kind.startswith(("AudioPlayer.", "PlaybackController."))


@dataclass(frozen=True)
class Write:
    """One save: the row, the version it must still have, and history entries to append."""

    key: str
    text: str
    """The row as JSON."""
    expected: int | None
    """The version read (0: no row); None writes whatever is there."""
    append: list[dict]
    create: bool
    """Whether a missing row may be created (not by player events)."""

    def history_rows(self) -> list[tuple[int, str]]:
        """(entry number, JSON) per entry to append; entries without a number are skipped."""
        return [(e["n"], encode(e)) for e in self.append if type(e.get("n")) is int]


Connection = TypeVar("Connection")


class VersionedAdapter(AbstractPersistenceAdapter):
    """One row per person with a version; a save writes only if the version is still the one
    read (else StaleWrite, and the request is run again); finished sessions go to history rows.

    Subclasses read and write rows (`_read`, `_write`, `history`, `delete`).
    """

    @property
    def label(self) -> str:
        """Which store this is, for messages ("SQLite store var/backcoach.sqlite3")."""
        raise NotImplementedError

    # -- rows ------------------------------------------------------------------------------------

    def _read(self, key: str) -> tuple[dict, int] | None:
        raise NotImplementedError

    def _write(self, write: Write) -> int:
        """Write the row if its version is still `write.expected`, and append the history
        rows, in one transaction; the new version (0: nothing written, no row to update)."""
        raise NotImplementedError

    def history(self, user_id: str) -> list[dict]:
        """A person's history rows (their finished sessions), oldest first."""
        raise NotImplementedError

    def delete(self, user_id: str) -> bool:
        raise NotImplementedError

    # -- every call a turn makes waits at most its share of the turn's budget ----------------------

    _pools: dict[str, ThreadPoolExecutor] | None = None
    _pools_pid = 0
    _pools_lock = threading.Lock()

    def _threads(self, what: str) -> ThreadPoolExecutor:
        """This store's threads for reads, or for writes: a read never queues behind writes
        stuck on a lock (new threads in a forked child: the parent's are not there)."""
        kind = "read" if what == "read" else "write"
        with self._pools_lock:
            if self._pools is None or self._pools_pid != os.getpid():
                self._pools, self._pools_pid = {}, os.getpid()
            if kind not in self._pools:
                name = f"store-{kind}"
                self._pools[kind] = ThreadPoolExecutor(STORE_THREADS, thread_name_prefix=name)
            return self._pools[kind]

    def _limited(self, wait_s: float, what: str, call: Callable[..., _T], *args: Any) -> _T:
        """call(*args), answered or failed within `wait_s`: on this thread when the store
        bounds itself (its waits are given what is left of `wait_s`), else on its threads."""
        if not self.bounds_itself:
            return self._within(wait_s, what, call, *args)
        token = _wait_until.set(time.monotonic() + wait_s)
        try:
            return call(*args)
        finally:
            _wait_until.reset(token)

    def _within(self, wait_s: float, what: str, call: Callable[..., _T], *args: Any) -> _T:
        """call(*args) on the store's threads, waiting at most `wait_s`; StoreUnavailable
        after that (the call is dropped if it has not started, and ignored if it has)."""
        future = self._threads(what).submit(call, *args)
        try:
            return future.result(timeout=wait_s)
        except CallTimedOut:
            future.cancel()
            raise StoreUnavailable(
                f"{self.label}: no answer to a {what} within {wait_s:.1f} s"
            ) from None

    bounds_itself = False
    """Whether every wait of this store's calls is bounded by a timeout it is given
    (`wait_limit_s`), so a call can run on the turn's own thread: SQLite, whose only waits
    are for locks. A networked store can hang where no timeout reaches (a frozen server still
    acknowledges), so its calls run on its threads, and the turn waits at most its share."""

    def _bounded(self, what: str, share_s: float, call: Callable[..., _T], *args: Any) -> _T:
        """call(*args) inside the deadline of the turn being handled (none: just the call).

        A store that misses the deadline is treated as down for the rest of the turn: the
        answer comes from the session, as when the store refuses connections."""
        turn = current_turn()
        if turn is None:
            return call(*args)
        wait_s = turn.allowance_s(share_s)
        try:
            if turn.store_missed:
                raise StoreUnavailable(f"{self.label}: failed earlier in this turn, not tried")
            if wait_s <= 0:
                raise StoreUnavailable(f"{self.label}: no time left in this turn for a {what}")
            return self._limited(wait_s, what, call, *args)
        except StoreUnavailable:  # the handler logs it, naming the store and the wait
            turn.store_missed = True
            raise

    def get_attributes(self, request_envelope) -> dict:
        """The stored attributes of this request's user ({} for a new one), with their version."""
        key = attributes_id(request_envelope)
        data, version = self._bounded("read", READ_SHARE_S, self._read, key) or ({}, 0)
        loaded = Loaded(data)
        loaded.version = version
        loaded.mark = fingerprint(data) if version else None
        return loaded

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        """Store attributes if nobody saved since they were read (else StaleWrite)."""
        if not isinstance(attributes, dict):
            raise TypeError(f"attributes must be a dict, not {type(attributes).__name__}")
        data = {k: v for k, v in attributes.items() if k != APPEND_HISTORY}
        append = attributes.get(APPEND_HISTORY) or []
        mark = fingerprint(data)
        if not append and isinstance(attributes, Loaded) and mark and attributes.mark == mark:
            return  # the row as read: nothing to write, and no newer write to refuse
        key = attributes_id(request_envelope)
        text = encode(data)
        expected = getattr(attributes, "version", None)
        write = Write(key, text, expected, append, not from_player(request_envelope))
        version = self._bounded("save", WRITE_SHARE_S, self._write, write)
        attributes.pop(APPEND_HISTORY, None)  # appended: a second save must not append again
        if isinstance(attributes, Loaded):
            attributes.version = version or attributes.version
            attributes.mark = mark

    def delete_attributes(self, request_envelope) -> None:
        """Forget this request's user."""
        self._bounded("deletion", WRITE_SHARE_S, self.delete, attributes_id(request_envelope))

    def ready(self) -> str | None:
        """None when the store answers a read and would take a write, each within
        READY_TIMEOUT_S, else why not (one line): a hung or read-only store is not ready."""
        try:
            self._limited(READY_TIMEOUT_S, "read", self._read, READY_PROBE_KEY)
            self._limited(READY_TIMEOUT_S, "write check", self._writable)
        except StoreUnavailable as error:
            return " ".join(str(error).split())  # drivers' messages can span lines
        return None

    def _writable(self) -> None:
        """StoreUnavailable when a write would fail now (without writing anything)."""

    def load(self, user_id: str) -> dict | None:
        """A user's stored attributes, or None."""
        row = self._read(user_id)
        return None if row is None else row[0]


class SqlAdapter(VersionedAdapter, Generic[Connection]):
    """A versioned adapter on a SQL database: a connection per thread and process (`_open`,
    `_prepare`) and a schema that migrates itself (`migrations`, `_stored_schema_version`,
    `_migration_transaction`, `_set_schema_version`)."""

    migrations: Sequence[str] = ()
    """Schema steps in order; the stored schema version counts those applied. Only ever append."""

    def __init__(self) -> None:
        self._local = threading.local()

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


def stale(write: Write, where: str) -> StaleWrite:
    """The error for a save that lost the race (it is logged: the row's key, an Alexa id,
    is not in it)."""
    return StaleWrite(f"{where}: the row changed since it was read (version {write.expected})")


def decode(text: str, where: str) -> dict:
    """A stored JSON object (StoreUnavailable when it is not one)."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:  # what json reads and orjson does not (integers past 64 bits)
        try:
            data = json.loads(text)
        except ValueError as error:
            raise StoreUnavailable(f"{where}: unreadable attributes: {error}") from error
    if not isinstance(data, dict):
        raise StoreUnavailable(f"{where}: stored attributes are not an object")
    return data


def fingerprint(data: dict) -> bytes | None:
    """The data as orjson writes it with its keys in order (None when orjson cannot): equal
    for equal data, telling 1, 1.0 and true apart, at a tenth of `encode`'s cost. Only ever
    compared, never stored: orjson writes a NaN as null where `encode` refuses it, so a
    save whose fingerprint changed is written, and checked, by `encode`."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # keys that are not text, integers past 64 bits: `encode` decides
        return None


def encode(data: dict) -> str:
    """Compact JSON with its keys in order (ValueError/TypeError when data isn't JSON): the
    same data is the same text, whatever order a store gives keys back in (PostgreSQL's
    jsonb keeps its own), so a row read and a row to write compare as text."""
    return json.dumps(data, separators=(",", ":"), allow_nan=False, sort_keys=True)
