"""Rendering a plan segment with a synthetic voice: placement, trimming, fitting, tones."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.audio.build.ffmpeg import AudioSegment, Sine
from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.render import RENDER, RenderError, WordBank, render_segment
from backcoach.audio.build.words import even_loudness, samples_of, trim_silence
from backcoach.skill.domain.plan import Cue, CueWords, Segment, hold_segment, rest_segment

WORDS = CueWords(
    hold="Hold",
    relax="and relax",
    rest="Rest",
    switch_sides="Switch sides.",
    rep="Rep {n}",
    last_rep="Last rep",
    rep_side="{rep}, {side}",
    count_then="{n}, {then}",
    next_hold="Next: hold {n} of {total}.",
    next_set="Next: set {n} of {total}.",
    next_side="Next: {side} side.",
    next_set_side="Next: set {n} of {total}, {side} side.",
    lead_in="Get into position.",
    lead_in_settle="Take your time.",
    right="right",
    left="left",
)


class ToneVoice:
    """A fake engine: each text is a tone burst (longer for longer text) padded with silence."""

    id = "fake:tone"

    def __init__(self, ms_per_char: float = 50.0, gain_dbfs: float = -6.0):
        self.ms_per_char = ms_per_char
        self.gain_dbfs = gain_dbfs
        self.calls: list[str] = []

    def synthesize(self, text: str) -> AudioSegment:
        self.calls.append(text)
        length_ms = 100 + self.ms_per_char * len(text)
        burst = Sine(200 + 20 * len(text), sample_rate=22050).to_audio_segment(
            duration=length_ms, volume=self.gain_dbfs
        )
        pad = AudioSegment.silent(50, frame_rate=22050)
        return pad + burst + pad + AudioSegment.silent(30, frame_rate=22050)


def levels(audio: AudioSegment) -> np.ndarray:
    return samples_of(audio).astype(np.float64)


def test_a_hold_is_mono_24k_exactly_as_long_as_planned():
    seg = hold_segment(5, WORDS)
    audio = render_segment(seg, ToneVoice())
    assert (audio.channels, audio.sample_width, audio.frame_rate) == (1, 2, 24000)
    assert len(samples_of(audio)) == round(seg.duration_s * 24000)


def test_every_cue_starts_at_its_planned_onset():
    seg = hold_segment(10, WORDS)
    audio = render_segment(seg, ToneVoice())
    measured = onsets_s(samples_of(audio), 24000, threshold_dbfs=-60.0)
    # The last cue, "10, and relax", is two phrases with a pause: one onset more.
    assert len(measured) == len(seg.cues) + 1
    for cue, at in zip(seg.cues, measured, strict=False):
        assert at == pytest.approx(cue.at_s, abs=0.0011), cue


def test_a_cue_of_several_phrases_is_joined_with_a_short_pause():
    bank = WordBank(ToneVoice())
    joined = bank.cue("5, and relax")
    parts = len(bank.word("5")) + len(bank.word("and relax"))
    assert len(joined) == parts + RENDER.phrase_pause_ms
    assert bank.cue("Hold") is bank.word("Hold")


def test_audio_before_the_first_onset_and_between_words_is_silent():
    seg = hold_segment(3, WORDS)
    x = samples_of(render_segment(seg, ToneVoice()))
    for cue in seg.cues[1:]:
        start = round(cue.at_s * 24000)
        gap = round(RENDER.min_gap_ms / 1000 * 24000)
        assert not x[start - gap : start].any(), f"sound in the {RENDER.min_gap_ms} ms before {cue}"


def test_words_are_synthesized_once_per_build():
    voice = ToneVoice()
    bank = WordBank(voice)
    render_segment(hold_segment(5, WORDS), bank)
    render_segment(hold_segment(8, WORDS), bank)
    # "5, and relax" is joined from "5" and "and relax": each phrase is spoken once.
    assert sorted(voice.calls) == sorted(["Hold", "and relax", *map(str, range(1, 9))])
    assert bank.synthesized == len(voice.calls)


def test_words_are_trimmed_and_evened_out_in_loudness():
    loud, soft = WordBank(ToneVoice(gain_dbfs=-3.0)), WordBank(ToneVoice(gain_dbfs=-35.0))
    a, b = loud.word("seven"), soft.word("seven")
    assert a.dBFS == pytest.approx(b.dBFS, abs=0.5)
    assert a.dBFS == pytest.approx(RENDER.speech_dbfs, abs=0.5)
    assert len(a) == pytest.approx(100 + 50 * 5, abs=2), "50 ms of silence each side trimmed"


def test_even_loudness_never_pushes_a_peak_over_the_limit():
    spiky = AudioSegment.silent(500, frame_rate=24000).overlay(
        Sine(440, sample_rate=24000).to_audio_segment(duration=10, volume=-3.0)
    )
    out = even_loudness(spiky, target_dbfs=-20.0, peak_max_dbfs=-1.0)
    assert out.max_dBFS == pytest.approx(-1.0, abs=0.1)
    assert out.dBFS < -20.0


def test_trim_silence_refuses_silence():
    with pytest.raises(ValueError, match="silent"):
        trim_silence(AudioSegment.silent(200, frame_rate=24000))


def test_a_word_a_little_too_long_for_its_slot_is_sped_up():
    # "one two three" lasts 100 + 13 * 50 = 750 ms; 0.7 s to the next cue leaves 620 ms.
    seg = Segment("t", "hold", 2.0, (Cue(0.0, "one two three", "say"), Cue(0.7, "1", "count")))
    audio = render_segment(seg, ToneVoice())
    x = samples_of(audio)
    assert x[: round(0.3 * 24000)].any()
    gap_start = round((0.7 - RENDER.min_gap_ms / 1000) * 24000)
    assert not x[gap_start : round(0.7 * 24000)].any(), "the sped-up cue ends before the gap"
    measured = onsets_s(x, 24000, threshold_dbfs=-60.0)
    assert measured[:2] == pytest.approx((0.0, 0.7), abs=0.0011)


def test_a_word_far_too_long_for_its_slot_is_an_error_naming_clip_and_cue():
    seg = Segment(
        "hold-x",
        "hold",
        3.0,
        (Cue(0.0, "a very long cue indeed", "say"),) + (Cue(0.5, "1", "count"),),
    )
    with pytest.raises(RenderError, match=r"hold-x: cue at 0.0 s: 'a very long cue indeed'"):
        render_segment(seg, ToneVoice())


def test_the_last_cue_must_end_within_the_clip():
    seg = Segment("short", "hold", 0.2, (Cue(0.0, "one two three four", "say"),))
    with pytest.raises(RenderError, match="short"):
        render_segment(seg, ToneVoice())


def test_cues_out_of_order_or_of_unknown_kind_are_errors():
    backwards = Segment("b", "hold", 3.0, (Cue(1.0, "1", "count"), Cue(0.5, "2", "count")))
    with pytest.raises(RenderError, match="time order"):
        render_segment(backwards, ToneVoice())
    odd = Segment("o", "hold", 3.0, (Cue(0.0, "1", "shout"),))
    with pytest.raises(RenderError, match="unknown cue kind"):
        render_segment(odd, ToneVoice())


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def test_a_rest_opens_and_closes_with_soft_distinct_tones():
    seg = rest_segment(6, WORDS)
    x = levels(render_segment(seg, ToneVoice()))
    rate = 24000
    first = x[: round(0.2 * rate)]
    last = x[round(6.0 * rate) : round(6.2 * rate)]
    assert first.any() and last.any()
    assert dominant_hz(first, rate) == pytest.approx(RENDER.start_tone.freq_hz, abs=10)
    assert dominant_hz(last, rate) == pytest.approx(RENDER.end_tone.freq_hz, abs=10)
    peak_dbfs = 20 * np.log10(np.abs(np.concatenate([first, last])).max() / 32768)
    assert peak_dbfs <= RENDER.start_tone.gain_dbfs + 0.1, "tones sit under the speech"
    assert first[:24].std() < first[2400:2424].std(), "the tone fades in"
