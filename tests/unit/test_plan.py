"""The timed plan: exact count onsets, cues that can be followed by ear, Alexa's limits."""

from __future__ import annotations

import pytest

from backcoach.skill.domain.alexa_limits import MAX_AUDIO_S, MAX_AUDIO_TAGS
from backcoach.skill.domain.plan import (
    LEAD_IN_ID,
    LEAD_IN_S,
    Upcoming,
    all_segments,
    block,
    hold_segment,
    lead_in_segment,
    reps_segment,
    rest_before,
    rest_segment,
    units,
)


@pytest.fixture(scope="module")
def words(phrases):
    return phrases.cue_words


def said(seg):
    """What the clip says, in order (tones left out)."""
    return [c.text for c in seg.cues if c.text]


@pytest.mark.parametrize("hold_s", [1, 3, 5, 17, 30])
def test_hold_counts_land_k_seconds_after_the_hold_cue(words, hold_s):
    seg = hold_segment(hold_s, words)
    assert seg.cues[0].text == words.hold and seg.cues[0].at_s == 0
    assert seg.onsets_s == tuple(float(k) for k in range(1, hold_s + 1))
    # The last count carries the release: "Hold" to "and relax" is exactly the hold.
    assert said(seg)[1:] == [*(str(k) for k in range(1, hold_s)), f"{hold_s}, and relax"]
    assert seg.cues[-1].at_s - seg.cues[0].at_s == hold_s
    assert seg.duration_s > seg.cues[-1].at_s + 1.5


def test_rest_names_the_hold_that_comes_next_then_counts_down(words):
    seg = rest_segment(20, words, upcoming=Upcoming(2, 3, holds=True))
    assert seg.clip_id == "rest-20s-hold-2of3"
    assert said(seg) == ["Rest", "Next: hold 2 of 3.", "3", "2", "1"]
    counts = [(c.at_s, c.text) for c in seg.cues if c.kind == "count"]
    assert counts == [(17.0, "3"), (18.0, "2"), (19.0, "1")]
    assert [c.kind for c in seg.cues].count("tone") == 2
    assert [c.at_s for c in seg.cues if c.text.startswith("Next")] == [14.0]


def test_rest_names_the_set_and_side_that_come_next(words):
    both = rest_segment(10, words, True, Upcoming(2, 3, "left"))
    assert both.clip_id == "switch-10s-set-2of3-left"
    assert said(both)[:2] == ["Switch sides. Rest", "Next: set 2 of 3, left side."]
    side = rest_segment(10, words, True, Upcoming(1, 1, "left"))
    assert side.clip_id == "switch-10s-left" and said(side)[1] == "Next: left side."
    sets = rest_segment(15, words, upcoming=Upcoming(3, 4))
    assert sets.clip_id == "rest-15s-set-3of4" and said(sets)[1] == "Next: set 3 of 4."


def test_a_short_rest_says_rest_and_next_in_one_breath(words):
    seg = rest_segment(6, words, upcoming=Upcoming(2, 3, holds=True))
    assert said(seg) == ["Rest Next: hold 2 of 3.", "3", "2", "1"]
    assert [c.at_s for c in seg.cues] == sorted(c.at_s for c in seg.cues)


def test_lead_in_gets_into_position_then_counts_down(words):
    seg = lead_in_segment(words)
    assert seg.clip_id == LEAD_IN_ID and seg.kind == "lead_in" and not seg.is_set
    assert said(seg) == ["Get into position.", "3", "2", "1"]
    assert [c.at_s for c in seg.cues if c.text.isdigit()] == [LEAD_IN_S - 3, LEAD_IN_S - 2, 7.0]
    assert seg.onsets_s == (), "a track's first onset stays its first hold count"
    assert 5 <= seg.duration_s <= 10


def test_reps_are_announced_with_their_side_on_every_rep(routine, words):
    seg = reps_segment(routine.get("butt_lifter"), 5, 0, "right", words)
    labels = [t for t in said(seg) if t.startswith(("Rep", "Last"))]
    assert labels == ["Rep 1, right", "Rep 2, right", "Rep 3, right", "Rep 4, right"] + [
        "Last rep, right"
    ]
    assert seg.clip_id == "reps-butt_lifter-5-right"
    assert {"Knee in", "Extend"} <= set(said(seg))
    assert seg.onsets_s == ()


def test_pelvic_extension_rep_numbers_and_hold_counts_differ(routine, words):
    seg = reps_segment(routine.get("pelvic_extension"), 3, 4, "", words)
    assert said(seg)[:7] == ["Rep 1", "Lift", "Hold", "1", "2", "3", "4, Lower slowly"]
    assert said(seg)[7] == "Rep 2" and said(seg)[-7] == "Last rep"
    assert [c.text for c in seg.cues if c.kind == "count"] == ["1", "2", "3", "4, Lower slowly"] * 3
    # "holding each for 4 seconds": from "Hold" to "Lower slowly" is 4 s, count k k s in.
    for i, cue in enumerate(seg.cues):
        if cue.text == "Hold":
            counts = seg.cues[i + 1 : i + 5]
            assert [round(c.at_s - cue.at_s, 3) for c in counts] == [1, 2, 3, 4]
            assert counts[-1].text.endswith("Lower slowly")


def test_steamroller_says_both_knees_on_every_rep_at_a_steady_tempo(routine, words):
    seg = reps_segment(routine.get("steamroller"), 10, 0, "", words)
    times = [c.at_s for c in seg.cues]
    steps = {round(b - a, 3) for a, b in zip(times[1:], times[2:], strict=False)}
    assert steps == {1.5}
    assert said(seg)[:4] == ["1, Right knee", "Left knee", "2, Right knee", "Left knee"]
    assert said(seg)[-2:] == ["Last rep, Right knee", "Left knee"]
    assert said(seg).count("Left knee") == 10


def test_every_block_at_every_level_fits_one_response(routine, words):
    for exercise in routine.exercises:
        for level in range(len(exercise.dose.levels)):
            n = len(units(exercise, level))
            for first in range(n):
                for lead_in in (False, True):
                    b = block(exercise, level, first, words, lead_in=lead_in)
                    assert b.end_unit > first
                    assert len(b.segments) <= MAX_AUDIO_TAGS
                    assert b.duration_s <= MAX_AUDIO_S, (exercise.id, level, b.duration_s)


def test_lead_in_comes_first_when_asked(routine, words):
    plain = block(routine.get("butt_lifter"), 0, 0, words)
    led = block(routine.get("butt_lifter"), 0, 0, words, lead_in=True)
    assert led.segments == (lead_in_segment(words), *plain.segments)
    assert led.end_unit == plain.end_unit
    # A lead-in takes one of the five clips: the third plank hold waits for the next turn.
    plank = block(routine.get("plank"), 0, 0, words, lead_in=True)
    assert [s.clip_id for s in plank.segments] == [
        "lead-in",
        "hold-5s",
        "rest-20s-hold-2of3",
        "hold-5s",
    ]


def test_sides_switch_between_legs_and_rests_name_what_follows(routine, words):
    b = block(routine.get("lifting_lunge"), 0, 0, words)
    assert [s.clip_id for s in b.segments] == [
        "reps-lifting_lunge-4-right",
        "switch-10s-left",
        "reps-lifting_lunge-4-left",
    ]
    plank = block(routine.get("plank"), 2, 0, words)
    rests = [s.clip_id for s in plank.segments if s.kind == "rest"]
    assert rests == ["rest-20s-hold-2of4", "rest-20s-hold-3of4"]
    assert rest_before(routine.get("plank"), 2, 3, words).clip_id == "rest-20s-hold-4of4"


def test_all_segments_cover_every_level_and_every_start(routine, words):
    clips = all_segments(routine, words)
    for hold_s in {lv.hold_s for lv in routine.get("plank").dose.levels}:
        assert f"hold-{hold_s}s" in clips
    for lv in routine.get("steamroller").dose.levels:
        assert f"reps-steamroller-{lv.reps}-both" in clips
    for sets in {lv.sets for lv in routine.get("plank").dose.levels}:
        assert {f"rest-20s-hold-{n}of{sets}" for n in range(2, sets + 1)} <= clips.keys()
    assert LEAD_IN_ID in clips
    assert all(seg.duration_s <= MAX_AUDIO_S for seg in clips.values())
    assert len(clips) < 60, "a small, finite set of clips for the build"
