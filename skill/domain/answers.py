"""Answers to the coach's questions: yes, no, how is your back, pick up where you stopped."""

from __future__ import annotations

from collections.abc import Callable

from backcoach.skill.domain import effort, forgetting, info, navigation, pain, progress, reminding
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, State


def back_answer(coach: Coach, s: State, ready: bool) -> Reply:
    """The answer to "how does your back feel": go on gently; or rest today, with the
    exercise it was about a step easier (once a check-in: pain that has not settled by the
    next day, or worse after a hard session, means less load, not more)."""
    profile = s.profile
    s.place.offer = Offer.NONE
    if not ready:
        # The next day's session checks in again; later today, starting is their choice.
        profile.back_checked_on = coach.clock().date().isoformat()
        return coach.end(*_eased_for(coach, s), coach.say("back.rest"))
    profile.back_check, profile.back_check_hard, profile.eased_on_check = "", False, ""
    return _go_on(coach, s, "back.gently")


def _eased_for(coach: Coach, s: State) -> tuple[str, ...]:
    """The check-in's exercise one level easier, said; nothing if done already or at the first."""
    profile = s.profile
    index = coach.routine.index_of(profile.back_check)
    if index is None or profile.eased_on_check == profile.back_check:
        return ()
    ex, level = coach.routine.exercises[index], s.level_of(coach.routine, index)
    profile.eased_on_check = ex.id
    if level == 0:
        return ()
    profile.levels[ex.id], profile.clean[ex.id] = level - 1, 0
    return (coach.say("back.eased", name=ex.name, dose=coach.phrasing.dose_text(ex, level - 1)),)


def medical_answer(coach: Coach, s: State, cleared: bool) -> Reply:
    """The answer to "has a doctor said exercise is okay": go on gently, or end for today."""
    if not cleared:
        return coach.end(coach.say("medical.not_yet"))  # and the next session asks again
    # A doctor's okay answers the milder "how is your back" too.
    s.profile.see_doctor, s.profile.back_check = False, ""
    return _go_on(coach, s, "medical.cleared")


def _go_on(coach: Coach, s: State, key: str) -> Reply:
    """A health check answered well: say `key`, then offer what the session would otherwise
    have opened with (picking up an unfinished routine, or starting)."""
    resumable = progress.resumable(s.profile.stopped, coach.clock())
    s.place.offer = Offer.RESUME if resumable else Offer.NONE
    return coach.ask(s, coach.say(key))


def resume_routine(coach: Coach, s: State) -> Reply:
    """Yes to "pick up where you stopped?": back to that set, with a recap."""
    return navigation.pick_up(coach, s)


def nothing_hurt(coach: Coach, s: State) -> Reply:
    """ "No" to "did anything hurt?": as the routine ends, the goodbye; while exercising (words
    not understood), back to the question of the moment ("how was that?" included)."""
    if s.place.phase == Phase.FINISHED and s.place.offer == Offer.HURT_CHECK:
        return reminding.finish(coach, s)
    if info.asked_as_a_stream_stopped(s.place):  # the stream is offered again
        s.place.phase, s.place.offer = Phase.IDLE, Offer.RESUME_STREAM
    return coach.ask(s, coach.say("unclear.nothing_hurt"))


def clarify(coach: Coach, s: State, key: str) -> Reply:
    """A bare yes or no to a question with two choices: ask it again, naming them."""
    question = coach.phrasing.question(s)
    return Reply((coach.say(key),), reprompt=coach.phrasing.reprompt(s, question))


def feels_better(coach: Coach, s: State) -> Reply:
    """ "Better", "fine": to the check-in, go on gently; elsewhere, good to hear."""
    if s.place.pending == Pending.BACK_CHECK:
        return back_answer(coach, s, ready=True)
    if s.place.pending == Pending.MEDICAL_CHECK:  # feeling better is not a doctor's okay
        return clarify(coach, s, "medical.which")
    if s.place.pending == Pending.HURT_CHECK:  # "did anything hurt?" "no, all good"
        return nothing_hurt(coach, s)
    if s.place.pending == Pending.EFFORT:  # "how was that?" "fine"
        return effort.rate(coach, s, effort.RIGHT)
    return coach.ask(s, coach.say("chat.glad"))


def feels_worse(coach: Coach, s: State) -> Reply:
    """ "Still sore", "worse": rest today (no exercise unless asked); mid-exercise, it is pain."""
    if s.place.pending == Pending.BACK_CHECK:
        return back_answer(coach, s, ready=False)
    if s.place.pending == Pending.MEDICAL_CHECK:
        return medical_answer(coach, s, cleared=False)
    return pain.pain(coach, s)


YES: dict[Pending, Callable[[Coach, State], Reply]] = {
    Pending.START: navigation.start_routine,
    Pending.READY: navigation.ready,
    Pending.NEXT: navigation.next_exercise,
    Pending.RESUME: navigation.resume,
    Pending.SKIP: lambda coach, s: clarify(coach, s, "ask.pain_which"),  # never a bare yes
    Pending.START_OVER: navigation.start_over,
    Pending.RESUME_ROUTINE: resume_routine,
    Pending.BACK_CHECK: lambda coach, s: clarify(coach, s, "back.which"),
    Pending.MEDICAL_CHECK: lambda coach, s: medical_answer(coach, s, cleared=True),
    Pending.LEAK_CHECK: lambda coach, s: pain.leak_answer(coach, s, alarming=True),
    Pending.HURT_CHECK: pain.pain,  # "did anything hurt?" "yes": the last exercise did
    Pending.PAIN_SCORE: lambda coach, s: clarify(coach, s, "pain.score_range"),
    Pending.EFFORT: lambda coach, s: clarify(coach, s, "effort.which"),  # yes is no rating
    Pending.REMIND: reminding.create,
    Pending.FORGET: forgetting.confirmed,
    Pending.UNCLEAR: lambda coach, s: coach.unclear(s, coach.say("unclear.to_yes")),
}
"""What "yes" does to each question (RESUME_STREAM is answered by the hands-free handler)."""


def yes(coach: Coach, s: State) -> Reply:
    """Accept whatever the last question offered."""
    action = YES.get(s.place.pending)
    return action(coach, s) if action else info.fallback(coach, s)


ASKED_AGAIN_AFTER_WORDS = info.HEALTH_CHECKS | {Pending.HURT_CHECK, Pending.RESUME_ROUTINE}
"""Questions a "no" with words the skill could not read around it ("no, my hip's a bit
iffy") does not answer: a health question, whose words may say what the no does not, and
"pick up there?", whose no starts the routine's first set. The question is asked again."""


def no(coach: Coach, s: State, aside: bool = False) -> Reply:
    """Decline the last question: end where ending is the alternative, else wait (`aside`:
    words no listed value placed came with it; ASKED_AGAIN_AFTER_WORDS)."""
    pending = s.place.pending
    if aside and pending in ASKED_AGAIN_AFTER_WORDS:
        return info.fallback(coach, s)
    if pending == Pending.RESUME_ROUTINE:
        return navigation.start_routine(coach, s)
    if pending == Pending.RESUME_STREAM:
        s.place.offer, s.place.stream = Offer.NONE, ""
        return coach.ask(s, coach.say("welcome.returning"))
    if pending == Pending.BACK_CHECK:
        return clarify(coach, s, "back.which")
    if pending == Pending.MEDICAL_CHECK:
        return medical_answer(coach, s, cleared=False)
    if pending == Pending.LEAK_CHECK:
        return pain.leak_answer(coach, s, alarming=False)
    if pending == Pending.HURT_CHECK:
        return nothing_hurt(coach, s)
    if pending == Pending.REMIND:
        return reminding.declined(coach, s)
    if pending == Pending.FORGET:
        return forgetting.kept(coach, s)
    if pending == Pending.UNCLEAR:
        return coach.unclear(s, coach.say("unclear.to_no"))
    if pending in (Pending.READY, Pending.NEXT, Pending.RESUME):
        return navigation.wait(coach, s)  # "not yet": only stop, or "I'm done", ends it
    if pending in (Pending.START, Pending.SKIP, Pending.START_OVER):
        return navigation.stop(coach, s)
    if pending == Pending.PAIN_SCORE:  # "no" to "how bad is it?": not a zero; done for today
        return navigation.stop(coach, s)
    if pending == Pending.EFFORT:
        return clarify(coach, s, "effort.which")
    return coach.ask(s)
