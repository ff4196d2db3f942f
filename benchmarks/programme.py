"""Thirty sessions of one person, as a physiotherapist would follow them: each exercise's level,
clean runs, how it felt and pain, day by day (issue 23).

    .venv/bin/python -m benchmarks.programme [--all]

Without --all, only the days an exercise's level changed or it hurt (and the first and last).

Twenty daily sessions, three weeks away, then ten more; the plank hurts on day 6 (a 4 of 10:
an easier dose, now) and the lunge on day 13 (an 8: done for today); the pelvic extension is
hard on day 9 and the butt lifter on day 16. Every session walks the whole routine in dialog,
saying "yes" and "ready", "about right" to "How was that?" (unless the day says otherwise),
and "no" to "Did anything hurt?". Runs in process, without audio, in a few seconds.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools.simulator import SessionState, Simulator, in_process
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from tests.language_answers import People

DAYS = [*range(1, 21), *range(42, 52)]
"""Session days: twenty in a row, three weeks away, ten more."""
PAIN = {(6, "plank"): "four", (13, "lifting_lunge"): "eight"}
"""(day, exercise) -> the pain score told when that exercise hurts."""
RATED = {(9, "pelvic_extension"): "hard", (16, "butt_lifter"): "hard", (3, "steamroller"): "easy"}
"""(day, exercise) -> how it felt, when not "about right"."""


class Clock:
    """The person's clock: 6 pm on the session's day."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def session(sim: Simulator, day: int, routine) -> tuple[dict[str, str], dict[str, str]]:
    """Walk one session; the pain score told, and the rating said, per exercise id."""
    told: dict[str, str] = {}
    rated: dict[str, str] = {}
    turn = sim.say("open back coach")
    for _ in range(60):
        if turn.ends_session:
            break
        place = sim.state.attributes.get("coach", {})
        playing = routine.exercises[place.get("exercise", 0)].id
        sets = "<audio" in turn.ssml or "<break" in turn.ssml
        if sets and place.get("phase") in ("between", "exercise_done") and (day, playing) in PAIN:
            if playing not in told:  # said two seconds into a set of that exercise
                told[playing] = PAIN[day, playing]
                sim.say("this hurts", barge_in_s=2.0)
                turn = sim.say(told[playing])
                continue
        question = re.split(r"(?<=[.?!])\s+", turn.speech.strip())[-1].lower()
        answer = "ready" if "ready" in question else "yes"
        if "easy, about right, or hard" in question:
            answer = rated[playing] = RATED.get((day, playing), "about right")
        elif "better, or still sore" in question:
            answer = "better"
        elif "hurt" in question:
            answer = "no"
        elif "next exercise" in question:  # after pain: go on to the next one
            answer = "next exercise"
        turn = sim.say(answer)
    return told, rated


def main() -> None:
    routine, phrases = load_routine(), load_phrases("en-US")
    people, clock = People(), Clock()
    coach_words = Coach(routine, phrases)
    skill = build_skill(routine, phrases, adapter=people, clock=clock)
    sim = Simulator(in_process(skill), state=SessionState(), length_s=lambda url: 30.0)
    every_day = "--all" in sys.argv
    rows: dict[str, list[str]] = {ex.id: [] for ex in routine.exercises}
    last_level: dict[str, int] = {}
    start = clock.now
    for day in DAYS:
        clock.now = start + timedelta(days=day - 1)
        sim.state.later_s = (clock.now - datetime.now(UTC)).total_seconds()
        told, rated = session(sim, day, routine)
        stored = next(iter(people.rows.values()))["coach"]
        for ex in routine.exercises:
            level = stored.get("levels", {}).get(ex.id, 0)
            top = len(ex.dose.levels)
            dose = coach_words.phrasing.dose_text(ex, level)
            pain, rating = told.get(ex.id, ""), rated.get(ex.id, "")
            changed = last_level.get(ex.id) != level or pain or day in (DAYS[0], DAYS[-1])
            changed = changed or rating not in ("", "about right")
            last_level[ex.id] = level
            if not (changed or every_day):
                continue
            rows[ex.id].append(
                f"| {day} | {level + 1} of {top} | {dose} | {rating}"
                f" | {stored.get('clean', {}).get(ex.id, 0)} | {pain} |"
            )
    for ex in routine.exercises:
        print(f"#### {ex.name.capitalize()}\n")
        print("| day | level | dose | how it felt | clean runs | pain score |")
        print("| ---: | --- | --- | --- | ---: | --- |")
        print("\n".join(rows[ex.id]) + "\n")


if __name__ == "__main__":
    main()
