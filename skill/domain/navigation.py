"""Moving through the routine and playing it: start, ready, next, back, repeat, pause, stop."""

from __future__ import annotations

from backcoach.skill.domain import interruptions, summary
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import block, units
from backcoach.skill.domain.progression import complete, mark
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Offer, Pending, Phase, State


def intro(coach: Coach, s: State, index: int, *lead: str, asked: bool = False) -> Reply:
    """Move to an exercise: its steps the first time, later just its dose and one key cue;
    then the lead-in ("Get into position … 3, 2, 1") starts the first set, no question asked.
    `asked`: the command came with words the skill could not read ("skip this one, I came
    over all funny"), so the pain rule, the steps and "ready?" instead: nothing plays."""
    place = s.place
    place.exercise, place.unit, place.last_block = index, 0, 0
    place.phase, place.offer = Phase.INTRO, Offer.NONE
    mark(coach, s)
    ex, level = coach.current(s), s.level_of(coach.routine)
    known = s.profile.knows(ex.id)
    words = coach.phrasing.brief_text if known else coach.phrasing.steps_text
    if asked:
        return coach.ask(s, *lead, coach.say("unclear.pain_rule"), *words(index, level))
    return play(coach, s, *lead, *words(index, level), long_lead_in=not known)


def start_routine(coach: Coach, s: State, asked: bool = False) -> Reply:
    """Begin the routine from the first exercise (`asked`: as intro's)."""
    s.place.done = []
    return intro(coach, s, 0, asked=asked)


def start_routine_with(coach: Coach, s: State, lead: str) -> Reply:
    """Begin the routine, saying something first (why dialog mode, for instance)."""
    s.place.done = []
    return intro(coach, s, 0, lead)


def step_by_step(coach: Coach, s: State) -> Reply:
    """ "Step by step": the routine in dialog, from the top (or on, if it is under way)."""
    if s.place.phase == Phase.IDLE:
        return start_routine(coach, s)
    return coach.ask(s, coach.say("nav.step_by_step"))


def start_exercise(coach: Coach, s: State, exercise_id: str | None) -> Reply:
    """Jump to one exercise by id."""
    index = coach.routine.index_of(exercise_id or "")
    if index is None:
        # One question, which exercise: a bare "yes" to it starts nothing.
        key = "describe.unknown" if exercise_id else "describe.ask_which"
        which = coach.say(key, names=coach.phrasing.names())
        s.place.pending, s.place.last_said = Pending.UNCLEAR, which
        return Reply((which,), reprompt=coach.say("reprompt.again", question=which))
    return intro(coach, s, index)


def ready(coach: Coach, s: State, asked: bool = False) -> Reply:
    """The person is in position: play the next block of sets, counted. `asked`: words came
    with it that the skill could not read ("I'm all settled, you can start whenever you
    like"), so where "ready" would play, the pain rule and "ready?" instead (confirm)."""
    phase = s.place.phase
    if phase == Phase.IDLE and s.place.offer == Offer.RESUME:
        return confirm(coach, s) if asked else pick_up(coach, s)
    if phase == Phase.IDLE:
        return start_routine(coach, s, asked=asked)
    if phase == Phase.EXERCISE_DONE:
        return next_exercise(coach, s, asked=asked)
    if phase == Phase.PAUSED and not s.place.interrupted:
        # "I'm ready" after a pause plays the set (with its lead-in), not another question.
        s.place.phase, s.place.paused_phase = s.place.paused_phase or Phase.IDLE, None
        if s.place.phase in (Phase.INTRO, Phase.BETWEEN):
            return confirm(coach, s) if asked else play(coach, s)
        return ready(coach, s, asked)
    if phase == Phase.PAUSED:
        return resume(coach, s, asked)
    if phase not in (Phase.INTRO, Phase.BETWEEN):
        return coach.ask(s)
    if asked:
        return confirm(coach, s)
    # After sets were cut short, say where they pick up.
    return play(coach, s, coach.phrasing.redo(s)) if s.place.interrupted else play(coach, s)


def confirm(coach: Coach, s: State, *lead: str) -> Reply:
    """ "Okay, I'm back, let's pick it up, the kettle's on": a start with words the skill
    could not read around it. They may be a symptom, so how to report pain, then the
    question of the moment, whose yes starts; nothing plays."""
    return coach.ask(s, *lead, coach.say("unclear.pain_rule"))


def pick_up(coach: Coach, s: State, lead: str = "") -> Reply:
    """A new session picks an unfinished routine up at the set where it stopped: a
    one-sentence recap instead of the steps, then the lead-in and that set."""
    profile, place = s.profile, s.place
    place.done = profile.stopped_done()
    place.exercise, place.offer = profile.stopped_index(coach.total), Offer.NONE
    ex, level = coach.current(s), s.level_of(coach.routine)
    place.unit = place.last_block = min(profile.stopped_unit(), len(units(ex, level)) - 1)
    place.phase = Phase.BETWEEN if place.unit else Phase.INTRO
    mark(coach, s)
    label = coach.phrasing.set_label(ex, level, place.unit)
    recap = coach.say("resume.recap", name=ex.name, label=label)
    if place.unit == 0 and not s.profile.knows(ex.id):
        # Never done, not one set (a first-timer who stopped during its steps): the steps in
        # full, however the routine is picked up.
        return play(
            coach,
            s,
            lead,
            *coach.phrasing.steps_text(place.exercise, level),
            recap,
            long_lead_in=True,
        )
    return play(coach, s, lead, recap)


def play(coach: Coach, s: State, *before: str, long_lead_in: bool = False) -> Reply:
    """Play the block starting at the current unit and move past it. Every block begins
    with the lead-in clip ("Get into position … 3, 2, 1"): time to get down and start together,
    whether after the steps or a rest; after the steps, the long one."""
    place, say = s.place, coach.say
    ex = coach.current(s)
    level = s.level_of(coach.routine)
    todo = units(ex, level)
    b = block(ex, level, place.unit, coach.words, lead_in=True, long_lead_in=long_lead_in)
    lead = [*before]
    if todo[place.unit].side:
        lead.append(coach.phrasing.side_lead(ex, level, place.unit))
    card = coach.phrasing.card(ex) if place.unit == 0 else None
    place.last_block, place.unit = place.unit, b.end_unit
    sent(s, interruptions.speaking_s(lead) + b.duration_s)
    place.set_ends_s = interruptions.set_ends_s(lead, b.segments)
    interruptions.note_sets(s, ex.id, level, place.played_at, place.played_s)
    if place.unit < len(todo):
        place.phase = Phase.BETWEEN
        done = coach.phrasing.after_block(ex, level, place.unit)
        return coach.ask(s, *lead, *b.segments, done, card=card)
    place.undo = interruptions.before_completing(s, ex.id)
    if place.exercise == coach.total - 1:
        # The session stays open on "Did anything hurt?" (or "How was that?"): pain in the
        # last exercise reaches the skill without its name, and a block cut short is taken
        # back like any other.
        finished = [say("block.done_exercise", name=ex.name), complete(coach, s, ex, ask=True)]
        finished.append(summary.cheer(coach, s))
        place.phase = Phase.FINISHED
        if place.offer != Offer.EFFORT:
            place.offer = Offer.HURT_CHECK
        closing = coach.phrasing.closing(done=len(place.done))[:-1]  # goodbye after the answer
        return coach.ask(s, *lead, *b.segments, *finished, *closing, card=card)
    finished = [say("block.done_exercise", name=ex.name), complete(coach, s, ex, ask=True)]
    finished.append(summary.cheer(coach, s))
    place.phase = Phase.EXERCISE_DONE
    return coach.ask(s, *lead, *b.segments, *finished, card=card)


def sent(s: State, audio_s: float) -> None:
    """Note when a block of sets went out and how long it plays (see interruptions.py)."""
    place = s.place
    place.interrupted, place.undo = False, {}
    place.played_at = s.arrived.isoformat() if s.arrived else ""
    place.played_s = audio_s


def next_exercise(coach: Coach, s: State, asked: bool = False) -> Reply:
    """Skip to the next exercise; after the last one, the routine is over (`asked`: as
    intro's)."""
    place = s.place
    if place.phase == Phase.PAUSED:
        place.phase, place.paused_phase = place.paused_phase or Phase.INTRO, None
    if place.phase == Phase.IDLE:
        return start_routine(coach, s, asked)
    if place.phase == Phase.FINISHED:
        return coach.ask(s, coach.say("nav.already_finished"))
    if place.exercise == coach.total - 1:
        after_pain = bool(place.pain)
        place.phase = Phase.FINISHED
        last = coach.say("nav.last", name=coach.current(s).name)
        return coach.end(last, *coach.phrasing.closing(after_pain))
    skipping = place.phase in (Phase.INTRO, Phase.BETWEEN, Phase.PAIN)
    lead = coach.say("nav.skipped") if skipping else ""
    return intro(coach, s, place.exercise + 1, lead, asked=asked)


def previous(coach: Coach, s: State, asked: bool = False) -> Reply:
    """Go back one exercise (or redo the one just finished; `asked`: as intro's)."""
    place = s.place
    if place.phase == Phase.PAUSED:
        place.phase, place.paused_phase = place.paused_phase or Phase.INTRO, None
    if place.phase == Phase.IDLE:
        return coach.ask(s, coach.say("nav.not_started"))
    if place.phase in (Phase.EXERCISE_DONE, Phase.FINISHED):
        return intro(coach, s, place.exercise, coach.say("nav.back"), asked=asked)
    if place.exercise == 0:
        first = coach.say("nav.first", name=coach.current(s).name)
        return intro(coach, s, 0, first, asked=asked)
    return intro(coach, s, place.exercise - 1, coach.say("nav.back"), asked=asked)


def repeat(coach: Coach, s: State) -> Reply:
    """ "What did you say": the last words again (after the sets; or, when sets were cut
    short, where they pick up), ending on the question; no audio, nothing moves."""
    question = coach.phrasing.question(s)
    if s.place.interrupted and s.place.phase in (Phase.INTRO, Phase.BETWEEN):
        # The last words told of sets that were cut short: where they pick up instead.
        said = f"{coach.phrasing.redo(s)} {question.text}"
    else:
        said = s.place.last_said or question.text
    return Reply((said,), reprompt=coach.phrasing.reprompt(s, question))


def again(coach: Coach, s: State, asked: bool = False) -> Reply:
    """ "Do it again": the last sets again, or the whole exercise once it is done. A second
    run never counts as another completion (progression counts one a day). `asked`: words
    came with it that the skill could not read ("do that set again, my form was garbage"),
    so the pain rule and "ready?" instead: nothing plays."""
    place = s.place
    if place.phase == Phase.BETWEEN:
        place.unit = place.last_block
        return confirm(coach, s, coach.say("nav.again")) if asked else play(coach, s)
    if place.phase in (Phase.INTRO, Phase.EXERCISE_DONE, Phase.FINISHED):
        return intro(coach, s, place.exercise, coach.say("nav.again"), asked=asked)
    if place.phase == Phase.PAIN:
        return coach.ask(s, coach.routine.safety.pain)
    return coach.ask(s)


def wait(coach: Coach, s: State) -> Reply:
    """ "Not yet", "give me a minute": keep the place and the question, and listen a while;
    no reprompt, since nothing was asked (Alexa closes the session after about 8 s, and the
    place is kept for the words the answer taught)."""
    # With an opening question asked (how's your back, pick up there?), "I'm ready" answers.
    idle = s.place.phase == Phase.IDLE and s.place.offer == Offer.NONE
    return Reply((coach.say("wait.idle" if idle else "wait.ok"),))


def start_over(coach: Coach, s: State, asked: bool = False) -> Reply:
    """Back to the first exercise, nothing done (`asked`: as intro's)."""
    s.place.done = []
    return intro(coach, s, 0, coach.say("nav.start_over"), asked=asked)


def pause(coach: Coach, s: State) -> Reply:
    """Hold everything until "resume"."""
    place = s.place
    if place.offer == Offer.LEAK_CHECK:
        return coach.ask(s)  # its answer decides whether anything goes on: asked again
    if place.phase != Phase.PAUSED:
        place.paused_phase, place.phase = place.phase, Phase.PAUSED
    # No question to trap anyone ("no" would ask it again), so no reprompt: how to go on,
    # even after the microphone closes; a bare "yes" said meanwhile resumes.
    place.pending = coach.phrasing.question(s).pending
    said = (coach.say("pause.paused"), coach.say("wait.ok"))
    place.last_said = " ".join(said)
    return Reply(said)


def resume(coach: Coach, s: State, asked: bool = False) -> Reply:
    """Carry on where the pause happened (or where the last session stopped, or now;
    `asked`: as confirm's, where resuming plays)."""
    place = s.place
    if place.phase == Phase.PAUSED and place.interrupted:
        if asked:
            return confirm(coach, s)
        # "Alexa, wait" cut the sets short: they are played again, not skipped.
        place.phase, place.paused_phase = place.paused_phase or Phase.BETWEEN, None
        return play(coach, s, coach.phrasing.redo(s))
    if place.phase == Phase.IDLE and place.offer == Offer.RESUME:
        return confirm(coach, s) if asked else pick_up(coach, s)
    if place.phase in (Phase.INTRO, Phase.BETWEEN, Phase.EXERCISE_DONE):
        return confirm(coach, s) if asked else ready(coach, s)  # "continue" after "not yet"
    if place.phase != Phase.PAUSED:
        return coach.ask(s)  # nothing paused: the question of the moment says what's next
    place.phase, place.paused_phase = place.paused_phase or Phase.IDLE, None
    if place.phase == Phase.IDLE:
        return coach.ask(s)
    return coach.ask(s, coach.say("pause.resumed", name=coach.current(s).name))


def stop(coach: Coach, s: State) -> Reply:
    """End politely (after pain, without "good work"); the place is offered again today
    only (progression.remember_place)."""
    s.place.pending, s.place.done_for_today = Pending.NONE, True
    return coach.end(coach.say("goodbye_after_pain" if s.place.pain else "goodbye"))
