"""Serving clips: manifest files only, audio/mpeg, ETag, immutable caching, Range, 404s."""

from __future__ import annotations

import pytest
from flask import Flask

from backcoach.audio.build.ffmpeg import AudioSegment, Sine
from backcoach.audio.build.mp3 import encode_mp3
from backcoach.audio.catalog import AudioCatalog
from backcoach.audio.manifest import MANIFEST_NAME, ClipEntry, write_manifest
from backcoach.audio.serve import audio_blueprint

FILE = "hold-5s-0123456789ab.mp3"


@pytest.fixture
def cache(tmp_path):
    tone = Sine(440, sample_rate=24000).to_audio_segment(duration=500, volume=-12)
    encode_mp3(AudioSegment.silent(300, frame_rate=24000) + tone, tmp_path / FILE)
    write_manifest(tmp_path, {"hold-5s": ClipEntry(FILE, 0.85, "hold", ())})
    (tmp_path / "stray-0123456789ab.mp3").write_bytes(b"not listed")
    return tmp_path


@pytest.fixture
def client(cache):
    app = Flask(__name__)
    app.register_blueprint(audio_blueprint(AudioCatalog.load(cache)))
    return app.test_client()


def test_a_clip_is_served_as_cacheable_mpeg(client, cache):
    r = client.get(f"/audio/{FILE}")
    assert r.status_code == 200
    assert r.mimetype == "audio/mpeg"
    assert r.data == (cache / FILE).read_bytes()
    assert r.headers["ETag"] == '"0123456789ab"'
    cc = r.headers["Cache-Control"]
    assert {p.strip() for p in cc.split(",")} == {"public", "max-age=31536000", "immutable"}
    assert r.headers["Accept-Ranges"] == "bytes"


def test_if_none_match_gives_304(client):
    etag = client.get(f"/audio/{FILE}").headers["ETag"]
    r = client.get(f"/audio/{FILE}", headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.data == b""
    other = client.get(f"/audio/{FILE}", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_range_gives_206_with_the_right_bytes(client, cache):
    data = (cache / FILE).read_bytes()
    r = client.get(f"/audio/{FILE}", headers={"Range": "bytes=100-299"})
    assert r.status_code == 206
    assert r.headers["Content-Range"] == f"bytes 100-299/{len(data)}"
    assert r.data == data[100:300]
    tail = client.get(f"/audio/{FILE}", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206
    assert tail.data == data[-50:]
    bad = client.get(f"/audio/{FILE}", headers={"Range": f"bytes={len(data) + 10}-"})
    assert bad.status_code == 416


def test_head_works(client):
    r = client.head(f"/audio/{FILE}")
    assert r.status_code == 200
    assert r.data == b""
    assert int(r.headers["Content-Length"]) > 0


@pytest.mark.parametrize(
    "url",
    [
        "/audio/..%2Fmanifest.json",
        "/audio/..%2f..%2fetc%2fpasswd",
        "/audio/../x",
        "/audio/..",
        "/audio//etc/passwd",
        "/audio/%2Fetc%2Fpasswd",
        f"/audio/{MANIFEST_NAME}",
        "/audio/stray-0123456789ab.mp3",
        "/audio/hold-5s-000000000000.mp3",
        f"/audio/{FILE}/",
        f"/audio/{FILE}%00",
        "/audio/",
    ],
)
def test_anything_else_is_404(client, url):
    r = client.get(url)
    assert r.status_code == 404, (url, r.status_code, r.headers.get("Location"))
