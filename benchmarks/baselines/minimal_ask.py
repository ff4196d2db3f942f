"""A minimal ask-sdk skill behind Flask: one handler, the SDK's serializer."""

from __future__ import annotations

import json

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, request

from benchmarks.baselines.serve import serve


class Answer(AbstractRequestHandler):
    """The one handler: a fixed line for every request (the benchmark's turns are intents)."""

    def can_handle(self, handler_input) -> bool:
        return True

    def handle(self, handler_input):
        return (
            handler_input.response_builder.speak("Welcome.").set_should_end_session(False).response
        )


builder = CustomSkillBuilder()
builder.add_request_handler(Answer())
skill = builder.create()
serializer = DefaultSerializer()
app = Flask(__name__)


@app.post("/alexa")
def alexa():
    envelope = serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
    response = skill.invoke(request_envelope=envelope, context=None)
    return Response(json.dumps(serializer.serialize(response)), mimetype="application/json")


if __name__ == "__main__":
    serve(app)
