"""People made by driving real turns over HTTP: long histories, open sessions to talk in."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system import SystemState

from backcoach.audio.catalog import AudioCatalog
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator
from backcoach.skill.storage.factory import make_adapter
from benchmarks.client import Client

SESSION = ("open back coach", "start my back routine", "ready", "next", "stop")
"""One day's session: open the skill, start the routine, do a set, skip on, stop."""
INTO_ROUTINE = SESSION[:4]
"""Where an everyday turn is asked: mid-routine, in an open session."""
EVERYDAY = "what's next"
"""The everyday turn, the same for every person."""
DAY = timedelta(days=1)
HISTORY = 120
"""Sessions a long-time user has behind them (the most the skill keeps)."""


class Person:
    """One simulated person talking to a server over HTTP, on their own clock."""

    def __init__(self, client: Client, nlu: Nlu, catalog: AudioCatalog, days_ago: int = 0):
        state = SessionState()
        state.later_s = -(days_ago * DAY).total_seconds()
        self.sim = Simulator(self._send, nlu, state, length_s=catalog.audio_s)
        self.client = client

    @property
    def user_id(self) -> str:
        return self.sim.state.user_id

    def _send(self, envelope: dict) -> dict:
        status, body = self.client.post(envelope)
        if status != 200:
            raise RuntimeError(f"the skill answered HTTP {status} to {envelope['request']['type']}")
        return body

    def live_sessions(self, count: int) -> None:
        """`count` sessions of SESSION, one a day."""
        for _ in range(count):
            for utterance in SESSION:
                self.sim.say(utterance)
            self.sim.advance(DAY.total_seconds())

    def everyday_turn(self) -> Everyday:
        """Open the skill and go into the routine; the EVERYDAY request of that open session."""
        for utterance in INTO_ROUTINE:
            self.sim.say(utterance)
        match = self.sim.nlu.understand(EVERYDAY)
        s = self.sim.state
        envelope = self.sim.caller.envelope(
            env.intent_request(match.intent, match.slots),
            session_id=s.session_id,
            attributes=s.attributes,
            audio_player=self.sim.player.context(),
            now=self.sim.now(),
        )
        return Everyday(envelope, datetime.now(UTC))


@dataclass(frozen=True)
class Everyday:
    """An everyday turn in an open session, to be asked again and again."""

    envelope: dict
    made_at: datetime

    def again(self, user_id: str | None = None) -> dict:
        """The same turn asked again, optionally by another user: a new request id, stamped
        as much later on the person's clock as has passed on ours since it was made."""
        out = copy.deepcopy(self.envelope)
        stamped = datetime.fromisoformat(out["request"]["timestamp"])
        out["request"]["requestId"] = f"amzn1.echo-api.request.{uuid.uuid4()}"
        out["request"]["timestamp"] = env.timestamp(stamped + (datetime.now(UTC) - self.made_at))
        if user_id:
            out["context"]["System"]["user"]["userId"] = user_id
            out["session"]["user"]["userId"] = user_id
        return out


def copy_rows(data_dir: Path, sources: list[str], count: int) -> list[tuple[str, str]]:
    """`count` new users, each given a copy of a source user's stored row (round robin), through
    the store's public API: [(new user, the source user)]."""
    adapter = make_adapter(None, data_dir)
    rows = {user_id: adapter.load(user_id) or {} for user_id in sources}
    made = []
    for n in range(count):
        user_id = f"amzn1.ask.account.bench-{n:06d}-{uuid.uuid4().hex[:8]}"
        source = sources[n % len(sources)]
        request = RequestEnvelope(
            context=Context(system=SystemState(user=User(user_id=user_id))),
            request=IntentRequest(request_id=str(uuid.uuid4())),
        )
        adapter.save_attributes(request, rows[source])
        made.append((user_id, source))
    return made


def stored_sessions(data_dir: Path, user_id: str) -> int:
    """How many sessions are kept for `user_id`: the history rows and the latest session's
    entry in the profile (skill/domain/history.py)."""
    adapter = make_adapter(None, data_dir)
    row = adapter.load(user_id) or {}
    latest = row.get("coach", {}).get("history", {}).get("latest")
    return len(adapter.history(user_id)) + (latest is not None)
