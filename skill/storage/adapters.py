"""Per-user persistent attributes behind ASK's persistence interface, without lost updates.

SQLite (default) and PostgreSQL merge a save that raced with another writer (see `merge`);
DynamoDB uses ASK's own adapter, where the last save wins.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

TIMEOUT_S = 3
"""Longest wait for a lock, a connection or a statement before StoreUnavailable."""
REMEMBERED = 1024
"""How many requests' loaded attributes are kept as merge bases (oldest forgotten first)."""

SQLITE_MIGRATIONS: list[str] = [
    "CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL,"
    " version INTEGER NOT NULL, updated_at TEXT NOT NULL)",
]
"""Schema steps in order; PRAGMA user_version counts those applied. Only ever append."""

POSTGRES_MIGRATIONS: list[str] = [
    "CREATE TABLE backcoach_attributes (id TEXT PRIMARY KEY, data JSONB NOT NULL,"
    " version BIGINT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
]
"""Schema steps in order; backcoach_schema_version counts those applied. Only ever append."""

_PG_MIGRATION_LOCK = 0x6261636B636F6163
"""pg_advisory_xact_lock key serialising migrations ("backcoac")."""

STORE_FORMS = (
    '"" or "sqlite" (DATA_DIR/backcoach.sqlite3), "sqlite:///abs/path.db",'
    ' "postgresql://user:pass@host:port/db" (or postgres://),'
    ' "dynamodb://TABLE?region=REGION&create=1"'
)


class StoreUnavailable(RuntimeError):
    """The store is down, locked too long, or unreadable."""


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


def _plain(attributes: dict) -> dict:
    """A JSON-exact deep copy (ValueError/TypeError when attributes aren't JSON)."""
    if not isinstance(attributes, dict):
        raise TypeError(f"attributes must be a dict, not {type(attributes).__name__}")
    return json.loads(json.dumps(attributes, allow_nan=False))


def _resolve(loaded: _Loaded | None, ours: dict, current: dict, version: int) -> dict:
    """What to write: ours when nobody saved since we loaded, else the three-way merge."""
    if loaded is None or (version == loaded.version and _same(current, loaded.data)):
        return ours
    return merge(loaded.data, ours, current)


Resolve = Callable[[dict, int], dict]
_T = TypeVar("_T")


class _MergingAdapter(AbstractPersistenceAdapter):
    """One row per user; a save that raced with another writer is merged, not lost."""

    def __init__(self) -> None:
        self._loaded = _Remembered()

    def _read(self, key: str) -> tuple[dict, int] | None:
        raise NotImplementedError

    def _update(self, key: str, resolve: Resolve) -> tuple[dict, int]:
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
        ours = _plain(attributes)
        request_id = _request_id(request_envelope)
        loaded = self._loaded.get(request_id)
        if loaded is not None and loaded.key != key:
            loaded = None
        _, version = self._update(key, lambda cur, ver: _resolve(loaded, ours, cur, ver))
        self._loaded.put(request_id, _Loaded(key, ours, version))  # the caller holds ours

    def delete_attributes(self, request_envelope) -> None:
        """Forget this request's user."""
        self.delete(attributes_id(request_envelope))
        self._loaded.pop(_request_id(request_envelope))

    def load(self, user_id: str) -> dict | None:
        """A user's stored attributes, or None."""
        row = self._read(user_id)
        return None if row is None else row[0]


def _decode(text: str, where: str) -> dict:
    """A stored JSON object (StoreUnavailable when it is not one)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise StoreUnavailable(f"{where}: unreadable attributes: {error}") from error
    if not isinstance(data, dict):
        raise StoreUnavailable(f"{where}: stored attributes are not an object")
    return data


def _encode(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"), allow_nan=False)


# --- SQLite -------------------------------------------------------------------------------------


class SqliteAdapter(_MergingAdapter):
    """Attributes in one SQLite file (WAL, a connection per thread): thread- and process-safe."""

    migrations: Sequence[str] = SQLITE_MIGRATIONS

    def __init__(self, path: Path | str):
        super().__init__()
        self.path = Path(path)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"SqliteAdapter({str(self.path)!r})"

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; driver and file errors become StoreUnavailable."""
        try:
            yield self._connect()
        except (sqlite3.Error, OSError) as error:
            self.close()
            raise StoreUnavailable(f"SQLite store {self.path}: {error}") from error
        except StoreUnavailable:
            self.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        """This thread's open, migrated connection (a new one after a fork)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=TIMEOUT_S, isolation_level=None)
        try:
            _configure_sqlite(conn)
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Apply the migrations this file lacks, in order, in one write transaction."""
        if self._schema_version(conn) == len(self.migrations):
            return
        with _immediate(conn):
            applied = self._schema_version(conn)
            for statement in self.migrations[applied:]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {len(self.migrations)}")

    def _schema_version(self, conn: sqlite3.Connection) -> int:
        """PRAGMA user_version (StoreUnavailable when newer than this code knows)."""
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        if version > len(self.migrations):
            raise StoreUnavailable(
                f"SQLite store {self.path}: schema v{version} is newer than this code"
                f" (v{len(self.migrations)})"
            )
        return version

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def _row(self, conn: sqlite3.Connection, key: str) -> tuple[dict, int] | None:
        row = conn.execute("SELECT data, version FROM attributes WHERE id = ?", (key,)).fetchone()
        return None if row is None else (_decode(row[0], f"SQLite store {self.path}"), row[1])

    def _read(self, key: str) -> tuple[dict, int] | None:
        with self._connection() as conn:
            return self._row(conn, key)

    def _update(self, key: str, resolve: Resolve) -> tuple[dict, int]:
        with self._connection() as conn, _immediate(conn):
            current, version = self._row(conn, key) or ({}, 0)
            data = resolve(current, version)
            conn.execute(
                "INSERT INTO attributes (id, data, version, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
                " version = excluded.version, updated_at = excluded.updated_at",
                (key, _encode(data), version + 1, datetime.now(UTC).isoformat()),
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


def _configure_sqlite(conn: sqlite3.Connection) -> None:
    """Busy timeout, WAL, and fsync at checkpoints only (safe in WAL)."""
    conn.execute(f"PRAGMA busy_timeout = {TIMEOUT_S * 1000}")
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")


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


# --- PostgreSQL ---------------------------------------------------------------------------------


class PostgresAdapter(_MergingAdapter):
    """Attributes in PostgreSQL (psycopg 3): a connection per thread, the row locked to save."""

    migrations: Sequence[str] = POSTGRES_MIGRATIONS

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self._local = threading.local()
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

    def _run(self, work: Callable[[Any], _T]) -> _T:
        """work(connection); driver errors become StoreUnavailable."""
        psycopg = _psycopg()
        try:
            return self._attempt(psycopg, work, retry=True)
        except psycopg.Error as error:
            raise StoreUnavailable(f"PostgreSQL store {self.where}: {error}") from error

    def _attempt(self, psycopg: Any, work: Callable[[Any], _T], retry: bool) -> _T:
        """work on this thread's connection, once more on a new one if a kept one had died."""
        conn, kept = self._thread_connection(psycopg)
        try:
            return work(conn)
        except psycopg.Error:
            if not (conn.broken or conn.closed):
                raise
            self.close()
            if not (kept and retry):
                raise
        return self._attempt(psycopg, work, retry=False)

    def _thread_connection(self, psycopg: Any) -> tuple[Any, bool]:
        """This thread's autocommit connection, and whether it was kept from an earlier call."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and not conn.closed and self._local.pid == os.getpid():
            return conn, True
        conn = psycopg.connect(self._conninfo(psycopg), autocommit=True)
        try:
            self._prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn, False

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

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

    def _migrate(self, conn: Any) -> None:
        """Apply the migrations the database lacks, in order, under an advisory lock."""
        if self._schema_version(conn) == len(self.migrations):
            return
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS backcoach_schema_version (version INTEGER NOT NULL)"
            )
            applied = self._schema_version(conn)
            for statement in self.migrations[applied:]:
                conn.execute(statement)
            conn.execute("DELETE FROM backcoach_schema_version")
            conn.execute(
                "INSERT INTO backcoach_schema_version (version) VALUES (%s)",
                (len(self.migrations),),
            )

    def _schema_version(self, conn: Any) -> int:
        """Migrations applied (StoreUnavailable when newer than this code knows)."""
        if conn.execute("SELECT to_regclass('backcoach_schema_version')").fetchone()[0] is None:
            return 0
        version = conn.execute("SELECT max(version) FROM backcoach_schema_version").fetchone()[0]
        if (version or 0) > len(self.migrations):
            raise StoreUnavailable(
                f"PostgreSQL store {self.where}: schema v{version} is newer than this code"
                f" (v{len(self.migrations)})"
            )
        return version or 0

    def _row(self, conn: Any, key: str, lock: str = "") -> tuple[dict, int] | None:
        row = conn.execute(
            f"SELECT data, version FROM backcoach_attributes WHERE id = %s {lock}", (key,)
        ).fetchone()
        if row is None:
            return None
        if not isinstance(row[0], dict):
            raise StoreUnavailable(f"PostgreSQL store {self.where}: attributes are not an object")
        return row[0], row[1]

    def _read(self, key: str) -> tuple[dict, int] | None:
        return self._run(lambda conn: self._row(conn, key))

    def _update(self, key: str, resolve: Resolve) -> tuple[dict, int]:
        return self._run(lambda conn: self._locked_update(conn, key, resolve))

    def _locked_update(self, conn: Any, key: str, resolve: Resolve) -> tuple[dict, int]:
        """Insert-if-absent, lock the row, resolve against it, write; one transaction."""
        from psycopg.types.json import Jsonb

        with conn.transaction():
            conn.execute(
                "INSERT INTO backcoach_attributes (id, data, version) VALUES (%s, '{}', 0)"
                " ON CONFLICT (id) DO NOTHING",
                (key,),
            )
            current, version = self._row(conn, key, lock="FOR UPDATE")
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


# --- DynamoDB -----------------------------------------------------------------------------------


def dynamodb_adapter(table: str, region: str | None, create_table: bool = False):
    """ASK's DynamoDbAdapter keyed by attributes_id; it does NOT merge: the last save wins."""
    adapter_class = _dynamodb_adapter_class(region)
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    config = Config(connect_timeout=TIMEOUT_S, read_timeout=TIMEOUT_S, retries={"max_attempts": 2})
    try:
        resource = boto3.resource("dynamodb", region_name=_region(region), config=config)
        return adapter_class(
            table_name=table,
            create_table=create_table,
            partition_keygen=attributes_id,
            dynamodb_resource=resource,
        )
    except (BotoCoreError, PersistenceException) as error:
        raise StoreUnavailable(f"DynamoDB table {table}: {error}") from error


def _region(region: str | None) -> str | None:
    return region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


_INSTALL_DYNAMODB = "pip install ask-sdk-dynamodb-persistence-adapter boto3"


def _dynamodb_adapter_class(region: str | None) -> type:
    """ask_sdk_dynamodb's adapter class (its module needs a region just to import)."""
    try:
        from botocore.exceptions import NoRegionError
    except ImportError as error:
        raise StoreUnavailable(f"DynamoDB store needs: {_INSTALL_DYNAMODB}") from error
    try:
        with _default_region(_region(region)):
            from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    except ImportError as error:
        raise StoreUnavailable(f"DynamoDB store needs: {_INSTALL_DYNAMODB}") from error
    except NoRegionError as error:
        raise StoreUnavailable(
            "DynamoDB store needs a region: set AWS_REGION (or AWS_DEFAULT_REGION),"
            " or use dynamodb://TABLE?region=REGION"
        ) from error
    return DynamoDbAdapter


@contextmanager
def _default_region(region: str | None) -> Iterator[None]:
    """AWS_DEFAULT_REGION set to region for the duration, unless already set."""
    if not region or os.environ.get("AWS_DEFAULT_REGION"):
        yield
        return
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        os.environ.pop("AWS_DEFAULT_REGION", None)


class LazyDynamoDbAdapter(AbstractPersistenceAdapter):
    """dynamodb_adapter built on first use, plain JSON types, StoreUnavailable; last save wins."""

    def __init__(self, table: str, region: str | None = None, create_table: bool = False):
        self.table = table
        self.region = region
        self.create_table = create_table
        self._adapter = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LazyDynamoDbAdapter({self.table!r}, region={self.region!r})"

    def adapter(self):
        """The underlying ASK DynamoDbAdapter (built, and the table created, on first call)."""
        with self._lock:
            if self._adapter is None:
                self._adapter = dynamodb_adapter(self.table, self.region, self.create_table)
        return self._adapter

    @contextmanager
    def _guard(self) -> Iterator[Any]:
        """The adapter; its and boto's errors become StoreUnavailable."""
        adapter = self.adapter()
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield adapter
        except (PersistenceException, BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"DynamoDB table {self.table}: {error}") from error

    def get_attributes(self, request_envelope) -> dict:
        """The stored attributes of this request's user ({} for a new one)."""
        attributes_id(request_envelope)
        with self._guard() as adapter:
            return _from_dynamo(adapter.get_attributes(request_envelope))

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        """Store attributes (replacing what is there)."""
        attributes_id(request_envelope)
        item = json.loads(json.dumps(_plain(attributes)), parse_float=Decimal)
        with self._guard() as adapter:
            adapter.save_attributes(request_envelope, item)

    def delete_attributes(self, request_envelope) -> None:
        """Forget this request's user."""
        attributes_id(request_envelope)
        with self._guard() as adapter:
            adapter.delete_attributes(request_envelope)

    def _table(self, adapter: Any) -> Any:
        return adapter.dynamodb.Table(adapter.table_name)

    def load(self, user_id: str) -> dict | None:
        """A user's stored attributes, or None."""
        with self._guard() as adapter:
            key = {adapter.partition_key_name: user_id}
            item = self._table(adapter).get_item(Key=key, ConsistentRead=True).get("Item")
            return None if item is None else _from_dynamo(item.get(adapter.attribute_name, {}))

    def delete(self, user_id: str) -> bool:
        """Forget a user; whether there was anything to forget."""
        with self._guard() as adapter:
            key = {adapter.partition_key_name: user_id}
            answer = self._table(adapter).delete_item(Key=key, ReturnValues="ALL_OLD")
            return "Attributes" in answer

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted (a full table scan)."""
        with self._guard() as adapter:
            name = adapter.partition_key_name
            args: dict = {"ProjectionExpression": "#k", "ExpressionAttributeNames": {"#k": name}}
            ids: list[str] = []
            while True:
                page = self._table(adapter).scan(**args)
                ids += [item[name] for item in page.get("Items", [])]
                if "LastEvaluatedKey" not in page:
                    return sorted(ids)
                args["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _from_dynamo(value: Any) -> Any:
    """DynamoDB's Decimals back to int/float, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


# --- choosing a store ---------------------------------------------------------------------------


def make_adapter(store: str | None, data_dir: Path) -> AbstractPersistenceAdapter:
    """The adapter a store setting names; nothing is opened or connected until first use."""
    if not store or store == "sqlite":
        return SqliteAdapter(Path(data_dir) / "backcoach.sqlite3")
    if store.startswith("sqlite:///") and len(store) > len("sqlite:///"):
        return SqliteAdapter(store.removeprefix("sqlite://"))
    if store.startswith(("postgresql://", "postgres://")):
        return PostgresAdapter(store)
    if store.startswith("dynamodb://"):
        return _dynamodb_from_url(store)
    raise ValueError(f"unknown store {store!r}; use one of: {STORE_FORMS}")


def _dynamodb_from_url(store: str) -> LazyDynamoDbAdapter:
    """dynamodb://TABLE?region=REGION&create=1."""
    parts = urlsplit(store)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"region", "create"}
    if not parts.netloc or parts.path.strip("/") or unknown:
        raise ValueError(
            f"bad DynamoDB store {store!r}; use dynamodb://TABLE?region=REGION&create=1"
        )
    create = query.get("create", "0").lower() in ("1", "true", "yes")
    return LazyDynamoDbAdapter(parts.netloc, query.get("region"), create)
