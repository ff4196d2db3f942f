"""The coaching engine on its own: every operation, edges included."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from backcoach.skill.domain import answers, effort, info, navigation, opening, pain, progression
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.history import History
from backcoach.skill.domain.state import Phase, Profile, State


def at(coach, exercise_id: str, phase: str = "intro") -> State:
    """A state at an exercise: "intro" before its first set (as after "not yet" or a set
    cut short), "between" after its first block of sets."""
    s = State(Profile(disclaimer_heard=True))
    s.place.exercise, s.place.phase = coach.routine.index_of(exercise_id), Phase.INTRO
    if phase == "between":
        navigation.ready(coach, s)
    assert s.place.phase == phase
    return s


def test_launch_gives_the_disclaimer_once(coach):
    s = State()
    first = opening.launch(coach, s)
    assert "not intended to supplement or replace advice" in first.text
    assert "consult your physician" in first.text
    assert first.text.endswith("?") and first.reprompt
    again = opening.launch(coach, s)
    assert "not intended" not in again.text


def test_start_routine_reads_the_steps_then_the_lead_in_starts_the_first_set(coach, routine):
    s = State()
    intro = navigation.start_routine(coach, s)
    ex = routine.exercises[0]
    for step in ex.steps:
        assert step in intro.text
    clips = [seg.clip_id for seg in intro.segments]
    # No "are you ready?": the long lead-in, after the steps, to get down onto the floor.
    assert clips == ["lead-in-long", "reps-pelvic_extension-5-3s-both"]
    first_clip = next(i for i, part in enumerate(intro.parts) if not isinstance(part, str))
    assert all(isinstance(part, str) for part in intro.parts[:first_clip])
    assert "?" not in " ".join(intro.parts[:first_clip])
    assert intro.card[0] == "Pelvic Extension"
    assert s.place.phase == "exercise_done" and s.place.done == ["pelvic_extension"]
    # Below its target, how it felt decides whether the run counts (issue 23); then on.
    assert intro.text.endswith("How was that: easy, about right, or hard?")
    assert "pelvic_extension" not in s.profile.clean
    rated = effort.rate(coach, s, effort.RIGHT)
    assert rated.text.endswith("Shall we go on to the plank?")
    assert s.profile.clean["pelvic_extension"] == 1


def test_ready_before_anything_starts_the_routine(coach):
    s = State()
    reply = navigation.ready(coach, s)
    assert s.place.exercise == 0 and "pelvic extension" in reply.text and reply.segments


def test_plank_holds_are_split_into_blocks_between_rests(coach):
    s = at(coach, "plank")
    s.profile.levels["plank"] = 2  # 4 holds of 15 s
    first = navigation.ready(coach, s)  # from the top: the lead-in takes one of five clips
    assert [x.clip_id for x in first.segments] == [
        "lead-in",
        "hold-15s",
        "rest-20s-hold-2of4",
        "hold-15s",
    ]
    assert s.place.phase == "between" and s.place.unit == 2
    assert "2 of 4" in first.text
    second = navigation.ready(coach, s)
    # Every block starts with the lead-in: a count into the set, after the rest too.
    assert [x.clip_id for x in second.segments] == [
        "lead-in",
        "hold-15s",
        "rest-20s-hold-4of4",
        "hold-15s",
    ]
    assert s.place.phase == "exercise_done"


def test_next_after_the_last_exercise_ends_the_routine(coach):
    s = at(coach, "steamroller")
    reply = navigation.next_exercise(coach, s)
    assert reply.end_session and s.place.phase == "finished"
    assert "That's all five exercises" in reply.text
    again = navigation.next_exercise(coach, s)
    assert "already finished" in again.text and not again.end_session


def test_previous_at_the_first_exercise_stays_there(coach):
    s = at(coach, "pelvic_extension")
    reply = navigation.previous(coach, s)
    assert s.place.exercise == 0 and "first exercise" in reply.text
    assert reply.segments[0].clip_id == "lead-in-long"  # never done: its steps again


def test_previous_goes_back_one(coach):
    s = at(coach, "butt_lifter")
    navigation.previous(coach, s)
    assert s.place.exercise == 1


def test_previous_after_finishing_an_exercise_redoes_it(coach):
    s = at(coach, "steamroller")
    navigation.ready(coach, s)
    assert s.place.phase == "finished"
    redo = navigation.previous(coach, s)
    assert s.place.exercise == 4 and redo.segments[0].clip_id.startswith("lead-in")


def test_resume_without_a_pause_carries_on(coach):
    s = at(coach, "plank")
    reply = navigation.resume(coach, s)  # "continue" after "not yet": the set starts
    assert reply.segments and s.place.unit > 0
    idle = State()
    # Nothing paused: the question of the moment, never "we're not paused".
    assert navigation.resume(coach, idle).text == coach.say("ask.start")


def test_pause_and_resume_return_to_the_same_place(coach):
    s = at(coach, "plank")
    s.profile.levels["plank"] = 5
    navigation.ready(coach, s)
    unit = s.place.unit
    paused = navigation.pause(coach, s)
    # No question (a "no" would ask it again): what to say, even after the microphone closes.
    assert s.place.phase == "paused" and "tell Back Coach I'm ready" in paused.text
    assert not paused.text.endswith("?") and not paused.reprompt and not paused.end_session
    assert navigation.pause(coach, s).text.startswith("Paused")  # pausing twice is harmless
    resumed = navigation.resume(coach, s)
    assert s.place.phase == "between" and s.place.unit == unit
    assert "back to the plank" in resumed.text


def test_ready_after_a_pause_plays_the_set_with_its_lead_in(coach):
    s = at(coach, "plank")
    navigation.ready(coach, s)
    unit = s.place.unit
    navigation.pause(coach, s)
    played = navigation.ready(coach, s)
    assert s.place.phase != "paused" and s.place.last_block == unit
    assert "?" not in played.text.split(".")[0] and s.place.unit > unit


def test_unknown_exercise_id(coach):
    s = State()
    reply = navigation.start_exercise(coach, s, "burpee")
    assert "don't know that exercise" in reply.text and s.place.phase == "idle"
    assert "pelvic extension, plank, butt lifter, lifting lunge, and steamroller" in reply.text
    assert "Which exercise" in info.describe(coach, s, None).text


def test_describe_does_not_move(coach, routine):
    s = at(coach, "plank")
    reply = info.describe(coach, s, "lifting_lunge")
    assert "ninety-degree angle" in reply.text and s.place.exercise == 1
    current = info.describe(coach, s, None)
    assert "straight line from your neck to your ankles" in current.text


def test_repeat_says_the_last_words_again_and_plays_nothing(coach):
    s = at(coach, "butt_lifter")
    navigation.ready(coach, s)
    before = copy.deepcopy(s.place), copy.deepcopy(s.profile)
    said = s.place.last_said
    again = navigation.repeat(coach, s)
    assert again.text == said and not again.segments and not again.end_session
    assert (s.place, s.profile) == before


def test_do_it_again_reads_steps_again_or_redoes_the_last_block(coach):
    s = at(coach, "butt_lifter")
    again = navigation.again(coach, s)
    assert "Once more" in again.text and again.segments[0].clip_id == "lead-in-long"
    s.profile.levels["plank"] = 4  # five holds: more than one response
    first = navigation.start_exercise(coach, s, "plank")
    assert s.place.phase == "between"
    redo = navigation.again(coach, s)
    # The same sets; the lead-in is the short one (the steps are not read again).
    assert [x.clip_id for x in redo.segments][1:] == [x.clip_id for x in first.segments][1:]
    assert (redo.segments[0].clip_id, first.segments[0].clip_id) == ("lead-in", "lead-in-long")
    navigation.ready(coach, s)
    while s.place.phase == "between":
        navigation.ready(coach, s)
    whole = navigation.again(coach, s)  # once done, "do it again" is the whole exercise
    assert "Once more" in whole.text and whole.segments[0].clip_id == "lead-in"


def test_start_over(coach):
    s = at(coach, "lifting_lunge")
    s.place.done = ["pelvic_extension", "plank"]
    reply = navigation.start_over(coach, s)
    assert s.place.exercise == 0 and "Starting over" in reply.text
    assert s.place.done == ["pelvic_extension"]  # nothing from before; the first just done


def test_whats_next(coach):
    s = State()
    assert "First up is the pelvic extension" in info.whats_next(coach, s).text
    s = at(coach, "plank")
    assert "After the plank comes the butt lifter" in info.whats_next(coach, s).text
    s = at(coach, "steamroller")
    assert "last exercise" in info.whats_next(coach, s).text


def test_progress_counts_done_and_estimates_minutes_left(coach):
    s = State()
    assert "None of the 5 done yet" in info.how_far(coach, s).text
    s = at(coach, "butt_lifter")
    s.place.done = ["pelvic_extension", "plank"]
    text = info.how_far(coach, s).text
    assert text.startswith("2 of 5 done, about ")
    minutes = int(text.split("about ")[1].split(" ")[0])
    assert 2 <= minutes <= 10
    s = at(coach, "steamroller", "intro")
    navigation.ready(coach, s)
    assert "All 5 done" in info.how_far(coach, s).text


def test_pain_stops_records_and_offers_skip_or_stop(coach):
    s = at(coach, "plank")
    reply = pain.pain(coach, s)
    assert s.place.phase == "pain" and s.place.pain == ["plank"]
    assert "Stop the exercise now" in reply.text and "physician" in reply.text
    assert "How bad is it, from 0 to 10? Or say next exercise, or stop." in reply.text
    assert navigation.ready(coach, s).segments == ()  # "ready" does not restart a painful exercise
    unclear = answers.yes(coach, s)  # a bare yes could mean either: it is asked again
    assert (
        s.place.exercise == 1 and not unclear.segments and "next exercise, or stop" in unclear.text
    )
    skipped = navigation.next_exercise(coach, s)
    assert s.place.exercise == 2 and "Skipping ahead" in skipped.text


def test_pain_on_the_last_exercise_offers_no_skip_and_no_congratulations(coach):
    s = at(coach, "steamroller")
    reply = pain.pain(coach, s)
    assert "next exercise" not in reply.text and "say stop to end for today" in reply.text
    ended = navigation.next_exercise(coach, s)
    assert ended.end_session and "Great work" not in ended.text and "Good work" not in ended.text
    s2 = at(coach, "plank")
    pain.pain(coach, s2)
    assert "Good work" not in navigation.stop(coach, s2).text


@pytest.mark.parametrize(
    ("operation", "advice"),
    [("red_flag", "medical advice today"), ("urgent", "emergency services")],
)
def test_a_red_flag_ends_the_session_with_medical_advice(coach, operation, advice):
    s = at(coach, "plank", "between")
    reply = getattr(pain, operation)(coach, s)
    assert reply.end_session and advice in reply.text and "?" not in reply.text
    assert s.profile.back_check == "plank" and "plank" not in s.profile.clean_on


def test_the_next_session_checks_in_one_question_at_a_time(coach):
    s = at(coach, "plank", "between")
    pain.pain(coach, s)
    opening.begin_session(coach, s)
    check = opening.launch(coach, s)
    assert "something hurt during the plank" in check.text and "knee" not in check.text
    assert check.text.count("?") == 1
    assert "better, or still sore" in answers.yes(coach, s).text  # a bare yes is asked again
    assert "better or still sore" in info.help(coach, s).text
    worse = answers.feels_worse(coach, s)
    assert worse.end_session and "rest today" in worse.text.lower() and not worse.segments
    assert "say: Alexa, open Back Coach" in worse.text  # their choice, later today
    opening.begin_session(coach, s)
    assert (
        "Exercise 3 of 5"
        in opening.checked(navigation.start_exercise)(coach, s, "butt_lifter").text
    )
    today = coach.clock()
    coach.clock = lambda: today + timedelta(days=1)
    opening.begin_session(coach, s)
    assert "something hurt during the plank" in opening.launch(coach, s).text  # a new day
    better = answers.feels_better(coach, s)
    assert not better.end_session and "Go gently" in better.text and not better.segments


def test_a_red_flag_is_kept_until_a_doctor_has_said_exercise_is_okay(coach):
    s = State(Profile(disclaimer_heard=True))
    pain.red_flag(coach, s)  # told before any exercise ("I felt dizzy all morning")
    assert s.profile.see_doctor and not s.profile.back_check
    opening.begin_session(coach, s)
    asked = opening.launch(coach, s)
    assert "needs a doctor's advice" in asked.text and asked.text.count("?") == 1
    start = opening.checked(navigation.start_exercise)
    again = start(coach, s, "plank")  # a one-shot start: the question again, no exercise
    assert again.text == asked.text and s.place.phase == Phase.IDLE and not again.segments
    assert "say yes if a doctor" in answers.feels_better(coach, s).text  # better is no okay
    assert "say yes if one has" in info.help(coach, s).text  # not "say start my back routine"
    assert "say yes if one has" in info.fallback(coach, s).text
    not_yet = answers.no(coach, s)
    assert not_yet.end_session and "don't exercise until a doctor" in not_yet.text
    assert s.profile.see_doctor
    opening.begin_session(coach, s)
    opening.launch(coach, s)
    assert "Start gently" in answers.yes(coach, s).text
    assert not s.profile.see_doctor
    assert "Exercise 2 of 5" in start(coach, s, "plank").text


def test_a_one_shot_start_after_pain_asks_how_the_back_is_first(coach):
    s = at(coach, "plank", "between")
    pain.pain(coach, s)
    opening.begin_session(coach, s)
    start = opening.checked(navigation.start_exercise)
    check = start(coach, s, "butt_lifter")
    assert "something hurt during the plank" in check.text and s.place.phase == Phase.IDLE
    answers.feels_better(coach, s)
    assert "Exercise 3 of 5" in start(coach, s, "butt_lifter").text


def test_pain_with_nothing_under_way_advises_rest_and_stops_nothing(coach):
    s = State(Profile(disclaimer_heard=True))
    opening.launch(coach, s)  # "Would you like to start your back routine?" "My back hurts."
    reply = pain.pain(coach, s, "back")
    assert reply.end_session and reply.text.startswith("Okay, your back hurts. Then rest today")
    assert "stopping" not in reply.text and not s.profile.back_check


def test_pain_right_after_the_routine_is_asked_about_next_time(coach, routine):
    s = State(Profile(disclaimer_heard=True))
    s.place.exercise, s.place.phase = len(routine.exercises) - 1, Phase.FINISHED
    reply = pain.pain(coach, s)
    assert reply.end_session and "stopping" not in reply.text
    assert s.profile.back_check == routine.exercises[-1].id


def test_a_condition_ends_with_advice_to_check_first_and_keeps_nothing(coach):
    s = at(coach, "plank", "between")
    before = s.profile.to_row()
    reply = pain.condition(coach, s)
    assert reply.end_session and "check with your physician" in reply.text
    assert "?" not in reply.text and s.profile.to_row() == before


def test_pain_then_no_ends(coach):
    s = at(coach, "plank")
    pain.pain(coach, s)
    assert answers.no(coach, s).end_session


@pytest.mark.parametrize("step,key", [(-1, "easier"), (1, "harder")])
def test_easier_and_harder_move_one_level_now(coach, step, key):
    s = at(coach, "butt_lifter")
    s.profile.levels["butt_lifter"] = 2
    reply = progression.change_level(coach, s, step)
    assert s.profile.levels["butt_lifter"] == 2 + step
    assert key in reply.text


def test_levels_stop_at_beginner_and_at_the_seed_target(coach, routine):
    s = at(coach, "plank")
    assert "already at its easiest" in progression.easier(coach, s).text
    s.profile.levels["plank"] = len(routine.get("plank").dose.levels) - 1
    reply = progression.harder(coach, s)
    assert "full target" in reply.text and "5 holds of 30 seconds" in reply.text


def test_easier_mid_exercise_can_complete_it(coach):
    s = at(coach, "plank")
    s.profile.levels["plank"] = 4  # 5 holds
    s.place.phase, s.place.unit = Phase.BETWEEN, 4  # 4 of 5 holds done
    progression.easier(coach, s)  # now 4 holds in all
    assert s.place.phase == "exercise_done" and "plank" in s.place.done


def test_level_change_needs_an_exercise(coach):
    assert "Pick an exercise first" in progression.harder(coach, State()).text


def test_yes_and_no_follow_the_last_question(coach):
    s = State()
    opening.launch(coach, s)
    assert s.place.pending == "start"
    answers.yes(coach, s)
    assert s.place.phase == "exercise_done"
    assert not answers.no(coach, s).end_session  # "no" to "shall we go on?" just waits
    s2 = State()
    opening.launch(coach, s2)
    assert answers.no(coach, s2).end_session


def test_yes_without_a_question_falls_back(coach):
    s = State()
    assert "didn't catch" in answers.yes(coach, s).text


def test_help_depends_on_where_you_are(coach):
    s = State()
    assert "start my back routine" in info.help(coach, s).text
    s = at(coach, "plank")
    assert "say ready" in info.help(coach, s).text
    assert "this hurts" in info.help(coach, s).text


def test_state_survives_a_round_trip_and_bad_data(coach, routine):
    s = at(coach, "plank")
    s.profile.levels["plank"] = 3
    assert State.load(routine, s.profile.to_row(), s.place.to_row()) == s
    assert State.load(routine, "garbage", "garbage") == State()
    broken = {"phase": "flying", "exercise": 99, "levels": {"plank": 2}}
    assert State.load(routine, broken, broken) == State(Profile(levels={"plank": 2}))
    clamped = State.load(routine, None, {"phase": "between", "exercise": 1, "unit": 500})
    assert clamped.place.unit == 3


def test_every_open_reply_ends_with_its_question(coach):
    s = State()
    for op in (
        opening.launch,
        navigation.start_routine,
        navigation.ready,
        info.how_far,
        info.whats_next,
        info.help,
    ):  # a pause (and a wait) asks nothing: test_pause_and_resume_return_to_the_same_place
        reply = op(coach, s)
        assert not reply.end_session
        assert reply.parts[-1].endswith("?")
        assert reply.reprompt.startswith("Still there?") and reply.reprompt != reply.parts[-1]


def test_an_exercise_done_before_gets_a_brief_intro_at_every_level(coach, routine):
    """Name, today's dose, one key cue and how to hear the steps: at most 35 words."""
    for _index, ex in enumerate(routine.exercises):
        for level in range(len(ex.dose.levels)):
            s = State(Profile(disclaimer_heard=True, levels={ex.id: level}))
            s.profile.history = History.from_entries([{"date": "2026-01-01", "done": [ex.id]}])
            reply = navigation.start_exercise(coach, s, ex.id)
            assert ex.cue in reply.text and ex.steps[0] not in reply.text
            first_clip = next(i for i, p in enumerate(reply.parts) if not isinstance(p, str))
            intro = " ".join(reply.parts[:first_clip])  # then the lead-in starts the set
            assert len(intro.split()) <= 35, (ex.id, level, intro)
        first = navigation.start_exercise(coach, State(Profile(disclaimer_heard=True)), ex.id)
        assert all(step in first.text for step in ex.steps), "the first time: every step"


def test_a_second_run_the_same_day_is_not_another_clean_run(coach):
    """Progression counts one clean completion per exercise a day; an exercise ready to go
    up is said to be, and the next session steps it up."""
    s = at(coach, "butt_lifter")
    navigation.ready(coach, s)
    effort.rate(coach, s, effort.EASY)
    assert s.profile.clean["butt_lifter"] == 1
    again = navigation.again(coach, s)  # "do it again", same day: nothing asked or counted
    assert s.profile.clean["butt_lifter"] == 1 and "go up" not in again.text
    assert "How was that" not in again.text
    s.profile.clean_on["butt_lifter"] = "2000-01-01"  # as if that run was another day
    navigation.again(coach, s)
    third = effort.rate(coach, s, effort.RIGHT)
    assert "ready to go up a level" in third.text
    assert s.level_of(coach.routine) == 0 and s.profile.clean["butt_lifter"] == 2
    opening.begin_session(coach, s)
    assert s.level_of(coach.routine, 2) == 1 and s.profile.clean["butt_lifter"] == 0


def test_one_exercise_goes_up_a_day_the_furthest_below_its_target_first(routine, phrases):
    day = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    coach = Coach(routine, phrases, clock=lambda: day[0])
    s = State(Profile(disclaimer_heard=True))
    s.profile.clean = {ex.id: 2 for ex in coach.routine.exercises}  # all five due at once
    gaps = {ex.id: len(ex.dose.levels) - 1 for ex in coach.routine.exercises}
    order = []
    for _ in coach.routine.exercises:
        opening.begin_session(coach, s)
        order.append(s.place.stepped_up)
        opening.begin_session(coach, s)  # opened again the same day: nothing more
        assert sum(s.profile.levels.values()) == len(order), "one a day"
        day[0] += timedelta(days=1)
    widest = max(gaps.values())
    assert gaps[order[0]] == widest, "the furthest below its target first"
    assert sorted(order) == sorted(gaps), "each in turn"
    opening.begin_session(coach, s)
    assert s.place.stepped_up == "", "none left due"
    s.profile.clean["plank"] = 2
    opening.begin_session(coach, s, voice=False)  # a player event: it could not say so
    assert s.place.stepped_up == "" and s.profile.clean["plank"] == 2


def test_no_step_up_in_a_session_that_checks_on_pain_first(coach):
    s = State(Profile(disclaimer_heard=True, back_check="plank", clean={"steamroller": 2}))
    opening.begin_session(coach, s)
    assert s.profile.levels == {} and s.profile.clean == {"steamroller": 2}


def test_where_it_hurts_is_said_back_and_not_kept(coach):
    s = at(coach, "lifting_lunge")
    reply = pain.pain(coach, s, "knee")
    assert reply.text.startswith("Okay, your knee hurts: stopping the lifting lunge.")
    assert "knee" not in str(s.profile.to_row())
    assert pain.pain(coach, at(coach, "plank"), "elbow-ish").text.startswith("Okay, stopping")


HURT = "Did something hurt?"


@pytest.mark.parametrize(
    ("exercise_id", "where"), [("plank", "between"), ("pelvic_extension", "exercise_done")]
)
def test_words_not_understood_while_exercising_ask_whether_something_hurt(
    coach, exercise_id, where
):
    """A fallback carries no words on a device: after a set it may be a symptom (issue 18)."""
    s = at(coach, exercise_id)
    navigation.ready(coach, s)
    assert s.place.phase == where
    asked = info.fallback(coach, s)
    assert HURT in asked.text and not asked.segments and not asked.end_session
    assert s.place.pending == "hurt_check"
    stopped = answers.yes(coach, s)  # "yes" stops for pain, as "it hurts" does
    assert s.place.phase == "pain" and not stopped.segments
    assert exercise_id in s.place.pain


def test_no_to_whether_something_hurt_goes_back_to_the_question_of_the_moment(coach):
    s = at(coach, "plank", "between")
    question = coach.phrasing.question(s).text
    info.fallback(coach, s)
    back = answers.no(coach, s)
    assert back.text == f"Good. {question}" and not back.segments
    assert s.place.phase == "between" and s.place.pending == "ready"


def test_words_not_understood_outside_an_exercise_tell_how_to_report_pain(coach):
    s = at(coach, "plank")  # the steps read, no set yet
    for state in (State(), s):
        reply = info.fallback(coach, state)
        assert HURT not in reply.text and "If something hurts, say it hurts" in reply.text
        assert state.place.pending == "unclear"
        assert not answers.yes(coach, state).segments  # a bare yes asks again


def test_after_the_last_sets_no_to_whether_something_hurt_asks_how_they_felt(coach):
    s = State(Profile(disclaimer_heard=True))
    navigation.start_routine(coach, s)
    while s.place.phase != "finished":
        effort.rate(coach, s, effort.RIGHT)
        navigation.ready(coach, s)
    assert s.place.offer == "effort"
    info.fallback(coach, s)
    assert s.place.pending == "hurt_check"
    assert answers.no(coach, s).text == "Good. How was that: easy, about right, or hard?"


def test_no_to_whether_something_hurt_as_a_stream_stopped_offers_the_stream_again(coach):
    s = State(Profile(disclaimer_heard=True))
    s.place.phase, s.place.exercise = Phase.INTRO, coach.routine.index_of("plank")
    s.place.hands_free, s.place.stream = True, "plank"  # as hands_free.fallback leaves it
    coach.hurt_check(s)
    offered = answers.no(coach, s)
    assert (
        offered.text == "Good. Your hands-free routine is paused in the plank. Shall I resume it?"
    )
    assert s.place.pending == "resume_stream" and not offered.segments
