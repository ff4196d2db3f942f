"""Pain: stop at once, ease the dose, offer choices that cannot be confused; red flags end.

Ordinary pain stops the exercise, makes it easier for next time and offers "next exercise"
or "stop" (never a bare yes); the next session first asks how it feels, in neutral words.
A red flag (a pop or tear, shooting pain down a leg, numbness or tingling, dizziness or
faintness) ends the session with advice to get medical help today; chest pain or trouble
breathing, with advice to get urgent help. What hurt, and where, is not kept: only that the
next session should check in (privacy, and Amazon's policy on health information).
"""

from __future__ import annotations

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.interruptions import late_report
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Phase, State

MILD_PAIN = 2
"""Pain scores up to this are mild: exercise may go on, gently, at the same level (the
pain-monitoring model allows more, up to about 5 of 10; here it is kept conservative)."""
TOO_MUCH_PAIN = 5
"""Pain scores above this end the exercise for today; from MILD_PAIN up to this, an easier
dose is offered now."""


def pain(coach: Coach, s: State, body_part: str | None = None) -> Reply:
    """Stop at once, say to stop and see a physician, make it easier, offer skip or stop (with
    nothing under way: rest today, and end). Where it hurts, if said, is said back (not kept)."""
    profile, place = s.profile, s.place
    ex = coach.current(s)
    part = coach.phrasing.body_part(body_part)
    heard = coach.say("pain.heard_part", part=part) if part else coach.say("pain.heard")
    if place.phase == Phase.FINISHED:
        # Right after the routine ("did anything hurt?", or "this hurts" as its last block
        # ends): the last exercise hurt. It is not a clean run, not a step up, easier next
        # time, and the next session checks in first.
        place.offer = Offer.NONE
        stop_for_pain(coach, s)
        return coach.end(heard, _eased(coach, s), coach.say("back.rest"))
    if place.phase == Phase.IDLE and counted_late(coach, s):
        # A new session while the last sets could still be playing, or just after ("Alexa,
        # tell Back Coach my knee hurts" once the session closed): they hurt.
        return coach.end(heard, _eased(coach, s), coach.say("back.rest"))
    if place.phase == Phase.IDLE:
        # Nothing under way to stop ("my back hurts" to the welcome, or to "how does it feel
        # today?"): rest today, starting stays the person's choice.
        if place.offer == Offer.BACK_CHECK:  # answered as "still sore" is: not asked again today
            profile.back_checked_on = coach.clock().date().isoformat()
        return coach.end(heard, coach.say("back.rest"))
    if place.phase == Phase.PAIN and ex.id in place.pain:
        # Told again while stopped for it: the same pain, eased once; the question stands.
        return coach.ask(s, heard, coach.routine.safety.pain)
    stop_for_pain(coach, s)
    place.level_before_pain = s.level_of(coach.routine)
    eased = _eased(coach, s)  # before the number: a question left unanswered eases
    place.phase, place.paused_phase = Phase.PAIN, None
    place.offer = Offer.PAIN_SCORE
    stopped = coach.say("pain.stopped_part" if part else "pain.stopped", name=ex.name, part=part)
    return coach.ask(s, stopped, coach.routine.safety.pain, eased)


def pain_score(coach: Coach, s: State, score: int | None) -> Reply | None:
    """The answer to "how bad is it, from 0 to 10?": above 5 the exercise is done for today
    (eased for next time, as it already is); 3 to 5, an easier dose now; up to 2, carry on
    gently at the same level (the easing undone). Only the number is kept. None when no
    score was asked for (a number out of the blue is not understood)."""
    place = s.place
    if place.phase != Phase.PAIN or place.offer != Offer.PAIN_SCORE:
        return None
    if score is None or not 0 <= score <= 10:
        return coach.ask(s, coach.say("pain.score_range"))
    place.offer = Offer.NONE
    s.profile.pain_score = score
    ex, before = coach.current(s), place.level_before_pain
    place.level_before_pain = None
    if score > TOO_MUCH_PAIN:
        return coach.ask(s, coach.say("pain.score_high", name=ex.name))
    level = s.level_of(coach.routine)
    if score > MILD_PAIN and before is not None and level >= before:
        return coach.ask(s, coach.say("pain.score_easiest", name=ex.name))  # skip or stop
    if place.hands_free:
        # The stream stays stopped: going on is "next exercise" (hands-free), as before; a
        # mild score only keeps the level where it was.
        if score <= MILD_PAIN and before is not None:
            s.profile.levels[ex.id] = before
        return coach.ask(
            s, coach.say("pain.score_gently" if score <= MILD_PAIN else "pain.score_noted")
        )
    if score <= MILD_PAIN and before is not None:
        s.profile.levels[ex.id] = level = before
    # Back to the set that hurt, at the dose it is now (the one set, not the exercise).
    place.unit = min(place.last_block, len(units(ex, level)) - 1)
    place.last_block = place.unit
    place.phase = Phase.BETWEEN if place.unit else Phase.INTRO
    if score <= MILD_PAIN:
        return coach.ask(s, coach.say("pain.score_mild", name=ex.name))
    dose = coach.phrasing.dose_text(ex, level)
    return coach.ask(s, coach.say("pain.score_easier", dose=dose))


def counted_late(coach: Coach, s: State) -> bool:
    """Whether pain told outside any exercise came while the last sets could still be
    playing, or just after (interruptions.late_report): if so, it counts against their
    exercise, at the level they were played at (the level a new session applied is undone)."""
    sets = late_report(s)
    index = coach.routine.index_of(str(sets.get("exercise"))) if sets else None
    if sets is None or index is None:
        return False
    ex, level = coach.routine.exercises[index], sets.get("level")
    if type(level) is int:
        s.profile.levels[ex.id] = min(s.profile.levels.get(ex.id, 0), level)
    s.place.exercise = index
    stop_for_pain(coach, s)
    return True


def _eased(coach: Coach, s: State) -> str:
    """Make the current exercise one level easier for next time; what to say about it."""
    ex, level = coach.current(s), s.level_of(coach.routine)
    if level == 0:
        return ""
    s.profile.levels[ex.id] = level - 1
    return coach.say("pain.eased", dose=coach.phrasing.dose_text(ex, level - 1))


def stop_for_pain(coach: Coach, s: State) -> None:
    """What any pain changes: no clean run today, and the next session checks in first."""
    profile, place, ex = s.profile, s.place, coach.current(s)
    for ids in (place.pain, place.trouble):
        if ex.id not in ids:
            ids.append(ex.id)
    # Not logged in the history: only the neutral flag to check in next time is kept.
    profile.back_check, profile.clean[ex.id] = ex.id, 0
    profile.back_check_hard, profile.eased_on_check = False, ""
    profile.last_sets = {}  # counted once: a second report later is not a second easing


def red_flag(coach: Coach, s: State) -> Reply:
    """A pop or tear, shooting pain, numbness, dizziness: stop, end, get medical advice."""
    return _end_for(coach, s, "pain.red_flag")


def urgent(coach: Coach, s: State) -> Reply:
    """Chest pain or trouble breathing: stop, end, get urgent help."""
    return _end_for(coach, s, "pain.urgent")


def condition(coach: Coach, s: State) -> Reply:
    """ "I'm pregnant", "I had back surgery": end, advising to check with a physician first.
    Nothing is kept (a health condition is not ours to store), and nothing is blocked: someone
    whose physician has said yes opens the skill again; the place is kept to the set."""
    return coach.end(coach.say("condition.check_first"))


def leak(coach: Coach, s: State) -> Reply:
    """ "I leaked a little": common with effort, especially after childbirth, yet new loss of
    bladder control with numbness is an emergency (cauda equina). One question decides which;
    nothing goes on until it is answered."""
    s.place.offer = Offer.LEAK_CHECK
    return coach.ask(s, coach.say("leak.heard"))


def leak_answer(coach: Coach, s: State, alarming: bool) -> Reply:
    """The answer to "is it new, or with numbness or weak legs?": yes is an emergency; no
    stops this exercise (no clean run today) with advice, and offers to skip or stop."""
    s.place.offer = Offer.NONE
    if alarming:
        return urgent(coach, s)
    advice = coach.say("leak.common")
    if s.place.phase in (Phase.IDLE, Phase.FINISHED):
        return coach.ask(s, advice)
    ex = coach.current(s)
    if ex.id not in s.place.trouble:
        s.place.trouble.append(ex.id)
    s.profile.clean[ex.id] = 0
    s.place.phase, s.place.paused_phase = Phase.PAIN, None
    return coach.ask(s, advice, coach.say("leak.stopped", name=ex.name))


def _end_for(coach: Coach, s: State, key: str) -> Reply:
    if s.place.phase != Phase.IDLE:
        stop_for_pain(coach, s)
    else:
        counted_late(coach, s)  # just after the last sets: they did it
    # Told outside an exercise too ("I felt dizzy all morning"): nothing starts again until a
    # doctor has said it's okay.
    s.profile.see_doctor = True
    if s.place.phase != Phase.IDLE:  # with nothing started, no place to keep
        s.place.phase, s.place.paused_phase = Phase.PAIN, None
    s.place.offer = Offer.NONE
    return coach.end(coach.say(key))
