"""Attributes and history in PostgreSQL (psycopg 3, imported on first use), for several hosts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from backcoach.skill.extras import install_hint
from backcoach.skill.storage.base import (
    TIMEOUT_S,
    SqlAdapter,
    StoreUnavailable,
    Write,
    stale,
)

POSTGRES_MIGRATIONS: list[str] = [
    "CREATE TABLE backcoach_attributes (id TEXT PRIMARY KEY, data JSONB NOT NULL,"
    " version BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    "CREATE TABLE backcoach_history (id TEXT NOT NULL, n INTEGER NOT NULL, entry JSONB NOT NULL,"
    " PRIMARY KEY (id, n))",
]
"""Schema steps in order; backcoach_schema_version counts those applied. Only ever append."""

_PG_MIGRATION_LOCK = 0x6261636B636F6163
"""pg_advisory_xact_lock key serialising migrations ("backcoac")."""

_T = TypeVar("_T")


class PostgresAdapter(SqlAdapter):
    """Attributes in PostgreSQL (psycopg 3): a connection per thread, a conditional update."""

    migrations: Sequence[str] = POSTGRES_MIGRATIONS

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self._ready = False
        self._ready_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgresAdapter({self.where!r})"

    @property
    def where(self) -> str:
        """The URL without its password, for messages."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"{host}:{parts.port or 5432}{parts.path}" if host else parts.path or "postgres"

    @property
    def label(self) -> str:
        return f"PostgreSQL store {self.where}"

    def _run(self, work: Callable[[Any], _T]) -> _T:
        """work(connection); driver errors become StoreUnavailable."""
        psycopg = _psycopg()
        try:
            return self._attempt(psycopg, work, retry=True)
        except psycopg.Error as error:
            raise StoreUnavailable(f"{self.label}: {error}") from error

    def _attempt(self, psycopg: Any, work: Callable[[Any], _T], retry: bool) -> _T:
        """work on this thread's connection, once more on a new one if a kept one had died."""
        conn, kept = self._thread_connection()
        try:
            return work(conn)
        except psycopg.Error:
            if not (conn.broken or conn.closed):
                raise
            self.close()
            if not (kept and retry):
                raise
        return self._attempt(psycopg, work, retry=False)

    def _open(self) -> Any:
        psycopg = _psycopg()
        return psycopg.connect(self._conninfo(psycopg), autocommit=True)

    def _alive(self, conn: Any) -> bool:
        return not conn.closed

    def _conninfo(self, psycopg: Any) -> str:
        """The URL plus connect, lock, statement and dead-peer timeouts."""
        ms = TIMEOUT_S * 1000
        options = psycopg.conninfo.conninfo_to_dict(self.url).get("options") or ""
        options = f"{options} -c lock_timeout={ms} -c statement_timeout={ms}".strip()
        return psycopg.conninfo.make_conninfo(
            self.url,
            connect_timeout=TIMEOUT_S,
            options=options,
            tcp_user_timeout=ms,
            keepalives=1,
            keepalives_idle=TIMEOUT_S,
            keepalives_interval=1,
            keepalives_count=2,
        )

    def _prepare(self, conn: Any) -> None:
        """Migrate once per adapter."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                self._migrate(conn)
                self._ready = True

    def _stored_schema_version(self, conn: Any) -> int:
        if conn.execute("SELECT to_regclass('backcoach_schema_version')").fetchone()[0] is None:
            return 0
        version = conn.execute("SELECT max(version) FROM backcoach_schema_version").fetchone()[0]
        return version or 0

    @contextmanager
    def _migration_transaction(self, conn: Any) -> Iterator[None]:
        """One transaction, serialised across hosts by an advisory lock."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS backcoach_schema_version (version INTEGER NOT NULL)"
            )
            yield

    def _set_schema_version(self, conn: Any, version: int) -> None:
        conn.execute("DELETE FROM backcoach_schema_version")
        conn.execute("INSERT INTO backcoach_schema_version (version) VALUES (%s)", (version,))

    def _read(self, key: str) -> tuple[dict, int] | None:
        sql = "SELECT data, version FROM backcoach_attributes WHERE id = %s"
        row = self._run(lambda conn: conn.execute(sql, (key,)).fetchone())
        if row is None:
            return None
        if not isinstance(row[0], dict):
            raise StoreUnavailable(f"{self.label}: attributes are not an object")
        return row[0], row[1]

    def _write(self, write: Write) -> int:
        version = self._run(lambda conn: _write(conn, write))
        if version is None:
            raise stale(write, self.label)
        return version

    def history(self, user_id: str) -> list[dict]:
        """A person's history rows (their finished sessions), oldest first."""
        sql = "SELECT entry FROM backcoach_history WHERE id = %s ORDER BY n"
        return self._run(lambda conn: [row[0] for row in conn.execute(sql, (user_id,))])

    def delete(self, user_id: str) -> bool:
        """Forget a user and their history; whether there was anything to forget."""

        def forget(conn: Any) -> bool:
            with conn.transaction():
                conn.execute("DELETE FROM backcoach_history WHERE id = %s", (user_id,))
                sql = "DELETE FROM backcoach_attributes WHERE id = %s"
                return conn.execute(sql, (user_id,)).rowcount > 0

        return self._run(forget)

    def _writable(self) -> None:
        """A read-only session (a standby, `default_transaction_read_only`) takes no write."""
        sql = "SHOW transaction_read_only"
        if self._run(lambda conn: conn.execute(sql).fetchone()[0]) == "on":
            raise StoreUnavailable(f"{self.label}: the database is read-only")

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted."""
        sql = "SELECT id FROM backcoach_attributes ORDER BY id"
        return self._run(lambda conn: [row[0] for row in conn.execute(sql)])


def _write(conn: Any, write: Write) -> int | None:
    """The row written if its version is as expected, and the history appended, in one
    transaction: the new version, 0 when a player event found no row, None when someone
    else wrote first."""
    with conn.transaction():
        version = _write_row(conn, write)
        rows = [(write.key, n, entry) for n, entry in write.history_rows()]
        if version and rows:
            conn.cursor().executemany(
                "INSERT INTO backcoach_history (id, n, entry) VALUES (%s, %s, %s::jsonb)"
                " ON CONFLICT DO NOTHING",
                rows,
            )
    return version


def _write_row(conn: Any, write: Write) -> int | None:
    """The attributes row, written only if its version is still the one read."""
    if write.expected is None and not write.create:  # not read first, by a player event
        row = conn.execute(
            "UPDATE backcoach_attributes SET data = %s::jsonb, version = version + 1,"
            " updated_at = now() WHERE id = %s RETURNING version",
            (write.text, write.key),
        ).fetchone()
        return row[0] if row else 0
    if write.expected is None:  # not read first: whatever is there is replaced
        return conn.execute(
            "INSERT INTO backcoach_attributes (id, data, version) VALUES (%s, %s::jsonb, 1)"
            " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
            " version = backcoach_attributes.version + 1, updated_at = now() RETURNING version",
            (write.key, write.text),
        ).fetchone()[0]
    if write.expected == 0:
        if not write.create:
            sql = "SELECT 1 FROM backcoach_attributes WHERE id = %s"
            return None if conn.execute(sql, (write.key,)).fetchone() else 0
        inserted = conn.execute(
            "INSERT INTO backcoach_attributes (id, data, version) VALUES (%s, %s::jsonb, 1)"
            " ON CONFLICT (id) DO NOTHING",
            (write.key, write.text),
        ).rowcount
        return 1 if inserted else None
    updated = conn.execute(
        "UPDATE backcoach_attributes SET data = %s::jsonb, version = %s, updated_at = now()"
        " WHERE id = %s AND version = %s",
        (write.text, write.expected + 1, write.key, write.expected),
    ).rowcount
    return write.expected + 1 if updated else None


def _psycopg() -> Any:
    """psycopg 3, imported on first use."""
    try:
        import psycopg
    except ImportError as error:
        raise StoreUnavailable(f"the PostgreSQL store {install_hint('postgres')}") from error
    return psycopg
