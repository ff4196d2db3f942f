"""Interceptors around every handler."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput

if TYPE_CHECKING:
    from backcoach.skill.alexa.time_zones import TimeZones


SAVE_FAILED = "backcoach.save_failed"
"""Request attribute: saving the persistent attributes failed (the turn must not advance)."""

_request_time: ContextVar[datetime | None] = ContextVar("backcoach_request_time", default=None)


def request_clock() -> datetime:
    """Now, for the request being handled: its `request.timestamp`, else the machine's clock.

    Alexa stamps every request; with verification on that stamp is within 150 s of our clock
    (verify.py), and with `backcoach serve --no-verify` the simulator can move time on
    (a dialog script's `advance:` step), in-process and over HTTP alike.
    """
    return _request_time.get() or datetime.now(UTC)


def request_time(handler_input: HandlerInput) -> datetime | None:
    """The request's `timestamp`, in UTC (None when it carries none)."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if not isinstance(stamp, datetime):
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


class ClockInterceptor(AbstractRequestInterceptor):
    """Sets the time `request_clock` gives for this request: in the device's time zone when
    `time_zones` knows it, so that days turn over at the person's midnight."""

    def __init__(
        self,
        time_zones: TimeZones | None = None,
        may_wait: Callable[[HandlerInput], bool] = lambda handler_input: True,
    ) -> None:
        self.time_zones, self.may_wait = time_zones, may_wait

    def process(self, handler_input: HandlerInput) -> None:
        stamp = request_time(handler_input)
        if stamp is not None and self.time_zones is not None:
            system = getattr(handler_input.request_envelope.context, "system", None)
            # A safety answer waits on nothing (`may_wait`): it takes the zone if known.
            zone = self.time_zones.zone(system, ask=self.may_wait(handler_input))
            stamp = stamp.astimezone(zone)
        _request_time.set(stamp)


class SaveInterceptor(AbstractResponseInterceptor):
    """Saves persistent attributes once per request, after the handler (ASK never does)."""

    def process(self, handler_input: HandlerInput, response) -> None:
        try:
            handler_input.attributes_manager.save_persistent_attributes()
        except Exception:
            # ASK hands the exception to the exception handlers (ApologyHandler), which
            # answer on a fresh response with the session as it arrived.
            handler_input.attributes_manager.request_attributes[SAVE_FAILED] = True
            raise
