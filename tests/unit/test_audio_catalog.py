"""The read-only catalog of a built cache: lookups, missing clips, safe paths."""

from __future__ import annotations

import json

import pytest

from backcoach.audio.catalog import AudioCatalog, CatalogError
from backcoach.audio.manifest import (
    MANIFEST_NAME,
    ClipEntry,
    ManifestError,
    read_manifest,
    write_manifest,
)

HOLD = ClipEntry("hold-5s-0123456789ab.mp3", 8.56, "hold", (2.0, 3.0, 4.0, 5.0, 6.0))
REST = ClipEntry("rest-20s-ba9876543210.mp3", 20.56, "rest", (17.0, 18.0, 19.0))


@pytest.fixture
def cache(tmp_path):
    for entry in (HOLD, REST):
        (tmp_path / entry.file).write_bytes(b"\xff\xf3" + bytes(142))
    write_manifest(tmp_path, {"hold-5s": HOLD, "rest-20s": REST})
    return tmp_path


def test_manifest_round_trip_is_plain_json(cache):
    data = json.loads((cache / MANIFEST_NAME).read_text())
    assert data == {
        "hold-5s": {
            "file": HOLD.file,
            "duration_s": 8.56,
            "kind": "hold",
            "onsets_s": [2.0, 3.0, 4.0, 5.0, 6.0],
        },
        "rest-20s": {
            "file": REST.file,
            "duration_s": 20.56,
            "kind": "rest",
            "onsets_s": [17.0, 18.0, 19.0],
        },
    }
    assert read_manifest(cache) == {"hold-5s": HOLD, "rest-20s": REST}
    assert [p.name for p in cache.iterdir() if p.name.endswith(".tmp")] == []


def test_lookups(cache):
    catalog = AudioCatalog.load(cache)
    assert catalog.clip("hold-5s") == HOLD
    assert catalog.clip("hold-6s") is None
    assert catalog.missing(["hold-5s", "hold-6s", "rest-20s", "reps-x", "hold-6s"]) == [
        "hold-6s",
        "reps-x",
    ]
    assert catalog.missing([]) == []
    assert catalog.path_for(HOLD.file) == cache.resolve() / HOLD.file


def test_a_track_records_where_each_set_starts(tmp_path):
    track = ClipEntry("track-plank-0-0123456789ab.mp3", 95.2, "track", (41.0, 42.0), (31.4, 70.0))
    (tmp_path / track.file).write_bytes(b"\xff\xf3" + bytes(142))
    (tmp_path / HOLD.file).write_bytes(b"\xff\xf3" + bytes(142))
    write_manifest(tmp_path, {"track-plank-0": track, "hold-5s": HOLD})
    data = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert data["track-plank-0"]["sets_s"] == [31.4, 70.0]
    assert "sets_s" not in data["hold-5s"], "clips keep their entries as they were"
    catalog = AudioCatalog.load(tmp_path)
    assert catalog.set_starts_s("track-plank-0") == (31.4, 70.0)
    assert catalog.set_starts_s("hold-5s") == ()
    assert catalog.set_starts_s("track-nothing-0") == ()
    # A restart asks the player to start a little before the lead-in: a variable-rate track
    # is found by its seek table, which can land late and cut "Get into position" short.
    assert catalog.seek_starts_s("track-plank-0") == pytest.approx((30.6, 69.2))
    assert catalog.seek_starts_s("hold-5s") == ()


def test_path_for_answers_only_manifest_file_names(cache):
    catalog = AudioCatalog.load(cache)
    (cache / "other-0123456789ab.mp3").write_bytes(b"x")
    for name in (
        MANIFEST_NAME,
        "other-0123456789ab.mp3",
        f"../{cache.name}/{HOLD.file}",
        str(cache / HOLD.file),
        "/etc/passwd",
        "",
        ".",
        "..",
        "hold-5s",
    ):
        assert catalog.path_for(name) is None, name


def test_a_clip_whose_file_is_gone_is_missing(cache):
    (cache / REST.file).unlink()
    catalog = AudioCatalog.load(cache)
    assert catalog.clip("rest-20s") is None
    assert catalog.missing(["hold-5s", "rest-20s"]) == ["rest-20s"]
    assert catalog.path_for(REST.file) is None


def test_no_manifest_says_how_to_build_it(tmp_path):
    with pytest.raises(CatalogError, match=r"no audio manifest at .*: run `backcoach audio build`"):
        AudioCatalog.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[1, 2]",
        '{"hold-5s": {"file": "x.mp3"}}',
        '{"hold-5s": {"file": "../../etc/passwd", "duration_s": 1, "kind": "hold"}}',
        '{"hold-5s": {"file": "/abs/hold-5s-0123456789ab.mp3", "duration_s": 1, "kind": "h"}}',
    ],
)
def test_a_malformed_manifest_is_refused(tmp_path, content):
    (tmp_path / MANIFEST_NAME).write_text(content)
    with pytest.raises(CatalogError, match="run `backcoach audio build`"):
        AudioCatalog.load(tmp_path)


@pytest.mark.parametrize(
    "content,message",
    [
        ("not json", "is not JSON: Expecting value: line 1 column 1 (char 0)"),
        ("[1, 2]", "must be a mapping"),
        (
            '{"hold-5s": {"file": "../x-0123456789ab.mp3", "duration_s": 1, "kind": "hold"}}',
            "clip 'hold-5s': file: '../x-0123456789ab.mp3' is not a clip file name",
        ),
        (
            '{"hold-5s": {"file": "hold-5s-0123456789ab.mp3", "duration_s": "long", "kind": "h"}}',
            "clip 'hold-5s': duration_s: must be a number, got 'long'",
        ),
        (
            '{"rest-20s": {"file": "rest-20s-ba9876543210.mp3"}}',
            "clip 'rest-20s': duration_s: is missing",
        ),
    ],
)
def test_a_manifest_error_names_the_file_clip_and_field(tmp_path, content, message):
    (tmp_path / MANIFEST_NAME).write_text(content)
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path)
    assert str(info.value).startswith(f"{tmp_path / MANIFEST_NAME}: {message}")
