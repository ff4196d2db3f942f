"""A symptom said beside a command: how each of 360 sentences (twelve commands, ten symptoms,
the symptom before, after, or after "sorry") is answered by the exported model and the
skill's reading of it (coverage.answered_by). Nothing here may be answered as the command.

Run with `PYTHONPATH=. .venv/bin/python -m benchmarks.asides`.
"""

from __future__ import annotations

from collections import Counter

from backcoach.skill.devtools.coverage import answered_by
from backcoach.skill.devtools.nlu import Nlu

COMMANDS = (
    "how many more", "hang on", "how long is left", "can we slow down", "what's next",
    "give me a minute", "i need a break", "how many reps are left", "can you repeat that",
    "what was that", "let's skip this one", "i'm ready",
)  # fmt: skip
SYMPTOMS = (
    "my chest is really tight", "i can't get my breath at all", "my heart is racing like mad",
    "i'm going to pass out i think", "both my legs have gone numb", "i think i've wet myself",
    "the pain is shooting down my leg now", "my back just went pop",
    "it really hurts in my lower back", "i'm pregnant by the way you know",
)  # fmt: skip


def sentences() -> list[str]:
    """Every command with every symptom: before it, after it, and after "sorry"."""
    return [
        said
        for command in COMMANDS
        for symptom in SYMPTOMS
        for said in (f"{command} {symptom}", f"{symptom} {command}", f"{command} sorry {symptom}")
    ]


def main() -> None:
    nlu = Nlu.load()
    answers = Counter(answered_by(nlu.understand(said)) for said in sentences())
    print(", ".join(f"{intent} {n}" for intent, n in answers.most_common()))


if __name__ == "__main__":
    main()
