"""`ready()` of the stores, and SQLite refusing to go on when its file is removed or replaced
under a running adapter (rather than forking the data into a new empty file)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.storage.base import StoreUnavailable
from backcoach.skill.storage.postgres import PostgresAdapter
from backcoach.skill.storage.sqlite import SqliteAdapter
from tests.helpers import free_port

REMOVED = "was removed or replaced; restart the server"


def request_of(user: str):
    from ask_sdk_model import RequestEnvelope

    from backcoach.skill.web.serializer import EnvelopeSerializer

    data = env.Caller(user_id=user).envelope(env.launch_request(), session_id="s")
    return EnvelopeSerializer().from_data(data, RequestEnvelope)


def save(adapter: SqliteAdapter, user: str, n: int) -> None:
    request = request_of(user)
    attributes = adapter.get_attributes(request)
    attributes["n"] = n
    adapter.save_attributes(request, attributes)


def test_a_working_sqlite_store_is_ready(tmp_path):
    adapter = SqliteAdapter(tmp_path / "data" / "backcoach.sqlite3")
    assert adapter.ready() is None
    assert (tmp_path / "data" / "backcoach.sqlite3").is_file()  # the first open creates it


def test_sqlite_that_cannot_take_a_write_is_not_ready(tmp_path, monkeypatch):
    """Reads go on in WAL mode while another process holds the write lock: only a write
    check tells /readyz that saves would fail."""
    monkeypatch.setattr("backcoach.skill.storage.sqlite.TIMEOUT_S", 1)
    path = tmp_path / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    assert adapter.ready() is None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        reason = adapter.ready()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert reason and reason.startswith("SQLite store") and "locked" in reason, reason
    assert adapter.ready() is None


def test_postgres_read_only_is_not_ready(pg_schema_url):
    read_only = pg_schema_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20")
    assert "-cdefault_transaction_read_only" in read_only
    assert PostgresAdapter(pg_schema_url).ready() is None  # the tables are there
    assert PostgresAdapter(read_only).ready() == (
        f"{PostgresAdapter(read_only).label}: the database is read-only"
    )


def test_postgres_on_a_closed_port_is_not_ready(monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setattr("backcoach.skill.storage.postgres.TIMEOUT_S", 1)
    adapter = PostgresAdapter(f"postgresql://coach:pw@127.0.0.1:{free_port()}/backcoach")
    reason = adapter.ready()
    assert reason and reason.startswith("PostgreSQL store 127.0.0.1:") and "\n" not in reason


def test_postgres_that_answers_is_ready(pg_schema_url):
    assert PostgresAdapter(pg_schema_url).ready() is None


def test_removing_the_data_dir_under_busy_threads_stops_every_read_and_write(tmp_path):
    """Threads keep their own connections: before the guard, those went on writing to the
    removed file while new ones created another, and the same person's history forked."""
    data = tmp_path / "data"
    path = data / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    threads = 6
    barrier = threading.Barrier(threads + 1)
    removed = threading.Event()
    outcomes: dict[int, list[str]] = {}

    def worker(i: int) -> None:
        user = f"amzn1.ask.account.user{i}"
        save(adapter, user, 0)  # each thread opens (and keeps) its connection
        barrier.wait()
        removed.wait()
        seen = outcomes.setdefault(i, [])
        for n in range(1, 20):
            try:
                save(adapter, user, n)
                seen.append("saved")
            except StoreUnavailable as error:
                seen.append(str(error))
        for read in (adapter.load, adapter.history):
            try:
                read(user)
                seen.append("read")
            except StoreUnavailable as error:
                seen.append(str(error))

    with ThreadPoolExecutor(threads) as pool:
        running = [pool.submit(worker, i) for i in range(threads)]
        barrier.wait()
        shutil.rmtree(data)
        removed.set()
        for future in running:
            future.result()

    assert not data.exists(), "no new database file (or directory) may appear"
    for seen in outcomes.values():
        assert len(seen) == 21 and all(REMOVED in outcome for outcome in seen), seen
    assert REMOVED in (adapter.ready() or "")


def test_a_file_replaced_under_the_adapter_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    save(adapter, "amzn1.ask.account.before", 1)
    replacement = tmp_path / "restored.sqlite3"
    sqlite3.connect(replacement).close()
    replacement.replace(path)  # e.g. a backup restored over the live file
    with pytest.raises(StoreUnavailable, match=REMOVED):
        save(adapter, "amzn1.ask.account.after", 1)
    with pytest.raises(StoreUnavailable, match=REMOVED):
        adapter.load("amzn1.ask.account.before")
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [], "nothing was written to the replacement"


def test_a_read_goes_by_a_check_of_the_last_second_and_a_write_never_does(tmp_path, monkeypatch):
    """A read may find the file as it was a moment ago (no stat on every turn, issue 22);
    a write checks, and once the replacement is found, reads are refused too."""
    path = tmp_path / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    save(adapter, "amzn1.ask.account.before", 1)
    sqlite3.connect(tmp_path / "restored.sqlite3").close()
    (tmp_path / "restored.sqlite3").replace(path)
    monkeypatch.setattr("backcoach.skill.storage.sqlite.IDENTITY_RECHECK_S", 3600.0)
    assert adapter.load("amzn1.ask.account.before") == {"n": 1}, "as it was a moment ago"
    with pytest.raises(StoreUnavailable, match=REMOVED):
        save(adapter, "amzn1.ask.account.before", 2)
    with pytest.raises(StoreUnavailable, match=REMOVED):
        adapter.load("amzn1.ask.account.before")


def test_a_read_after_the_recheck_interval_finds_the_replacement(tmp_path, monkeypatch):
    path = tmp_path / "backcoach.sqlite3"
    adapter = SqliteAdapter(path)
    save(adapter, "amzn1.ask.account.before", 1)
    path.unlink()
    monkeypatch.setattr("backcoach.skill.storage.sqlite.IDENTITY_RECHECK_S", 0.0)
    with pytest.raises(StoreUnavailable, match=REMOVED):
        adapter.load("amzn1.ask.account.before")


def test_a_new_adapter_on_the_replaced_file_works(tmp_path):
    """A restart is the way back: the next adapter pins the file it finds."""
    path = tmp_path / "backcoach.sqlite3"
    first = SqliteAdapter(path)
    save(first, "amzn1.ask.account.a", 1)
    path.unlink()
    assert REMOVED in (first.ready() or "")
    second = SqliteAdapter(path)
    assert second.ready() is None
    save(second, "amzn1.ask.account.a", 2)
    assert second.load("amzn1.ask.account.a") == {"n": 2}
