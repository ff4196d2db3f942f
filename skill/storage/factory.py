"""The persistence adapter a BACKCOACH_STORE setting names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from backcoach.skill.storage.dynamodb import DynamoDbAdapter
from backcoach.skill.storage.postgres import PostgresAdapter
from backcoach.skill.storage.sqlite import SqliteAdapter

STORE_FORMS = (
    '"" or "sqlite" (DATA_DIR/backcoach.sqlite3), "sqlite:///abs/path.db",'
    ' "postgresql://user:pass@host:port/db" (or postgres://),'
    ' "dynamodb://TABLE?region=REGION&create=1&endpoint=URL"'
)

STORE_EXTRAS = {
    "postgresql://": ("postgres", "psycopg"),
    "postgres://": ("postgres", "psycopg"),
    "dynamodb://": ("aws", "boto3"),
}
"""A store's scheme -> (the extra that brings its driver, the driver's module)."""


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


def _dynamodb_from_url(store: str) -> DynamoDbAdapter:
    """dynamodb://TABLE?region=REGION&create=1&endpoint=URL (endpoint: DynamoDB Local, moto)."""
    parts = urlsplit(store)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"region", "create", "endpoint"}
    if not parts.netloc or parts.path.strip("/") or unknown:
        raise ValueError(
            f"bad DynamoDB store {store!r}; use dynamodb://TABLE?region=REGION&create=1"
            "&endpoint=URL"
        )
    create = query.get("create", "0").lower() in ("1", "true", "yes")
    return DynamoDbAdapter(parts.netloc, query.get("region"), create, query.get("endpoint"))
