"""What one turn says, plays and does: the value every coach operation returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcoach.skill.domain.plan import Segment


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
    """AudioPlayer Play/Stop values (see hands_free.py), in order."""
    screen: dict | None = None
    """What a device with a screen shows (screen.py's datasource); None: no screen."""
    ask_permission: str = ""
    """A permission scope to ask for by voice (Connections.SendRequest AskFor), else ""."""
    forget: bool = False
    """Delete everything kept about the person (their rows and this skill's reminders)."""
    remind: Any = None
    """A Reminders API call for the adapter to make (reminding.Remind), whose outcome then
    decides what is said (reminding.done); None for none."""
    panel: tuple[str, str] | None = None
    """A screen of its own instead of the exercise's: (heading, lines), as "how am I doing?"
    shows on an Echo Show what the card says in the Alexa app."""

    @property
    def text(self) -> str:
        """The spoken sentences only, joined (for logs, tests and the simulator)."""
        return " ".join(p for p in self.parts if isinstance(p, str))

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The timed clips only."""
        return tuple(p for p in self.parts if isinstance(p, Segment))
