"""The audio build with a synthetic voice: incremental, manifest, Alexa's MP3 format, onsets,
and a hands-free track's set starts.

The same checks run with the real Piper voice in tests/integration/test_audio_build.py; here
a deterministic test voice keeps them fast and free of any speech model.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil

import pytest
from mutagen.mp3 import MP3

from backcoach.audio.build.builder import _texts, build, clip_file_name
from backcoach.audio.build.cli import add_arguments
from backcoach.audio.build.lanes import deal
from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import check_mp3, decode_mp3
from backcoach.audio.build.render import WordBank, render_segment
from backcoach.audio.build.track import Track, render_track, sentence_lengths, track_id
from backcoach.audio.build.voices import Voice
from backcoach.audio.catalog import AudioCatalog
from backcoach.audio.manifest import MANIFEST_NAME, read_manifest
from backcoach.skill.domain import track_script
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import Segment
from tests.synthetic_voice import SyntheticVoice, small_plan

ONSET_TOLERANCE_S = 0.020
ONSET_THRESHOLD_DBFS = -60.0


class NoSpeech:
    """A voice with another voice's id that fails if anything asks it to speak."""

    def __init__(self, voice_id: str):
        self.id = voice_id

    def synthesize(self, text: str):
        raise AssertionError(f"nothing should be rendered, but {text!r} was asked for")


@pytest.fixture(scope="module")
def voice() -> SyntheticVoice:
    return SyntheticVoice()


@pytest.fixture(scope="module")
def segments(routine, phrases) -> tuple[Segment, ...]:
    return small_plan(routine, phrases)


@pytest.fixture(scope="module")
def built(tmp_path_factory, voice, segments):
    """The small plan built once into a fresh cache: (cache_dir, report)."""
    cache = tmp_path_factory.mktemp("audio-cache")
    report = build(None, None, cache, voice, progress=False, segments=segments)
    return cache, report


def test_the_synthetic_voice_is_a_deterministic_voice():
    voice = SyntheticVoice()
    assert isinstance(voice, Voice)
    one, again = voice.synthesize("and relax"), SyntheticVoice().synthesize("and relax")
    assert one.raw_data == again.raw_data
    assert len(voice.synthesize("seventeen")) > len(voice.synthesize("six"))


def test_first_build_renders_every_clip_once(built, segments, voice):
    _, report = built
    assert report.rendered == tuple(s.clip_id for s in segments)
    assert report.reused == () and report.removed == ()
    assert report.total_audio_s == pytest.approx(sum(s.duration_s for s in segments), abs=0.5)
    assert len(voice.calls) == len(set(voice.calls)), "each word is synthesized once per build"


def test_every_clip_is_in_alexas_mp3_format(built, segments):
    cache, _ = built
    files = sorted(cache.glob("*.mp3"))
    assert len(files) == len(segments)
    for path in files:
        assert check_mp3(path) == [], path.name
        info = MP3(str(path)).info
        assert (info.version, info.layer, info.bitrate) == (2, 3, 48000)
        assert (info.sample_rate, info.channels) == (24000, 1)


def test_manifest_lists_every_clip(built, segments, voice):
    cache, _ = built
    manifest = read_manifest(cache)
    assert set(manifest) == {s.clip_id for s in segments}
    for seg in segments:
        entry = manifest[seg.clip_id]
        assert re.fullmatch(rf"{re.escape(seg.clip_id)}-[0-9a-f]{{12}}\.mp3", entry.file)
        assert entry.file == clip_file_name(seg, voice.id)
        assert (cache / entry.file).is_file()
        assert entry.kind == seg.kind
        assert entry.onsets_s == seg.onsets_s
        # Measured from the file: the plan plus the codec delay and the last frame's padding.
        assert seg.duration_s < entry.duration_s <= seg.duration_s + 0.1
    assert manifest[segments[0].clip_id].onsets_s == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [MANIFEST_NAME, *(e.file for e in manifest.values())]
    )


def test_count_onsets_measured_in_the_decoded_mp3_match_the_plan(built, segments):
    cache, _ = built
    manifest = read_manifest(cache)
    errors: list[str] = []
    checked = 0
    for seg in segments:
        samples, rate = decode_mp3(cache / manifest[seg.clip_id].file)
        measured = onsets_s(samples, rate, threshold_dbfs=ONSET_THRESHOLD_DBFS)
        for at in (*seg.onsets_s, *(c.at_s for c in seg.cues)):
            error = min((m - at for m in measured), key=abs)
            checked += 1
            if abs(error) > ONSET_TOLERANCE_S:
                errors.append(f"{seg.clip_id}: onset at {at} s heard {error * 1000:+.0f} ms off")
    assert not errors, "\n".join(errors)
    assert checked >= 5 + 3 + 2 * 3, "every count of the plan was checked"


def test_second_build_renders_nothing_and_changes_no_file(built, segments, voice):
    cache, _ = built
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.iterdir()}
    report = build(None, None, cache, NoSpeech(voice.id), progress=False, segments=segments)
    assert report.rendered == ()
    assert report.reused == tuple(s.clip_id for s in segments)
    assert report.removed == ()
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.iterdir()}
    assert after.keys() == before.keys()
    assert all(after[n][1] == before[n][1] for n in before)
    assert all(after[n][0] == before[n][0] for n in before if n != MANIFEST_NAME)


def test_changing_one_cue_rerenders_only_that_clip(built, segments, voice, tmp_path):
    cache, _ = built
    work = tmp_path / "cache"
    shutil.copytree(cache, work)
    hold = segments[0]
    cues = tuple(
        dataclasses.replace(c, text="5, and rest") if c.text == "5, and relax" else c
        for c in hold.cues
    )
    assert cues != hold.cues
    changed = (dataclasses.replace(hold, cues=cues), *segments[1:])
    old_file = read_manifest(work)[hold.clip_id].file
    report = build(None, None, work, voice, progress=False, segments=changed)
    assert report.rendered == (hold.clip_id,)
    assert report.removed == (old_file,)
    assert check_mp3(work / read_manifest(work)[hold.clip_id].file) == []


def test_a_build_of_fewer_clips_removes_the_old_files(built, segments, voice, tmp_path):
    cache, _ = built
    work = tmp_path / "cache"
    shutil.copytree(cache, work)
    (work / "notes.txt").write_text("not ours")
    report = build(None, None, work, NoSpeech(voice.id), progress=False, segments=segments[:1])
    assert len(report.removed) == len(segments) - 1
    assert sorted(p.name for p in work.iterdir()) == sorted(
        [MANIFEST_NAME, "notes.txt", read_manifest(work)[segments[0].clip_id].file]
    )


def test_no_speech_engine_can_be_imported_in_unit_tests():
    for name in ("piper", "gtts"):
        with pytest.raises(ImportError):
            __import__(name)


@pytest.fixture(scope="module")
def plank_track(routine, phrases):
    """The beginner plank's hands-free track: steps, lead-in, three holds and two rests."""
    coach = Coach(routine, phrases)
    index = routine.index_of("plank")
    return Track(track_id("plank", 0), track_script.track(coach.phrasing, coach.words, index, 0))


def test_a_track_starts_with_the_lead_in_and_rests_name_the_next_hold(plank_track):
    clips = [i.clip_id for i in plank_track.items if isinstance(i, Segment)]
    assert clips == [
        "lead-in-long",  # after the steps
        "hold-5s",
        "rest-20s-hold-2of3",
        "hold-5s",
        "rest-20s-hold-3of3",
        "hold-5s",
    ]
    assert not any(isinstance(i, float) for i in plank_track.items), "no silent pause left"


def test_a_built_track_records_its_set_starts_where_they_are_heard(plank_track, voice, tmp_path):
    report = build(None, None, tmp_path, voice, progress=False, segments=[plank_track])
    assert report.rendered == (plank_track.clip_id,)
    entry = read_manifest(tmp_path)[plank_track.clip_id]
    bank = WordBank(voice)
    layout = plank_track.layout(sentence_lengths(plank_track, bank))
    lead_in_at = next(t for t, i in layout if isinstance(i, Segment) and i.kind == "lead_in")
    holds_at = [t for t, i in layout if isinstance(i, Segment) and i.kind == "hold"]
    assert entry.sets_s == (lead_in_at, *holds_at[1:]) and len(entry.sets_s) == 3
    assert AudioCatalog.load(tmp_path).set_starts_s(plank_track.clip_id) == entry.sets_s
    assert entry.onsets_s[0] == holds_at[0] + 1.0, "the first onset is still count 1 of hold 1"
    samples, rate = decode_mp3(tmp_path / entry.file)
    measured = onsets_s(samples, rate, threshold_dbfs=ONSET_THRESHOLD_DBFS)
    for at in (*entry.sets_s, *entry.onsets_s):
        error = min((m - at for m in measured), key=abs)
        assert abs(error) <= ONSET_TOLERANCE_S, f"{at} s heard {error * 1000:+.0f} ms off"
    again = build(None, None, tmp_path, NoSpeech(voice.id), progress=False, segments=[plank_track])
    assert again.rendered == () and read_manifest(tmp_path)[plank_track.clip_id] == entry


def test_texts_are_dealt_into_runs_in_their_first_order():
    texts = ["Hold", "one", "two", "Switch sides. Rest", "and relax", "one", "seventeen", "Rep 2"]
    lanes = deal(texts, lanes=3)
    assert [t for lane in lanes for t in lane] == list(dict.fromkeys(texts)), "each text once"
    assert len(lanes) == 3 and all(lanes)
    letters = [sum(map(len, lane)) for lane in lanes]
    assert max(letters) - min(letters) <= max(map(len, texts)), "runs of similar length"
    assert deal(["only"], lanes=8) == [["only"]], "no empty lanes"


def test_the_build_is_the_same_byte_for_byte_whatever_the_number_of_jobs(segments, tmp_path):
    reports = {}
    for jobs in (1, 3):
        voice = SyntheticVoice()
        reports[jobs] = build(
            None, None, tmp_path / str(jobs), voice, progress=False, segments=segments, jobs=jobs
        )
        assert len(voice.calls) == len(set(voice.calls)), "each phrase spoken once, even in lanes"
    assert reports[1].rendered == reports[3].rendered == tuple(s.clip_id for s in segments)
    one, three = (sorted((tmp_path / str(j)).iterdir()) for j in (1, 3))
    assert [p.name for p in one] == [p.name for p in three]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, three, strict=True))


def test_every_phrase_is_spoken_before_the_clips_are_rendered(segments, plank_track):
    voice = SyntheticVoice()
    bank = WordBank(voice)
    clips = [*segments, plank_track]
    bank.speak([t for c in clips for t in _texts(c)], speakers=2)
    spoken = list(voice.calls)
    for clip in segments:
        render_segment(clip, bank)
    render_track(plank_track, bank)
    assert voice.calls == spoken, "rendering asked the voice for a phrase the plan missed"


def test_a_build_needs_at_least_one_job(segments, tmp_path):
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        build(None, None, tmp_path, SyntheticVoice(), progress=False, segments=segments, jobs=0)


def test_the_build_command_refuses_a_jobs_count_below_one(capsys):
    parser = argparse.ArgumentParser(prog="backcoach audio build")
    add_arguments(parser)
    assert parser.parse_args(["--jobs", "3"]).jobs == 3
    for bad in ("0", "-2", "two"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--jobs", bad])
        assert "--jobs: must be a whole number of at least 1" in capsys.readouterr().err
