"""Commands with words the skill could not read around them (intents.ASIDES): moving to an
exercise ("skip this one, the dog wants out") asks "ready?" in dialog and does not move
hands-free; a "no" answers any question but a health question or one whose no starts a set."""

from __future__ import annotations

import re

import pytest

from backcoach.skill.alexa.intents import ASIDES, OPERATIONS, STARTS, Slots, meaning
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.domain.state import Pending, State
from backcoach.skill.domain.stored import SCHEMA_VERSION
from tests.unit.test_model import FlakyAdapter, length_s

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
AUDIO = re.compile(r"<audio|<break")
PAIN_RULE = PHRASES.raw("unclear.pain_rule")


def _regular(**skill_args) -> tuple[FlakyAdapter, Simulator]:
    """Someone who has heard the disclaimer, with a skill in process."""
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": SCHEMA_VERSION, "disclaimer_heard": True}}
    sim = Simulator(
        in_process(build_skill(ROUTINE, PHRASES, adapter=adapter, **skill_args)),
        state=SessionState(),
        length_s=skill_args.get("track_length_s") and (lambda url: 60.0) or length_s,
    )
    return adapter, sim


def test_asides_are_no_starts_and_act_on_unlisted_words_unless_they_say_something_wrong():
    assert not ASIDES & STARTS
    assert meaning("NextWrappedIntent", Slots(unplaced="the dog wants out")) == (
        "AMAZON.NextIntent"
    )
    assert meaning("NextWrappedIntent", Slots(unplaced="my knee is sore")) == "PainIntent"
    assert meaning("NextWrappedIntent", Slots(unplaced="i feel dizzy")) == "RedFlagIntent"
    took_back = Slots(unplaced="please don't", countermanded=True)
    assert meaning("NextWrappedIntent", took_back) == "AMAZON.FallbackIntent"
    assert meaning("NoWrappedIntent", Slots(unplaced="the dog wants out")) == "AMAZON.NoIntent"
    assert meaning("ResumeWrappedIntent", Slots(unplaced="the dog")) == "AMAZON.ResumeIntent"
    # The body named in words read as nothing is a guess either way: not understood.
    body = Slots(unplaced="been on my feet all day", said="been on my feet all day")
    for intent in ("NextWrappedIntent", "ResumeWrappedIntent", "NoWrappedIntent"):
        assert meaning(intent, body) == "AMAZON.FallbackIntent", intent
    nlu = Nlu.load()
    assert coverage.answered_by(nlu.understand("go back one, I missed it")) == (
        "AMAZON.PreviousIntent"
    )
    took = nlu.understand("take it right back to the start of the routine")
    assert coverage.answered_by(took) == "AMAZON.StartOverIntent"
    assert meaning("AgainIntent", Slots(unplaced="the dog")) == "AgainIntent"
    settled = Slots(unplaced="whenever you like", own="i'm all settled you can start")
    assert meaning("ReadyIntent", settled) == "ReadyIntent"
    # Ready's own slot taking words no value lists is a guess ("tell me a joke" is "{state}"),
    # and so is a lone "set" or "go" among other words ("set a timer", "go home").
    guessed = Slots(unplaced="tell me a joke", guessed=True)
    assert meaning("ReadyIntent", guessed) == "AMAZON.FallbackIntent"
    for own, around in (("set", "a timer for ten minutes"), ("go", "home"), ("and go", "to bed")):
        lone = Slots(unplaced=around, own=own)
        assert meaning("ReadyIntent", lone) == "AMAZON.FallbackIntent", own
    # Other starts act on listed words only.
    for intent in ("HandsFreeIntent", "StartExerciseIntent", "StartRoutineIntent"):
        assert meaning(intent, Slots(unplaced="the dog")) == "AMAZON.FallbackIntent", intent


@pytest.mark.parametrize(
    ("said", "exercise"),
    [
        ("skip this one, the dog wants out", 2),
        ("start it all over again, the baby woke up", 0),
    ],
)
def test_in_dialog_a_move_with_an_aside_asks_ready_and_plays_nothing(said, exercise):
    adapter, sim = _regular()
    sim.say("open back coach")
    sim.say("start my back routine")
    assert AUDIO.search(sim.say("ready").ssml)
    turn = sim.say(said)
    speech = " ".join(turn.speech.split())
    assert not AUDIO.search(turn.ssml) and not turn.ends_session
    assert PAIN_RULE in speech and speech.endswith("?")
    assert ROUTINE.exercises[exercise].name in speech
    # "Ready" then plays the exercise moved to ("ready" played the second).
    assert AUDIO.search(sim.say("ready").ssml)


def test_in_dialog_a_resume_with_an_aside_asks_first_and_then_plays():
    _, sim = _regular()
    sim.say("open back coach")
    sim.say("start my back routine")
    sim.say("ready")  # the plank's first sets: "carry on" plays its next ones
    turn = sim.say("carry on, the dog wants out")
    speech = " ".join(turn.speech.split())
    assert not AUDIO.search(turn.ssml) and PAIN_RULE in speech and speech.endswith("?")
    assert AUDIO.search(sim.say("yes").ssml)


def test_in_dialog_again_with_an_aside_asks_first_and_then_plays_the_same_sets():
    _, sim = _regular()
    sim.say("open back coach")
    sim.say("start my back routine")
    sim.say("ready")  # the plank's first sets
    turn = sim.say("do that set again, my form was garbage")
    speech = " ".join(turn.speech.split())
    assert not AUDIO.search(turn.ssml) and PAIN_RULE in speech and speech.endswith("?")
    assert PHRASES.raw("nav.again") in speech
    assert AUDIO.search(sim.say("yes").ssml)


@pytest.mark.parametrize(
    "said",
    ["I'm all settled, you can start whenever you like", "I have come on the mat, please start"],
)
def test_in_dialog_ready_with_an_aside_asks_first_and_then_plays(said):
    _, sim = _regular()
    sim.say("open back coach")
    sim.say("start my back routine")  # the steps, then "ready?"
    turn = sim.say(said)
    assert turn.intent == "ReadyIntent"
    speech = " ".join(turn.speech.split())
    assert not AUDIO.search(turn.ssml) and PAIN_RULE in speech and speech.endswith("?")
    assert AUDIO.search(sim.say("yes").ssml)


def test_in_dialog_a_move_with_listed_words_around_it_plays_as_before():
    _, sim = _regular()
    sim.say("open back coach")
    sim.say("start my back routine")
    turn = sim.say("skip this one mate")
    assert AUDIO.search(turn.ssml) and PAIN_RULE not in turn.speech


def _played(turn) -> set[str]:
    """The exercises the turn's Play directives play."""
    tokens = [d["audioItem"]["stream"]["token"] for d in turn.directives if "audioItem" in d]
    return {token.split(":")[2] for token in tokens}


@pytest.mark.parametrize(
    "aside",
    [
        "skip this one the dog wants out",
        "carry on the dog wants out",
        "do that set again the dog wants out",
        "ach i'm not doing that one skip it",  # a move found in a complaint's words
    ],
)
def test_hands_free_a_move_or_resume_with_an_aside_is_not_understood(aside):
    _, sim = _regular(
        clip_url=lambda handler_input: lambda clip_id: f"https://coach.example/{clip_id}.mp3",
        track_length_s=lambda exercise_id, level: 60.0,
    )
    sim.say("play my back routine")
    sim.wait(20)
    sim.say("alexa pause")
    turn = sim.say(f"tell back coach {aside}")
    assert "didn't catch" in turn.speech and not _played(turn)


def test_hands_free_a_move_with_an_aside_is_not_understood_and_moves_nothing():
    _, sim = _regular(
        clip_url=lambda handler_input: lambda clip_id: f"https://coach.example/{clip_id}.mp3",
        track_length_s=lambda exercise_id, level: 60.0,
    )
    sim.say("play my back routine")
    sim.wait(20)
    first, second = (ex.id for ex in ROUTINE.exercises[:2])
    turn = sim.say("tell back coach skip this one the dog wants out")
    # As any sentence not understood while a track plays: said so, and it plays on.
    assert _played(turn) <= {first} and "didn't catch" in turn.speech
    assert _played(sim.say("tell back coach skip this one")) == {second}


@pytest.mark.parametrize(
    "pending",
    [Pending.HURT_CHECK, Pending.LEAK_CHECK, Pending.MEDICAL_CHECK, Pending.BACK_CHECK,
     Pending.RESUME_ROUTINE],
)  # fmt: skip
def test_a_no_with_an_aside_leaves_a_health_question_or_a_start_open(coach, pending):
    """ "Did anything hurt?" "no, well, the thing on my hip": the words may say what the no
    does not, so the question stays; "pick up there?" "no, ...": its no plays the first set."""
    s = State()
    s.place.pending = pending
    reply = OPERATIONS["AMAZON.NoIntent"](coach, s, Slots(unplaced="the dog wants out"))
    assert "didn't catch" in reply.text and not reply.end_session and not reply.segments
    # A bare no answers it as before.
    s.place.pending = pending
    plain = OPERATIONS["AMAZON.NoIntent"](coach, s, Slots())
    assert "didn't catch" not in plain.text


@pytest.mark.parametrize("pending", [Pending.READY, Pending.REMIND, Pending.SKIP])
def test_a_no_with_an_aside_answers_any_other_question(coach, pending):
    s = State()
    s.place.pending = pending
    reply = OPERATIONS["AMAZON.NoIntent"](coach, s, Slots(unplaced="not required"))
    assert "didn't catch" not in reply.text and not reply.segments
