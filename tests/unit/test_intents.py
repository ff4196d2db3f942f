"""The intent table: every intent of the interaction model reaches exactly one coach operation."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from backcoach.skill.alexa.intents import FALLBACK, OPERATIONS, Slots
from backcoach.skill.alexa.skill_builder import handled_intents
from backcoach.skill.domain import navigation, opening
from backcoach.skill.domain.builtins import as_builtin
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Phase, Profile, State

MODEL = json.loads((files("backcoach.interaction_models") / "en-US.json").read_text())
DECLARED = {as_builtin(i["name"]) for i in MODEL["interactionModel"]["languageModel"]["intents"]}
"""The model's intents, a built-in's companion as the built-in it stands for (builtins.py)."""
HANDS_FREE = {"HandsFreeIntent"}
"""Intents the hands-free handlers answer before the dialog table is consulted."""


def test_every_declared_intent_has_an_operation():
    assert DECLARED - HANDS_FREE <= set(OPERATIONS), DECLARED - HANDS_FREE - set(OPERATIONS)


def test_every_custom_operation_is_declared():
    custom = {name for name in OPERATIONS if not name.startswith("AMAZON.")}
    assert custom <= DECLARED, custom - DECLARED


def test_handled_intents_are_the_table_and_hands_free():
    assert handled_intents() == set(OPERATIONS) | HANDS_FREE


def states(coach) -> list[State]:
    """A fresh state, one mid-exercise and one between sets."""
    fresh = State()
    intro = State(Profile(disclaimer_heard=True))
    navigation.start_exercise(coach, intro, "plank")
    between = State(Profile(disclaimer_heard=True, levels={"plank": 2}))
    navigation.start_exercise(coach, between, "plank")
    navigation.ready(coach, between)
    return [fresh, intro, between]


ASKS_NOTHING = {"WaitIntent", "AMAZON.PauseIntent", "AMAZON.NoIntent"}
"""A wait, a pause, and "no" to "ready?" ("not yet"): no question, so no reprompt."""


@pytest.mark.parametrize("intent", sorted(OPERATIONS))
def test_every_operation_answers_from_any_place(coach, intent):
    for s in states(coach):
        for exercise in (None, "plank", "burpee"):
            reply = OPERATIONS[intent](coach, s, Slots(exercise, exercise and "knee"))
            assert isinstance(reply, Reply)
            # A question gets a reprompt that adds help instead of repeating it; a reprompt
            # only follows a question (a wait asks nothing, and only listens a while).
            if reply.text.endswith("?"):
                assert not reply.end_session and reply.reprompt
            if reply.reprompt:
                assert not reply.end_session and reply.reprompt.startswith("Still there?")
                assert reply.reprompt != reply.parts[-1]
            elif not reply.end_session:
                assert intent in ASKS_NOTHING, f"{intent}: open without a reprompt"


def test_unknown_intents_get_the_fallback(coach):
    assert "didn't catch" in FALLBACK(coach, State(), None).text


@pytest.mark.parametrize("intent", sorted(OPERATIONS))
def test_nothing_starts_before_the_medical_check_is_answered(coach, intent):
    """The day after a red flag, every intent either leaves the person where they are (a
    question, help, stop) or asks the check; none of them starts an exercise."""
    s = State(Profile(disclaimer_heard=True, see_doctor=True))
    opening.begin_session(coach, s)
    reply = OPERATIONS[intent](coach, s, Slots("plank", "knee"))
    assert s.place.phase in (Phase.IDLE, Phase.PAUSED, Phase.PAIN), intent
    assert not reply.segments and not reply.directives, intent
    if intent in STARTS:
        assert "needs a doctor's advice" in reply.text, intent


STARTS = {
    "StartRoutineIntent",
    "StartExerciseIntent",
    "ReadyIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AgainIntent",
    "AMAZON.StartOverIntent",
}
"""Intents that would start an exercise from a session's opening."""
