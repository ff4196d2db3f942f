"""Hands-free mode's pure logic: tokens, queueing, retries, position."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from backcoach.skill.domain.alexa_limits import MAX_TOKEN_LENGTH
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import (
    LATE_RESUME,
    HandsFree,
    Play,
    Position,
    Stop,
    Stream,
    Token,
    parse_token,
)
from backcoach.skill.domain.state import Pending, Profile, State


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
    assert s.profile.history.latest["done"] == [ex.id for ex in coach.routine.exercises]
    assert s.profile.history.count == 1 and s.profile.stopped == {}


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
    (play,) = hands_free.resume(State(), stream).directives
    assert (play.token, play.offset_ms, play.track_id) == (token, 47_250, "track-plank-3")


def test_events_about_foreign_streams_change_nothing(hands_free):
    stream = Stream(token="", offset_ms=5)
    hands_free.reported(stream, "not-ours", 99, "PLAYING")
    assert stream == Stream(token="", offset_ms=5)
    assert hands_free.resume(State(), stream).directives == ()
    assert "no hands-free routine" in hands_free.resume(State(), stream).parts[0]


def test_stop_clears_the_queue(hands_free):
    (stop,) = hands_free.stop(Stream()).directives
    assert stop == Stop(clear_queue=True)


def test_moves_stay_within_the_routine(hands_free):
    s = State()
    stream = Stream(token=str(Token("back_routine", "pelvic_extension", 0, "r")))
    assert hands_free.move(s, stream, -1).directives[0].track_id == "track-pelvic_extension-0"
    stream = Stream(token=str(Token("back_routine", "steamroller", 0, "r")))
    assert hands_free.move(s, stream, 0).directives[0].track_id == "track-steamroller-0"
    assert hands_free.move(s, stream, None).directives[0].track_id == "track-pelvic_extension-0"


# -- questions, re-levelling, late resumes and level-ups (issue #10, point 6) ------------

NOW = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
SETS = {"track-plank-2": (40.0, 75.0, 110.0), "track-plank-1": (38.0, 60.0, 82.0)}


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def timed(routine, phrases, clock):
    """Hands-free with a settable clock, 100 s tracks and known set starts for the plank."""
    coach = Coach(routine, phrases, rng=random.Random(7), clock=clock)
    return HandsFree(coach, lambda exercise, level: 100.0, lambda track: SETS.get(track, ()))


def plank(level: int = 2, run: str = "run1") -> str:
    return str(Token("back_routine", "plank", level, run))


def paused(token: str, offset_ms: int, ago: timedelta) -> Stream:
    return Stream(token=token, offset_ms=offset_ms, activity="STOPPED", at=(NOW - ago).isoformat())


def test_a_short_pause_resumes_exactly_where_it_stopped(timed):
    reply = timed.resume(State(), paused(plank(), 90_000, timedelta(seconds=20)))
    assert reply.parts == () and reply.directives[0].offset_ms == 90_000


def test_a_late_resume_says_where_we_are_and_restarts_the_set_from_its_lead_in(timed):
    assert LATE_RESUME == timedelta(seconds=30)
    stream = paused(plank(), 90_000, timedelta(minutes=6))
    reply = timed.resume(State(), stream)
    assert reply.text == "Back to the plank, set 2."
    (play,) = reply.directives
    assert (play.token, play.offset_ms) == (plank(), 75_000) and stream.offset_ms == 75_000


def test_a_late_resume_before_the_first_set_or_without_set_starts_starts_from_the_top(timed):
    early = timed.resume(State(), paused(plank(), 20_000, timedelta(hours=1)))
    assert early.text == "Back to the plank, from the top." and early.directives[0].offset_ms == 0
    lunge = str(Token("back_routine", "lifting_lunge", 0, "r"))
    unknown = timed.resume(State(), paused(lunge, 50_000, timedelta(hours=1)))
    assert "lifting lunge, from the top" in unknown.text and unknown.directives[0].offset_ms == 0


def test_a_stream_older_than_a_day_is_offered_not_resumed(timed):
    s, stream = State(), paused(plank(), 90_000, timedelta(days=2))
    offer = timed.resume(s, stream)
    assert offer.directives == () and offer.reprompt and not offer.end_session
    assert "paused in the plank for more than a day" in offer.text
    assert s.place.pending == Pending.RESUME_STREAM
    yes = timed.resume(s, stream, confirmed=True)
    assert yes.text == "Back to the plank, set 2." and yes.directives[0].offset_ms == 75_000


def test_an_answer_while_playing_plays_on_from_the_reported_offset(timed):
    stream = Stream()
    reply = timed.whats_next(State(), stream, Position(plank(), 52_000, playing=True))
    assert reply.text == "After the plank comes the butt lifter: 5 on each leg."
    (play,) = reply.directives
    assert (play.token, play.offset_ms, play.behavior) == (plank(), 52_000, "REPLACE_ALL")
    assert reply.end_session and (stream.token, stream.activity) == (plank(), "PLAYING")


def test_an_answer_while_paused_asks_to_resume_and_plays_nothing(timed):
    s = State()
    reply = timed.whats_next(s, Stream(), Position(plank(), 52_000, playing=False))
    assert reply.directives == () and not reply.end_session
    assert reply.text.endswith("Shall I resume your routine?")
    assert s.place.pending == Pending.RESUME_STREAM


def test_whats_next_on_the_last_track(timed):
    last = str(Token("back_routine", "steamroller", 0, "r"))
    reply = timed.whats_next(State(), Stream(), Position(last, 0, True))
    assert "steamroller is the last exercise" in reply.text


def test_how_much_is_left_counts_this_track_from_its_offset_and_the_tracks_after_it(timed):
    reply = timed.how_much_left(State(), Stream(), Position(plank(), 30_000, True))
    # 70 s left of the plank, then three 100 s tracks: 370 s.
    assert reply.text == "You're on the plank, exercise 2 of 5, with about 6 minutes to go."
    assert timed.left_s(State(), Token("back_routine", "plank", 2, "r"), 30_000) == 370.0
    last = Token("back_routine", "steamroller", 0, "r")
    end = timed.how_much_left(State(), Stream(), Position(str(last), 70_000, True))
    assert (
        end.text == "You're on the steamroller, the last exercise, with less than a minute to go."
    )


def test_how_much_is_left_without_the_catalog_estimates_from_the_plan(hands_free):
    token = Token("back_routine", "pelvic_extension", 0, "r")
    left = hands_free.left_s(State(), token, 0)
    assert 5 * 60 < left < 20 * 60  # the beginner tracks play for about nine minutes


def test_how_do_i_do_this_one_describes_the_exercise_playing(timed, routine):
    reply = timed.describe(State(), Stream(), Position(plank(), 0, True), None)
    plank_ex = routine.get("plank")
    assert reply.parts == (plank_ex.start, *plank_ex.steps) and reply.card[0] == "Plank"
    named = timed.describe(State(), Stream(), Position(plank(), 0, True), "steamroller")
    assert routine.get("steamroller").start in named.text
    unknown = timed.describe(State(), Stream(), Position(plank(), 0, True), "burpee")
    assert "don't know that exercise" in unknown.text and unknown.directives


def test_help_during_a_stream_says_how_to_talk_while_it_plays(timed):
    reply = timed.help(State(), Stream(), Position(plank(), 0, True))
    assert "Alexa, pause" in reply.text and "Alexa, tell Back Coach" in reply.text
    assert "this hurts" in reply.text and reply.directives


def test_too_hard_relevels_the_track_playing_from_the_same_set(timed):
    s, stream = State(Profile(levels={"plank": 2})), Stream(token=plank())
    reply = timed.relevel(s, stream, Position(plank(), 90_000, True), -1)
    assert "make the plank easier" in reply.text and "set 2, at the new dose" in reply.text
    (play,) = reply.directives
    assert play.token == plank(level=1) and play.track_id == "track-plank-1"
    assert play.offset_ms == 60_000 and stream.token == plank(level=1)
    assert s.profile.levels["plank"] == 1 and stream.trouble == ["plank"]
    assert s.profile.history.latest["run"] == "run1"
    assert s.profile.history.latest["feedback"] == [{"exercise": "plank", "said": "too hard"}]
    assert s.place.phase == "idle" and s.place.pending == Pending.NONE


def test_too_easy_without_set_starts_restarts_the_track_at_the_new_level(timed):
    s, stream = State(), Stream()
    bridge = str(Token("back_routine", "pelvic_extension", 0, "r"))
    reply = timed.relevel(s, stream, Position(bridge, 30_000, True), +1)
    assert "harder" in reply.text and "Starting the pelvic extension again" in reply.text
    assert reply.directives[0].track_id == "track-pelvic_extension-1"
    assert reply.directives[0].offset_ms == 0 and stream.trouble == []


def test_too_hard_at_the_easiest_level_changes_nothing_and_plays_on(timed):
    reply = timed.relevel(State(), Stream(), Position(plank(level=0), 12_000, True), -1)
    assert "already at its easiest" in reply.text
    assert (reply.directives[0].token, reply.directives[0].offset_ms) == (plank(level=0), 12_000)


def test_a_track_made_easier_does_not_count_as_a_clean_run(timed):
    s, stream = State(), Stream(token=plank(level=1))
    timed.relevel(s, stream, Position(plank(level=1), 5_000, True), -1)
    timed.finished(s, stream, plank(level=0))
    assert s.profile.clean["plank"] == 0


def test_next_on_the_last_track_ends_the_routine(timed):
    last = str(Token("back_routine", "steamroller", 0, "r"))
    s = State(Profile(stopped={"exercise": 4, "done": [], "at": NOW.isoformat()}))
    stream = Stream(token=last, activity="PLAYING")
    reply = timed.move(s, stream, +1)
    assert reply.directives == (Stop(clear_queue=True),) and reply.end_session
    assert "steamroller was the last exercise" in reply.text
    assert stream.activity == "FINISHED" and s.profile.stopped == {}
    timed.reported(stream, last, 4_000, "STOPPED")  # our Stop, reported back
    assert stream.activity == "FINISHED" and timed.resume(State(), stream).directives == ()


def test_two_clean_hands_free_runs_make_an_exercise_due_and_the_next_session_steps_it_up(
    timed, clock
):
    from backcoach.skill.domain.opening import begin_session

    s, stream = State(), Stream()
    for run in ("run1", "run2"):
        timed.finished(s, stream, str(Token("back_routine", "plank", 0, run)))
        clock.now += timedelta(days=1)
    assert s.profile.clean["plank"] == 2 and s.profile.levels.get("plank", 0) == 0
    begin_session(timed.coach, s)
    assert s.profile.levels["plank"] == 1 and s.place.stepped_up == "plank"


def test_the_opening_says_how_to_talk_to_the_skill_while_it_plays(hands_free):
    reply = hands_free.start(State(), Stream(), audio_player=True)
    assert "Alexa, pause" in reply.text and "Alexa, tell Back Coach" in reply.text


def test_old_stream_rows_read_with_the_new_fields_empty():
    row = {"schema_version": 2, "token": "t", "offset_ms": 5, "activity": "STOPPED", "at": ""}
    stream = Stream.read(row)
    assert (stream.trouble, stream.offset_ms) == ([], 5)
    assert Stream.read({**row, "moved_up": ["plank"]}).trouble == [], "a dropped field is ignored"


def test_questions_are_about_the_stream_while_it_plays_or_was_paused_within_a_day(timed):
    assert timed.answers_about(Stream(), Position(plank(), 0, playing=True))
    assert timed.answers_about(paused(plank(), 0, timedelta(hours=3)), Position(plank(), 0))
    assert not timed.answers_about(paused(plank(), 0, timedelta(days=3)), Position(plank(), 0))
    assert not timed.answers_about(Stream(token=plank(), activity="FINISHED"), Position(plank()))
    assert not timed.answers_about(Stream(), Position("someone-elses", 0, playing=True))


def test_pain_during_a_playing_stream_stops_it_at_once(timed):
    s, stream = State(), Stream(token=plank(), offset_ms=50_000, activity="PLAYING")
    reply = timed.pain(s, stream)
    assert Stop(clear_queue=True) in reply.directives and stream.activity == "STOPPED"
    assert "stopping the plank" in reply.text and s.profile.back_check == "plank"


@pytest.mark.parametrize("playing", [True, False])
def test_words_not_understood_during_a_stream_stop_it_and_ask_whether_something_hurt(
    timed, playing
):
    """A fallback carries no words: they may be a symptom (issue 18). Nothing plays on; the
    question's yes stops for pain, its no offers the stream again (tests/unit/test_coach)."""
    s = State()
    stream = Stream(token=plank(), offset_ms=50_000, activity="PLAYING" if playing else "STOPPED")
    reply = timed.fallback(s, stream, Position(plank(), 50_000, playing=playing))
    assert Stop(clear_queue=True) in reply.directives and not any(
        isinstance(d, Play) for d in reply.directives
    )
    assert "Did something hurt?" in reply.text and not reply.end_session
    assert s.place.pending == Pending.HURT_CHECK and s.place.hands_free
    assert (stream.activity, stream.offset_ms) == ("STOPPED", 50_000)


def test_repeat_replays_the_set_playing_from_its_lead_in_not_the_steps(timed):
    stream = Stream(token=plank(), offset_ms=90_000, activity="STOPPED")
    (play,) = timed.move(State(), stream, 0).directives
    assert (play.token, play.offset_ms) == (plank(), 75_000)
    in_the_steps = Stream(token=plank(), offset_ms=20_000, activity="STOPPED")
    assert timed.move(State(), in_the_steps, 0).directives[0].offset_ms == 0


def test_a_break_pauses_the_stream_and_teaches_how_to_resume(timed):
    stream = Stream(token=plank(), offset_ms=50_000, activity="PLAYING")
    reply = timed.wait(stream)
    assert reply.directives == (Stop(),) and stream.activity == "STOPPED"
    assert "Alexa, resume" in reply.text and reply.end_session


def test_a_dialog_question_is_answered_for_the_set_playing_without_its_question(timed):
    from backcoach.skill.domain import info

    s = State()
    reply = timed.explain(s, Stream(), Position(plank(), 80_000, playing=True), info.sets_left)
    assert "plank" in reply.text and "?" not in reply.text
    assert isinstance(reply.directives[0], Play) and reply.end_session
    assert s.place.phase == "idle" and s.place.pending == Pending.NONE  # nothing moved


def test_im_ready_plays_on_or_resumes_never_a_dialog_set(timed):
    playing = timed.ready(State(), Stream(), Position(plank(), 30_000, playing=True))
    assert playing.directives[0].offset_ms == 30_000 and not playing.parts
    stream = paused(plank(), 90_000, timedelta(minutes=2))
    resumed = timed.ready(State(), stream, Position(plank(), 90_000))
    assert resumed.directives[0].offset_ms == 75_000 and "set 2" in resumed.text


def test_step_by_step_leaves_the_stream_at_the_exercise_playing(timed):
    s, stream = State(), Stream(token=plank(), offset_ms=50_000, activity="PLAYING")
    reply = timed.to_dialog(s, stream)
    assert Stop(clear_queue=True) in reply.directives and stream.activity == "STOPPED"
    assert s.place.exercise == 1 and reply.reprompt and not reply.end_session


def test_someone_who_has_done_an_exercise_gets_its_brief_track(hands_free, coach):
    from backcoach.skill.domain import track_script

    newcomer, regular = State(), State(profile=Profile())
    regular.profile.history.start(NOW)
    regular.profile.history.log("done", "pelvic_extension")
    assert hands_free.play(newcomer, 0, "r").track_id == "track-pelvic_extension-0"
    play = hands_free.play(regular, 0, "r")
    assert play.track_id == "track-pelvic_extension-0-brief"
    assert parse_token(play.token, coach) == Token("back_routine", "pelvic_extension", 0, "r", True)
    assert parse_token(play.token, coach).track == play.track_id
    assert hands_free.play(regular, 1, "r").track_id == "track-plank-0"  # never done: full
    ex = coach.routine.exercises[0]
    brief = track_script.track(coach.phrasing, coach.words, 0, 0, brief=True)
    full = track_script.track(coach.phrasing, coach.words, 0, 0)
    assert ex.start in full and ex.start not in brief and ex.cue in brief
    clips = [[i.clip_id for i in items if not isinstance(i, str)] for items in (brief, full)]
    assert brief[-1] == full[-1] and clips[0][1:] == clips[1][1:]  # the same sets
    assert (clips[0][0], clips[1][0]) == ("lead-in", "lead-in-long")  # after the steps: long


def test_the_hands_free_opening_tapers_to_one_sentence_with_the_pain_phrase(hands_free):
    regular = State()
    for day in range(3):
        regular.profile.history.start(NOW + timedelta(days=day))
    said = hands_free.start(regular, Stream(), audio_player=True).text
    assert "this hurts" in said and len(said.split()) < 20
    assert len(hands_free.start(State(), Stream(), audio_player=True).text.split()) > 30
