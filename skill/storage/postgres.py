"""Attributes in PostgreSQL (psycopg 3, imported on first use), for several hosts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from backcoach.skill.storage.base import TIMEOUT_S, MergingAdapter, Resolve, StoreUnavailable

POSTGRES_MIGRATIONS: list[str] = [
    "CREATE TABLE backcoach_attributes (id TEXT PRIMARY KEY, data JSONB NOT NULL,"
    " version BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
]
"""Schema steps in order; backcoach_schema_version counts those applied. Only ever append."""

_PG_MIGRATION_LOCK = 0x6261636B636F6163
"""pg_advisory_xact_lock key serialising migrations ("backcoac")."""

_PG_MIGRATION_LOCK = 0x6261636B636F6163
"""pg_advisory_xact_lock key serialising migrations ("backcoac")."""

_T = TypeVar("_T")


class PostgresAdapter(MergingAdapter):
    """Attributes in PostgreSQL (psycopg 3): a connection per thread, the row locked to save."""

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

    def _row(self, conn: Any, key: str, lock: str = "") -> tuple[dict, int] | None:
        row = conn.execute(
            f"SELECT data, version FROM backcoach_attributes WHERE id = %s {lock}", (key,)
        ).fetchone()
        if row is None:
            return None
        if not isinstance(row[0], dict):
            raise StoreUnavailable(f"{self.label}: attributes are not an object")
        return row[0], row[1]

    def _read(self, key: str) -> tuple[dict, int] | None:
        return self._run(lambda conn: self._row(conn, key))

    def _update(self, key: str, resolve: Resolve, create: bool = True) -> tuple[dict, int]:
        return self._run(lambda conn: self._locked_update(conn, key, resolve, create))

    def _locked_update(
        self, conn: Any, key: str, resolve: Resolve, create: bool
    ) -> tuple[dict, int]:
        """Insert-if-absent (when `create`), lock the row, resolve against it, write; one
        transaction."""
        from psycopg.types.json import Jsonb

        with conn.transaction():
            if create:
                conn.execute(
                    "INSERT INTO backcoach_attributes (id, data, version) VALUES (%s, '{}', 0)"
                    " ON CONFLICT (id) DO NOTHING",
                    (key,),
                )
            row = self._row(conn, key, lock="FOR UPDATE")
            if row is None:
                return {}, 0
            current, version = row
            data = resolve(current, version)
            conn.execute(
                "UPDATE backcoach_attributes SET data = %s, version = %s, updated_at = now()"
                " WHERE id = %s",
                (Jsonb(data), version + 1, key),
            )
        return data, version + 1

    def delete(self, user_id: str) -> bool:
        """Forget a user; whether there was anything to forget."""
        sql = "DELETE FROM backcoach_attributes WHERE id = %s"
        return self._run(lambda conn: conn.execute(sql, (user_id,)).rowcount > 0)

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted."""
        sql = "SELECT id FROM backcoach_attributes ORDER BY id"
        return self._run(lambda conn: [row[0] for row in conn.execute(sql)])


def _psycopg() -> Any:
    """psycopg 3, imported on first use."""
    try:
        import psycopg
    except ImportError as error:
        raise StoreUnavailable(
            "PostgreSQL store needs: pip install 'psycopg[binary]>=3.1'"
        ) from error
    return psycopg
