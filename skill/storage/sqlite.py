"""Attributes and history in one SQLite file (stdlib, WAL): the default store."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from backcoach.skill.storage.base import (
    TIMEOUT_S,
    SqlAdapter,
    StoreUnavailable,
    Write,
    decode,
    stale,
    wait_limit_s,
)

SQLITE_MIGRATIONS: list[str] = [
    "CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL,"
    " version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE history (id TEXT NOT NULL, n INTEGER NOT NULL, entry TEXT NOT NULL,"
    " PRIMARY KEY (id, n)) WITHOUT ROWID",
]
"""Schema steps in order; PRAGMA user_version counts those applied. Only ever append."""
BUSY_STEP_MS = 100
"""A call's lock wait (its share of the turn) is set in steps of this, rounded down."""
IDENTITY_RECHECK_S = 1.0
"""How old a check that the file is still the one opened may be for a read (writes check)."""
WAL_RETRY_S = 0.005
"""Between tries to switch a file to WAL while another connection holds it (_use_wal)."""


class SqliteAdapter(SqlAdapter[sqlite3.Connection]):
    """Attributes in one SQLite file (WAL, a connection per thread): thread- and process-safe."""

    migrations: Sequence[str] = SQLITE_MIGRATIONS
    bounds_itself = True  # it waits only for locks, each with a timeout it sets per call

    def __init__(self, path: Path | str):
        super().__init__()
        self.path = Path(path)
        # Writers in this process take turns here rather than in SQLite's busy handler, which
        # sleeps in steps of up to 100 ms: a write lasts well under a millisecond.
        self._writing = threading.Lock()
        self._identity: tuple[int, int] | None = None
        """(st_dev, st_ino) of the file the first connection opened; None until then."""
        self._identity_lock = threading.Lock()
        self._identity_seen = float("-inf")
        """When (time.monotonic) the file was last found to be the one pinned."""
        self._replaced = False
        """Whether the file was found removed or replaced: refused until a restart."""

    def __repr__(self) -> str:
        return f"SqliteAdapter({str(self.path)!r})"

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """This process's turn to write, waited for no longer than the call may."""
        if not self._writing.acquire(timeout=wait_limit_s()):
            raise StoreUnavailable(f"{self.label}: another write in this process took too long")
        try:
            yield
        finally:
            self._writing.release()

    @property
    def label(self) -> str:
        return f"SQLite store {self.path}"

    @contextmanager
    def _connection(self, only_reads: bool = False) -> Iterator[sqlite3.Connection]:
        """This thread's connection, waiting for a lock no longer than the call may (the
        turn's share, else TIMEOUT_S); driver and file errors become StoreUnavailable. A call
        that only reads finds the file checked within the last IDENTITY_RECHECK_S."""
        try:
            self._check_identity(only_reads)
            conn = self._thread_connection()[0]
            # Rounded down to BUSY_STEP_MS: the wait stays within the call's share, and a
            # statement to change it is needed only when the step changes, not on every call.
            busy_ms = int(wait_limit_s() * 1000)
            if busy_ms > BUSY_STEP_MS:
                busy_ms -= busy_ms % BUSY_STEP_MS
            if getattr(self._local, "busy_ms", None) != busy_ms:
                conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
                self._local.busy_ms = busy_ms
            yield conn
        except (sqlite3.Error, OSError) as error:
            self.close()
            raise StoreUnavailable(f"{self.label}: {error}") from error
        except StoreUnavailable:
            self.close()
            raise

    def _open(self) -> sqlite3.Connection:
        if self._identity is None:  # the first open may create the file (and its directory)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=TIMEOUT_S, isolation_level=None)
        else:  # later ones never do: a missing file is an error, not a new empty store
            uri = f"file:{quote(str(self.path.resolve()))}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=TIMEOUT_S, isolation_level=None)
        try:
            self._pin_identity()
        except BaseException:
            conn.close()
            raise
        return conn

    def _file_identity(self) -> tuple[int, int] | None:
        """(st_dev, st_ino) of the file now at the path; None when there is none."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_dev, st.st_ino

    def _pin_identity(self) -> None:
        """Remember the file the first connection opened; later ones must open the same."""
        with self._identity_lock:
            if self._identity is None:
                self._identity = self._file_identity()
        self._check_identity()

    def _check_identity(self, only_reads: bool = False) -> None:
        """StoreUnavailable once the file was removed or replaced under us.

        Kept connections would go on writing to the removed file while new ones opened
        another: the same person would have and not have a history, and all of it would be
        lost at restart. So every write, and every read once it is found, stops here instead,
        until a restart. A read may go by a check made within IDENTITY_RECHECK_S (issue 22:
        a stat on every turn): what it reads in that second is what was true a moment ago,
        and no write reaches the removed file."""
        if self._replaced:
            raise self._refusal()
        if self._identity is None:
            return
        now = time.monotonic()
        if only_reads and now - self._identity_seen < IDENTITY_RECHECK_S:
            return
        if self._file_identity() != self._identity:
            self._replaced = True
            raise self._refusal()
        self._identity_seen = now

    def _refusal(self) -> StoreUnavailable:
        """What every call gets once the file was found removed or replaced."""
        return StoreUnavailable(
            f"{self.label}: the database file {self.path} was removed or replaced;"
            " restart the server"
        )

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Busy timeout, WAL, and fsync at checkpoints only (safe in WAL); then migrate."""
        conn.execute(f"PRAGMA busy_timeout = {TIMEOUT_S * 1000}")
        self._local.busy_ms = TIMEOUT_S * 1000
        _use_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA secure_delete = ON")  # a deleted person's bytes do not linger
        self._migrate(conn)

    def _stored_schema_version(self, conn: sqlite3.Connection) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def _migration_transaction(self, conn: sqlite3.Connection) -> AbstractContextManager[None]:
        return _immediate(conn)

    def _set_schema_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {version}")

    def _row(self, conn: sqlite3.Connection, key: str) -> tuple[dict, int] | None:
        row = conn.execute("SELECT data, version FROM attributes WHERE id = ?", (key,)).fetchone()
        return None if row is None else (decode(row[0], self.label), row[1])

    def _read(self, key: str) -> tuple[dict, int] | None:
        with self._connection(only_reads=True) as conn:
            return self._row(conn, key)

    def _write(self, write: Write) -> int:
        with self._writer(), self._connection() as conn, _immediate(conn):
            version = _write_row(conn, write)
            if version is None:
                raise stale(write, self.label)
            rows = [(write.key, n, entry) for n, entry in write.history_rows()]
            if version and rows:
                conn.executemany(
                    "INSERT INTO history (id, n, entry) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    rows,
                )
        return version

    def history(self, user_id: str) -> list[dict]:
        """A person's history rows (their finished sessions), oldest first."""
        with self._connection() as conn:
            rows = conn.execute("SELECT entry FROM history WHERE id = ? ORDER BY n", (user_id,))
            return [decode(row[0], self.label) for row in rows]

    def delete(self, user_id: str) -> bool:
        """Forget a user and their history; whether there was anything to forget.

        Forgotten for good: secure_delete overwrites the freed pages, and a checkpoint moves
        the change into the database file and empties the write-ahead log, which would
        otherwise hold the person's rows until SQLite next checkpoints on its own."""
        with self._writer(), self._connection() as conn:
            with _immediate(conn):
                conn.execute("DELETE FROM history WHERE id = ?", (user_id,))
                sql = "DELETE FROM attributes WHERE id = ?"
                forgot = conn.execute(sql, (user_id,)).rowcount > 0
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return forgot

    def _writable(self) -> None:
        """Take the write lock and let it go: fails on a read-only or locked file."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted."""
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT id FROM attributes ORDER BY id")]


def _write_row(conn: sqlite3.Connection, write: Write) -> int | None:
    """The row written if its version is as expected: the new version, 0 when a player event
    found no row to update, None when someone else wrote first."""
    now = datetime.now(UTC).isoformat()
    if write.expected is None and not write.create:  # not read first, by a player event
        row = conn.execute(
            "UPDATE attributes SET data = ?, version = version + 1, updated_at = ? WHERE id = ?"
            " RETURNING version",
            (write.text, now, write.key),
        ).fetchone()
        return row[0] if row else 0
    if write.expected is None:  # not read first: whatever is there is replaced
        row = conn.execute(
            "INSERT INTO attributes (id, data, version, updated_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
            " version = attributes.version + 1, updated_at = excluded.updated_at"
            " RETURNING version",
            (write.key, write.text, now),
        ).fetchone()
        return row[0]
    if write.expected == 0:
        if not write.create:
            exists = conn.execute("SELECT 1 FROM attributes WHERE id = ?", (write.key,)).fetchone()
            return None if exists else 0
        inserted = conn.execute(
            "INSERT INTO attributes (id, data, version, updated_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (write.key, write.text, now),
        ).rowcount
        return 1 if inserted else None
    updated = conn.execute(
        "UPDATE attributes SET data = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
        (write.text, write.expected + 1, now, write.key, write.expected),
    ).rowcount
    return write.expected + 1 if updated else None


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction taken up front (BEGIN IMMEDIATE), rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _use_wal(conn: sqlite3.Connection) -> None:
    """The file in WAL mode, which persists in it: a connection that finds it set changes
    nothing. Switching needs the file to itself, and SQLite answers "database is locked" at
    once, without waiting in its busy handler, while another connection holds or wants a
    write lock in the old mode (eight turn threads, or a process per core, opening a new
    file together): tried again until TIMEOUT_S, as any other lock is waited for."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(WAL_RETRY_S)
