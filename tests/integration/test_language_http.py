"""People's own words over HTTP (issue 18): the same sets as tests/unit/test_language.py, said
to `backcoach serve` with the audio built, answered as they are in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import Nlu
from backcoach.skill.devtools.simulator import SessionState, Simulator, over_http
from tests import language_answers as answers
from tests.helpers import start_server, stop_server
from tests.integration.conftest import PUBLIC_URL
from tests.unit.test_language import SAFE_FLOORS, SETS, shown

NLU = Nlu.load()
GENERIC_APOLOGY = "something went wrong"


@pytest.fixture(scope="module")
def server(config):
    process, url = start_server(config, BACKCOACH_PUBLIC_URL=PUBLIC_URL)
    yield url
    stop_server(process)


@pytest.mark.slow  # a `backcoach serve` process, a thousand sessions
@pytest.mark.parametrize("name", sorted(SAFE_FLOORS))
def test_safety_phrasings_said_during_a_set_over_http(server, service, name):
    rows = coverage.read_rows(SETS / name)
    said = [answers.answer(over_http(server), NLU, row, service.audio_s) for row in rows]
    assert not [a for a in said if a.plays], shown(
        name, answers.unsafe([a for a in said if a.plays])
    )
    assert answers.share(said) >= SAFE_FLOORS[name], shown(name, answers.unsafe(said))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "dev/commands.tsv",
        "heldout/commands.tsv",
        "heldout/fifth_commands.tsv",
        "heldout/sixth_commands.tsv",
    ],
)
def test_every_command_row_gets_an_answer_over_http(server, service, name):
    """Each command, said by a new person at the welcome, is answered (no error, no apology)."""
    failed = []
    for row in coverage.read_rows(SETS / name):
        sim = Simulator(over_http(server), NLU, SessionState(), length_s=service.audio_s)
        sim.say("open back coach")
        turn = sim.say(row.utterance)
        if turn.problems or GENERIC_APOLOGY in turn.speech.lower() or not turn.speech:
            failed.append(f"{row.utterance!r}: {turn.problems} {turn.speech[:80]!r}")
    assert not failed, shown(name, failed)


def test_the_sets_are_where_the_unit_test_reads_them():
    assert all((SETS / name).is_file() for name in SAFE_FLOORS)
    assert Path(SETS / "RUBRIC.md").is_file()
