"""CanFulfillIntentRequest: whether Back Coach can answer a request it was not named in.

Alexa (and Alexa+ routing) asks this before sending a name-free request ("Alexa, time my
plank"). The answer must have no side effects: nothing is read from or written to the store,
no state changes. An intent we answer is YES, unless a slot names something we don't have
("start the burpees": no such exercise), a start carries words no value lists
(intents.STARTS), or the words are a built-in's or a command found in a complaint's words
(commands.py), which is NO.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response, Slot
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from ask_sdk_model.slu.entityresolution import StatusCode

from backcoach.skill.alexa.base import EXERCISE_SLOT, heard_in, slots_named
from backcoach.skill.alexa.intents import IN_REPORTS, NOT_UNDERSTOOD, REPORT, meaning
from backcoach.skill.domain.builtins import BUILTIN, as_builtin

REQUEST_TYPE = "CanFulfillIntentRequest"
NAMED = frozenset({EXERCISE_SLOT})
"""Slots that name a thing we must have (an exercise): a value we don't know can't be done.
Other slots (where it hurts, what it feels like) never stop an answer: pain is answered in
any words."""


def _resolved(slot: Slot) -> bool:
    """Whether Alexa matched the slot's value to one of the model's values."""
    authorities = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    return any(
        a.status is not None and a.status.code == StatusCode.ER_SUCCESS_MATCH
        for a in authorities or []
    )


def slot_answer(name: str, slot: Slot) -> CanFulfillSlot:
    """Whether one slot's value is understood, and whether it can be acted on."""
    if _resolved(slot):
        return CanFulfillSlot(CanUnderstandSlotValues.YES, CanFulfillSlotValues.YES)
    if name in NAMED:
        return CanFulfillSlot(CanUnderstandSlotValues.NO, CanFulfillSlotValues.NO)
    return CanFulfillSlot(CanUnderstandSlotValues.MAYBE, CanFulfillSlotValues.YES)


class CanFulfillHandler(AbstractRequestHandler):
    """Answers CanFulfillIntentRequest for the intents the skill handles, from the request
    alone (`known`: the intent names some handler answers)."""

    def __init__(self, known: frozenset[str]):
        self.known = known

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == REQUEST_TYPE

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        intent = getattr(request, "intent", None)
        name = getattr(intent, "name", None) or ""
        filled = {n: s for n, s in ((intent.slots or {}) if intent else {}).items() if s.value}
        slots = {n: slot_answer(n, s) for n, s in filled.items()}
        if name not in self.known or as_builtin(name).startswith(BUILTIN):
            # Alexa asks only about custom intents; a built-in's words (pause, stop) said
            # without our name are not ours to take, whatever words are around them.
            verdict = CanFulfillIntentValues.NO
        elif any(s.can_fulfill == CanFulfillSlotValues.NO for s in slots.values()):
            verdict = CanFulfillIntentValues.NO
        elif (answer := meaning(name, slots_named(heard_in(request)))) == NOT_UNDERSTOOD:
            verdict = CanFulfillIntentValues.NO  # a start with words we'd not act on
        elif name == REPORT and answer in IN_REPORTS:
            # A command found in a complaint's words ("I want to stop the timer") is ours only
            # in our own session: said without our name, it may be another skill's.
            verdict = CanFulfillIntentValues.NO
        else:
            verdict = CanFulfillIntentValues.YES
        builder = handler_input.response_builder
        builder.set_can_fulfill_intent(CanFulfillIntent(verdict, slots or None))
        return builder.response
