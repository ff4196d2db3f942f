"""Hands-free mode's pure logic: tokens, queueing, retries, position."""

from __future__ import annotations

import pytest

from backcoach.skill.domain.alexa_limits import MAX_TOKEN_LENGTH
from backcoach.skill.domain.hands_free import (
    HandsFree,
    Play,
    Stop,
    Stream,
    Token,
    parse_token,
)
from backcoach.skill.domain.state import Profile, State


@pytest.fixture
def hands_free(coach):
    return HandsFree(coach)


def test_tokens_name_routine_exercise_and_level_and_come_back(coach):
    token = Token("back_routine", "plank", 3, "ab12")
    assert str(token) == "bc1:back_routine:plank:3:ab12"
    assert parse_token(str(token), coach) == token


@pytest.mark.parametrize(
    "text",
    [
        None,
        42,
        "",
        "someone-elses-token",
        "bc1:other_routine:plank:0:ab12",
        "bc1:back_routine:burpee:0:ab12",
        "bc1:back_routine:plank:99:ab12",
        "bc1:back_routine:plank:-1:ab12",
        "bc1:back_routine:plank:0:ab:12",
        "bc0:back_routine:plank:0:ab12",
        "bc1:back_routine:plank:0:" + "a" * MAX_TOKEN_LENGTH,
    ],
)
def test_foreign_or_broken_tokens_are_refused(coach, text):
    assert parse_token(text, coach) is None


def test_start_plays_the_first_track_at_the_persons_level(hands_free):
    s, stream = State(Profile(levels={"pelvic_extension": 2})), Stream()
    reply = hands_free.start(s, stream, audio_player=True)
    (play,) = reply.directives
    assert isinstance(play, Play) and play.behavior == "REPLACE_ALL" and play.offset_ms == 0
    assert play.track_id == "track-pelvic_extension-2"
    assert reply.end_session and stream.token == play.token


def test_nearly_finished_enqueues_the_next_track_behind_this_one(hands_free):
    s, stream = State(), Stream()
    first = hands_free.start(s, stream, True).directives[0]
    (queued,) = hands_free.nearly_finished(s, stream, first.token).directives
    assert queued.behavior == "ENQUEUE" and queued.expected_previous == first.token
    assert queued.track_id == "track-plank-0"
    assert queued.token.split(":")[-1] == first.token.split(":")[-1]  # same run


def test_nothing_is_queued_after_the_last_track(hands_free, coach):
    last = str(Token("back_routine", "steamroller", 0, "ab12"))
    assert hands_free.nearly_finished(State(), Stream(), last).directives == ()


def test_finishing_the_last_track_completes_the_routine(hands_free, coach):
    s, stream = State(), Stream()
    for exercise in coach.routine.exercises:
        token = str(Token("back_routine", exercise.id, 0, "run1"))
        hands_free.finished(s, stream, token)
    assert stream.activity == "FINISHED"
    assert s.profile.history[-1]["done"] == [ex.id for ex in coach.routine.exercises]
    assert len(s.profile.history) == 1 and s.profile.stopped == {}


def test_a_failure_is_retried_once_from_its_offset(hands_free):
    stream = Stream()
    token = str(Token("back_routine", "plank", 0, "ab12"))
    (retry,) = hands_free.failed(stream, token, 12_345).directives
    assert retry.token == token and retry.offset_ms == 12_345
    assert hands_free.failed(stream, token, 12_345).directives == ()


def test_pause_then_resume_at_the_same_offset(hands_free):
    stream = Stream()
    token = str(Token("back_routine", "plank", 3, "ab12"))
    hands_free.reported(stream, token, 47_250, "STOPPED")
    assert isinstance(hands_free.pause(stream).directives[0], Stop)
    (play,) = hands_free.resume(stream).directives
    assert (play.token, play.offset_ms, play.track_id) == (token, 47_250, "track-plank-3")


def test_events_about_foreign_streams_change_nothing(hands_free):
    stream = Stream(token="", offset_ms=5)
    hands_free.reported(stream, "not-ours", 99, "PLAYING")
    assert stream == Stream(token="", offset_ms=5)
    assert hands_free.resume(stream).directives == ()
    assert "no hands-free routine" in hands_free.resume(stream).parts[0]


def test_stop_clears_the_queue(hands_free):
    (stop,) = hands_free.stop(Stream()).directives
    assert stop == Stop(clear_queue=True)


def test_moves_stay_within_the_routine(hands_free):
    s = State()
    stream = Stream(token=str(Token("back_routine", "pelvic_extension", 0, "r")))
    assert hands_free.move(s, stream, -1).directives[0].track_id == "track-pelvic_extension-0"
    stream = Stream(token=str(Token("back_routine", "steamroller", 0, "r")))
    assert hands_free.move(s, stream, +1).directives[0].track_id == "track-steamroller-0"
    assert hands_free.move(s, stream, None).directives[0].track_id == "track-pelvic_extension-0"
