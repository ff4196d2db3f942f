"""A command in a complaint's words (commands.py): found only as the model says it, never a
start or an answer, and read with the words around it as any command is."""

from __future__ import annotations

from backcoach.skill.alexa import commands
from backcoach.skill.alexa.intents import IN_REPORTS, STARTS, Slots, meaning
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.domain.builtins import as_builtin

NLU = Nlu.load()
MODEL = {
    "interactionModel": {
        "languageModel": {
            "intents": [
                {"name": "EasierIntent", "samples": ["{before} make it easier", "easier"]},
                {"name": "ReadyIntent", "samples": ["{before} let's go"]},
                {"name": "AMAZON.RepeatIntent", "samples": ["what was that", "i am lost"]},
                {"name": "GoalIntent", "samples": ["set my goal to {days} days"]},
            ]
        }
    }
}
KNOWN = commands.sentences(MODEL, frozenset({"EasierIntent", "AMAZON.RepeatIntent"}))


def test_the_sentences_are_the_models_commands_of_two_words_or_more_spelled_as_heard():
    assert KNOWN == {
        "make it easier": "EasierIntent",
        "what was that": "RepeatWrappedIntent",
        "i'm lost": "RepeatWrappedIntent",
    }


def test_the_longest_command_is_found_with_the_words_either_side():
    said = "very tough for me can you make it easier please"
    assert commands.command_in(said, frozenset(), KNOWN) == (
        "EasierIntent",
        "very tough for me can you",
        "please",
    )
    assert commands.command_in("sorry what was that", frozenset(), KNOWN) == (
        "RepeatWrappedIntent",
        "sorry",
        "",
    )
    # At most eight words either side, as a wrapper slot takes; one word is no command.
    nine = "one two three four five six seven eight nine"
    assert commands.command_in(f"{nine} make it easier", frozenset(), KNOWN) is None
    assert commands.command_in(f"make it easier {nine}", frozenset(), KNOWN) is None
    assert commands.command_in("easier", frozenset(), KNOWN) is None


def test_no_start_answer_or_complaint_is_looked_for_in_a_complaints_words():
    looked_for = {as_builtin(n) for n in IN_REPORTS}
    assert not looked_for & (STARTS | {as_builtin(n) for n in STARTS})
    assert not looked_for & {"AMAZON.YesIntent", "AMAZON.NoIntent", "PainIntent", "ReportIntent"}
    assert {"EasierIntent", "AMAZON.RepeatIntent", "AMAZON.StopIntent"} <= looked_for


def test_a_complaint_carrier_that_took_a_command_answers_the_command():
    """Where a complaint's carrier takes the sentence ("this is {report}") and its words say
    nothing wrong, a command among them answers; what is wrong is read first."""
    for said, answer in (
        ("um this is too much for me can you make it easier", "EasierIntent"),
        ("sorry the kids were yelling what was that", "AMAZON.RepeatIntent"),
        ("oh my back hurts can you make it easier", "PainIntent"),
        ("i fancy a cup of tea", "AMAZON.FallbackIntent"),
        # A start is never guessed from a complaint's words ...
        ("ugh play the whole thing hands free", "AMAZON.FallbackIntent"),
        # ... but "again" with unlisted words around it is heard, and asks first
        # (test_asides.py).
        ("oh no let's do that set again", "AgainIntent"),
    ):
        assert coverage.answered_by(NLU.understand(said)) == answer, said
    # The words around the command are read as around any: a symptom stops, a take-back
    # leaves it not understood.
    assert meaning("ReportIntent", Slots(unplaced="i'm dizzy can you make it easier")) == (
        "RedFlagIntent"
    )
    took_back = Slots(unplaced="please don't make it easier")
    assert meaning("ReportIntent", took_back) == "AMAZON.FallbackIntent"


def test_listed_fillers_one_after_another_are_no_unplaced_words():
    """Alexa resolves a wrapper slot only when its words are one listed value: "then love"
    is two, unlisted together, yet nothing but words around a command, so a start acts on
    them; other words are no fillers, and a start never acts on them."""
    assert coverage.answered_by(NLU.understand("right, back to it then love")) == (
        "AMAZON.ResumeIntent"
    )
    assert meaning("HandsFreeIntent", Slots(unplaced="the dog")) == "AMAZON.FallbackIntent"
