"""Interceptors around every handler."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput

_request_time: ContextVar[datetime | None] = ContextVar("backcoach_request_time", default=None)


def request_clock() -> datetime:
    """Now, for the request being handled: its `request.timestamp`, else the machine's clock.

    Alexa stamps every request; with verification on that stamp is within 150 s of our clock
    (verify.py), and with `backcoach serve --no-verify` the simulator can move time on
    (a dialog script's `advance:` step), in-process and over HTTP alike.
    """
    return _request_time.get() or datetime.now(UTC)


class ClockInterceptor(AbstractRequestInterceptor):
    """Sets the time `request_clock` gives for this request."""

    def process(self, handler_input: HandlerInput) -> None:
        stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
        if isinstance(stamp, datetime):
            stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
        _request_time.set(stamp if isinstance(stamp, datetime) else None)


class SaveInterceptor(AbstractResponseInterceptor):
    """Saves persistent attributes once per request, after the handler (ASK never does)."""

    def process(self, handler_input: HandlerInput, response) -> None:
        handler_input.attributes_manager.save_persistent_attributes()
