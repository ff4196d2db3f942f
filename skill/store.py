"""Where a person's coaching state is kept between turns."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from .coach import State
from .routine import Routine

STATE_KEY = "coach"


class SessionStore:
    """Keeps the coach state in the session's attributes (forgotten when the session ends)."""

    def __init__(self, routine: Routine):
        self.routine = routine

    def load(self, handler_input: HandlerInput) -> State:
        """The state carried by this request's session, or a fresh one."""
        attributes = handler_input.attributes_manager.session_attributes or {}
        return State.from_dict(attributes.get(STATE_KEY), self.routine)

    def save(self, handler_input: HandlerInput, state: State) -> None:
        """Carry the state into the next request of this session."""
        handler_input.attributes_manager.session_attributes[STATE_KEY] = state.to_dict()
