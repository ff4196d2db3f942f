"""Unit tests run without any speech engine: Piper (and gTTS) cannot be imported in them."""

from __future__ import annotations

import sys

import pytest

SPEECH_ENGINES = ("piper", "gtts")
"""Modules a unit test must never reach: the audio build uses tests.synthetic_voice instead."""


@pytest.fixture(scope="module", autouse=True)
def no_speech_engines():
    """`import piper` (or gtts) fails in every unit test module and its module-scoped fixtures,
    even when integration tests of the same session have loaded it."""
    with pytest.MonkeyPatch.context() as patch:
        for name in SPEECH_ENGINES:
            patch.setitem(sys.modules, name, None)
        yield
