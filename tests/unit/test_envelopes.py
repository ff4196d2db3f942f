"""Every request the simulator makes deserialises into the ASK model, as Alexa's do."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from backcoach.skill.devtools import envelopes as env

CASES = [
    (env.launch_request(), "LaunchRequest"),
    (env.intent_request("ReadyIntent"), "IntentRequest"),
    (env.session_ended_request("ERROR", {"type": "INVALID_RESPONSE"}), "SessionEndedRequest"),
    (env.exception_encountered(), "ExceptionEncounteredRequest"),
    (env.player_event("AudioPlayer.PlaybackStarted", "t", 5), "PlaybackStartedRequest"),
    (env.player_event("AudioPlayer.PlaybackNearlyFinished", "t", 5), "PlaybackNearlyFinished"),
    (env.player_event("AudioPlayer.PlaybackFinished", "t", 5), "PlaybackFinishedRequest"),
    (env.player_event("AudioPlayer.PlaybackStopped", "t", 5), "PlaybackStoppedRequest"),
    (env.player_event("AudioPlayer.PlaybackFailed", "t", 5), "PlaybackFailedRequest"),
    (env.player_event("PlaybackController.PlayCommandIssued"), "PlayCommandIssuedRequest"),
    (env.player_event("PlaybackController.PauseCommandIssued"), "PauseCommandIssuedRequest"),
    (env.player_event("PlaybackController.NextCommandIssued"), "NextCommandIssuedRequest"),
    (env.player_event("PlaybackController.PreviousCommandIssued"), "PreviousCommandIssued"),
]


@pytest.mark.parametrize("request_,model", CASES, ids=[c[1] for c in CASES])
@pytest.mark.parametrize("apl", [False, True])
def test_envelopes_deserialise_with_ask_sdk_model(request_, model, apl):
    caller = env.Caller(device=env.Device(apl=apl))
    in_session = not request_["type"].startswith(("AudioPlayer.", "PlaybackController."))
    envelope = caller.envelope(
        request_,
        session_id="amzn1.echo-api.session.x" if in_session else None,
        new=True,
        attributes={"coach": {"phase": "idle"}},
    )
    parsed = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert type(parsed.request).__name__.startswith(model)
    system = parsed.context.system
    assert system.application.application_id == caller.skill_id
    assert system.user.user_id == caller.user_id
    interfaces = system.device.supported_interfaces
    assert interfaces.audio_player is not None
    assert (interfaces.alexa_presentation_apl is not None) == apl
    assert (parsed.session is not None) == in_session
    if in_session:
        assert parsed.session.attributes == {"coach": {"phase": "idle"}}


def test_new_session_ids_are_new():
    assert env.new_session_id() != env.new_session_id()
