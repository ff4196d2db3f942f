"""How the coach words things: doses, names, steps, and the question that ends a turn."""

from __future__ import annotations

import random
from dataclasses import dataclass

from backcoach.skill.domain import weekly
from backcoach.skill.domain.phrases import Phrases
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.routine import Exercise, Routine
from backcoach.skill.domain.state import Offer, Pending, Phase, State


@dataclass(frozen=True)
class Question:
    """A question to end a turn with, and what "yes" will then mean."""

    text: str
    pending: Pending


QUESTIONS: dict[Phase, tuple[str, Pending]] = {
    Phase.IDLE: ("ask.start", Pending.START),
    Phase.INTRO: ("ask.ready", Pending.READY),
    Phase.BETWEEN: ("ask.next_set", Pending.READY),
    Phase.PAUSED: ("ask.paused", Pending.RESUME),
    Phase.PAIN: ("ask.pain", Pending.SKIP),
    Phase.FINISHED: ("ask.finished", Pending.START_OVER),
}
"""The question each phase ends on (an opening offer or a finished exercise asks its own)."""


YES_NO_OFFERS = frozenset(
    {Pending.MEDICAL_CHECK, Pending.RESUME_STREAM} | {Pending.LEAK_CHECK, Pending.HURT_CHECK}
)
"""Questions a plain yes or no answers; their reprompt asks them again, saying so. ("Pick
up there, or start today's routine?" and "better, or still sore?" have two choices: their
reprompts name both.)"""


class Phrasing:
    """The sentences of one routine in one locale (random variants from `rng`)."""

    def __init__(self, routine: Routine, phrases: Phrases, rng: random.Random | None = None):
        self.routine = routine
        self.phrases = phrases
        self.rng = rng or random.Random()

    def say(self, key: str, **values) -> str:
        """One phrase from the locale file."""
        return self.phrases.say(key, rng=self.rng, **values)

    def count_word(self, n: int) -> str:
        """A small number as a word ("five"), else digits: counts come from the routine."""
        words = self.phrases.raw("numbers")
        return words[n] if 0 <= n < len(words) else str(n)

    @property
    def exercise_count(self) -> str:
        """How many exercises the routine has, as a word."""
        return self.count_word(len(self.routine.exercises))

    def body_part(self, part_id: str | None) -> str:
        """A body part as said ("lower back"), or "" when none (or none we know) was named."""
        known = part_id and part_id in self.phrases.raw("body_part")
        return self.say(f"body_part.{part_id}") if known else ""

    def names(self) -> str:
        """Every exercise, in order ("a, b, and c")."""
        names = [ex.name for ex in self.routine.exercises]
        return ", ".join(names[:-1]) + ", and " + names[-1]

    @staticmethod
    def listed(items: list[str]) -> str:
        """Words as a list is said ("a", "a and b", "a, b and c")."""
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    def dose_text(self, ex: Exercise, level: int) -> str:
        """Today's dose in words ("8 on each leg")."""
        lv = ex.dose.level(level)
        if ex.dose.pattern == "holds":
            return self.say("dose.holds", sets=lv.sets, hold_s=lv.hold_s)
        key = {"each": "reps_each", "alternating": "reps_alternating"}.get(ex.dose.sides, "reps")
        if lv.hold_s:
            key = "reps_hold"
        per_set = self.say(f"dose.{key}", reps=lv.reps, hold_s=lv.hold_s)
        return self.say("dose.sets", sets=lv.sets, per_set=per_set) if lv.sets > 1 else per_set

    def short_dose(self, ex: Exercise, level: int) -> str:
        """A dose in a few words, for a summary ("4 holds of 20 seconds")."""
        lv = ex.dose.level(level)
        if ex.dose.pattern == "holds":
            return self.say("summary.dose.holds", sets=lv.sets, hold_s=lv.hold_s)
        if not lv.hold_s:
            return self.dose_text(ex, level)
        per_set = self.say("summary.dose.reps_hold", reps=lv.reps, hold_s=lv.hold_s)
        return self.say("dose.sets", sets=lv.sets, per_set=per_set) if lv.sets > 1 else per_set

    def steps_text(self, index: int, level: int) -> list[str]:
        """An exercise's name, starting position, steps and today's dose, as spoken."""
        ex = self.routine.exercises[index]
        total = len(self.routine.exercises)
        return [
            self.say("intro.position", number=index + 1, total=total, name=ex.name),
            ex.start,
            *ex.steps,
            ex.variation,
            ex.why,
            self.say("intro.dose", dose=self.dose_text(ex, level)),
        ]

    def brief_text(self, index: int, level: int) -> list[str]:
        """For someone who has done it before: name, today's dose, one key cue (no steps)."""
        ex = self.routine.exercises[index]
        total = len(self.routine.exercises)
        dose = self.dose_text(ex, level)
        position = self.say("intro.brief", number=index + 1, total=total, name=ex.name, dose=dose)
        return [position, ex.cue, self.say("intro.steps_on_request")]

    def set_label(self, ex: Exercise, level: int, unit: int) -> str:
        """Which set a unit is, in words ("set 2 of 3, left leg")."""
        todo = units(ex, level)
        current = todo[min(unit, len(todo) - 1)]
        sets = todo[-1].set_no
        side = self.say(f"set.{current.side}") if current.side else ""
        if sets == 1:
            return self.say("set.only", side=side) if side else self.say("set.whole")
        label = self.say("set.of", set=current.set_no, sets=sets)
        return self.say("set.side", label=label, side=side) if side else label

    def side_lead(self, ex: Exercise, level: int, unit: int) -> str:
        """Which side a block starts on: "Right leg first.", or "Now the left leg." when it
        goes on with a set's other side."""
        todo = units(ex, level)
        side = self.say(f"side.{todo[unit].side}")
        if unit and todo[unit - 1].set_no == todo[unit].set_no:
            return self.say("block.lead_other_side", side=side.lower())
        return self.say("block.lead_side", side=side)

    def redo(self, s: State) -> str:
        """Where sets cut short pick up ("we'll pick up at set 2 of 3, left side")."""
        ex, level = self.routine.exercises[s.place.exercise], s.level_of(self.routine)
        todo = units(ex, level)
        if len(todo) == 1:
            return self.say("pause.redo_top", name=ex.name)
        unit = todo[min(s.place.unit, len(todo) - 1)]
        if unit.set_no == todo[-1].set_no == 1:  # one set, two sides: which leg
            side = self.say(f"side.{unit.side}").lower()
            return self.say("pause.redo_side", name=ex.name, side=side)
        label = self.set_label(ex, level, s.place.unit)
        return self.say("pause.redo", name=ex.name, label=label)

    def after_block(self, ex: Exercise, level: int, unit: int) -> str:
        """What a block that stops before `unit` has done: one side of a set ("Right leg
        done."), or whole sets ("That's 1 of 2 sets.")."""
        todo = units(ex, level)
        before, nxt = todo[unit - 1], todo[unit]
        if before.set_no == nxt.set_no:
            return self.say("block.done_side", side=self.say(f"side.{before.side}"))
        return self.say("block.done_set", done=before.set_no, total=todo[-1].set_no)

    @staticmethod
    def card(ex: Exercise) -> tuple[str, str]:
        """The companion-app card for an exercise: its name, position, steps and target."""
        return ex.name.title(), "\n".join([ex.start, *ex.steps, ex.target])

    def question(self, s: State) -> Question:
        """The question that ends every open turn, for where the person is now."""
        place, exercises = s.place, self.routine.exercises
        current = exercises[min(place.exercise, len(exercises) - 1)]
        if place.offer == Offer.LEAK_CHECK:
            return Question(self.say("ask.leak_check"), Pending.LEAK_CHECK)
        if place.offer == Offer.FORGET:
            return Question(self.say("ask.forget"), Pending.FORGET)
        if place.phase in (Phase.EXERCISE_DONE, Phase.FINISHED) and place.offer == Offer.EFFORT:
            return Question(self.say("ask.effort"), Pending.EFFORT)
        if place.phase == Phase.FINISHED and place.offer == Offer.HURT_CHECK:
            return Question(self.say("ask.hurt_check"), Pending.HURT_CHECK)
        if place.phase == Phase.FINISHED and place.offer == Offer.REMIND:
            goal = weekly.goal_of(s.profile)
            key = "ask.remind.one" if goal == 1 else "ask.remind.many"
            return Question(self.say(key, times=self.count_word(goal)), Pending.REMIND)
        if place.phase == Phase.IDLE and place.offer == Offer.MEDICAL_CHECK:
            return Question(self.say("ask.medical_check"), Pending.MEDICAL_CHECK)
        if place.phase == Phase.IDLE and place.offer == Offer.BACK_CHECK:
            return Question(self.say("ask.back_check"), Pending.BACK_CHECK)
        if place.phase == Phase.IDLE and place.offer == Offer.RESUME_STREAM:
            exercise = self.routine.get(place.stream)
            name = exercise.name if exercise else ""
            return Question(self.say("ask.resume_stream", name=name), Pending.RESUME_STREAM)
        if place.phase == Phase.IDLE and place.offer == Offer.RESUME:
            index = s.profile.stopped_index(len(exercises))
            ex, unit = exercises[index], s.profile.stopped_unit()
            label = self.set_label(ex, s.level_of(self.routine, index), unit)
            key = "ask.resume_routine_set" if unit else "ask.resume_routine"
            said = self.say(key, name=ex.name, label=label)
            return Question(said, Pending.RESUME_ROUTINE)
        if place.phase == Phase.INTRO and s.profile.knows(current.id):
            return Question(self.say("ask.ready_brief"), Pending.READY)  # they know the drill
        if place.phase == Phase.PAIN and place.offer == Offer.PAIN_SCORE:
            last = place.exercise == len(exercises) - 1  # nothing to skip to
            return Question(self.say("ask.pain_score_last" if last else "ask.pain_score"),
                            Pending.PAIN_SCORE)  # fmt: skip
        if place.phase == Phase.PAIN and place.exercise == len(exercises) - 1:
            return Question(self.say("ask.pain_last"), Pending.SKIP)  # nothing to skip to
        if place.phase == Phase.BETWEEN and place.unit:
            todo = units(current, s.level_of(self.routine))
            if place.unit < len(todo) and todo[place.unit].set_no == todo[place.unit - 1].set_no:
                side = self.say(f"side.{todo[place.unit].side}").lower()
                return Question(self.say("ask.next_side", side=side), Pending.READY)
        if place.phase == Phase.EXERCISE_DONE:
            nxt = exercises[min(place.exercise + 1, len(exercises) - 1)]
            return Question(self.say("ask.next_exercise", name=nxt.name), Pending.NEXT)
        key, pending = QUESTIONS[place.phase]
        return Question(self.say(key), pending)

    def reprompt(self, s: State, question: Question) -> str:
        """What is said if nobody answers: not the question again, but what can be said now."""
        if question.pending in YES_NO_OFFERS:
            return self.say("reprompt.offer", question=question.text)
        if question.pending == Pending.RESUME_ROUTINE:
            return self.say("reprompt.resume_routine")
        if question.pending == Pending.BACK_CHECK:
            return self.say("reprompt.back_check")
        if question.pending == Pending.EFFORT:
            return self.say("reprompt.effort")
        return self.say("reprompt.help", help=self.help(s))

    def help(self, s: State) -> str:
        """What can be said at this point of the conversation, in a sentence or two."""
        if s.place.offer == Offer.LEAK_CHECK or (
            s.place.phase == Phase.IDLE and s.place.offer in (Offer.BACK_CHECK, Offer.MEDICAL_CHECK)
        ):
            return self.say(f"help.{s.place.offer.value}")  # starting waits for the answer
        return self.say(f"help.{s.place.phase.value}")

    def options(self, s: State) -> str:
        """The two or three likeliest things to say at this point, after the pain rule."""
        return self.say(f"options.{s.place.phase.value}")

    def disclaimer(self) -> tuple[str, str]:
        """The disclaimer as heard before anything else ("Before we start: ...")."""
        return self.say("disclaimer_lead"), self.routine.safety.disclaimer

    def closing(self, after_pain: bool = False, done: int | None = None) -> tuple[str, ...]:
        """What is said when the routine is over (after pain: no congratulations); "all five"
        only when `done` (exercises done today; None: all) is all of them."""
        if after_pain:
            return (self.say("done_after_pain"), self.say("goodbye_after_pain"))
        total = len(self.routine.exercises)
        if done is None or done >= total:
            said = self.say("block.done_routine", count=self.exercise_count)
        else:
            said = self.say(
                "block.done_some", done=self.count_word(done), count=self.exercise_count
            )
        return (said, self.routine.safety.outcome, self.say("goodbye"))
