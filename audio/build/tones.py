"""Soft sine tones that open and close a rest."""

from __future__ import annotations

from dataclasses import dataclass

from backcoach.audio.build.ffmpeg import AudioSegment, Sine


@dataclass(frozen=True)
class Tone:
    """A short sine with a gentle fade in and out."""

    freq_hz: float
    length_ms: int
    gain_dbfs: float
    """Peak level; low, so the tone sits under the speech."""
    fade_in_ms: int = 20
    fade_out_ms: int = 120


START_TONE = Tone(freq_hz=587.33, length_ms=240, gain_dbfs=-24.0)
"""D5: the rest begins."""
END_TONE = Tone(freq_hz=880.0, length_ms=240, gain_dbfs=-24.0)
"""A5: the rest is over."""


def render_tone(tone: Tone, sample_rate_hz: int) -> AudioSegment:
    """The tone as mono 16-bit audio at `sample_rate_hz`."""
    sine = Sine(tone.freq_hz, sample_rate=sample_rate_hz, bit_depth=16)
    audio = sine.to_audio_segment(duration=tone.length_ms, volume=tone.gain_dbfs)
    return audio.fade_in(tone.fade_in_ms).fade_out(tone.fade_out_ms)
