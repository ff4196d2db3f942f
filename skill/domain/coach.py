"""The coach: what every operation shares (routine, words, clock) and how a turn ends.

The operations themselves live by job: navigation.py (moving and playing), answers.py
(yes, no and the opening offers), opening.py (a session's start), progression.py (records
and levels), pain.py, info.py (questions about the routine). Each takes the Coach and a
State, updates the State in place and returns a Reply.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from backcoach.skill.domain.phrases import Phrases
from backcoach.skill.domain.phrasing import Phrasing
from backcoach.skill.domain.plan import Segment
from backcoach.skill.domain.reply import Reply
from backcoach.skill.domain.routine import Exercise, Routine
from backcoach.skill.domain.state import Pending, State


class Coach:
    """One routine in one locale, with a clock; shared by every request."""

    def __init__(
        self,
        routine: Routine,
        phrases: Phrases,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.routine = routine
        self.phrasing = Phrasing(routine, phrases, rng)
        self.words = phrases.cue_words
        self.clock = clock or (lambda: datetime.now(UTC))

    @property
    def total(self) -> int:
        """How many exercises the routine has."""
        return len(self.routine.exercises)

    def say(self, key: str, **values) -> str:
        """One phrase from the locale file."""
        return self.phrasing.say(key, **values)

    def current(self, s: State) -> Exercise:
        """The exercise the person is at."""
        return self.routine.exercises[s.place.exercise]

    def ask(self, s: State, *parts: str | Segment, card: tuple[str, str] | None = None) -> Reply:
        """A reply that keeps the session open, ending with the current question, whose
        answer "yes" and "no" will then give."""
        question = self.phrasing.question(s)
        s.place.pending = question.pending
        reprompt = self.phrasing.reprompt(s, question)
        reply = Reply((*[p for p in parts if p], question.text), reprompt=reprompt, card=card)
        # What "what did you say" repeats: the words after the last clip (never the audio,
        # nor steps read before the sets), which end on the question.
        clips = [i for i, part in enumerate(reply.parts) if not isinstance(part, str)]
        after = reply.parts[clips[-1] + 1 :] if clips else reply.parts
        s.place.last_said = " ".join(p for p in after if isinstance(p, str))
        return reply

    def unclear(self, s: State, lead: str) -> Reply:
        """Not understood: `lead`, how to report pain, the likeliest things to say here; and
        no question, so that a bare "yes" starts nothing (it asks again)."""
        s.place.pending = Pending.UNCLEAR
        options = self.phrasing.options(s)
        reply = Reply(
            (lead, self.say("unclear.pain_rule"), options),
            reprompt=self.say("unclear.reprompt", options=options),
        )
        s.place.last_said = reply.text
        return reply

    def hurt_check(self, s: State) -> Reply:
        """Not understood while exercising: "sorry, I didn't catch that", then "did something
        hurt?", whose "yes" stops for pain and whose "no" goes back to the question of the
        moment; never a set."""
        s.place.pending = Pending.HURT_CHECK
        parts = (self.say("unclear.lead"), self.say("unclear.hurt_check"))
        reply = Reply(parts, reprompt=self.say("unclear.hurt_reprompt"))
        s.place.last_said = reply.text
        return reply

    @staticmethod
    def end(*parts: str | Segment) -> Reply:
        """A reply that ends the session."""
        return Reply(tuple(p for p in parts if p), end_session=True)
