"""A minimal ask-sdk skill behind Flask, read and written with Back Coach's serializer and orjson.

The baseline issue 22 names: ASK's dispatch and model classes with the plumbing the skill
itself uses, so the skill's turn divided by this one is what Back Coach does on top of ASK.
"""

from __future__ import annotations

import orjson
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, request

from backcoach.skill.web.serializer import EnvelopeSerializer
from benchmarks.baselines.minimal_ask import skill
from benchmarks.baselines.serve import serve

serializer = EnvelopeSerializer()
app = Flask(__name__)


@app.post("/alexa")
def alexa():
    envelope = serializer.from_data(orjson.loads(request.get_data()), RequestEnvelope)
    response = skill.invoke(request_envelope=envelope, context=None)
    return Response(orjson.dumps(serializer.serialize(response)), mimetype="application/json")


if __name__ == "__main__":
    serve(app)
