"""How much of a set of people's own words the interaction model understands.

A TSV of `utterance<TAB>intent` rows (`#` comments; `A|B` where either is right) is run
through the simulator's NLU, which knows only the exported model. A row is understood when
the intent that answers it (after triage: "my legs are numb" is UrgentIntent) is expected.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from backcoach.skill.alexa.base import slots_named
from backcoach.skill.alexa.intents import meaning
from backcoach.skill.devtools.nlu import Match, Nlu


class CoverageError(ValueError):
    """A TSV that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Row:
    """One utterance and the intents that would be right for it."""

    utterance: str
    expected: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Result:
    """One row as understood."""

    row: Row
    heard: str
    """The intent that answers it (after triage)."""
    match: Match

    @property
    def ok(self) -> bool:
        """Whether it was understood as one of the expected intents."""
        return self.heard in self.row.expected


def read_rows(path: Path) -> list[Row]:
    """The rows of a TSV file of utterances and expected intents."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CoverageError(f"{path}: cannot be read: {exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise CoverageError(f"{path}:{number}: want 'utterance<TAB>intent', got {line!r}")
        expected = tuple(p.strip() for p in parts[1].split("|"))
        rows.append(Row(parts[0].strip(), expected, number))
    if not rows:
        raise CoverageError(f"{path}: no rows")
    return rows


def answered_by(match: Match) -> str:
    """The intent whose operation answers a match (intents.meaning)."""
    if match.launch:
        return "<launch>"
    heard = {
        name: (words, None if resolved.startswith("ER_") else resolved)
        for name, (words, resolved) in match.resolved_slots().items()
    }
    slots = slots_named(heard)
    return meaning(match.intent, slots)


def run(nlu: Nlu, rows: list[Row]) -> list[Result]:
    """Every row understood by the model."""
    results = []
    for row in rows:
        match = nlu.understand(row.utterance)
        results.append(Result(row, answered_by(match), match))
    return results


def nearest(nlu: Nlu, result: Result) -> str:
    """The expected intent's sample most like the utterance (what to add words near)."""
    samples = [s for intent in result.row.expected for s in nlu.samples.get(intent, [])]
    close = difflib.get_close_matches(result.match.utterance, samples, n=1, cutoff=0.0)
    return close[0] if close else ""


def report(nlu: Nlu, results: list[Result], path: str) -> list[str]:
    """The share understood, then each miss with what it was heard as and the nearest sample."""
    ok = sum(r.ok for r in results)
    lines = [f"{path}: {ok} of {len(results)} understood ({100 * ok / len(results):.1f} %)"]
    for r in results:
        if not r.ok:
            want = "|".join(r.row.expected)
            lines.append(
                f"  line {r.row.line}: {r.row.utterance!r} -> {r.heard}, want {want}"
                f" (nearest: {nearest(nlu, r)!r})"
            )
    return lines
