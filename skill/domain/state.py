"""A person's state: the long-lived profile and the place in today's session, as typed data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from backcoach.skill.domain.checked import OMIT, Before, Dump, dump
from backcoach.skill.domain.history import History
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.routine import Routine
from backcoach.skill.domain.stored import Migration, StoredRow


class Phase(StrEnum):
    """Where the conversation is (the values are what session attributes hold)."""

    IDLE = "idle"
    """Nothing started."""
    INTRO = "intro"
    """Steps read, waiting for "ready"."""
    BETWEEN = "between"
    """Sets left in the current exercise."""
    EXERCISE_DONE = "exercise_done"
    """An exercise finished: asking to go on."""
    PAUSED = "paused"
    PAIN = "pain"
    """Stopped for pain."""
    FINISHED = "finished"
    """The routine is done."""


class Pending(StrEnum):
    """What "yes" (and "no") answer right now: the last question asked."""

    NONE = ""
    START = "start"
    READY = "ready"
    NEXT = "next"
    RESUME = "resume"
    SKIP = "skip"
    START_OVER = "start_over"
    RESUME_ROUTINE = "resume_routine"
    BACK_CHECK = "back_check"
    MEDICAL_CHECK = "medical_check"
    RESUME_STREAM = "resume_stream"
    LEAK_CHECK = "leak_check"
    HURT_CHECK = "hurt_check"
    PAIN_SCORE = "pain_score"
    EFFORT = "effort"
    REMIND = "remind"
    FORGET = "forget"
    UNCLEAR = "unclear"
    """Nothing was understood: a bare yes or no answers nothing, so it starts nothing."""


class Offer(StrEnum):
    """A question asked as a session opens."""

    NONE = ""
    MEDICAL_CHECK = "medical_check"
    """Has a doctor said exercise is okay (a red flag last time)? Asked before anything else."""
    BACK_CHECK = "back_check"
    """How is your back (it hurt last time)?"""
    RESUME = "resume"
    """Pick up the routine where it stopped?"""
    RESUME_STREAM = "resume_stream"
    """Resume the hands-free stream that was stopped?"""
    LEAK_CHECK = "leak_check"
    """A leak was told: is it new, or with numbness? Asked before anything goes on."""
    HURT_CHECK = "hurt_check"
    """ "Did anything hurt?" as the routine ends: the session stays open for the answer, so
    that pain in the last exercise reaches the skill (and counts) without its name."""
    PAIN_SCORE = "pain_score"
    """ "How bad is it, from 0 to 10?" once an exercise stopped for pain: the number decides
    what comes next (skippable: next or stop answer it too)."""
    EFFORT = "effort"
    """ "How was that: easy, about right, or hard?" after an exercise's last set, when a step up
    is possible: the answer decides whether the run counts toward one (effort.py)."""
    REMIND = "remind"
    """ "Want me to remind you?" at the end of a good session, once a week at most
    (reminding.py)."""
    FORGET = "forget"
    """ "Delete my data": asked once more before everything kept is deleted (forgetting.py)."""


def _forget_pain_log(row: dict[str, Any]) -> dict[str, Any]:
    """Version 2 → 3: history entries no longer keep which exercises hurt (privacy: only the
    neutral "check in next time" flag is kept), so old entries forget it."""
    history = row.get("history")
    if isinstance(history, list):
        row["history"] = [
            {k: v for k, v in entry.items() if k != "pain"} if isinstance(entry, dict) else entry
            for entry in history
        ]
    return row


def _history_summarised(row: dict[str, Any]) -> dict[str, Any]:
    """Version 3 → 4: the list of every session becomes this session's entry and running
    figures; the older entries are closed, so the next save appends them to the person's
    history rows (and no turn reads them again)."""
    history = row.get("history")
    if isinstance(history, list):
        summary = History.from_entries(history)
        row["history"] = {**dump(summary), "closed": summary.closed}
    return row


Ids = list[Annotated[str, OMIT]]
"""Exercise ids; anything else in a stored list is dropped."""

PerExercise = dict[str, Annotated[int, OMIT]]
"""A count per exercise id; entries that are not whole numbers are dropped."""

MaybePhase = Annotated[Phase | None, Before(lambda v: v or None), Dump(lambda v: v or "")]
"""A phase or none, stored as "" for none (as rows always have)."""


def _level_ups_folded(row: dict[str, Any]) -> dict[str, Any]:
    """Version 4 → 5: levels announced "for next time" (`level_up`) take effect now, as the
    session that would have applied them does; nothing keeps them apart any more."""
    pending, levels = row.get("level_up"), row.get("levels", {})
    if not isinstance(pending, dict) or not isinstance(levels, dict):
        return row
    folded = dict(levels)
    for exercise_id, level in pending.items():
        if type(level) is int and type(folded.get(exercise_id, 0)) is int:
            folded[exercise_id] = max(level, folded.get(exercise_id, 0))
    return {**row, "levels": folded, "level_up": {}}


@dataclass
class Profile(StoredRow):
    """What is known about a person across sessions (persistent attributes)."""

    migrations: ClassVar[dict[int, Migration]] = {
        **StoredRow.migrations,
        2: _forget_pain_log,
        3: _history_summarised,
        4: _level_ups_folded,
    }

    disclaimer_heard: bool = False
    """Whether this person has ever heard the safety disclaimer."""
    reminder: str = ""
    """The alert token of the weekly reminder this skill set for the person ("" for none)."""
    reminder_when: str = ""
    """When it rings, as said back ("on Mondays, Wednesdays and Fridays at 6:30 pm")."""
    reminder_asked_on: str = ""
    """The day (ISO date) a reminder was last offered or failed: not offered again for a week."""
    week_goal: int = 3
    """Days with exercise a week the person aims for ("set my goal to four days a week";
    weekly.DEFAULT_GOAL)."""
    levels: PerExercise = field(default_factory=dict)
    """Level index per exercise id (absent: beginner)."""
    clean: PerExercise = field(default_factory=dict)
    """Completions at the current level without trouble, per exercise id."""
    history: History = field(default_factory=History)
    """This session's entry and running figures over every session (history.py)."""
    back_check: str = ""
    """Id of the exercise that hurt last time: the next session asks how the back feels."""
    back_checked_on: str = ""
    """The day (ISO date) "still sore" answered the check-in: not asked again that day."""
    back_check_hard: bool = False
    """The check-in is for an exercise rated hard, not for pain: said so when it is asked."""
    eased_on_check: str = ""
    """The exercise a "still sore" check-in answer made easier: once for each check-in, not
    again each day the answer is the same."""
    see_doctor: bool = False
    """A red flag or an emergency was reported: every session first asks whether a doctor has
    said exercise is okay, and nothing starts until the person says yes."""
    stopped: dict[str, Any] = field(default_factory=dict)
    """Where an unfinished routine stopped: exercise index, next set (unit), exercises done,
    and when; kept on every turn, so a session that times out loses nothing."""
    clean_on: dict[str, Annotated[str, OMIT]] = field(default_factory=dict)
    """The day (ISO date) each exercise last counted as a clean run: at most one a day."""
    level_up: PerExercise = field(default_factory=dict)
    """Always empty since version 5 (a step up is taken when a session opens: opening.step_up);
    a version-4 row's levels announced "for next time" are folded into `levels` when read."""
    last_sets: dict[str, Any] = field(default_factory=dict)
    """The last block of sets sent (exercise id, its level, when, how long it plays, and what
    finishing the exercise with it changed): pain told while it could still be playing, or
    just after, counts against it, whatever the session (interruptions.late_report)."""
    break_from: str = ""
    """The last day (ISO date) with a session before a break of two weeks or more, once the
    levels were stepped down for it (progress.steps_down)."""
    break_steps: int = 0
    """Steps down already taken for that break (a longer absence takes more, never twice)."""
    stepped_up_on: str = ""
    """The day (ISO date) an exercise last went up a level: one a day at most."""
    pain_score: int | None = None
    """The last pain score told, 0 to 10: a level, not a diary (not when, what or where)."""
    relearn: Ids = field(default_factory=list)
    """Exercises to be taught again in full (steps, long lead-in) after a break, until done."""

    def knows(self, exercise_id: str) -> bool:
        """Whether this person knows the exercise: done before, and not since a long break."""
        return self.history.ever_done(exercise_id) and exercise_id not in self.relearn

    def stopped_index(self, total: int) -> int:
        """The exercise an unfinished routine stopped at (0 if unknown)."""
        index = self.stopped.get("exercise", 0)
        return index if type(index) is int and 0 <= index < total else 0

    def stopped_done(self) -> list[str]:
        """The exercises an unfinished routine had done when it stopped."""
        done = self.stopped.get("done")
        return [d for d in done if isinstance(d, str)] if isinstance(done, list) else []

    def stopped_unit(self) -> int:
        """The set (unit) an unfinished routine stopped before (0 if unknown)."""
        unit = self.stopped.get("unit", 0)
        return unit if type(unit) is int and unit >= 0 else 0


@dataclass
class Place(StoredRow):
    """Where a person is in today's session (session attributes; gone when it ends)."""

    phase: Phase = Phase.IDLE
    exercise: int = 0
    """Index of the current exercise."""
    unit: int = 0
    """Index of the next unit (set on a side) to play in the current exercise."""
    last_block: int = 0
    """Unit index where the last played block began, for "repeat"."""
    paused_phase: MaybePhase = None
    """The phase to return to on "resume"."""
    pending: Pending = Pending.NONE
    done: Ids = field(default_factory=list)
    """Ids of exercises completed in this routine."""
    pain: Ids = field(default_factory=list)
    """Ids of exercises stopped for pain in this session."""
    trouble: Ids = field(default_factory=list)
    """Ids of exercises that were too hard or hurt in this session (no clean completion)."""
    offer: Offer = Offer.NONE
    logged: bool = False
    """Whether this session has its entry in the history yet."""
    stream: str = ""
    """Exercise id where a hands-free stream was stopped (set as the session begins)."""
    last_said: str = ""
    """The words of the last turn, for "what did you say" (never its audio)."""
    played_at: str = ""
    """When (the request's timestamp, ISO 8601) the last block of sets was sent."""
    played_s: float = 0.0
    """How long that block's audio plays: a request sooner than that interrupted it."""
    set_ends_s: list[float] = field(default_factory=list)
    """When each set of that block has surely been heard to its end (seconds after it was
    sent, speech counted slow): an interruption redoes only the sets after the last one."""
    undo: dict[str, Any] = field(default_factory=dict)
    """What finishing an exercise with that block changed, to take back if it was cut short."""
    hands_free: bool = False
    """The pain stop came during a hands-free stream: going on resumes the stream."""
    guest: bool = False
    """Someone new on an account that has a routine ("I've never done this before"): coached
    as a newcomer with a profile that lives in this session only, never saved over the
    account's (opening.as_guest)."""
    interrupted: bool = False
    """The last block was cut short: "resume" or "ready" plays it again."""
    done_for_today: bool = False
    """The person ended the session ("stop", "I'm done for today"): the place is offered
    again today only; tomorrow starts today's routine."""
    level_before_pain: int | None = None
    """The level of the exercise that just hurt, before it was eased for next time: a mild
    pain score puts it back."""
    back_after_weeks: int = 0
    """Weeks since the last session, when this session opened after a break and it has not
    been said yet (opening.with_opening_notes); 0 once said, or without a break."""
    stepped_down: bool = False
    """Whether this session's opening stepped a level down for that break."""
    stepped_up: str = ""
    """The exercise this session's opening moved up a level, until the opening says so."""


@dataclass
class State:
    """A person's profile and their place in this session, loaded and saved once per request."""

    profile: Profile = field(default_factory=Profile)
    place: Place = field(default_factory=Place)
    arrived: datetime | None = None
    """When this request was sent (its timestamp); not stored."""
    owner: str = ""
    """The recognised person this state is (their personId), "" for the account; not stored
    (it is the store's key): a stream they start carries it in its token."""

    @classmethod
    def load(cls, routine: Routine, profile_row: object, place_row: object) -> State:
        """Read both parts from their stored rows and fit the place to the routine."""
        profile, _ = Profile.from_row(profile_row, "stored profile")
        place, refused = Place.from_row(place_row, "session place")
        state = cls(profile, place)
        # A place whose phase or exercise cannot be trusted is no place to resume from.
        if "phase" in refused or not 0 <= place.exercise < len(routine.exercises):
            state.place = Place()
            return state
        if place.paused_phase == Phase.PAUSED:
            place.paused_phase = None
        n_units = len(units(routine.exercises[place.exercise], state.level_of(routine)))
        place.unit = max(0, min(place.unit, n_units))
        place.last_block = max(0, min(place.last_block, place.unit))
        return state

    def level_of(self, routine: Routine, index: int | None = None) -> int:
        """Level of the current (or given) exercise, clamped to its levels."""
        ex = routine.exercises[self.place.exercise if index is None else index]
        level = self.profile.levels.get(ex.id, 0)
        return max(0, min(level, len(ex.dose.levels) - 1))
