"""Stored state: enums keep the strings rows hold; rows are versioned, migrated or refused."""

from __future__ import annotations

import copy
import logging

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain import navigation, opening, pain, progression
from backcoach.skill.domain.hands_free import Stream
from backcoach.skill.domain.state import Offer, Pending, Phase, Place, Profile, State
from backcoach.skill.domain.stored import SCHEMA_VERSION

CALLER = env.Caller()


def test_enum_values_are_the_strings_rows_already_hold():
    assert [p.value for p in Phase] == [
        "idle",
        "intro",
        "between",
        "exercise_done",
        "paused",
        "pain",
        "finished",
    ]
    assert {p.value for p in Pending} == {
        "",
        "start",
        "ready",
        "next",
        "resume",
        "skip",
        "start_over",
        "resume_routine",
        "back_check",
        "medical_check",
        "resume_stream",
        "leak_check",
        "hurt_check",
        "effort",
        "pain_score",
        "remind",
        "forget",
        "unclear",
    }
    offers = {"", "medical_check", "back_check", "resume", "resume_stream", "leak_check"}
    offers |= {"hurt_check", "pain_score", "effort", "remind", "forget"}
    assert {o.value for o in Offer} == offers
    assert not Pending.NONE and not Offer.NONE  # "nothing pending" stays falsy, as "" was
    assert f"help.{Phase.BETWEEN}" == "help.between"


def test_rows_carry_the_schema_version_and_come_back_equal(coach, routine):
    s = State(Profile(disclaimer_heard=True))
    navigation.start_exercise(coach, s, "plank")
    navigation.pause(coach, s)
    profile, place = s.profile.to_row(), s.place.to_row()
    assert profile["schema_version"] == place["schema_version"] == SCHEMA_VERSION
    assert place["phase"] == "paused" and place["paused_phase"] == "between"
    assert place["pending"] == "resume" and place["offer"] == ""
    assert State.load(routine, profile, place) == s


def test_a_row_from_before_versions_is_read_as_it_is(routine, caplog):
    old_profile = {
        "disclaimer_heard": True,
        "levels": {"plank": 2},
        "clean": {"plank": 1},
        "history": [{"date": "2024-01-01", "done": ["plank"], "feedback": [], "pain": []}],
        "back_check": "",
        "stopped": {"exercise": 2, "done": ["pelvic_extension"], "at": "2024-01-01T10:00:00"},
    }
    old_place = {
        "phase": "between",
        "exercise": 1,
        "unit": 1,
        "last_block": 0,
        "paused_phase": "",
        "pending": "ready",
        "done": ["pelvic_extension"],
        "offer": "",
        "logged": True,
        "stream": "",
    }
    with caplog.at_level(logging.WARNING):
        s = State.load(routine, copy.deepcopy(old_profile), copy.deepcopy(old_place))
    assert not caplog.records
    assert s.profile.levels == {"plank": 2} and s.profile.disclaimer_heard
    assert s.place.phase is Phase.BETWEEN and s.place.pending is Pending.READY
    assert s.place.paused_phase is None and s.place.unit == 1
    kept = s.profile.to_row()
    assert {k: kept[k] for k in old_profile if k != "history"} == {
        k: v for k, v in old_profile.items() if k != "history"
    }
    # The session becomes the latest entry; which exercise hurt is not kept.
    assert s.profile.history.latest == {
        "date": "2024-01-01",
        "done": ["plank"],
        "feedback": [],
        "n": 1,
    }
    assert s.profile.history.count == 1 and s.profile.history.closed == []


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 0, "2", None, True])
def test_an_unknown_version_is_refused_with_a_reason(routine, caplog, version):
    row = {"schema_version": version, "disclaimer_heard": True, "levels": {"plank": 2}}
    place = {"schema_version": SCHEMA_VERSION, "phase": "intro", "exercise": 1}
    with caplog.at_level(logging.WARNING):
        s = State.load(routine, row, place)
    assert s.profile == Profile()
    assert s.place.phase is Phase.INTRO and s.place.exercise == 1  # the other part is kept
    assert "stored profile refused: unknown schema_version" in caplog.text


@pytest.mark.parametrize("row", [[1, 2], "garbage", 42])
def test_a_row_of_the_wrong_shape_is_refused_with_a_reason(routine, caplog, row):
    with caplog.at_level(logging.WARNING):
        s = State.load(routine, row, row)
    assert s == State()
    assert "not a mapping" in caplog.text


def test_unreadable_fields_are_dropped_and_the_rest_kept(routine, caplog):
    row = {
        "disclaimer_heard": "yes",
        "levels": {"plank": 2, "butt_lifter": "hard", "steamroller": 1.5},
        "clean": {"plank": None},
        "history": [{"date": "2024-01-01"}, "not an entry", 7],
        "back_check": "plank",
    }
    with caplog.at_level(logging.WARNING):
        profile, refused = Profile.from_row(row)
    assert refused == {"disclaimer_heard"}
    assert "dropped unreadable fields disclaimer_heard" in caplog.text
    assert profile.disclaimer_heard is False and profile.back_check == "plank"
    assert profile.levels == {"plank": 2} and profile.clean == {}
    assert profile.history.latest == {"date": "2024-01-01", "done": [], "feedback": [], "n": 1}


def test_an_old_history_entry_never_fails_a_later_turn(coach, routine):
    """An entry written without its lists used to raise KeyError when pain was logged."""
    profile = {"history": [{"date": "2024-01-01", "started": "2024-01-01T10:00:00"}]}
    place = {"phase": "intro", "exercise": 1, "logged": True}
    s = State.load(routine, profile, place)
    reply = pain.pain(coach, s)
    assert "Stop the exercise now" in reply.text
    assert "pain" not in s.profile.history.latest and s.profile.back_check == "plank"


def test_a_place_that_cannot_be_trusted_starts_fresh_but_the_profile_stays(routine):
    levels = {"levels": {"plank": 1}}
    for place in ({"phase": "flying", "exercise": 1}, {"phase": "intro", "exercise": 9}):
        s = State.load(routine, levels, place)
        assert s.place == Place() and s.profile.levels == {"plank": 1}
    paused = State.load(routine, None, {"phase": "paused", "paused_phase": "paused"})
    assert paused.place.phase is Phase.PAUSED and paused.place.paused_phase is None


def test_the_stream_row_is_versioned_too(caplog):
    old = {"token": "bc1:back_routine:plank:0:ab12", "offset_ms": 1500, "activity": "STOPPED"}
    stream = Stream.read(old)
    assert stream.offset_ms == 1500 and stream.to_row()["schema_version"] == SCHEMA_VERSION
    with caplog.at_level(logging.WARNING):
        assert Stream.read({**old, "schema_version": SCHEMA_VERSION + 1}) == Stream()
        assert Stream.read({**old, "offset_ms": "soon"}) == Stream(**{**old, "offset_ms": 0})
    assert "stored stream refused" in caplog.text and "offset_ms" in caplog.text


def test_asking_sets_what_yes_answers(coach):
    s = State()
    question = coach.phrasing.question(s)
    assert question.pending is Pending.START and s.place.pending is Pending.NONE  # no hidden write
    reply = opening.launch(coach, s)
    assert s.place.pending is Pending.START and reply.reprompt


def test_session_and_profile_have_separate_lifetimes(coach, routine):
    s = State(Profile(disclaimer_heard=True, levels={"plank": 2}))
    navigation.start_exercise(coach, s, "plank")
    progression.remember_place(coach, s)  # after every turn
    opening.begin_session(coach, s)
    assert s.place == Place(offer=Offer.RESUME)  # what was just stopped is offered
    assert s.profile.levels == {"plank": 2} and s.profile.stopped["exercise"] == 1


class MemoryAdapter(AbstractPersistenceAdapter):
    """Persistent attributes in a dict (what a store would hand back)."""

    def __init__(self, saved: dict):
        self.saved = saved

    def get_attributes(self, request_envelope):
        return copy.deepcopy(self.saved)

    def save_attributes(self, request_envelope, attributes):
        self.saved = copy.deepcopy(attributes)

    def delete_attributes(self, request_envelope):
        self.saved = {}


def test_a_foreign_stored_row_is_refused_and_the_skill_answers(routine, phrases, caplog):
    adapter = MemoryAdapter({"coach": {"schema_version": "x", "levels": 3}, "player": ["x"]})
    send = in_process(build_skill(routine, phrases, adapter=adapter))
    with caplog.at_level(logging.WARNING):
        first = send(CALLER.envelope(env.launch_request(), session_id="s1", new=True))
    assert (
        "not intended to supplement or replace advice" in first["response"]["outputSpeech"]["ssml"]
    )
    assert "unknown schema_version 'x'" in caplog.text and "stored stream refused" in caplog.text
    assert adapter.saved["coach"]["schema_version"] == SCHEMA_VERSION
    assert adapter.saved["coach"]["disclaimer_heard"] is True
    carried = first["sessionAttributes"]
    second = send(
        CALLER.envelope(
            env.intent_request("StartRoutineIntent"), session_id="s1", attributes=carried
        )
    )
    assert second["sessionAttributes"]["coach"]["phase"] == "exercise_done"


def test_rows_a_newer_release_wrote_are_never_overwritten(routine, phrases, caplog):
    """After a rollback the older release answers from a fresh state but keeps the rows."""
    newer = {
        "coach": {"schema_version": SCHEMA_VERSION + 1, "levels": {"plank": 4}},
        "player": {"schema_version": SCHEMA_VERSION + 1, "token": "t"},
    }
    adapter = MemoryAdapter(copy.deepcopy(newer))
    send = in_process(build_skill(routine, phrases, adapter=adapter))
    with caplog.at_level(logging.WARNING):
        reply = send(CALLER.envelope(env.launch_request(), session_id="s3", new=True))
    assert "Would you like to start" in reply["response"]["outputSpeech"]["ssml"]
    assert f"unknown schema_version {SCHEMA_VERSION + 1}" in caplog.text
    assert adapter.saved == newer


def test_an_old_session_row_keeps_the_conversation_going(routine, phrases):
    send = in_process(build_skill(routine, phrases))
    old = {"phase": "intro", "exercise": 1, "pending": "ready", "disclaimer_heard": True}
    reply = send(
        CALLER.envelope(
            env.intent_request("AMAZON.YesIntent"), session_id="s2", attributes={"coach": old}
        )
    )
    carried = reply["sessionAttributes"]["coach"]
    assert carried["phase"] == "between" and carried["unit"] == 2  # lead-in, two holds
    assert carried["schema_version"] == SCHEMA_VERSION


def test_a_version_4_rows_level_announced_for_next_time_is_folded_into_its_levels():
    row = {"schema_version": 4, "levels": {"plank": 1}, "level_up": {"plank": 2, "steamroller": 1}}
    profile, refused = Profile.from_row(row)
    assert not refused and profile.level_up == {}
    assert profile.levels == {"plank": 2, "steamroller": 1}
