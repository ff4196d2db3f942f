"""What every handler shares: its injected dependencies and the load-run-save-respond cycle."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Response, Slot
from ask_sdk_model.slu.entityresolution import StatusCode

from backcoach.skill.alexa.feelings import only_fillers
from backcoach.skill.alexa.intents import SAFETY, Slots, countermands, meaning
from backcoach.skill.alexa.interceptors import request_time
from backcoach.skill.alexa.respond import ClipUrl, to_response
from backcoach.skill.alexa.screen_directives import supports_apl
from backcoach.skill.alexa.state_store import not_loaded, tell_not_saved_once
from backcoach.skill.domain import reminding
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import PLAYER_REQUESTS, SetStarts, TrackLength, parse_token
from backcoach.skill.domain.interruptions import arrive
from backcoach.skill.domain.opening import with_opening_notes
from backcoach.skill.domain.progression import remember_place
from backcoach.skill.domain.reminding import Remind
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.screen import ClipLength, screen, track_titles
from backcoach.skill.domain.state import State
from backcoach.skill.domain.whose import attribute_path, person_of

SAFE_EVENTS = frozenset({"SessionEndedRequest", "PlaybackController.PauseCommandIssued"})
"""Requests other than SAFETY intents that never depend on the store: the end of a session,
and the device's pause button (it must stop the player)."""
REPLY = "backcoach.reply"
"""Request attribute: the Reply this turn gives (kept for when its save fails)."""
INTENT = "backcoach.intent"
"""Request attribute: the intent that answers this run of the request (intent_of)."""
SLOTS = "backcoach.slots"
"""Request attribute: what the request's slots named (slots_of)."""

log = logging.getLogger(__name__)

EXERCISE_SLOT = "exercise"
BODY_PART_SLOT = "body_part"
FEELING_SLOT = "feeling"
SCORE_SLOT = "score"
DAYS_SLOT = "days"
BEFORE_SLOT = "before"
WRAPPER_SLOTS = frozenset({BEFORE_SLOT, "after"})
"""The slots of the words around a command: listed fillers one after another ("then love")
are no unplaced words (feelings.only_fillers)."""
"""The words said before a wrapped sentence (model_source.WRAPPERS): read for a take-back."""
TIME_SLOT = "time"
"""When a reminder rings (RemindIntent's AMAZON.TIME)."""
DAY_SLOTS = ("day", "day_two", "day_three")
"""The days a reminder rings (RemindIntent's WEEKDAY slots)."""
"""A number of days a week (GoalIntent): read as the request's number, as a score is."""
CONDITION_SLOT = "condition"
PLACED_SLOTS = frozenset(
    {EXERCISE_SLOT, BODY_PART_SLOT, FEELING_SLOT, SCORE_SLOT, DAYS_SLOT, TIME_SLOT}
    | {CONDITION_SLOT, *DAY_SLOTS}
)
"""Slots whose unlisted words are read as what they are (an exercise we don't have, a body
part or feeling we don't list): the rest carry words around a command (Slots.unplaced)."""


Heard = Mapping[str, tuple[str, str | None]]
"""Each filled slot of a request: the words heard, and the id of the listed value they
resolved to (None: no listed value)."""


def listed_id(slot: Slot | None) -> str | None:
    """The id of the listed value a slot resolved to, else None."""
    if slot is None or not slot.value or not slot.resolutions:
        return None
    for authority in slot.resolutions.resolutions_per_authority or []:
        if authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


def heard_in(request: object) -> Heard:
    """The filled slots of a request's intent (IntentRequest or CanFulfillIntentRequest)."""
    slots = getattr(getattr(request, "intent", None), "slots", None) or {}
    return {name: (slot.value, listed_id(slot)) for name, slot in slots.items() if slot.value}


def named(heard: Heard, name: str) -> str | None:
    """The id a slot resolved to, else what was heard, else None."""
    words, ident = heard.get(name, ("", None))
    return ident or words.strip().lower().replace(" ", "_") or None


def slots_named(heard: Heard) -> Slots:
    """What a request's slots named; words that no listed value placed, outside
    PLACED_SLOTS, are the words around a command (Slots.unplaced), in the slots' order."""
    score = (heard.get(SCORE_SLOT) or heard.get(DAYS_SLOT) or ("", None))[0]
    return Slots(
        named(heard, EXERCISE_SLOT),
        named(heard, BODY_PART_SLOT),
        heard.get(FEELING_SLOT, ("", None))[1],
        " ".join(
            w
            for n, (w, ident) in heard.items()
            if ident is None
            and n not in PLACED_SLOTS
            and not (n in WRAPPER_SLOTS and only_fillers(w))
        ),
        int(score) if score.isdigit() else None,
        " ".join(words for words, _ in heard.values()),
        heard.get(TIME_SLOT, ("", None))[0] or None,
        tuple(ident for name in DAY_SLOTS if (ident := heard.get(name, ("", None))[1])),
        countermands(heard.get(BEFORE_SLOT, ("", None))[0]),
        guessed=any(
            ident is None and (n == CONDITION_SLOT or n not in PLACED_SLOTS | WRAPPER_SLOTS)
            for n, (_, ident) in heard.items()
        ),
        own=" ".join(
            w
            for n, (w, ident) in heard.items()
            if ident is not None and n not in PLACED_SLOTS | WRAPPER_SLOTS
        ),
    )


def slot_id(handler_input: HandlerInput, name: str) -> str | None:
    """The id Alexa resolved for a slot, else what was heard, else None."""
    return named(heard_in(handler_input.request_envelope.request), name)


def slots_of(handler_input: HandlerInput) -> Slots:
    """What the request's slots named, worked out once a request (intent_of and the
    operation both ask; Slots is frozen, so sharing it is safe)."""
    memo = handler_input.attributes_manager.request_attributes
    found = memo.get(SLOTS)
    if found is None:
        found = memo[SLOTS] = slots_named(heard_in(handler_input.request_envelope.request))
    return found


def intent_of(handler_input: HandlerInput) -> str:
    """The intent that answers this request: its name, or for a complaint the one its
    feeling and body part call for (intents.meaning). Worked out once a request: every
    handler's can_handle asks."""
    memo = handler_input.attributes_manager.request_attributes
    found = memo.get(INTENT)
    if found is None:
        found = memo[INTENT] = meaning(get_intent_name(handler_input), slots_of(handler_input))
    return found


def stamp(state: State, handler_input: HandlerInput) -> None:
    """What a loaded state learns from its request and never stores: when it was sent, and
    the person it is (whose.person_of, the store's key when there is one): a stream started
    or moved on carries them in its token."""
    state.arrived = request_time(handler_input)
    state.owner = person_of(handler_input.request_envelope)


def is_safety(handler_input: HandlerInput) -> bool:
    """Whether this request is answered even when the store is down (issue #11)."""
    kind = get_request_type(handler_input)
    if kind == "IntentRequest":
        return intent_of(handler_input) in SAFETY
    return kind in SAFE_EVENTS


def can_speak(handler_input: HandlerInput) -> bool:
    """Whether a reply to this request may speak (not to player events or a session's end)."""
    kind = get_request_type(handler_input)
    return not kind.startswith(PLAYER_REQUESTS) and kind != "SessionEndedRequest"


def with_not_saved(coach: Coach, reply: Reply) -> Reply:
    """The reply plus one sentence that progress could not be saved (before its closing
    question, if it asks one)."""
    sentence = coach.say("error.not_saved")
    if reply.reprompt and reply.parts:
        return replace(reply, parts=(*reply.parts[:-1], sentence, reply.parts[-1]))
    return replace(reply, parts=(*reply.parts, sentence))


@cache
def process_reminders() -> Any:
    """One Reminders API client a process, imported and made when first needed."""
    from backcoach.skill.alexa.reminders import Reminders

    return Reminders()


@dataclass(frozen=True)
class Deps:
    """What every handler needs, injected by the factory."""

    coach: Coach
    store: Any
    """Loads and saves a State for a request (see state_store.py)."""
    clip_url: Callable[[HandlerInput], ClipUrl | None]
    """Gives, for a request, how to link to precomputed clips (None: SSML timing)."""
    track_length_s: TrackLength | None = None
    """How long each hands-free track plays (from the audio catalog; None: estimated)."""
    set_starts_s: SetStarts | None = None
    """Where each set of a hands-free track starts (from the audio catalog; None: unknown)."""
    clip_length_s: ClipLength | None = None
    """How long each built clip plays (from the audio catalog; None: as planned)."""
    reminders: Callable[[], Any] = process_reminders
    """The Alexa Reminders API client (reminders.Reminders), made on first use."""


class CoachHandler(AbstractRequestHandler):
    """Base: load the state, run one coach operation, save, and respond."""

    def __init__(self, deps: Deps):
        self.deps = deps

    def load(self, handler_input: HandlerInput) -> State:
        """The person's state as this request finds it: the last block of sets settled as
        heard or cut short, by the request's timestamp (interruptions.py)."""
        try:
            state = self.deps.store.load(handler_input)
        except PersistenceException as error:
            if not is_safety(handler_input):
                raise
            log.warning("store unavailable, answering from the session: %s", error)
            state = self.deps.store.fallback(handler_input)
        stamp(state, handler_input)
        arrive(state)
        return state

    def run(self, handler_input: HandlerInput, operation: Callable[[State], Reply]) -> Response:
        state = self.load(handler_input)
        reply = operation(state)
        if reply.remind is not None:  # the Reminders API, asked here (the domain is pure)
            reply = remind(self.deps, handler_input, state, reply.remind)
        if reply.forget:  # "delete my data", confirmed: nothing is saved after it
            if not forget_everything(self.deps, handler_input):
                reply = self.deps.coach.end(self.deps.coach.say("forget.failed"))
            return self.deliver(handler_input, reply)
        reply = with_opening_notes(self.deps.coach, state, reply)
        remember_place(self.deps.coach, state)
        self.deps.store.save(handler_input, state)
        if can_speak(handler_input) and supports_apl(handler_input):
            shown = screen(self.deps.coach, state, reply, self.deps.clip_length_s)
            reply = replace(reply, screen=shown)
        return self.deliver(handler_input, reply)

    def deliver(self, handler_input: HandlerInput, reply: Reply) -> Response:
        """The response for a reply; said once, when the store could not be read, that
        progress could not be saved. The reply is kept in case the save fails."""
        if not_loaded(handler_input) and can_speak(handler_input):
            if tell_not_saved_once(handler_input):
                reply = with_not_saved(self.deps.coach, reply)
        handler_input.attributes_manager.request_attributes[REPLY] = reply
        builder = handler_input.response_builder
        return to_response(reply, builder, self.deps.clip_url(handler_input), self.titles)

    def titles(self, token: str) -> tuple[str, str] | None:
        """A hands-free track's title and subtitle, for the screen of a device playing it."""
        return track_titles(self.deps.coach, token)


ACTIVE = frozenset({"PLAYING", "PAUSED", "STOPPED", "BUFFER_UNDERRUN"})
"""Player activities in which voice commands act on our stream."""
PLAYING = frozenset({"PLAYING", "BUFFER_UNDERRUN"})
"""Player activities in which our track is being heard."""


def our_stream_in(handler_input: HandlerInput, coach: Coach, activities: frozenset[str]) -> bool:
    """Whether the device's player holds one of our tracks, in one of these activities."""
    context = handler_input.request_envelope.context
    player = context.audio_player if context else None
    if player is None or player.player_activity is None:
        return False
    activity = getattr(player.player_activity, "value", player.player_activity)
    return activity in activities and parse_token(player.token, coach) is not None


def remind(deps: Deps, handler_input: HandlerInput, state: State, ask: Remind) -> Reply:
    """Make the Reminders API call a reply asks for, and say what came of it: a reminder is
    created only with the permission granted (else Alexa is asked to ask for it by voice),
    replacing the one this skill set before."""
    from backcoach.skill.alexa.reminders import PERMISSION, Outcome, Weekly

    system = handler_input.request_envelope.context.system
    api, coach, profile = deps.reminders(), deps.coach, state.profile
    if ask.action == "create":
        if not ask.allowed and not granted(handler_input, PERMISSION):
            return Reply((), ask_permission=PERMISSION)
        if profile.reminder:
            api.delete(system, profile.reminder)
        now = state.arrived or coach.clock()
        zone = getattr(now.tzinfo, "key", None) or "UTC"
        locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
        weekly = Weekly(ask.days, ask.hour, ask.minute, zone, ask.text, locale)
        outcome, token = api.create(system, weekly, now)
        return reminding.done(coach, state, ask, outcome.value, token)
    if ask.action == "delete":
        return reminding.done(coach, state, ask, api.delete(system, profile.reminder).value)
    outcome, tokens = api.tokens(system)
    if outcome == Outcome.DONE and profile.reminder not in tokens:
        profile.reminder = ""  # deleted in the Alexa app
    return reminding.done(coach, state, ask, outcome.value, profile.reminder)


def granted(handler_input: HandlerInput, scope: str) -> bool:
    """Whether the person has granted the skill a permission (context.System.user)."""
    envelope = handler_input.request_envelope
    scopes = attribute_path(envelope, "context", "system", "user", "permissions", "scopes") or {}
    status = getattr(scopes.get(scope), "status", None)
    return str(getattr(status, "value", status)) == "GRANTED"


def forget_everything(deps: Deps, handler_input: HandlerInput) -> bool:
    """Delete this skill's reminders for the person, then every row kept about them; False
    when the store could not delete (the reminders are gone either way)."""
    delete_reminders(deps, handler_input)
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except AttributesManagerException:
        return True  # nothing is kept beyond sessions
    except PersistenceException as error:
        log.warning("delete my data: the store is down (%s): not deleted yet", error)
        return False
    log.info("delete my data: the user's data was deleted")
    return True


def delete_reminders(deps: Deps, handler_input: HandlerInput) -> None:
    """Delete every reminder this skill set for the person (the API lists only ours), each
    call within the API's deadline; what cannot be deleted now stays in the Alexa app."""
    system = attribute_path(handler_input.request_envelope, "context", "system")
    api = deps.reminders()
    _, tokens = api.tokens(system)
    for token in tokens:
        api.delete(system, token)
