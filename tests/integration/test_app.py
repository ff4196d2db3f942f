"""The Flask endpoint: Alexa requests in, clear 4xx for bad input, never a 500."""

from __future__ import annotations

import json

import pytest

from backcoach.skill.config import Config, ConfigError
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.web.app import create_app
from tests.helpers import DELETE, Conversation, changed, plain


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    app = create_app(Config(verify=False, audio=False, data_dir=data))
    return app.test_client()


def post(client, body, **kwargs):
    return client.post("/alexa", data=body, content_type="application/json", **kwargs)


def via_http(client):
    def send(envelope: dict) -> dict:
        reply = post(client, json.dumps(envelope))
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()

    return send


def test_healthz(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.get_json()["status"] == "ok"


def test_a_conversation_over_http(client):
    conv = Conversation(via_http(client))
    assert "Welcome to Back Coach" in plain(conv.launch())
    started = plain(conv.intent("StartRoutineIntent"))
    assert "pelvic extension" in started and "Lift" in started  # SSML-timed counts: no audio
    played = conv.intent("ReadyIntent")  # said once the counts are over: the next exercise
    assert "the plank" in plain(played) and "Hold 1 2 3 4 5" in plain(played)


CALLER = env.Caller()
GOOD = CALLER.envelope(env.launch_request(), session_id="s", new=True)
DEEP: dict = {}
for _ in range(600):  # ASK deep-copies session attributes: 600 levels overflow its recursion
    DEEP = {"a": DEEP}


def with_user(user_id: object) -> dict:
    system = {**GOOD["context"]["System"], "user": {"userId": user_id}}
    return {**GOOD, "context": {**GOOD["context"], "System": system}}


@pytest.mark.parametrize(
    "body,status,reason",
    [
        (b"", 400, "empty body"),
        (b"not json{", 400, "not JSON"),
        (b"\xff\xfe", 400, "not JSON"),
        (b"[1, 2]", 400, "not a JSON object"),
        (b'{"hello": "world"}', 400, "version is missing"),
        (
            json.dumps({**GOOD, "request": {"requestId": "r"}}).encode(),
            400,
            "request.type is missing",
        ),
        (
            json.dumps({**GOOD, "request": {**GOOD["request"], "type": "Bogus.Request"}}).encode(),
            400,
            "unknown request type 'Bogus.Request'",
        ),
        (
            json.dumps({"version": "1.0", "request": GOOD["request"]}).encode(),
            400,
            "context is missing",
        ),
        (
            json.dumps({**GOOD, "request": {**GOOD["request"], "timestamp": 12}}).encode(),
            400,
            "request.timestamp must be a string",
        ),
        # What broke the parser or a handler before (issue 21): refused before either.
        (b"[" * 5000 + b"]" * 5000, 400, "nests deeper than"),
        (
            json.dumps({**GOOD, "session": {**GOOD["session"], "attributes": DEEP}}).encode(),
            400,
            "nests deeper than",
        ),
        (json.dumps(with_user("\ud800 lone")).encode(), 400, "half of a surrogate pair"),
        (json.dumps(with_user("")).encode(), 400, "context.System.user.userId is empty"),
        (json.dumps(with_user(["x"])).encode(), 400, "userId must be a string"),
        (
            json.dumps({**GOOD, "context": {**GOOD["context"], "System": None}}).encode(),
            400,
            "context.System must be an object",
        ),
        # Found by the fuzzer on a fresh clone: a slot resolution without its status.
        (
            json.dumps(
                CALLER.envelope(
                    env.intent_request(
                        "ExplainIntent",
                        {
                            "exercise": {
                                "name": "exercise",
                                "value": "plank",
                                "resolutions": {"resolutionsPerAuthority": [{}]},
                            }
                        },
                    ),
                    session_id="s",
                    new=True,
                )
            ).encode(),
            400,
            "resolutionsPerAuthority.#.status is missing",
        ),
    ],
)
def test_bad_input_gets_a_clear_4xx(client, body, status, reason):
    reply = post(client, body)
    assert reply.status_code == status
    assert reason in reply.get_json()["reason"]


def test_body_over_256_kb_is_refused(client):
    reply = post(client, b"{" + b" " * (256 * 1024 + 10) + b"}")
    assert reply.status_code == 413


def test_wrong_method(client):
    for reply in (client.get("/alexa"), client.put("/alexa", data="{}")):
        assert reply.status_code == 405 and "POST" in reply.headers["Allow"], reply.headers
        assert reply.get_json()["error"] == "Method Not Allowed"


def test_an_unknown_intent_gets_the_fallback_answer(client):
    envelope = CALLER.envelope(env.intent_request("NoSuchIntent"), session_id="s2", new=True)
    reply = post(client, json.dumps(envelope))
    assert reply.status_code == 200
    assert "didn't catch" in reply.get_json()["response"]["outputSpeech"]["ssml"]


def test_public_url_must_be_https(tmp_path):
    with pytest.raises(ConfigError, match="must be an https:// URL"):
        create_app(Config(verify=False, audio=False, public_url="http://x.com", data_dir=tmp_path))


def test_config_from_environment():
    config = Config.from_env(
        {
            "BACKCOACH_SKILL_ID": "amzn1.ask.skill.x",
            "BACKCOACH_VERIFY": "false",
            "BACKCOACH_PUBLIC_URL": "https://coach.example.com/",
            "BACKCOACH_DATA_DIR": "/tmp/bc",
        }
    )
    assert config.skill_id == "amzn1.ask.skill.x" and config.verify is False
    assert config.public_url == "https://coach.example.com"
    assert str(config.audio_cache) == "/tmp/bc/audio"
    with pytest.raises(ConfigError, match="^BACKCOACH_VERIFY: must be true or false, got .maybe.$"):
        Config.from_env({"BACKCOACH_VERIFY": "maybe"})


def test_lambda_entry_point(monkeypatch, tmp_path):
    from backcoach.skill.web import lambda_entry

    lambda_entry._skill.cache_clear()
    monkeypatch.setenv("BACKCOACH_SKILL_ID", CALLER.skill_id)
    monkeypatch.setenv("BACKCOACH_AUDIO", "false")
    monkeypatch.setenv("BACKCOACH_DATA_DIR", str(tmp_path))
    out = lambda_entry.lambda_handler(GOOD, None)
    assert "Welcome to Back Coach" in out["response"]["outputSpeech"]["ssml"]
    with pytest.raises(lambda_entry.RefusedEvent, match="context.System.user.userId is empty"):
        lambda_entry.lambda_handler(with_user(""), None)
    lambda_entry._skill.cache_clear()


def _without_each_key(node, path=()):
    """Every copy of the envelope with one key removed or one value replaced by junk."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), DELETE
            yield (*path, key), 7
            yield from _without_each_key(value, (*path, key))


@pytest.mark.parametrize("kind", ["launch", "intent"])
def test_no_mutilated_envelope_causes_a_500(client, kind):
    request = (
        env.launch_request()
        if kind == "launch"
        else env.intent_request("StartExerciseIntent", {"exercise": {"name": "exercise"}})
    )
    base = CALLER.envelope(request, session_id="s3", new=True, attributes={"coach": {}})
    statuses = set()
    for path, value in _without_each_key(base):
        reply = post(client, json.dumps(changed(base, path, value)))
        assert reply.status_code < 500, (path, value, reply.get_data(as_text=True))
        statuses.add(reply.status_code)
    assert statuses == {200, 400}


def test_a_skill_that_fails_past_its_own_handler_still_answers(tmp_path, monkeypatch, caplog):
    from backcoach.skill.service import make_service

    service = make_service(Config(verify=False, audio=False, data_dir=tmp_path))
    client = create_app(service=service).test_client()

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(service.skill, "invoke", broken)
    reply = post(client, json.dumps(GOOD))
    assert reply.status_code == 200
    answer = reply.get_json()["response"]
    assert answer["outputSpeech"]["text"].startswith("Sorry") and answer["shouldEndSession"]
    assert any("no answer from the skill" in r.getMessage() for r in caplog.records)
