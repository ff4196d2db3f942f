"""Fuzzing the endpoint: real envelopes, mutated (depth, types, unicode, stray and missing
keys, broken bytes), sent with verification off and on. Nothing is ever a 5xx, and a request
the skill cannot read is refused with a 400 up front rather than crashing a handler (whose
log line would be an ERROR and whose answer a 200 "Sorry…").

The search is derandomized: the same choices every run, on seeds whose ids, times and list
lengths (a set's end times) vary from run to run, so a run may still reach a new corner.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.service import make_service
from backcoach.skill.web.app import create_app
from tests.helpers import Conversation
from tests.integration.conftest import PUBLIC_URL
from tests.unit.test_verify import Pki, headers_for, pki, verifier_for  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow

UNVERIFIED_EXAMPLES = 5000
VERIFIED_EXAMPLES = 1500
DEEP = 5000
"""Nesting for the deepest bodies (Python's json gives up near 1,000)."""


class Recorder:
    """Sends through the app and keeps every envelope sent: the seeds the fuzzer mutates."""

    def __init__(self, client):
        self.client = client
        self.sent: list[dict] = []

    def __call__(self, envelope: dict) -> dict:
        self.sent.append(copy.deepcopy(envelope))
        reply = self.client.post(
            "/alexa",
            data=json.dumps(envelope),
            content_type="application/json",
            base_url=PUBLIC_URL,
        )
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()


def seeds(client, audio_s) -> list[dict]:
    """Real envelopes: a dialog session (its attributes included), slots, player events and
    a hands-free run's PlaybackController and player context, a session end."""
    record = Recorder(client)
    conv = Conversation(record, audio_s=audio_s)
    conv.launch()
    conv.intent("StartRoutineIntent")
    conv.intent("ReadyIntent")
    conv.intent("ExplainIntent", "plank")
    conv.intent("PainIntent")
    caller = env.Caller(user_id="amzn1.ask.account.fuzz")
    hands_free = record(
        caller.envelope(env.intent_request("HandsFreeIntent"), session_id="s1", new=True)
    )
    token = hands_free["response"]["directives"][0]["audioItem"]["stream"]["token"]
    player = {"playerActivity": "PLAYING", "token": token, "offsetInMilliseconds": 3000}
    for request in (
        env.player_event("AudioPlayer.PlaybackStarted", token, 0),
        env.player_event("AudioPlayer.PlaybackNearlyFinished", token, 1000),
        env.player_event("PlaybackController.PauseCommandIssued"),
    ):
        record(caller.envelope(request, audio_player=player))
    record(caller.envelope(env.intent_request("AMAZON.PauseIntent"), audio_player=player))
    record(caller.envelope(env.session_ended_request(), session_id="s1"))
    return record.sent


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(),  # lone surrogates included: JSON carries them as \\ud800
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
STRAY_KEYS = st.sampled_from(
    [
        "object_type",
        "type",
        "attribute_map",
        "deserialized_types",
        "__class__",
        "supports_multiple_types",
        "",
    ]
) | st.text(max_size=12)


def paths(value, prefix=()) -> list[tuple]:
    """Every path into a JSON value (keys and indexes), the root's included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*prefix, index))
    return found


def at(value, path):
    for step in path:
        value = value[step]
    return value


DEEP_MARK = "\u0000deep\u0000"


@st.composite
def mutated(draw, seeds: list[dict]) -> bytes:
    """One real envelope with one to three mutations, as the bytes sent."""
    envelope = copy.deepcopy(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(envelope)[1:] or [()]))
        parent, last = (at(envelope, path[:-1]), path[-1]) if path else (None, None)
        kind = draw(
            st.sampled_from(["replace", "delete", "stray", "deep", "text", "number", "wrap"])
        )
        if kind == "replace" and parent is not None:
            parent[last] = draw(JSON_VALUES)
        elif kind == "delete" and parent is not None:
            del parent[last]
        elif kind == "stray":
            target = at(envelope, path)
            if isinstance(target, dict):
                target[draw(STRAY_KEYS)] = draw(JSON_VALUES)
        elif kind == "deep" and parent is not None:
            parent[last] = DEEP_MARK
        elif kind == "text" and parent is not None:
            parent[last] = draw(st.text(min_size=0, max_size=40))
        elif kind == "number" and parent is not None:
            parent[last] = draw(st.sampled_from([0, -1, 2**63, 1e308, -0.0, 10**30, True]))
        elif kind == "wrap" and parent is not None:
            parent[last] = [at(envelope, path)]
        if path == () and kind in ("replace", "text", "number", "wrap", "deep"):
            envelope = draw(JSON_VALUES)
            break
        if not path:
            break
    body = json.dumps(envelope)
    depth = draw(st.sampled_from([50, 600, DEEP]))
    body = body.replace(json.dumps(DEEP_MARK), "[" * depth + "]" * depth, 1)
    raw = body.encode()
    damage = draw(st.sampled_from(["none"] * 8 + ["truncate", "bad-utf8"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
    elif damage == "bad-utf8":
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + b"\xff\xc3(" + raw[cut:]
    return raw


class Watch(logging.Handler):
    """Keeps every ERROR (or worse) record the skill logs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def watch():
    handler = Watch()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def check(reply, body: bytes, watch: Watch) -> None:
    text = reply.get_data(as_text=True)
    assert reply.status_code < 500, (reply.status_code, text, body[:300])
    errors = [r.getMessage() for r in watch.records]
    watch.records.clear()
    assert not errors, (errors, body[:300])
    if reply.status_code == 200:
        assert '"response"' in text


def fixed_search(examples: int) -> settings:
    """`examples` requests chosen the same way every run (derandomized), however long they take."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture(scope="module")
def unverified(config, tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz")
    service = make_service(dataclasses.replace(config, verify=False, data_dir=data))
    client = create_app(service=service).test_client()
    return client, seeds(client, service.audio_s)


def test_mutated_envelopes_never_crash_the_skill(unverified, watch):
    client, real = unverified

    @fixed_search(UNVERIFIED_EXAMPLES)
    @given(mutated(real))
    def send(body: bytes) -> None:
        reply = client.post("/alexa", data=body, content_type="application/json")
        check(reply, body, watch)

    send()


SKILL_ID = "amzn1.ask.skill.fuzz"


def test_mutated_envelopes_signed_never_crash_the_skill(
    config,
    unverified,
    watch,
    tmp_path,
    pki: Pki,  # noqa: F811 (the fixture)
):
    _, real = unverified
    verifier, _ = verifier_for(pki, pki.bundle(), skill_id=None, now=lambda: datetime.now(UTC))
    app = create_app(dataclasses.replace(config, verify=True, data_dir=tmp_path), verifier=verifier)
    client = app.test_client()

    @fixed_search(VERIFIED_EXAMPLES)
    @given(mutated(real), st.booleans())
    def send(body: bytes, signed: bool) -> None:
        headers = headers_for(body, pki.leaf_key if signed else pki.other_key)
        reply = client.post("/alexa", data=body, headers=headers, content_type="application/json")
        check(reply, body, watch)
        if not signed:
            assert reply.status_code == 400

    send()
