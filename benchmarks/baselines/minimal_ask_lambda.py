"""A minimal ask-sdk skill on Lambda: one handler, the SDK's own Lambda handler and serializer.

It repeats minimal_ask.py's handler rather than importing it: this file is copied alone into
the task root, and minimal_ask.py builds a Flask app, which a minimal Lambda skill has not."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder


class Answer(AbstractRequestHandler):
    """The one handler: a fixed line for every request."""

    def can_handle(self, handler_input) -> bool:
        return True

    def handle(self, handler_input):
        return (
            handler_input.response_builder.speak("Welcome.").set_should_end_session(False).response
        )


builder = CustomSkillBuilder()
builder.add_request_handler(Answer())
lambda_handler = builder.lambda_handler()
