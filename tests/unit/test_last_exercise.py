"""Pain in the last exercise is never lost (issue 19, point 2): the routine's last block keeps
the session open on "How was that?" (where a step up is possible, issue 23) or "Did anything
hurt?", and pain then counts against that exercise."""

from __future__ import annotations

import pytest

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests.unit.test_model import FlakyAdapter, length_s

ROUTINE = load_routine()
LAST = ROUTINE.exercises[-1]
PHRASES = load_phrases("en-US")


def _after_the_last_block(stored: dict | None = None, at_target: bool = False):
    """The last exercise's block played; `at_target`: at its last level, where no step up is
    possible, so "Did anything hurt?" is asked rather than "How was that?"."""
    adapter = FlakyAdapter()
    adapter.saved = stored or {"coach": {"schema_version": 4, "disclaimer_heard": True}}
    if at_target:
        adapter.saved["coach"]["levels"] = {LAST.id: len(LAST.dose.levels) - 1}
    skill = build_skill(ROUTINE, PHRASES, adapter=adapter)
    sim = Simulator(in_process(skill), state=SessionState(), length_s=length_s)
    turn = sim.say(f"ask back coach to start the {LAST.name}")
    asked = PHRASES.raw("ask.hurt_check" if at_target else "ask.effort")
    assert not turn.ends_session and turn.speech.endswith(asked)
    return adapter, sim


def _due_a_step_up() -> dict:
    """One clean run of the last exercise yesterday: today's is the second, a step up."""
    sim_day = "2000-01-01"
    return {"coach": {"schema_version": 4, "disclaimer_heard": True, "clean": {LAST.id: 1},
                      "clean_on": {LAST.id: sim_day}}}  # fmt: skip


def _coach(adapter: FlakyAdapter) -> dict:
    return adapter.saved["coach"]


@pytest.mark.parametrize(
    ("said", "at_target"),
    [("yes", True), ("my knee hurts", False), ("ouch", False), ("that hurt", True)],
)
def test_pain_after_the_last_block_counts_against_it(said, at_target):
    adapter, sim = _after_the_last_block(_due_a_step_up(), at_target)
    # At the target the run counts at once; below it, only once rated easy or about right.
    assert _coach(adapter)["clean"][LAST.id] == (2 if at_target else 1)
    turn = sim.say(said)
    assert turn.ends_session and "<audio" not in turn.ssml and "<break" not in turn.ssml
    coach = _coach(adapter)
    assert coach["back_check"] == LAST.id  # the next session checks in first
    assert coach["clean"][LAST.id] == 0 and LAST.id not in coach["level_up"]
    assert "Good work" not in turn.speech


def test_no_to_did_anything_hurt_says_goodbye_and_keeps_the_clean_run():
    adapter, sim = _after_the_last_block(at_target=True)
    offer = sim.say("no")  # a good session's end: a reminder offered first (issue 24)
    assert not offer.ends_session and offer.speech.endswith("at this time.")
    turn = sim.say("no thanks")
    assert turn.ends_session and "Take care of your back" in turn.speech
    assert _coach(adapter)["clean"][LAST.id] == 1 and not _coach(adapter)["back_check"]


@pytest.mark.parametrize(("said", "clean"), [("easy", 2), ("it was about right", 2), ("hard", 0)])
def test_a_rating_of_the_last_exercise_says_goodbye_and_decides_the_clean_run(said, clean):
    adapter, sim = _after_the_last_block(_due_a_step_up())
    assert sim.say("yes").speech == PHRASES.raw("effort.which")  # a yes rates nothing
    rated = sim.say(said)
    assert rated.speech.endswith("at this time.")  # the reminder offer (issue 24)
    turn = sim.say("no")
    assert turn.ends_session and "Take care of your back" in turn.speech
    coach = _coach(adapter)
    assert coach["clean"][LAST.id] == clean
    assert ("ready to go up a level" in rated.speech) == (clean == 2)
    # Hard: the next session asks how the back is, as after pain, and says why.
    assert coach.get("back_check", "") == ("" if clean else LAST.id)
    assert coach.get("back_check_hard", False) == (not clean)


def test_pain_while_the_last_block_plays_stops_it_and_takes_it_back():
    adapter, sim = _after_the_last_block()
    turn = sim.say("this hurts", barge_in_s=10.0)
    assert not turn.ends_session and "<audio" not in turn.ssml and "<break" not in turn.ssml
    assert PHRASES.raw("ask.hurt_check") not in turn.speech
    assert PHRASES.raw("ask.effort") not in turn.speech
    coach = _coach(adapter)
    assert coach["clean"].get(LAST.id, 0) == 0 and coach["back_check"] == LAST.id
    # Nothing to skip to, and "yes" starts nothing.
    assert "<audio" not in sim.say("yes").ssml


def test_pain_after_the_last_block_answers_with_the_store_down():
    adapter, sim = _after_the_last_block()
    adapter.failing = True
    turn = sim.say("my back hurts")
    assert turn.ends_session and "hurts" in turn.speech


def _level_up_due_and_said_no() -> tuple[FlakyAdapter, Simulator]:
    """The last exercise done cleanly a second time, rated easy (a step up announced): the
    session is over."""
    adapter, sim = _after_the_last_block(_due_a_step_up())
    sim.say("easy")  # then "Want me to remind you?"
    assert sim.say("no").ends_session
    return adapter, sim


def test_pain_told_in_a_new_session_just_after_the_last_block_counts_against_it():
    adapter, sim = _level_up_due_and_said_no()
    sim.advance(30)  # the session closed; they get up and say it
    turn = sim.say("tell back coach my knee hurts")
    assert turn.ends_session and "rest today" in turn.speech
    coach = _coach(adapter)
    assert coach["back_check"] == LAST.id and coach["clean"][LAST.id] == 0
    # The step up a new session applied is undone: the level is the one it hurt at.
    assert coach["levels"].get(LAST.id, 0) == 0 and LAST.id not in coach["level_up"]
    # Told twice, counted once.
    sim.advance(20)
    sim.say("tell back coach my knee still hurts")
    assert _coach(adapter)["levels"].get(LAST.id, 0) == 0


def test_pain_told_long_after_the_last_block_is_not_put_on_it():
    adapter, sim = _level_up_due_and_said_no()
    sim.advance(30 * 60)
    turn = sim.say("tell back coach my knee hurts")
    assert turn.ends_session and "rest today" in turn.speech
    assert _coach(adapter)["levels"][LAST.id] == 1 and not _coach(adapter)["back_check"]


def test_pain_told_in_a_new_session_while_an_earlier_block_plays_counts_against_it():
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": 4, "disclaimer_heard": True}}
    skill = build_skill(ROUTINE, PHRASES, adapter=adapter)
    sim = Simulator(in_process(skill), state=SessionState(), length_s=length_s)
    first = ROUTINE.exercises[0]
    sim.say(f"ask back coach to start the {first.name}")
    sim.end_session()
    turn = sim.say("tell back coach it hurts", barge_in_s=20.0)  # the sets still play
    assert turn.ends_session
    assert _coach(adapter)["back_check"] == first.id
