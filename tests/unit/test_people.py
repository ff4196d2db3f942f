"""Two people, one Echo (issue 23, point 5): with personalisation declared, a recognised
voice keeps its own progress, and the player events of a stream it started (which name only
the account) are that person's too."""

from __future__ import annotations

import pytest

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.hands_free import token_owner
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests import language_answers

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
ANNA = "amzn1.ask.person.ANNA0123456789"
BEN = "amzn1.ask.person.BEN0123456789"


TRACK_S = 60.0


def _tracks(handler_input):
    return lambda clip_id: f"https://coach.example/audio/{clip_id}.mp3"


def _household():
    """One account on one Echo with hands-free tracks of a minute; whoever speaks is set per
    test."""
    people = language_answers.People()
    skill = build_skill(
        ROUTINE, PHRASES, adapter=people, clip_url=_tracks, track_length_s=lambda e, lv: TRACK_S
    )
    sim = Simulator(in_process(skill), state=SessionState(), length_s=lambda url: TRACK_S)
    return people, sim


def _done(people, key: str) -> list[str]:
    latest = people.rows.get(key, {}).get("coach", {}).get("history", {}).get("latest") or {}
    return latest.get("done", [])


def test_a_stream_a_recognised_voice_starts_is_theirs_event_by_event():
    people, sim = _household()
    sim.caller.person_id = ANNA
    sim.say("play my back routine")
    assert token_owner(sim.player.token) == ANNA
    sim.wait(TRACK_S + 5)  # the first track plays to its end: player events, no voice in them
    assert _done(people, ANNA) == [ROUTINE.exercises[0].id]
    assert _done(people, sim.caller.user_id) == [], "nothing lands on the account's row"


def test_without_a_recognised_voice_everything_is_the_account_s():
    people, sim = _household()
    sim.say("play my back routine")
    assert token_owner(sim.player.token) == ""
    sim.wait(TRACK_S + 5)
    assert _done(people, sim.caller.user_id) == [ROUTINE.exercises[0].id]


def test_a_second_voice_on_the_same_echo_is_a_newcomer():
    people, sim = _household()
    sim.caller.person_id = ANNA
    sim.say("open back coach")
    sim.say("stop")
    sim.caller.person_id = BEN
    turn = sim.say("open back coach")
    assert "Before we start" in turn.speech or "Welcome to Back Coach" in turn.speech
    assert set(people.rows) == {ANNA, BEN}


def test_a_token_names_a_person_never_an_account():
    stream = "bc1:back-basics:plank:0:run1"
    assert token_owner(f"{stream}:o={ANNA}") == ANNA
    assert token_owner(f"{stream}:b:o={ANNA}") == ANNA
    assert token_owner(f"{stream}:o=amzn1.ask.account.SOMEONE") == ""
    assert token_owner(f"not-ours:o={ANNA}") == ""
    assert token_owner(stream) == "" and token_owner(None) == ""


def test_a_stream_stays_its_starters_from_track_to_track():
    people, sim = _household()
    sim.caller.person_id = ANNA
    sim.say("play my back routine")
    sim.wait(2 * TRACK_S + 5)  # two tracks, the second enqueued on a player event
    assert token_owner(sim.player.token) == ANNA
    assert _done(people, ANNA) == [e.id for e in ROUTINE.exercises[:2]]
    assert _done(people, sim.caller.user_id) == []


@pytest.mark.parametrize(
    "said",
    [
        "Alexa, next",
        # A built-in's companion (builtins.py) is a stream control as the built-in is.
        "Alexa, tell back coach gosh skip this one",
    ],
)
def test_anyone_in_the_room_moves_a_stream_on_as_its_buttons_do(said):
    people, sim = _household()
    sim.caller.person_id = ANNA
    sim.say("play my back routine")
    sim.wait(5)
    sim.caller.person_id = BEN
    sim.say(said)
    assert sim.player.token and ROUTINE.exercises[1].id in sim.player.token
    assert token_owner(sim.player.token) == ANNA, "still Anna's stream"
    assert BEN not in people.rows, "Ben's own routine is untouched"


def test_next_said_in_a_conversation_is_the_speakers_own():
    people, sim = _household()
    sim.caller.person_id = ANNA
    sim.say("play my back routine")
    sim.wait(5)
    sim.say("Alexa, pause")
    paused = sim.player.token
    sim.caller.person_id = BEN
    sim.say("open back coach")
    sim.say("next")  # inside Ben's session: about his routine, not the paused stream
    assert sim.player.token == paused
    assert BEN in people.rows
