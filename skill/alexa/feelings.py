"""The model's own words for feelings, body parts and conditions, to find them among words
Alexa heard but could not place (a wrapper slot, a phrase slot)."""

from __future__ import annotations

import json
import re
from functools import cache

from backcoach.skill.domain.package_data import package_dir

MODEL = package_dir("backcoach.interaction_models") / "en-US.json"
"""The exported interaction model: its slot types say what each word means."""
FEELING_TYPE = "FEELING"
FILLER_TYPES = ("WORDS_BEFORE", "WORDS_AFTER")
"""The words around a command the model lists ("okay", "mate", "please", "then")."""
NOT_SYMPTOMS = ("well.", "red_flag.pop")
"""Feeling ids not looked for among unplaced words: no complaint ("fine", "better"), and the
pop family, whose words are everyday verbs around commands ("crack on", "pop down")."""


def read_model() -> dict:
    """The shipped interaction model, parsed: read by those who need it on first use only
    (most requests carry no unplaced words, and the model is 1.5 MB), each keeping only what
    it derives."""
    return json.loads(MODEL.read_text(encoding="utf-8"))


@cache
def _types() -> dict[str, list[dict]]:
    """Every slot type's values."""
    model = read_model()
    return {t["name"]: t["values"] for t in model["interactionModel"]["languageModel"]["types"]}


@cache
def _words(type_name: str, leaving: tuple[str, ...] = ()) -> tuple[re.Pattern[str], dict[str, str]]:
    """Every word of a slot type (names and synonyms) as one pattern, longest first, and the
    id each stands for; values whose id starts with one of `leaving` left out."""
    ids: dict[str, str] = {}
    for value in _types().get(type_name, []):
        if leaving and value["id"].startswith(leaving):
            continue
        for word in (value["name"]["value"], *value["name"].get("synonyms", [])):
            ids.setdefault(_plain(word), value["id"])
    words = sorted(ids, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'])"), ids


def _plain(text: str) -> str:
    """Lowercase words and apostrophes, single spaces (as the model's values are written)."""
    return " ".join(re.sub(r"[^\w']+", " ", text.lower()).split())


def ids_in(type_name: str, words: str, leaving: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Each of a slot type's values among these words, as (id, the words said), in order."""
    pattern, ids = _words(type_name, leaving)
    return [(ids[found.group(0)], found.group(0)) for found in pattern.finditer(_plain(words))]


def feeling_in(words: str) -> str | None:
    """The FEELING id of the first symptom word among these words ("my elbows are sore":
    `pain.sore`), else None."""
    return next((ident for ident, _ in ids_in(FEELING_TYPE, words, NOT_SYMPTOMS)), None)


def names_the_body(words: str) -> bool:
    """Whether the words name a part of the body (the model's BODY_PART words)."""
    return bool(ids_in("BODY_PART", words))


@cache
def _fillers() -> frozenset[str]:
    """Every listed word or phrase said around a command."""
    return frozenset(
        _plain(word)
        for type_name in FILLER_TYPES
        for value in _types().get(type_name, [])
        for word in (value["name"]["value"], *value["name"].get("synonyms", []))
    )


def only_fillers(words: str) -> bool:
    """Whether the words are listed fillers one after another ("then love", "okay so um
    right"): Alexa resolves a slot's words only when they are one listed value, so two are
    unlisted, though each is a word around a command and nothing more."""
    said = _plain(words).split()
    fillers = _fillers()
    # ends[i]: the words up to i split into listed fillers.
    ends = [True] + [False] * len(said)
    for i in range(len(said)):
        if ends[i]:
            for j in range(i + 1, len(said) + 1):
                if " ".join(said[i:j]) in fillers:
                    ends[j] = True
    return bool(said) and ends[-1]
