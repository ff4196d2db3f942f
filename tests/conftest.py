"""Shared fixtures: the real routine, phrases, coach, audio build and skill."""

from __future__ import annotations

import logging
import os
import random
import uuid
from urllib.parse import urlsplit

import pytest

from backcoach.skill.alexa import reminders, time_zones
from backcoach.skill.alexa.reminders import call_api
from backcoach.skill.alexa.time_zones import fetch_setting
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.log_format import ALEXA_ID, REDACTED
from tests.stores import PG_ENV, PG_HOWTO, Store

PUBLIC_URL = "https://coach.example.com"

# Tests are offline: servers and Lambda functions they start read no time zone from Amazon's
# Settings API (tests/unit/test_time_zones.py asks a local stand-in, see below).
os.environ["BACKCOACH_TIME_ZONES"] = "off"


class IdWatch(logging.Handler):
    """Every log line of the whole run, INFO and up, as a handler prints it: none may hold an
    Alexa id, and none may have needed one hidden (log_format.protect_logs is the safety net;
    the code itself should never log an id)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines = 0
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines += 1
        line = self.format(record)
        if getattr(record, REDACTED, False) or ALEXA_ID.search(line):
            self.leaks.append(f"{record.name}: {line[:300]}")


ID_WATCH = IdWatch()


def pytest_sessionstart(session):
    logging.getLogger().addHandler(ID_WATCH)
    logging.getLogger("backcoach").setLevel(logging.INFO)  # the request lines too


@pytest.fixture(autouse=True)
def _id_watch_attached():
    """Put the watch back on the root logger before each test: a test that configures the
    CLI's logging (basicConfig with force) takes every root handler away."""
    root = logging.getLogger()
    if ID_WATCH not in root.handlers:
        root.addHandler(ID_WATCH)
    if logging.getLogger("backcoach").level > logging.INFO:
        logging.getLogger("backcoach").setLevel(logging.INFO)


@pytest.fixture(autouse=True)
def _alexa_apis_offline(monkeypatch):
    """A skill built in-process calls Alexa's APIs (time zones, reminders): only a loopback
    stand-in answers them here, never Amazon's cloud (nor a wait on a network that is not)."""

    def offline(url: str, token: str, timeout_s: float) -> bytes:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            raise OSError("tests are offline: no Settings API but a loopback stand-in")
        return fetch_setting(url, token, timeout_s)

    monkeypatch.setattr(time_zones, "fetch_setting", offline)

    def offline_call(method: str, url: str, token: str, body, timeout_s: float):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
            raise OSError("tests are offline: no Reminders API but a loopback stand-in")
        return call_api(method, url, token, body, timeout_s)

    monkeypatch.setattr(reminders, "call_api", offline_call)


def pytest_sessionfinish(session, exitstatus):
    logging.getLogger().removeHandler(ID_WATCH)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if ID_WATCH.leaks:
        if reporter:
            reporter.write_line(f"{len(ID_WATCH.leaks)} log lines held an Alexa id:", red=True)
            for leak in ID_WATCH.leaks[:20]:
                reporter.write_line(f"  {leak}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter:
        reporter.write_line(f"{ID_WATCH.lines} log lines checked: no Alexa id in any")


@pytest.fixture(scope="session")
def routine():
    return load_routine()


@pytest.fixture(scope="session")
def phrases():
    return load_phrases("en-US")


@pytest.fixture
def coach(routine, phrases):
    return Coach(routine, phrases, rng=random.Random(7))


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test server's URL (skips when unset or unreachable)."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set: {PG_HOWTO}")
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        pytest.skip(f"PostgreSQL at {PG_ENV} is unreachable ({error}): {PG_HOWTO}")
    return url


@pytest.fixture
def pg_schema_url(pg_url):
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    import psycopg

    schema = f"backcoach_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg_url else "?"
    yield f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def moto_url():
    """moto's server mode on a free local port (DynamoDB and S3 over HTTP), for the session."""
    pytest.importorskip(
        "moto.server", reason="moto's server mode needs: pip install 'moto[server]'"
    )
    from tests.stores import SerialMotoServer

    server = SerialMotoServer()
    yield server.url
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    """Fake AWS credentials and nothing else of the machine's AWS settings (children inherit)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@pytest.fixture(params=["sqlite", "postgres", "dynamodb"])
def store(request, tmp_path) -> Store:
    """Each store in turn: a SQLite file, a fresh PostgreSQL schema (when a server is set), a
    fresh DynamoDB table on moto's server."""
    if request.param == "sqlite":
        return Store("sqlite", str(tmp_path / "data" / "backcoach.sqlite3"))
    if request.param == "postgres":
        return Store("postgres", request.getfixturevalue("pg_schema_url"))
    request.getfixturevalue("aws_env")
    endpoint = request.getfixturevalue("moto_url")
    table = f"backcoach-{uuid.uuid4().hex[:12]}"
    return Store("dynamodb", f"dynamodb://{table}?region=eu-west-1&create=1&endpoint={endpoint}")
