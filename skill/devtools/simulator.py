"""Talk to the skill without an Echo: utterances become real Alexa requests."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.nlu import Match, Nlu
from backcoach.skill.devtools.response_rules import check_exchange
from backcoach.skill.domain.alexa_limits import MAX_AUDIO_S

Transport = Callable[[dict], dict]
"""Sends one request envelope to the skill and returns the response envelope."""

_serializer = DefaultSerializer()
_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
_AUDIO = re.compile(r'<audio\s+src="([^"]+)"\s*/>')
_TAG = re.compile(r"<[^>]+>")


class TransportError(RuntimeError):
    """The skill could not be reached, or answered with an HTTP error."""


def in_process(skill, context=None) -> Transport:
    """Run a skill object in this process, through the same (de)serialisation Alexa uses."""

    def send(envelope: dict) -> dict:
        request = _serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        return _serializer.serialize(skill.invoke(request_envelope=request, context=context))

    return send


def over_http(url: str, timeout_s: float = 10.0) -> Transport:
    """POST envelopes to a running endpoint (started with `backcoach serve --no-verify`)."""

    def send(envelope: dict) -> dict:
        data = json.dumps(envelope).encode()
        req = urllib.request.Request(url, data, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise TransportError(f"{url} answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransportError(f"cannot reach {url}: {exc}") from exc

    return send


_lengths: dict[str, float | None] = {}


def fetched_length_s(url: str) -> float | None:
    """Length of the MP3 at a URL, downloaded once (for a skill running elsewhere)."""
    if url not in _lengths:
        from io import BytesIO

        from mutagen.mp3 import MP3

        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                info = MP3(BytesIO(reply.read())).info
                _lengths[url] = float(info.length) if info else 0.0
        except (OSError, ValueError) as exc:
            raise TransportError(f"cannot fetch {url} to time it: {exc}") from exc
    return _lengths[url]


@dataclass
class SessionState:
    """What carries over between turns (and between `backcoach say --session FILE` calls)."""

    user_id: str = field(default_factory=lambda: env.Caller().user_id)
    device_id: str = field(default_factory=lambda: env.Device().device_id)
    session_id: str | None = None
    attributes: dict = field(default_factory=dict)
    player: dict = field(default_factory=dict)
    """The virtual player's stream, queue and position."""
    later_s: float = 0.0
    """How far the simulated clock is ahead of the real one (see `Simulator.advance`)."""
    turn_at: str = ""
    """When the last spoken turn was sent, in simulated time (ISO 8601; "" before any)."""
    listened_until: str = ""
    """When that turn's response finished playing: the next turn is sent after it, as a
    person answers after the audio, across `backcoach say --session` calls too."""

    @classmethod
    def load(cls, path: Path) -> SessionState:
        """Read a session file; a missing one starts fresh."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2))


@dataclass(frozen=True)
class Turn:
    """One request and the skill's response, with what was understood."""

    request: dict
    response: dict
    match: Match | None = None
    problems: tuple[str, ...] = ()
    """Every reason Alexa would reject the response (empty when it would take it)."""

    @property
    def body(self) -> dict:
        return self.response.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.body.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        """The speech as plain text, audio clips left out."""
        return " ".join(_TAG.sub(" ", _AUDIO.sub(" ", self.ssml)).split())

    @property
    def audio(self) -> list[str]:
        """The URLs of the clips the response plays."""
        return _AUDIO.findall(self.ssml)

    @property
    def breaks_s(self) -> float:
        """How long the response's `<break>`s last (a set timed in SSML is mostly breaks)."""
        return sum(
            float(amount) / (1000 if unit == "ms" else 1)
            for amount, unit in _BREAK.findall(self.ssml)
        )

    @property
    def ends_session(self) -> bool:
        return self.body.get("shouldEndSession") is not False

    @property
    def directives(self) -> list[dict]:
        return self.body.get("directives") or []

    @property
    def intent(self) -> str:
        request = self.request["request"]
        return request.get("intent", {}).get("name", request["type"])


THINK_S = 1.0
"""How long a person takes to answer once the response has finished playing."""
SPEECH_WORDS_PER_S = 2.5
"""How fast Alexa speaks (about 150 words a minute), for when a response ends."""

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(text: str | float) -> float:
    """Seconds in `90`, `90s`, `10m`, `25h` or `2d`; ValueError for anything else."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if text < 0:
            raise ValueError(f"{text}: time only moves on")
        return float(text)
    found = DURATION.match(str(text))
    if not found:
        raise ValueError(f"{text!r} is not a duration like 90, 10m, 25h or 2d")
    return float(found.group(1)) * UNIT_S[found.group(2)]


NEARLY_FINISHED_S = 20.0
"""The virtual player reports PlaybackNearlyFinished this long before a track ends."""


@dataclass
class VirtualPlayer:
    """What an Echo's audio player would be doing: the stream, its queue and a clock."""

    length_s: Callable[[str], float | None] = lambda url: None
    """How long the audio at a URL plays."""
    token: str = ""
    url: str = ""
    offset_ms: int = 0
    activity: str = "IDLE"
    queue: list[tuple[str, str]] = field(default_factory=list)
    nearly_sent: bool = False

    SAVED = ("token", "url", "offset_ms", "activity", "queue", "nearly_sent")
    """What `saved` keeps and `restore` brings back."""

    def saved(self) -> dict:
        """The player as plain data (for a session file)."""
        return {name: getattr(self, name) for name in self.SAVED}

    def restore(self, data: dict) -> None:
        """Take up a player saved by `saved`."""
        for name in self.SAVED:
            if name in data:
                setattr(self, name, data[name])
        self.queue = [(str(token), str(url)) for token, url in self.queue]

    def context(self) -> dict:
        """context.AudioPlayer as Alexa sends it."""
        out: dict = {"playerActivity": self.activity}
        if self.token:
            out.update(token=self.token, offsetInMilliseconds=self.offset_ms)
        return out

    def event(self, kind: str) -> dict:
        return env.player_event(kind, self.token, self.offset_ms)

    def apply(self, directives: list[dict]) -> list[dict]:
        """Carry out a response's AudioPlayer directives; return the events they cause."""
        events = []
        for d in directives:
            kind = d.get("type")
            if kind == "AudioPlayer.Play":
                events += self._play(d)
            elif kind == "AudioPlayer.Stop" and self.activity == "PLAYING":
                self.activity = "STOPPED"
                events.append(self.event("AudioPlayer.PlaybackStopped"))
            elif kind == "AudioPlayer.ClearQueue":
                self.queue.clear()
        return events

    def _play(self, directive: dict) -> list[dict]:
        stream = directive["audioItem"]["stream"]
        if directive.get("playBehavior") == "ENQUEUE":
            expected = self.queue[-1][0] if self.queue else self.token
            if stream.get("expectedPreviousToken") != expected:
                raise AssertionError(f"ENQUEUE expected {expected!r} as the previous token")
            self.queue.append((stream["token"], stream["url"]))
            return []
        events = []
        if self.activity == "PLAYING":
            events.append(self.event("AudioPlayer.PlaybackStopped"))
        self.queue.clear()
        self.token, self.url = stream["token"], stream["url"]
        self.offset_ms = int(stream.get("offsetInMilliseconds", 0))
        self.activity, self.nearly_sent = "PLAYING", False
        return [*events, self.event("AudioPlayer.PlaybackStarted")]

    def advance(self, seconds: float) -> tuple[float, list[dict]]:
        """Play for up to `seconds`, stopping at the next event: (seconds played, events)."""
        if self.activity != "PLAYING":
            return seconds, []
        length_ms = int(1000 * (self.length_s(self.url) or 0))
        budget_ms = int(round(seconds * 1000))
        nearly_at = max(0, length_ms - int(NEARLY_FINISHED_S * 1000))
        if not self.nearly_sent and self.offset_ms + budget_ms >= nearly_at:
            used = max(0, nearly_at - self.offset_ms)
            self.offset_ms += used
            self.nearly_sent = True
            return used / 1000, [self.event("AudioPlayer.PlaybackNearlyFinished")]
        if self.offset_ms + budget_ms < length_ms:
            self.offset_ms += budget_ms
            return seconds, []
        used = length_ms - self.offset_ms
        self.offset_ms = length_ms
        finished = [self.event("AudioPlayer.PlaybackFinished")]
        if not self.queue:
            self.activity = "FINISHED"
            return used / 1000, finished
        self.token, self.url = self.queue.pop(0)
        self.offset_ms, self.nearly_sent = 0, False
        return used / 1000, [*finished, self.event("AudioPlayer.PlaybackStarted")]

    def remaining_s(self) -> float:
        """Time left in the current track."""
        return max(0.0, (self.length_s(self.url) or 0) - self.offset_ms / 1000)


def _instant(text: str) -> datetime | None:
    """A kept ISO 8601 time, or None when there is none (or it cannot be read)."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


class Simulator:
    """A conversation with the skill: understands utterances and keeps the session."""

    def __init__(
        self,
        transport: Transport,
        nlu: Nlu | None = None,
        state: SessionState | None = None,
        *,
        skill_id: str = env.DEFAULT_SKILL_ID,
        audio_player: bool = True,
        apl: bool = False,
        length_s: Callable[[str], float | None] | None = None,
    ):
        self.transport = transport
        self.nlu = nlu or Nlu.load()
        self.state = state or SessionState()
        self.player = VirtualPlayer(length_s or fetched_length_s)
        self.player.restore(self.state.player)
        self.events: list[Turn] = []
        """Every player event sent, with the skill's answer, in order."""
        self.consents = False
        """What the person answers when Alexa asks them for a permission the skill asked for."""
        self.turn_at = _instant(self.state.turn_at)
        """When the last spoken turn was sent (barge-ins are counted from here); None before
        the first, so that a clock set after the simulator is made (`state.later_s`, to a
        moment earlier than now) is where the first turn is sent."""
        self.listened_until = _instant(self.state.listened_until) or self.turn_at
        """When the last response's clips finish playing (None before the first turn)."""
        device = env.Device(device_id=self.state.device_id, audio_player=audio_player, apl=apl)
        self.caller = env.Caller(skill_id=skill_id, user_id=self.state.user_id, device=device)

    def send(
        self,
        request: dict,
        match: Match | None = None,
        in_session: bool = True,
        barge_in_s: float | None = None,
    ) -> Turn:
        """Send one request; requests outside a session (player events) carry none.

        A spoken request is sent once the last response's clips have played (and a moment
        to answer), unless the person barges in `barge_in_s` seconds into that response.
        """
        spoken_at = None
        if in_session:
            now = self.now()
            if barge_in_s is not None:
                spoken_at = (self.turn_at or now) + timedelta(seconds=barge_in_s)
            else:
                spoken_at = max(now, self.listened_until or now) + timedelta(seconds=THINK_S)
            self.advance((spoken_at - now).total_seconds())
            self.turn_at = spoken_at
        s = self.state
        new = in_session and s.session_id is None
        if new:
            s.session_id, s.attributes = env.new_session_id(), {}
        envelope = self.caller.envelope(
            request,
            session_id=s.session_id if in_session else None,
            new=new,
            attributes=s.attributes,
            audio_player=self.player.context(),
            now=self.now(),
        )
        response = self.transport(envelope)
        problems = tuple(check_exchange(envelope, response, self.known_length_s))
        turn = Turn(envelope, response, match, problems)
        if spoken_at is not None:
            heard_s = sum(self.clip_s(url) for url in turn.audio)
            heard_s += len(turn.speech.split()) / SPEECH_WORDS_PER_S + turn.breaks_s
            self.listened_until = spoken_at + timedelta(seconds=heard_s)
            s.turn_at, s.listened_until = spoken_at.isoformat(), self.listened_until.isoformat()
        if in_session:
            s.attributes = response.get("sessionAttributes") or {}
            if turn.ends_session and not self._asked_for(turn):  # asking keeps the session
                s.session_id, s.attributes = None, {}
        self.pump(self.player.apply(turn.directives))
        asked = self._asked_for(turn)
        if asked:  # Alexa asks the person, then tells the skill, in the same session
            if self.consents:
                self.caller.granted = self.caller.granted | {asked}
            status = "ACCEPTED" if self.consents else "DENIED"
            return self.send(env.permissions_answer(asked, status))
        return turn

    @staticmethod
    def _asked_for(turn: Turn) -> str:
        """The permission scope a response asks Alexa to ask for by voice, else ""."""
        for directive in turn.directives:
            if (
                directive.get("type") == "Connections.SendRequest"
                and directive.get("name") == "AskFor"
            ):
                return str((directive.get("payload") or {}).get("permissionScope") or "")
        return ""

    def clip_s(self, url: str) -> float:
        """How long a clip plays; when it cannot be timed, the longest a response may play,
        so that a person is never taken to have cut short what they may have heard."""
        return self.known_length_s(url) or MAX_AUDIO_S

    def known_length_s(self, url: str) -> float | None:
        """How long a clip plays, None when it cannot be timed (or fetched, as Alexa would)."""
        try:
            return self.player.length_s(url)
        except TransportError:
            return None

    def now(self) -> datetime:
        """The simulated time requests are stamped with: the real clock, moved on by
        `advance` (the skill takes a request's timestamp as its time)."""
        return datetime.now(UTC) + timedelta(seconds=self.state.later_s)

    def advance(self, seconds: float) -> None:
        """Let time pass with nothing played or said (the player stays as it is); a barge-in
        can take it back a little, to a moment inside the last response."""
        self.state.later_s += seconds

    def keep_player(self) -> None:
        """Copy the virtual player into the session state (to save it between calls)."""
        self.state.player = self.player.saved()

    def pump(self, events: list[dict]) -> None:
        """Send player events (outside any session); `send` applies what comes back."""
        for event in events:
            self.events.append(self.send(event, in_session=False))

    def wait(self, seconds: float) -> list[Turn]:
        """Let `seconds` of playback pass; return the events sent meanwhile."""
        before = len(self.events)
        left = seconds
        while left > 1e-6 and self.player.activity == "PLAYING":
            used, events = self.player.advance(left)
            left -= used
            self.advance(used)  # playback takes real time: events are stamped when they happen
            self.pump(events)
        self.advance(max(0.0, left))
        return self.events[before:]

    def play_to_end(self, limit_s: float = 4 * 3600) -> list[Turn]:
        """Let the stream play until nothing is left to play."""
        before = len(self.events)
        waited = 0.0
        while self.player.activity == "PLAYING" and waited < limit_s:
            step = self.player.remaining_s() + 0.001
            self.wait(step)
            waited += step
        return self.events[before:]

    def into_hold_s(self, onsets_s: Callable[[str], tuple[float, ...]]) -> float | None:
        """How far the player is past the start of the current track's first hold."""
        onsets = onsets_s(self.player.url)
        if not onsets:
            return None
        return self.player.offset_ms / 1000 - (onsets[0] - 1.0)  # count 1 lands 1 s in

    def say(self, utterance: str, barge_in_s: float | None = None) -> Turn:
        """One spoken turn, understood with our interaction model (`barge_in_s`: said that
        many seconds into the last response, before its clips finished)."""
        match = self.nlu.understand(utterance)
        if match.launch or (
            self.state.session_id is None and match.intent in ("", "AMAZON.FallbackIntent")
        ):
            return self.send(env.launch_request(), match, barge_in_s=barge_in_s)
        request = env.intent_request(match.intent, match.slots)
        return self.send(request, match, barge_in_s=barge_in_s)

    def end_session(self, reason: str = "USER_INITIATED") -> Turn | None:
        """The session ends without the skill asking (the user walked away)."""
        if self.state.session_id is None:
            return None
        turn = self.send(env.session_ended_request(reason))
        self.state.session_id, self.state.attributes = None, {}
        return turn
