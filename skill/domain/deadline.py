"""The turn's deadline: each request is answered within TURN_BUDGET_S whatever a store does."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from backcoach.skill.domain.alexa_limits import ANSWER_TIMEOUT_S

TURN_BUDGET_S = 5.0
"""From the skill's start on a request to its answer: well inside Alexa's 8 s, which also
cover the network both ways and request verification."""
assert TURN_BUDGET_S < ANSWER_TIMEOUT_S

READ_SHARE_S = 1.5
"""The longest a turn waits for a person's row. A safety answer needs no row to be given: a
store slower than this is treated as down, and the answer comes from the session."""
WRITE_SHARE_S = 2.0
"""The longest a turn waits for its save (a busy SQLite file, a slow DynamoDB)."""
RESERVE_S = 0.5
"""Kept after the last store call for the rest of the turn (the answer, the log line)."""


@dataclass
class Turn:
    """One request's deadline (a `clock()` reading) and whether its store already missed it."""

    deadline: float
    clock: Callable[[], float]
    store_missed: bool = False
    """Set once a store call failed or ran out of time: the turn does not try it again."""

    def remaining_s(self) -> float:
        """Seconds left of the budget (never below zero)."""
        return max(0.0, self.deadline - self.clock())

    def allowance_s(self, share_s: float) -> float:
        """How long a store call may wait now: its share, within what the budget leaves
        after the reserve (0: no time, so the call is not made)."""
        if self.store_missed:
            return 0.0
        return max(0.0, min(share_s, self.remaining_s() - RESERVE_S))


_turn: ContextVar[Turn | None] = ContextVar("backcoach_turn", default=None)


def current_turn() -> Turn | None:
    """The deadline of the request being handled (None outside one: tools, tests)."""
    return _turn.get()


def outside_wait_s(cap_s: float) -> float:
    """How long a call to one of Alexa's APIs may wait now: at most `cap_s`, leaving the
    turn's save its share and the reserve (0: no time, so the call is not made; outside a
    turn, `cap_s`)."""
    turn = current_turn()
    if turn is None:
        return cap_s
    return max(0.0, min(cap_s, turn.remaining_s() - WRITE_SHARE_S - RESERVE_S))


@contextmanager
def turn_deadline(
    budget_s: float = TURN_BUDGET_S, clock: Callable[[], float] = time.monotonic
) -> Iterator[Turn]:
    """Run a request against a deadline `budget_s` from now (an enclosing one is kept)."""
    outer = _turn.get()
    if outer is not None:
        yield outer
        return
    turn = Turn(clock() + budget_s, clock)
    token = _turn.set(turn)
    try:
        yield turn
    finally:
        _turn.reset(token)
