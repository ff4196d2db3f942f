"""The limits checker catches each way a response can break Alexa's rules."""

from __future__ import annotations

import pytest

from backcoach.skill.devtools.response_rules import check_response


def response(ssml: str, reprompt: str | None = None) -> dict:
    body: dict = {"outputSpeech": {"type": "SSML", "ssml": ssml}}
    if reprompt is not None:
        body["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": reprompt}}
    return {"version": "1.0", "response": body}


def clip(seconds: float) -> str:
    return f'<audio src="https://example.com/audio/{seconds}.mp3"/>'


def lengths(src: str) -> float | None:
    name = src.rsplit("/", 1)[-1]
    return float(name[: -len(".mp3")]) if name.endswith(".mp3") else None


def test_a_good_response_passes():
    assert (
        check_response(response(f"<speak>Hi {clip(30)}</speak>", "<speak>Ready?</speak>"), lengths)
        == []
    )


@pytest.mark.parametrize(
    "ssml,problem",
    [
        ("<speak>unclosed <break></speak>", "not well-formed"),
        ("<speak>" + clip(10) * 6 + "</speak>", "6 <audio> tags"),
        ("<speak>" + clip(200) + clip(41) + "</speak>", "241.0 s of audio"),
        ('<speak>x<break time="11s"/></speak>', "limit 10 s"),
        ('<speak>x<break time="12000ms"/></speak>', "limit 10 s"),
        ('<speak><audio src="http://example.com/audio/3.mp3"/></speak>', "not https"),
        ('<speak><audio src="https://example.com/x.wav"/></speak>', "unknown audio clip"),
        ("<speak>" + "a" * 8000 + "</speak>", "characters of speech"),
        ("<say>hi</say>", "not <speak>"),
    ],
)
def test_each_violation_is_reported(ssml, problem):
    problems = check_response(response(ssml), lengths)
    assert any(problem in p for p in problems), problems


def test_reprompt_audio_limit_is_90_seconds():
    problems = check_response(response("<speak>x</speak>", f"<speak>{clip(91)}</speak>"), lengths)
    assert any(p.startswith("reprompt:") and "limit 90 s" in p for p in problems)


def test_response_size_limit():
    big = {"version": "1.0", "response": {}, "sessionAttributes": {"x": "y" * 25_000}}
    assert any("bytes" in p for p in check_response(big, lengths))
