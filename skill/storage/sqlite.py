"""Attributes in one SQLite file (stdlib, WAL): the default store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from backcoach.skill.storage.base import (
    TIMEOUT_S,
    MergingAdapter,
    Resolve,
    StoreUnavailable,
    decode,
    encode,
)

SQLITE_MIGRATIONS: list[str] = [
    "CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL,"
    " version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
]
"""Schema steps in order; PRAGMA user_version counts those applied. Only ever append."""


class SqliteAdapter(MergingAdapter[sqlite3.Connection]):
    """Attributes in one SQLite file (WAL, a connection per thread): thread- and process-safe."""

    migrations: Sequence[str] = SQLITE_MIGRATIONS

    def __init__(self, path: Path | str):
        super().__init__()
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"SqliteAdapter({str(self.path)!r})"

    @property
    def label(self) -> str:
        return f"SQLite store {self.path}"

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; driver and file errors become StoreUnavailable."""
        try:
            yield self._thread_connection()[0]
        except (sqlite3.Error, OSError) as error:
            self.close()
            raise StoreUnavailable(f"{self.label}: {error}") from error
        except StoreUnavailable:
            self.close()
            raise

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(self.path, timeout=TIMEOUT_S, isolation_level=None)

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Busy timeout, WAL, and fsync at checkpoints only (safe in WAL); then migrate."""
        conn.execute(f"PRAGMA busy_timeout = {TIMEOUT_S * 1000}")
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = NORMAL")
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
        with self._connection() as conn:
            return self._row(conn, key)

    def _update(self, key: str, resolve: Resolve, create: bool = True) -> tuple[dict, int]:
        with self._connection() as conn, _immediate(conn):
            row = self._row(conn, key)
            if row is None and not create:
                return {}, 0
            current, version = row or ({}, 0)
            data = resolve(current, version)
            conn.execute(
                "INSERT INTO attributes (id, data, version, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
                " version = excluded.version, updated_at = excluded.updated_at",
                (key, encode(data), version + 1, datetime.now(UTC).isoformat()),
            )
        return data, version + 1

    def delete(self, user_id: str) -> bool:
        """Forget a user; whether there was anything to forget."""
        with self._connection() as conn:
            return conn.execute("DELETE FROM attributes WHERE id = ?", (user_id,)).rowcount > 0

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted."""
        with self._connection() as conn:
            return [row[0] for row in conn.execute("SELECT id FROM attributes ORDER BY id")]


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
