"""Interceptors around every handler."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput


class SaveInterceptor(AbstractResponseInterceptor):
    """Saves persistent attributes once per request, after the handler (ASK never does)."""

    def process(self, handler_input: HandlerInput, response) -> None:
        handler_input.attributes_manager.save_persistent_attributes()
