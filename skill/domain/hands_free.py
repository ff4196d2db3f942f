"""Hands-free mode: the routine streamed as one AudioPlayer track per exercise (pure, no ASK)."""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from backcoach.skill.domain import info, interruptions, navigation, progression
from backcoach.skill.domain import pain as pain_module
from backcoach.skill.domain.alexa_limits import MAX_TOKEN_LENGTH
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.pain import pain as pain_answer
from backcoach.skill.domain.plan import block, units
from backcoach.skill.domain.progress import RESUME_WITHIN, resumable
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Ids, Pending, Phase, State
from backcoach.skill.domain.stored import StoredRow

PLAYER_REQUESTS = ("AudioPlayer.", "PlaybackController.")
"""Request types no voice makes (the player's events, a device's buttons): their replies
carry directives only, and Alexa names the account in them, never a person."""
TOKEN_VERSION = "bc1"
BRIEF = "b"
"""A sixth token field marking the brief track (tokens without it play the full one)."""
OWNER = "o="
"""Prefix of the last token field, when a recognised voice started the stream: whose it is."""
PERSON_PREFIX = "amzn1.ask.person."
"""How Alexa's person ids begin: a token names a person, never an account."""
_OWNER_CHARS = re.compile(r"^[A-Za-z0-9._=+/-]{1,300}$")

LATE_RESUME = timedelta(seconds=30)
"""A pause longer than this is resumed from the current set's lead-in, after saying where we
are. Within half a minute a person is still in position and can join the count where it
stopped; after longer they have moved, or answered a question, and lost the count, and
dropping them into the middle of a hold would have them start it late or not at all."""
STALE_STREAM = RESUME_WITHIN
"""A stream paused longer than this (a day, as for the step-by-step routine) is offered with
a question, never resumed blindly: it belongs to another day's session."""

BRIEF_OPENING_AFTER = 3
"""Sessions after which the hands-free opening is one sentence (they know how to talk to it)."""

TrackLength = Callable[[str, int], float | None]
"""Seconds an exercise's track lasts at a level (exercise id, level), None when unknown."""
SetStarts = Callable[[str], tuple[float, ...]]
"""Where each set of a track starts, its lead-in included, in seconds (by track id); ()
when unknown."""


@dataclass(frozen=True)
class Token:
    """Names the routine, exercise and level a stream plays; checked when it comes back."""

    routine_id: str
    exercise_id: str
    level: int
    play_id: str
    """Same for every track of one hands-free run (ties history entries together)."""
    brief: bool = False
    """The brief track (name, dose, one cue, the sets) for someone who has done it before."""
    owner: str = ""
    """The recognised person who started the stream (their personId), if one did: player
    events name only the account, and their progress is that person's."""

    def __str__(self) -> str:
        parts = [TOKEN_VERSION, self.routine_id, self.exercise_id, str(self.level), self.play_id]
        parts += [BRIEF] if self.brief else []
        parts += [OWNER + self.owner] if owner_ok(self.owner) else []
        return ":".join(parts)

    @property
    def track(self) -> str:
        """The audio manifest id of the track this token plays."""
        return track_id(self.exercise_id, self.level, self.brief)


def parse_token(text: object, coach: Coach) -> Token | None:
    """The token, if it is one of ours for this routine with a real exercise and level."""
    if not isinstance(text, str) or len(text) > MAX_TOKEN_LENGTH:
        return None
    parts = text.split(":")
    owner = token_owner(text)
    if owner:
        parts = parts[:-1]
    brief = len(parts) == 6 and parts[5] == BRIEF
    parts = parts[:5] if brief else parts
    if len(parts) != 5 or parts[0] != TOKEN_VERSION or parts[1] != coach.routine.id:
        return None
    exercise = coach.routine.get(parts[2])
    if exercise is None or not parts[3].isdigit() or not parts[4].isalnum():
        return None
    if int(parts[3]) >= len(exercise.dose.levels):
        return None
    return Token(parts[1], parts[2], int(parts[3]), parts[4], brief, owner)


def owner_ok(owner: str) -> bool:
    """Whether a token may carry this owner: an Alexa person id, in characters a token keeps."""
    return owner.startswith(PERSON_PREFIX) and bool(_OWNER_CHARS.match(owner))


def token_owner(text: object) -> str:
    """The person a stream token says started it ("" for none, or for no token of ours)."""
    if not isinstance(text, str) or len(text) > MAX_TOKEN_LENGTH:
        return ""
    head, _, last = text.rpartition(":")
    owner = last.removeprefix(OWNER) if last.startswith(OWNER) else ""
    return owner if head.startswith(TOKEN_VERSION + ":") and owner_ok(owner) else ""


def track_id(exercise_id: str, level: int, brief: bool = False) -> str:
    """The audio manifest id of an exercise's track at a level (full, or brief)."""
    return f"track-{exercise_id}-{level}" + ("-brief" if brief else "")


@dataclass(frozen=True)
class Play:
    """AudioPlayer.Play of one exercise's track."""

    token: str
    track_id: str
    offset_ms: int = 0
    behavior: str = "REPLACE_ALL"
    expected_previous: str | None = None
    """Required with ENQUEUE: the token now playing."""


@dataclass(frozen=True)
class Stop:
    """AudioPlayer.Stop, optionally clearing the queue first."""

    clear_queue: bool = False


@dataclass(frozen=True)
class Position:
    """Where the device's player is, as a voice request's context.AudioPlayer reports it."""

    token: str
    offset_ms: int = 0
    playing: bool = False
    """PLAYING (or buffering): an answer plays on afterwards; else it asks to resume."""


@dataclass
class Stream(StoredRow):
    """The player's saved position, kept in persistent attributes (player events carry no
    session)."""

    token: str = ""
    """The track last reported: routine, exercise, level and a random run id."""
    offset_ms: int = 0
    """How far into that track, in milliseconds."""
    activity: str = ""
    """PLAYING, STOPPED or FINISHED, as last reported."""
    at: str = ""
    """When it was last reported (ISO 8601)."""
    retried: str = ""
    """The token already retried once after a playback failure."""
    trouble: Ids = field(default_factory=list)
    """Exercises made easier (or that hurt) during this run: finishing them is not clean."""

    @classmethod
    def read(cls, row: object) -> Stream:
        """The stream a stored row holds (refused or unreadable parts start fresh)."""
        return cls.from_row(row, "stored stream")[0]


class HandsFree:
    """Operations of hands-free mode; each returns a Reply carrying player directives.

    `track_length_s` and `set_starts_s` come from the audio catalog (injected, so this stays
    pure); without them lengths are estimated from the plan and sets restart from the
    track's start.
    """

    def __init__(
        self,
        coach: Coach,
        track_length_s: TrackLength | None = None,
        set_starts_s: SetStarts | None = None,
    ):
        self.coach = coach
        self.routine = coach.routine
        self.track_length_s = track_length_s or (lambda exercise_id, level: None)
        self.set_starts_s = set_starts_s or (lambda track: ())

    def token(self, s: State, index: int, play_id: str) -> Token:
        ex = self.routine.exercises[index]
        # Someone who has done it before hears its name, dose and one cue, not the steps.
        brief = s.profile.knows(ex.id)
        level = s.level_of(self.routine, index)
        return Token(self.routine.id, ex.id, level, play_id, brief, s.owner)

    def play(self, s: State, index: int, play_id: str, offset_ms: int = 0) -> Play:
        """REPLACE_ALL with an exercise's track at its current level."""
        token = self.token(s, index, play_id)
        return Play(str(token), token.track, offset_ms)

    def index_of(self, token: Token) -> int:
        return self.routine.index_of(token.exercise_id) or 0

    def now(self) -> str:
        return self.coach.clock().isoformat()

    def say(self, key: str, **values) -> str:
        return self.coach.say(f"hands_free.{key}", **values)

    def name(self, token: Token) -> str:
        return self.routine.exercises[self.index_of(token)].name

    # -- starting ------------------------------------------------------------

    def start(self, s: State, stream: Stream, audio_player: bool, tracks: bool = True) -> Reply:
        """Any level-up earned last time, how to talk to the skill while it plays, then the
        first track; a device without AudioPlayer, or a skill serving no built tracks
        (BACKCOACH_AUDIO=false), gets dialog."""
        if not audio_player or not tracks or s.place.guest:
            # A guest's stream would be the account's: its player events carry no session,
            # so a track finished would count on someone else's progress.
            key = "hands_free.unsupported" if not audio_player else "hands_free.no_tracks"
            key = "hands_free.guest" if s.place.guest else key
            return navigation.start_routine_with(self.coach, s, self.coach.say(key))
        play = self.play(s, 0, os.urandom(4).hex())
        stream.token, stream.offset_ms, stream.activity, stream.retried = play.token, 0, "", ""
        stream.trouble = []
        # The whole how-to for the first runs; then one sentence, with the pain phrase.
        known = s.profile.history.count >= BRIEF_OPENING_AFTER
        said = (self.say("start_brief" if known else "start"),)
        return Reply(said, end_session=True, directives=(play,))

    def stopped_stream(self, stream: Stream) -> Token | None:
        """The stream a person stopped and may want to resume (recent, ours, not finished)."""
        token = parse_token(stream.token, self.coach)
        if token is None or stream.activity != "STOPPED":
            return None
        return token if resumable({"at": stream.at}, self.coach.clock()) else None

    # -- events (directives only) -------------------------------------------

    def reported(self, stream: Stream, token: str, offset_ms: int, activity: str) -> Reply:
        """PlaybackStarted, PlaybackStopped: remember where the stream is."""
        if parse_token(token, self.coach) is not None:
            # Our own Stop after "next" on the last track ends the run: it stays finished.
            ended = stream.activity == "FINISHED" and token == stream.token
            stream.token, stream.offset_ms = token, max(0, offset_ms)
            if not (ended and activity == "STOPPED"):
                stream.activity = activity
            stream.at = self.now()
        return Reply(())

    def nearly_finished(self, s: State, stream: Stream, token: str) -> Reply:
        """Queue the next exercise's track behind this one."""
        current = parse_token(token, self.coach)
        if current is None:
            return Reply(())
        index = self.index_of(current)
        if index + 1 >= len(self.routine.exercises):
            return Reply(())
        nxt = self.play(s, index + 1, current.play_id)
        queued = Play(nxt.token, nxt.track_id, 0, "ENQUEUE", expected_previous=token)
        return Reply((), directives=(queued,))

    def finished(self, s: State, stream: Stream, token: str) -> Reply:
        """A track played to its end: the exercise counts as done; the last one ends the run.
        A level-up it earns is kept for the next launch or start to announce."""
        current = parse_token(token, self.coach)
        if current is None:
            return Reply(())
        index = self.index_of(current)
        s.place.trouble = list(stream.trouble)
        progression.record_done(self.coach, s, index, run_id=current.play_id)
        # Pain told just after ("Alexa, tell Back Coach my knee hurts") counts against it.
        interruptions.note_sets(s, current.exercise_id, current.level, self.now(), 0.0)
        stream.token, stream.offset_ms, stream.at = token, 0, self.now()
        last = index + 1 >= len(self.routine.exercises)
        stream.activity = "FINISHED" if last else "PLAYING"
        return Reply(())

    def failed(self, stream: Stream, token: str, offset_ms: int) -> Reply:
        """Retry the same track once from where it failed."""
        current = parse_token(token, self.coach)
        if current is None or stream.retried == token:
            return Reply(())
        stream.retried = token
        track = current.track
        return Reply((), directives=(Play(token, track, max(0, offset_ms)),))

    # -- commands (voice or buttons) -----------------------------------------

    def pause(self, stream: Stream) -> Reply:
        self.stopped(stream)
        return Reply((), directives=(Stop(),))

    def wait(self, stream: Stream) -> Reply:
        """ "I need a break", "hang on": pause, and say the words that resume after it."""
        self.stopped(stream)
        return Reply((self.say("wait"),), end_session=True, directives=(Stop(),))

    def to_dialog(self, s: State, stream: Stream) -> Reply:
        """ "Switch to step by step": the stream stops, and the dialog starts at the exercise
        it was playing (leaving the stream is the one way into dialog mode)."""
        current = parse_token(stream.token, self.coach)
        stopped = self.stop(stream)
        index = self.index_of(current) if current is not None else 0
        lead = self.coach.say("nav.to_step_by_step")
        reply = navigation.intro(self.coach, s, index, lead)
        return replace(reply, directives=(*reply.directives, *stopped.directives))

    def jump(self, s: State, stream: Stream, exercise_id: str | None) -> Reply:
        """ "Start the plank" during a stream: that exercise's track, in the same run (never a
        step-by-step exercise over the stream)."""
        current = parse_token(stream.token, self.coach)
        index = self.routine.index_of(exercise_id or "")
        if current is None or index is None:
            return self.resume(s, stream, confirmed=True)
        play = self.play(s, index, current.play_id)
        stream.token, stream.offset_ms, stream.activity, stream.retried = play.token, 0, "", ""
        return Reply((), directives=(play,))

    def ready(self, s: State, stream: Stream, at: Position) -> Reply:
        """ "I'm ready", "start my routine" during a stream: it plays on, or resumes."""
        if at.playing:
            return self.carry_on(s, stream, at, ())
        return self.resume(s, stream, confirmed=True)

    def stopped(self, stream: Stream) -> None:
        """Note the stream stopped now (a stream already stopped keeps the time it stopped,
        which says how late a resume is)."""
        if stream.activity != "STOPPED":
            stream.activity, stream.at = "STOPPED", self.now()

    def away(self, stream: Stream) -> timedelta:
        """How long the stream has been stopped (zero when unknown)."""
        try:
            at = datetime.fromisoformat(stream.at)
            return max(timedelta(0), self.coach.clock() - at)
        except (TypeError, ValueError):
            return timedelta(0)

    def resume(self, s: State, stream: Stream, confirmed: bool = False) -> Reply:
        """Play again where the stream stopped: exactly there after a short pause; after
        LATE_RESUME, from the current set's lead-in, saying where we are; after STALE_STREAM,
        only once the person says yes to picking it up (`confirmed`)."""
        current = parse_token(stream.token, self.coach)
        if current is None or stream.activity == "FINISHED":
            return self.nothing()
        away = self.away(stream)
        if away > STALE_STREAM and not confirmed:
            question = self.say("stale", name=self.name(current))
            s.place.pending = Pending.RESUME_STREAM
            return Reply((question,), reprompt=question)
        track = current.track
        said: tuple[str, ...] = ()
        if away > LATE_RESUME:
            offset_s, number = self.set_start(track, stream.offset_ms)
            stream.offset_ms = round(offset_s * 1000)
            where = self.say("back_to_set", name=self.name(current), n=number) if number else ""
            said = (where or self.say("back_to", name=self.name(current)),)
        play = Play(stream.token, track, stream.offset_ms)
        stream.activity, stream.at = "PLAYING", self.now()
        return Reply(said, directives=(play,))

    def set_start(self, track: str, offset_ms: int) -> tuple[float, int]:
        """Where the set playing at `offset_ms` starts, its lead-in included, and its number
        (from 1); (0, 0), the track's start, before the first set or when sets are unknown."""
        starts = self.set_starts_s(track)
        at_s = offset_ms / 1000
        number = sum(1 for start in starts if start <= at_s)
        return (starts[number - 1], number) if number else (0.0, 0)

    def move(self, s: State, stream: Stream, step: int | None) -> Reply:
        """Next (+1), previous (-1), repeat (0) or start over (None): a track from its start;
        repeat plays the current set again, from its lead-in (the steps are not redone).
        Next on the last track ends the routine."""
        current = parse_token(stream.token, self.coach)
        if current is None:
            return self.nothing()
        if step == 0:
            track = current.track
            offset_s, _ = self.set_start(track, stream.offset_ms)
            stream.offset_ms, stream.activity, stream.at = round(offset_s * 1000), "PLAYING", ""
            return Reply((), directives=(Play(stream.token, track, stream.offset_ms),))
        last = len(self.routine.exercises) - 1
        if step == 1 and self.index_of(current) == last:
            return self.end_early(s, stream, current)
        index = 0 if step is None else max(0, min(self.index_of(current) + step, last))
        play = self.play(s, index, current.play_id)
        stream.token, stream.offset_ms, stream.activity, stream.retried = play.token, 0, "", ""
        return Reply((), directives=(play,))

    def end_early(self, s: State, stream: Stream, current: Token) -> Reply:
        """Skipping past the last exercise: the run is over (the skipped one is not done)."""
        stream.token, stream.activity, stream.at = str(current), "FINISHED", self.now()
        s.profile.stopped = {}
        said = self.say("skipped_last", name=self.name(current))
        return Reply((said,), end_session=True, directives=(Stop(clear_queue=True),))

    def pain(self, s: State, stream: Stream) -> Reply:
        """It hurts: stop the stream at once, then the coach's pain answer for that exercise."""
        current = parse_token(stream.token, self.coach)
        stopped = self.stop(stream)
        if current is not None:
            s.place.exercise, s.place.phase = self.index_of(current), Phase.INTRO
            if current.exercise_id not in stream.trouble:
                stream.trouble.append(current.exercise_id)
        answer = pain_answer(self.coach, s)
        s.place.hands_free = True  # "next exercise" goes on hands-free, not step by step
        return replace(answer, directives=stopped.directives)

    def stop_after(self, s: State, stream: Stream) -> Reply:
        """Stop (voice or button); after pain, a goodbye without congratulations."""
        stopped = self.stop(stream)
        if not s.place.pain:
            return stopped
        return replace(stopped, parts=(self.coach.say("goodbye_after_pain"),))

    def red_flag(self, s: State, stream: Stream, urgent: bool) -> Reply:
        """A red flag: stop the stream at once and end, with the advice to get medical help."""
        current = parse_token(stream.token, self.coach)
        stopped = self.stop(stream)
        if current is not None:
            s.place.exercise, s.place.phase = self.index_of(current), Phase.INTRO
        answer = (pain_module.urgent if urgent else pain_module.red_flag)(self.coach, s)
        return replace(answer, directives=stopped.directives)

    def leak(self, s: State, stream: Stream) -> Reply:
        """A leak told during a stream: stop it, and ask the one question that decides."""
        current = parse_token(stream.token, self.coach)
        stopped = self.stop(stream)
        if current is not None:
            s.place.exercise, s.place.phase = self.index_of(current), Phase.INTRO
        return replace(pain_module.leak(self.coach, s), directives=stopped.directives)

    def condition(self, s: State, stream: Stream) -> Reply:
        """ "I'm pregnant" during a stream: stop it, and advise checking with a physician."""
        stopped = self.stop(stream)
        return replace(pain_module.condition(self.coach, s), directives=stopped.directives)

    def stop(self, stream: Stream) -> Reply:
        """Stop and clear the queue."""
        self.stopped(stream)
        return Reply((), directives=(Stop(clear_queue=True),))

    def not_available(self) -> Reply:
        """Loop and shuffle: politely no, nothing changes."""
        return Reply((self.coach.say("audio_player.not_available"),))

    def nothing(self) -> Reply:
        """Nothing to resume or move in: say how to start (words are dropped for events)."""
        return Reply((self.coach.say("hands_free.nothing"),))

    # -- questions while the stream plays or is paused ------------------------
    #
    # On an Echo, speaking to a skill during playback ("Alexa, tell Back Coach what's
    # next") pauses the stream while Alexa listens and answers, and the player resumes only
    # if the answer carries a Play directive. So an answer while the routine plays speaks,
    # then plays the same track again from the offset the request's context reported
    # (REPLACE_ALL: the queue is rebuilt by the next PlaybackNearlyFinished), and the session
    # ends; an answer while it is paused asks whether to resume, keeping the session open.

    def answers_about(self, stream: Stream, at: Position) -> bool:
        """Whether a question is about this stream: ours, not over, and playing, or paused
        less than STALE_STREAM ago (an older one is another day's: the dialog answers)."""
        if parse_token(at.token, self.coach) is None:
            return False
        if stream.activity == "FINISHED" and stream.token == at.token:
            return False
        return at.playing or self.away(stream) <= STALE_STREAM

    def carry_on(
        self,
        s: State,
        stream: Stream,
        at: Position,
        said: tuple[str, ...],
        play: Play | None = None,
        card: tuple[str, str] | None = None,
    ) -> Reply:
        """An answer during a stream, then the stream as it was (or as `play` sets it)."""
        current = parse_token(at.token, self.coach)
        if current is None:
            return Reply((*said, self.say("nothing")), end_session=True, card=card)
        if play is None:
            play = Play(at.token, current.track, at.offset_ms)
        stream.token, stream.offset_ms, stream.retried = play.token, play.offset_ms, ""
        if at.playing:
            stream.activity, stream.at = "PLAYING", self.now()
            return Reply(said, end_session=True, card=card, directives=(play,))
        question = self.say("ask_resume")
        s.place.pending = Pending.RESUME_STREAM
        # The reprompt teaches what works once the microphone has closed.
        return Reply((*said, question), reprompt=self.say("ask_resume_later"), card=card)

    def whats_next(self, s: State, stream: Stream, at: Position) -> Reply:
        """The exercise after the one playing, at the person's dose."""
        current = parse_token(at.token, self.coach)
        if current is None:
            return self.carry_on(s, stream, at, ())
        index, exercises = self.index_of(current), self.routine.exercises
        if index + 1 >= len(exercises):
            return self.carry_on(
                s, stream, at, (self.say("whats_next.last", current=self.name(current)),)
            )
        nxt = exercises[index + 1]
        dose = self.coach.phrasing.dose_text(nxt, s.level_of(self.routine, index + 1))
        said = self.say("whats_next.next", current=self.name(current), name=nxt.name, dose=dose)
        return self.carry_on(s, stream, at, (said,))

    def track_s(self, exercise_id: str, level: int) -> float:
        """How long a track plays: the catalog's measure, else the plan's estimate."""
        measured = self.track_length_s(exercise_id, level)
        if measured is not None:
            return measured
        ex = self.routine.get(exercise_id)
        if ex is None:
            return 0.0
        sets = block(ex, level, 0, self.coach.words, limited=False, lead_in=True)
        return info.INTRO_S + sets.duration_s  # the lead-in is in the block

    def left_s(self, s: State, current: Token, offset_ms: int) -> float:
        """Seconds left: the rest of this track, then every later track at its level."""
        index = self.index_of(current)
        here = max(0.0, self.track_s(current.exercise_id, current.level) - offset_ms / 1000)
        later = range(index + 1, len(self.routine.exercises))
        return here + sum(
            self.track_s(self.routine.exercises[i].id, s.level_of(self.routine, i)) for i in later
        )

    def how_much_left(self, s: State, stream: Stream, at: Position) -> Reply:
        """Where the stream is and how long is left, from the track's position."""
        current = parse_token(at.token, self.coach)
        if current is None:
            return self.carry_on(s, stream, at, ())
        left = self.left_s(s, current, at.offset_ms)
        n = round(left / 60)
        if left < 60:
            minutes = self.say("minutes.under_one")
        else:
            minutes = self.say("minutes.one") if n <= 1 else self.say("minutes.many", n=n)
        index, total = self.index_of(current), len(self.routine.exercises)
        key = "left.last" if index + 1 == total else "left.report"
        said = self.say(
            key, name=self.name(current), number=index + 1, total=total, minutes=minutes
        )
        return self.carry_on(s, stream, at, (said,))

    def describe(self, s: State, stream: Stream, at: Position, exercise_id: str | None) -> Reply:
        """How to do the exercise playing (or the one named), briefly: position and steps."""
        current = parse_token(at.token, self.coach)
        wanted = exercise_id or (current.exercise_id if current else "")
        ex = self.routine.get(wanted)
        if ex is None:
            said = self.say("describe_unknown", names=self.coach.phrasing.names())
            return self.carry_on(s, stream, at, (said,))
        card = self.coach.phrasing.card(ex)
        return self.carry_on(s, stream, at, (ex.start, *ex.steps), card=card)

    def explain(
        self, s: State, stream: Stream, at: Position, answer: Callable[[Coach, State], Reply]
    ) -> Reply:
        """A question the dialog answers ("how long do I hold", "how many left", "is this
        safe"), answered for the exercise and set playing, without the dialog's question;
        then the stream as it was. The dialog's answer runs on a copy: it moves nothing."""
        current = parse_token(at.token, self.coach)
        scratch = copy.deepcopy(s)
        if current is not None:
            index = self.index_of(current)
            _, number = self.set_start(current.track, at.offset_ms)
            n_units = len(units(self.routine.exercises[index], current.level))
            scratch.place.exercise, scratch.place.phase = index, Phase.BETWEEN
            scratch.place.unit = max(0, min(number - 1, n_units - 1))
            scratch.profile.levels[current.exercise_id] = current.level
        reply = answer(self.coach, scratch)
        words = reply.parts[:-1] if reply.reprompt else reply.parts
        said = tuple(p for p in words if isinstance(p, str))
        return self.carry_on(s, stream, at, said, card=reply.card)

    def help(self, s: State, stream: Stream, at: Position) -> Reply:
        """What can be said while the routine plays, and how (built-ins vs. our intents)."""
        return self.carry_on(s, stream, at, (self.say("help"),))

    def fallback(self, s: State, stream: Stream, at: Position) -> Reply:
        """Not understood during a stream: the words may be a symptom the model lacks (on a
        device a fallback carries none), so the stream stops and the coach asks whether
        something hurt: "yes" stops for pain, as "this hurts" does; "no" offers to resume."""
        current = parse_token(stream.token, self.coach)
        if current is None:
            return self.carry_on(s, stream, at, (self.say("fallback"),))
        stopped = self.stop(stream)
        s.place.exercise, s.place.phase = self.index_of(current), Phase.INTRO
        s.place.hands_free, s.place.stream = True, current.exercise_id
        asked = self.coach.hurt_check(s)
        return replace(asked, directives=stopped.directives)

    def relevel(self, s: State, stream: Stream, at: Position, step: int) -> Reply:
        """Too hard (-1) or too easy (+1): change the level now, as the dialog does, and play
        this exercise's track at the new level from the same set (later tracks are queued at
        their levels as each one nearly finishes)."""
        current = parse_token(at.token, self.coach)
        if current is None:
            return self.carry_on(s, stream, at, ())
        index, ex = self.index_of(current), self.routine.exercises[self.index_of(current)]
        log_run(self.coach, s, current.play_id)
        s.profile.levels[ex.id] = current.level
        s.place.exercise, s.place.phase, s.place.unit = index, Phase.BETWEEN, 0
        # The dialog's change, for its effects (level, clean runs, trouble, the feedback
        # logged); its words end on a dialog question, so the stream says its own.
        progression.change_level(self.coach, s, step)
        if ex.id in s.place.trouble and ex.id not in stream.trouble:
            stream.trouble.append(ex.id)
        # The place is this session's only: back to where a stream answer leaves it.
        s.place.phase, s.place.pending, s.place.exercise = Phase.IDLE, Pending.NONE, 0
        level = s.level_of(self.routine, index)
        dose = self.coach.phrasing.dose_text(ex, level)
        if level == current.level:
            key = "level.easiest" if step < 0 else "level.hardest"
            return self.carry_on(s, stream, at, (self.say(key, name=ex.name, dose=dose),))
        key = "level.easier" if step < 0 else "level.harder"
        said: tuple[str, ...] = (self.say(key, name=ex.name, dose=dose),)
        _, number = self.set_start(current.track, at.offset_ms)
        play = self.play(s, index, current.play_id)
        new_starts = self.set_starts_s(play.track_id)
        if number and new_starts:
            number = min(number, len(new_starts))
            play = replace(play, offset_ms=round(new_starts[number - 1] * 1000))
            said = (*said, self.say("relevelled.set", n=number))
        else:
            said = (*said, self.say("relevelled.top", name=ex.name))
        return self.carry_on(s, stream, at, said, play=play)


def log_run(coach: Coach, s: State, run_id: str) -> None:
    """Make the history's last entry this hands-free run's (as finishing a track does), so
    feedback given during the run is logged with it."""
    if not s.profile.history.run_is(run_id):
        s.profile.history.start(coach.clock())["run"] = run_id
