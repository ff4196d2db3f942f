"""The endpoint with verification on: signed requests pass, anything else is a 400."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from backcoach.skill.config import Config
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.web.app import create_app
from tests.unit.test_verify import Pki, headers_for, pki, verifier_for  # noqa: F401 (fixture)

SKILL_ID = "amzn1.ask.skill.verified-test"


@pytest.fixture
def client(pki: Pki, tmp_path):  # noqa: F811
    verifier, _ = verifier_for(pki, pki.bundle(), skill_id=SKILL_ID, now=lambda: datetime.now(UTC))
    config = Config(skill_id=SKILL_ID, audio=False, data_dir=tmp_path)
    app = create_app(config, verifier=verifier)
    return app.test_client()


def launch_body(skill_id: str = SKILL_ID) -> bytes:
    caller = env.Caller(skill_id=skill_id)
    return json.dumps(caller.envelope(env.launch_request(), session_id="s", new=True)).encode()


def test_signed_request_is_answered(client, pki: Pki):  # noqa: F811
    body = launch_body()
    reply = client.post("/alexa", data=body, headers=headers_for(body, pki.leaf_key))
    assert reply.status_code == 200
    assert "Welcome to Back Coach" in reply.get_json()["response"]["outputSpeech"]["ssml"]


def test_tampered_body_is_refused(client, pki: Pki):  # noqa: F811
    body = launch_body()
    headers = headers_for(body, pki.leaf_key)
    reply = client.post(
        "/alexa", data=body.replace(b"LaunchRequest", b"IntentRequest"), headers=headers
    )
    assert reply.status_code == 400 and reply.get_json()["reason"] == "bad signature"


def test_unsigned_request_is_refused(client):
    reply = client.post("/alexa", data=launch_body(), content_type="application/json")
    assert (
        reply.status_code == 400 and "missing SignatureCertChainUrl" in reply.get_json()["reason"]
    )


def test_wrong_skill_is_refused(client, pki: Pki):  # noqa: F811
    body = launch_body("amzn1.ask.skill.someone-else")
    reply = client.post("/alexa", data=body, headers=headers_for(body, pki.leaf_key))
    assert reply.status_code == 400 and "wrong application id" in reply.get_json()["reason"]


def test_verification_is_on_by_default():
    assert Config().verify is True
    assert Config.from_env({}).verify is True


def test_deep_json_with_a_junk_signature_is_refused_unparsed(client, pki: Pki, monkeypatch):  # noqa: F811
    """The signature is checked on the bytes first: a forger's body is never parsed."""
    import backcoach.skill.web.app as app_module

    def no_parsing(body):
        raise AssertionError("parsed an unsigned body")

    monkeypatch.setattr(app_module, "_parse", no_parsing)
    body = b"[" * 5000 + b"]" * 5000
    reply = client.post("/alexa", data=body, headers=headers_for(body, pki.other_key))
    assert reply.status_code == 400 and reply.get_json()["reason"] == "bad signature"


def test_without_verification_a_set_skill_id_is_still_checked(tmp_path):
    config = Config(verify=False, skill_id=SKILL_ID, audio=False, data_dir=tmp_path)
    client = create_app(config).test_client()
    for skill_id, status in (("amzn1.ask.skill.someone-else", 400), (SKILL_ID, 200)):
        reply = client.post("/alexa", data=launch_body(skill_id), content_type="application/json")
        assert reply.status_code == status, reply.get_json()
