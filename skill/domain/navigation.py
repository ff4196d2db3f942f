"""Moving through the routine and playing it: start, ready, next, back, repeat, pause, stop."""

from __future__ import annotations

from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import block, units
from backcoach.skill.domain.progression import complete, mark
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, State


def intro(coach: Coach, s: State, index: int, *lead: str) -> Reply:
    """Move to an exercise and read its starting position and steps."""
    place = s.place
    place.exercise, place.unit, place.last_block = index, 0, 0
    place.phase, place.offer = Phase.INTRO, Offer.NONE
    mark(coach, s)
    body = coach.phrasing.steps_text(index, s.level_of(coach.routine))
    return coach.ask(s, *lead, *body, card=coach.phrasing.card(coach.current(s)))


def start_routine(coach: Coach, s: State) -> Reply:
    """Begin the routine from the first exercise."""
    s.place.done = []
    return intro(coach, s, 0)


def start_routine_with(coach: Coach, s: State, lead: str) -> Reply:
    """Begin the routine, saying something first (why dialog mode, for instance)."""
    s.place.done = []
    return intro(coach, s, 0, lead)


def start_exercise(coach: Coach, s: State, exercise_id: str | None) -> Reply:
    """Jump to one exercise by id."""
    index = coach.routine.index_of(exercise_id or "")
    if index is None:
        key = "describe.unknown" if exercise_id else "describe.ask_which"
        return coach.ask(s, coach.say(key, names=coach.phrasing.names()))
    return intro(coach, s, index)


def ready(coach: Coach, s: State) -> Reply:
    """The person is in position: play the next block of sets, counted."""
    phase = s.place.phase
    if phase == Phase.IDLE:
        return start_routine(coach, s)
    if phase == Phase.EXERCISE_DONE:
        return next_exercise(coach, s)
    if phase == Phase.PAUSED:
        return resume(coach, s)
    if phase not in (Phase.INTRO, Phase.BETWEEN):
        return coach.ask(s)
    return play(coach, s)


def play(coach: Coach, s: State) -> Reply:
    """Play the block starting at the current unit and move past it."""
    place, say = s.place, coach.say
    ex = coach.current(s)
    level = s.level_of(coach.routine)
    todo = units(ex, level)
    b = block(ex, level, place.unit, coach.words)
    lead = [say("block.lead")]
    side = todo[place.unit].side
    if side:
        lead.append(say("block.lead_side", side=say(f"side.{side}")))
    place.last_block, place.unit = place.unit, b.end_unit
    if place.unit < len(todo):
        place.phase = Phase.BETWEEN
        done = say("block.done_set", done=place.unit, total=len(todo))
        return coach.ask(s, *lead, *b.segments, done)
    finished = [say("block.done_exercise", name=ex.name), complete(coach, s, ex)]
    if place.exercise == coach.total - 1:
        place.phase, s.profile.stopped = Phase.FINISHED, {}
        return coach.end(*lead, *b.segments, *finished, *coach.phrasing.closing())
    place.phase = Phase.EXERCISE_DONE
    stopped = s.profile.stopped
    s.profile.stopped = {**stopped, "exercise": place.exercise + 1, "done": list(place.done)}
    return coach.ask(s, *lead, *b.segments, *finished)


def next_exercise(coach: Coach, s: State) -> Reply:
    """Skip to the next exercise; after the last one, the routine is over."""
    place = s.place
    if place.phase == Phase.PAUSED:
        place.phase = place.paused_phase or Phase.INTRO
    if place.phase == Phase.IDLE:
        return start_routine(coach, s)
    if place.phase == Phase.FINISHED:
        return coach.ask(s, coach.say("nav.already_finished"))
    if place.exercise == coach.total - 1:
        place.phase = Phase.FINISHED
        last = coach.say("nav.last", name=coach.current(s).name)
        return coach.end(last, *coach.phrasing.closing())
    skipping = place.phase in (Phase.INTRO, Phase.BETWEEN, Phase.PAIN)
    lead = coach.say("nav.skipped") if skipping else ""
    return intro(coach, s, place.exercise + 1, lead)


def previous(coach: Coach, s: State) -> Reply:
    """Go back one exercise (or redo the one just finished)."""
    place = s.place
    if place.phase == Phase.PAUSED:
        place.phase = place.paused_phase or Phase.INTRO
    if place.phase == Phase.IDLE:
        return coach.ask(s, coach.say("nav.not_started"))
    if place.phase in (Phase.EXERCISE_DONE, Phase.FINISHED):
        return intro(coach, s, place.exercise, coach.say("nav.back"))
    if place.exercise == 0:
        return intro(coach, s, 0, coach.say("nav.first", name=coach.current(s).name))
    return intro(coach, s, place.exercise - 1, coach.say("nav.back"))


def repeat(coach: Coach, s: State) -> Reply:
    """Say the steps again, or do the last block of sets again."""
    place = s.place
    if place.phase == Phase.INTRO:
        return intro(coach, s, place.exercise, coach.say("nav.again"))
    if place.phase in (Phase.BETWEEN, Phase.EXERCISE_DONE, Phase.FINISHED):
        place.unit, place.phase = place.last_block, Phase.BETWEEN
        return play(coach, s)
    if place.phase == Phase.PAIN:
        return coach.ask(s, coach.routine.safety.pain)
    return coach.ask(s)


def start_over(coach: Coach, s: State) -> Reply:
    """Back to the first exercise, nothing done."""
    s.place.done = []
    return intro(coach, s, 0, coach.say("nav.start_over"))


def pause(coach: Coach, s: State) -> Reply:
    """Hold everything until "resume"."""
    place = s.place
    if place.phase != Phase.PAUSED:
        place.paused_phase, place.phase = place.phase, Phase.PAUSED
    return coach.ask(s, coach.say("pause.paused"))


def resume(coach: Coach, s: State) -> Reply:
    """Carry on where the pause happened."""
    place = s.place
    if place.phase != Phase.PAUSED:
        return coach.ask(s, coach.say("pause.not_paused"))
    place.phase, place.paused_phase = place.paused_phase or Phase.IDLE, None
    if place.phase == Phase.IDLE:
        return coach.ask(s)
    return coach.ask(s, coach.say("pause.resumed", name=coach.current(s).name))


def stop(coach: Coach, s: State) -> Reply:
    """End politely."""
    s.place.pending = Pending.NONE
    return coach.end(coach.say("goodbye"))
