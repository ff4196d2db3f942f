"""A block of sets cut short by the next request is played again and never counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backcoach.skill.domain import navigation
from backcoach.skill.domain.interruptions import TIMESTAMP_SLACK_S, arrive
from backcoach.skill.domain.state import Phase, Profile, State

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def played(coach, exercise_id: str, levels: dict | None = None) -> State:
    """A state that has just been sent the first block of an exercise, at T0."""
    s = State(Profile(disclaimer_heard=True, levels=levels or {}))
    s.arrived = T0
    navigation.start_exercise(coach, s, exercise_id)  # the intro, then the lead-in and sets
    return s


def next_request(s: State, after_s: float) -> None:
    s.arrived = T0 + timedelta(seconds=after_s)
    arrive(s)


def test_a_block_heard_to_its_end_stands(coach):
    s = played(coach, "plank", {"plank": 2})
    unit, audio_s = s.place.unit, s.place.played_s
    next_request(s, audio_s - TIMESTAMP_SLACK_S)  # whole-second timestamps: still heard
    assert s.place.unit == unit and not s.place.interrupted and not s.place.played_at


def test_a_block_cut_short_goes_back_to_its_first_set(coach):
    s = played(coach, "plank", {"plank": 2})
    next_request(s, 20)
    assert s.place.unit == 0 and s.place.interrupted and s.place.phase == Phase.INTRO
    replay = navigation.ready(coach, s)
    assert replay.segments and not s.place.interrupted


def test_a_finished_exercise_cut_short_is_taken_back(coach):
    s = played(coach, "butt_lifter", {"butt_lifter": 99})  # at its target: the run counts
    assert s.place.phase == Phase.EXERCISE_DONE and "butt_lifter" in s.place.done
    assert s.profile.clean.get("butt_lifter") == 1
    next_request(s, 5)
    assert s.place.phase == Phase.INTRO and s.place.done == []
    assert "butt_lifter" not in s.profile.clean and "butt_lifter" not in s.profile.clean_on
    assert s.profile.history.latest["done"] == []
    assert not s.profile.history.ever_done("butt_lifter")


def test_without_timestamps_nothing_is_taken_back(coach):
    s = State(Profile(disclaimer_heard=True))
    navigation.start_exercise(coach, s, "butt_lifter")  # no timestamp known
    arrive(s)
    assert "butt_lifter" in s.place.done


def test_a_block_cut_short_redoes_from_the_set_cut_never_one_already_done(coach):
    s = played(coach, "plank", {"plank": 2})  # holds 1 and 2 of 4 in this block
    first_end, _ = s.place.set_ends_s
    assert first_end + 1 < s.place.played_s
    next_request(s, first_end)  # hold 1 surely over (speech counted slow); hold 2 not
    assert s.place.unit == 1 and s.place.interrupted and s.place.phase == Phase.BETWEEN
    again = navigation.ready(coach, s)
    assert "pick up at set 2 of 4" in again.text
    assert [seg.clip_id for seg in again.segments][:2] == ["lead-in", "hold-15s"]


def test_a_set_is_heard_only_once_it_surely_ended(coach):
    s = played(coach, "plank", {"plank": 2})
    next_request(s, s.place.set_ends_s[0] - TIMESTAMP_SLACK_S - 0.5)  # at hold 1's last count
    assert s.place.unit == 0


def test_cut_on_the_second_side_redoes_that_side_only(coach):
    s = played(coach, "butt_lifter")  # right, switch, left in one block
    right_end, left_end = s.place.set_ends_s
    next_request(s, right_end + 5)
    assert s.place.unit == 1 and "butt_lifter" not in s.place.done
    again = navigation.ready(coach, s)
    assert "pick up at the left leg" in again.text
    assert [seg.clip_id for seg in again.segments] == ["lead-in", "reps-butt_lifter-5-left"]
