"""Attributes in DynamoDB through ASK's own adapter (imported on first use): the last save wins."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from backcoach.skill.storage.base import TIMEOUT_S, StoreUnavailable, attributes_id, plain


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
        item = json.loads(json.dumps(plain(attributes)), parse_float=Decimal)
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
