"""Attributes and history in DynamoDB (boto3, imported on first use), with conditional writes.

The table is ASK's own layout (partition key `id`, the attributes in `attributes`), so a
table written by ASK's DynamoDbAdapter reads as it is; each item gains a `version`, and a
save is a conditional write on it. Finished sessions are items of their own
(`<id>#history#<n>`), written in the same transaction, so an item never grows with history.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from backcoach.skill.extras import install_hint
from backcoach.skill.storage.base import (
    TIMEOUT_S,
    StoreUnavailable,
    VersionedAdapter,
    Write,
    stale,
)

KEY = "id"
"""The partition key (ASK's default name)."""
ATTRIBUTES = "attributes"
"""Where the attributes are (ASK's default name)."""
HISTORY = "#history#"
"""Between a person's id and an entry number, in the key of a history item."""
MAX_TRANSACTION = 100
"""Items one DynamoDB transaction may write."""


SERVING_ACTIONS = (
    "GetItem",  # a person's row
    "UpdateItem",  # every save: a conditional update of the row (alone or in a transaction)
    "PutItem",  # history rows written in a transaction with the row's update
    "BatchWriteItem",  # older history rows a migrated row carries; deleting history rows
    "DeleteItem",  # SkillDisabled: everything about the person goes
)
"""The DynamoDB actions serving needs on the table (IAM checks a transaction's items one by
one: its Update needs UpdateItem, its Puts PutItem). The generated IAM policy lists exactly
these (skill/deploy/policy.py); a test runs whole sessions under it."""
CREATE_ACTIONS = ("CreateTable", "DescribeTable")
"""What `&create=1` adds: creating the table and waiting until it is active."""
USER_ACTIONS = ("BatchGetItem", "Scan")
"""What `backcoach user show` and `user list` add (history rows in batches, a full scan)."""


class DynamoDbAdapter(VersionedAdapter):
    """A person per item, written with a condition on its version; boto3 built on first use."""

    def __init__(
        self,
        table: str,
        region: str | None = None,
        create_table: bool = False,
        endpoint_url: str | None = None,
    ):
        self.table = table
        self.region = region
        self.create_table = create_table
        self.endpoint_url = endpoint_url
        self._resource: Any = None
        self._lock = threading.Lock()
        self._tables = threading.local()

    def __repr__(self) -> str:
        return f"DynamoDbAdapter({self.table!r}, region={self.region!r})"

    @property
    def label(self) -> str:
        return f"DynamoDB table {self.table}"

    # -- the table, built on first use -----------------------------------------------------------

    def _table(self) -> Any:
        """The boto3 Table (created first when asked to and missing), built once per thread:
        building one costs more than a warm call, and boto3 resources are not to be shared
        between threads (the client under them is)."""
        table = getattr(self._tables, "table", None)
        if table is None:
            with self._lock:
                if self._resource is None:
                    self._resource = self._connect()
            table = self._tables.table = self._resource.Table(self.table)
        return table

    def _connect(self) -> Any:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as error:
            raise StoreUnavailable(f"the DynamoDB store {install_hint('aws')}") from error
        region = self.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            raise StoreUnavailable(
                "DynamoDB store needs a region: set AWS_REGION (or AWS_DEFAULT_REGION),"
                " or use dynamodb://TABLE?region=REGION"
            )
        config = Config(
            connect_timeout=TIMEOUT_S, read_timeout=TIMEOUT_S, retries={"max_attempts": 2}
        )
        resource = boto3.resource(
            "dynamodb", region_name=region, endpoint_url=self.endpoint_url, config=config
        )
        if self.create_table:
            with self._guard():
                _create(resource, self.table)
        return resource

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """boto's errors as StoreUnavailable (a lost condition is the caller's business)."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailable(f"{self.label}: {error}") from error

    # -- rows ------------------------------------------------------------------------------------

    def _read(self, key: str) -> tuple[dict, int] | None:
        table = self._table()
        with self._guard():
            item = table.get_item(
                Key={KEY: key},
                ConsistentRead=True,
                ProjectionExpression="#a, version",
                ExpressionAttributeNames={"#a": ATTRIBUTES},
            ).get("Item")
        if item is None:
            return None
        data = _plain(item.get(ATTRIBUTES, {}))
        if not isinstance(data, dict):
            raise StoreUnavailable(f"{self.label}: attributes are not an object")
        return data, int(item.get("version", 0))

    def _write(self, write: Write) -> int:
        from botocore.exceptions import ClientError

        table = self._table()
        update = _update(write)
        entries = [_history_item(write.key, n, text) for n, text in write.history_rows()]
        # Old entries beyond one transaction's room (a migrated row's) never change: written
        # first, on their own; the newest go with the row.
        room = MAX_TRANSACTION - 1
        early, late = entries[:-room] if len(entries) > room else [], entries[-room:]
        written = None  # the version UpdateItem reports (a transaction reports none)
        try:
            with self._guard():
                with table.batch_writer() as batch:
                    for item in early:
                        batch.put_item(Item=item)
                if late:
                    # The resource's client takes plain values, as the Table does (boto3
                    # adds the type tags to every call it makes).
                    puts = [{"Put": {"TableName": table.name, "Item": item}} for item in late]
                    self._resource.meta.client.transact_write_items(
                        TransactItems=[{"Update": {**update, "TableName": table.name}}, *puts]
                    )
                else:
                    # The new version is known unless the row was not read first.
                    wanted = "UPDATED_NEW" if write.expected is None else "NONE"
                    answer = table.update_item(**update, ReturnValues=wanted)
                    written = answer.get("Attributes", {}).get("version")
        except StoreUnavailable as error:
            cause = error.__cause__
            if isinstance(cause, ClientError) and _lost_condition(cause):
                if not write.create and write.expected in (0, None) and not self._read(write.key):
                    return 0  # a player event, and no row to update
                raise stale(write, self.label) from cause
            raise
        if write.expected is not None:
            return write.expected + 1
        if written is not None:
            return int(written)
        row = self._read(write.key)  # an unconditional transaction: read what it left
        return row[1] if row else 0

    def history(self, user_id: str) -> list[dict]:
        """A person's history rows (their finished sessions), oldest first."""
        table = self._table()
        with self._guard():
            item = table.get_item(Key={KEY: user_id}, ConsistentRead=True).get("Item") or {}
            count = int(item.get("history_n", 0))
            keys = [{KEY: f"{user_id}{HISTORY}{n}"} for n in range(1, count + 1)]
            found: dict[str, dict] = {}
            for start in range(0, len(keys), 100):
                request = {table.name: {"Keys": keys[start : start + 100], "ConsistentRead": True}}
                while request:
                    page = self._resource.batch_get_item(RequestItems=request)
                    for got in page["Responses"].get(table.name, []):
                        found[got[KEY]] = _plain(got["entry"])
                    request = page.get("UnprocessedKeys") or {}
        return [found[k[KEY]] for k in keys if k[KEY] in found]

    def delete(self, user_id: str) -> bool:
        """Forget a user and their history; whether there was anything to forget."""
        table = self._table()
        with self._guard():
            answer = table.delete_item(Key={KEY: user_id}, ReturnValues="ALL_OLD")
            old = answer.get("Attributes") or {}
            with table.batch_writer() as batch:
                for n in range(1, int(old.get("history_n", 0)) + 1):
                    batch.delete_item(Key={KEY: f"{user_id}{HISTORY}{n}"})
        return bool(old)

    def user_ids(self) -> list[str]:
        """Every stored user id, sorted (a full table scan)."""
        table = self._table()
        args: dict = {
            "ProjectionExpression": "#k",
            "FilterExpression": "attribute_exists(#a)",
            "ExpressionAttributeNames": {"#k": KEY, "#a": ATTRIBUTES},
        }
        ids: list[str] = []
        with self._guard():
            while True:
                page = table.scan(**args)
                ids += [item[KEY] for item in page.get("Items", [])]
                if "LastEvaluatedKey" not in page:
                    return sorted(ids)
                args["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _update(write: Write) -> dict:
    """UpdateItem arguments: the attributes and the next version, if the version is as read.

    An item ASK wrote has no version: it counts as version 0, like no item at all."""
    names = {"#a": ATTRIBUTES}
    values: dict[str, Any] = {":a": json.loads(write.text, parse_float=Decimal)}
    sets = ["#a = :a"]
    if write.expected is None:  # not read first: whatever is there is replaced
        sets.append("version = if_not_exists(version, :zero) + :one")
        values.update({":zero": 0, ":one": 1})
        condition = None if write.create else f"attribute_exists({KEY})"
    elif write.expected == 0:
        sets.append("version = :next")
        values[":next"] = 1
        condition = "attribute_not_exists(version)"
        if not write.create:
            condition = f"attribute_exists({KEY}) AND {condition}"
    else:
        sets.append("version = :next")
        values.update({":next": write.expected + 1, ":expected": write.expected})
        condition = "version = :expected"
    numbers = [n for n, _ in write.history_rows()]
    if numbers:
        sets.append("history_n = :n")
        values[":n"] = max(numbers)
    update: dict[str, Any] = {
        "Key": {KEY: write.key},
        "UpdateExpression": "SET " + ", ".join(sets),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if condition:
        update["ConditionExpression"] = condition
    return update


def _history_item(key: str, n: int, text: str) -> dict:
    return {KEY: f"{key}{HISTORY}{n}", "entry": json.loads(text, parse_float=Decimal)}


def _lost_condition(error: Any) -> bool:
    """Whether a write failed only because its condition did not hold."""
    code = error.response.get("Error", {}).get("Code", "")
    if code == "ConditionalCheckFailedException":
        return True
    reasons = error.response.get("CancellationReasons") or []
    return code == "TransactionCanceledException" and any(
        r.get("Code") == "ConditionalCheckFailed" for r in reasons
    )


def _create(resource: Any, table: str) -> None:
    """Create the table (on-demand billing) unless it exists; wait until it can be used."""
    client = resource.meta.client
    try:
        client.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": KEY, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": KEY, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    except client.exceptions.ResourceInUseException:
        return
    client.get_waiter("table_exists").wait(TableName=table)


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals back to int/float, recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
