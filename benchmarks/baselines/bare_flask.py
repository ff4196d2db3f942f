"""Bare Flask: parse the request's JSON and return a fixed Alexa response."""

from __future__ import annotations

from flask import Flask, jsonify, request

from benchmarks.baselines.serve import serve

REPLY = {
    "version": "1.0",
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>After this comes the next one.</speak>"},
        "shouldEndSession": False,
    },
}

app = Flask(__name__)


@app.post("/alexa")
def alexa():
    envelope = request.get_json(force=True)
    if not isinstance(envelope, dict) or "request" not in envelope:
        return jsonify(error="not an Alexa envelope"), 400
    return jsonify(REPLY)


if __name__ == "__main__":
    serve(app)
