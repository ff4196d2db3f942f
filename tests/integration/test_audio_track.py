"""Hands-free tracks and the practice render: whole exercises as single streams."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import (
    check_mp3,
    check_stream_mp3,
    decode_mp3,
    encode_mp3,
    encode_track,
    mp3_length_s,
)
from backcoach.audio.build.track import MAX_TRACK_S, track_id
from backcoach.audio.catalog import AudioCatalog
from backcoach.skill.domain.track_script import track

ONSET_TOLERANCE_S = 0.020


def test_every_exercise_has_a_track_at_every_level(audio_dir, routine):
    catalog = AudioCatalog.load(audio_dir)
    for exercise in routine.exercises:
        for level in range(len(exercise.dose.levels)):
            full = catalog.clip(track_id(exercise.id, level))
            brief = catalog.clip(track_id(exercise.id, level, brief=True))
            for entry in (full, brief):
                assert entry is not None and entry.kind == "track"
                assert not check_stream_mp3(audio_dir / entry.file, MAX_TRACK_S)
            # The same sets, sooner: the brief track skips the steps, not the work.
            assert len(brief.sets_s) == len(full.sets_s) and brief.sets_s[0] < full.sets_s[0]
            assert brief.duration_s < full.duration_s


@pytest.mark.parametrize("brief", [False, True])
def test_track_counts_and_set_starts_land_where_the_manifest_says(audio_dir, brief):
    catalog = AudioCatalog.load(audio_dir)
    entry = catalog.clip(track_id("plank", 0, brief))
    samples, rate = decode_mp3(audio_dir / entry.file)
    measured = onsets_s(samples, rate, threshold_dbfs=-60.0)
    assert len(entry.onsets_s) == 3 * 5 + 2 * 3  # three 5 s holds, two rests counted down
    # The first set starts at its lead-in, 16.1 s (the long lead-in after the steps, and a
    # gap) before its hold; 9.1 s in the brief track (no steps: the usual lead-in).
    sets = catalog.set_starts_s(track_id("plank", 0, brief))
    lead_in_s = 9.1 if brief else 16.1
    assert len(sets) == 3 and entry.onsets_s[0] - 1.0 - sets[0] == pytest.approx(lead_in_s)
    worst = 0.0
    for planned in (*entry.onsets_s, *sets):
        error = min((m - planned for m in measured), key=abs)
        assert abs(error) <= ONSET_TOLERANCE_S, f"onset at {planned} s is off by {error:.3f} s"
        worst = max(worst, abs(error))
    print(f"worst track onset error: {worst * 1000:.1f} ms")


def test_track_reads_steps_then_sets_then_names_what_comes_next(coach):
    items = track(coach.phrasing, coach.words, 2, 0)
    assert items[0] == "Exercise 3 of 5: the butt lifter."
    assert any("parallel with the floor" in i for i in items if isinstance(i, str))
    clips = [i.clip_id for i in items if hasattr(i, "clip_id")]
    assert clips == [
        "lead-in-long",
        "reps-butt_lifter-5-right",
        "switch-10s-left",
        "reps-butt_lifter-5-left",
    ]
    assert items[items.index("Right leg first.") + 1].clip_id == "lead-in-long"
    assert items[-1] == "Well done. Next up: the lifting lunge."
    assert track(coach.phrasing, coach.words, 4, 0)[-1].startswith("That was the last exercise")


@pytest.mark.slow
def test_render_writes_a_playable_mp3_of_the_whole_routine(tmp_path):
    out = tmp_path / "routine.mp3"
    run = subprocess.run(
        [sys.executable, "-m", "backcoach.skill.cli", "render", "--out", str(out), "--level", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ,
    )
    assert run.returncode == 0, run.stderr
    assert "[2/7] pelvic extension" in run.stderr
    chapters = re.findall(r"^\s+(\d\d):(\d\d\.\d)\s+(.+)$", run.stdout, re.MULTILINE)
    titles = [c[2] for c in chapters]
    assert titles == [
        "Welcome",
        "pelvic extension",
        "plank",
        "butt lifter",
        "lifting lunge",
        "steamroller",
        "The end",
    ]
    starts = [int(m) * 60 + float(s) for m, s, _ in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    length = mp3_length_s(out)
    assert starts[-1] < length < starts[-1] + 60
    samples, rate = decode_mp3(out)
    assert len(samples) / rate > 8 * 60  # the beginner routine is about ten minutes


def test_every_file_of_the_full_build_passes_the_format_check(audio_dir):
    catalog = AudioCatalog.load(audio_dir)
    assert len(catalog.clips) >= 75
    for clip_id, entry in catalog.clips.items():
        path = audio_dir / entry.file
        if entry.kind == "track":
            assert not check_stream_mp3(path, MAX_TRACK_S), clip_id
        else:
            assert not check_mp3(path, 240.0), clip_id


def test_a_variable_rate_track_sounds_no_worse_than_the_48_kbps_clips_at_half_the_bytes(
    coach, tmp_path
):
    # One real track, rendered with the real voice, encoded both ways and decoded: in its
    # speech the track's spectrum and waveform stay at least as close to what was rendered as
    # the CBR clips' do (what people hear in dialog mode), for about half the bytes.
    from backcoach.audio.build.measure import speech_error_db
    from backcoach.audio.build.render import WordBank
    from backcoach.audio.build.track import all_tracks, render_track, track_texts
    from backcoach.audio.build.voices import make_voice

    plan = all_tracks(coach)[track_id("steamroller", 0, brief=True)]
    bank = WordBank(make_voice("piper"))
    bank.speak(track_texts(plan), 1, lambda _text: None)
    audio, _ = render_track(plan, bank)
    source = np.frombuffer(audio.raw_data, dtype=np.int16)
    track = encode_track(audio, tmp_path / "track.mp3")
    clip = encode_mp3(audio, tmp_path / "clip.mp3")
    track_lsd, track_snr = speech_error_db(source, decode_mp3(track)[0], audio.frame_rate)
    clip_lsd, clip_snr = speech_error_db(source, decode_mp3(clip)[0], audio.frame_rate)
    print(f"track: {track_lsd:.2f} dB LSD, {track_snr:.1f} dB SNR, {track.stat().st_size} B")
    print(f"clip:  {clip_lsd:.2f} dB LSD, {clip_snr:.1f} dB SNR, {clip.stat().st_size} B")
    assert track_lsd <= clip_lsd and track_snr >= clip_snr
    assert track.stat().st_size <= 0.6 * clip.stat().st_size
