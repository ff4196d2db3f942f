"""A request whose save keeps losing the race is run a bounded number of times, then apologises."""

from __future__ import annotations

from backcoach.skill.alexa import retry
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.storage.base import stale
from backcoach.skill.storage.sqlite import SqliteAdapter


class AlwaysBeaten(SqliteAdapter):
    """A store where someone else always saved first (a real SQLite file underneath)."""

    saves = 0

    def _write(self, write):
        self.saves += 1
        raise stale(write, self.label)


def test_a_save_that_always_loses_is_run_again_then_apologises(routine, phrases, tmp_path):
    store = AlwaysBeaten(tmp_path / "backcoach.sqlite3")
    send = in_process(build_skill(routine, phrases, adapter=store))
    caller = env.Caller()
    session = env.new_session_id()
    opened = send(caller.envelope(env.launch_request(), session_id=session, new=True))
    assert store.saves == retry.ATTEMPTS
    speech = opened["response"]["outputSpeech"]["ssml"]
    assert "couldn't save" in speech.lower() or "could not save" in speech.lower(), speech
    assert store.load(caller.user_id) is None
