"""A request whose save lost a race is run again, from the load, on what is stored now."""

from __future__ import annotations

import copy
import logging
import random
import time
from contextvars import ContextVar

import ask_sdk_core.skill
import orjson
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.skill import CustomSkill

from backcoach.skill.domain.deadline import RESERVE_S, turn_deadline
from backcoach.skill.domain.stored import StaleWrite

ATTEMPTS = 8
"""Runs of one request at most: each lost race means another request for the same person was
saved, so a run only loses as often as others win. One person usually makes at most two at
once (a voice turn and a player event), but an account without voice profiles is shared by
everyone on its Echos."""
BACKOFF_S = 0.004
"""After the n-th lost race, wait up to n times this (at random), so that writers who keep
meeting stop meeting; a few milliseconds against a turn's hundreds."""

log = logging.getLogger(__name__)

_last_attempt: ContextVar[bool] = ContextVar("backcoach_last_attempt", default=True)


def last_attempt() -> bool:
    """Whether the request being handled will not be run again if its save loses a race."""
    return _last_attempt.get()


class JsonAttributesManager(AttributesManager):
    """ASK's AttributesManager, copying the session attributes as the JSON they are (one
    orjson round trip, in C) instead of with copy.deepcopy (4 % of a turn's CPU)."""

    def __init__(self, request_envelope, persistence_adapter=None):
        session = getattr(request_envelope, "session", None)
        attributes = session.attributes if session is not None else None
        if session is None or not attributes:
            super().__init__(request_envelope, persistence_adapter)
            return
        session.attributes = None  # nothing for ASK to deepcopy
        try:
            super().__init__(request_envelope, persistence_adapter)
        finally:
            session.attributes = attributes
        self.session_attributes = json_copy(attributes)


def json_copy(attributes: dict) -> dict:
    """A copy of session attributes, which are JSON: through orjson, in C (deepcopy if a test
    built them from something else)."""
    try:
        return orjson.loads(orjson.dumps(attributes))
    except TypeError:
        return copy.deepcopy(attributes)


# CustomSkill.invoke makes each run's AttributesManager by this module name (ASK 1.19.0,
# pinned and frozen): every skill in the process gets the JSON copy.
ask_sdk_core.skill.AttributesManager = JsonAttributesManager


class RetryingSkill(CustomSkill):
    """A CustomSkill that runs a request again when its save raised StaleWrite.

    The coach's operations are pure functions of the stored state, the session the request
    carries and its timestamp, so running one again on fresh rows is the merge: nothing
    either request did is lost, and nothing is done twice. Each run gets a fresh
    AttributesManager (ASK copies the session attributes from the envelope), so a lost run
    leaves no trace; on the last run a lost race is answered like any failed save
    (ApologyHandler).
    """

    def invoke(self, request_envelope, context):
        # Every run of the request shares one deadline (domain/deadline.py): a run that would
        # start with too little of it left for a read and a save is the last one.
        with turn_deadline() as turn:
            for attempt in range(1, ATTEMPTS + 1):
                last = attempt == ATTEMPTS or turn.remaining_s() < 4 * RESERVE_S
                token = _last_attempt.set(last)
                try:
                    return super().invoke(request_envelope, context)
                except StaleWrite as lost:
                    log.info("run %d of %d lost a race, running again: %s", attempt, ATTEMPTS, lost)
                finally:
                    _last_attempt.reset(token)
                time.sleep(random.uniform(0, BACKOFF_S * attempt))
        raise AssertionError("unreachable: the last run's StaleWrite goes to ApologyHandler")
