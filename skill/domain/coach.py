"""The coaching engine: a pure state machine over the routine (no ASK imports, no I/O)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime

from backcoach.skill.domain import progress
from backcoach.skill.domain.phrases import Phrases
from backcoach.skill.domain.plan import Segment, block, units
from backcoach.skill.domain.routine import Exercise, Routine

PHASES = ("idle", "intro", "between", "exercise_done", "paused", "pain", "finished")
"""idle: nothing started; intro: steps read, waiting for "ready"; between: sets left;
exercise_done: asking to go on; paused; pain: stopped for pain; finished: routine done."""

TRACK_POSITION_S = 5.0
"""Silence a hands-free track leaves to get into position after the steps."""

INTRO_S = 40
"""Rough time to hear an exercise's steps and get into position, for time estimates."""


@dataclass
class State:
    """Where a person is in the routine; stored in session (and later persistent) attributes."""

    phase: str = "idle"
    """One of PHASES."""
    exercise: int = 0
    """Index of the current exercise."""
    unit: int = 0
    """Index of the next unit (set on a side) to play in the current exercise."""
    last_block: int = 0
    """Unit index where the last played block began, for "repeat"."""
    paused_phase: str = ""
    """The phase to return to on "resume"."""
    pending: str = ""
    """What "yes" means right now (the last question asked)."""
    done: list[str] = field(default_factory=list)
    """Ids of exercises completed in this routine."""
    levels: dict[str, int] = field(default_factory=dict)
    """Level index per exercise id (absent: beginner)."""
    pain: list[str] = field(default_factory=list)
    """Ids of exercises stopped for pain in this session."""
    trouble: list[str] = field(default_factory=list)
    """Ids of exercises that were too hard or hurt in this session (no clean completion)."""
    offer: str = ""
    """A question asked on opening: "back_check" (how is your back) or "resume"."""
    logged: bool = False
    """Whether this session has its entry in the history yet."""
    stream: str = ""
    """Exercise id where a hands-free stream was stopped (set as the session begins)."""
    disclaimer_heard: bool = False
    """Whether this person has ever heard the safety disclaimer."""
    clean: dict[str, int] = field(default_factory=dict)
    """Completions at the current level without trouble, per exercise id."""
    history: list[dict] = field(default_factory=list)
    """One entry per session: date, exercises done, feedback, pain reports."""
    back_check: str = ""
    """Id of the exercise that hurt last time: the next session asks how the back feels."""
    stopped: dict = field(default_factory=dict)
    """Where an unfinished routine stopped: exercise index, exercises done, and when."""

    def to_dict(self, names: tuple[str, ...] | None = None) -> dict:
        """A JSON-safe copy for attributes (only the given fields, if any)."""
        data = asdict(self)
        return data if names is None else {k: data[k] for k in names}

    @classmethod
    def from_dict(cls, data: object, routine: Routine) -> State:
        """Rebuild from attributes, ignoring anything malformed instead of failing."""
        state = cls()
        if not isinstance(data, dict):
            return state
        for f in fields(cls):
            value = data.get(f.name)
            if isinstance(value, type(getattr(state, f.name))):
                setattr(state, f.name, value)
        if state.phase not in PHASES or not 0 <= state.exercise < len(routine.exercises):
            return cls(**state.to_dict(PROFILE_FIELDS))
        if state.paused_phase not in PHASES or state.paused_phase == "paused":
            state.paused_phase = ""
        n_units = len(units(routine.exercises[state.exercise], state.level_of(routine)))
        state.unit = max(0, min(state.unit, n_units))
        state.last_block = max(0, min(state.last_block, state.unit))
        return state

    def level_of(self, routine: Routine, index: int | None = None) -> int:
        """Level of the current (or given) exercise, clamped to its levels."""
        ex = routine.exercises[self.exercise if index is None else index]
        level = self.levels.get(ex.id, 0)
        return max(0, min(level if isinstance(level, int) else 0, len(ex.dose.levels) - 1))


PROFILE_FIELDS = ("disclaimer_heard", "levels", "clean", "history", "back_check", "stopped")
"""What is kept per person across sessions; the rest of a State lasts one session."""
SESSION_FIELDS = tuple(f.name for f in fields(State) if f.name not in PROFILE_FIELDS)


@dataclass(frozen=True)
class Reply:
    """What to say and play, in order, and how the turn ends."""

    parts: tuple[str | Segment, ...]
    """Sentences to speak and timed clips to play, in order."""
    reprompt: str = ""
    """Said if the person says nothing; empty when the session ends."""
    end_session: bool = False
    """True when the conversation is over."""
    card: tuple[str, str] | None = None
    """Optional (title, text) for the companion app."""
    directives: tuple = ()
    """AudioPlayer Play/Stop values (see player.py), in order."""

    @property
    def text(self) -> str:
        """The spoken sentences only, joined (for logs, tests and the simulator)."""
        return " ".join(p for p in self.parts if isinstance(p, str))

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The timed clips only."""
        return tuple(p for p in self.parts if isinstance(p, Segment))


class Coach:
    """Operations on a State; each returns a Reply and updates the State in place."""

    def __init__(
        self,
        routine: Routine,
        phrases: Phrases,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.routine = routine
        self.phrases = phrases
        self.words = phrases.cue_words
        self.rng = rng or random.Random()
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- words ---------------------------------------------------------------

    def say(self, key: str, **values) -> str:
        """One phrase from the locale file."""
        return self.phrases.say(key, rng=self.rng, **values)

    @property
    def total(self) -> int:
        return len(self.routine.exercises)

    def current(self, s: State) -> Exercise:
        return self.routine.exercises[s.exercise]

    def names(self) -> str:
        names = [ex.name for ex in self.routine.exercises]
        return ", ".join(names[:-1]) + ", and " + names[-1]

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

    def question(self, s: State) -> str:
        """The question that ends every open turn, and what "yes" then means."""
        if s.phase == "idle" and s.offer == "back_check":
            s.pending = "back_check"
            return self.say("ask.back_check")
        if s.phase == "idle" and s.offer == "resume_stream":
            s.pending = "resume_stream"
            exercise = self.routine.get(s.stream)
            return self.say("ask.resume_stream", name=exercise.name if exercise else "")
        if s.phase == "idle" and s.offer == "resume":
            s.pending = "resume_routine"
            name = self.routine.exercises[self.stopped_index(s)].name
            return self.say("ask.resume_routine", name=name)
        if s.phase == "exercise_done":
            s.pending = "next"
            nxt = self.routine.exercises[min(s.exercise + 1, self.total - 1)]
            return self.say("ask.next_exercise", name=nxt.name)
        key, s.pending = {
            "idle": ("ask.start", "start"),
            "intro": ("ask.ready", "ready"),
            "between": ("ask.next_set", "ready"),
            "paused": ("ask.paused", "resume"),
            "pain": ("ask.pain", "skip"),
            "finished": ("ask.finished", "start_over"),
        }[s.phase]
        return self.say(key)

    def ask(self, s: State, *parts: str | Segment, card: tuple[str, str] | None = None) -> Reply:
        """A reply that keeps the session open, ending with the current question."""
        q = self.question(s)
        return Reply((*[p for p in parts if p], q), reprompt=q, card=card)

    def end(self, *parts: str | Segment) -> Reply:
        """A reply that ends the session."""
        return Reply(tuple(p for p in parts if p), end_session=True)

    # -- session -------------------------------------------------------------

    def begin_session(self, s: State, stream: str = "") -> None:
        """A new session: forget the last one's place, keep what is known about the person.

        `stream` is the exercise where a hands-free stream was stopped, if one was.
        """
        kept = s.to_dict(PROFILE_FIELDS)
        for name in SESSION_FIELDS:
            setattr(s, name, getattr(State(), name))
        for name, value in kept.items():
            setattr(s, name, value)
        s.stream = stream
        if s.back_check:
            s.offer = "back_check"
        elif s.stream:
            s.offer = "resume_stream"
        elif progress.resumable(s.stopped, self.clock()):
            s.offer = "resume"

    def stopped_index(self, s: State) -> int:
        """The exercise an unfinished routine stopped at."""
        index = s.stopped.get("exercise", 0)
        return index if isinstance(index, int) and 0 <= index < self.total else 0

    def launch(self, s: State) -> Reply:
        """Open the skill: disclaimer for a new user; else how's the back, resume, or welcome."""
        if not s.disclaimer_heard:
            s.disclaimer_heard = True
            return self.ask(s, self.say("welcome.new"), self.routine.safety.disclaimer)
        if s.offer == "back_check":
            hurt = self.routine.get(s.back_check)
            return self.ask(s, self.say("back.last_time", name=hurt.name if hurt else ""))
        if s.offer in ("resume", "resume_stream"):
            return self.ask(s)
        return self.ask(s, self.say("welcome.returning"))

    def back_answer(self, s: State, ready: bool) -> Reply:
        """The answer to "how does your back feel": go on gently, or rest today."""
        s.back_check, s.offer = "", ""
        if not ready:
            return self.end(self.say("back.rest"), self.say("goodbye"))
        if progress.resumable(s.stopped, self.clock()):
            s.offer = "resume"
        return self.ask(s, self.say("back.gently"))

    def resume_routine(self, s: State) -> Reply:
        """Pick an unfinished routine up at the exercise where it stopped."""
        s.offer = ""
        done = s.stopped.get("done", [])
        s.done = [d for d in done if isinstance(d, str)] if isinstance(done, list) else []
        return self.intro(s, self.stopped_index(s))

    def with_disclaimer(self, s: State, reply: Reply) -> Reply:
        """Put the disclaimer first for someone who has never heard it (a one-shot request)."""
        if s.disclaimer_heard or (reply.end_session and not reply.directives):
            return reply
        s.disclaimer_heard = True
        return replace(reply, parts=(self.routine.safety.disclaimer, *reply.parts))

    def stop(self, s: State) -> Reply:
        """End politely."""
        s.pending = ""
        return self.end(self.say("goodbye"))

    # -- moving through the routine -----------------------------------------

    def steps_text(self, index: int, level: int) -> list[str]:
        """An exercise's name, starting position, steps and today's dose, as spoken."""
        ex = self.routine.exercises[index]
        return [
            self.say("intro.position", number=index + 1, total=self.total, name=ex.name),
            ex.start,
            *ex.steps,
            ex.variation,
            ex.why,
            self.say("intro.dose", dose=self.dose_text(ex, level)),
        ]

    def mark(self, s: State) -> None:
        """Note where the routine is, so a later session can pick it up there."""
        if not s.logged:
            s.history, s.logged = progress.log_start(s.history, self.clock()), True
        s.stopped = {"exercise": s.exercise, "done": list(s.done), "at": self.clock().isoformat()}

    def intro(self, s: State, index: int, *lead: str) -> Reply:
        """Move to an exercise and read its starting position and steps."""
        s.exercise, s.unit, s.last_block, s.phase, s.offer = index, 0, 0, "intro", ""
        self.mark(s)
        ex = self.current(s)
        body = self.steps_text(index, s.level_of(self.routine))
        card = (ex.name.title(), "\n".join([ex.start, *ex.steps, ex.target]))
        return self.ask(s, *lead, *body, card=card)

    def track(self, index: int, level: int) -> tuple[str | float | Segment, ...]:
        """One exercise as a hands-free track: steps, a pause, every set, and what comes next.

        Items are sentences (str), pauses (float seconds) and timed clips (Segment).
        """
        ex = self.routine.exercises[index]
        sets = block(ex, level, 0, self.words, limited=False).segments
        if index + 1 < self.total:
            closing = self.say("track.next", name=self.routine.exercises[index + 1].name)
        else:
            closing = self.say("track.last")
        body = [p for p in self.steps_text(index, level) if p]
        side = units(ex, level)[0].side
        lead = [self.say("block.lead_side", side=self.say(f"side.{side}"))] if side else []
        return (*body, self.say("track.position"), TRACK_POSITION_S, *lead, *sets, closing)

    def start_routine(self, s: State) -> Reply:
        """Begin the routine from the first exercise."""
        s.done = []
        return self.intro(s, 0)

    def start_routine_with(self, s: State, lead: str) -> Reply:
        """Begin the routine, saying something first (why dialog mode, for instance)."""
        s.done = []
        return self.intro(s, 0, lead)

    def record_done(self, s: State, index: int, run_id: str) -> None:
        """An exercise finished outside a dialog (a hands-free track played to its end)."""
        if not s.history or s.history[-1].get("run") != run_id:
            s.history = progress.log_start(s.history, self.clock())
            s.history[-1]["run"] = run_id
        s.exercise = index
        self.complete(s, self.routine.exercises[index])
        last = index + 1 >= self.total
        nxt = {"exercise": index + 1, "done": list(s.done), "at": self.clock().isoformat()}
        s.stopped = {} if last else nxt

    def start_exercise(self, s: State, exercise_id: str | None) -> Reply:
        """Jump to one exercise by id."""
        index = self.routine.index_of(exercise_id or "")
        if index is None:
            key = "describe.unknown" if exercise_id else "describe.ask_which"
            return self.ask(s, self.say(key, names=self.names()))
        return self.intro(s, index)

    def ready(self, s: State) -> Reply:
        """The person is in position: play the next block of sets, counted."""
        if s.phase == "idle":
            return self.start_routine(s)
        if s.phase == "exercise_done":
            return self.next(s)
        if s.phase == "paused":
            return self.resume(s)
        if s.phase not in ("intro", "between"):
            return self.ask(s)
        return self.play(s)

    def play(self, s: State) -> Reply:
        """Play the block starting at the current unit and move past it."""
        ex = self.current(s)
        level = s.level_of(self.routine)
        todo = units(ex, level)
        b = block(ex, level, s.unit, self.words)
        lead = [self.say("block.lead")]
        side = todo[s.unit].side
        if side:
            lead.append(self.say("block.lead_side", side=self.say(f"side.{side}")))
        s.last_block, s.unit = s.unit, b.end_unit
        if s.unit < len(todo):
            s.phase = "between"
            done = self.say("block.done_set", done=s.unit, total=len(todo))
            return self.ask(s, *lead, *b.segments, done)
        finished = [self.say("block.done_exercise", name=ex.name), self.complete(s, ex)]
        if s.exercise == self.total - 1:
            s.phase, s.stopped = "finished", {}
            return self.end(*lead, *b.segments, *finished, *self.closing())
        s.phase = "exercise_done"
        s.stopped = {**s.stopped, "exercise": s.exercise + 1, "done": list(s.done)}
        return self.ask(s, *lead, *b.segments, *finished)

    def complete(self, s: State, ex: Exercise) -> str:
        """Record a finished exercise; after enough clean runs, move it up (and say so)."""
        if ex.id not in s.done:
            s.done.append(ex.id)
        progress.log(s.history, "done", ex.id)
        level = s.level_of(self.routine)
        runs = progress.completed(s.clean, ex.id, ex.id in s.trouble)
        if not progress.due_to_move_up(runs) or level + 1 >= len(ex.dose.levels):
            return ""
        s.levels[ex.id], s.clean[ex.id] = level + 1, 0
        return self.say("level.moved_up", name=ex.name, dose=self.dose_text(ex, level + 1))

    def closing(self) -> tuple[str, ...]:
        """What is said when the routine is over."""
        return (self.say("block.done_routine"), self.routine.safety.outcome, self.say("goodbye"))

    def next(self, s: State) -> Reply:
        """Skip to the next exercise; after the last one, the routine is over."""
        if s.phase == "paused":
            s.phase = s.paused_phase or "intro"
        if s.phase == "idle":
            return self.start_routine(s)
        if s.phase == "finished":
            return self.ask(s, self.say("nav.already_finished"))
        if s.exercise == self.total - 1:
            s.phase = "finished"
            return self.end(self.say("nav.last", name=self.current(s).name), *self.closing())
        lead = self.say("nav.skipped") if s.phase in ("intro", "between", "pain") else ""
        return self.intro(s, s.exercise + 1, lead)

    def previous(self, s: State) -> Reply:
        """Go back one exercise (or redo the one just finished)."""
        if s.phase == "paused":
            s.phase = s.paused_phase or "intro"
        if s.phase == "idle":
            return self.ask(s, self.say("nav.not_started"))
        if s.phase in ("exercise_done", "finished"):
            return self.intro(s, s.exercise, self.say("nav.back"))
        if s.exercise == 0:
            return self.intro(s, 0, self.say("nav.first", name=self.current(s).name))
        return self.intro(s, s.exercise - 1, self.say("nav.back"))

    def repeat(self, s: State) -> Reply:
        """Say the steps again, or do the last block of sets again."""
        if s.phase == "intro":
            return self.intro(s, s.exercise, self.say("nav.again"))
        if s.phase in ("between", "exercise_done", "finished"):
            s.unit, s.phase = s.last_block, "between"
            return self.play(s)
        if s.phase == "pain":
            return self.ask(s, self.routine.safety.pain)
        return self.ask(s)

    def start_over(self, s: State) -> Reply:
        """Back to the first exercise, nothing done."""
        s.done = []
        return self.intro(s, 0, self.say("nav.start_over"))

    def pause(self, s: State) -> Reply:
        """Hold everything until "resume"."""
        if s.phase != "paused":
            s.paused_phase, s.phase = s.phase, "paused"
        return self.ask(s, self.say("pause.paused"))

    def resume(self, s: State) -> Reply:
        """Carry on where the pause happened."""
        if s.phase != "paused":
            return self.ask(s, self.say("pause.not_paused"))
        s.phase, s.paused_phase = s.paused_phase or "idle", ""
        if s.phase == "idle":
            return self.ask(s)
        return self.ask(s, self.say("pause.resumed", name=self.current(s).name))

    # -- questions -----------------------------------------------------------

    def describe(self, s: State, exercise_id: str | None) -> Reply:
        """How to do one exercise (the current one if none is named), without moving."""
        if exercise_id is None and s.phase not in ("idle", "finished"):
            exercise_id = self.current(s).id
        ex = self.routine.get(exercise_id or "")
        if ex is None:
            key = "describe.unknown" if exercise_id else "describe.ask_which"
            return self.ask(s, self.say(key, names=self.names()))
        card = (ex.name.title(), "\n".join([ex.start, *ex.steps, ex.target]))
        return self.ask(s, ex.start, *ex.steps, ex.variation, ex.why, ex.target, card=card)

    def list_exercises(self, s: State) -> Reply:
        """Name the five exercises in order."""
        return self.ask(s, self.say("describe.list", names=self.names()))

    def whats_next(self, s: State) -> Reply:
        """Name the exercise after the current one."""
        if s.phase == "idle":
            return self.ask(s, self.say("whats_next.not_started", name=self.current(s).name))
        if s.phase == "finished":
            return self.ask(s, self.say("whats_next.finished"))
        name = self.current(s).name
        if s.exercise == self.total - 1:
            return self.ask(s, self.say("whats_next.last", current=name))
        nxt = self.routine.exercises[s.exercise + 1].name
        return self.ask(s, self.say("whats_next.next", current=name, name=nxt))

    def remaining_s(self, s: State) -> float:
        """Estimated seconds left in the routine, from the plan's clip lengths."""
        total = 0.0
        for i in range(s.exercise, self.total):
            ex = self.routine.exercises[i]
            if ex.id in s.done:
                continue
            level = s.level_of(self.routine, i)
            start = s.unit if i == s.exercise and s.phase == "between" else 0
            total += 0 if start else INTRO_S
            while start < len(units(ex, level)):
                b = block(ex, level, start, self.words)
                total += b.duration_s + ex.dose.rest_s
                start = b.end_unit
        return total

    def progress(self, s: State) -> Reply:
        """How much is done and roughly how long is left."""
        if s.phase == "finished":
            return self.ask(s, self.say("progress.finished", total=self.total))
        n = max(1, round(self.remaining_s(s) / 60))
        minutes = (
            self.say("progress.minute.one") if n == 1 else self.say("progress.minute.many", n=n)
        )
        key = "progress.report" if s.done else "progress.none_done"
        return self.ask(s, self.say(key, done=len(s.done), total=self.total, minutes=minutes))

    def about(self, s: State) -> Reply:
        """Why strengthen your back, and the seed's back-health fundamentals."""
        r = self.routine
        return self.ask(s, r.intro, self.say("about.fundamentals"), *r.fundamentals)

    def not_available(self, s: State) -> Reply:
        """A built-in feature this skill doesn't offer (loop, shuffle)."""
        return self.ask(s, self.say("audio_player.not_available"))

    def safety(self, s: State) -> Reply:
        """The seed's disclaimer and caution."""
        return self.ask(s, self.routine.safety.disclaimer, self.routine.safety.caution)

    def help(self, s: State) -> Reply:
        """What can be said right now."""
        return self.ask(s, self.say(f"help.{s.phase}"), self.say("help.always"))

    def fallback(self, s: State) -> Reply:
        """Not understood: say so and ask the current question again."""
        return self.ask(s, self.say("fallback"))

    def stats(self, s: State) -> Reply:
        """Sessions this week, the streak in days, and where each exercise stands."""
        if not s.history:
            return self.ask(s, self.say("stats.none"))
        today = self.clock().date()
        week = progress.sessions_this_week(s.history, today)
        streak = progress.streak_days(s.history, today)
        parts = [
            self.say("stats.week.one" if week == 1 else "stats.week.many", n=week),
            self.say("stats.streak.one" if streak == 1 else "stats.streak.many", n=streak)
            if streak
            else "",
            self.standing(s),
        ]
        return self.ask(s, *parts)

    def standing(self, s: State) -> str:
        """Where each exercise stands, in a few words: exercises grouped by level."""
        groups: dict[str, list[str]] = {}
        for i, ex in enumerate(self.routine.exercises):
            level, top = s.level_of(self.routine, i), len(ex.dose.levels) - 1
            where = "target" if level == top else "start" if level == 0 else str(level + 1)
            groups.setdefault(where, []).append(ex.name)
        said = []
        for where, names in groups.items():
            place = self.say(
                f"stats.where.{where}" if where in ("target", "start") else "stats.where.n",
                level=where,
            )
            if len(groups) == 1:
                said.append(self.say("stats.level.all", where=place))
                break
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            key = "stats.level.one" if len(names) == 1 else "stats.level.many"
            said.append(self.say(key, names=joined, where=place))
        return " ".join(said)

    # -- safety and dose -----------------------------------------------------

    def pain(self, s: State) -> Reply:
        """Stop at once, say to stop and see a physician, make it easier, offer skip or end."""
        ex = self.current(s)
        eased = ""
        if s.phase not in ("idle", "finished"):
            for ids in (s.pain, s.trouble):
                if ex.id not in ids:
                    ids.append(ex.id)
            progress.log(s.history, "pain", ex.id)
            s.back_check, s.clean[ex.id] = ex.id, 0
            level = s.level_of(self.routine)
            if level > 0:
                s.levels[ex.id] = level - 1
                eased = self.say("pain.eased", dose=self.dose_text(ex, level - 1))
        s.phase, s.paused_phase = "pain", ""
        stopped = self.say("pain.stopped", name=ex.name)
        return self.ask(s, stopped, self.routine.safety.pain, eased)

    def easier(self, s: State) -> Reply:
        """Too hard: one level down, now."""
        return self.change_level(s, -1)

    def harder(self, s: State) -> Reply:
        """Too easy: one level up, now."""
        return self.change_level(s, +1)

    def change_level(self, s: State, step: int) -> Reply:
        """Make the current exercise easier (-1) or harder (+1) now."""
        if s.phase in ("idle", "finished"):
            return self.ask(s, self.say("level.none"))
        ex = self.current(s)
        before = s.level_of(self.routine)
        after = max(0, min(before + step, len(ex.dose.levels) - 1))
        dose = self.dose_text(ex, after)
        s.clean[ex.id] = 0
        if step < 0 and ex.id not in s.trouble:
            s.trouble.append(ex.id)
        said = "too hard" if step < 0 else "too easy"
        progress.log(s.history, "feedback", {"exercise": ex.id, "said": said})
        if after == before:
            key = "level.easiest" if step < 0 else "level.hardest"
            return self.ask(s, self.say(key, name=ex.name, dose=dose))
        s.levels[ex.id] = after
        n_units = len(units(ex, after))
        if s.unit >= n_units and s.phase == "between":
            s.unit = n_units
            s.phase = "exercise_done"
            self.complete(s, ex)
        s.last_block = min(s.last_block, s.unit)
        key = "level.easier" if step < 0 else "level.harder"
        return self.ask(s, self.say(key, name=ex.name, dose=dose))

    # -- yes / no ------------------------------------------------------------

    def yes(self, s: State) -> Reply:
        """Accept whatever the last question offered."""
        action = {
            "start": self.start_routine,
            "ready": self.ready,
            "next": self.next,
            "resume": self.resume,
            "skip": self.next,
            "start_over": self.start_over,
            "resume_routine": self.resume_routine,
            "back_check": lambda state: self.back_answer(state, ready=True),
        }.get(s.pending)
        return action(s) if action else self.fallback(s)

    def no(self, s: State) -> Reply:
        """Decline the last question: end where ending is the alternative, else wait."""
        if s.pending == "resume_routine":
            return self.start_routine(s)
        if s.pending == "resume_stream":
            s.offer, s.stream = "", ""
            return self.ask(s, self.say("welcome.returning"))
        if s.pending == "back_check":
            return self.back_answer(s, ready=False)
        if s.pending in ("start", "next", "skip", "start_over"):
            return self.stop(s)
        return self.ask(s)
