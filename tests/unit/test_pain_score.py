"""A pain number when pain is reported (issue 23, point 3): "How bad is it, from 0 to 10?"
after "this hurts" in an exercise; above 5 the exercise is done for today and eased, 3 to 5
an easier dose now, up to 2 on gently at the same level; skippable; only the number kept."""

from __future__ import annotations

import re

import pytest

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.domain.stored import SCHEMA_VERSION
from tests.unit.test_model import FlakyAdapter, length_s

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
HURT = ROUTINE.exercises[1]
"""The exercise under way when it hurts: "start my back routine" plays the first exercise's
first set in its answer, and "ready" the second's."""
LEVEL = 2
SAFETY = " ".join(ROUTINE.safety.pain.split())


def _hurting():
    """A regular at level 3 of every exercise, who says "this hurts" two seconds into a set
    of the second: stopped, told how to be safe, and asked for a number."""
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": SCHEMA_VERSION, "disclaimer_heard": True,
                               "levels": {ex.id: LEVEL for ex in ROUTINE.exercises}}}  # fmt: skip
    sim = Simulator(in_process(build_skill(ROUTINE, PHRASES, adapter=adapter)),
                    state=SessionState(), length_s=length_s)  # fmt: skip
    sim.say("open back coach")
    sim.say("start my back routine")
    played = sim.say("ready")
    assert re.search(r"<audio|<break", played.ssml)
    turn = sim.say("this hurts", barge_in_s=2.0)
    speech = " ".join(turn.speech.split())
    assert SAFETY in speech and speech.endswith(PHRASES.raw("ask.pain_score"))
    assert not re.search(r"<audio|<break", turn.ssml) and not turn.ends_session
    return adapter, sim


def _level(adapter) -> int:
    return adapter.saved["coach"]["levels"].get(HURT.id, 0)


@pytest.mark.parametrize("said", ["eight", "it's about a seven out of ten", "10"])
def test_above_five_the_exercise_is_done_for_today_and_easier_next_time(said):
    adapter, sim = _hurting()
    turn = sim.say(said)
    assert PHRASES.say("pain.score_high", name=HURT.name) in turn.speech
    assert turn.speech.strip().endswith(PHRASES.raw("ask.pain"))
    assert _level(adapter) == LEVEL - 1 and adapter.saved["coach"]["pain_score"] > 5
    assert not re.search(r"<audio|<break", turn.ssml)
    again = sim.say("yes")  # never a bare yes: which of the two?
    assert not re.search(r"<audio|<break", again.ssml)


@pytest.mark.parametrize("said", ["four", "about a three", "5"])
def test_three_to_five_offers_an_easier_dose_now(said):
    adapter, sim = _hurting()
    turn = sim.say(said)
    dose = sim_dose(LEVEL - 1)
    assert PHRASES.say("pain.score_easier", dose=dose) in turn.speech
    assert _level(adapter) == LEVEL - 1
    assert not re.search(r"<audio|<break", turn.ssml), "the offer, not the set"
    played = sim.say("ready")
    assert re.search(r"<audio|<break", played.ssml), "ready plays the easier set"


@pytest.mark.parametrize("said", ["zero", "two", "i think a one"])
def test_mild_pain_goes_on_gently_at_the_same_level(said):
    adapter, sim = _hurting()
    turn = sim.say(said)
    assert PHRASES.raw("pain.score_mild") in turn.speech
    assert _level(adapter) == LEVEL, "the easing undone"
    coach = adapter.saved["coach"]
    assert coach["clean"][HURT.id] == 0 and coach["back_check"] == HURT.id  # still counted
    assert re.search(r"<audio|<break", sim.say("ready").ssml)


def test_the_question_is_skippable_and_a_skip_keeps_it_easier():
    adapter, sim = _hurting()
    turn = sim.say("skip")
    assert "Exercise 3 of 5" in turn.speech
    assert _level(adapter) == LEVEL - 1 and adapter.saved["coach"].get("pain_score") is None


def test_no_is_not_a_zero_it_ends_for_today():
    adapter, sim = _hurting()
    turn = sim.say("no")
    assert turn.ends_session and not re.search(r"<audio|<break", turn.ssml)
    assert _level(adapter) == LEVEL - 1


@pytest.mark.parametrize("said", ["yes", "eleven", "twenty"])
def test_no_answer_but_a_number_moves_on_and_nothing_plays(said):
    adapter, sim = _hurting()
    turn = sim.say(said)
    assert PHRASES.raw("pain.score_range") in turn.speech
    assert not re.search(r"<audio|<break", turn.ssml) and not turn.ends_session


def test_a_number_out_of_the_blue_starts_nothing():
    adapter, sim = _hurting()
    sim.say("skip")  # on to the next exercise, its sets played
    sim.say("about right")  # "how was that?" answered
    turn = sim.say("seven")  # nothing asks for a number now (not how bad, not how hard)
    assert not re.search(r"<audio|<break", turn.ssml)
    assert "didn't catch" in turn.speech


def test_telling_it_again_does_not_ease_twice():
    adapter, sim = _hurting()
    turn = sim.say("it really hurts")
    assert SAFETY in " ".join(turn.speech.split()) and _level(adapter) == LEVEL - 1
    assert turn.speech.strip().endswith(PHRASES.raw("ask.pain_score"))


def sim_dose(level: int) -> str:
    from backcoach.skill.domain.coach import Coach

    return Coach(ROUTINE, PHRASES).phrasing.dose_text(HURT, level)


@pytest.mark.parametrize(("said", "level", "answer"), [
    ("four", LEVEL - 1, "pain.score_noted"),
    ("two", LEVEL, "pain.score_gently"),
])  # fmt: skip
def test_hands_free_the_number_decides_the_level_and_the_stream_stays_stopped(said, level, answer):
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": SCHEMA_VERSION, "disclaimer_heard": True,
                               "levels": {ex.id: LEVEL for ex in ROUTINE.exercises}}}  # fmt: skip
    skill = build_skill(
        ROUTINE,
        PHRASES,
        adapter=adapter,
        clip_url=lambda handler_input: lambda clip_id: f"https://coach.example/{clip_id}.mp3",
        track_length_s=lambda exercise_id, lv: 60.0,
    )
    sim = Simulator(in_process(skill), state=SessionState(), length_s=lambda url: 60.0)
    sim.say("play my back routine")
    sim.wait(20)
    stopped = sim.say("tell back coach this hurts")
    assert stopped.speech.strip().endswith(PHRASES.raw("ask.pain_score"))
    turn = sim.say(said)
    assert PHRASES.raw(answer) in turn.speech and not turn.directives
    first = ROUTINE.exercises[0]
    assert adapter.saved["coach"]["levels"][first.id] == level
