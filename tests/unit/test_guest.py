"""Someone new on an account with a routine (issue 23, point 5): "I've never done this before"
gets a newcomer's session (welcome, disclaimer, first level, full steps) that is saved over
nothing, and a doctor's okay the account is waiting for still comes first."""

from __future__ import annotations

import copy

from backcoach.skill.alexa.intents import OPERATIONS, Slots
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.domain.state import Offer, Pending, Profile, State
from backcoach.skill.domain.stored import SCHEMA_VERSION
from tests import language_answers

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
FIRST = ROUTINE.exercises[0]
REGULAR = {
    "schema_version": SCHEMA_VERSION,
    "disclaimer_heard": True,
    "levels": {ex.id: 2 for ex in ROUTINE.exercises},
    "clean": {FIRST.id: 1},
}


def _echo(profile: dict | None = None, tracks: bool = False):
    """An account's Echo; its stored profile as given (none: a new account)."""
    people = language_answers.People()
    served = {"clip_url": lambda hi: lambda clip_id: f"https://coach.example/{clip_id}.mp3"}
    skill = build_skill(ROUTINE, PHRASES, adapter=people, **(served if tracks else {}))
    sim = Simulator(in_process(skill), state=SessionState(), length_s=lambda url: 60.0)
    if profile is not None:
        people.rows[sim.caller.user_id] = {"coach": copy.deepcopy(profile)}
    return people, sim


def test_a_newcomer_on_a_regulars_echo_starts_at_the_beginning_and_saves_over_nothing():
    people, sim = _echo(REGULAR)
    sim.say("open back coach")  # the regular's welcome, as far as anyone knows yet
    before = copy.deepcopy(people.rows[sim.caller.user_id])
    new = sim.say("I've never done this before")
    assert new.speech.startswith(PHRASES.raw("welcome.guest"))
    assert "not intended to supplement or replace advice" in new.speech  # the disclaimer
    assert "if something hurts, just say it hurts" in new.speech
    again = sim.say("I'm new")  # said twice: the question again, not another welcome
    assert again.speech == PHRASES.raw("ask.start") and "Welcome" not in again.speech
    first = sim.say("yes")
    assert "Lie on a flat surface" in first.speech  # the full steps
    assert "Today: 5 reps, holding each for 3 seconds" in first.speech  # the first level
    rated = sim.say("easy")
    assert "go on to the plank" in rated.speech
    assert sim.say("stop").ends_session
    assert people.rows[sim.caller.user_id] == before, "the account's progress is untouched"
    # The regular, next time, is the regular.
    back = sim.say("open back coach")
    assert "not intended to supplement" not in back.speech


def test_a_doctors_okay_the_account_waits_for_comes_first_for_a_newcomer_too():
    people, sim = _echo({**REGULAR, "see_doctor": True})
    sim.say("open back coach")
    new = sim.say("I'm new here")
    assert PHRASES.raw("ask.medical_check") in new.speech
    held = sim.say("start my back routine")
    assert PHRASES.raw("ask.medical_check") in held.speech and "<audio" not in held.ssml


def test_a_guest_is_coached_step_by_step_and_the_accounts_stream_is_left_alone():
    people, sim = _echo(REGULAR, tracks=True)
    sim.say("open back coach")
    sim.say("it's my first time")
    hands_free = sim.say("play my back routine")
    assert PHRASES.raw("hands_free.guest") in hands_free.speech
    assert not hands_free.directives and "Exercise 1 of 5" in hands_free.speech
    assert "stream" not in people.rows[sim.caller.user_id]


def test_on_a_new_account_it_is_simply_the_welcome_and_it_is_saved():
    people, sim = _echo()
    new = sim.say("ask back coach, I'm new")
    assert PHRASES.raw("welcome.guest") not in new.speech
    assert "not intended to supplement or replace advice" in new.speech
    sim.say("stop")
    assert people.rows[sim.caller.user_id]["coach"]["disclaimer_heard"] is True


def test_a_guest_cannot_delete_the_accounts_data(coach):
    s = State(Profile(disclaimer_heard=True))
    s.place.guest = True
    reply = OPERATIONS["DeleteDataIntent"](coach, s, Slots())
    assert "nothing of yours to delete" in reply.text
    assert s.place.offer != Offer.FORGET and s.place.pending != Pending.FORGET
