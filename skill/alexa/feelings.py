"""The model's FEELING words, to find a symptom among words Alexa heard but could not place."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files

MODEL = files("backcoach.interaction_models") / "en-US.json"
"""The exported interaction model: its FEELING type says what each symptom word means."""
FEELING_TYPE = "FEELING"
NOT_SYMPTOMS = ("well.", "red_flag.pop")
"""Feeling ids not looked for among unplaced words: no complaint ("fine", "better"), and the
pop family, whose words are everyday verbs around commands ("crack on", "pop down")."""


@cache
def _symptoms() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every symptom word of the model (names and synonyms) as one pattern, and each one's id.

    Read on first use only: most requests carry no unplaced words, and the model is 1.4 MB."""
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    types = model["interactionModel"]["languageModel"].get("types", [])
    ids: dict[str, str] = {}
    for kind in types:
        for value in kind["values"] if kind["name"] == FEELING_TYPE else ():
            if value["id"].startswith(NOT_SYMPTOMS):
                continue
            for word in (value["name"]["value"], *value["name"].get("synonyms", [])):
                ids.setdefault(_plain(word), value["id"])
    words = sorted(ids, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])"), ids


def _plain(text: str) -> str:
    """Lowercase words and apostrophes, single spaces (as the model's values are written)."""
    return " ".join(re.sub(r"[^\w']+", " ", text.lower()).split())


def feeling_in(words: str) -> str | None:
    """The FEELING id of the first symptom word among these words ("my elbows are sore":
    `pain.sore`), else None."""
    pattern, ids = _symptoms()
    found = pattern.search(_plain(words))
    return ids[found.group(0)] if found else None
