"""Operations: /readyz (the store answers, the audio build is complete) and one log line per
request, from the Flask endpoint and from the Lambda entry."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil

import pytest

from backcoach.skill.config import Config
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.web.app import create_app
from backcoach.skill.web.request_log import user_hash
from tests.helpers import free_port

USER = "amzn1.ask.account.OPERATIONS-PERSON"
CALLER = env.Caller(user_id=USER)
SALT = "pepper"


def post(client, envelope) -> object:
    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope)
    return client.post("/alexa", data=body, content_type="application/json")


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "backcoach.requests"]


# --- /readyz ------------------------------------------------------------------------------------


def store_setting(store) -> str:
    """The BACKCOACH_STORE value of a test store."""
    return f"sqlite://{store.target}" if store.kind == "sqlite" else store.target


def test_readyz_is_ready_on_every_store(store, tmp_path):
    config = Config(verify=False, audio=False, data_dir=tmp_path, store=store_setting(store))
    reply = create_app(config).test_client().get("/readyz")
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json() == {"status": "ready"}


def test_readyz_fails_when_postgres_is_unreachable(tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setattr("backcoach.skill.storage.postgres.TIMEOUT_S", 1)
    store = f"postgresql://coach:pw@127.0.0.1:{free_port()}/backcoach"
    client = create_app(Config(verify=False, audio=False, store=store)).test_client()
    reply = client.get("/readyz")
    assert reply.status_code == 503
    assert reply.get_json()["reason"].startswith("PostgreSQL store 127.0.0.1:")
    assert client.get("/healthz").status_code == 200  # the process itself is up


def test_readyz_fails_and_nothing_is_written_once_the_sqlite_data_dir_is_removed(tmp_path):
    data = tmp_path / "data"
    client = create_app(Config(verify=False, audio=False, data_dir=data)).test_client()
    assert post(client, CALLER.envelope(env.launch_request(), new=True)).status_code == 200
    assert client.get("/readyz").status_code == 200
    shutil.rmtree(data)
    reply = client.get("/readyz")
    assert reply.status_code == 503
    assert "was removed or replaced; restart the server" in reply.get_json()["reason"]
    # Turns still get an answer (from the session), but no new empty database appears.
    turn = post(client, CALLER.envelope(env.launch_request(), new=True))
    assert turn.status_code == 200
    assert not data.exists()


def test_readyz_fails_when_a_clip_is_gone_from_the_audio_build(config, tmp_path):
    audio = tmp_path / "audio"
    shutil.copytree(config.audio_cache, audio)
    settings = dataclasses.replace(config, audio_dir=audio, data_dir=tmp_path / "data")
    client = create_app(settings).test_client()
    assert client.get("/readyz").status_code == 200
    gone = next(audio.glob("hold-*.mp3"))
    gone.unlink()
    reply = client.get("/readyz")
    assert reply.status_code == 503
    assert "1 clips are gone from the audio build" in reply.get_json()["reason"]


# --- the log line -------------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path):
    config = Config(verify=False, audio=False, data_dir=tmp_path, log_salt=SALT)
    return create_app(config).test_client()


def test_each_request_is_one_line_with_its_fields_and_no_user_id(client, caplog):
    caplog.set_level(logging.INFO, logger="backcoach.requests")
    post(client, CALLER.envelope(env.launch_request(), session_id="s", new=True))
    post(client, CALLER.envelope(env.intent_request("StartRoutineIntent"), session_id="s"))
    first, second = request_lines(caplog)
    assert first.request["type"] == "LaunchRequest" and first.request["new_session"] is True
    assert second.request["intent"] == "StartRoutineIntent"
    assert second.request["new_session"] is False
    for line in (first, second):
        assert line.levelno == logging.INFO and line.request["status"] == 200
        assert line.request["user"] == user_hash(USER, SALT.encode())
        assert 0 < line.request["latency_ms"] < 10_000
        assert USER not in line.getMessage()


def test_a_refused_body_is_one_warning_line_with_the_reason(client, caplog):
    assert post(client, b"not json{").status_code == 400
    (line,) = request_lines(caplog)
    assert line.levelno == logging.WARNING
    assert line.request["status"] == 400 and line.request["refused"] == "body is not JSON"


def test_a_session_alexa_ended_on_an_error_is_logged_as_a_warning(client, caplog):
    caplog.set_level(logging.INFO)  # every logger: the line must be the only one about the end
    error = {"type": "INVALID_RESPONSE", "message": "An exception occurred: https required"}
    ended = CALLER.envelope(env.session_ended_request("ERROR", error), session_id="s")
    assert post(client, ended).status_code == 200
    (line,) = request_lines(caplog)
    assert line.levelno == logging.WARNING
    assert line.request["reason"] == "ERROR"
    assert line.request["error_type"] == "INVALID_RESPONSE"
    assert line.request["error_message"] == error["message"]
    # That one line says it all: the handler logs nothing more about the end.
    assert [r.getMessage() for r in caplog.records if "session ended" in r.getMessage()] == []


def test_the_lambda_entry_logs_the_same_line(monkeypatch, tmp_path, caplog):
    from backcoach.skill.web import lambda_entry

    for name, value in {
        "BACKCOACH_AUDIO": "false",
        "BACKCOACH_STORE": "session",
        "BACKCOACH_LOG_SALT": SALT,
        "AWS_LAMBDA_LOG_LEVEL": "INFO",  # as the function's settings would say
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    lambda_entry._skill.cache_clear()
    lambda_entry._log_salt.cache_clear()
    caplog.set_level(logging.INFO, logger="backcoach.requests")
    try:
        event = CALLER.envelope(env.intent_request("ReadyIntent"), session_id="s", new=True)
        answer = lambda_entry.lambda_handler(event, None)
    finally:
        lambda_entry._skill.cache_clear()
        lambda_entry._log_salt.cache_clear()
    assert answer["version"] == "1.0"
    (line,) = request_lines(caplog)
    assert line.request["type"] == "IntentRequest" and line.request["intent"] == "ReadyIntent"
    assert line.request["status"] == 200 and line.request["new_session"] is True
    assert line.request["user"] == user_hash(USER, SALT.encode())
