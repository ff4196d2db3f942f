"""People's own words (issue 18): how much of them the exported model understands, and whether
every safety phrasing said during a set gets a safe answer.

The sets are data (tests/language/RUBRIC.md): `dev/` is tuned on; `heldout/` was written blind
to the model and is never read to change it, so its figures are the honest ones. The floors
below are what the model reached when they were last raised: a change that understands less
fails here. README, "People's own words", reports the same figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests import language_answers as answers
from tests.unit.test_model import length_s

SETS = Path(__file__).resolve().parents[1] / "language"
FLOORS = {
    # understood as the right intent
    "dev/commands.tsv": 0.99,
    "dev/safety.tsv": 0.97,
    "dev/first_heldout_commands.tsv": 0.96,
    "dev/first_heldout_safety.tsv": 0.98,
    "heldout/commands.tsv": 0.68,
    "heldout/safety.tsv": 0.76,
}
SAFE_FLOORS = {
    # a safe answer when said during a set
    "dev/safety.tsv": 0.97,
    "dev/first_heldout_safety.tsv": 0.98,
    "heldout/safety.tsv": 0.76,
}
NLU = Nlu.load()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_model_understands_at_least_as_much_as_before(name):
    results = coverage.run(NLU, coverage.read_rows(SETS / name))
    understood = sum(r.ok for r in results) / len(results)
    misses = coverage.report(NLU, results, name)
    assert understood >= FLOORS[name], "\n".join(misses[:40])


@pytest.fixture(scope="module")
def skill():
    return build_skill(load_routine(), load_phrases("en-US"), adapter=answers.People())


@pytest.mark.parametrize("name", sorted(SAFE_FLOORS))
def test_safety_phrasings_said_during_a_set_get_a_safe_answer(skill, name):
    rows = coverage.read_rows(SETS / name)
    said = [answers.answer(in_process(skill), NLU, row, length_s) for row in rows]
    assert not [a for a in said if a.plays], answers.unsafe([a for a in said if a.plays])
    assert answers.share(said) >= SAFE_FLOORS[name], "\n".join(answers.unsafe(said))


def test_every_safety_row_understood_is_answered_safely(skill):
    """Whatever the model understands as a safety intent, the skill answers as one."""
    rows = [
        row
        for name in SAFE_FLOORS
        for row in coverage.read_rows(SETS / name)
        if coverage.answered_by(NLU.understand(row.utterance)) in row.expected
    ]
    said = [answers.answer(in_process(skill), NLU, row, length_s) for row in rows]
    assert not answers.unsafe(said), "\n".join(answers.unsafe(said))


def test_the_sets_are_the_size_the_issue_asks():
    for part, least in (("commands", 200), ("safety", 150)):
        for folder in ("dev", "heldout"):
            rows = [r for p in (SETS / folder).glob(f"*{part}.tsv") for r in coverage.read_rows(p)]
            assert len(rows) >= least, (folder, part, len(rows))
