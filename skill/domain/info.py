"""Questions about the routine, answered without moving: how, what next, how far, help."""

from __future__ import annotations

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import block, units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, Place, State

HEALTH_CHECKS = frozenset({Pending.BACK_CHECK, Pending.MEDICAL_CHECK, Pending.LEAK_CHECK})
"""Questions about health that a fallback asks again rather than leaving."""

INTRO_S = 40
"""Rough time to hear an exercise's steps and get into position, for time estimates."""


def describe(coach: Coach, s: State, exercise_id: str | None) -> Reply:
    """How to do one exercise (the current one if none is named), without moving."""
    if exercise_id is None and s.place.phase not in (Phase.IDLE, Phase.FINISHED):
        exercise_id = coach.current(s).id
    ex = coach.routine.get(exercise_id or "")
    if ex is None:
        key = "describe.unknown" if exercise_id else "describe.ask_which"
        return coach.ask(s, coach.say(key, names=coach.phrasing.names()))
    card = coach.phrasing.card(ex)
    return coach.ask(s, ex.start, *ex.steps, ex.variation, ex.why, ex.target, card=card)


def list_exercises(coach: Coach, s: State) -> Reply:
    """Name the five exercises in order."""
    names, count = coach.phrasing.names(), coach.phrasing.exercise_count
    return coach.ask(s, coach.say("describe.list", count=count, names=names))


def whats_next(coach: Coach, s: State) -> Reply:
    """Name the exercise after the current one."""
    phase, say = s.place.phase, coach.say
    if phase == Phase.IDLE:
        return coach.ask(s, say("whats_next.not_started", name=coach.current(s).name))
    if phase == Phase.FINISHED:
        return coach.ask(s, say("whats_next.finished"))
    name = coach.current(s).name
    if s.place.exercise == coach.total - 1:
        return coach.ask(s, say("whats_next.last", current=name))
    nxt = coach.routine.exercises[s.place.exercise + 1].name
    return coach.ask(s, say("whats_next.next", current=name, name=nxt))


def remaining_s(coach: Coach, s: State) -> float:
    """Estimated seconds left in the routine, from the plan's clip lengths."""
    place, total = s.place, 0.0
    for i in range(place.exercise, coach.total):
        ex = coach.routine.exercises[i]
        if ex.id in place.done:
            continue
        level = s.level_of(coach.routine, i)
        start = place.unit if i == place.exercise and place.phase == Phase.BETWEEN else 0
        total += 0 if start else INTRO_S
        while start < len(units(ex, level)):
            b = block(ex, level, start, coach.words)
            total += b.duration_s + ex.dose.rest_s
            start = b.end_unit
    return total


def how_far(coach: Coach, s: State) -> Reply:
    """How much is done and roughly how long is left."""
    say = coach.say
    if s.place.phase == Phase.FINISHED:
        return coach.ask(s, say("progress.finished", total=coach.total))
    where = _kept(coach, s) if s.place.offer == Offer.RESUME else s
    n = max(1, round(remaining_s(coach, where) / 60))
    minutes = say("progress.minute.one") if n == 1 else say("progress.minute.many", n=n)
    done = len(where.place.done)
    key = "progress.report" if done else "progress.none_done"
    return coach.ask(s, say(key, done=done, total=coach.total, minutes=minutes))


def _kept(coach: Coach, s: State) -> State:
    """The routine as kept where it stopped (offered, not yet picked up): what "how much is
    left" is about before the answer to "pick up there?"."""
    profile = s.profile
    place = Place(
        phase=Phase.INTRO,
        exercise=profile.stopped_index(coach.total),
        unit=profile.stopped_unit(),
        done=profile.stopped_done(),
    )
    return State(profile=profile, place=place)


def about(coach: Coach, s: State) -> Reply:
    """Why strengthen your back, and the seed's back-health fundamentals."""
    r = coach.routine
    return coach.ask(s, r.intro, coach.say("about.fundamentals"), *r.fundamentals)


def not_available(coach: Coach, s: State) -> Reply:
    """A built-in feature this skill doesn't offer (loop, shuffle)."""
    return coach.ask(s, coach.say("audio_player.not_available"))


def safety(coach: Coach, s: State) -> Reply:
    """The seed's disclaimer and caution."""
    return coach.ask(s, coach.routine.safety.disclaimer, coach.routine.safety.caution)


def help(coach: Coach, s: State) -> Reply:
    """What can be said right now."""
    return coach.ask(s, coach.phrasing.help(s), coach.say("help.always"))


def fallback(coach: Coach, s: State) -> Reply:
    """Not understood: say so, how to report pain, and what can be said at this point; never
    a question a bare "yes" would answer by starting a set. On a real device a fallback
    carries no words, so a symptom in words the model lacks lands here too: while exercising,
    the coach asks whether something hurt ("yes" stops for pain). A health check's question
    stays open (its help restates it, and only its answer moves on)."""
    if s.place.pending in HEALTH_CHECKS:
        return coach.ask(s, coach.say("unclear.lead"), coach.phrasing.help(s))
    if exercising(s.place):
        return coach.hurt_check(s)
    return coach.unclear(s, coach.say("unclear.lead"))


def asked_as_a_stream_stopped(place: Place) -> bool:
    """Whether "did something hurt?" was asked as a hands-free stream stopped for words not
    understood (HandsFree.fallback): its no offers the stream again, and a stream command
    said instead acts on the stream."""
    return (
        place.hands_free
        and bool(place.stream)
        and place.phase == Phase.INTRO
        and place.pending == Pending.HURT_CHECK
    )


def exercising(place: Place) -> bool:
    """Whether words not understood may be about a set: one was just done ("between", an
    exercise done, the routine's last sets asking how they felt), cut short by them (or by
    "wait" before them), or "did anything hurt?" was the question."""
    return (
        place.phase in (Phase.BETWEEN, Phase.EXERCISE_DONE)
        or (place.interrupted and place.phase in (Phase.INTRO, Phase.PAUSED))
        or (place.phase == Phase.FINISHED and place.offer in (Offer.HURT_CHECK, Offer.EFFORT))
        or place.pending == Pending.HURT_CHECK
    )


def thanks(coach: Coach, s: State) -> Reply:
    """ "Thank you": a short answer, and the conversation goes on where it was."""
    return coach.ask(s, coach.say("chat.thanks"))


def source(coach: Coach, s: State) -> Reply:
    """Where the exercises come from: the article, attributed."""
    return coach.ask(s, coach.say("chat.source", source=coach.routine.source))


def hold_time(coach: Coach, s: State) -> Reply:
    """How long to hold, in the current exercise at today's level (the first one if none)."""
    ex = coach.current(s)
    hold_s = ex.dose.level(s.level_of(coach.routine)).hold_s
    if hold_s:
        return coach.ask(s, coach.say("chat.hold", name=ex.name, hold_s=hold_s))
    dose = coach.phrasing.dose_text(ex, s.level_of(coach.routine))
    return coach.ask(s, coach.say("chat.no_hold", name=ex.name, dose=dose))


def sets_left(coach: Coach, s: State) -> Reply:
    """How many sets of the current exercise are left; before or after one, how far overall."""
    if s.place.phase != Phase.BETWEEN:
        return how_far(coach, s)
    ex = coach.current(s)
    todo = units(ex, s.level_of(coach.routine))
    left = len({u.set_no for u in todo[s.place.unit :]})
    key = "chat.sets_left." + ("none" if left == 0 else "one" if left == 1 else "many")
    return coach.ask(s, coach.say(key, n=left, name=ex.name))


def form(coach: Coach, s: State) -> Reply:
    """ "What do I do with my arms": the position and steps again, without moving."""
    ex = coach.current(s)
    said = [coach.say("chat.form", name=ex.name), ex.start, *ex.steps]
    return coach.ask(s, *said, card=coach.phrasing.card(ex))


def tempo(coach: Coach, s: State) -> Reply:
    """Slower or faster: the counts are recorded at one pace; say what is possible."""
    return coach.ask(s, coach.say("chat.tempo"))
