"""CanFulfillIntentRequest (name-free requests, Alexa+ routing): answered from the request
alone, with no read or write of anyone's stored state."""

from __future__ import annotations

import pytest

from backcoach.skill.alexa.skill_builder import build_skill, handled_intents
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests.unit.test_model import FlakyAdapter

ROUTINE = load_routine()
NLU = Nlu.load()
CUSTOM = sorted(i for i in handled_intents() if not i.startswith("AMAZON.") and i != "ReportIntent")
"""Custom intents that mean something without words (ReportIntent is its words: below)."""


class CountingAdapter(FlakyAdapter):
    """A stored row that counts every read and write."""

    def __init__(self):
        super().__init__()
        self.saved = {"coach": {"schema_version": 4, "disclaimer_heard": True}}
        self.calls = 0

    def get_attributes(self, request_envelope):
        self.calls += 1
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        self.calls += 1
        super().save_attributes(request_envelope, attributes)


def ask(intent: str, slots: dict | None = None) -> tuple[dict, CountingAdapter]:
    adapter = CountingAdapter()
    skill = build_skill(ROUTINE, load_phrases("en-US"), adapter=adapter)
    request = {**env.intent_request(intent, slots), "type": "CanFulfillIntentRequest"}
    request.pop("dialogState")
    response = in_process(skill)(env.Caller().envelope(request, session_id=None))
    return response["response"]["canFulfillIntent"], adapter


@pytest.mark.parametrize("intent", CUSTOM)
def test_every_custom_intent_is_answered_without_touching_the_store(intent):
    answer, adapter = ask(intent)
    assert answer["canFulfill"] == "YES"
    assert adapter.calls == 0 and adapter.saved["coach"] == {
        "schema_version": 4,
        "disclaimer_heard": True,
    }


def test_a_builtins_words_with_words_around_them_are_not_taken_without_our_name():
    """ "okay pause it there" is pause said to whatever plays: a companion (builtins.py) is a
    custom intent, but Alexa must not route a built-in's words to Back Coach by them."""
    pause = NLU.understand("okay pause it there for me")
    assert pause.intent == "PauseWrappedIntent"
    answer, adapter = ask(pause.intent, pause.slots)
    assert answer["canFulfill"] == "NO" and adapter.calls == 0


def test_a_report_is_fulfilled_when_its_words_say_something_wrong():
    hurts = NLU.understand("lord my knee is having a right old moan")
    assert hurts.intent == "ReportIntent"
    answer, adapter = ask(hurts.intent, hurts.slots)
    assert answer["canFulfill"] == "YES" and adapter.calls == 0
    nothing = NLU.understand("i fancy a cup of tea")
    assert nothing.intent == "ReportIntent"
    assert ask(nothing.intent, nothing.slots)[0]["canFulfill"] == "NO"
    # A command found in a complaint's words (commands.py) is answered in our session only.
    command = NLU.understand("oh this is a lot for me can you make it easier")
    assert command.intent == "ReportIntent"
    assert ask(command.intent, command.slots)[0]["canFulfill"] == "NO"


def test_slots_the_model_knows_are_understood_and_an_unknown_exercise_is_a_no():
    plank = NLU.understand("start the plank")
    answer, _ = ask(plank.intent, plank.slots)
    assert answer == {
        "canFulfill": "YES",
        "slots": {"exercise": {"canUnderstand": "YES", "canFulfill": "YES"}},
    }
    burpee = env.slot("exercise", "burpee", authority="a", match=None)
    answer, _ = ask("StartExerciseIntent", {"exercise": burpee})
    assert answer["canFulfill"] == "NO" and answer["slots"]["exercise"]["canFulfill"] == "NO"


def test_pain_in_any_words_is_always_answered():
    odd = env.slot("body_part", "left pinky toe", authority="a", match=None)
    answer, _ = ask("PainIntent", {"body_part": odd})
    assert answer["canFulfill"] == "YES"
    assert answer["slots"]["body_part"] == {"canUnderstand": "MAYBE", "canFulfill": "YES"}


def test_an_intent_we_do_not_have_is_a_no():
    assert ask("OrderPizzaIntent")[0]["canFulfill"] == "NO"


def test_a_start_with_words_no_value_lists_is_a_no_and_a_symptom_among_them_a_yes():
    """Unplaced words never start a set (intents.STARTS); a symptom among them is pain."""
    unknown = NLU.understand("tell me a joke")
    assert unknown.intent == "ReadyIntent"
    assert unknown.resolved_slots()["state"][1] == "ER_SUCCESS_NO_MATCH"
    assert ask(unknown.intent, unknown.slots)[0]["canFulfill"] == "NO"
    sore = NLU.understand("my elbow is sore please start")
    assert ask(sore.intent, sore.slots)[0]["canFulfill"] == "YES"
    ready = NLU.understand("okay i'm in position you can start")
    assert ready.intent == "ReadyIntent"
    assert ask(ready.intent, ready.slots)[0]["canFulfill"] == "YES"
