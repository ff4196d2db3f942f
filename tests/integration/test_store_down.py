"""Safety and exit never depend on storage (issue #11, point 1).

The stores here fail for real: a PostgreSQL URL whose port refuses connections, and an
SQLite file another connection holds a write transaction on.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import sqlite3

import pytest

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.service import make_service
from backcoach.skill.storage.base import StoreUnavailable
from backcoach.skill.web.app import RequestContext
from tests.helpers import assert_within_limits
from tests.integration.conftest import PUBLIC_URL

USER = "amzn1.ask.account.store-down"
NOT_SAVED = "I couldn't save your progress just now."
STORE_APOLOGY = "Sorry, I couldn't reach your saved progress just now."
SAVE_APOLOGY = "Sorry, I couldn't save your progress just now, so we're still where we were."


def closed_port() -> int:
    """A local port nothing listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fast_timeouts(monkeypatch):
    """Stores give up after 1 s instead of 3 (set before any connection is opened)."""
    monkeypatch.setattr("backcoach.skill.storage.sqlite.TIMEOUT_S", 1)
    monkeypatch.setattr("backcoach.skill.storage.postgres.TIMEOUT_S", 1)


@pytest.fixture
def up(config, tmp_path, fast_timeouts):
    """The skill with a working SQLite store."""
    return make_service(dataclasses.replace(config, data_dir=tmp_path))


@pytest.fixture
def down(config, tmp_path, fast_timeouts):
    """The same skill whose store (PostgreSQL) refuses connections."""
    store = f"postgresql://coach:pw@127.0.0.1:{closed_port()}/backcoach"
    return make_service(dataclasses.replace(config, data_dir=tmp_path, store=store))


class Switch:
    """Talks to one skill or the other, as one person in one session: the store goes down
    (or comes back) between two turns."""

    def __init__(self, service):
        self.service = service

    def __call__(self, envelope: dict) -> dict:
        response = in_process(self.service.skill, RequestContext(base_url=PUBLIC_URL))(envelope)
        assert_within_limits(response, self.service.audio_s)
        if envelope["request"]["type"].startswith(("AudioPlayer.", "PlaybackController.")):
            assert "outputSpeech" not in response["response"], response
            assert "card" not in response["response"], response
            assert "reprompt" not in response["response"], response
        return response


def talk(service) -> tuple[Simulator, Switch]:
    switch = Switch(service)
    sim = Simulator(switch, state=SessionState(user_id=USER), length_s=service.audio_s)
    return sim, switch


def directive_types(turn) -> list[str]:
    return [d["type"] for d in turn.directives]


# -- the dialog -----------------------------------------------------------------------------


def test_the_store_refuses_connections(down):
    with pytest.raises(StoreUnavailable):
        down.adapter.load(USER)


def test_stop_with_the_store_down_says_goodbye_and_ends_the_session(up, down):
    me, switch = talk(up)
    me.say("start my back routine")
    me.say("yes")
    switch.service = down
    stop = me.say("stop")
    assert "take care of your back" in stop.speech.lower()
    assert NOT_SAVED in stop.speech
    assert stop.ends_session


def test_cancel_and_go_home_with_the_store_down_from_a_new_session(down):
    me, _ = talk(down)
    cancel = me.say("cancel")
    assert cancel.intent == "AMAZON.CancelIntent"
    assert "take care of your back" in cancel.speech.lower() and NOT_SAVED in cancel.speech
    assert cancel.ends_session
    home = me.send(env.intent_request("AMAZON.NavigateHomeIntent"))
    assert "take care of your back" in home.speech.lower() and home.ends_session


def test_pain_with_the_store_down_gives_the_full_safety_answer_and_keeps_the_place(up, down):
    me, switch = talk(up)
    me.say("open back coach")
    me.say("start the butt lifter")
    switch.service = down
    hurt = me.say("my back hurts", barge_in_s=30)
    assert hurt.intent == "PainIntent"
    for words in ("stopping the butt lifter", "Stop the exercise now", "consult your physician"):
        assert words in hurt.speech
    assert NOT_SAVED in hurt.speech
    # The safety answer comes first; the closing question stays last.
    assert hurt.speech.index("Stop the exercise now") < hurt.speech.index(NOT_SAVED)
    assert hurt.speech.rstrip().endswith("Or say next exercise, or stop.")  # clear choices
    assert not hurt.ends_session
    assert me.state.attributes["coach"]["phase"] == "pain"
    again = me.say("ouch")
    assert "Stop the exercise now" in again.speech
    assert NOT_SAVED not in again.speech  # said once per session


def test_session_ended_with_the_store_down_is_answered_quietly(up, down):
    me, switch = talk(up)
    me.say("start the plank")
    switch.service = down
    ended = me.send(env.session_ended_request("EXCEEDED_MAX_REPROMPTS"))
    assert ended.speech == "" and "card" not in ended.body


def test_other_intents_with_the_store_down_apologise_and_move_nothing(up, down):
    me, switch = talk(up)
    me.say("start my back routine")
    me.say("yes")
    before = dict(me.state.attributes)
    switch.service = down
    for utterance in ("next", "next", "how much is left"):
        turn = me.say(utterance)
        assert turn.speech == f"{STORE_APOLOGY} Shall we carry on?"
        assert "card" not in turn.body and not turn.directives and not turn.ends_session
        assert me.state.attributes == before
    switch.service = up
    me.say("next")
    assert me.state.attributes["coach"]["exercise"] == before["coach"]["exercise"] + 1


def test_a_profile_that_could_not_be_read_is_never_written_back(config, tmp_path):
    saves: list = []

    class ReadFails:
        """Reading fails; writing would work (and must not happen)."""

        def get_attributes(self, request_envelope):
            raise StoreUnavailable("read timed out")

        def save_attributes(self, request_envelope, attributes):
            saves.append(attributes)

        def delete_attributes(self, request_envelope):
            saves.append(None)

    service = make_service(dataclasses.replace(config, data_dir=tmp_path), adapter=ReadFails())
    me, _ = talk(service)
    assert me.say("this hurts").intent == "PainIntent"
    assert me.say("stop").ends_session
    me.send(env.session_ended_request("USER_INITIATED"))
    assert saves == []


# -- hands-free --------------------------------------------------------------------------------


def hands_free(up, down) -> tuple[Simulator, Switch]:
    """A stream playing the plank; then the store goes down."""
    me, switch = talk(up)
    me.say("start the plank")
    me.say("stop")
    assert directive_types(me.say("play my back routine")) == ["AudioPlayer.Play"]
    me.say("Alexa, next")
    me.wait(5)
    assert me.player.activity == "PLAYING"
    switch.service = down
    return me, switch


def test_stop_during_a_stream_with_the_store_down_stops_the_player(up, down):
    me, _ = hands_free(up, down)
    stop = me.say("Alexa, stop")
    assert stop.intent == "AMAZON.StopIntent"
    assert "AudioPlayer.Stop" in directive_types(stop)
    assert stop.ends_session
    assert me.player.activity == "STOPPED"
    assert all("outputSpeech" not in e.body for e in me.events)


def test_pause_button_with_the_store_down_still_stops(up, down):
    me, _ = hands_free(up, down)
    pressed = me.send(env.player_event("PlaybackController.PauseCommandIssued"), in_session=False)
    assert directive_types(pressed) == ["AudioPlayer.Stop"]
    assert me.player.activity == "STOPPED"


def test_pain_during_a_stream_with_the_store_down(up, down):
    me, _ = hands_free(up, down)
    hurt = me.say("Alexa, tell back coach this hurts")
    assert hurt.intent == "PainIntent"
    assert "AudioPlayer.Stop" in directive_types(hurt)
    assert "stopping the plank" in hurt.speech and "Stop the exercise now" in hurt.speech
    assert NOT_SAVED in hurt.speech
    assert me.player.activity == "STOPPED"


def test_player_events_with_the_store_down_carry_no_speech(up, down):
    me, _ = hands_free(up, down)
    for kind in ("AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackStopped"):
        event = me.send(env.player_event(kind, "t", 5), in_session=False)
        assert "outputSpeech" not in event.body  # Switch checks card and reprompt too
    nxt = me.send(env.player_event("PlaybackController.NextCommandIssued"), in_session=False)
    assert "outputSpeech" not in nxt.body


# -- a save that fails ---------------------------------------------------------------------------


@pytest.fixture
def locked(up, tmp_path):
    """Locks the SQLite file with another connection's write transaction while in use."""
    path = tmp_path / "backcoach.sqlite3"

    class Lock:
        conn: sqlite3.Connection | None = None

        def __enter__(self):
            self.conn = sqlite3.connect(path, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
            return self

        def __exit__(self, *exc):
            assert self.conn is not None
            self.conn.execute("ROLLBACK")
            self.conn.close()

    return Lock()


def test_next_while_the_database_is_locked_does_not_move_on(up, locked):
    me, _ = talk(up)
    me.say("open back coach")
    first = me.say("yes")
    assert "How was that: easy, about right, or hard?" in first.speech
    before = dict(me.state.attributes)
    stored = up.adapter.load(USER)
    with locked:
        for _ in range(2):
            turn = me.say("next")
            assert turn.speech == f"{SAVE_APOLOGY} Shall we carry on?"
            assert "card" not in turn.body and not turn.directives and not turn.ends_session
            assert me.state.attributes == before
    assert up.adapter.load(USER) == stored
    assert "Exercise 2 of 5: the plank" in me.say("next").speech  # not the butt lifter


def test_stop_and_pain_while_the_database_is_locked_are_still_answered(up, locked):
    me, _ = talk(up)
    me.say("open back coach")
    me.say("start the butt lifter")
    with locked:
        hurt = me.say("my back hurts", barge_in_s=30)
        assert "Stop the exercise now" in hurt.speech and NOT_SAVED in hurt.speech
        assert not hurt.ends_session
        assert me.state.attributes["coach"]["phase"] == "pain"
        stop = me.say("stop")
        assert "take care of your back" in stop.speech.lower() and NOT_SAVED in stop.speech
        assert stop.ends_session


def test_a_red_flag_with_the_store_down_still_ends_with_medical_advice(up, down):
    me, switch = talk(up)
    me.say("start the plank")
    switch.service = down
    flag = me.say("I felt something pop", barge_in_s=20)
    assert flag.intent == "RedFlagIntent" and flag.ends_session
    assert "medical advice today" in flag.speech and NOT_SAVED in flag.speech
    urgent = talk(down)[0].say("ask back coach, I can't breathe")
    assert urgent.ends_session and "emergency services" in urgent.speech


def test_disabling_the_skill_with_the_store_down_is_not_acknowledged(up, down, caplog):
    """Alexa delivers SkillDisabled again when it gets an error: the data is deleted later,
    never reported deleted while it is still there; the log never names the person."""
    from backcoach.skill.devtools import envelopes as env
    from backcoach.skill.web.app import create_app

    me, _ = talk(up)
    me.say("start the plank")
    assert up.adapter.load(USER) is not None
    caller = env.Caller(user_id=USER)
    disabled = {"type": "AlexaSkillEvent.SkillDisabled", "eventCreationTime": env.timestamp()}
    event = caller.envelope(disabled)
    with caplog.at_level(logging.INFO):
        refused = create_app(service=down).test_client().post("/alexa", json=event)
    assert refused.status_code == 503 and "deliver SkillDisabled again" in refused.json["reason"]
    assert USER not in caplog.text
    assert up.adapter.load(USER) is not None  # nothing was lost, and nothing claimed
    done = create_app(service=up).test_client().post("/alexa", json=event)  # delivered again
    assert done.status_code == 200 and up.adapter.load(USER) is None
