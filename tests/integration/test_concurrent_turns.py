"""One person, two requests at once: a voice turn and a player event, on SQLite and PostgreSQL.

A hands-free run is the everyday case: "Alexa, tell Back Coach too hard" while a track plays,
and the track's PlaybackFinished a moment later. Both read the person's profile, both change
this session's history entry, both save. The history must come out with one entry for the
session holding both changes; the counts the coach speaks ("1 session this week") follow.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.service import make_service
from backcoach.skill.web.app import RequestContext
from tests.integration.conftest import PUBLIC_URL
from tests.stores import Store

USER = "amzn1.ask.account.racer"
MONDAY = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


class LoadTogether:
    """A store whose first `parties` loads wait for each other: every request reads the row
    before any of them saves (the widest race window two requests can have)."""

    def __init__(self, adapter, parties: int):
        self.adapter = adapter
        self.barrier = threading.Barrier(parties, timeout=10)
        self.waiting = parties
        """Loads still to wait: a rerun's load goes straight on (nobody else is coming, and
        the turn's deadline would run out waiting)."""
        self.lock = threading.Lock()

    def get_attributes(self, request_envelope):
        data = self.adapter.get_attributes(request_envelope)
        with self.lock:
            wait, self.waiting = self.waiting > 0, self.waiting - 1
        if wait:
            try:
                self.barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return data

    def __getattr__(self, name):
        return getattr(self.adapter, name)


def caller() -> env.Caller:
    return env.Caller(user_id=USER)


def start_hands_free(send, at: datetime) -> str:
    """Start a hands-free run; the token of the first track."""
    envelope = caller().envelope(
        env.intent_request("HandsFreeIntent"),
        session_id=env.new_session_id(),
        new=True,
        now=at,
    )
    response = send(envelope)
    (play,) = response["response"]["directives"]
    return play["audioItem"]["stream"]["token"]


def too_hard(token: str, at: datetime) -> dict:
    """ "Alexa, tell Back Coach too hard" 30 s into the track."""
    player = {"playerActivity": "PLAYING", "token": token, "offsetInMilliseconds": 30_000}
    return caller().envelope(
        env.intent_request("EasierIntent"),
        session_id=env.new_session_id(),
        new=True,
        audio_player=player,
        now=at,
    )


def finished(token: str, at: datetime) -> dict:
    """The track played to its end."""
    player = {"playerActivity": "FINISHED", "token": token, "offsetInMilliseconds": 0}
    return caller().envelope(
        env.player_event("AudioPlayer.PlaybackFinished", token, 0), audio_player=player, now=at
    )


def service_on(config, tmp_path, adapter):
    return make_service(dataclasses.replace(config, data_dir=tmp_path), adapter=adapter)


def history(adapter) -> list[dict]:
    """The person's sessions, oldest first: the history rows, then the latest session's entry
    (kept in the profile while it can still change)."""
    latest = adapter.load(USER)["coach"]["history"]["latest"]
    return [*adapter.history(USER), *([latest] if latest else [])]


def test_a_voice_turn_and_a_player_event_at_once_log_one_session(config, tmp_path, store):
    adapter = store.adapter()
    send = in_process(service_on(config, tmp_path, adapter).skill, RequestContext(PUBLIC_URL))
    token = start_hands_free(send, MONDAY)
    racing = LoadTogether(store.adapter(), parties=2)
    send_racing = in_process(service_on(config, tmp_path, racing).skill, RequestContext(PUBLIC_URL))
    later = MONDAY + timedelta(minutes=1)
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send_racing, [too_hard(token, later), finished(token, later)]))
    assert all("response" in a for a in answers)

    (entry,) = history(adapter)
    assert entry["done"] == ["pelvic_extension"]
    assert entry["feedback"] == [{"exercise": "pelvic_extension", "said": "too hard"}]
    how = caller().envelope(
        env.intent_request("StatsIntent"), session_id=env.new_session_id(), new=True, now=later
    )
    speech = send(how)["response"]["outputSpeech"]["ssml"]
    assert "This week: 1 of your 3 days." in speech


_CHILD_SEND: dict = {}
"""In a child process: the skill it sends to, built on its first request."""


def send_from_child(config, tmp_path, store: Store, envelope: dict, barrier) -> dict:
    """Child process: send one request as soon as the other child is ready to send its own."""
    if "send" not in _CHILD_SEND:
        service = service_on(config, tmp_path, store.adapter())
        _CHILD_SEND["send"] = in_process(service.skill, RequestContext(PUBLIC_URL))
    barrier.wait(timeout=30)
    return _CHILD_SEND["send"](envelope)


def test_processes_racing_for_one_person_keep_one_entry_per_session(config, tmp_path, store):
    """Three days; each day the voice turn and the player event come from two processes at
    the same moment (two servers behind a load balancer): three sessions, no duplicates."""
    adapter = store.adapter()
    send = in_process(service_on(config, tmp_path, adapter).skill, RequestContext(PUBLIC_URL))
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(2, mp_context=context) as pool:
        barrier = manager.Barrier(2)
        for day in range(3):
            at = MONDAY + timedelta(days=day)
            token = start_hands_free(send, at)
            later = at + timedelta(minutes=1)
            racing = [too_hard(token, later), finished(token, later)]
            answers = [
                pool.submit(send_from_child, config, tmp_path, store, e, barrier) for e in racing
            ]
            assert all("response" in answer.result() for answer in answers)
    entries = history(adapter)
    assert [e["date"] for e in entries] == ["2026-11-23", "2026-11-24", "2026-11-25"]
    for entry in entries:
        assert entry["done"] == ["pelvic_extension"]
        assert entry["feedback"] == [{"exercise": "pelvic_extension", "said": "too hard"}]
