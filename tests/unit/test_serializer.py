"""EnvelopeSerializer builds what ASK's DefaultSerializer builds, from the parsed body."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.audioplayer import PlayDirective

from backcoach.skill.alexa.respond import to_response
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.domain.hands_free import Play, Stop
from backcoach.skill.domain.reply import Reply
from backcoach.skill.web.serializer import EnvelopeSerializer, parse_datetime

CALLER = env.Caller()
SLOT = env.slot(
    "exercise", "bird dog", authority="amzn1.er-authority.x", match=("BIRD", "bird dog")
)
REQUESTS = {
    "launch": env.launch_request(),
    "intent with a slot": env.intent_request("StartExerciseIntent", {"exercise": SLOT}),
    "intent without a match": env.intent_request(
        "PainIntent", {"bodyPart": env.slot("bodyPart", "knee", authority="a", match=None)}
    ),
    "session ended with an error": env.session_ended_request(
        "ERROR", {"type": "INVALID_RESPONSE", "message": "bad"}
    ),
    "playback started": env.player_event("AudioPlayer.PlaybackStarted", "t1", 1500),
    "playback failed": env.player_event("AudioPlayer.PlaybackFailed", "t1", 20),
    "next button": env.player_event("PlaybackController.NextCommandIssued"),
    "exception encountered": env.exception_encountered(),
}


def envelope(request: dict, **changes) -> dict:
    """An in-session envelope with attributes, player state and `changes` to the request."""
    out = CALLER.envelope(
        request,
        session_id="s",
        attributes={"state": {"at": [1, 2], "done": None}, "n": 3.5},
        audio_player={"playerActivity": "PLAYING", "token": "t1", "offsetInMilliseconds": 9},
    )
    out["request"].update(changes)
    return out


def ask_reads(data: dict) -> RequestEnvelope:
    """The reference: what ASK's own serializer makes of the same body."""
    return DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)


@pytest.mark.parametrize("name", REQUESTS)
def test_every_request_reads_as_ask_reads_it(name):
    data = envelope(REQUESTS[name])
    ours = EnvelopeSerializer().from_data(data, RequestEnvelope)
    assert ours == ask_reads(data)
    assert type(ours.request) is type(ask_reads(data).request)
    assert EnvelopeSerializer().serialize(ours) == DefaultSerializer().serialize(ask_reads(data))


def test_a_serializer_reads_many_requests_alike():
    serializer = EnvelopeSerializer()  # its tables are filled by the first request
    for request in [*REQUESTS.values(), *REQUESTS.values()]:
        data = envelope(request)
        assert serializer.from_data(data, RequestEnvelope) == ask_reads(data)


def test_fields_ask_does_not_know_are_kept_as_they_came():
    data = envelope(env.intent_request("AboutIntent"), futureField={"x": 1})
    request = EnvelopeSerializer().from_data(data, RequestEnvelope).request
    assert isinstance(request, IntentRequest)
    assert request.futureField == {"x": 1} == ask_reads(data).request.futureField


@pytest.mark.parametrize(
    "stamp,expected",
    [
        ("2026-11-24T10:00:00Z", datetime(2026, 11, 24, 10, tzinfo=UTC)),
        ("2026-11-24T10:00:00.250Z", datetime(2026, 11, 24, 10, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-24T11:00:00+01:00", datetime(2026, 11, 24, 10, tzinfo=UTC)),
        ("2026-11-24T10:00:00", datetime(2026, 11, 24, 10)),
        # Not ISO 8601: read by dateutil, as ASK reads it.
        ("24 Nov 2026 10:00:00 UTC", datetime(2026, 11, 24, 10, tzinfo=UTC)),
    ],
)
def test_times_are_read_as_ask_reads_them(stamp, expected):
    assert parse_datetime(stamp) == expected
    data = envelope(env.launch_request(), timestamp=stamp)
    ours = EnvelopeSerializer().from_data(data, RequestEnvelope).request.timestamp
    theirs = ask_reads(data).request.timestamp
    assert ours == expected == theirs and ours.utcoffset() == theirs.utcoffset()


def test_the_z_suffix_is_utc_not_a_local_time():
    when = parse_datetime("2026-11-24T10:00:00Z")
    assert when.utcoffset() == timedelta(0) and when.tzinfo == UTC


@pytest.mark.parametrize(
    "change",
    [
        {"timestamp": "not a time"},
        {"timestamp": 12},
        {"timestamp": ["2026-11-24T10:00:00Z"]},
        {"type": "Bogus.Request"},
        {"intent": "StartRoutineIntent"},
        {"intent": {"name": "X", "slots": ["not", "a", "map"]}},
    ],
)
def test_malformed_fields_are_refused_with_a_serialization_error(change):
    data = envelope(env.intent_request("StartRoutineIntent"), **change)
    with pytest.raises(SerializationException):
        EnvelopeSerializer().from_data(data, RequestEnvelope)


def test_a_request_without_a_type_is_refused():
    data = envelope(env.launch_request())
    del data["request"]["type"]
    with pytest.raises(SerializationException, match="without its type"):
        EnvelopeSerializer().from_data(data, RequestEnvelope)


def test_responses_serialize_as_ask_serializes_them():
    reply = Reply(
        parts=("Let's go.",),
        reprompt="Ready?",
        card=("Back Coach", "Bird dog"),
        directives=(Stop(clear_queue=True), Play("t2", "track-bird", 1200, "ENQUEUE", "t1")),
    )
    response = to_response(reply, ResponseFactory(), lambda clip: f"https://x/{clip}.mp3")
    assert any(isinstance(d, PlayDirective) for d in response.directives)
    ours = EnvelopeSerializer().serialize(response)
    assert ours == DefaultSerializer().serialize(response)
    assert ours["directives"][-1]["audioItem"]["stream"]["expectedPreviousToken"] == "t1"
