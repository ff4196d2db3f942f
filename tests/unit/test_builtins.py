"""Every standard built-in intent, in every phase of the conversation, answers sensibly: the
situations of docs/state-table.md, reached by real requests, each met by every built-in."""

from __future__ import annotations

import copy

import pytest

from backcoach.skill.alexa.intents import OPERATIONS
from backcoach.skill.devtools.state_table import SITUATIONS, Run
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine

BUILT_INS = sorted(i for i in OPERATIONS if i.startswith("AMAZON."))
ASKS_NOTHING = {"AMAZON.PauseIntent", "AMAZON.NoIntent"}
"""A pause, and "no" to "ready?" ("not yet"): nothing asked, so no reprompt."""
ENDS = {"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"}
"""Built-ins that always end the session."""
NEVER_PLAY = {"AMAZON.HelpIntent", "AMAZON.FallbackIntent", "AMAZON.RepeatIntent"}
"""Built-ins that never start a set, anywhere (a misheard sentence never starts one)."""
ASKED_BY_NAME = {"AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.StartOverIntent"}
"""Moves the person names: after pain they may play (the next, or another, exercise); "yes",
"resume" or "repeat" never resume what hurt."""
CHECKS = {"back_check", "medical", "leak"}
"""Situations with a health question open: nothing plays until it is answered."""

RUN = Run(load_routine(), load_phrases("en-US"))
STARTS = {situation.key: RUN.situation(situation)[0] for situation in SITUATIONS}


@pytest.mark.parametrize("situation", sorted(STARTS))
@pytest.mark.parametrize("intent", BUILT_INS)
def test_every_built_in_in_every_phase(situation, intent):
    s = copy.deepcopy(STARTS[situation])
    reply = RUN.request(s, intent)
    assert reply.parts or reply.end_session, "an answer says something, or ends"
    if reply.text.endswith("?"):  # never asked as the session closes, always reprompted
        assert not reply.end_session and reply.reprompt
    if reply.reprompt:  # only after a question, and adding help
        assert not reply.end_session and reply.reprompt.startswith("Still there?")
    elif not reply.end_session:  # open and asking nothing: a wait, listening a while
        assert intent in ASKS_NOTHING and not reply.segments
    if intent in ENDS:
        assert reply.end_session and not reply.segments
    if intent in NEVER_PLAY or situation in CHECKS:
        assert not reply.segments, f"{intent} started a set in {situation}"
    if situation == "pain" and intent not in ASKED_BY_NAME:
        assert not reply.segments, "after pain, only a move asked by name plays anything"
