"""Reminders by voice (issue 24, point 1): offered once at a good session's end, the
permission asked for by voice, the reminder set, moved, listed and stopped through the
Reminders API (a local stand-in); a refusal or a failure said once and not offered again for
a week; "stop" never ends on the offer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from backcoach.skill.alexa.reminders import PERMISSION
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.alexa_apis import TOKEN, alexa_apis
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain import reminding
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests import language_answers

ROUTINE = load_routine()
PHRASES = load_phrases("en-US")
OFFER = "Want me to remind you? I can do three times a week, at this time."


@pytest.fixture
def person():
    """A person on an Echo whose Alexa APIs are a local stand-in, on a Monday evening."""
    with alexa_apis({}) as api:
        people = language_answers.People()
        skill = build_skill(ROUTINE, PHRASES, adapter=people)
        sim = Simulator(in_process(skill), state=SessionState())
        sim.caller.api_endpoint, sim.caller.api_access_token = api.url, TOKEN
        sim.state.later_s = (datetime(2026, 12, 7, 18, 30, tzinfo=UTC) - sim.now()).total_seconds()
        yield sim, api, people


def finish_a_session(sim: Simulator):
    """The last exercise, rated about right: a good session's natural end."""
    sim.say("Alexa, ask back coach to start the steamroller")
    return sim.say("about right")


@pytest.mark.parametrize(
    ("days", "now", "expected"),
    [
        (3, datetime(2026, 12, 7, 18, 32), (("MO", "WE", "SA"), 18, 30)),  # a Monday
        (2, datetime(2026, 12, 9, 7, 58), (("WE", "SU"), 8, 0)),
        (7, datetime(2026, 12, 9, 23, 58), (("MO", "TU", "WE", "TH", "FR", "SA", "SU"), 0, 0)),
        (1, datetime(2026, 12, 13, 12, 0), (("SU",), 12, 0)),
    ],
)
def test_the_days_spread_over_the_week_from_today_at_this_time(days, now, expected):
    assert reminding.schedule(days, now) == expected


def test_offered_at_a_good_sessions_end_and_set_once_allowed(person):
    sim, api, _ = person
    assert finish_a_session(sim).speech.endswith(OFFER)
    asked = sim.say("yes")  # not yet allowed: Alexa is asked to ask; the simulator refuses
    assert "no reminders then" in asked.speech and api.reminders == {}
    sim.caller.granted = frozenset({PERMISSION})
    sim.state.later_s += 8 * 86400
    assert finish_a_session(sim).speech.endswith(OFFER)
    turn = sim.say("yes")
    assert "I'll remind you on Tuesdays, Thursdays and Sundays at 6:3" in turn.speech
    (sent,) = api.reminders.values()
    assert sent["trigger"]["recurrence"]["recurrenceRules"][0].startswith(
        "FREQ=WEEKLY;BYDAY=TU,TH,SU;BYHOUR=18;BYMINUTE=3"
    )
    assert turn.ends_session


def test_stop_at_the_last_exercise_ends_without_the_offer(person):
    sim, _, _ = person
    sim.say("Alexa, ask back coach to start the steamroller")
    turn = sim.say("stop")
    assert "remind" not in turn.speech and turn.ends_session


def test_a_session_with_pain_ends_without_the_offer(person):
    sim, _, _ = person
    sim.say("Alexa, ask back coach to start the steamroller")
    sim.say("it was hard")
    sim.say("Alexa, ask back coach to start the plank")
    turn = sim.say("my knee hurts")
    assert "remind" not in turn.speech


@pytest.mark.parametrize(
    ("setup", "said"),
    [
        ({"full": True}, "Your reminder list is full"),
        ({"failing": 503}, "I couldn't set up the reminder just now"),
        ({"failing": 429}, "I couldn't set up the reminder just now"),
        ({"refused": True}, "no reminders then"),  # taken back in the Alexa app: 403
    ],
)
def test_a_failure_is_said_once_and_not_offered_again_for_a_week(person, setup, said):
    sim, api, _ = person
    sim.caller.granted = frozenset({PERMISSION})
    for name, value in setup.items():
        setattr(api, name, value)
    finish_a_session(sim)
    turn = sim.say("yes")
    assert said in turn.speech and turn.ends_session
    sim.state.later_s += 3 * 86400
    assert "remind" not in finish_a_session(sim).speech


def test_moved_listed_and_stopped_by_voice(person):
    sim, api, people = person
    sim.caller.granted = frozenset({PERMISSION})
    sim.say("Alexa, ask back coach to remind me")
    (first,) = api.reminders
    sim.state.later_s += 3600
    assert "7:30 pm" in sim.say("Alexa, ask back coach to change my reminder").speech
    assert first not in api.reminders and len(api.reminders) == 1, "replaced, not added"
    assert "Your reminder rings on" in sim.say("Alexa, ask back coach what are my reminders").speech
    assert "stopped" in sim.say("Alexa, ask back coach to stop reminding me").speech
    assert api.reminders == {}
    assert "no reminders" in sim.say("Alexa, ask back coach what are my reminders").speech


def test_a_reminder_deleted_in_the_alexa_app_is_forgotten(person):
    sim, api, _ = person
    sim.caller.granted = frozenset({PERMISSION})
    sim.say("Alexa, ask back coach to remind me")
    api.reminders.clear()  # the person deleted it in the Alexa app
    assert "no reminders" in sim.say("Alexa, ask back coach what are my reminders").speech


def test_delete_my_data_asks_then_deletes_the_rows_and_the_reminders(person):
    sim, api, people = person
    sim.caller.granted = frozenset({PERMISSION})
    sim.say("Alexa, ask back coach to remind me")
    assert api.reminders and people.rows
    asked = sim.say("Alexa, ask back coach to delete my data")
    assert "for good" in asked.speech and not asked.ends_session
    kept = sim.say("no")
    assert "kept everything" in kept.speech and api.reminders and people.rows
    sim.say("delete my data")
    done = sim.say("yes")
    assert "Everything Back Coach kept about you is deleted" in done.speech and done.ends_session
    assert api.reminders == {}
    assert not any(row.get("coach") for row in people.rows.values()), "nothing saved after"


def test_disabling_the_skill_deletes_its_reminders_too(person):
    sim, api, _ = person
    sim.caller.granted = frozenset({PERMISSION})
    sim.say("Alexa, ask back coach to remind me")
    assert api.reminders
    sim.send({"type": "AlexaSkillEvent.SkillDisabled", "body": {}}, in_session=False)
    assert api.reminders == {}


@pytest.mark.parametrize(
    ("said", "rings"),
    [
        ("remind me at seven thirty pm", "at 7:30 pm"),
        ("change my reminder to 7 am", "at 7 am"),
        ("remind me in the evening", "at 7 pm"),
        ("set a reminder for noon", "at 12 pm"),
        # As Alexa's slot type reference gives AMAZON.TIME ("four in the morning", "two p m").
        ("remind me at four in the morning", "at 4 am"),
        ("can you change my reminder to quarter past nine at night", "at 9:15 pm"),
    ],
)
def test_a_time_said_is_when_it_rings(person, said, rings):
    sim, api, _ = person
    sim.caller.granted = frozenset({PERMISSION})
    assert rings in sim.say(f"Alexa, ask back coach to {said}").speech
    (sent,) = api.reminders.values()
    hour = int(rings.split()[1].split(":")[0]) % 12 + (12 if rings.endswith("pm") else 0)
    assert f"BYHOUR={hour};" in sent["trigger"]["recurrence"]["recurrenceRules"][0]


@pytest.mark.parametrize(
    ("said", "rings", "byday"),
    [
        (
            "remind me on tuesdays and thursdays at seven pm",
            "on Tuesdays and Thursdays at 7 pm",
            "TU,TH",
        ),
        ("remind me every day at 8 am", "every day at 8 am", "MO,TU,WE,TH,FR,SA,SU"),
        (
            "change my reminder to weekdays",
            "on Mondays, Tuesdays, Wednesdays, Thursdays and Fridays",
            "MO,TU,WE,TH,FR",
        ),
    ],
)
def test_the_days_said_are_the_days_it_rings(person, said, rings, byday):
    sim, api, _ = person
    sim.caller.granted = frozenset({PERMISSION})
    assert rings in sim.say(f"Alexa, ask back coach to {said}").speech
    (sent,) = api.reminders.values()
    assert f"BYDAY={byday};" in sent["trigger"]["recurrence"]["recurrenceRules"][0]
