"""Alexa's response limits, checked on a serialised response envelope."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from backcoach.skill.domain.alexa_limits import (
    MAX_AUDIO_S,
    MAX_AUDIO_TAGS,
    MAX_BREAK_S,
    MAX_REPROMPT_AUDIO_S,
    MAX_RESPONSE_BYTES,
    MAX_SPEECH_CHARS,
)

INVALID = "INVALID RESPONSE:"
"""How a response Alexa would reject is reported, in every command's output."""
PLAYER_REQUEST_PREFIXES = ("AudioPlayer.", "PlaybackController.")
"""Requests about the audio player: Alexa takes only directives in answer to them."""
SPOKEN_PARTS = ("outputSpeech", "card", "reprompt")
"""What a response to a player request may not carry."""

_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")


def _seconds(value: str) -> float | None:
    match = _TIME.match(value or "")
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return number / 1000 if unit == "ms" else number


def check_ssml(
    ssml: str,
    audio_s: Callable[[str], float | None],
    max_audio_s: float,
    where: str,
    require_https: bool = True,
) -> list[str]:
    """Problems with one SSML string: well-formed, audio count and length, breaks, size."""
    problems = []
    if len(ssml) >= MAX_SPEECH_CHARS:
        problems.append(f"{where}: {len(ssml)} characters of speech (limit {MAX_SPEECH_CHARS})")
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        return [*problems, f"{where}: SSML is not well-formed: {exc}"]
    if root.tag != "speak":
        problems.append(f"{where}: SSML root is <{root.tag}>, not <speak>")
    audios = root.findall(".//audio")
    if len(audios) > MAX_AUDIO_TAGS:
        problems.append(f"{where}: {len(audios)} <audio> tags (limit {MAX_AUDIO_TAGS})")
    total = 0.0
    for tag in audios:
        src = tag.get("src", "")
        if require_https and not src.startswith("https://"):
            problems.append(f"{where}: audio src is not https: {src!r}")
        length = audio_s(src)
        if length is None:
            problems.append(f"{where}: unknown audio clip {src!r}")
        else:
            total += length
    if total > max_audio_s:
        problems.append(f"{where}: {total:.1f} s of audio (limit {max_audio_s:.0f} s)")
    for tag in root.iter("break"):
        length = _seconds(tag.get("time", ""))
        if length is None or length > MAX_BREAK_S:
            problems.append(f"{where}: <break time={tag.get('time')!r}> (limit {MAX_BREAK_S:g} s)")
    return problems


def check_response(
    envelope: dict, audio_s: Callable[[str], float | None], require_https: bool = True
) -> list[str]:
    """Every way a serialised response envelope breaks Alexa's limits (empty when fine)."""
    problems = []
    size = len(json.dumps(envelope, separators=(",", ":")).encode())
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"response is {size} bytes (limit {MAX_RESPONSE_BYTES})")
    response = envelope.get("response") or {}
    speech = response.get("outputSpeech")
    if speech and speech.get("type") == "SSML":
        ssml = speech.get("ssml", "")
        problems += check_ssml(ssml, audio_s, MAX_AUDIO_S, "outputSpeech", require_https)
    reprompt = ((response.get("reprompt") or {}).get("outputSpeech")) or None
    if reprompt and reprompt.get("type") == "SSML":
        ssml = reprompt.get("ssml", "")
        problems += check_ssml(ssml, audio_s, MAX_REPROMPT_AUDIO_S, "reprompt", require_https)
    for directive in response.get("directives") or []:
        if directive.get("type") != "AudioPlayer.Play":
            continue
        url = ((directive.get("audioItem") or {}).get("stream") or {}).get("url", "")
        if require_https and not url.startswith("https://"):
            problems.append(f"AudioPlayer.Play: stream url is not https: {url!r}")
    return problems


def check_answer(request_type: str, envelope: dict) -> list[str]:
    """What a response may not carry for the request it answers (speech on a player event)."""
    if not request_type.startswith(PLAYER_REQUEST_PREFIXES):
        return []
    response = envelope.get("response") or {}
    spoken = [part for part in SPOKEN_PARTS if part in response]
    return [f"{request_type}: answered with {spoken} (directives only)"] if spoken else []


def check_exchange(
    request: dict, envelope: dict, audio_s: Callable[[str], float | None]
) -> list[str]:
    """Every reason Alexa would reject this response to this request envelope."""
    request_type = (request.get("request") or {}).get("type", "")
    return check_answer(request_type, envelope) + check_response(envelope, audio_s)
