"""Progression bookkeeping: the history entry, where a routine stopped, completions, levels."""

from __future__ import annotations

from backcoach.skill.domain import progress, weekly
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import units
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.routine import Exercise
from backcoach.skill.domain.state import Offer, Phase, State


def mark(coach: Coach, s: State) -> None:
    """A routine is under way: this session gets its history entry."""
    profile, place = s.profile, s.place
    if not place.logged:
        profile.history.start(coach.clock())
        place.logged = True


def remember_place(coach: Coach, s: State) -> None:
    """After every turn: where the routine is, to the set, so that a session that times out
    (Alexa closes it about 16 s after an unanswered question) can be picked up there; and
    whether the person closed it for today."""
    profile, place = s.profile, s.place
    phase = place.paused_phase if place.phase == Phase.PAUSED else place.phase
    if phase == Phase.FINISHED:
        profile.stopped = {}
    elif phase in (Phase.INTRO, Phase.BETWEEN, Phase.EXERCISE_DONE, Phase.PAIN):
        where = _where(coach, s, phase)
        # The same place keeps the time it was reached: a turn that asks ("how many left")
        # then changes nothing, and costs no store write (issue 22). Resuming is offered
        # within a day of it, so minutes spent there change nothing that is said.
        if where and _same_place(where, profile.stopped):
            where["at"] = profile.stopped["at"]
        profile.stopped = where
    if place.done_for_today and profile.stopped:
        profile.stopped["closed"] = True


def _same_place(where: dict, stopped: dict) -> bool:
    """Whether a place is the one already kept (closed or not, the time aside)."""
    kept = {k: v for k, v in stopped.items() if k not in ("at", "closed")}
    return bool(stopped.get("at")) and kept == {k: v for k, v in where.items() if k != "at"}


def _where(coach: Coach, s: State, phase: Phase) -> dict:
    """The set a routine under way in `phase` would go on with ({} when nothing is left)."""
    place = s.place
    exercise, unit = place.exercise, place.unit
    if phase == Phase.EXERCISE_DONE:
        if exercise + 1 >= coach.total:
            return {}
        exercise, unit = exercise + 1, 0
    at = coach.clock().isoformat()
    return {"exercise": exercise, "unit": unit, "done": list(place.done), "at": at}


def complete(coach: Coach, s: State, ex: Exercise, ask: bool = False) -> str:
    """Record a finished exercise. Asked by voice (`ask`) where a step up is possible, how
    it felt decides whether the run counts (Offer.EFFORT, effort.py); otherwise a run without
    trouble counts, and after enough of them it is ready to go up (the next session steps
    up one exercise: opening.step_up)."""
    profile, place = s.profile, s.place
    if ex.id not in place.done:
        place.done.append(ex.id)
    profile.history.log("done", ex.id)
    weekly.count_day(profile, coach.clock().date())
    if ex.id in profile.relearn:  # taught in full once after a break: known again
        profile.relearn.remove(ex.id)
    level = s.level_of(coach.routine)
    troubled, today = ex.id in place.trouble, coach.clock().date().isoformat()
    if not troubled and profile.clean_on.get(ex.id) == today:
        return ""  # a second run the same day ("do it again") is not another clean run
    if ask and not troubled and level + 1 < len(ex.dose.levels):
        place.offer = Offer.EFFORT  # the run counts once it is rated easy or about right
        return ""
    return counted(coach, s, ex, troubled)


def counted(coach: Coach, s: State, ex: Exercise, troubled: bool) -> str:
    """Count a finished run (a troubled one starts the count again); the second clean run in
    a row at a level below the target says it is ready to go up."""
    profile, level = s.profile, s.level_of(coach.routine)
    runs = progress.completed(profile.clean, ex.id, troubled)
    if not troubled:
        profile.clean_on[ex.id] = coach.clock().date().isoformat()
    if runs != progress.CLEAN_RUNS_TO_MOVE_UP or level + 1 >= len(ex.dose.levels):
        return ""
    # Not a promise: one exercise goes up a day, the furthest below its target first.
    return coach.say("level.ready_up", name=ex.name)


def record_done(coach: Coach, s: State, index: int, run_id: str) -> None:
    """An exercise finished outside a dialog (a hands-free track played to its end)."""
    profile = s.profile
    if not profile.history.run_is(run_id):
        profile.history.start(coach.clock())["run"] = run_id
    s.place.exercise = index
    complete(coach, s, coach.routine.exercises[index])
    last = index + 1 >= coach.total
    nxt = {"exercise": index + 1, "done": list(s.place.done), "at": coach.clock().isoformat()}
    profile.stopped = {} if last else nxt


def easier(coach: Coach, s: State) -> Reply:
    """Too hard: one level down, now."""
    return change_level(coach, s, -1)


def harder(coach: Coach, s: State) -> Reply:
    """Too easy: one level up, now."""
    return change_level(coach, s, +1)


def change_level(coach: Coach, s: State, step: int) -> Reply:
    """Make the current exercise easier (-1) or harder (+1) now."""
    profile, place = s.profile, s.place
    if place.phase in (Phase.IDLE, Phase.FINISHED):
        return coach.ask(s, coach.say("level.none"))
    ex = coach.current(s)
    if step > 0 and ex.id in place.pain:
        return coach.ask(s, coach.say("level.not_after_pain", name=ex.name))
    before = s.level_of(coach.routine)
    after = max(0, min(before + step, len(ex.dose.levels) - 1))
    dose = coach.phrasing.dose_text(ex, after)
    profile.clean[ex.id] = 0
    if step < 0 and ex.id not in place.trouble:
        place.trouble.append(ex.id)
    said = "too hard" if step < 0 else "too easy"
    profile.history.log("feedback", {"exercise": ex.id, "said": said})
    if after == before:
        key = "level.easiest" if step < 0 else "level.hardest"
        return coach.ask(s, coach.say(key, name=ex.name, dose=dose))
    profile.levels[ex.id] = after
    n_units = len(units(ex, after))
    # Easier can leave fewer sets than already done: the exercise is then complete.
    if place.unit >= n_units and place.phase == Phase.BETWEEN:
        place.unit = n_units
        place.phase = Phase.EXERCISE_DONE
        complete(coach, s, ex)
    place.last_block = min(place.last_block, place.unit)
    key = "level.easier" if step < 0 else "level.harder"
    return coach.ask(s, coach.say(key, name=ex.name, dose=dose))
