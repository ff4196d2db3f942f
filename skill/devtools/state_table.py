"""docs/state-table.md: what every dialog intent does in every phase, found by running the coach."""

from __future__ import annotations

import argparse
import copy
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.skill.alexa.intents import OPERATIONS, Slots, meaning
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.interruptions import arrive
from backcoach.skill.domain.opening import begin_session, launch, with_opening_notes
from backcoach.skill.domain.phrases import Phrases, load_phrases
from backcoach.skill.domain.progression import remember_place
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.routine import Routine, load_routine
from backcoach.skill.domain.state import Phase, State

DOC = Path(__file__).resolve().parents[2] / "docs" / "state-table.md"
STALE = "docs/state-table.md is stale: run `make docs`"
TODAY = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # a fixed clock: regenerating is byte-identical
LAUNCH = "LaunchRequest"
UNTIL_FINISHED = "ReadyIntent*"
CUT = "~"
YES = "AMAZON.YesIntent"
RIGHT = "RatedRightIntent"
WORDS = 9  # enough of a reply to tell answers apart, short enough for a table cell
ROWS = (LAUNCH, *OPERATIONS)
"""A LaunchRequest, then every dialog intent in OPERATIONS' (grouped) order."""


@dataclass(frozen=True)
class Situation:
    """A place in the conversation, reached by real requests."""

    key: str
    title: str
    steps: tuple[str, ...]
    """Requests: intents, LAUNCH (a new session), UNTIL_FINISHED ("I'm ready" until the
    routine is over); CUT before an intent: it arrives 2 s into the last sets, cutting them."""
    first_time: bool = False
    """From nothing; otherwise from someone who did the whole routine yesterday."""


PLANK = (
    LAUNCH,
    YES,
    RIGHT,
    YES,
)  # the pelvic extension played whole, rated, the plank's first sets
SITUATIONS = (
    Situation("first", "a first-timer opened the skill", (LAUNCH,), first_time=True),
    Situation("idle", "someone who knows the routine opened the skill", (LAUNCH,)),
    Situation(
        "back_check", "opened after pain", (*PLANK, "PainIntent", "AMAZON.StopIntent", LAUNCH)
    ),
    Situation("medical", "opened after a red flag", (*PLANK, "RedFlagIntent", LAUNCH)),
    Situation("resume", "opened after a session timed out mid-plank", (*PLANK, LAUNCH)),
    Situation("intro", "the plank's first sets cut short", (*PLANK, CUT + "HoldTimeIntent")),
    Situation("between", "sets left in the plank", PLANK),
    Situation("rate", "asked how the pelvic extension felt", (LAUNCH, YES)),
    Situation("done", "the pelvic extension finished and rated", (LAUNCH, YES, RIGHT)),
    Situation("paused", "paused between sets", (*PLANK, "AMAZON.PauseIntent")),
    Situation("pain", "stopped for pain in the plank", (*PLANK, "PainIntent")),
    Situation("leak", "a leak told between sets", (*PLANK, "LeakIntent")),
    Situation("finished", "the last exercise's sets played", (LAUNCH, UNTIL_FINISHED)),
)
"""The situations, in the order a session meets them (the columns of the matrix)."""
YESTERDAY = ((LAUNCH, UNTIL_FINISHED, RIGHT), TODAY - timedelta(days=1))
"""What someone who knows the routine did: all of it, yesterday, the last about right."""


@dataclass(frozen=True)
class Outcome:
    """What one request did: its answer in short, and where it left the conversation."""

    answer: str
    where: str
    pending: str
    ends: bool


Starts = dict[str, Outcome]
"""Each situation (by key) as its last step left it."""
Cells = dict[tuple[str, str], Outcome]
"""What each request does to each situation, by (situation key, intent)."""


class Run:
    """Requests through the coach as the skill's handlers make them, on a timeline."""

    def __init__(self, routine: Routine, phrases: Phrases):
        self.routine, self.phrases = routine, phrases

    @staticmethod
    def arrival(s: State, day: datetime, cut: bool) -> datetime:
        """When the next request arrives: 2 s after the last sets played out (or into them)."""
        # 2 s after the previous request, never before `day`: the time runs on in the state
        # itself, so a copy's requests never move another's clock. `cut`: 2 s into the sets.
        after = max(day, s.arrived + timedelta(seconds=2)) if s.arrived else day
        if not s.place.played_at:
            return after
        played = datetime.fromisoformat(s.place.played_at)
        return played + timedelta(seconds=2 if cut else s.place.played_s + 2)

    def request(self, s: State, name: str, day: datetime = TODAY) -> Reply:
        """One request: the domain half of CoachHandler.run (settle, operate, disclaim, keep)."""
        cut, name = name.startswith(CUT), name.removeprefix(CUT)
        s.arrived = at = self.arrival(s, day, cut)
        # A fresh seeded coach per request: a phrase's variant never depends on what ran before.
        coach = Coach(self.routine, self.phrases, random.Random(7), lambda: at)
        operation: Callable[[], Reply]
        if name == LAUNCH:
            begin_session(coach, s)  # what the store does when a request opens a session
            operation = lambda: launch(coach, s)  # noqa: E731
        else:
            # Empty slots, through meaning(), as the handler picks the operation.
            operation = lambda: OPERATIONS[meaning(name, Slots())](coach, s, Slots())  # noqa: E731
        arrive(s)
        reply = with_opening_notes(coach, s, operation())
        remember_place(coach, s)
        return reply

    def steps(self, s: State, steps: Sequence[str], day: datetime = TODAY) -> Reply:
        """Run requests in order (see Situation.steps); the last reply."""
        reply = Reply(())
        for step in steps:
            reply = self.request(s, step.removesuffix("*"), day)
            for _ in range(100 if step == UNTIL_FINISHED else 0):  # every set, to the end
                if s.place.phase == Phase.FINISHED:
                    break
                reply = self.request(s, "ReadyIntent", day)
        if UNTIL_FINISHED in steps and s.place.phase != Phase.FINISHED:
            raise RuntimeError("state table: 'I'm ready' never finished the routine")
        return reply

    def situation(self, situation: Situation) -> tuple[State, Outcome]:
        """The state a situation's steps lead to, and what its last step did."""
        s = State()
        if not situation.first_time:
            self.steps(s, *YESTERDAY)
        return s, outcome(s, self.steps(s, situation.steps))

    def probe(self, start: State, intent: str) -> Outcome:
        """What one intent (or a LaunchRequest: a new session) does to a copy of a state."""
        s = copy.deepcopy(start)
        return outcome(s, self.request(s, intent))


def outcome(s: State, reply: Reply) -> Outcome:
    """A reply and the state it left, as the table shows them."""
    # A session that ends takes its place with it: what "yes" would have meant is moot.
    pending = "" if reply.end_session else s.place.pending.value
    return Outcome(answer(reply), where(s), pending, reply.end_session)


def answer(reply: Reply) -> str:
    """The reply in a few words: how its speech begins, the clips it plays, how it goes on."""
    first = next((i for i, p in enumerate(reply.parts) if not isinstance(p, str)), None)
    if first is None:
        return quote(reply.parts, WORDS)
    n = len(reply.segments)
    clips = f"▶ {n} clip{'s' if n > 1 else ''}"
    before, after = quote(reply.parts[:first], 5), quote(reply.parts[first:], 5)
    return " ".join(x for x in (before, clips, after) if x)


def quote(parts: Sequence[object], n: int) -> str:
    """The first `n` words of the sentences among `parts`, quoted ("" if there are none)."""
    words = " ".join(p for p in parts if isinstance(p, str)).split()
    said = " ".join(words[:n]) + (" …" if len(words) > n else "")
    return f"“{said}”".replace("|", "\\|") if words else ""


def where(s: State) -> str:
    """The phase, with the one a pause returns to, and an offer still open."""
    place, text = s.place, s.place.phase.value
    if place.phase == Phase.PAUSED and place.paused_phase:
        text += f" (from {place.paused_phase.value})"
    return text + (f" +{place.offer.value}" if place.offer else "")


def build(routine: Routine | None = None, phrases: Phrases | None = None) -> tuple[Starts, Cells]:
    """Each situation as reached, and what every request does to it, by running the coach."""
    run = Run(routine or load_routine(), phrases or load_phrases("en-US"))
    starts: Starts = {}
    cells: Cells = {}
    for situation in SITUATIONS:
        start, starts[situation.key] = run.situation(situation)
        for intent in ROWS:
            cells[situation.key, intent] = run.probe(start, intent)
    return starts, cells


HEADER = """# The state machine

The map to read first: what Back Coach answers to everything a person can say, wherever a
conversation can be. Nothing here is written by hand: `make docs` (`python -m
backcoach.skill.devtools.state_table`) runs the coaching core (`skill/domain/`) through a
`LaunchRequest` (a new session after the one shown) and every dialog intent of `OPERATIONS`
(`skill/alexa/intents.py`; empty slots) on a copy of each situation, each reached by real
requests; `tests/unit/test_state_table.py` fails when this file is stale. Hands-free requests
are not here: while our stream plays, `skill/alexa/stream_handlers.py` answers some intents first.
"""
LEGEND = """A cell is the phase the request leaves: `·` stays as it was (same phase and offer), `+x`
an opening offer or check `x` still open, `(end)` the session ends. Intents that do the same
everywhere share a row. Situations (each has its own table below):
"""


def render(starts: Starts, cells: Cells) -> str:
    """The whole Markdown document."""
    keys = [s.key for s in SITUATIONS]
    out = [HEADER, "## Situation × intent → next phase", "", LEGEND]
    out += [f"- **{s.key}**: {s.title} (`{starts[s.key].where}`)" for s in SITUATIONS]
    out += ["", "| Intent | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    # Intents that do the same in every situation share a row: what moves stands out.
    rows: dict[tuple[str, ...], list[str]] = {}
    for intent in ROWS:
        shown = tuple(cell(starts[k], cells[k, intent]) for k in keys)
        rows.setdefault(shown, []).append(f"`{intent}`")
    out += [f"| {', '.join(names)} | {' | '.join(shown)} |" for shown, names in rows.items()]
    for s in SITUATIONS:
        start = starts[s.key]
        path = " → ".join(f"`{step}`" for step in s.steps)
        who = "nothing" if s.first_time else "someone who did it all yesterday"
        out += ["", f"## {s.key}: {s.title}", ""]
        out += [f"Reached from {who} by {path}, which said {start.answer}: `{start.where}`, "]
        out[-1] += f"“yes” then means `{start.pending or '—'}`.\n"
        out += ["| Intent | Answer | Next phase | “Yes” then | Session |", "|---|---|---|---|---|"]
        for intent in ROWS:
            o = cells[s.key, intent]
            row = [f"`{intent}`", o.answer, o.where, o.pending or "—", "ends" if o.ends else "open"]
            out.append("| " + " | ".join(row) + " |")
    return "\n".join(out) + "\n"


def cell(start: Outcome, after: Outcome) -> str:
    """One matrix cell: where a request leaves the conversation, `·` if where it was."""
    if after.where == start.where and not after.ends:
        return "·"
    return after.where + (" (end)" if after.ends else "")


def generate() -> str:
    """The document as the code stands now."""
    return render(*build())


def main(argv: list[str] | None = None) -> int:
    """Write docs/state-table.md, or with --check say whether it is current."""
    parser = argparse.ArgumentParser(
        prog="python -m backcoach.skill.devtools.state_table", description=__doc__
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    check, text = parser.parse_args(argv).check, generate()
    if check:
        if not DOC.is_file() or DOC.read_text(encoding="utf-8") != text:
            print(STALE, file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(DOC)
    return 0


if __name__ == "__main__":
    sys.exit(main())
