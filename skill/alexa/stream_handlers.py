"""ASK handlers for hands-free mode: AudioPlayer events, playback buttons, voice commands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type, get_supported_interfaces
from ask_sdk_model import Response

from backcoach.skill.alexa.base import (
    ACTIVE,
    EXERCISE_SLOT,
    PLAYING,
    CoachHandler,
    Deps,
    intent_of,
    is_safety,
    our_stream_in,
    slot_id,
    slots_of,
    stamp,
)
from backcoach.skill.alexa.intents import CONFIRMS, MOVES, OPERATIONS, Slots
from backcoach.skill.alexa.reports import REPORT
from backcoach.skill.alexa.state_store import carried_place
from backcoach.skill.domain.builtins import as_builtin
from backcoach.skill.domain.hands_free import (
    PLAYER_REQUESTS,
    HandsFree,
    Position,
    Stream,
    parse_token,
)
from backcoach.skill.domain.info import asked_as_a_stream_stopped
from backcoach.skill.domain.opening import check_first, doctor_first, with_opening_notes
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Pending, Phase, State

log = logging.getLogger(__name__)

"""Player activities in which an answer lets the stream play on."""

Operation = Callable[[HandsFree, State, Stream], Reply]


def cleared(operation: Operation) -> Operation:
    """A command that plays a track: after a red flag, the doctor question instead (a button's
    event, which cannot be spoken to, then plays nothing)."""
    return lambda hf, s, st: doctor_first(hf.coach, s) or operation(hf, s, st)


COMMANDS: dict[str, Operation] = {
    "PainIntent": lambda hf, s, st: hf.pain(s, st),
    "RedFlagIntent": lambda hf, s, st: hf.red_flag(s, st, urgent=False),
    "UrgentIntent": lambda hf, s, st: hf.red_flag(s, st, urgent=True),
    "ConditionIntent": lambda hf, s, st: hf.condition(s, st),
    "LeakIntent": lambda hf, s, st: hf.leak(s, st),
    "AMAZON.PauseIntent": lambda hf, s, st: hf.pause(st),
    "WaitIntent": lambda hf, s, st: hf.wait(st),
    "FeelWorseIntent": lambda hf, s, st: hf.pain(s, st),
    "AMAZON.ResumeIntent": cleared(lambda hf, s, st: hf.resume(s, st)),
    "AMAZON.NextIntent": cleared(lambda hf, s, st: hf.move(s, st, +1)),
    "AMAZON.PreviousIntent": cleared(lambda hf, s, st: hf.move(s, st, -1)),
    "AMAZON.RepeatIntent": cleared(lambda hf, s, st: hf.move(s, st, 0)),
    "AgainIntent": cleared(lambda hf, s, st: hf.move(s, st, 0)),
    "AMAZON.StartOverIntent": cleared(lambda hf, s, st: hf.move(s, st, None)),
    "AMAZON.StopIntent": lambda hf, s, st: hf.stop_after(s, st),
    "AMAZON.CancelIntent": lambda hf, s, st: hf.stop_after(s, st),
    "AMAZON.NavigateHomeIntent": lambda hf, s, st: hf.stop_after(s, st),
    "StepByStepIntent": cleared(lambda hf, s, st: hf.to_dialog(s, st)),
    "AMAZON.LoopOnIntent": lambda hf, s, st: hf.not_available(),
    "AMAZON.LoopOffIntent": lambda hf, s, st: hf.not_available(),
    "AMAZON.ShuffleOnIntent": lambda hf, s, st: hf.not_available(),
    "AMAZON.ShuffleOffIntent": lambda hf, s, st: hf.not_available(),
    "PlaybackController.PauseCommandIssued": lambda hf, s, st: hf.pause(st),
    # A button cannot be asked a question: pressing play is the yes to an old stream.
    "PlaybackController.PlayCommandIssued": cleared(
        lambda hf, s, st: hf.resume(s, st, confirmed=True)
    ),
    "PlaybackController.NextCommandIssued": cleared(lambda hf, s, st: hf.move(s, st, +1)),
    "PlaybackController.PreviousCommandIssued": cleared(lambda hf, s, st: hf.move(s, st, -1)),
}

Question = Callable[[HandsFree, State, Stream, Position, str | None], Reply]
"""A question about the stream: the operation, given where the player is and the exercise
the request named (if any)."""


def _cleared(question: Question) -> Question:
    """A question whose answer plays: after a red flag, the doctor question instead."""
    return lambda hf, s, st, at, ex: doctor_first(hf.coach, s) or question(hf, s, st, at, ex)


def _explained(intent: str) -> Question:
    """A question the dialog's operation answers, answered for the exercise playing."""
    operation = OPERATIONS[intent]
    return lambda hf, s, st, at, ex: hf.explain(
        s, st, at, lambda coach, scratch: operation(coach, scratch, Slots())
    )


EXPLAINED = (
    "SetsLeftIntent",
    "HoldTimeIntent",
    "FormIntent",
    "TempoIntent",
    "ListExercisesIntent",
    "SafetyIntent",
    "AboutIntent",
    "StatsIntent",
    "SourceIntent",
    "ThanksIntent",
    "FeelBetterIntent",
)
"""Questions about the routine the dialog already answers well: the stream answers them the
same way, for the exercise playing, and plays on."""

QUESTIONS: dict[str, Question] = {
    **{intent: _explained(intent) for intent in EXPLAINED},
    "ReadyIntent": _cleared(lambda hf, s, st, at, ex: hf.ready(s, st, at)),
    "StartRoutineIntent": _cleared(lambda hf, s, st, at, ex: hf.ready(s, st, at)),
    "StartExerciseIntent": _cleared(lambda hf, s, st, at, ex: hf.jump(s, st, ex)),
    "WhatsNextIntent": lambda hf, s, st, at, ex: hf.whats_next(s, st, at),
    "ProgressIntent": lambda hf, s, st, at, ex: hf.how_much_left(s, st, at),
    "DescribeExerciseIntent": lambda hf, s, st, at, ex: hf.describe(s, st, at, ex),
    "AMAZON.HelpIntent": lambda hf, s, st, at, ex: hf.help(s, st, at),
    "EasierIntent": lambda hf, s, st, at, ex: hf.relevel(s, st, at, -1),
    "HarderIntent": lambda hf, s, st, at, ex: hf.relevel(s, st, at, +1),
    "AMAZON.FallbackIntent": lambda hf, s, st, at, ex: hf.fallback(s, st, at),
}
"""Everything else said while the stream plays or is paused ("Alexa, tell Back Coach what's
next", "I'm ready", "start the plank"), answered about the stream: one mode at a time, so
nothing starts a step-by-step exercise over it."""

EVENTS = frozenset(
    {
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackFailed",
    }
)


def on_event(kind: str, request, hf: HandsFree, s: State, st: Stream) -> Reply:
    """One AudioPlayer event: what the hands-free mode does about it."""
    token = getattr(request, "token", "") or ""
    offset = int(getattr(request, "offset_in_milliseconds", 0) or 0)
    if kind == "AudioPlayer.PlaybackStarted":
        return hf.reported(st, token, offset, "PLAYING")
    if kind == "AudioPlayer.PlaybackStopped":
        return hf.reported(st, token, offset, "STOPPED")
    if kind == "AudioPlayer.PlaybackNearlyFinished":
        return hf.nearly_finished(s, st, token)
    if kind == "AudioPlayer.PlaybackFinished":
        return hf.finished(s, st, token)
    log.warning("playback failed for %s at %d ms: %s", token, offset, request.error)
    return hf.failed(st, token, offset)


AFTER_PAIN = frozenset(
    {"AMAZON.NextIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"}
    | {"PainIntent", "RedFlagIntent", "UrgentIntent"}
)
"""After a pain stop in a stream, what goes on hands-free: the next exercise's track, or
stopping. Anything else ("resume", "yes") is the dialog's: it never resumes what hurt."""


def _stopped_for_pain(handler_input: HandlerInput) -> bool:
    """Whether this session is at a pain stop that came during a hands-free stream."""
    place = carried_place(handler_input)
    return place is not None and place.phase == Phase.PAIN and place.hands_free


def _asked_as_it_stopped(handler_input: HandlerInput) -> bool:
    """Whether this session stopped a stream to ask "did something hurt?": a command said
    instead of yes or no answers it, about the stream ("resume" plays on from there)."""
    place = carried_place(handler_input)
    return place is not None and asked_as_a_stream_stopped(place)


def in_dialog(handler_input: HandlerInput) -> bool:
    """Whether a step-by-step conversation is under way in this session."""
    session = handler_input.request_envelope.session
    if session is None or session.new:
        return False
    place = carried_place(handler_input)
    return place is not None and place.phase != Phase.IDLE


class StreamHandler(CoachHandler):
    """Base: load the coach state and the stream, run, save both, respond."""

    def __init__(self, deps: Deps):
        super().__init__(deps)
        self.hands_free = HandsFree(deps.coach, deps.track_length_s, deps.set_starts_s)

    def exchange(self, handler_input: HandlerInput, operation: Operation) -> Reply:
        """Load the state and the stream, run the operation, save both."""
        store = self.deps.store
        try:
            state, stream = store.load(handler_input), store.load_stream(handler_input)
        except PersistenceException as error:
            if not is_safety(handler_input):
                raise
            log.warning("store unavailable, stopping or answering from the session: %s", error)
            state, stream = store.fallback(handler_input), self.stream_from_context(handler_input)
        stamp(state, handler_input)
        reply = operation(self.hands_free, state, stream)
        store.save(handler_input, state)
        store.save_stream(handler_input, stream)
        return reply

    def stream_from_context(self, handler_input: HandlerInput) -> Stream:
        """With the store down, the stream as the request's player context reports it."""
        at = _position(handler_input)
        if parse_token(at.token, self.deps.coach) is None:
            return Stream()
        activity = "PLAYING" if at.playing else "STOPPED"
        return Stream(token=at.token, offset_ms=at.offset_ms, activity=activity)

    def respond(self, handler_input: HandlerInput, reply: Reply) -> Response:
        return self.deliver(handler_input, reply)

    def not_understood(self, handler_input: HandlerInput) -> Response:
        """What a sentence not understood gets while the stream plays or is paused."""
        at = _position(handler_input)
        return self.run_stream(handler_input, lambda hf, s, st: hf.fallback(s, st, at))

    def run_stream(self, handler_input: HandlerInput, operation: Operation) -> Response:
        """Events get directives only; voice commands end the session unless they ask."""
        reply = self.exchange(handler_input, operation)
        if get_request_type(handler_input).startswith(PLAYER_REQUESTS):
            reply = Reply((), directives=reply.directives)
        elif not reply.reprompt:
            reply = replace(reply, end_session=True)
        return self.respond(handler_input, reply)


class HandsFreeStartHandler(StreamHandler):
    """ "Play my back routine": the first track, or dialog mode on a device without a player."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            get_request_type(handler_input) == "IntentRequest"
            and intent_of(handler_input) == "HandsFreeIntent"
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        player = get_supported_interfaces(handler_input).audio_player is not None
        tracks = self.deps.clip_url(handler_input) is not None  # no audio built or served
        coach = self.deps.coach
        reply = self.exchange(
            handler_input,
            lambda hf, s, st: with_opening_notes(
                coach, s, check_first(coach, s) or hf.start(s, st, player, tracks)
            ),
        )
        return self.respond(handler_input, reply)


class StreamCommandHandler(StreamHandler):
    """Pause, resume, next, previous, repeat, start over, stop, loop and shuffle while our
    stream is playing or stopped, by voice or with the device's buttons."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        kind = get_request_type(handler_input)
        if kind.startswith("PlaybackController."):
            return kind in COMMANDS
        if kind != "IntentRequest" or intent_of(handler_input) not in COMMANDS:
            return False
        if not _our_stream_is_active(handler_input, self.deps):
            return False
        return (
            not in_dialog(handler_input)
            or (_stopped_for_pain(handler_input) and intent_of(handler_input) in AFTER_PAIN)
            or _asked_as_it_stopped(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        kind = get_request_type(handler_input)
        name = intent_of(handler_input) if kind == "IntentRequest" else kind
        if kind == "IntentRequest" and _plays_with_an_aside(handler_input):
            return self.not_understood(handler_input)
        return self.run_stream(handler_input, COMMANDS[name])


class StreamOfferHandler(StreamHandler):
    """Yes to "your hands-free routine is paused: shall I resume it?"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if get_request_type(handler_input) != "IntentRequest":
            return False
        if intent_of(handler_input) != "AMAZON.YesIntent":
            return False
        place = carried_place(handler_input)
        return place is not None and place.pending == Pending.RESUME_STREAM

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.run_stream(handler_input, lambda hf, s, st: hf.resume(s, st, confirmed=True))


class StreamQuestionHandler(StreamHandler):
    """What's next, how much is left, how do I do this one, help, too hard or too easy, and
    anything not understood, while our stream plays or is paused: answered about the stream."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            get_request_type(handler_input) == "IntentRequest"
            and intent_of(handler_input) in QUESTIONS
            and _our_stream_is_active(handler_input, self.deps)
            and not in_dialog(handler_input)
            and self.hands_free.answers_about(
                self.deps.store.load_stream(handler_input), _position(handler_input)
            )
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        question = QUESTIONS[intent_of(handler_input)]
        at, exercise_id = _position(handler_input), slot_id(handler_input, EXERCISE_SLOT)
        return self.run_stream(
            handler_input, lambda hf, s, st: question(hf, s, st, at, exercise_id)
        )


class PlayerEventHandler(StreamHandler):
    """AudioPlayer events: remember the position, queue the next track, retry a failure."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) in EVENTS

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        kind = get_request_type(handler_input)
        return self.run_stream(handler_input, lambda hf, s, st: on_event(kind, request, hf, s, st))


PLAYED = frozenset(as_builtin(name) for name in MOVES | CONFIRMS)
"""The commands MOVES and CONFIRMS stand for: each plays a track hands-free."""


def _plays_with_an_aside(handler_input: HandlerInput) -> bool:
    """Whether a move or a start that confirms first (intents.MOVES, CONFIRMS) came with words
    no listed value placed, or was found in a complaint's words ("ach, not that one, skip
    it"): hands-free, where either plays a track, the words may be a symptom, so the sentence
    is not understood (dialog mode asks first instead)."""
    name = get_intent_name(handler_input)
    if not slots_of(handler_input).unplaced:
        return False
    return name in MOVES | CONFIRMS or (name == REPORT and intent_of(handler_input) in PLAYED)


def _our_stream_is_active(handler_input: HandlerInput, deps: Deps) -> bool:
    return our_stream_in(handler_input, deps.coach, ACTIVE)


def _position(handler_input: HandlerInput) -> Position:
    """Where the device's player is, from the request's context.AudioPlayer."""
    context = handler_input.request_envelope.context
    player = context.audio_player if context else None
    if player is None:
        return Position("")
    activity = getattr(player.player_activity, "value", player.player_activity)
    offset = int(player.offset_in_milliseconds or 0)
    return Position(player.token or "", max(0, offset), activity in PLAYING)


def stream_handlers(deps: Deps) -> list:
    """The hands-free handlers, in the order they must be tried (before the dialog ones)."""
    return [
        HandsFreeStartHandler(deps),
        StreamCommandHandler(deps),
        StreamQuestionHandler(deps),
        StreamOfferHandler(deps),
        PlayerEventHandler(deps),
    ]
