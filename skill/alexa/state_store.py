"""Where a person's coaching state is kept: the session, and the persistence adapter."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from backcoach.skill.alexa.retry import json_copy
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.hands_free import PLAYER_REQUESTS, HandsFree, Stream
from backcoach.skill.domain.opening import begin_session
from backcoach.skill.domain.state import Place, State
from backcoach.skill.domain.stored import APPEND_HISTORY, StoredRow

STATE_KEY = "coach"
"""Key of the coach state in session and persistent attributes."""
STREAM_KEY = "player"
"""Key of the hands-free stream's position in persistent attributes."""
KEEP_STORED = "backcoach.keep_stored"
"""Request attribute: the persistent keys whose rows a newer release wrote (left untouched)."""
NOT_LOADED = "backcoach.not_loaded"
"""Request attribute: the store could not be read, so this request runs on the session alone
and nothing is written back over the stored rows."""
TOLD_NOT_SAVED = "not_saved_told"
"""Session attribute: the person has heard, this session, that progress could not be saved."""


def restore_arrival(handler_input: HandlerInput) -> None:
    """Put the session attributes back as the request brought them: the turn did not happen.

    The AttributesManager works on a copy of the envelope's session attributes, so the
    envelope still holds them as they arrived (the retry in retry.py relies on it too)."""
    if _session(handler_input) is None:
        return
    arrived = handler_input.request_envelope.session.attributes or {}
    handler_input.attributes_manager.session_attributes = json_copy(arrived)


def not_loaded(handler_input: HandlerInput) -> bool:
    """Whether this request runs without the stored profile (the store could not be read)."""
    return bool(handler_input.attributes_manager.request_attributes.get(NOT_LOADED))


def tell_not_saved_once(handler_input: HandlerInput) -> bool:
    """Whether to say, now, that progress could not be saved (once per session)."""
    session = _session(handler_input)
    if session is None:
        return True
    if session.get(TOLD_NOT_SAVED):
        return False
    session[TOLD_NOT_SAVED] = True
    return True


def _keep_if_newer(handler_input: HandlerInput, key: str, row: object) -> None:
    """Remember, for this request, not to write back a row a newer release wrote."""
    if StoredRow.is_newer(row):
        kept = handler_input.attributes_manager.request_attributes.setdefault(KEEP_STORED, set())
        kept.add(key)


def _kept(handler_input: HandlerInput, key: str) -> bool:
    return key in handler_input.attributes_manager.request_attributes.get(KEEP_STORED, ())


def _session(handler_input: HandlerInput) -> dict | None:
    """The session attributes, or None for requests outside a session."""
    if handler_input.request_envelope.session is None:
        return None
    return handler_input.attributes_manager.session_attributes


def _user(handler_input: HandlerInput) -> str:
    """The request's user id ('' when it carries none)."""
    context = handler_input.request_envelope.context
    system = context.system if context else None
    return system.user.user_id if system and system.user else ""


def _guest(handler_input: HandlerInput) -> dict | None:
    """The row a guest's session carries (profile and place together), else None."""
    carried = (_session(handler_input) or {}).get(STATE_KEY)
    return carried if isinstance(carried, dict) and carried.get("guest") is True else None


def carried_place(handler_input: HandlerInput) -> Place | None:
    """The place this request's session carries (None outside a session or before one)."""
    session = handler_input.request_envelope.session
    row = (session.attributes or {}).get(STATE_KEY) if session else None
    return None if row is None else Place.from_row(row, "session place")[0]


class SessionStore:
    """Keeps the whole state in the session's attributes (forgotten when the session ends)."""

    def __init__(self, coach: Coach):
        self.coach = coach
        self.streams: dict[str, dict] = {}
        """With no persistent store, streams are kept in memory per user (this process)."""

    def load_stream(self, handler_input: HandlerInput) -> Stream:
        return Stream.read(self.streams.get(_user(handler_input)))

    def save_stream(self, handler_input: HandlerInput, stream: Stream) -> None:
        self.streams[_user(handler_input)] = stream.to_row()

    def load(self, handler_input: HandlerInput) -> State:
        """The state carried by this request's session, or a fresh one."""
        carried = (_session(handler_input) or {}).get(STATE_KEY)
        # The profile rides along in the same row as the place: each reads its own fields.
        state = State.load(self.coach.routine, carried, carried)
        if carried is None:
            begin_session(self.coach, state)
        return state

    def fallback(self, handler_input: HandlerInput) -> State:
        """The same as load: the session never fails."""
        return self.load(handler_input)

    def save(self, handler_input: HandlerInput, state: State) -> None:
        """Carry the state into the next request of this session."""
        session = _session(handler_input)
        if session is not None:
            session[STATE_KEY] = {**state.profile.to_row(), **state.place.to_row()}


class PersistentStore:
    """What lasts (the profile: levels, history, where you stopped) in persistent attributes,
    per person; the place in this conversation in the session's attributes."""

    def __init__(self, coach: Coach):
        self.coach = coach

    def load(self, handler_input: HandlerInput) -> State:
        """Profile from the store, with this session's place; new sessions begin. A guest's
        session carries its own profile (opening.as_guest): the store's is not theirs."""
        guest = _guest(handler_input)
        if guest is not None:
            return State.load(self.coach.routine, guest, guest)
        saved = handler_input.attributes_manager.persistent_attributes.get(STATE_KEY)
        _keep_if_newer(handler_input, STATE_KEY, saved)
        carried = (_session(handler_input) or {}).get(STATE_KEY)
        state = State.load(self.coach.routine, saved, carried)
        if carried is None:
            stopped = HandsFree(self.coach).stopped_stream(self.load_stream(handler_input))
            kind = str(getattr(handler_input.request_envelope.request, "object_type", ""))
            voice = not kind.startswith(PLAYER_REQUESTS)
            begin_session(self.coach, state, stopped.exercise_id if stopped else "", voice)
        return state

    def fallback(self, handler_input: HandlerInput) -> State:
        """The store could not be read: the place this session carries, with an empty profile
        marked as not loaded (never written back over the stored one)."""
        handler_input.attributes_manager.request_attributes[NOT_LOADED] = True
        guest = _guest(handler_input)
        if guest is not None:
            return State.load(self.coach.routine, guest, guest)
        carried = (_session(handler_input) or {}).get(STATE_KEY)
        state = State.load(self.coach.routine, None, carried)
        if carried is None:
            begin_session(self.coach, state)
        # Unknown, not unheard: a safety answer is not the moment for the whole disclaimer.
        state.profile.disclaimer_heard = True
        return state

    def load_stream(self, handler_input: HandlerInput) -> Stream:
        """The hands-free stream's saved position (none known when the store is down)."""
        if not_loaded(handler_input):
            return Stream.read(None)
        row = handler_input.attributes_manager.persistent_attributes.get(STREAM_KEY)
        _keep_if_newer(handler_input, STREAM_KEY, row)
        return Stream.read(row)

    def save_stream(self, handler_input: HandlerInput, stream: Stream) -> None:
        """Remember the stream's position (written once, by SaveInterceptor); never from a
        guest's session (the stream is the account's)."""
        if _guest(handler_input) is not None:
            return
        if not _kept(handler_input, STREAM_KEY) and not not_loaded(handler_input):
            handler_input.attributes_manager.persistent_attributes[STREAM_KEY] = stream.to_row()

    def save(self, handler_input: HandlerInput, state: State) -> None:
        """Profile to persistent attributes, with the sessions it closed for the store to
        append to the history (written once, by SaveInterceptor); place to session. A guest's
        profile rides in the session with the place, and the store is left as it was."""
        session = _session(handler_input)
        if state.place.guest:
            if session is not None:
                session[STATE_KEY] = {**state.profile.to_row(), **state.place.to_row()}
            return
        if not _kept(handler_input, STATE_KEY) and not not_loaded(handler_input):
            persistent = handler_input.attributes_manager.persistent_attributes
            persistent[STATE_KEY] = state.profile.to_row()
            closed = state.profile.history.closed
            if closed:
                persistent[APPEND_HISTORY] = list(closed)
        if session is not None:
            session[STATE_KEY] = state.place.to_row()
