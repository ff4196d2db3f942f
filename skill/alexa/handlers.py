"""ASK request handlers: one class per intent family, each a thin shell over the Coach."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, get_slot
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode

from backcoach.skill.alexa.base import PLAYER_PREFIXES, CoachHandler, Deps
from backcoach.skill.alexa.respond import to_response
from backcoach.skill.domain.coach import Reply, State

log = logging.getLogger(__name__)

EXERCISE_SLOT = "exercise"


def exercise_slot(handler_input: HandlerInput) -> str | None:
    """The exercise id Alexa resolved, else what was heard, else None."""
    slot = get_slot(handler_input, EXERCISE_SLOT)
    if slot is None or not slot.value:
        return None
    for authority in (slot.resolutions.resolutions_per_authority or []) if slot.resolutions else []:
        if authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return slot.value.strip().lower().replace(" ", "_")


class IntentFamilyHandler(CoachHandler):
    """Handles a family of intents, each mapped to the name of a Coach operation."""

    intents: dict[str, str] = {}

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            get_request_type(handler_input) == "IntentRequest"
            and get_intent_name(handler_input) in self.intents
        )

    def operation(self, handler_input: HandlerInput) -> Callable[[State], Reply]:
        """The Coach operation this intent calls."""
        return getattr(self.deps.coach, self.intents[get_intent_name(handler_input)])

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run(handler_input, self.operation(handler_input))


class LaunchHandler(CoachHandler):
    """Opening the skill: welcome, and the disclaimer for a new user."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "LaunchRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run(handler_input, self.deps.coach.launch)


class RoutineHandler(IntentFamilyHandler):
    """Starting, doing and pausing the routine."""

    intents = {
        "StartRoutineIntent": "start_routine",
        "ReadyIntent": "ready",
        "AMAZON.PauseIntent": "pause",
        "AMAZON.ResumeIntent": "resume",
    }


class NavigationHandler(IntentFamilyHandler):
    """Moving between exercises and asking where you are."""

    intents = {
        "AMAZON.NextIntent": "next",
        "AMAZON.PreviousIntent": "previous",
        "AMAZON.RepeatIntent": "repeat",
        "AMAZON.StartOverIntent": "start_over",
        "WhatsNextIntent": "whats_next",
        "ProgressIntent": "progress",
    }


class InfoHandler(IntentFamilyHandler):
    """Help and questions about the routine."""

    intents = {
        "AMAZON.HelpIntent": "help",
        "ListExercisesIntent": "list_exercises",
        "SafetyIntent": "safety",
        "AboutIntent": "about",
        "StatsIntent": "stats",
        "AMAZON.LoopOnIntent": "not_available",
        "AMAZON.LoopOffIntent": "not_available",
        "AMAZON.ShuffleOnIntent": "not_available",
        "AMAZON.ShuffleOffIntent": "not_available",
    }


class SafetyHandler(IntentFamilyHandler):
    """Pain stops the exercise at once."""

    intents = {"PainIntent": "pain"}


class DoseHandler(IntentFamilyHandler):
    """Too easy or too hard."""

    intents = {"EasierIntent": "easier", "HarderIntent": "harder"}


class AnswerHandler(IntentFamilyHandler):
    """Yes and no to the last question."""

    intents = {"AMAZON.YesIntent": "yes", "AMAZON.NoIntent": "no"}


class ExitHandler(IntentFamilyHandler):
    """Stop, cancel and going home end politely."""

    intents = {
        "AMAZON.StopIntent": "stop",
        "AMAZON.CancelIntent": "stop",
        "AMAZON.NavigateHomeIntent": "stop",
    }


class ExerciseHandler(IntentFamilyHandler):
    """Intents naming an exercise: start it, or hear how it's done."""

    intents = {"StartExerciseIntent": "start_exercise", "DescribeExerciseIntent": "describe"}

    def operation(self, handler_input: HandlerInput) -> Callable[[State], Reply]:
        named = super().operation(handler_input)
        exercise_id = exercise_slot(handler_input)
        return lambda state: named(state, exercise_id)


class FallbackHandler(CoachHandler):
    """Anything not understood, including intents we have no handler for, never dead-ends."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "IntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run(handler_input, self.deps.coach.fallback)


class SessionEndedHandler(AbstractRequestHandler):
    """The session is over: log why, answer without speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "SessionEndedRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request.reason, "value", request.reason)
        log.info("session ended: %s %s", reason, request.error or "")
        return handler_input.response_builder.response


class SkillDisabledHandler(AbstractRequestHandler):
    """The person disabled the skill: everything kept about them is deleted."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "AlexaSkillEvent.SkillDisabled"

    def handle(self, handler_input: HandlerInput) -> Response:
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
            log.info("skill disabled: the user's data was deleted")
        except AttributesManagerException:
            log.info("skill disabled: nothing is kept beyond sessions")
        return handler_input.response_builder.response


class SilentEventHandler(AbstractRequestHandler):
    """Events that get no speech (player and system events): logged, answered empty."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) not in ("LaunchRequest", "IntentRequest")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        if get_request_type(handler_input) == "System.ExceptionEncountered":
            log.error("Alexa reported an error: %s (cause: %s)", request.error, request.cause)
        else:
            log.info("event %s answered without speech", get_request_type(handler_input))
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Any exception in a handler: logged with its traceback, answered with an apology."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed: %s", exception, exc_info=exception)
        builder = handler_input.response_builder
        if get_request_type(handler_input).startswith(PLAYER_PREFIXES):
            return builder.response
        coach = self.deps.coach
        key = "error.store" if isinstance(exception, PersistenceException) else "error.apology"
        question = coach.say("ask.continue")
        reply = Reply((coach.say(key), question), reprompt=question)
        return to_response(reply, builder)
