"""Interceptors around every handler."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput

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
    """Sets the time `request_clock` gives for this request."""

    def process(self, handler_input: HandlerInput) -> None:
        _request_time.set(request_time(handler_input))


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
