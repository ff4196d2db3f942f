"""Every answer inside the turn's deadline whatever the store does (issue 21).

The stores hang for real: PostgreSQL frozen with SIGSTOP (every process of the cluster, so the
kernel still accepts and acknowledges: nothing but a deadline ends the wait), an SQLite file
another connection keeps locked while eight people say "stop" at once, and DynamoDB behind a
stand-in that answers after 10 s. "my back hurts", "stop" and "I have chest pain" are each
answered inside TURN_BUDGET_S, with the same safety text a working store gives.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import signal
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.deadline import TURN_BUDGET_S
from backcoach.skill.service import make_service, not_ready
from backcoach.skill.web.app import RequestContext
from tests.helpers import assert_within_limits
from tests.integration.conftest import PUBLIC_URL

pytestmark = pytest.mark.slow

NOT_SAVED = "I couldn't save your progress just now."
HANG_S = 10.0
"""How long the slow DynamoDB takes to answer: longer than Alexa waits."""

SAFETY = {
    "my back hurts": (
        "stopping the butt lifter",
        "Stop the exercise now",
        "consult your physician",
    ),
    "stop": ("take care of your back",),
    "I have chest pain": ("Stop exercising now", "needs urgent help", "emergency services"),
}
"""What each safety answer must still say with the store hung."""


@functools.cache
def nlu() -> Nlu:
    """Loaded once: a turn's time is the skill's, not the simulator's parsing of the model."""
    return Nlu.load()


def person(service, user: str) -> Simulator:
    def send(envelope: dict) -> dict:
        response = in_process(service.skill, RequestContext(base_url=PUBLIC_URL))(envelope)
        assert_within_limits(response, service.audio_s)
        return response

    state = SessionState(user_id=user)
    return Simulator(send, state=state, length_s=service.audio_s, nlu=nlu())


def timed(say: Callable[[], object]) -> tuple[object, float]:
    started = time.monotonic()
    turn = say()
    return turn, time.monotonic() - started


def on_the_floor(service, user: str) -> Simulator:
    """Someone mid-exercise, with everything about them saved while the store worked."""
    me = person(service, user)
    me.say("open back coach")
    me.say("start the butt lifter")
    return me


def assert_safety_in_time(service, me: Simulator, user: str) -> None:
    """Pain and stop in the session, then chest pain in a new one: each within the budget,
    with its full safety text (and the one sentence saying nothing was saved)."""
    hurt, hurt_s = timed(lambda: me.say("my back hurts", barge_in_s=30))
    stop, stop_s = timed(lambda: me.say("stop"))
    chest, chest_s = timed(lambda: person(service, user).say("ask back coach, I have chest pain"))
    print(f"\npain {hurt_s:.2f} s, stop {stop_s:.2f} s, chest pain {chest_s:.2f} s")
    for said, (turn, took_s) in zip(
        SAFETY, [(hurt, hurt_s), (stop, stop_s), (chest, chest_s)], strict=True
    ):
        assert took_s < TURN_BUDGET_S, f"{said!r} took {took_s:.1f} s"
        for words in SAFETY[said]:
            assert words in turn.speech, (said, turn.speech)
    assert NOT_SAVED in hurt.speech and stop.ends_session and chest.ends_session
    assert hurt.intent == "PainIntent" and chest.intent == "UrgentIntent"


# -- PostgreSQL, frozen ------------------------------------------------------------------------


@contextmanager
def frozen(url: str) -> Iterator[None]:
    """Every process of the cluster behind `url` stopped (SIGSTOP), then continued."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        sql = "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        pids = {row[0] for row in conn.execute(sql)}
    postmaster = {parent(pid) for pid in pids} - pids
    assert len(postmaster) == 1, pids
    everyone = pids | postmaster
    try:
        signal_all(everyone, signal.SIGSTOP)
    except PermissionError:
        pytest.skip("freezing PostgreSQL needs to signal its processes (CI runs as root)")
    try:
        yield
    finally:
        signal_all(everyone, signal.SIGCONT)


def parent(pid: int) -> int:
    """A process's parent (the fourth field of /proc/PID/stat, after the name)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def signal_all(pids: set[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass  # a backend that ended meanwhile


def test_with_postgresql_frozen_safety_is_answered_in_time(config, tmp_path, pg_schema_url):
    service = make_service(dataclasses.replace(config, data_dir=tmp_path, store=pg_schema_url))
    user = "amzn1.ask.account.frozen-postgres"
    me = on_the_floor(service, user)
    with frozen(pg_schema_url):
        assert_safety_in_time(service, me, user)
        started = time.monotonic()
        reason = not_ready(service)
        assert reason and "no answer" in reason and time.monotonic() - started < 3, reason


# -- SQLite, locked by another process --------------------------------------------------------


def test_with_sqlite_locked_eight_stops_at_once_are_each_answered_in_time(config, tmp_path):
    service = make_service(dataclasses.replace(config, data_dir=tmp_path))
    people = [f"amzn1.ask.account.locked-{n}" for n in range(8)]
    floors = [on_the_floor(service, user) for user in people]
    lock = sqlite3.connect(tmp_path / "backcoach.sqlite3", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # what another process's long write holds
    try:
        with ThreadPoolExecutor(len(floors)) as pool:
            turns = list(pool.map(lambda me: timed(lambda: me.say("stop")), floors))
        chest, chest_s = timed(lambda: person(service, people[0]).say("I have chest pain"))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    print(f"\n8 stops: {max(t for _, t in turns):.2f} s at most; chest pain {chest_s:.2f} s")
    for turn, took_s in turns:
        assert took_s < TURN_BUDGET_S, f"a stop took {took_s:.1f} s"
        assert "take care of your back" in turn.speech.lower() and turn.ends_session
    assert chest_s < TURN_BUDGET_S and "emergency services" in chest.speech


def test_with_sqlite_locked_pain_is_answered_in_time(config, tmp_path):
    service = make_service(dataclasses.replace(config, data_dir=tmp_path))
    user = "amzn1.ask.account.locked-pain"
    me = on_the_floor(service, user)
    lock = sqlite3.connect(tmp_path / "backcoach.sqlite3", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        assert_safety_in_time(service, me, user)
    finally:
        lock.execute("ROLLBACK")
        lock.close()


# -- DynamoDB, answering after 10 s -----------------------------------------------------------


class SlowProxy:
    """An HTTP stand-in in front of moto: passes requests on, or, once `slow`, holds each
    one HANG_S before passing it on (a DynamoDB endpoint in trouble)."""

    def __init__(self, upstream: str):
        self.slow = False
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # DynamoDB's API is POSTs only
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.slow:
                    time.sleep(HANG_S)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                forward = urllib.request.Request(upstream + self.path, body, headers)
                try:
                    with urllib.request.urlopen(forward, timeout=30) as answer:
                        status, data, kept = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as error:
                    status, data, kept = error.code, error.read(), error.headers
                try:
                    self.send_response(status)
                    for name in ("Content-Type", "x-amzn-RequestId", "x-amz-crc32"):
                        if kept.get(name):
                            self.send_header(name, kept[name])
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up long ago

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # clients that gave up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_with_dynamodb_answering_after_10_s_safety_is_answered_in_time(
    config, tmp_path, aws_env, moto_url
):
    proxy = SlowProxy(moto_url)
    try:
        table = f"deadline-{os.getpid()}-{time.monotonic_ns()}"
        store = f"dynamodb://{table}?region=eu-west-1&create=1&endpoint={proxy.url}"
        service = make_service(dataclasses.replace(config, data_dir=tmp_path, store=store))
        user = "amzn1.ask.account.slow-dynamodb"
        me = on_the_floor(service, user)
        proxy.slow = True
        assert_safety_in_time(service, me, user)
    finally:
        proxy.stop()
