"""A command in a complaint's words: the interaction model's own command sentences, found in
what ReportIntent's phrase slot carried when those words say nothing wrong.

A phrase slot takes whatever follows its carrier, so Alexa may send "oh, this is too much for
me, can you make it easier" as ReportIntent with "too much for me can you make it easier"
(a phrase-slot intent is greedy). The words arrive as heard, so the skill can find "can you
make it easier" in them, a sentence the model itself holds for EasierIntent, and answer that,
with the words around it read as any words around a command are (intents.meaning). Only
commands that change nothing at once are looked for: never a start, a yes or a no, a rating
or a complaint, where a guess could play a set or answer a question the person never heard.
"""

from __future__ import annotations

import re
from functools import cache

from backcoach.skill.alexa.feelings import read_model
from backcoach.skill.alexa.spelling import CONTRACTION as MAY_DIFFER
from backcoach.skill.alexa.spelling import HESITATIONS, canonical
from backcoach.skill.domain.builtins import BUILTIN, as_builtin, companion

WRAPPER = re.compile(r"\{(before|after)\}")
"""The slots of the words around a wrapped sentence (model_source.WRAPPERS)."""
MOST_AROUND = 8
"""The most words on either side of a command found in a complaint's words, as a wrapper
slot takes (the simulator's MAX_ASIDE_WORDS)."""
LEAST_WORDS = 2
"""A command found in other words has at least two words: one word ("back", "what") could be
part of anything."""


def sentences(model: dict, looked_for: frozenset[str]) -> dict[str, str]:
    """Each command sentence of the model (a sample with no slot but the words around it,
    spelled canonically) to the intent that says it: a built-in's as its companion, so that
    words around it are read as a companion's are (builtins.py)."""
    out: dict[str, str] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        if as_builtin(intent["name"]) not in looked_for:
            continue
        name = companion(intent["name"]) if intent["name"].startswith(BUILTIN) else intent["name"]
        for sample in intent.get("samples", []):
            bare = WRAPPER.sub(" ", sample)
            if "{" in bare:  # a slot of its own ("set my goal to {days} days")
                continue
            said = spelled(bare)
            if len(said.split()) >= LEAST_WORDS:
                out.setdefault(said, name)
    return out


def spelled(sample: str) -> str:
    """A sample's words spelled as `canonical` spells what is heard (samples are already
    lowercase words: only a contraction, an "'s" or an "um" can differ; most have none)."""
    if "'" in sample or MAY_DIFFER.search(sample) or not HESITATIONS.isdisjoint(sample.split()):
        return canonical(sample)
    return " ".join(sample.split())


@cache
def _model_sentences(looked_for: frozenset[str]) -> dict[str, str]:
    """The shipped model's command sentences, read once, on the first complaint that needs
    them (never at start-up: most sessions have none)."""
    return sentences(read_model(), looked_for)


def command_in(
    words: str, looked_for: frozenset[str], known: dict[str, str] | None = None
) -> tuple[str, str, str] | None:
    """The longest command sentence among the words, as (intent, words before it, words
    after it); None if there is none with at most MOST_AROUND words either side."""
    table = _model_sentences(looked_for) if known is None else known
    said = canonical(words).split()
    best: tuple[str, str, str] | None = None
    longest = 0
    for start in range(min(len(said), MOST_AROUND + 1)):
        for end in range(len(said), start + max(longest, LEAST_WORDS - 1), -1):
            if len(said) - end > MOST_AROUND:
                break
            intent = table.get(" ".join(said[start:end]))
            if intent:
                best = (intent, " ".join(said[:start]), " ".join(said[end:]))
                longest = end - start
                break
    return best
