"""One plan segment rendered to audio: a silent canvas with each cue placed at its onset."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import numpy as np

from backcoach.audio.build.ffmpeg import AudioSegment, atempo, to_pcm
from backcoach.audio.build.lanes import speak_all
from backcoach.audio.build.mp3 import SAMPLE_RATE_HZ
from backcoach.audio.build.tones import END_TONE, START_TONE, Tone, render_tone
from backcoach.audio.build.voices import Voice
from backcoach.audio.build.words import (
    clipped,
    even_loudness,
    from_samples,
    samples_of,
    trim_silence,
)
from backcoach.skill.domain.plan import Segment

RENDER_VERSION = 2
"""Bump when a code change alters how clips sound: every clip is then rendered again."""


class RenderError(ValueError):
    """A segment cannot be rendered as planned (a cue does not fit before the next one)."""


@dataclass(frozen=True)
class RenderParams:
    """Everything besides the plan and the voice that shapes a clip (all part of its hash)."""

    sample_rate_hz: int = SAMPLE_RATE_HZ
    speech_dbfs: float = -20.0
    """RMS level every spoken cue is brought to."""
    speech_peak_max_dbfs: float = -1.0
    """No cue is made louder than this peak."""
    trim_below_peak_db: float = 45.0
    """A word's sound starts and ends where it is this far below its peak."""
    fade_in_ms: float = 2.0
    fade_out_ms: float = 15.0
    min_gap_ms: float = 80.0
    """Silence kept between the end of a cue and the onset of the next."""
    phrase_pause_ms: float = 150.0
    """Silence between the parts of a cue made of phrases ("Rep 2" + "right")."""
    max_speedup: float = 1.5
    """A cue too long for its slot is played at most this much faster, else RenderError."""
    start_tone: Tone = START_TONE
    end_tone: Tone = END_TONE
    version: int = field(default=RENDER_VERSION)

    def as_dict(self) -> dict:
        """Plain data for hashing."""
        return asdict(self)


RENDER = RenderParams()
"""The parameters clips are rendered with."""

SPOKEN_KINDS = ("say", "count")
"""Cue kinds the voice speaks (the others are tones)."""


def cue_parts(text: str) -> list[str]:
    """The phrases a cue is joined from: "Rep 12, right" is "Rep 12" and "right"."""
    return text.split(", ")


def segment_texts(segment: Segment) -> list[str]:
    """Every phrase the voice must speak for the segment."""
    return [part for c in segment.cues if c.kind in SPOKEN_KINDS for part in cue_parts(c.text)]


class WordBank:
    """Cues spoken by one voice, prepared once and reused across the clips of a build."""

    def __init__(self, voice: Voice, params: RenderParams = RENDER):
        self.voice = voice
        self.params = params
        self.synthesized = 0
        """How many times the engine was asked to speak."""
        self._words: dict[str, AudioSegment] = {}
        self._cues: dict[str, AudioSegment] = {}
        self._fitted: dict[tuple[str, int], AudioSegment] = {}
        # One synthesis at a time on `voice`: Piper's session is not to be raced (see lanes).
        self._speaking = threading.Lock()

    def _shape(self, raw: AudioSegment) -> AudioSegment:
        """Speech at the render rate, trimmed to its sound, evened out in loudness, faded."""
        p = self.params
        audio = trim_silence(to_pcm(raw, p.sample_rate_hz), p.trim_below_peak_db)
        audio = even_loudness(audio, p.speech_dbfs, p.speech_peak_max_dbfs)
        return audio.fade_in(round(p.fade_in_ms)).fade_out(round(p.fade_out_ms))

    def speak(
        self,
        texts: Iterable[str],
        speakers: int,
        spoken: Callable[[str], object] = lambda text: None,
    ) -> None:
        """Speak every new text up front, in reproducible lanes; `spoken(text)` once it is ready."""

        def keep(text: str, raw: AudioSegment) -> None:
            self._words[text] = self._shape(raw)
            self.synthesized += 1
            spoken(text)

        speak_all(self.voice, [t for t in texts if t not in self._words], speakers, keep)

    def word(self, text: str) -> AudioSegment:
        """`text` spoken, at the render rate, trimmed to its sound and evened out in loudness."""
        if text not in self._words:
            with self._speaking:
                if text not in self._words:
                    self._words[text] = self._shape(self.voice.synthesize(text))
                    self.synthesized += 1
        return self._words[text]

    def cue(self, text: str) -> AudioSegment:
        """A timed cue; "Rep 12, right" is joined from "Rep 12" and "right", each spoken once.

        Cues are built from a few phrases in many combinations (every rep number with every
        side, every last count with its release): speaking each phrase once keeps the build
        fast, and joined parts are shorter than the voice's own comma pause.
        """
        parts = cue_parts(text)
        if len(parts) == 1:
            return self.word(text)
        if text not in self._cues:
            pause = AudioSegment.silent(
                round(self.params.phrase_pause_ms), frame_rate=self.params.sample_rate_hz
            )
            audio = self.word(parts[0])
            for part in parts[1:]:
                audio = audio + pause + self.word(part)
            self._cues[text] = audio
        return self._cues[text]

    def fitted(self, text: str, room_ms: float) -> AudioSegment:
        """The cue `text` spoken within `room_ms`: as is, sped up a little, or RenderError."""
        audio = self.cue(text)
        if len(audio) <= room_ms:
            return audio
        factor = len(audio) / max(room_ms, 1.0)
        if factor > self.params.max_speedup:
            raise RenderError(
                f"{text!r} takes {len(audio)} ms but only {room_ms:.0f} ms fit before what "
                f"follows (it would need {factor:.2f}x speed, max {self.params.max_speedup}x)"
            )
        key = (text, int(room_ms))
        if key not in self._fitted:
            for extra in (1.0, 1.03, 1.06, 1.1):  # atempo's length is not exact to the ms
                fast = trim_silence(atempo(audio, factor * extra), self.params.trim_below_peak_db)
                if len(fast) <= room_ms:
                    break
            else:
                raise RenderError(f"{text!r} does not fit in {room_ms:.0f} ms even sped up")
            self._fitted[key] = fast.fade_in(round(self.params.fade_in_ms))
        return self._fitted[key]


def _tone_for(segment: Segment, index: int, params: RenderParams) -> Tone:
    """The first tone of a segment opens it; later ones close it."""
    first = next(i for i, c in enumerate(segment.cues) if c.kind == "tone")
    return params.start_tone if index == first else params.end_tone


def render_segment(
    segment: Segment, voice: Voice | WordBank, params: RenderParams = RENDER
) -> AudioSegment:
    """The segment as mono 16-bit audio of exactly `duration_s`, each cue starting at `at_s`."""
    bank = voice if isinstance(voice, WordBank) else WordBank(voice, params)
    rate = params.sample_rate_hz
    length = round(segment.duration_s * rate)
    canvas = np.zeros(length, dtype=np.int32)
    cues = segment.cues
    for i, cue in enumerate(cues):
        if i + 1 < len(cues):
            if cues[i + 1].at_s <= cue.at_s:
                raise RenderError(f"{segment.clip_id}: cues at {cue.at_s} s are not in time order")
            room_ms = (cues[i + 1].at_s - cue.at_s) * 1000 - params.min_gap_ms
        else:
            room_ms = (segment.duration_s - cue.at_s) * 1000
        try:
            if cue.kind == "tone":
                sound = render_tone(_tone_for(segment, i, params), rate)
                if len(sound) > room_ms:
                    raise RenderError(f"a {len(sound)} ms tone does not fit in {room_ms:.0f} ms")
            elif cue.kind in SPOKEN_KINDS:
                sound = bank.fitted(cue.text, room_ms)
            else:
                raise RenderError(f"unknown cue kind {cue.kind!r}")
        except RenderError as exc:
            raise RenderError(f"{segment.clip_id}: cue at {cue.at_s} s: {exc}") from None
        start = round(cue.at_s * rate)
        samples = samples_of(sound)[: length - start]
        canvas[start : start + len(samples)] += samples
    return from_samples(clipped(canvas), rate)
