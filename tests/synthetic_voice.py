"""A synthetic speech engine for tests: words as short tone bursts, deterministic, no model."""

from __future__ import annotations

import hashlib

import numpy as np

from backcoach.audio.build.ffmpeg import AudioSegment
from backcoach.skill.domain.phrases import Phrases
from backcoach.skill.domain.plan import (
    Segment,
    Upcoming,
    hold_segment,
    lead_in_segment,
    reps_segment,
    rest_segment,
)
from backcoach.skill.domain.routine import Routine


def small_plan(routine: Routine, phrases: Phrases) -> tuple[Segment, ...]:
    """A small plan covering every kind of clip: a hold, a rest, two rep runs, the lead-in."""
    words = phrases.cue_words
    return (
        hold_segment(5, words),
        rest_segment(10, words, switch_sides=True, upcoming=Upcoming(2, 3, "left")),
        reps_segment(routine.get("pelvic_extension"), 2, 3, "", words),
        reps_segment(routine.get("steamroller"), 3, 0, "", words),
        lead_in_segment(words),
    )


class SyntheticVoice:
    """Implements `Voice`: each word of a text is a tone burst whose length and pitch depend on it.

    A word lasts `base_ms + ms_per_letter * letters` with a pitch taken from its sha256, so the
    same text always sounds the same; words are joined by `word_gap_ms` (shorter than the onset
    detector's silence) and the whole is padded with silence, as a real engine's output is.
    Rendered at Piper's 22050 Hz so the build resamples, as it does for the real voice.
    """

    SAMPLE_RATE_HZ = 22050

    def __init__(
        self,
        base_ms: float = 60.0,
        ms_per_letter: float = 40.0,
        word_gap_ms: float = 30.0,
        pad_ms: float = 120.0,
        gain_dbfs: float = -12.0,
    ):
        self.base_ms = base_ms
        self.ms_per_letter = ms_per_letter
        self.word_gap_ms = word_gap_ms
        self.pad_ms = pad_ms
        self.gain_dbfs = gain_dbfs
        self.calls: list[str] = []
        """Every text asked for, in order."""

    @property
    def id(self) -> str:
        p = (self.base_ms, self.ms_per_letter, self.word_gap_ms, self.pad_ms, self.gain_dbfs)
        return "synthetic:tones:" + ":".join(f"{x:g}" for x in p)

    def word_ms(self, word: str) -> float:
        """How long `word` sounds (its letters and digits count)."""
        return self.base_ms + self.ms_per_letter * sum(c.isalnum() for c in word)

    def _burst(self, word: str) -> np.ndarray:
        rate = self.SAMPLE_RATE_HZ
        n = round(self.word_ms(word) * rate / 1000)
        pitch_hz = 160 + int.from_bytes(hashlib.sha256(word.encode()).digest()[:2]) % 240
        t = np.arange(n) / rate
        wave = np.sin(2 * np.pi * pitch_hz * t) + 0.4 * np.sin(2 * np.pi * 2 * pitch_hz * t)
        ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.005 * rate))
        return wave * ramp / 1.4 * 10 ** (self.gain_dbfs / 20)

    def synthesize(self, text: str) -> AudioSegment:
        self.calls.append(text)
        words = text.split()
        if not words:
            raise ValueError("nothing to say")
        rate = self.SAMPLE_RATE_HZ
        gap = np.zeros(round(self.word_gap_ms * rate / 1000))
        pad = np.zeros(round(self.pad_ms * rate / 1000))
        parts = [pad]
        for i, word in enumerate(words):
            parts += [gap, self._burst(word)] if i else [self._burst(word)]
        parts.append(pad)
        samples = np.round(np.concatenate(parts) * 32767).astype("<i2")
        return AudioSegment(samples.tobytes(), sample_width=2, frame_rate=rate, channels=1)
