"""Per-user persistent attributes: SQLite, PostgreSQL, DynamoDB (moto); CAS, no lost updates.

PostgreSQL tests need a real server: `bash .ci/postgres.sh`, then export the
BACKCOACH_TEST_POSTGRES=... line it prints; without it they skip.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_model import Context, Person, RequestEnvelope, Session, User
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system import SystemState

from backcoach.skill.domain.stored import APPEND_HISTORY, StaleWrite
from backcoach.skill.storage.base import StoreUnavailable, attributes_id
from backcoach.skill.storage.dynamodb import DynamoDbAdapter
from backcoach.skill.storage.factory import make_adapter
from backcoach.skill.storage.postgres import POSTGRES_MIGRATIONS, PostgresAdapter
from backcoach.skill.storage.sqlite import SQLITE_MIGRATIONS, SqliteAdapter
from tests.stores import open_adapter

ROOT = Path(__file__).resolve().parents[2]


def envelope(user: str | None = "amzn1.ask.account.A", person: str | None = None, **kw):
    """A request envelope as ASK hands it to a persistence adapter."""
    system = SystemState(
        user=User(user_id=user) if user else None,
        person=Person(person_id=person) if person else None,
    )
    return RequestEnvelope(
        context=kw.get("context", Context(system=system)),
        session=kw.get("session"),
        request=IntentRequest(request_id=kw.get("request_id") or f"req.{uuid.uuid4()}"),
    )


def turn(adapter, change, user="amzn1.ask.account.A", barrier=None, request=None) -> int:
    """One request as the skill makes it: load, (wait for the others), apply change, save; on
    a lost race (StaleWrite) all of it again. How many runs it took."""
    request = request or envelope(user)
    for run in range(1, 50):
        data = adapter.get_attributes(request)
        if barrier is not None and run == 1:
            barrier.wait(timeout=10)
        change(data)
        try:
            adapter.save_attributes(request, data)
            return run
        except StaleWrite:
            # Eight writers for one person never happen in use; in this test a short random
            # wait keeps one thread from losing to the others time after time.
            time.sleep(random.uniform(0, 0.001 * run))
    raise AssertionError("never saved")


def increment(name: str):
    """A change adding one to data["counts"][name]."""

    def change(data: dict) -> None:
        counts = data.setdefault("counts", {})
        counts[name] = counts.get(name, 0) + 1

    return change


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_envelope,expected",
    [
        (envelope("user-1"), "user-1"),
        (envelope("user-1", person="person-1"), "person-1"),
        (RequestEnvelope(session=Session(user=User(user_id="user-2"))), "user-2"),
        (envelope(None, session=Session(user=User(user_id="user-3"))), "user-3"),
    ],
    ids=["user", "recognised voice", "no context: session user", "context without user"],
)
def test_attributes_id(request_envelope, expected):
    assert attributes_id(request_envelope) == expected


def test_attributes_id_without_any_user_is_a_value_error():
    with pytest.raises(ValueError, match="request has no user id"):
        attributes_id(RequestEnvelope(request=IntentRequest(request_id="r")))
    with pytest.raises(ValueError):
        SqliteAdapter(Path("unused.sqlite3")).get_attributes(envelope(None))


# --- SQLite -------------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "data" / "backcoach.sqlite3"


def test_sqlite_round_trip(db_path):
    adapter = SqliteAdapter(db_path)
    request = envelope()
    assert adapter.get_attributes(request) == {}
    data = {"coach": {"levels": {"plank": 2}}, "history": [1, 2.5, "x", None, True]}
    adapter.save_attributes(request, data)
    assert SqliteAdapter(db_path).get_attributes(envelope()) == data


def test_sqlite_new_user_is_empty(db_path):
    adapter = SqliteAdapter(db_path)
    turn(adapter, lambda d: d.update(a=1), user="someone")
    assert adapter.get_attributes(envelope("someone-else")) == {}
    assert adapter.load("someone-else") is None


def test_sqlite_keys_by_person_when_a_voice_is_recognised(db_path):
    adapter = SqliteAdapter(db_path)
    adapter.save_attributes(envelope("acct", person="alice"), {"who": "alice"})
    adapter.save_attributes(envelope("acct", person="bob"), {"who": "bob"})
    adapter.save_attributes(envelope("acct"), {"who": "account"})
    assert adapter.get_attributes(envelope("acct", person="alice")) == {"who": "alice"}
    assert adapter.get_attributes(envelope("acct")) == {"who": "account"}
    assert adapter.user_ids() == ["acct", "alice", "bob"]


def test_sqlite_delete_attributes(db_path):
    adapter = SqliteAdapter(db_path)
    turn(adapter, lambda d: d.update(a=1))
    adapter.delete_attributes(envelope())
    assert adapter.get_attributes(envelope()) == {}
    assert adapter.user_ids() == []


def test_a_deleted_person_is_in_no_file_of_the_store(db_path):
    """Not in the write-ahead log (checkpointed) nor in freed pages (secure_delete)."""
    adapter = SqliteAdapter(db_path)
    other = SqliteAdapter(db_path)  # another connection keeps the WAL file in use
    marker = "remember-me-" + "x" * 40
    turn(adapter, lambda d: d.update(secret=marker), user="gone")
    turn(other, lambda d: d.update(n=1), user="stays")
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    assert any(marker.encode() in f.read_bytes() for f in files if f.exists())
    assert adapter.delete("gone") is True
    assert not [f for f in files if f.exists() and marker.encode() in f.read_bytes()]
    assert other.load("stays") == {"n": 1}


def test_sqlite_operations_commands(db_path):
    adapter = SqliteAdapter(db_path)
    assert adapter.user_ids() == []
    for user in ("b", "a", "c"):
        turn(adapter, lambda d, u=user: d.update(name=u), user=user)
    assert adapter.user_ids() == ["a", "b", "c"]
    assert adapter.load("b") == {"name": "b"}
    assert adapter.delete("b") is True
    assert adapter.delete("b") is False
    assert adapter.load("b") is None
    assert adapter.user_ids() == ["a", "c"]


def test_sqlite_schema_version_and_wal(db_path):
    SqliteAdapter(db_path).user_ids()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(SQLITE_MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [row[1] for row in conn.execute("PRAGMA table_info(attributes)")]
    assert columns == ["id", "data", "version", "updated_at"]


def test_sqlite_switches_to_wal_while_another_connection_holds_a_write_lock(db_path):
    """Switching a file to WAL while another connection holds a write lock in the old mode
    fails at once, without SQLite's busy handler (eight threads opening a new file together
    did so in CI): the adapter tries again, and answers once the lock is let go."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    released.start()
    try:
        assert SqliteAdapter(db_path).get_attributes(envelope()) == {}
    finally:
        released.join()
        holder.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_upgrades_a_v1_file_with_an_appended_migration(db_path, monkeypatch):
    SqliteAdapter(db_path).save_attributes(envelope(), {"kept": True})
    migrations = [*SQLITE_MIGRATIONS, "ALTER TABLE attributes ADD COLUMN note TEXT"]
    monkeypatch.setattr(SqliteAdapter, "migrations", migrations)
    upgraded = SqliteAdapter(db_path)
    assert upgraded.load("amzn1.ask.account.A") == {"kept": True}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations)
        assert "note" in [row[1] for row in conn.execute("PRAGMA table_info(attributes)")]
    turn(upgraded, lambda d: d.update(more=1))
    assert upgraded.load("amzn1.ask.account.A") == {"kept": True, "more": 1}


def test_sqlite_file_of_the_merging_release_gains_history_rows(db_path, monkeypatch):
    """A file written before history rows existed (one migration) is upgraded in place."""
    monkeypatch.setattr(SqliteAdapter, "migrations", SQLITE_MIGRATIONS[:1])
    SqliteAdapter(db_path).save_attributes(envelope(), {"kept": True})
    monkeypatch.undo()
    adapter = SqliteAdapter(db_path)
    entry = {"n": 1, "date": "2026-11-23"}
    turn(adapter, lambda d: d.update({APPEND_HISTORY: [entry]}))
    assert adapter.load("amzn1.ask.account.A") == {"kept": True}
    assert adapter.history("amzn1.ask.account.A") == [entry]


def test_sqlite_refuses_a_schema_newer_than_the_code(db_path, monkeypatch):
    monkeypatch.setattr(SqliteAdapter, "migrations", [*SQLITE_MIGRATIONS, "SELECT 1"])
    SqliteAdapter(db_path).user_ids()
    monkeypatch.undo()
    with pytest.raises(StoreUnavailable, match="newer than this code"):
        SqliteAdapter(db_path).user_ids()


def test_sqlite_creates_the_data_dir_on_first_use_only(tmp_path):
    path = tmp_path / "a" / "b" / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    assert not path.parent.exists()
    assert adapter.get_attributes(envelope()) == {}
    assert path.exists()


def test_sqlite_uncreatable_path_fails_on_use_not_construction(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    adapter = SqliteAdapter(blocker / "data" / "backcoach.sqlite3")
    with pytest.raises(StoreUnavailable) as caught:
        adapter.get_attributes(envelope())
    assert isinstance(caught.value.__cause__, OSError)
    with pytest.raises(StoreUnavailable):
        adapter.save_attributes(envelope(), {"a": 1})


def test_sqlite_unreadable_file_is_store_unavailable(db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable):
        SqliteAdapter(db_path).get_attributes(envelope())


def test_sqlite_unreadable_row_is_store_unavailable(db_path):
    adapter = SqliteAdapter(db_path)
    adapter.save_attributes(envelope(), {"a": 1})
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE attributes SET data = '{broken'")
    with pytest.raises(StoreUnavailable, match="unreadable"):
        adapter.get_attributes(envelope())


def test_sqlite_locked_database_fails_fast_and_keeps_data(db_path):
    adapter = SqliteAdapter(db_path)
    adapter.save_attributes(envelope(), {"before": 1})
    locker = sqlite3.connect(db_path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="locked") as caught:
            turn(adapter, lambda d: d.update(after=2))
        elapsed = time.monotonic() - started
    finally:
        locker.rollback()
        locker.close()
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert 2 < elapsed < 5, f"waited {elapsed:.1f} s"
    assert adapter.load("amzn1.ask.account.A") == {"before": 1}
    turn(adapter, lambda d: d.update(after=2))
    assert adapter.load("amzn1.ask.account.A") == {"before": 1, "after": 2}


def test_through_asks_attributes_manager(db_path):
    adapter = SqliteAdapter(db_path)
    first = AttributesManager(envelope(), persistence_adapter=adapter)
    first.persistent_attributes["coach"] = {"levels": {"plank": 2}}
    first.save_persistent_attributes()
    second = AttributesManager(envelope(), persistence_adapter=adapter)
    assert second.persistent_attributes == {"coach": {"levels": {"plank": 2}}}
    second.delete_persistent_attributes()
    assert adapter.user_ids() == []


def test_a_save_without_a_load_replaces_what_is_there(db_path):
    adapter = SqliteAdapter(db_path)
    turn(adapter, lambda d: d.update(old=1))
    adapter.save_attributes(envelope(), {"new": 1})  # a plain dict: no version read
    assert adapter.load("amzn1.ask.account.A") == {"new": 1}


def test_attributes_that_are_not_json_are_rejected_and_nothing_is_written(db_path):
    adapter = SqliteAdapter(db_path)
    with pytest.raises(TypeError):
        adapter.save_attributes(envelope(), {"when": object()})
    with pytest.raises(ValueError):
        adapter.save_attributes(envelope(), {"x": float("nan")})
    assert adapter.user_ids() == []


def test_an_adapter_keeps_nothing_per_request(db_path):
    """The version read travels in the attributes themselves; the adapter holds no state
    per request (a server's memory does not grow with the requests it served)."""
    adapter = SqliteAdapter(db_path)
    adapter.user_ids()
    before = dict(vars(adapter))
    for _ in range(200):
        turn(adapter, increment("n"))
    assert vars(adapter).keys() == before.keys()
    assert adapter.load("amzn1.ask.account.A") == {"counts": {"n": 200}}


def test_round_trip_delete_and_operations(store):
    adapter = store.adapter()
    assert adapter.get_attributes(envelope()) == {}
    data = {"coach": {"levels": {"plank": 2}}, "log": [{"at": "2024-01-01", "s": 1.5}]}
    adapter.save_attributes(envelope(), data)
    adapter.save_attributes(envelope("acct", person="alice"), {"who": "alice"})
    again = store.adapter()
    assert again.get_attributes(envelope()) == data
    assert again.get_attributes(envelope("acct", person="alice")) == {"who": "alice"}
    assert again.get_attributes(envelope("acct")) == {}
    assert again.user_ids() == ["alice", "amzn1.ask.account.A"]
    again.delete_attributes(envelope())
    assert again.load("amzn1.ask.account.A") is None
    assert again.delete("alice") is True
    assert again.delete("alice") is False
    assert again.user_ids() == []


def test_two_writers_at_the_same_moment_both_land(store):
    """A voice turn and an AudioPlayer event load together, then both save: the second save
    is refused, runs again on what the first wrote, and both changes are kept."""
    seed = {"coach": {"levels": {"plank": 1, "bridge": 1}}, "player": {"offset_ms": 0}}
    turn(store.adapter(), lambda d: d.update(seed))
    barrier = threading.Barrier(2)
    changes = [
        lambda d: d["coach"]["levels"].update(plank=2),
        lambda d: d["player"].update(offset_ms=17000),
    ]
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(turn, store.adapter(), c, barrier=barrier) for c in changes]
        runs = sorted(future.result() for future in futures)
    assert runs == [1, 2]
    assert store.adapter().load("amzn1.ask.account.A") == {
        "coach": {"levels": {"plank": 2, "bridge": 1}},
        "player": {"offset_ms": 17000},
    }


def test_a_save_after_someone_elses_is_refused_and_writes_nothing(store):
    adapter, other = store.adapter(), store.adapter()
    request = envelope()
    data = adapter.get_attributes(request)
    turn(other, lambda d: d.update(player={"offset_ms": 17000}))
    data["coach"] = {"levels": {"plank": 2}}
    data[APPEND_HISTORY] = [{"n": 1, "date": "2026-11-23"}]
    with pytest.raises(StaleWrite):
        adapter.save_attributes(request, data)
    assert adapter.load("amzn1.ask.account.A") == {"player": {"offset_ms": 17000}}
    assert adapter.history("amzn1.ask.account.A") == []


def test_a_second_save_in_the_same_request_builds_on_the_first(store):
    adapter = store.adapter()
    request = envelope()
    data = adapter.get_attributes(request)
    data["coach"] = {"levels": {"plank": 2}}
    adapter.save_attributes(request, data)
    data["coach"]["levels"]["plank"] = 3
    adapter.save_attributes(request, data)
    assert adapter.load("amzn1.ask.account.A") == {"coach": {"levels": {"plank": 3}}}


def test_a_turn_that_changes_nothing_writes_nothing(store):
    """Most turns only read ("how many left"): the row keeps its version, and a write by
    someone else in between is neither refused nor undone."""
    adapter, other = store.adapter(), store.adapter()
    turn(adapter, lambda d: d.update(coach={"levels": {"plank": 2}}))
    version = adapter._read("amzn1.ask.account.A")[1]
    request = envelope()
    data = adapter.get_attributes(request)
    turn(other, lambda d: d.update(player={"offset_ms": 17000}))
    adapter.save_attributes(request, data)  # unchanged since read: no write, no StaleWrite
    assert adapter._read("amzn1.ask.account.A") == (
        {"coach": {"levels": {"plank": 2}}, "player": {"offset_ms": 17000}},
        version + 1,
    )
    data["coach"]["levels"]["plank"] = 3  # changed in place: written (here, refused as stale)
    with pytest.raises(StaleWrite):
        adapter.save_attributes(request, data)


@pytest.mark.parametrize("then", [1.0, True, "1", [1], None])
def test_a_value_that_only_changes_its_type_is_written(store, then):
    """Equal in Python (1 == 1.0 == True) is not equal when stored: each is written (as
    what the store keeps: DynamoDB has one kind of number)."""
    adapter = store.adapter()
    turn(adapter, lambda d: d.update(coach={"level": 1}))
    version = adapter._read("amzn1.ask.account.A")[1]
    turn(adapter, lambda d: d["coach"].update(level=then))
    data, written = adapter._read("amzn1.ask.account.A")
    assert written == version + 1 and data["coach"]["level"] == then


def test_a_nan_is_refused_even_where_the_row_read_held_null(db_path):
    """The unchanged-row check must not let a value `encode` refuses pass as unchanged."""
    adapter = SqliteAdapter(db_path)
    turn(adapter, lambda d: d.update(x=None))
    with pytest.raises(ValueError):
        turn(adapter, lambda d: d.update(x=float("nan"), y=1))
    assert adapter.load("amzn1.ask.account.A") == {"x": None}


def test_finished_sessions_are_appended_once_and_forgotten_with_the_person(store):
    adapter = store.adapter()
    first = {"n": 1, "date": "2026-11-23", "done": ["plank"], "feedback": []}
    second = {"n": 2, "date": "2026-11-24", "done": [], "feedback": ["too hard"]}
    turn(adapter, lambda d: d.update({"coach": {"x": 1}, APPEND_HISTORY: [first]}))
    turn(adapter, lambda d: d.update({"coach": {"x": 2}, APPEND_HISTORY: [first, second]}))
    assert adapter.load("amzn1.ask.account.A") == {"coach": {"x": 2}}  # never in the row
    assert adapter.history("amzn1.ask.account.A") == [first, second]
    assert adapter.history("someone else") == []
    assert adapter.delete("amzn1.ask.account.A") is True
    assert adapter.history("amzn1.ask.account.A") == []


def test_threads_lose_no_updates(store):
    """8 threads sharing one adapter (as waitress does), 25 increments each."""
    adapter = store.adapter()

    def worker(name: str) -> None:
        for _ in range(25):
            turn(adapter, increment(name))

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(worker, f"t{i}") for i in range(8)]:
            future.result()
    assert adapter.load("amzn1.ask.account.A") == {"counts": {f"t{i}": 25 for i in range(8)}}


def hammer(kind: str, target: str, name: str, count: int) -> int:
    """Child process: `count` turns incrementing counts[name] (module level so spawn finds it)."""
    adapter = open_adapter(kind, target)
    for _ in range(count):
        turn(adapter, increment(name))
    return count


def test_processes_lose_no_updates(store):
    """4 spawned processes on one store, each incrementing its own key."""
    count = 60 if store.kind == "sqlite" else 30
    store.adapter().user_ids()  # create the schema before the race
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(4, mp_context=context) as pool:
        names = [f"p{i}" for i in range(4)]
        futures = [pool.submit(hammer, store.kind, store.target, n, count) for n in names]
        done = [future.result() for future in futures]
    assert done == [count] * 4
    assert store.adapter().load("amzn1.ask.account.A") == {"counts": {n: count for n in names}}


def test_postgres_schema_version_and_upgrade(pg_schema_url, monkeypatch):
    import psycopg

    PostgresAdapter(pg_schema_url).save_attributes(envelope(), {"kept": True})
    with psycopg.connect(pg_schema_url) as conn:
        version = conn.execute("SELECT version FROM backcoach_schema_version").fetchall()
    assert version == [(len(POSTGRES_MIGRATIONS),)]
    migrations = [*POSTGRES_MIGRATIONS, "ALTER TABLE backcoach_attributes ADD COLUMN note TEXT"]
    monkeypatch.setattr(PostgresAdapter, "migrations", migrations)
    assert PostgresAdapter(pg_schema_url).load("amzn1.ask.account.A") == {"kept": True}
    with psycopg.connect(pg_schema_url) as conn:
        version = conn.execute("SELECT version FROM backcoach_schema_version").fetchall()
        conn.execute("SELECT note FROM backcoach_attributes")
    assert version == [(len(migrations),)]


def test_postgres_locked_row_fails_fast_and_keeps_data(pg_schema_url):
    import psycopg

    adapter = PostgresAdapter(pg_schema_url)
    adapter.save_attributes(envelope(), {"before": 1})
    with psycopg.connect(pg_schema_url) as locker:
        locker.execute("SELECT * FROM backcoach_attributes FOR UPDATE")
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="timeout"):
            turn(adapter, lambda d: d.update(after=2))
        elapsed = time.monotonic() - started
    assert 2 < elapsed < 5, f"waited {elapsed:.1f} s"
    assert adapter.load("amzn1.ask.account.A") == {"before": 1}


def test_postgres_reconnects_when_its_kept_connection_was_killed(pg_schema_url):
    import psycopg

    adapter = PostgresAdapter(pg_schema_url)
    adapter.save_attributes(envelope(), {"before": 1})
    kept = adapter._local.conn.info.backend_pid
    with psycopg.connect(pg_schema_url, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (kept,)).fetchone() == (True,)
    turn(adapter, lambda d: d.update(after=2))
    assert adapter.load("amzn1.ask.account.A") == {"before": 1, "after": 2}
    assert adapter._local.conn.info.backend_pid != kept


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_postgres_down_is_store_unavailable_quickly():
    adapter = make_adapter(f"postgresql://u:secret@127.0.0.1:{closed_port()}/db", Path("unused"))
    for call in (
        lambda: adapter.get_attributes(envelope()),
        lambda: adapter.save_attributes(envelope(), {"a": 1}),
        lambda: adapter.delete_attributes(envelope()),
        adapter.user_ids,
    ):
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as caught:
            call()
        assert time.monotonic() - started < 5
        assert "secret" not in str(caught.value)


# --- DynamoDB (moto) ----------------------------------------------------------------------------


def test_dynamodb_reads_a_table_asks_adapter_wrote(store):
    """An item in ASK's DynamoDbAdapter layout (no version) reads as version 0 and is updated."""
    if store.kind != "dynamodb":
        pytest.skip("DynamoDB only")
    adapter = store.adapter()
    adapter.user_ids()  # the table exists
    table = adapter._table()
    table.put_item(Item={"id": "amzn1.ask.account.A", "attributes": {"coach": {"x": 1}}})
    assert turn(adapter, lambda d: d["coach"].update(x=2)) == 1
    assert adapter.load("amzn1.ask.account.A") == {"coach": {"x": 2}}


def test_dynamodb_missing_table_is_store_unavailable(aws_env, moto_url, tmp_path):
    """A table that doesn't exist (and create=0) fails the request, not start-up."""
    adapter = make_adapter(f"dynamodb://nowhere?region=eu-west-1&endpoint={moto_url}", tmp_path)
    with pytest.raises(StoreUnavailable, match="nowhere"):
        adapter.get_attributes(envelope())


NO_AWS_SCRIPT = """
import sys
from pathlib import Path
from backcoach.skill.storage.base import StoreUnavailable
from backcoach.skill.storage.factory import make_adapter
adapter = make_adapter("", Path(sys.argv[1]))
print(type(adapter).__name__, sorted(m for m in ("boto3", "psycopg") if m in sys.modules))
dynamo = make_adapter("dynamodb://table", Path(sys.argv[1]))
try:
    dynamo.load("someone")
except StoreUnavailable as error:
    print("unavailable:", error)
"""


def test_start_up_needs_no_aws_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    answer = subprocess.run(
        [sys.executable, "-c", NO_AWS_SCRIPT, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert answer.returncode == 0, answer.stderr
    lines = answer.stdout.splitlines()
    assert lines[0] == "SqliteAdapter []"
    installed = importlib.util.find_spec("boto3") is not None
    assert ("AWS_REGION" if installed else "pip install 'backcoach[aws]'") in lines[1]
    assert not (tmp_path / "data").exists(), "make_adapter must not touch the store"


# --- make_adapter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "setting,kind,where",
    [
        (None, SqliteAdapter, "DATA/backcoach.sqlite3"),
        ("", SqliteAdapter, "DATA/backcoach.sqlite3"),
        ("sqlite", SqliteAdapter, "DATA/backcoach.sqlite3"),
        ("sqlite:///srv/bc/store.db", SqliteAdapter, "/srv/bc/store.db"),
        ("postgresql://u:p@db.internal:5433/bc", PostgresAdapter, "db.internal:5433/bc"),
        ("postgres://u:p@db.internal/bc", PostgresAdapter, "db.internal:5432/bc"),
        ("dynamodb://bc-table?region=eu-west-1&create=1", DynamoDbAdapter, "bc-table"),
    ],
)
def test_make_adapter_forms(setting, kind, where):
    adapter = make_adapter(setting, Path("DATA"))
    assert type(adapter) is kind
    if kind is SqliteAdapter:
        assert adapter.path == Path(where)
    elif kind is PostgresAdapter:
        assert adapter.where == where
    else:
        assert (adapter.table, adapter.region, adapter.create_table) == (where, "eu-west-1", True)


def test_make_adapter_dynamodb_defaults():
    adapter = make_adapter("dynamodb://bc-table", Path("DATA"))
    assert (adapter.table, adapter.region, adapter.create_table) == ("bc-table", None, False)


@pytest.mark.parametrize(
    "setting",
    ["mysql://x", "sqlite://relative.db", "sqlite:///", "redis", "dynamodb://", "dynamodb://t?x=1"],
)
def test_make_adapter_rejects_unknown_forms(setting):
    with pytest.raises(ValueError) as caught:
        make_adapter(setting, Path("DATA"))
    assert "dynamodb://TABLE?region=REGION" in str(caught.value)


def player_event(user: str = "amzn1.ask.account.A"):
    """A PlaybackStopped event for `user`, as ASK hands it to a persistence adapter."""
    from ask_sdk_model.interfaces.audioplayer import PlaybackStoppedRequest

    system = SystemState(user=User(user_id=user))
    request = PlaybackStoppedRequest(request_id=f"req.{uuid.uuid4()}", token="t")
    return RequestEnvelope(context=Context(system=system), request=request)


def test_a_player_event_never_creates_a_row(store):
    """An event racing the person's deletion (SkillDisabled) must not bring their data back."""
    adapter = store.adapter()
    event = player_event()
    assert adapter.get_attributes(event) == {}
    adapter.save_attributes(event, {"player": {"offset_ms": 5}})
    assert adapter.load("amzn1.ask.account.A") is None
    turn(adapter, lambda d: d.update(coach={"levels": {}}))  # they talk to the skill
    racing = player_event()
    loaded = adapter.get_attributes(racing)  # loaded before the deletion ...
    adapter.delete("amzn1.ask.account.A")  # ... SkillDisabled deletes ...
    loaded["player"] = {"offset_ms": 9}
    with pytest.raises(StaleWrite):  # ... the event's save is refused, and run again ...
        adapter.save_attributes(racing, loaded)
    assert turn(adapter, lambda d: d.update(player={"offset_ms": 9}), request=racing) == 1
    assert adapter.load("amzn1.ask.account.A") is None  # ... finds nobody, and creates nobody
    turn(adapter, lambda d: d.update(coach={}))
    turn(adapter, lambda d: d.update(player={"offset_ms": 7}), request=player_event())
    assert adapter.load("amzn1.ask.account.A") == {"coach": {}, "player": {"offset_ms": 7}}


def test_turns_that_only_ask_cost_no_write_and_moves_are_written(db_path):
    """Through the whole skill: "how many left" during a routine leaves the row as it was
    (its version too); "ready" and "stop" write."""
    from backcoach.skill.alexa.skill_builder import build_skill
    from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
    from backcoach.skill.domain.phrases import load_phrases
    from backcoach.skill.domain.routine import load_routine
    from tests.unit.test_model import length_s

    adapter = SqliteAdapter(db_path)
    skill = build_skill(load_routine(), load_phrases("en-US"), adapter=adapter)
    sim = Simulator(in_process(skill), state=SessionState(), length_s=length_s)

    def version() -> int:
        return adapter._read(adapter.user_ids()[0])[1]

    for said in ("open back coach", "yes", "ready"):
        sim.say(said)
    for said, writes in (("how many left", False), ("what's next", False), ("ready", True)):
        before = version()
        sim.say(said)
        assert (version() != before) == writes, said
    before = version()
    sim.say("stop")
    assert version() == before + 1
