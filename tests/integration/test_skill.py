"""The skill end to end through its handlers, one Alexa request at a time."""

from __future__ import annotations

import logging
import re

import pytest

from backcoach.skill.alexa.skill_builder import build_skill, handled_intents
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.dialogs import clip_id_of
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.builtins import as_builtin
from tests.helpers import MODEL, Conversation, ends, plain, speech
from tests.integration.conftest import PUBLIC_URL

AUDIO = re.compile(r'<audio src="([^"]+)"/>')


def test_walks_the_whole_routine_and_hears_every_exercise(conv, routine):
    first = conv.launch()
    assert "not intended to supplement or replace advice" in plain(first)
    assert not ends(first)
    conv.intent("StartRoutineIntent")
    heard = [conv.responses[-1]]
    while not ends(conv.responses[-1]):
        # Ready until the routine ends; "How was that?": about right; "Did anything hurt?" and
        # "Want me to remind you?": no.
        last = plain(conv.responses[-1])
        rate = last.endswith("or hard?")
        no = last.endswith(("Did anything hurt?", "at this time."))
        answer = "AMAZON.NoIntent" if no else "RatedRightIntent" if rate else "ReadyIntent"
        heard.append(conv.intent(answer))
        assert len(heard) < 60, "the routine never ended"
    said = " ".join(plain(r) for r in heard)
    clips = [clip_id_of(url) for r in heard for url in AUDIO.findall(speech(r))]
    assert clips == [  # each block: its lead-in (after the steps, the long one), its sets
        *["lead-in-long", "reps-pelvic_extension-5-3s-both"],
        *["lead-in-long", "hold-5s", "rest-20s-hold-2of3", "hold-5s"],
        *["lead-in", "hold-5s"],
        *["lead-in-long", "reps-butt_lifter-5-right", "switch-10s-left", "reps-butt_lifter-5-left"],
        *["lead-in-long", "reps-lifting_lunge-4-right", "switch-10s-left"],
        "reps-lifting_lunge-4-left",
        *["lead-in-long", "reps-steamroller-10-both"],
    ]
    assert all(
        url.startswith(PUBLIC_URL + "/audio/") for r in heard for url in AUDIO.findall(speech(r))
    )
    for exercise in routine.exercises:
        for step in exercise.steps:
            assert step in said, step
    assert "That's all five exercises" in said
    assert conv.attributes == {}  # session over


def test_every_open_response_ends_with_a_question_and_has_a_reprompt(conv):
    conv.launch()
    for name in ["StartRoutineIntent", "ReadyIntent", "ProgressIntent", "Help", "Next"]:
        conv.intent(name)
    for response in conv.responses:
        body = response["response"]
        assert body["shouldEndSession"] is False
        assert body["reprompt"]["outputSpeech"]["ssml"]
        assert plain(response).rstrip().endswith("?")


def test_pain_stops_at_once_and_offers_skip_or_end(conv):
    conv.launch()
    conv.intent("StartExerciseIntent", exercise="forearm plank")
    response = conv.intent("PainIntent")
    text = plain(response)
    assert "stopping the plank" in text
    assert "consult your physician" in text
    assert "How bad is it, from 0 to 10? Or say next exercise, or stop" in text
    unclear = conv.intent("Yes")  # how bad, or skip, or stop? a bare yes is asked again
    assert "or say next exercise, or stop" in plain(unclear) and not ends(unclear)
    skipped = conv.intent("Next")
    assert "the butt lifter" in plain(skipped)


def test_start_and_describe_by_any_name_people_use(conv):
    conv.launch()
    response = conv.intent("StartExerciseIntent", exercise="glute bridge")
    assert "the pelvic extension" in plain(response)
    described = conv.intent("DescribeExerciseIntent", exercise="knee to elbow")
    assert "lace your fingers" in plain(described)
    unknown = conv.intent("DescribeExerciseIntent", exercise="burpee")
    assert "I don't know that exercise" in plain(unknown)


def test_fallback_never_dead_ends(conv):
    conv.launch()
    response = conv.intent("AMAZON.FallbackIntent")
    assert "didn't catch" in plain(response)
    assert not ends(response)
    other = conv.intent("SomeIntentWeNeverDefined")
    assert "didn't catch" in plain(other) and not ends(other)


@pytest.mark.parametrize("name", ["Stop", "Cancel", "NavigateHome"])
def test_stop_and_cancel_end_politely(conv, name):
    conv.launch()
    response = conv.intent(name)
    assert ends(response)
    assert "Take care of your back" in plain(response)


def test_session_ended_and_system_events_get_no_speech(conv):
    conv.launch()
    ended = conv.request(env.session_ended_request("ERROR", {"type": "INVALID_RESPONSE"}))
    assert speech(ended) == ""
    event = conv.request(env.exception_encountered())
    assert speech(event) == ""


def test_a_one_shot_request_from_a_new_user_hears_the_disclaimer_first(conv):
    response = conv.intent("StartExerciseIntent", exercise="plank")
    assert plain(response).startswith("Before we start: This coaching is not intended")
    assert "the plank" in plain(response)
    assert "not intended" not in plain(conv.intent("ReadyIntent"))


def test_disclaimer_once_per_session(conv):
    conv.launch()
    again = conv.intent("StartRoutineIntent")
    assert "not intended to supplement" not in plain(again)


class BrokenStore:
    """A store that fails, to prove exceptions become a spoken apology."""

    def load(self, handler_input):
        raise RuntimeError("disk on fire")

    def save(self, handler_input, state):
        raise AssertionError("never reached")

    load_stream = load


def test_handler_exception_becomes_an_apology_with_a_reprompt(routine, phrases, caplog):
    skill = build_skill(routine, phrases, store=BrokenStore())
    conv = Conversation(in_process(skill))
    with caplog.at_level(logging.ERROR):
        response = conv.launch()
    assert "something went wrong" in plain(response)
    assert response["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert not ends(response)
    assert any("disk on fire" in (r.exc_text or "") for r in caplog.records)


def test_player_events_are_answered_without_speech(conv):
    response = conv.request(env.player_event("AudioPlayer.PlaybackStarted", "t", 0))
    assert "outputSpeech" not in response["response"]


def test_every_model_intent_has_a_handler():
    lang = MODEL["interactionModel"]["languageModel"]
    # A built-in's companion is answered as the built-in (domain/builtins.py).
    declared = {as_builtin(intent["name"]) for intent in lang["intents"]}
    assert declared <= handled_intents(), declared - handled_intents()
    custom = {name for name in handled_intents() if not name.startswith("AMAZON.")}
    assert custom <= declared, custom - declared


# -- hands-free: the stream answers questions while it plays ------------------------------


def play_directive(response: dict) -> dict:
    (directive,) = response["response"]["directives"]
    assert directive["type"] == "AudioPlayer.Play"
    return directive


def test_the_stream_opening_says_how_to_talk_to_the_skill_while_it_plays(conv):
    opening = plain(conv.intent("HandsFreeIntent"))
    assert "Alexa, pause" in opening and "Alexa, tell Back Coach" in opening


def test_a_question_while_the_stream_plays_is_answered_and_it_plays_on_from_there(conv):
    conv.sim.player.length_s = conv.audio_s
    conv.intent("HandsFreeIntent")
    token = conv.sim.player.token
    conv.sim.wait(30)
    response = conv.intent("WhatsNextIntent")
    assert "After the pelvic extension comes the plank" in plain(response)
    assert "Would you like" not in plain(response) and ends(response)
    stream = play_directive(response)["audioItem"]["stream"]
    assert play_directive(response)["playBehavior"] == "REPLACE_ALL"
    assert (stream["token"], stream["offsetInMilliseconds"]) == (token, 30_000)


def test_anything_not_understood_during_the_stream_stops_it_and_asks_whether_it_hurt(conv):
    """On a device a fallback carries no words: it may be a symptom (issue 18). "No" offers
    the stream again, and its yes plays on from where it stopped."""
    conv.sim.player.length_s = conv.audio_s
    conv.intent("HandsFreeIntent")
    token = conv.sim.player.token
    conv.sim.wait(30)
    response = conv.intent("AMAZON.FallbackIntent")
    assert "didn't catch" in plain(response) and "Did something hurt?" in plain(response)
    assert not ends(response) and conv.sim.player.activity != "PLAYING"
    offered = conv.intent("AMAZON.NoIntent")
    assert "Shall I resume it?" in plain(offered) and not ends(offered)
    stream = play_directive(conv.intent("AMAZON.YesIntent"))["audioItem"]["stream"]
    assert (stream["token"], stream["offsetInMilliseconds"]) == (token, 30_000)


def test_yes_to_whether_it_hurt_during_the_stream_stops_for_pain(conv):
    conv.intent("HandsFreeIntent")
    conv.intent("AMAZON.FallbackIntent")
    response = conv.intent("AMAZON.YesIntent")
    assert "stopping the pelvic extension" in plain(response) and not ends(response)
    assert conv.sim.player.activity != "PLAYING"


def test_the_skill_takes_the_time_from_the_request_so_a_day_can_pass(conv):
    conv.intent("HandsFreeIntent")
    conv.intent("Pause")
    conv.sim.advance(26 * 3600)
    response = conv.intent("Resume")
    assert "for more than a day" in plain(response) and not ends(response)
    assert not response["response"].get("directives")
    assert plain(conv.intent("Yes")).startswith("Back to the pelvic extension")
