"""The audio build with the real Piper voice: format, measured onsets, manifest, incremental."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from backcoach.audio.build.builder import build
from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import CODEC_DELAY_SAMPLES, check_mp3, decode_mp3
from backcoach.audio.build.render import RENDER, WordBank
from backcoach.audio.build.voices import PiperEngine
from backcoach.audio.manifest import read_manifest
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.plan import Segment
from backcoach.skill.domain.routine import load_routine
from tests.synthetic_voice import small_plan

pytestmark = pytest.mark.slow
"""Every test here loads the Piper voice and renders with it."""

ONSET_TOLERANCE_S = 0.020
ONSET_THRESHOLD_DBFS = -60.0
"""Detector threshold: above the MP3's silence, at the level where words are trimmed."""


@pytest.fixture(scope="session")
def piper() -> PiperEngine:
    """The default voice, loaded once for the session."""
    return PiperEngine()


@pytest.fixture(scope="session")
def segments() -> tuple[Segment, ...]:
    return small_plan(load_routine(), load_phrases("en-US"))


@pytest.fixture(scope="session")
def built(tmp_path_factory, piper, segments):
    """The small plan built once into a fresh cache: (cache_dir, report)."""
    cache = tmp_path_factory.mktemp("audio-cache")
    report = build(None, None, cache, piper, progress=False, segments=segments)
    return cache, report


def test_first_build_renders_every_clip(built, segments):
    cache, report = built
    ids = tuple(s.clip_id for s in segments)
    assert report.rendered == ids
    assert report.reused == ()
    assert report.clip_count == 5
    assert report.total_audio_s == pytest.approx(sum(s.duration_s for s in segments), abs=0.5)
    assert "5 clips" in report.summary() and "5 rendered" in report.summary()


def test_every_clip_passes_the_format_check(built):
    cache, _ = built
    files = sorted(cache.glob("*.mp3"))
    assert len(files) == 5
    for path in files:
        assert check_mp3(path) == [], path.name
        info = MP3(str(path)).info
        assert (info.version, info.layer, info.bitrate) == (2, 3, 48000)
        assert (info.sample_rate, info.channels) == (24000, 1)
        data = path.read_bytes()
        assert data[:2] == b"\xff\xf3", "starts with an MPEG-2 layer III frame, no ID3 tag"
        assert b"Xing" not in data[:200] and b"Info" not in data[:200]
        assert len(data) % 144 == 0, "every 48 kbps frame at 24 kHz is 144 bytes"


def test_count_onsets_measured_in_the_mp3_match_the_plan(built, segments):
    cache, _ = built
    manifest = read_manifest(cache)
    worst_s = 0.0
    checked = 0
    for seg in segments:
        samples, rate = decode_mp3(cache / manifest[seg.clip_id].file)
        measured = onsets_s(samples, rate, threshold_dbfs=ONSET_THRESHOLD_DBFS)
        assert len(measured) >= len(seg.cues), seg.clip_id
        for planned in seg.onsets_s:
            error = min((m - planned for m in measured), key=abs)
            assert abs(error) <= ONSET_TOLERANCE_S, f"{seg.clip_id}: count at {planned} s"
            worst_s = max(worst_s, abs(error))
            checked += 1
        # Every cue (counts and words) starts where the plan says, too.
        for cue in seg.cues:
            assert min(abs(m - cue.at_s) for m in measured) <= ONSET_TOLERANCE_S, cue
    assert checked == 5 + 3 + 2 * 3
    print(f"worst count onset error: {worst_s * 1000:.1f} ms over {checked} counts")


def test_onset_check_would_catch_a_shift(built, segments):
    # Without removing the codec delay every count is 46 ms late: the check above would fail.
    cache, _ = built
    hold = segments[0]
    path = cache / read_manifest(cache)[hold.clip_id].file
    samples, rate = decode_mp3(path)
    raw, _ = decode_mp3(path, strip_codec_delay=False)
    # (From 0.5 s on: at the very start, pre-echo before "Hold" is cut off with the delay.)
    on_time = [t for t in onsets_s(samples, rate, threshold_dbfs=ONSET_THRESHOLD_DBFS) if t > 0.5]
    late = [t for t in onsets_s(raw, rate, threshold_dbfs=ONSET_THRESHOLD_DBFS) if t > 0.5]
    delay_s = CODEC_DELAY_SAMPLES / rate
    assert len(on_time) >= len(hold.onsets_s)
    for planned in hold.onsets_s:
        heard_late = min(late, key=lambda m: abs(m - planned - delay_s))
        assert abs(heard_late - planned - delay_s) <= ONSET_TOLERANCE_S  # there, 46 ms late
        assert abs(heard_late - planned) > ONSET_TOLERANCE_S  # so the plain check would fail


def test_second_build_never_loads_the_model(built, segments):
    """Incremental builds are tested with a synthetic voice (tests/unit); here: Piper's model,
    the slow part, is not even loaded when nothing has to be rendered."""
    cache, _ = built
    fresh = PiperEngine()
    report = build(None, None, cache, fresh, progress=False, segments=segments)
    assert report.rendered == () and not fresh.loaded


def test_spoken_words_are_evened_out_in_loudness(piper):
    bank = WordBank(piper)
    for text in ("one", "seventeen", "Hold", "Switch sides. Rest", "and relax"):
        word = bank.word(text)
        assert word.dBFS == pytest.approx(RENDER.speech_dbfs, abs=1.5) or (
            word.max_dBFS == pytest.approx(RENDER.speech_peak_max_dbfs, abs=0.1)
        ), text
        assert word.max_dBFS <= RENDER.speech_peak_max_dbfs + 0.1
        assert word.frame_rate == 24000 and word.channels == 1


def test_piper_builds_the_same_bytes_twice_and_with_any_number_of_jobs(segments, tmp_path):
    """Each lane of phrases has a fresh Piper session, so its noise does not depend on threads;
    the session's seed is ours, so it does not depend on the process either ("d" runs in one of
    its own: unseeded, onnxruntime seeds its noise from the clock at process start)."""
    dirs = {}
    for run, jobs in (("a", 2), ("b", 2), ("c", 1)):
        dirs[run] = tmp_path / run
        build(None, None, dirs[run], PiperEngine(), progress=False, segments=segments, jobs=jobs)
    dirs["d"] = tmp_path / "d"
    root = Path(__file__).parents[2]  # where `tests` imports from
    subprocess.run([sys.executable, "-c", _BUILD_SMALL_PLAN, str(dirs["d"])], check=True, cwd=root)
    files = {run: sorted(d.iterdir()) for run, d in dirs.items()}
    assert len(files["a"]) == len(segments) + 1
    for run in ("b", "c", "d"):
        assert [p.name for p in files[run]] == [p.name for p in files["a"]]
        for mine, first in zip(files[run], files["a"], strict=True):
            assert mine.read_bytes() == first.read_bytes(), f"{run}: {mine.name} differs"


_BUILD_SMALL_PLAN = """
import sys
from backcoach.audio.build.builder import build
from backcoach.audio.build.voices import PiperEngine
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests.synthetic_voice import small_plan

segments = small_plan(load_routine(), load_phrases("en-US"))
build(None, None, sys.argv[1], PiperEngine(), progress=False, segments=segments, jobs=2)
"""
"""The test's small plan, built by another Python process."""
