"""Alexa's built-in intents and the custom intents that carry their sentences with words around
them ("sorry, what did you say there" is AMAZON.RepeatIntent's "what did you say" with words
either side). A built-in takes no custom slots and needs an exactly matching sample, so its
`wrapped` sentences go to a companion custom intent whose {before} and {after} slots take the
words; the skill answers the companion as the built-in."""

from __future__ import annotations

BUILTIN = "AMAZON."
COMPANION = "WrappedIntent"


def companion(builtin: str) -> str:
    """The custom intent carrying a built-in's wrapped sentences: AMAZON.PauseIntent's is
    PauseWrappedIntent."""
    return builtin.removeprefix(BUILTIN).removesuffix("Intent") + COMPANION


def as_builtin(intent: str) -> str:
    """The built-in a companion stands for; any other intent is itself."""
    if intent.endswith(COMPANION) and not intent.startswith(BUILTIN):
        return f"{BUILTIN}{intent.removesuffix(COMPANION)}Intent"
    return intent
