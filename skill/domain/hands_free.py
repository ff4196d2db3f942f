"""Hands-free mode: the routine streamed as one AudioPlayer track per exercise (pure, no ASK)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from pydantic import StrictInt, StrictStr

from backcoach.skill.domain import navigation, progression
from backcoach.skill.domain.alexa_limits import MAX_TOKEN_LENGTH
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.pain import pain as pain_answer
from backcoach.skill.domain.progress import resumable
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.state import Phase, State
from backcoach.skill.domain.stored import StoredRow

TOKEN_VERSION = "bc1"


@dataclass(frozen=True)
class Token:
    """Names the routine, exercise and level a stream plays; checked when it comes back."""

    routine_id: str
    exercise_id: str
    level: int
    play_id: str
    """Same for every track of one hands-free run (ties history entries together)."""

    def __str__(self) -> str:
        return ":".join(
            [TOKEN_VERSION, self.routine_id, self.exercise_id, str(self.level), self.play_id]
        )


def parse_token(text: object, coach: Coach) -> Token | None:
    """The token, if it is one of ours for this routine with a real exercise and level."""
    if not isinstance(text, str) or len(text) > MAX_TOKEN_LENGTH:
        return None
    parts = text.split(":")
    if len(parts) != 5 or parts[0] != TOKEN_VERSION or parts[1] != coach.routine.id:
        return None
    exercise = coach.routine.get(parts[2])
    if exercise is None or not parts[3].isdigit() or not parts[4].isalnum():
        return None
    if int(parts[3]) >= len(exercise.dose.levels):
        return None
    return Token(parts[1], parts[2], int(parts[3]), parts[4])


def track_id(exercise_id: str, level: int) -> str:
    """The audio manifest id of an exercise's track at a level."""
    return f"track-{exercise_id}-{level}"


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


class Stream(StoredRow):
    """The player's saved position, kept in persistent attributes (player events carry no
    session)."""

    token: StrictStr = ""
    offset_ms: StrictInt = 0
    activity: StrictStr = ""
    """PLAYING, STOPPED or FINISHED, as last reported."""
    at: StrictStr = ""
    """When it was last reported (ISO 8601)."""
    retried: StrictStr = ""
    """The token already retried once after a playback failure."""

    @classmethod
    def read(cls, row: object) -> Stream:
        """The stream a stored row holds (refused or unreadable parts start fresh)."""
        return cls.from_row(row, "stored stream")[0]


class HandsFree:
    """Operations of hands-free mode; each returns a Reply carrying player directives."""

    def __init__(self, coach: Coach):
        self.coach = coach
        self.routine = coach.routine

    def token(self, s: State, index: int, play_id: str) -> Token:
        ex = self.routine.exercises[index]
        return Token(self.routine.id, ex.id, s.level_of(self.routine, index), play_id)

    def play(self, s: State, index: int, play_id: str, offset_ms: int = 0) -> Play:
        """REPLACE_ALL with an exercise's track at its current level."""
        token = self.token(s, index, play_id)
        return Play(str(token), track_id(token.exercise_id, token.level), offset_ms)

    def index_of(self, token: Token) -> int:
        return self.routine.index_of(token.exercise_id) or 0

    def now(self) -> str:
        return self.coach.clock().isoformat()

    # -- starting ------------------------------------------------------------

    def start(self, s: State, stream: Stream, audio_player: bool) -> Reply:
        """One short line, then the first track; a device without AudioPlayer gets dialog."""
        if not audio_player:
            lead = self.coach.say("hands_free.unsupported")
            return navigation.start_routine_with(self.coach, s, lead)
        play = self.play(s, 0, secrets.token_hex(4))
        stream.token, stream.offset_ms, stream.activity, stream.retried = play.token, 0, "", ""
        return Reply((self.coach.say("hands_free.start"),), end_session=True, directives=(play,))

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
            stream.token, stream.offset_ms, stream.activity = token, max(0, offset_ms), activity
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
        """A track played to its end: the exercise counts as done; the last one ends the run."""
        current = parse_token(token, self.coach)
        if current is None:
            return Reply(())
        index = self.index_of(current)
        progression.record_done(self.coach, s, index, run_id=current.play_id)
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
        track = track_id(current.exercise_id, current.level)
        return Reply((), directives=(Play(token, track, max(0, offset_ms)),))

    # -- commands (voice or buttons) -----------------------------------------

    def pause(self, stream: Stream) -> Reply:
        stream.activity, stream.at = "STOPPED", self.now()
        return Reply((), directives=(Stop(),))

    def resume(self, stream: Stream) -> Reply:
        """Play again exactly where the stream stopped."""
        current = parse_token(stream.token, self.coach)
        if current is None or stream.activity == "FINISHED":
            return self.nothing()
        track = track_id(current.exercise_id, current.level)
        play = Play(stream.token, track, stream.offset_ms)
        stream.activity = "PLAYING"
        return Reply((), directives=(play,))

    def move(self, s: State, stream: Stream, step: int | None) -> Reply:
        """Next (+1), previous (-1), repeat (0) or start over (None): a track from its start."""
        current = parse_token(stream.token, self.coach)
        if current is None:
            return self.nothing()
        last = len(self.routine.exercises) - 1
        index = 0 if step is None else max(0, min(self.index_of(current) + step, last))
        play = self.play(s, index, current.play_id)
        stream.token, stream.offset_ms, stream.activity, stream.retried = play.token, 0, "", ""
        return Reply((), directives=(play,))

    def pain(self, s: State, stream: Stream) -> Reply:
        """It hurts: stop the stream at once, then the coach's pain answer for that exercise."""
        current = parse_token(stream.token, self.coach)
        stopped = self.stop(stream)
        if current is not None:
            s.place.exercise, s.place.phase = self.index_of(current), Phase.INTRO
        answer = pain_answer(self.coach, s)
        return replace(answer, directives=stopped.directives)

    def stop(self, stream: Stream) -> Reply:
        """Stop and clear the queue."""
        stream.activity, stream.at = "STOPPED", self.now()
        return Reply((), directives=(Stop(clear_queue=True),))

    def not_available(self) -> Reply:
        """Loop and shuffle: politely no, nothing changes."""
        return Reply((self.coach.say("audio_player.not_available"),))

    def nothing(self) -> Reply:
        """Nothing to resume or move in: say how to start (words are dropped for events)."""
        return Reply((self.coach.say("hands_free.nothing"),))
