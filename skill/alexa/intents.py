"""Which coach operation each dialog intent runs: every intent-to-code link, in one table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from backcoach.skill.alexa.commands import command_in
from backcoach.skill.alexa.feelings import feeling_in, names_the_body, only_fillers
from backcoach.skill.alexa.reports import (
    REPORT,
    UNMISTAKABLE,
    felt_exercise,
    more_serious,
    not_resting,
    reported,
)
from backcoach.skill.domain import (
    answers,
    effort,
    forgetting,
    info,
    navigation,
    opening,
    pain,
    progression,
    reminding,
    summary,
)
from backcoach.skill.domain.builtins import as_builtin, companion
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.opening import checked
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import State
from backcoach.skill.domain.triage import HEART, Severity, red_flag, severity


@dataclass(frozen=True)
class Slots:
    """What a request's slots named (ids where Alexa resolved them)."""

    exercise: str | None = None
    body_part: str | None = None
    """Where it hurts: said back in the answer, never stored."""
    feeling: str | None = None
    """What it feels like, as the model's FEELING id (`nerve.numb`); None if not resolved."""
    unplaced: str = ""
    """Words heard in a slot that no listed value matched, apart from the exercise and the
    complaint's slots: "my elbows are sore" said before "ready" fills its {before} slot."""
    score: int | None = None
    """A number said (AMAZON.NUMBER): the answer to "how bad is it, from 0 to 10?"."""
    said: str = ""
    """Every slot's words as heard, listed or not, in order: what a complaint's words are
    read for (reports.py), beside what its slots resolved to."""
    time: str | None = None
    """A time said (AMAZON.TIME: "19:30", or MO, AF, EV, NI): when a reminder rings."""
    days: tuple[str, ...] = ()
    """Days said, as WEEKDAY ids ("TU", "weekdays"): when a reminder rings."""
    countermanded: bool = False
    """The words before a command take it back ("please don't", "I don't want to"): Alexa
    fills a {before} slot with them all the same (countermands)."""
    guessed: bool = False
    """A slot of the sentence's own, not one of the words around it, heard words no listed
    value matched: what it means is a guess ("tell me a joke" fills ReadyIntent's {state},
    "a little leak" a ConditionIntent's {condition})."""
    own: str = ""
    """The words a listed value placed in the sentence's own slots, not the words around it
    nor an exercise or a complaint's: "i'm in position" of "I'm in position, you can begin"."""


COUNTERMAND = re.compile(
    r"\b(?:not|don't|dont|do not|never|isn't|is not|wasn't|ain't|didn't|did not|doesn't"
    r"|does not|can't|cant|cannot|can not|couldn't|could not|won't|will not)"
    r"(?: (?:feel|feels|felt|feeling|look|looks|seem|seems|sound|sounds))?"
    r"(?: (?:too|so|very|that|really|all that|quite|totally|fully|completely|entirely"
    r"|exactly|properly))?(?: (?:want|need|have) to| wanna)?$"
    r"|\b(?:nearly|almost|just about)$"
)
"""How words before a command end when they take it back ("please don't" make it harder, "I
don't want to" stop, "I can't" carry on, "my back isn't too" good, "that didn't feel" good,
"I'm not quite" or "nearly" in position: not yet). A "no" before a command answers the last
question ("no, pause it")."""
NOT_WELL = frozenset({"FeelBetterIntent"})
"""Saying it is well, which the words before take back ("that didn't feel good at all"): a
complaint, answered as pain."""


def countermands(before: str) -> bool:
    """Whether the words said before a command take it back."""
    return bool(COUNTERMAND.search(before.lower().strip()))


Operation = Callable[[Coach, State, Slots], Reply]
"""A coach operation on a person's state, given what the request's slots named."""


def unslotted(operation: Callable[[Coach, State], Reply]) -> Operation:
    """An operation that needs no slot (most of them)."""
    return lambda coach, s, _slots: operation(coach, s)


def with_aside(operation: Callable[[Coach, State, bool], Reply]) -> Operation:
    """An operation told whether words no listed value placed came around the command (ASIDES):
    a move or a start then asks "ready?" instead of playing (navigation.intro, confirm,
    again), a "no" leaves a health question open (answers.no)."""
    return lambda coach, s, slots: operation(coach, s, bool(slots.unplaced))


@dataclass(frozen=True)
class by_exercise:  # noqa: N801  (reads as a wrapper in the table, like `unslotted`)
    """An operation on the exercise the request named (the model's EXERCISE slot)."""

    operation: Callable[[Coach, State, str | None], Reply]

    def __call__(self, coach: Coach, s: State, slots: Slots) -> Reply:
        return self.operation(coach, s, slots.exercise)


def pain_score(coach: Coach, s: State, slots: Slots) -> Reply:
    """A number: the pain score when one was asked for, effort out of 10 when "how was
    that?" was; else not understood."""
    return (
        pain.pain_score(coach, s, slots.score)
        or effort.by_number(coach, s, slots.score)
        or info.fallback(coach, s)
    )


def rating(said: str) -> Operation:
    """ "Easy", "about right", "hard": the answer to "how was that?"; said when nothing asked
    it, easy or about right answers a check-in as better, and hard says what can be done."""

    def operation(coach: Coach, s: State, _slots: Slots) -> Reply:
        if reply := effort.rated(coach, s, said):
            return reply
        if said == effort.HARD:
            return effort.said_elsewhere(coach, s, said)
        return answers.feels_better(coach, s)

    return operation


def or_rated(operation: Callable[[Coach, State], Reply], rating: str) -> Operation:
    """An operation, unless "how was that?" was asked: then the words are a rating ("too
    easy" rates an exercise just done, and changes no dose now)."""
    return lambda coach, s, _slots: effort.rated(coach, s, rating) or operation(coach, s)


OPERATIONS: dict[str, Operation] = {
    # Starting, doing and pausing the routine. `checked`: what starts exercise waits until the
    # health check a session opened with is answered (opening.py).
    "StartRoutineIntent": unslotted(checked(navigation.start_routine)),
    "StepByStepIntent": unslotted(checked(navigation.step_by_step)),
    "ReadyIntent": with_aside(checked(navigation.ready)),
    "AMAZON.PauseIntent": unslotted(navigation.pause),
    "AMAZON.ResumeIntent": with_aside(checked(navigation.resume)),
    "WaitIntent": unslotted(navigation.wait),
    # Moving between exercises.
    "AMAZON.NextIntent": with_aside(checked(navigation.next_exercise)),
    "AMAZON.PreviousIntent": with_aside(checked(navigation.previous)),
    "AMAZON.RepeatIntent": unslotted(navigation.repeat),
    "AgainIntent": with_aside(checked(navigation.again)),
    "AMAZON.StartOverIntent": with_aside(checked(navigation.start_over)),
    # Intents naming an exercise: start it, or hear how it's done.
    "StartExerciseIntent": by_exercise(checked(navigation.start_exercise)),
    "DescribeExerciseIntent": by_exercise(info.describe),
    # Questions about the routine and the person.
    "WhatsNextIntent": unslotted(info.whats_next),
    "ProgressIntent": unslotted(info.how_far),
    "ListExercisesIntent": unslotted(info.list_exercises),
    "SafetyIntent": unslotted(info.safety),
    "AboutIntent": unslotted(info.about),
    "StatsIntent": unslotted(summary.how_am_i_doing),
    "GoalIntent": lambda coach, s, slots: summary.set_goal(coach, s, slots.score),
    # Reminders by voice: the Reminders API is the adapter's (base.remind).
    "RemindIntent": lambda coach, s, slots: reminding.create(coach, s, slots.time, slots.days),
    "StopRemindingIntent": unslotted(reminding.stop),
    "ListRemindersIntent": unslotted(reminding.listing),
    # Everything kept about the person, deleted once they say yes (the adapter deletes).
    "DeleteDataIntent": unslotted(forgetting.ask),
    "AMAZON.HelpIntent": unslotted(info.help),
    "SetsLeftIntent": unslotted(info.sets_left),
    "HoldTimeIntent": unslotted(info.hold_time),
    "FormIntent": unslotted(info.form),
    "TempoIntent": unslotted(info.tempo),
    "SourceIntent": unslotted(info.source),
    "ThanksIntent": unslotted(info.thanks),
    # Someone new on an account with a routine: a newcomer's session, saved over nothing.
    "NewcomerIntent": unslotted(opening.as_guest),
    # Pain stops the exercise at once; too easy or too hard changes the dose now.
    "PainIntent": lambda coach, s, slots: pain.pain(coach, s, slots.body_part),
    "RedFlagIntent": unslotted(pain.red_flag),
    "LeakIntent": unslotted(pain.leak),
    "UrgentIntent": unslotted(pain.urgent),
    "ConditionIntent": unslotted(pain.condition),
    "PainScoreIntent": pain_score,
    # A complaint in words of its own: answered as what the words say (reports.py).
    REPORT: lambda coach, s, slots: OPERATIONS[meaning(REPORT, slots)](coach, s, slots),
    "FeelBetterIntent": unslotted(answers.feels_better),
    "FeelWorseIntent": unslotted(answers.feels_worse),
    "EasierIntent": or_rated(progression.easier, effort.HARD),
    "HarderIntent": or_rated(progression.harder, effort.EASY),
    "RatedEasyIntent": rating(effort.EASY),
    "RatedRightIntent": rating(effort.RIGHT),
    "RatedHardIntent": rating(effort.HARD),
    # Yes and no to the last question.
    "AMAZON.YesIntent": unslotted(answers.yes),
    "AMAZON.NoIntent": with_aside(answers.no),
    # Player features this skill doesn't offer.
    "AMAZON.LoopOnIntent": unslotted(info.not_available),
    "AMAZON.LoopOffIntent": unslotted(info.not_available),
    "AMAZON.ShuffleOnIntent": unslotted(info.not_available),
    "AMAZON.ShuffleOffIntent": unslotted(info.not_available),
    # Stop, cancel and going home end politely.
    "AMAZON.StopIntent": unslotted(navigation.stop),
    "AMAZON.CancelIntent": unslotted(navigation.stop),
    "AMAZON.NavigateHomeIntent": unslotted(navigation.stop),
    # Not understood (any intent missing here gets the same answer).
    "AMAZON.FallbackIntent": unslotted(info.fallback),
}
"""Dialog intents to coach operations. Hands-free handlers come first (stream_handlers.py):
while our stream plays, some of these intents drive the player instead."""

FALLBACK: Operation = OPERATIONS["AMAZON.FallbackIntent"]
"""What an intent with no entry gets."""

SAFETY: frozenset[str] = frozenset(
    {"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"}
    | {"PainIntent", "RedFlagIntent", "UrgentIntent", "ConditionIntent", "LeakIntent"}
)
"""Intents answered even with the store down (issue #11): stopping, leaving, pain, red flags,
a condition to check with a physician."""


STARTS = frozenset(
    {"StartRoutineIntent", "StepByStepIntent", "StartExerciseIntent", "HandsFreeIntent"}
)
"""Custom intents that start exercise: they act only on words the model lists. A custom
slot takes unlisted words too, and "the kids are finally down, start the plank" starts
nothing on words the skill could not read; stop, pause, help and repeat are safe whatever
words are around them, and so are ASIDES, which are told of such words."""
CONFIRMS = frozenset({companion("AMAZON.ResumeIntent"), "AgainIntent", "ReadyIntent"})
"""Starts that, with words around them no listed value placed ("okay, I'm back, let's pick it
up where we left off", "do that set again, my form was garbage", "I'm all settled, you can
start whenever you like"), say how to report pain and ask "ready?", whose yes starts
(navigation.confirm); hands-free, where they play, such words are not understood. Where
their own slot heard words no value lists (`Slots.guessed`: "tell me a joke" is ready's
"{state}"), or ready's own words are a lone "set" or "go" (`says_ready`: "set a timer"),
they are not understood: ready's slots take nearly anything."""
MOVES = frozenset(companion(f"AMAZON.{b}Intent") for b in ("Next", "Previous", "StartOver"))
"""Companions that move to an exercise, whose introduction plays its first set: with words
around them that no listed value placed ("nah, bugger that one, next"), they move and ask
"ready?", saying how to report pain, and play nothing (`with_aside`); hands-free, where
moving plays a track, such words are not understood (stream_handlers)."""
ASIDES = MOVES | CONFIRMS | {companion("AMAZON.NoIntent")}
"""Companions that act on words no listed value placed, told of them (`with_aside`): a "no"
with such words leaves a health question open ("no, well, my knee's a bit off" to "did
anything hurt?") and answers any other."""
NOT_UNDERSTOOD = "AMAZON.FallbackIntent"
READY = "ReadyIntent"
PAIN = "PainIntent"
FORM = "FormIntent"
CONDITION = "ConditionIntent"
NOT_GUESSED = frozenset(
    {"AMAZON.YesIntent", "AMAZON.NoIntent", "PainScoreIntent", REPORT, NOT_UNDERSTOOD}
    | {"RatedEasyIntent", "RatedRightIntent", "RatedHardIntent"}
    | {"FeelBetterIntent", "FeelWorseIntent"}
    | {"PainIntent", "RedFlagIntent", "UrgentIntent", "ConditionIntent", "LeakIntent"}
)
"""Intents never found in a complaint's words (commands.py): an answer to a question (a
guessed "yes" could delete everything) and a complaint, which is read as one first."""
IN_REPORTS = frozenset(OPERATIONS) - NOT_GUESSED - {as_builtin(n) for n in STARTS | CONFIRMS}
"""The commands a complaint's words are searched for when they say nothing wrong: none that
starts exercise or answers a question (a move, found there, asks "ready?" first: MOVES)."""
GUESSED = frozenset({"PainIntent", "LeakIntent", "ConditionIntent"})
"""What unplaced words may be answered as: pain and a leak's question end nothing; a
condition's physician-first answer ends the session, as its words are the model's own and
specific ("a hip replacement"), unlike a red flag's everyday ones ("weak", "dead")."""
READ_FOR_MORE = frozenset({"PainIntent", "RedFlagIntent", "LeakIntent", "ConditionIntent"})
"""Safety intents whose slot words are read for something more serious than they resolved
to (an emergency is already the most serious)."""
COMPLAINTS = frozenset({"PainIntent"})
"""Intents whose FEELING and BODY_PART slots decide how serious they are (triage.py)."""
RED_FLAGS = frozenset({"RedFlagIntent"})
"""Intents that are a red flag at least, and urgent where the slots say so ("numbness in my
groin" arrives as a red flag and is urgent)."""


def meaning(intent: str, slots: Slots) -> str:
    """The intent whose operation answers: "my legs are numb" arrives as PainIntent with a
    nerve feeling in both legs, and is answered as UrgentIntent; a symptom among words the
    model could not place is answered as pain (an emergency's as one), whatever intent
    carried them; a start carrying unplaced words is not understood; a complaint in words of
    its own (ReportIntent's phrase slot) is answered as what it says (reports.py); and a
    built-in's companion, once its words are read, as the built-in (builtins.py)."""
    return as_builtin(_meaning(intent, slots))


def _meaning(intent: str, slots: Slots) -> str:
    """meaning(), with a companion still named as itself (its unplaced words are read)."""
    if intent == REPORT:
        # A complaint's carrier may have taken a command ("oh, this is too much for me, can
        # you make it easier", "me legs are getting stronger, give us a harder one"): where
        # the words say nothing wrong, a command sentence of the model among them answers,
        # the words around it read as around any command.
        found = reported(slots.unplaced, among=REPORT)
        nothing_wrong = found in (NOT_UNDERSTOOD, Severity.WELL.value)
        command = command_in(slots.unplaced, IN_REPORTS) if nothing_wrong else None
        if command is None:
            return found
        name, before, after = command
        around = f"{before} {after}".strip()
        return _meaning(
            name, Slots(unplaced=around, said=around, countermanded=countermands(before))
        )
    if intent in RED_FLAGS and felt_exercise(slots.said):
        # "I can't feel it in my glutes" ("i can't feel {body_part}"): where the exercise
        # works, answered with the exercise's position, never as numbness down below.
        return FORM
    if intent in COMPLAINTS and slots.feeling is None and reported(slots.said) == Severity.WELL:
        # A complaint's carrier with unlisted words that say it is well ("back's feeling
        # pretty good today" is {body_part} is {feeling}): no complaint.
        return Severity.WELL.value
    if intent == CONDITION and slots.guessed:
        # A condition's carrier with words the model does not list ("I've had a little
        # leak"): what the words say, if they say anything.
        if (said := reported(slots.said)) != NOT_UNDERSTOOD:
            return said
    if (
        intent in COMPLAINTS
        and _resolved(intent, slots) == Severity.WELL
        and (slots.countermanded or feeling_in(not_resting(slots.unplaced)))
    ):
        # "Okay" said around a complaint or taken back ("something is not okay in my neck,
        # it is hurting"): not well, pain.
        return PAIN
    if (
        intent in COMPLAINTS
        and slots.feeling is None
        and slots.body_part in HEART
        and reported(slots.said) == Severity.RED_FLAG
    ):
        # The heart "skipping like mad", "beating all funny": words no feeling lists, read
        # as the heart racing and nothing else felt (reports.reported would have found any
        # pain, pressure or other symptom with it): palpitations, a red flag, where the
        # carrier alone ("{body_part} feels {feeling}") would call an unknown feeling in the
        # chest an emergency.
        return Severity.RED_FLAG.value
    if intent in READ_FOR_MORE and slots.said:
        # The words themselves may say more than the slots resolved ("both me legs" is both
        # legs; "all dizzy la" is dizzy): the more serious reading answers.
        return more_serious(_resolved(intent, slots), reported(slots.said, among=intent))
    if slots.unplaced and intent not in SAFETY:
        # Words Alexa could not place are uncertain: a symptom among them stops the set as
        # pain does (the person can say more), but a red flag ends the session only in words
        # that mean nothing else ("I feel dizzy, how many left"), never on a guess ("this is
        # dead hard" is no dead leg); a leak gets its question, a condition
        # its answer (GUESSED). An emergency's words are answered as one wherever they are
        # ("I'd say eight, my chest is crushing"): a wrong call costs a session, a missed one
        # far more.
        found = reported(slots.unplaced)
        if intent in NOT_WELL and found == PAIN and not slots.countermanded:
            if not feeling_in(not_resting(slots.unplaced)):
                # "My back's much better today": the body named is what is better, no
                # complaint (a feeling among the words, or "isn't", still is one).
                return _resolved(intent, slots)
        if found in GUESSED or found == Severity.URGENT or unmistakable(found, slots.unplaced):
            return found
        if found == Severity.RED_FLAG or feeling_in(not_resting(slots.unplaced)):
            return PAIN
        if slots.countermanded and intent in NOT_WELL:
            return PAIN
        if intent in STARTS or slots.countermanded or (intent in CONFIRMS and slots.guessed):
            return NOT_UNDERSTOOD
        if intent == READY and not says_ready(slots.own):
            return NOT_UNDERSTOOD
        if intent in ASIDES and names_the_body(not_resting(slots.said)):
            # The body named beside words read as nothing ("hang on, my back just went pop":
            # "on my back" is a listed READY_STATE): a guess either way, so nothing moves and
            # nothing is answered.
            return NOT_UNDERSTOOD
    return _resolved(intent, slots)


def says_ready(own: str) -> bool:
    """Whether ready's own listed words say it among words it could not place: "ready", or
    two words or more ("I'm in position", "off you go"). A lone "set", "go" or "settled"
    begins other commands ("set us a goal", "go home", "let me get these old bones settled
    first"), so with words around it, it is not understood."""
    words = [w for w in own.split() if not only_fillers(w)]
    return "ready" in words or len(words) >= 2


def unmistakable(found: str, words: str) -> bool:
    """Whether a red flag read among unplaced words is said in words that mean nothing else
    ("dizzy", "seeing spots"): answered as one, not guessed down to pain."""
    return found == Severity.RED_FLAG and bool(UNMISTAKABLE.search(not_resting(words)))


def _resolved(intent: str, slots: Slots) -> str:
    """What a complaint's resolved slots call for (triage.py); any other intent is itself."""
    if intent in COMPLAINTS:
        return severity(slots.feeling, slots.body_part).value
    if intent in RED_FLAGS:
        return red_flag(slots.body_part).value
    return intent
