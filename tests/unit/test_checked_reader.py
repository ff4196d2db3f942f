"""The one walk (CheckedReader.read_checked) accepts only what the two walks accept, and reads
it as they do: every field of many envelopes replaced, removed or added, one at a time."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.web.checked_reader import CheckedReader
from backcoach.skill.web.envelope_shape import envelope_problem
from backcoach.skill.web.serializer import EnvelopeSerializer

CALLER = env.Caller()
SLOT = env.slot("exercise", "bird dog", authority="amzn1.er-authority.x", match=("BIRD", "b"))
REQUESTS = {
    "launch": env.launch_request(),
    "intent with a slot": env.intent_request("StartExerciseIntent", {"exercise": SLOT}),
    "intent without a match": env.intent_request(
        "PainIntent", {"bodyPart": env.slot("bodyPart", "knee", authority="a", match=None)}
    ),
    "built-in slot": env.intent_request("GoalIntent", {"days": env.builtin_slot("days", "3")}),
    "session ended with an error": env.session_ended_request(
        "ERROR", {"type": "INVALID_RESPONSE", "message": "bad"}
    ),
    "playback started": env.player_event("AudioPlayer.PlaybackStarted", "t1", 1500),
    "next button": env.player_event("PlaybackController.NextCommandIssued"),
    "exception encountered": env.exception_encountered(),
    "permission answer": env.permissions_answer(
        "alexa::alerts:reminders:skill:readwrite", "ACCEPTED"
    ),
}
ENVELOPES = {
    name: CALLER.envelope(
        request,
        session_id="s",
        attributes={"coach": {"phase": "intro", "done": ["a"], "at": None}},
        audio_player={"playerActivity": "PLAYING", "token": "t1", "offsetInMilliseconds": 9},
    )
    for name, request in REQUESTS.items()
}
ENVELOPES["out of session"] = CALLER.envelope(
    env.player_event("AudioPlayer.PlaybackNearlyFinished")
)
ENVELOPES["viewports"] = copy.deepcopy(ENVELOPES["launch"])
ENVELOPES["viewports"]["context"]["Viewports"] = [{"type": "APL", "id": "main"}]
ENVELOPES["viewports"]["context"]["Viewport"] = {"pixelWidth": 960, "pixelHeight": 480}
# A field SHAPE rules on below that this request's model does not declare: walked, then kept.
ENVELOPES["launch with an intent"] = copy.deepcopy(ENVELOPES["launch"])
ENVELOPES["launch with an intent"]["request"]["intent"] = REQUESTS["intent with a slot"]["intent"]

REPLACEMENTS = (None, "", "x", 0, 7, -1, 1.5, True, False, [], {}, [{}], ["x"], {"x": 1}, {"": []})


def _paths(value: object, path: tuple = ()) -> Iterator[tuple]:
    """Every key and list index in `value`, outermost first."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    for step, each in items:
        yield (*path, step)
        yield from _paths(each, (*path, step))


def _changed(data: dict, path: tuple, change) -> dict:
    out = copy.deepcopy(data)
    holder = out
    for step in path[:-1]:
        holder = holder[step]
    change(holder, path[-1])
    return out


def _variants(data: dict) -> Iterator[dict]:
    """`data` with one thing changed: a value replaced, a key removed, a key added."""
    for path in _paths(data):
        for new in REPLACEMENTS:
            yield _changed(data, path, lambda holder, step, new=new: holder.__setitem__(step, new))
        if isinstance(path[-1], str):
            yield _changed(data, path, lambda holder, step: holder.pop(step))
        else:
            yield _changed(data, path, lambda holder, step: holder.__delitem__(step))
        yield _changed(data, path[:-1] + ("extra",), _add) if isinstance(path[-1], str) else data


def _add(holder, step) -> None:
    if isinstance(holder, dict):
        holder["object_type"] = "forged"
        holder["futureField"] = {"x": [1]}


def _two_walks(data: dict) -> RequestEnvelope | None:
    """What the endpoint did before the one walk: None where it refuses."""
    if envelope_problem(data):
        return None
    try:
        return EnvelopeSerializer().from_data(data, RequestEnvelope)
    except (SerializationException, TypeError, ValueError, KeyError):
        return None


@pytest.mark.parametrize("name", ENVELOPES)
def test_a_good_envelope_is_read_in_one_walk_as_the_two_walks_read_it(name):
    data = ENVELOPES[name]
    ours = CheckedReader().read_checked(json.loads(json.dumps(data)))
    assert ours is not None
    assert ours == _two_walks(data)
    assert type(ours.request) is type(_two_walks(data).request)


@pytest.mark.parametrize("name", ENVELOPES)
def test_the_one_walk_accepts_nothing_the_two_walks_refuse(name):
    reader = CheckedReader()  # one reader for all, as the endpoint keeps one
    read = 0
    for data in _variants(ENVELOPES[name]):
        ours = reader.read_checked(data)
        if ours is not None:
            read += 1
            theirs = _two_walks(data)
            assert theirs is not None, json.dumps(data)[:400]
            assert ours == theirs and type(ours.request) is type(theirs.request)
    assert read > 50  # most changes to fields SHAPE does not rule on are still read


def test_the_one_walk_leaves_what_is_not_json_to_the_two_walks():
    data = copy.deepcopy(ENVELOPES["launch"])
    data["request"]["locale"] = type("Text", (str,), {})("en-US")
    assert CheckedReader().read_checked(data) is None
    assert _two_walks(data) is not None
