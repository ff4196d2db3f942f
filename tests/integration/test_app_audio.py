"""The endpoint with the built audio: absolute https links, served clips, start-up checks."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil

import pytest

from backcoach.audio.catalog import CatalogError
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.service import AudioMissing, make_service
from backcoach.skill.web.app import create_app
from tests.helpers import Conversation, assert_within_limits

AUDIO = re.compile(r'<audio src="([^"]+)"/>')


def talk(client, headers=None):
    def send(envelope: dict) -> dict:
        reply = client.post(
            "/alexa",
            data=json.dumps(envelope),
            headers=headers or {},
            content_type="application/json",
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()

    return send


def first_clip_urls(client, headers=None, audio_s=lambda src: 1.0) -> list[str]:
    conv = Conversation(talk(client, headers), audio_s=audio_s, require_https=False)
    conv.launch()
    played = conv.intent("StartExerciseIntent", exercise="plank")  # its steps, then the sets
    return AUDIO.findall(played["response"]["outputSpeech"]["ssml"])


def test_links_use_the_public_url_and_the_clips_are_served(config, service):
    public = dataclasses.replace(config, public_url="https://coach.example.com")
    app = create_app(public)
    client = app.test_client()
    urls = first_clip_urls(client, audio_s=service.audio_s)
    assert len(urls) == 4 and all(u.startswith("https://coach.example.com/audio/") for u in urls)
    path = urls[0].removeprefix("https://coach.example.com")
    reply = client.get(path)
    assert reply.status_code == 200 and reply.mimetype == "audio/mpeg"
    assert reply.data[:2] == b"\xff\xf3"  # an MPEG-2 layer III frame header, no ID3 or Xing
    partial = client.get(path, headers={"Range": "bytes=0-143"})
    assert partial.status_code == 206 and len(partial.data) == 144
    # Past the end: 416 with the length, as RFC 9110 asks (the app's error page keeps it).
    beyond = client.get(path, headers={"Range": f"bytes={len(reply.data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(reply.data)}"


def test_without_public_url_links_follow_the_request_host(config):
    client = create_app(config).test_client()
    urls = first_clip_urls(client)
    assert all(u.startswith("http://localhost/audio/") for u in urls)


def test_proxy_headers_only_when_trusted(config):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "coach.example.org"}
    untrusted = create_app(config).test_client()
    assert first_clip_urls(untrusted, headers)[0].startswith("http://localhost/")
    trusted = create_app(dataclasses.replace(config, trust_proxy=True)).test_client()
    assert first_clip_urls(trusted, headers)[0].startswith("https://coach.example.org/audio/")


def test_http_links_with_verification_on_warn_once(config, service, caplog):
    verified = dataclasses.replace(config, verify=True)
    app = create_app(verified, verifier=_PassVerifier(), service=make_service(verified))
    with caplog.at_level(logging.WARNING):
        first_clip_urls(app.test_client())
        first_clip_urls(app.test_client())
    warnings = [r for r in caplog.records if "Alexa only plays https audio" in r.message]
    assert len(warnings) == 1


class _PassVerifier:
    """Stands in for Amazon's signature: the verifier itself is tested in test_verify."""

    def check_signature(self, headers, body) -> None:
        pass

    def check_envelope(self, envelope) -> None:
        pass


def test_start_refuses_when_a_clip_is_missing(config, tmp_path):
    partial = tmp_path / "audio"
    shutil.copytree(config.audio_cache, partial)
    victim = next(partial.glob("hold-30s-*.mp3"))
    victim.unlink()
    with pytest.raises(AudioMissing, match=r"1 of \d+ clips are missing .*hold-30s"):
        make_service(dataclasses.replace(config, audio_dir=partial))


def test_start_refuses_when_a_hands_free_track_is_missing(config, tmp_path):
    partial = tmp_path / "audio"
    shutil.copytree(config.audio_cache, partial)
    manifest = json.loads((partial / "manifest.json").read_text())
    (partial / manifest["track-plank-5-brief"]["file"]).unlink()
    with pytest.raises(AudioMissing, match=r"1 of \d+ clips are missing .*track-plank-5-brief"):
        make_service(dataclasses.replace(config, audio_dir=partial))


def test_start_refuses_without_an_audio_build(config, tmp_path):
    with pytest.raises(CatalogError, match="run `backcoach audio build`"):
        make_service(dataclasses.replace(config, audio_dir=tmp_path / "nothing"))


def test_every_response_of_a_plank_at_its_target_stays_within_limits(service):
    from backcoach.skill.devtools.simulator import in_process

    conv = Conversation(in_process(service.skill), audio_s=service.audio_s)
    conv.launch()
    conv.intent("StartExerciseIntent", exercise="plank")
    for _ in range(5):
        conv.intent("HarderIntent")
    conv.intent("ReadyIntent")
    conv.intent("ReadyIntent")
    for response in conv.responses:
        assert_within_limits(response, service.audio_s)


def test_player_event_envelope_gets_directives_only(config):
    client = create_app(config).test_client()
    caller = env.Caller()
    envelope = caller.envelope(env.player_event("AudioPlayer.PlaybackStopped", "x", 10))
    reply = client.post("/alexa", data=json.dumps(envelope), content_type="application/json")
    assert reply.status_code == 200 and "outputSpeech" not in reply.get_json()["response"]
