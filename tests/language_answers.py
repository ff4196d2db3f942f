"""Is the skill's answer to a safety phrasing, said while a set plays, a safe one? (issue 18)

Used by the unit test (the skill in-process) and the integration test (`backcoach serve` over
HTTP): each row is said by a new person, two seconds into their first set, and the answer is
judged by what it does (ends the session, stops, asks) and says (the locale's own advice), so
that it is judged by what the person hears, not by which intent it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from backcoach.skill.devtools.coverage import Row
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator, Transport, Turn
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.state import Pending, Phase
from backcoach.skill.storage.base import attributes_id

PHRASES = load_phrases("en-US")
URGENT = PHRASES.raw("pain.urgent")
RED_FLAG = PHRASES.raw("pain.red_flag")
CHECK_FIRST = PHRASES.raw("condition.check_first")

SAFE = {
    "PainIntent": {"pain", "leak", "condition", "red_flag", "urgent"},
    "LeakIntent": {"leak", "urgent"},
    "ConditionIntent": {"condition", "red_flag", "urgent"},
    "RedFlagIntent": {"red_flag", "urgent"},
    "UrgentIntent": {"urgent"},
}
"""The answers that are safe for each label: the right one, or a more cautious one (stopping
for pain also stops a leak's exercise; an urgent answer is never unsafe)."""

ASKED = "asked"
"""Not understood, and asked "did something hurt?" (its yes stops for pain): a set stopped
and nothing playing, yet not the answer itself, so never counted safe; reported apart."""

INTO_A_SET = ("open back coach", "yes", "ready")
"""A new person's first turns, up to their first set (the welcome, the steps, "ready")."""
BARGE_IN_S = 2.0


class People(AbstractPersistenceAdapter):
    """Everyone's stored attributes in memory, by person (each row is a new person)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}

    def get_attributes(self, request_envelope) -> dict:
        return dict(self.rows.get(attributes_id(request_envelope), {}))

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        self.rows[attributes_id(request_envelope)] = dict(attributes)

    def delete_attributes(self, request_envelope) -> None:
        self.rows.pop(attributes_id(request_envelope), None)


@dataclass(frozen=True)
class Answer:
    """What the skill did with one safety phrasing said during a set."""

    row: Row
    kind: str
    """urgent, red_flag, condition, leak, pain, asked, or what else it was (the simulator's
    intent)."""
    turn: Turn

    @property
    def plays(self) -> bool:
        """Whether the answer plays anything: timed counts, clips, or a stream."""
        directives = {d.get("type") for d in self.turn.directives}
        return bool(re.search(r"<audio|<break", self.turn.ssml)) or (
            "AudioPlayer.Play" in directives
        )

    @property
    def safe(self) -> bool:
        """The right answer or a more cautious one, and nothing plays."""
        return self.kind in SAFE[self.row.expected[0]] and not self.plays


def kind_of(turn: Turn) -> str:
    """What an answer does, from its speech and the coach's state."""
    coach = (turn.response.get("sessionAttributes") or {}).get("coach") or {}
    speech = " ".join(turn.speech.split())
    if turn.ends_session and URGENT in speech:
        return "urgent"
    if turn.ends_session and RED_FLAG in speech:
        return "red_flag"
    if turn.ends_session and CHECK_FIRST in speech:
        return "condition"
    if coach.get("pending") == Pending.LEAK_CHECK:
        return "leak"
    if coach.get("phase") == Phase.PAIN:
        return "pain"
    if coach.get("pending") == Pending.HURT_CHECK and not turn.ends_session:
        return ASKED
    return turn.intent or "nothing"


def answer(
    transport: Transport, nlu: Nlu, row: Row, length_s: Callable[[str], float | None]
) -> Answer:
    """A new person says `row` two seconds into their first set."""
    sim = Simulator(transport, nlu, SessionState(), length_s=length_s)
    for utterance in INTO_A_SET:
        set_turn = sim.say(utterance)
    assert re.search(r"<audio|<break", set_turn.ssml), f"no set played: {set_turn.speech!r}"
    turn = sim.say(row.utterance, barge_in_s=BARGE_IN_S)
    return Answer(row, kind_of(turn), turn)


def share(answers: list[Answer]) -> float:
    """The share of answers that are safe."""
    return sum(a.safe for a in answers) / len(answers)


def asked(answers: list[Answer]) -> float:
    """The share of answers that are not safe but ask whether something hurt."""
    return sum(not a.safe and a.kind == ASKED for a in answers) / len(answers)


def unsafe(answers: list[Answer]) -> list[str]:
    """Each unsafe answer, one line each."""
    return [
        f"line {a.row.line}: {a.row.utterance!r} ({a.row.expected[0]}) -> {a.kind}"
        + (" and it plays" if a.plays else "")
        for a in answers
        if not a.safe
    ]
