"""One person talking to the skill through the console page, whose <audio> element is the player."""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace

from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.nlu import Match, Nlu
from backcoach.skill.devtools.response_rules import PLAYER_REQUEST_PREFIXES, check_exchange
from backcoach.skill.devtools.simulator import (
    SessionState,
    Simulator,
    Transport,
    Turn,
    VirtualPlayer,
)


@dataclass(frozen=True)
class Profile:
    """A kind of device the page can pretend to be."""

    label: str
    audio_player: bool
    apl: bool


PROFILES = {
    "speaker": Profile("Echo speaker (AudioPlayer)", audio_player=True, apl=False),
    "echo-show": Profile("Echo Show (AudioPlayer + APL screen)", audio_player=True, apl=True),
    "no-player": Profile("Device without AudioPlayer", audio_player=False, apl=False),
}
DEFAULT_PROFILE = "speaker"

PLAYER_EVENTS = frozenset(
    {
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackFailed",
        "PlaybackController.PlayCommandIssued",
        "PlaybackController.PauseCommandIssued",
        "PlaybackController.NextCommandIssued",
        "PlaybackController.PreviousCommandIssued",
    }
)
"""The requests the page may send for its player and its device buttons."""
ACTIVITIES = frozenset({"IDLE", "PLAYING", "PAUSED", "STOPPED", "FINISHED", "BUFFER_UNDERRUN"})

HTTPS_STAND_IN = "https://console.localhost"
"""What the console's own http base is read as when Alexa's rules are checked: Alexa plays
only https audio, but the page plays the clips from the console itself, over http."""

RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
PREVIEW_MODULE = "backcoach.skill.devtools.apl_preview"
"""Renders an APL RenderDocument directive as HTML, when that module is installed."""


class ConsoleInputError(ValueError):
    """A request from the page is unusable; the message says which field and why."""


class PagePlayer(VirtualPlayer):
    """The page's audio element as the skill sees it: the page plays the directives and
    reports its state with every request, so nothing is carried out or timed here."""

    def report(self, player: object) -> None:
        """Take the state the page sent: {activity, token, offset_ms}."""
        if player is None:
            player = {}
        if not isinstance(player, dict):
            raise ConsoleInputError("'player' must be an object {activity, token, offset_ms}")
        activity = player.get("activity", "IDLE")
        if activity not in ACTIVITIES:
            raise ConsoleInputError(f"'player.activity' must be one of {sorted(ACTIVITIES)}")
        self.activity = activity
        self.token = _text(player, "token")
        self.offset_ms = offset_ms(player)

    def apply(self, directives: list[dict]) -> list[dict]:
        """Nothing to do: the page carries out the directives and sends the events."""
        return []


def _text(data: dict, name: str) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise ConsoleInputError(f"'{name}' must be a string")
    return value


def offset_ms(data: dict) -> int:
    """The `offset_ms` field: a position in a track, in whole milliseconds."""
    value = data.get("offset_ms", 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConsoleInputError("'offset_ms' must be a number of milliseconds, 0 or more")
    return int(value)


def spoken_parts(ssml: str) -> list[dict]:
    """The speech in the order it is heard: [{"text": ...} | {"audio": url}, ...]."""
    if not ssml:
        return []
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        return []  # the rules check reports it; there is nothing sure to play
    parts: list[dict] = []

    def say(text: str | None) -> None:
        words = " ".join((text or "").split())
        if not words:
            return
        if parts and "text" in parts[-1]:
            parts[-1]["text"] += " " + words
        else:
            parts.append({"text": words})

    def walk(element: ET.Element) -> None:
        say(element.text)
        for child in element:
            if child.tag == "audio":
                parts.append({"audio": child.get("src", "")})
            else:
                walk(child)
            say(child.tail)

    walk(root)
    return parts


def slot_values(match: Match | None) -> dict[str, dict]:
    """Each filled slot: what was heard and what it resolved to."""
    if match is None:
        return {}
    return {
        name: {"value": value, "resolved": resolved}
        for name, (value, resolved) in match.resolved_slots().items()
    }


def screen_previews(directives: list[dict]) -> list[str] | None:
    """HTML previews of the RenderDocument directives; None when no previewer is installed."""
    documents = [d for d in directives if d.get("type") == RENDER_DOCUMENT]
    if not documents:
        return []
    try:
        module = importlib.import_module(PREVIEW_MODULE)
    except ImportError:
        return None
    return [module.preview_html(d) for d in documents]


class ConsoleSession:
    """The conversation of the console: a simulator whose player is the page."""

    def __init__(
        self,
        transport: Transport,
        nlu: Nlu,
        *,
        skill_id: str,
        base_url: str,
        length_s: Callable[[str], float | None],
        user_id: str | None = None,
    ):
        self.transport = transport
        self.nlu = nlu
        self.skill_id = skill_id
        self.base_url = base_url
        self.length_s = length_s
        self.profile = DEFAULT_PROFILE
        state = SessionState()
        if user_id:
            state.user_id = user_id
        self.sim = self._simulator(state)

    def _simulator(self, state: SessionState) -> Simulator:
        profile = PROFILES[self.profile]
        sim = Simulator(
            self.transport,
            self.nlu,
            state,
            skill_id=self.skill_id,
            audio_player=profile.audio_player,
            apl=profile.apl,
            length_s=self.length_s,
        )
        self.player = PagePlayer(self.length_s)
        sim.player = self.player
        return sim

    @property
    def user_id(self) -> str:
        return self.sim.state.user_id

    def describe(self) -> dict:
        """The device, the person and whether a session is open."""
        return {
            "profile": self.profile,
            "profiles": {name: p.label for name, p in PROFILES.items()},
            "audio_player": PROFILES[self.profile].audio_player,
            "user_id": self.user_id,
            "session_open": self.sim.state.session_id is not None,
        }

    def reset(self, user_id: str | None = None, profile: str | None = None) -> dict:
        """A fresh session and player (same device) for this person or another."""
        if profile is not None:
            if profile not in PROFILES:
                raise ConsoleInputError(f"'profile' must be one of {', '.join(PROFILES)}")
            self.profile = profile
        if user_id is not None and not user_id.strip():
            raise ConsoleInputError("'user_id' must not be blank")
        who = user_id.strip() if user_id else self.user_id
        self.sim = self._simulator(SessionState(user_id=who))
        return self.describe()

    def say(self, text: str, player: object = None) -> dict:
        """One typed or spoken utterance, with the page's player as the request's context."""
        if not text.strip():
            raise ConsoleInputError("'text' is empty: type what you would say to Alexa")
        self.player.report(player)
        # The page runs on the real clock: the person speaks now, whatever played meanwhile.
        last = self.sim.turn_at
        since_s = (self.sim.now() - last).total_seconds() if last is not None else 0.0
        turn = self.sim.say(text, barge_in_s=since_s)
        return self.view(turn, text)

    def event(self, kind: str, token: str, offset_ms: int, player: object = None) -> dict:
        """A player event or device button the page sends, outside any session."""
        if kind not in PLAYER_EVENTS:
            raise ConsoleInputError(f"'type' must be one of {', '.join(sorted(PLAYER_EVENTS))}")
        if not PROFILES[self.profile].audio_player:
            raise ConsoleInputError(f"{kind}: this device ({self.profile}) has no AudioPlayer")
        self.player.report(player)
        turn = self.sim.send(env.player_event(kind, token, offset_ms), in_session=False)
        return self.view(turn, kind)

    def problems(self, turn: Turn) -> list[str]:
        """Alexa's rules on the response as if served over https: the console's http links to
        its own clips are the one thing let through (Alexa would refuse http audio)."""
        served = json.dumps(turn.response).replace(f"{self.base_url}/", f"{HTTPS_STAND_IN}/")
        return check_exchange(turn.request, json.loads(served), self.sim.known_length_s)

    def view(self, turn: Turn, label: str) -> dict:
        """Everything the page shows and plays for one exchange."""
        turn = replace(turn, problems=tuple(self.problems(turn)))
        is_event = turn.request["request"]["type"].startswith(PLAYER_REQUEST_PREFIXES)
        return {
            "label": label,
            "type": turn.request["request"]["type"],
            "intent": turn.intent,
            "slots": slot_values(turn.match),
            "speech": turn.speech,
            "parts": spoken_parts(turn.ssml),
            "card": turn.body.get("card"),
            "directives": turn.directives,
            "ends_session": None if is_event else turn.ends_session,
            "problems": list(turn.problems),
            "screens": screen_previews(turn.directives),
            "request": turn.request,
            "response": turn.response,
            "state": self.describe(),
        }
