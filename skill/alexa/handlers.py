"""ASK request handlers for the dialog: intents run the operations intents.py maps them to."""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from backcoach.skill.alexa.base import (
    PLAYING,
    REPLY,
    CoachHandler,
    Deps,
    can_speak,
    delete_reminders,
    intent_of,
    is_safety,
    our_stream_in,
    slots_of,
    with_not_saved,
)
from backcoach.skill.alexa.intents import FALLBACK, OPERATIONS, SAFETY, Operation
from backcoach.skill.alexa.interceptors import SAVE_FAILED
from backcoach.skill.alexa.respond import to_response
from backcoach.skill.alexa.retry import last_attempt
from backcoach.skill.alexa.state_store import restore_arrival
from backcoach.skill.domain.hands_free import PLAYER_REQUESTS, Stop
from backcoach.skill.domain.opening import launch
from backcoach.skill.domain.progression import remember_place
from backcoach.skill.domain.reminding import answered
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.screen import track_titles
from backcoach.skill.domain.state import State
from backcoach.skill.domain.stored import StaleWrite

log = logging.getLogger(__name__)


class LaunchHandler(CoachHandler):
    """Opening the skill: welcome, and the disclaimer for a new user."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "LaunchRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run(handler_input, lambda s: launch(self.deps.coach, s))


class IntentHandler(CoachHandler):
    """Every dialog intent: runs the operation OPERATIONS names for it (intents.py)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            get_request_type(handler_input) == "IntentRequest"
            and intent_of(handler_input) in OPERATIONS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        operation = OPERATIONS[intent_of(handler_input)]
        return self.run_operation(handler_input, operation)

    def run_operation(self, handler_input: HandlerInput, operation: Operation) -> Response:
        slots, coach = slots_of(handler_input), self.deps.coach
        stops = intent_of(handler_input) in SAFETY and our_stream_in(handler_input, coach, PLAYING)

        def turn(s: State) -> Reply:
            reply = operation(coach, s, slots)
            if not stops and type(reply.directives) is tuple:
                return reply  # as the copy below would be (dataclasses.replace is not cheap)
            # A dialog opened over a playing stream: stop, pain and red flags stop it too.
            stop = (Stop(clear_queue=True),) if stops else ()
            return replace(reply, directives=(*reply.directives, *stop))

        return self.run(handler_input, turn)


class PermissionAnswerHandler(CoachHandler):
    """Alexa's answer after asking for the reminders permission by voice (Connections.Response
    to AskFor, in the same session): granted sets the reminder, anything else is said once."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        kind = get_request_type(handler_input)
        return kind == "Connections.Response" and getattr(request, "name", None) == "AskFor"

    def handle(self, handler_input: HandlerInput) -> Response:
        payload = getattr(handler_input.request_envelope.request, "payload", None) or {}
        accepted = payload.get("status") == "ACCEPTED"
        return self.run(handler_input, lambda s: answered(self.deps.coach, s, accepted))


class FallbackHandler(IntentHandler):
    """Anything not understood, including intents we have no handler for, never dead-ends."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "IntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run_operation(handler_input, FALLBACK)


class SessionEndedHandler(CoachHandler):
    """The session is over (often a timeout while someone gets into position): keep the
    place to the set, answer without speech. Why it ended is in the request's log line."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "SessionEndedRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        state = self.load(handler_input)
        remember_place(self.deps.coach, state)
        self.deps.store.save(handler_input, state)
        return handler_input.response_builder.response


class DeletionPending(Exception):
    """The person disabled the skill but the store is down: their data is not deleted yet,
    so the event is answered with an error and Alexa delivers it again."""


class SkillDisabledHandler(AbstractRequestHandler):
    """The person disabled the skill: everything kept about them is deleted, this skill's
    reminders first (as far as the event's token still reaches the Reminders API)."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) == "AlexaSkillEvent.SkillDisabled"

    def handle(self, handler_input: HandlerInput) -> Response:
        delete_reminders(self.deps, handler_input)
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
            log.info("skill disabled: the user's data was deleted")
        except AttributesManagerException:
            log.info("skill disabled: nothing is kept beyond sessions")
        except PersistenceException as error:
            # Never acknowledged as done; logged without the user id.
            log.warning("skill disabled, but the store is down (%s): not deleted yet", error)
            raise DeletionPending("the store is down: deliver SkillDisabled again") from error
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
    """Any exception in a handler, or in saving after it: logged with its traceback and
    answered on a fresh response.

    The turn did not happen: the session attributes go back to what the request brought
    (so "next" while the database is locked does not move on), and the apology says so.
    Safety answers are the exception (issue #11): when only their save failed, Stop, Cancel
    and pain are still given, with a sentence that progress could not be saved, and keep the
    session they describe; a player event gets its directives (a pause still stops), never
    speech.
    """

    def __init__(self, deps: Deps):
        self.deps = deps

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        if isinstance(exception, StaleWrite):
            return last_attempt()  # before that, the request is run again (retry.py)
        return not isinstance(exception, DeletionPending)  # that one must reach Alexa

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed: %s", exception, exc_info=exception)
        request_attributes = handler_input.attributes_manager.request_attributes
        save_failed = bool(request_attributes.get(SAVE_FAILED))
        given: Reply | None = request_attributes.get(REPLY)
        handler_input.response_builder = builder = ResponseFactory()
        if save_failed and given is not None and is_safety(handler_input):
            # The safety answer stands, with the session it describes.
            if can_speak(handler_input):
                given = with_not_saved(self.deps.coach, given)
            else:
                given = Reply((), directives=given.directives)
            titles = partial(track_titles, self.deps.coach)
            return to_response(given, builder, self.deps.clip_url(handler_input), titles)
        restore_arrival(handler_input)
        if get_request_type(handler_input).startswith(PLAYER_REQUESTS):
            # Playback goes on as the handler meant it to; only its position is not saved.
            directives = given.directives if save_failed and given is not None else ()
            clip_url = self.deps.clip_url(handler_input)
            titles = partial(track_titles, self.deps.coach)
            return to_response(Reply((), directives=directives), builder, clip_url, titles)
        if get_request_type(handler_input) == "SessionEndedRequest":
            return builder.response
        coach = self.deps.coach
        if save_failed:
            key = "error.save"
        elif isinstance(exception, PersistenceException):
            key = "error.store"
        else:
            key = "error.apology"
        question = coach.say("ask.continue")
        reply = Reply((coach.say(key), question), reprompt=question)
        return to_response(reply, builder)
