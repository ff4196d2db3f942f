"""The stores tests run against: SQLite, DynamoDB on moto's server, PostgreSQL when given.

PostgreSQL tests need a real server: `bash .ci/postgres.sh`, then export the
BACKCOACH_TEST_POSTGRES=... line it prints; without it they skip. DynamoDB can't be reached
from here: moto's server mode stands in for it, over HTTP, as boto3 would talk to AWS.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from backcoach.skill.storage.factory import make_adapter
from backcoach.skill.storage.postgres import PostgresAdapter
from backcoach.skill.storage.sqlite import SqliteAdapter

PG_ENV = "BACKCOACH_TEST_POSTGRES"
PG_HOWTO = f"run `bash .ci/postgres.sh` and export the {PG_ENV}=... line it prints"


@dataclass(frozen=True)
class Store:
    """A store the tests can open any number of adapters on, in this process or another."""

    kind: str
    target: str

    def adapter(self):
        return open_adapter(self.kind, self.target)


def open_adapter(kind: str, target: str):
    """An adapter on a store: a SQLite path, a PostgreSQL URL or a dynamodb:// setting."""
    if kind == "sqlite":
        return SqliteAdapter(target)
    if kind == "postgres":
        return PostgresAdapter(target)
    return make_adapter(target, Path("unused"))


class SerialMotoServer:
    """moto's server mode on a free local port, answering one request at a time.

    DynamoDB applies the writes to one item one at a time, so a conditional write sees the
    one before it; moto's backend has no locks, and its own ThreadedMotoServer handles requests
    in parallel threads, where two conditional writes can both pass. Serving them in turn
    gives the store tests the real service's guarantee (and nothing more)."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=False, request_handler=MotoRequestHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


MOTO_ACCOUNT = "123456789012"
"""The account moto's server plays."""
MOTO_REGION = "eu-west-1"


def set_moto_auth(moto_url: str, free_calls: str) -> None:
    """moto's switch: after `free_calls` more calls ("inf": never), every call needs IAM
    credentials, checked against the caller's policies."""
    import urllib.request

    request = urllib.request.Request(
        f"{moto_url}/moto-api/reset-auth",
        data=free_calls.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},  # not a form: moto reads the raw body
    )
    urllib.request.urlopen(request, timeout=10).close()


def as_moto_checks(policy: dict) -> dict:
    """A generated policy as moto can check it: moto authorizes DynamoDB calls against the
    resource "*" (so the table ARN is widened: the actions are what is checked), and a
    transaction as the action TransactWriteItems (AWS checks each item's UpdateItem, PutItem)."""
    table = policy["Statement"][0]
    assert table["Sid"] == "Table"
    actions = [*table["Action"]]
    if "dynamodb:UpdateItem" in actions and "dynamodb:PutItem" in actions:
        actions.append("dynamodb:TransactWriteItems")
    widened = {**table, "Action": actions, "Resource": "*"}
    return {**policy, "Statement": [widened, *policy["Statement"][1:]]}
