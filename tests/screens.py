"""Turns that leave each kind of Echo Show screen, made by the coach itself (shared by the
unit tests of the document and the browser tests of its preview)."""

from __future__ import annotations

from ask_sdk_core.serialize import DefaultSerializer

from backcoach.skill.domain import answers, navigation, opening, summary
from backcoach.skill.domain import pain as pain_module
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.screen import Kind
from backcoach.skill.domain.state import Phase, State

JSON = DefaultSerializer()
"""ASK's own serialiser: a directive as it goes over the wire."""


def multi_unit_index(coach) -> int:
    """An exercise whose beginner dose has more than one set (or side)."""
    return next(i for i, ex in enumerate(coach.routine.exercises) if len(units(ex, 0)) > 1)


def turn_of(kind: Kind, coach) -> tuple[State, Reply]:
    """A state and the reply that leaves it, for one kind of screen."""
    s = State()
    if kind == Kind.INTRO:
        return s, navigation.start_routine(coach, s)
    if kind in (Kind.SET, Kind.REST):
        s.place.exercise, s.place.unit, s.place.phase = multi_unit_index(coach), 1, Phase.BETWEEN
        s.place.last_block = 1
        reply = navigation.ready(coach, s) if kind == Kind.SET else coach.ask(s)
        return s, reply
    if kind == Kind.BETWEEN:
        s.place.phase = Phase.EXERCISE_DONE
        return s, coach.ask(s)
    if kind == Kind.PAIN:
        navigation.start_routine(coach, s)
        return s, pain_module.pain(coach, s)
    if kind == Kind.SUMMARY:
        s.profile.history.count = 1
        return s, summary.how_am_i_doing(coach, s)
    s.place.exercise, s.place.phase = coach.total - 1, Phase.EXERCISE_DONE
    return s, navigation.next_exercise(coach, s)


def opened(coach, stream: str = "", **profile) -> tuple[State, Reply]:
    """A returning person opens the skill (their profile as given): the session's opening."""
    s = State()
    s.profile.disclaimer_heard = True
    for name, value in profile.items():
        setattr(s.profile, name, value)
    opening.begin_session(coach, s, stream=stream)
    return s, opening.launch(coach, s)


def started(coach) -> State:
    """A person who has just started the routine (its first turn played)."""
    s = State()
    navigation.start_routine(coach, s)
    return s


def at_last_intro(coach, at_target: bool = False) -> State:
    """The last exercise's steps read, waiting for "ready" (`at_target`: at its last level,
    where no step up is possible and nothing asks how it felt)."""
    s = State()
    s.place.exercise, s.place.phase = coach.total - 1, Phase.INTRO
    if at_target:
        last = coach.routine.exercises[-1]
        s.profile.levels[last.id] = len(last.dose.levels) - 1
    return s


def asked_turn(name: str, coach) -> tuple[State, Reply]:
    """A turn whose voice asks something other than "ready", or ends the session."""
    first = coach.routine.exercises[0].id
    if name == "welcome":
        return opened(coach)
    if name == "back check-in":
        return opened(coach, back_check=first)
    if name == "doctor check":
        return opened(coach, see_doctor=True)
    if name == "resume routine":
        return opened(coach, stopped={"at": coach.clock().isoformat(), "exercise": 1})
    if name == "resume stream":
        return opened(coach, stream=coach.routine.exercises[1].id)
    if name == "did anything hurt":
        s = at_last_intro(coach, at_target=True)
        return s, navigation.ready(coach, s)
    if name == "reminder offer":  # "did anything hurt?" "no": a good session's end
        s = at_last_intro(coach, at_target=True)
        navigation.ready(coach, s)
        return s, answers.no(coach, s)
    if name == "how was that":
        s = started(coach)
        s.place.unit = len(units(coach.current(s), 0)) - 1  # the last block comes next
        s.place.phase = Phase.BETWEEN
        return s, navigation.ready(coach, s)
    if name == "pain in the last exercise":
        s = at_last_intro(coach)
        return s, pain_module.pain(coach, s)
    if name == "red flag at the welcome":
        s, _ = opened(coach)
        return s, pain_module.red_flag(coach, s)
    s = started(coach)
    action = {
        "pain stop": pain_module.pain,
        "red flag": pain_module.red_flag,
        "condition": pain_module.condition,
        "leak question": pain_module.leak,
    }[name]
    return s, action(coach, s)


ASKED = {
    "welcome": ("AMAZON.YesIntent",),
    "back check-in": ("FeelBetterIntent", "FeelWorseIntent"),
    "doctor check": ("AMAZON.YesIntent", "AMAZON.NoIntent"),
    "resume routine": ("AMAZON.ResumeIntent", "StartRoutineIntent"),
    "resume stream": ("AMAZON.YesIntent",),
    "did anything hurt": ("AMAZON.YesIntent", "AMAZON.NoIntent"),
    "how was that": ("RatedEasyIntent", "RatedRightIntent", "RatedHardIntent"),
    "reminder offer": ("AMAZON.YesIntent", "AMAZON.NoIntent"),
    "pain stop": ("AMAZON.NextIntent", "AMAZON.StopIntent"),
    "pain in the last exercise": ("AMAZON.StopIntent",),
    "leak question": ("AMAZON.YesIntent", "AMAZON.NoIntent"),
}
"""Turns ending on a question that "ready" does not answer, and the intents (in order) of the
words the screen must tell the person to say: the ones that answer it."""
ENDINGS = ("red flag", "red flag at the welcome", "condition")
"""Turns that end the session: nothing is asked, so the screen hints nothing."""
