"""The timed plan: exact count onsets, and every block inside Alexa's limits."""

from __future__ import annotations

import pytest

from backcoach.skill.domain.alexa_limits import MAX_AUDIO_S, MAX_AUDIO_TAGS
from backcoach.skill.domain.plan import (
    HOLD_LEAD_S,
    all_segments,
    block,
    hold_segment,
    reps_segment,
    rest_segment,
    units,
)


@pytest.fixture(scope="module")
def words(phrases):
    return phrases.cue_words


@pytest.mark.parametrize("hold_s", [3, 5, 17, 30])
def test_hold_counts_land_k_seconds_after_the_hold_starts(words, hold_s):
    seg = hold_segment(hold_s, words)
    assert seg.cues[0].text == words.hold and seg.cues[0].at_s == 0
    assert seg.onsets_s == tuple(HOLD_LEAD_S + k for k in range(1, hold_s + 1))
    assert [c.text for c in seg.cues if c.kind == "count"] == [str(k) for k in range(1, hold_s + 1)]
    assert seg.cues[-1].text == words.relax
    assert seg.duration_s > seg.cues[-1].at_s


def test_rest_counts_down_the_last_three_seconds(words):
    seg = rest_segment(20, words)
    counts = [(c.at_s, c.text) for c in seg.cues if c.kind == "count"]
    assert counts == [(17.0, "3"), (18.0, "2"), (19.0, "1")]
    assert [c.kind for c in seg.cues].count("tone") == 2
    switch = rest_segment(10, words, switch_sides=True)
    assert words.switch_sides in switch.cues[1].text and switch.clip_id == "switch-10s"


def test_reps_say_numbers_and_last_one(routine, words):
    seg = reps_segment(routine.get("butt_lifter"), 5, 0, "right", words)
    labels = [c.text for c in seg.cues if c.text in {"1", "2", "3", "4", words.last_one}]
    assert labels == ["1", "2", "3", "4", words.last_one]
    assert seg.clip_id == "reps-butt_lifter-5-right"
    cue_words = {c.text for c in seg.cues}
    assert {"Knee in", "Extend"} <= cue_words


def test_pelvic_extension_reps_hold_with_counts(routine, words):
    seg = reps_segment(routine.get("pelvic_extension"), 3, 4, "", words)
    assert [c.text for c in seg.cues if c.kind == "count"] == ["1", "2", "3", "4"] * 3
    assert "Lower slowly" in {c.text for c in seg.cues}


def test_steamroller_alternates_at_a_steady_tempo(routine, words):
    seg = reps_segment(routine.get("steamroller"), 10, 0, "", words)
    times = [c.at_s for c in seg.cues]
    steps = {round(b - a, 3) for a, b in zip(times[2:], times[3:], strict=False)}
    assert steps == {1.5}
    assert seg.cues[0].text == "Right knee" and seg.cues[1].text == "Left knee"


def test_every_block_at_every_level_fits_one_response(routine, words):
    for exercise in routine.exercises:
        for level in range(len(exercise.dose.levels)):
            start, n = 0, len(units(exercise, level))
            while start < n:
                b = block(exercise, level, start, words)
                assert b.end_unit > start
                assert len(b.segments) <= MAX_AUDIO_TAGS
                assert b.duration_s <= MAX_AUDIO_S, (exercise.id, level, b.duration_s)
                start = b.end_unit


def test_sides_switch_between_legs(routine, words):
    b = block(routine.get("lifting_lunge"), 0, 0, words)
    assert [s.clip_id for s in b.segments] == [
        "reps-lifting_lunge-4-right",
        "switch-10s",
        "reps-lifting_lunge-4-left",
    ]


def test_all_segments_cover_every_level(routine, words):
    clips = all_segments(routine, words)
    for hold_s in {lv.hold_s for lv in routine.get("plank").dose.levels}:
        assert f"hold-{hold_s}s" in clips
    for lv in routine.get("steamroller").dose.levels:
        assert f"reps-steamroller-{lv.reps}-both" in clips
    assert all(seg.duration_s <= MAX_AUDIO_S for seg in clips.values())
