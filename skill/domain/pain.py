"""Pain: stop at once, record it, make the exercise easier, offer to skip or stop."""

from __future__ import annotations

from backcoach.skill.domain import progress
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Phase, State


def pain(coach: Coach, s: State) -> Reply:
    """Stop at once, say to stop and see a physician, make it easier, offer skip or end."""
    profile, place = s.profile, s.place
    ex = coach.current(s)
    eased = ""
    if place.phase not in (Phase.IDLE, Phase.FINISHED):
        for ids in (place.pain, place.trouble):
            if ex.id not in ids:
                ids.append(ex.id)
        progress.log(profile.history, "pain", ex.id)
        # The next session opens by asking how the back feels.
        profile.back_check, profile.clean[ex.id] = ex.id, 0
        level = s.level_of(coach.routine)
        if level > 0:
            profile.levels[ex.id] = level - 1
            eased = coach.say("pain.eased", dose=coach.phrasing.dose_text(ex, level - 1))
    place.phase, place.paused_phase = Phase.PAIN, None
    stopped = coach.say("pain.stopped", name=ex.name)
    return coach.ask(s, stopped, coach.routine.safety.pain, eased)
