"""Turning a coach Reply into SSML and an ASK response."""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    ClearBehavior,
    ClearQueueDirective,
    PlayBehavior,
    PlayDirective,
    StopDirective,
)
from ask_sdk_model.interfaces.audioplayer import Stream as AudioStream
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.interfaces.display import Image, ImageInstance
from ask_sdk_model.ui import SimpleCard

from backcoach.audio.artwork import image_id
from backcoach.skill.alexa.screen_directives import screen_directives
from backcoach.skill.domain.alexa_limits import MAX_BREAK_S
from backcoach.skill.domain.hands_free import Play, Stop
from backcoach.skill.domain.plan import Segment
from backcoach.skill.domain.reply import Reply

MAX_BREAK_MS = round(MAX_BREAK_S * 1000)
SPEECH_MS_PER_CHAR = 70
"""Rough speaking time per character, to pace SSML-timed clips."""

ClipUrl = Callable[[str], str | None]
"""Gives the https URL of a clip's (or track's) precomputed audio by id, or of a shipped
image by its id (audio/artwork.py), or None."""
TrackTitles = Callable[[str], tuple[str, str] | None]
"""Gives a hands-free track's title and subtitle by its token (None: not ours)."""

# xml.sax.saxutils would do, but importing it loads urllib.request: cold-start time.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def escape(text: str) -> str:
    """Text safe inside an SSML element."""
    return text.translate(_TEXT)


def quoteattr(value: str) -> str:
    """A double-quoted SSML attribute value."""
    return f'"{value.translate(_ATTRIBUTE)}"'


def _breaks(ms: int) -> str:
    """Silence of `ms` milliseconds as <break> tags of at most ten seconds each."""
    out = []
    while ms > 0:
        step = min(ms, MAX_BREAK_MS)
        out.append(f'<break time="{step}ms"/>')
        ms -= step
    return "".join(out)


def timed_ssml(segment: Segment) -> str:
    """Approximate a clip with speech and breaks (used only when no audio is built)."""
    spoken = [c for c in segment.cues if c.text]
    out = []
    for i, cue in enumerate(spoken):
        end_s = spoken[i + 1].at_s if i + 1 < len(spoken) else segment.duration_s
        gap_ms = int((end_s - cue.at_s) * 1000) - SPEECH_MS_PER_CHAR * len(cue.text)
        out.append(escape(cue.text) + _breaks(max(0, gap_ms)))
    return " ".join(out)


def to_ssml(parts: tuple, clip_url: ClipUrl | None = None) -> str:
    """SSML body (without <speak>) for a sequence of sentences and clips."""
    out = []
    for part in parts:
        if isinstance(part, Segment):
            url = clip_url(part.clip_id) if clip_url else None
            out.append(f"<audio src={quoteattr(url)}/>" if url else timed_ssml(part))
        else:
            out.append(escape(part))
    return " ".join(out)


def _image(role: str, clip_url: ClipUrl) -> Image | None:
    """A shipped image as the AudioPlayer's metadata wants it (None: it has no link)."""
    url = clip_url(image_id(role))
    return Image(sources=[ImageInstance(url=url)]) if url else None


def track_metadata(token: str, clip_url: ClipUrl, titles: TrackTitles | None):
    """What a screen device shows while a track plays: exercise, level and dose, images."""
    named = titles(token) if titles else None
    if named is None:
        return None
    title, subtitle = named
    return AudioItemMetadata(
        title=title,
        subtitle=subtitle,
        art=_image("art", clip_url),
        background_image=_image("background", clip_url),
    )


def player_directive(
    directive: Play | Stop, clip_url: ClipUrl | None, titles: TrackTitles | None = None
):
    """An AudioPlayer directive for a Play or Stop value."""
    if isinstance(directive, Stop):
        return StopDirective()
    url = clip_url(directive.track_id) if clip_url else None
    if url is None or clip_url is None:
        raise LookupError(f"no audio for {directive.track_id}: run `backcoach audio build`")
    stream = AudioStream(
        token=directive.token,
        url=url,
        offset_in_milliseconds=directive.offset_ms,
        expected_previous_token=directive.expected_previous,
    )
    metadata = track_metadata(directive.token, clip_url, titles)
    return PlayDirective(
        play_behavior=PlayBehavior(directive.behavior),
        audio_item=AudioItem(stream, metadata=metadata),
    )


def to_response(
    reply: Reply,
    response_builder,
    clip_url: ClipUrl | None = None,
    titles: TrackTitles | None = None,
) -> Response:
    """Fill an ASK response builder from a Reply (directives only when it has no words; a
    screen only when it has one)."""
    if reply.parts:
        response_builder.speak(to_ssml(reply.parts, clip_url))
    for directive in reply.directives:
        if isinstance(directive, Stop) and directive.clear_queue:
            response_builder.add_directive(ClearQueueDirective(ClearBehavior.CLEAR_ALL))
        response_builder.add_directive(player_directive(directive, clip_url, titles))
    if reply.screen is not None:
        for screen_directive in screen_directives(reply.screen):
            response_builder.add_directive(screen_directive)
    if reply.ask_permission:
        # Alexa asks, then sends Connections.Response in the same session: nothing is asked
        # here, and no reprompt goes with it.
        response_builder.add_directive(ask_for(reply.ask_permission))
        return response_builder.response
    if reply.end_session:
        response_builder.set_should_end_session(True)
    elif reply.reprompt:
        response_builder.ask(escape(reply.reprompt))
    elif reply.parts:
        # Spoken and open, with nothing to reprompt: said, never left to Alexa's default.
        # (Answers to player events carry neither words nor this flag.)
        response_builder.set_should_end_session(False)
    if reply.card:
        title, text = reply.card
        response_builder.set_card(SimpleCard(title=title, content=text))
    return response_builder.response


def ask_for(scope: str) -> SendRequestDirective:
    """Connections.SendRequest AskFor: Alexa asks the person for a permission by voice."""
    payload = {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "1",
        "permissionScope": scope,
    }
    return SendRequestDirective(name="AskFor", payload=payload, token=scope)
