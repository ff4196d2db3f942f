"""Offer, don't assume (issue 19, point 1): opening the skill with a place kept asks; a day
the person closed is not offered the next day; an exercise never done gets its steps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests.unit.test_model import FlakyAdapter, length_s

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
PLANK = ROUTINE.get("plank")


def _at(when: str) -> tuple[FlakyAdapter, Simulator]:
    """A regular's skill whose requests are stamped from `when` (UTC) on."""
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": 4, "disclaimer_heard": True}}
    sim = Simulator(in_process(build_skill(ROUTINE, PHRASES, adapter=adapter)),
                    state=SessionState(), length_s=length_s)  # fmt: skip
    sim.state.later_s = (datetime.fromisoformat(when) - datetime.now(UTC)).total_seconds()
    return adapter, sim


def _stopped_in_the_plank(sim: Simulator, ending: str | None) -> None:
    """Plank sets 1 and 2 done; then `ending` said, or (None) the session timed out."""
    sim.say("ask back coach to start the plank")
    if ending is None:
        sim.end_session("EXCEEDED_MAX_REPROMPTS")
    else:
        assert sim.say(ending).ends_session


def test_opening_with_a_place_kept_offers_it_and_plays_nothing():
    _, sim = _at("2030-03-02T08:00:00+00:00")
    _stopped_in_the_plank(sim, None)
    sim.advance(600)
    turn = sim.say("open back coach")
    assert "<break" not in turn.ssml and not turn.ends_session
    assert "You stopped at the plank, set 3 of 3. Pick up there, or start today's" in turn.speech
    again = sim.say("start today's routine")
    assert "Exercise 1 of 5" in again.speech and "<break" in again.ssml


@pytest.mark.parametrize("answer", ["yes", "pick up there", "resume"])
def test_picking_up_is_the_persons_choice(answer):
    _, sim = _at("2030-03-02T08:00:00+00:00")
    _stopped_in_the_plank(sim, None)
    sim.say("open back coach")
    turn = sim.say(answer)
    assert "Back to the plank, set 3 of 3" in turn.speech and "<break" in turn.ssml


@pytest.mark.parametrize("ending", ["stop", "I'm done for today"])
def test_a_closed_day_is_offered_later_that_day_only(ending):
    _, sim = _at("2030-03-02T21:00:00+00:00")
    _stopped_in_the_plank(sim, ending)
    sim.advance(3600)
    assert "You stopped at the plank" in sim.say("open back coach").speech
    sim.say("stop")
    sim.advance(10 * 3600)  # 08:00 the next morning: under a day, but a new day
    turn = sim.say("open back coach")
    assert "You stopped" not in turn.speech and turn.speech.endswith(PHRASES.raw("ask.start"))


def test_a_session_that_timed_out_is_still_offered_the_next_morning():
    _, sim = _at("2030-03-02T21:00:00+00:00")
    _stopped_in_the_plank(sim, None)
    sim.advance(11 * 3600)
    assert "You stopped at the plank" in sim.say("open back coach").speech


def test_a_first_timer_back_after_stopping_during_the_steps_hears_them():
    _, sim = _at("2030-03-02T08:00:00+00:00")
    sim.say("ask back coach to start the plank")
    sim.say("stop", barge_in_s=5.0)  # during the steps: no set was heard
    sim.advance(600)
    assert "You stopped at the plank. Pick up there" in sim.say("open back coach").speech
    turn = sim.say("yes")
    assert PLANK.start in turn.speech and all(step in turn.speech for step in PLANK.steps)


def test_a_condition_is_never_followed_by_a_set_unasked():
    _, sim = _at("2030-03-02T08:00:00+00:00")
    sim.say("ask back coach to start the plank")
    assert sim.say("I have osteoporosis").ends_session
    sim.advance(60)
    turn = sim.say("open back coach")
    assert "<break" not in turn.ssml and "Pick up there" in turn.speech


def test_next_after_a_pause_keeps_the_place_it_moved_to():
    """A pause left behind by "next" must not move the kept place on by an exercise."""
    adapter, sim = _at("2030-03-02T08:00:00+00:00")
    assert "How was that" in sim.say("start the pelvic extension").speech
    assert "Shall we go on to the plank" in sim.say("about right").speech
    sim.say("pause")
    assert "That's 2 of 3 sets" in sim.say("next").speech  # the plank's first sets
    sim.end_session("EXCEEDED_MAX_REPROMPTS")
    assert adapter.saved["coach"]["stopped"]["exercise"] == 1
