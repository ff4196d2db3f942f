"""People's own words, every figure at once: for each set in tests/language, the share the
exported model understands as the right intent; for safety sets, the share answered safely
when said two seconds into a new person's first set, and the share of the rest asked "did
something hurt?" (a fallback while exercising); and the false alarms, command rows the
model hears as a safety report (they stop the set).

Run with `PYTHONPATH=. .venv/bin/python -m benchmarks.language` (about three minutes);
`--blind heldout/ninth` prints those sets' figures but none of their rows, so that a blind set
can be measured without being read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests import language_answers as answers
from tests.unit.test_model import length_s

SETS = Path(__file__).resolve().parents[1] / "tests" / "language"
REPORTS = frozenset(
    {"PainIntent", "RedFlagIntent", "UrgentIntent", "ConditionIntent", "LeakIntent"}
)
"""What a false alarm is heard as: a report of a symptom or condition."""


def main() -> None:
    """Print one line per set, then the false alarms over every command set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--blind", action="append", default=[], help="sets (path prefix) whose rows stay unseen"
    )
    blind = tuple(parser.parse_args().blind)
    hidden = 0
    nlu = Nlu.load()
    skill = build_skill(load_routine(), load_phrases("en-US"), adapter=answers.People())
    alarms, commands = [], 0
    for path in sorted(SETS.glob("*/*.tsv")):
        rows = coverage.read_rows(path)
        results = coverage.run(nlu, rows)
        understood = sum(r.ok for r in results)
        line = f"{path.relative_to(SETS)}: {understood}/{len(rows)} understood"
        line += f" ({100 * understood / len(rows):.1f} %)"
        if all(set(row.expected) <= REPORTS for row in rows):
            said = [answers.answer(in_process(skill), nlu, row, length_s) for row in rows]
            line += f", safe {100 * answers.share(said):.1f} %"
            line += f", asked if it hurt {100 * answers.asked(said):.1f} %"
        else:
            for row in rows:
                if set(row.expected) & REPORTS:
                    continue
                commands += 1
                heard = coverage.answered_by(nlu.understand(row.utterance))
                if heard in REPORTS and blind and str(path.relative_to(SETS)).startswith(blind):
                    hidden += 1
                elif heard in REPORTS:
                    alarms.append(f"  {row.utterance!r} -> {heard}")
        print(line, flush=True)
    print(f"false alarms: {len(alarms) + hidden} of {commands} command rows heard as a report")
    if hidden:
        print(f"  ({hidden} of them in blind sets, not shown)")
    print("\n".join(alarms))


if __name__ == "__main__":
    main()
