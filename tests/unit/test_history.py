"""A person's sessions: this session's entry and running figures that never grow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backcoach.skill.domain.history import History
from backcoach.skill.domain.state import Profile

MONDAY = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def sessions(*days: int) -> History:
    """A history with a session on each of these days after MONDAY."""
    history = History()
    for day in days:
        history.start(MONDAY + timedelta(days=day))
    return history


def test_each_session_closes_the_one_before_and_is_numbered():
    history = sessions(0, 1)
    history.log("done", "plank")
    assert history.count == 2 and history.latest["n"] == 2
    assert [entry["n"] for entry in history.closed] == [1]
    history.start(MONDAY + timedelta(days=2))
    assert [entry["n"] for entry in history.closed] == [1, 2]
    assert history.done_before == ["plank"] and history.ever_done("plank")


def test_a_clock_set_back_does_not_rewrite_the_latest_day():
    history = sessions(7, 8)
    history.start(MONDAY)  # a week earlier
    assert history.last_day == (MONDAY + timedelta(days=8)).date().isoformat()
    assert history.count == 3


def test_ever_done_follows_the_latest_entry_when_it_is_taken_back():
    history = sessions(0)
    history.log("done", "plank")
    assert history.ever_done("plank")
    history.latest["done"] = []  # an interrupted block taken back (interruptions.py)
    assert not history.ever_done("plank")


def test_an_old_list_becomes_the_latest_entry_figures_and_closed_rows():
    old = [
        {"date": "2026-11-20", "started": "2026-11-20T07:00:00", "done": ["plank"]},
        "not an entry",
        {"date": "2026-11-22", "done": ["steamroller"], "feedback": [], "pain": ["plank"]},
        {"date": "2026-11-23", "done": [], "feedback": [], "run": "ab12"},
    ]
    profile, refused = Profile.from_row({"schema_version": 2, "history": old})
    history = profile.history
    assert not refused and history.count == 3
    assert history.latest == {
        "date": "2026-11-23",
        "done": [],
        "feedback": [],
        "run": "ab12",
        "n": 3,
    }
    assert [(e["n"], e["date"]) for e in history.closed] == [(1, "2026-11-20"), (2, "2026-11-22")]
    assert "pain" not in history.closed[1]  # version 2 → 3 applies first
    assert history.done_before == ["plank", "steamroller"]
    assert history.last_day == "2026-11-23"
    row = profile.to_row()
    assert "closed" not in row["history"]  # handed to the store, never kept in the row
    again, _ = Profile.from_row(row)
    assert again.history.closed == [] and again.history.count == 3
