"""The coaching engine on its own: every operation, edges included."""

from __future__ import annotations

import pytest

from backcoach.skill.domain.coach import State


def at(coach, exercise_id: str, phase: str = "intro") -> State:
    """A state positioned at an exercise, as if the person had got there."""
    s = State(disclaimer_heard=True)
    coach.start_exercise(s, exercise_id)
    if phase == "between":
        coach.ready(s)
    assert s.phase == phase
    return s


def test_launch_gives_the_disclaimer_once(coach):
    s = State()
    first = coach.launch(s)
    assert "not intended to supplement or replace advice" in first.text
    assert "consult your physician" in first.text
    assert first.text.endswith("?") and first.reprompt
    again = coach.launch(s)
    assert "not intended" not in again.text


def test_start_routine_reads_the_first_exercise_then_ready_plays_it(coach, routine):
    s = State()
    intro = coach.start_routine(s)
    ex = routine.exercises[0]
    assert s.phase == "intro" and s.exercise == 0
    for step in ex.steps:
        assert step in intro.text
    assert intro.segments == ()
    assert intro.card[0] == "Pelvic Extension"
    played = coach.ready(s)
    assert [seg.clip_id for seg in played.segments] == ["reps-pelvic_extension-5-3s-both"]
    assert s.phase == "exercise_done" and s.done == ["pelvic_extension"]
    assert "plank" in played.text


def test_ready_before_anything_starts_the_routine(coach):
    s = State()
    reply = coach.ready(s)
    assert s.phase == "intro" and "pelvic extension" in reply.text


def test_plank_holds_are_split_into_blocks_between_rests(coach):
    s = at(coach, "plank")
    s.levels["plank"] = 2  # 4 holds of 15 s
    first = coach.ready(s)
    assert [x.clip_id for x in first.segments] == [
        "hold-15s",
        "rest-20s",
        "hold-15s",
        "rest-20s",
        "hold-15s",
    ]
    assert s.phase == "between" and s.unit == 3
    assert "3 of 4" in first.text
    second = coach.ready(s)
    assert [x.clip_id for x in second.segments] == ["hold-15s"]
    assert s.phase == "exercise_done"


def test_next_after_the_last_exercise_ends_the_routine(coach):
    s = at(coach, "steamroller")
    reply = coach.next(s)
    assert reply.end_session and s.phase == "finished"
    assert "That's all five exercises" in reply.text
    again = coach.next(s)
    assert "already finished" in again.text and not again.end_session


def test_previous_at_the_first_exercise_stays_there(coach):
    s = at(coach, "pelvic_extension")
    reply = coach.previous(s)
    assert s.exercise == 0 and s.phase == "intro"
    assert "first exercise" in reply.text


def test_previous_goes_back_one(coach):
    s = at(coach, "butt_lifter")
    coach.previous(s)
    assert s.exercise == 1


def test_previous_after_finishing_an_exercise_redoes_it(coach):
    s = at(coach, "steamroller")
    coach.ready(s)
    assert s.phase == "finished"
    coach.previous(s)
    assert s.exercise == 4 and s.phase == "intro"


def test_resume_without_a_pause(coach):
    s = at(coach, "plank")
    reply = coach.resume(s)
    assert "not paused" in reply.text and s.phase == "intro"


def test_pause_and_resume_return_to_the_same_place(coach):
    s = at(coach, "plank")
    s.levels["plank"] = 5
    coach.ready(s)
    unit = s.unit
    paused = coach.pause(s)
    assert s.phase == "paused" and "resume" in paused.text
    assert coach.pause(s).text.startswith("Paused")  # pausing twice is harmless
    resumed = coach.resume(s)
    assert s.phase == "between" and s.unit == unit
    assert "back to the plank" in resumed.text


def test_unknown_exercise_id(coach):
    s = State()
    reply = coach.start_exercise(s, "burpee")
    assert "don't know that exercise" in reply.text and s.phase == "idle"
    assert "pelvic extension, plank, butt lifter, lifting lunge, and steamroller" in reply.text
    assert "Which exercise" in coach.describe(s, None).text


def test_describe_does_not_move(coach, routine):
    s = at(coach, "plank")
    reply = coach.describe(s, "lifting_lunge")
    assert "ninety-degree angle" in reply.text and s.exercise == 1
    current = coach.describe(s, None)
    assert "straight line from your neck to your ankles" in current.text


def test_repeat_reads_steps_again_or_redoes_the_last_block(coach):
    s = at(coach, "butt_lifter")
    again = coach.repeat(s)
    assert "Once more" in again.text and s.phase == "intro"
    first = coach.ready(s)
    redo = coach.repeat(s)
    assert [x.clip_id for x in redo.segments] == [x.clip_id for x in first.segments]


def test_start_over(coach):
    s = at(coach, "lifting_lunge")
    s.done = ["pelvic_extension", "plank"]
    reply = coach.start_over(s)
    assert s.exercise == 0 and s.done == [] and "Starting over" in reply.text


def test_whats_next(coach):
    s = State()
    assert "First up is the pelvic extension" in coach.whats_next(s).text
    s = at(coach, "plank")
    assert "After the plank comes the butt lifter" in coach.whats_next(s).text
    s = at(coach, "steamroller")
    assert "last exercise" in coach.whats_next(s).text


def test_progress_counts_done_and_estimates_minutes_left(coach):
    s = State()
    assert "None of the 5 done yet" in coach.progress(s).text
    s = at(coach, "butt_lifter")
    s.done = ["pelvic_extension", "plank"]
    text = coach.progress(s).text
    assert text.startswith("2 of 5 done, about ")
    minutes = int(text.split("about ")[1].split(" ")[0])
    assert 2 <= minutes <= 10
    s = at(coach, "steamroller", "intro")
    coach.ready(s)
    assert "All 5 done" in coach.progress(s).text


def test_pain_stops_records_and_offers_skip_or_stop(coach):
    s = at(coach, "plank")
    reply = coach.pain(s)
    assert s.phase == "pain" and s.pain == ["plank"]
    assert "Stop the exercise now" in reply.text and "physician" in reply.text
    assert "skip to the next exercise, or stop" in reply.text
    assert coach.ready(s).segments == ()  # "ready" does not restart a painful exercise
    skipped = coach.yes(s)
    assert s.exercise == 2 and "Skipping ahead" in skipped.text


def test_pain_then_no_ends(coach):
    s = at(coach, "plank")
    coach.pain(s)
    assert coach.no(s).end_session


@pytest.mark.parametrize("step,key", [(-1, "easier"), (1, "harder")])
def test_easier_and_harder_move_one_level_now(coach, step, key):
    s = at(coach, "butt_lifter")
    s.levels["butt_lifter"] = 2
    reply = coach.change_level(s, step)
    assert s.levels["butt_lifter"] == 2 + step
    assert key in reply.text


def test_levels_stop_at_beginner_and_at_the_seed_target(coach, routine):
    s = at(coach, "plank")
    assert "already at its easiest" in coach.easier(s).text
    s.levels["plank"] = len(routine.get("plank").dose.levels) - 1
    reply = coach.harder(s)
    assert "full target" in reply.text and "5 holds of 30 seconds" in reply.text


def test_easier_mid_exercise_can_complete_it(coach):
    s = at(coach, "plank")
    s.levels["plank"] = 2
    coach.ready(s)  # 3 of 4 holds done
    coach.easier(s)  # now 3 holds in all
    assert s.phase == "exercise_done" and "plank" in s.done


def test_level_change_needs_an_exercise(coach):
    assert "Pick an exercise first" in coach.harder(State()).text


def test_yes_and_no_follow_the_last_question(coach):
    s = State()
    coach.launch(s)
    assert s.pending == "start"
    coach.yes(s)
    assert s.phase == "intro"
    assert not coach.no(s).end_session  # "no" to "ready?" just waits
    s2 = State()
    coach.launch(s2)
    assert coach.no(s2).end_session


def test_yes_without_a_question_falls_back(coach):
    s = State()
    assert "didn't catch" in coach.yes(s).text


def test_help_depends_on_where_you_are(coach):
    s = State()
    assert "start my back routine" in coach.help(s).text
    s = at(coach, "plank")
    assert "say ready" in coach.help(s).text
    assert "this hurts" in coach.help(s).text


def test_state_survives_a_round_trip_and_bad_data(coach, routine):
    s = at(coach, "lifting_lunge")
    s.levels["plank"] = 3
    assert State.from_dict(s.to_dict(), routine) == s
    assert State.from_dict("garbage", routine) == State()
    broken = {"phase": "flying", "exercise": 99, "levels": {"plank": 2}}
    assert State.from_dict(broken, routine) == State(levels={"plank": 2})
    clamped = State.from_dict({"phase": "between", "exercise": 1, "unit": 500}, routine)
    assert clamped.unit == 3


def test_every_open_reply_ends_with_its_question(coach):
    s = State()
    for op in ("launch", "start_routine", "ready", "progress", "whats_next", "help", "pause"):
        reply = getattr(coach, op)(s)
        assert not reply.end_session
        assert reply.parts[-1] == reply.reprompt
