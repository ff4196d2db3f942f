"""Understanding for the simulator: a typed utterance to an Alexa intent and its slots."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from backcoach.skill.alexa.spelling import canonical
from backcoach.skill.devtools import envelopes

MODELS_DIR = files("backcoach.interaction_models")
"""The interaction models shipped inside the package (the top-level folder, as package data)."""
FALLBACK = "AMAZON.FallbackIntent"
AUTHORITY_PREFIX = f"amzn1.er-authority.echo-sdk.{envelopes.DEFAULT_SKILL_ID}"
"""Entity-resolution authority for a skill; the slot type's name is appended per slot."""

BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.HelpIntent": ("help", "help me", "can you help me"),
    "AMAZON.LoopOffIntent": ("loop off",),
    "AMAZON.LoopOnIntent": ("loop", "loop on", "keep repeating this song"),
    "AMAZON.NextIntent": ("next", "skip", "skip forward"),
    "AMAZON.NoIntent": ("no", "no thanks"),
    "AMAZON.PauseIntent": ("pause", "pause that"),
    "AMAZON.PreviousIntent": ("go back", "skip back", "back up"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
    "AMAZON.ShuffleOffIntent": ("stop shuffling", "shuffle off", "turn off shuffle"),
    "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "shuffle the music", "shuffle mode"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
    "AMAZON.StopIntent": ("stop", "off", "shut up"),
    "AMAZON.YesIntent": ("yes", "yes please", "sure"),
}
"""The phrasings Amazon documents for its built-in intents ("Standard Built-in Intents",
developer.amazon.com/en-US/docs/alexa/custom-skills/standard-built-in-intents.html): all the
simulator grants them. Everything else people say for these jobs must be in the model's samples
(a built-in intent needs an exactly matching sample, Amazon's "Tips for Using Built-in Intents").
"""

LAUNCH_VERBS = ("ask", "tell", "open", "launch", "start", "begin", "load", "run", "use", "talk to")
CONNECTORS = frozenset({"to", "that", "for", "about", "if"})
"""Words between the invocation name and the request ("tell back coach that it hurts")."""
NEGATIONS = frozenset(
    "not no don't dont never can't cannot won't isn't didn't doesn't shouldn't nothing".split()
)
NOT_SLOT_VALUES = frozenset(
    {"it", "this", "that", "these", "those", "them", "one", "this one", "that one"}
    | {"the", "a", "an", "my"}
)
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen".split()
_TEENS = "fourteen fifteen sixteen seventeen eighteen nineteen".split()
NUMBER_WORDS = {word: n for n, word in enumerate(_UNITS + _TEENS)} | {"twenty": 20}
"""Numbers as speech recognition writes them in words (AMAZON.NUMBER's, as far as a mat
needs: a pain score, a count); digits are taken as they are."""
PHRASE = "AMAZON.SearchQuery"
"""Alexa's phrase slot type: any words after (or before) a carrier phrase, sent as heard,
without entity resolution. A sample with one must have words of its own and no other slot
(model_source refuses it otherwise), so the simulator fills it only beside a carrier phrase."""
TIME = "AMAZON.TIME"
"""Alexa's time slot: sent as "HH:MM" (24-hour), or MO, AF, EV, NI for a part of the day."""
BUILTIN_TYPES = frozenset({"AMAZON.NUMBER", TIME, PHRASE})
"""Built-in slot types the simulator knows: a NUMBER slot takes only numbers (never "yes"),
which Alexa sends as written digits; a phrase slot takes any words. Neither is resolved."""
MAX_PHRASE_WORDS = 30
"""The most words a phrase slot takes (Alexa: "short free-form text")."""
WRAPPER_TYPES = frozenset({"WORDS_BEFORE", "WORDS_AFTER"})
"""The slot types of the words people put around a wrapped sentence (model_source.WRAPPERS)."""
VAGUE_WORDS = frozenset({"something", "anything", "nothing", "everything", "else"})
MAX_FREE_TEXT_WORDS = 4
"""The most words an unlisted slot value takes."""
MAX_ASIDE_WORDS = 12
"""The most unlisted words a wrapper slot takes: an aside after a command ("how much longer,
the wife's got supper on"). Longer than MAX_FREE_TEXT_WORDS, such a match is tried last.
Alexa documents no limit; a breathless reason runs to a dozen words ("skip this one mate, me
shoulder's playing up something shocking")."""


@dataclass(frozen=True)
class Match:
    """What Alexa made of an utterance: an intent with its slots, or a launch."""

    intent: str
    slots: dict[str, dict]
    utterance: str
    launch: bool = False
    sample: str = ""
    """The model's sample it matched (slots as {name}), "" for a fallback or a launch."""

    def resolved_slots(self) -> dict[str, tuple[str, str]]:
        """Each filled slot: what was heard, and the id it resolved to (else the status)."""
        out = {}
        for name, slot in self.slots.items():
            if not slot.get("value"):
                continue
            if "resolutions" not in slot:  # a built-in type: as heard, not resolved
                out[name] = (slot["value"], "ER_BUILT_IN")
                continue
            resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
            values = resolution.get("values") or [{}]
            resolved = values[0].get("value", {}).get("id") or resolution["status"]["code"]
            out[name] = (slot["value"], resolved)
        return out


@dataclass
class _Node:
    """A trie node over sample words: words and slots lead on; `ends` are the samples here."""

    words: dict[str, _Node]
    slots: dict[tuple[str, str], _Node]
    ends: list[tuple[int, str, str]]
    """(order, intent, sample) of each sample that ends at this node."""


@dataclass(frozen=True)
class _Found:
    order: int
    intent: str
    sample: str
    fills: tuple[tuple[str, str, str], ...]
    """(slot name, slot type, words heard) in the order heard."""
    unresolved: int
    carrier: int
    phrase: int = 0
    """Phrase slots filled: such a match comes last, after every other sample (a phrase
    slot takes anything, so a sample written for the words wins over it)."""


PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_TENS = {"fifteen": 15, "thirty": 30, "forty five": 45, "o'clock": 0}


DAY_HALVES = {
    ("in", "the", "morning"): "am",
    ("in", "the", "afternoon"): "pm",
    ("in", "the", "evening"): "pm",
    ("at", "night"): "pm",
}
"""A part of the day after a time: "four in the morning" is 04:00, as Alexa's slot type
reference gives it; "nine at night" 21:00."""


PAST_OR_TO: dict[tuple[str, ...], int] = {
    ("half", "past"): 30,
    ("quarter", "past"): 15,
    ("quarter", "to"): -15,
}
"""Minutes past the hour said before it ("quarter past nine"); "to" counts back from it."""


def time_value(text: str) -> str | None:
    """The value Alexa sends for a heard time ("seven thirty pm" → "19:30", "two p m" → "14:00",
    "four in the morning" → "04:00", "quarter past nine" → "09:15", "noon", "the evening" →
    "EV"), or None; a time Alexa could not place is no time here."""
    said = text.split()
    suffix, night = "", False
    for half, meridiem in DAY_HALVES.items():
        if len(said) > len(half) and tuple(said[-len(half) :]) == half:
            said, suffix, night = said[: -len(half)], meridiem, half == ("at", "night")
    words = " ".join(said).replace("the ", "").replace("in ", "").split()
    if words[-2:] in (["a", "m"], ["p", "m"]):  # "two p m", as the slot type reference says it
        words = [*words[:-2], words[-2] + "m"]
    if not suffix and " ".join(words) in PARTS_OF_DAY:
        return PARTS_OF_DAY[" ".join(words)]
    if words in (["noon"], ["midday"]) and not suffix:
        return "12:00"
    if words == ["midnight"] and not suffix:
        return "00:00"
    if words and words[-1] in ("am", "pm"):
        if suffix:
            return None  # "seven pm in the morning"
        words, suffix = words[:-1], words[-1]
    offset = PAST_OR_TO.get(tuple(words[:2]))
    core = words[2:] if offset is not None else words
    if not core:
        return None
    clock = core[0].split(":")
    hour = number_value(clock[0])
    minute = int(clock[1]) if len(clock) == 2 and clock[1].isdigit() else 0
    rest = " ".join(core[1:])
    if rest and offset is None:
        minute = _TENS.get(rest, -1) if not rest.isdigit() else int(rest)
    elif rest:
        return None  # "half past five thirty"
    if hour is None or not 0 <= hour <= 23 or not 0 <= minute <= 59:
        return None
    if offset is not None:
        if not 1 <= hour <= 12:
            return None
        hour, minute = (hour - 1, 60 + offset) if offset < 0 else (hour, offset)
        hour = hour or 12
    if suffix and not 1 <= hour <= 12:
        return None
    if suffix == "pm" and hour != 12:
        hour += 12
    if (suffix == "am" or night) and hour == 12:
        hour = 0  # "twelve at night" is midnight
    return f"{hour:02d}:{minute:02d}"


def builtin_value(kind: str, text: str) -> str | None:
    """What Alexa sends for words in a built-in slot of a type the simulator knows, else None."""
    if kind == TIME:
        return time_value(text)
    number = number_value(text)
    return None if number is None else str(number)


def number_value(text: str) -> int | None:
    """The number a few heard words say ("seven", "7"), or None."""
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


def _negated(text: str) -> bool:
    """Whether the text contains a negation (no unlisted slot value is heard across one)."""
    return any(word in NEGATIONS for word in text.split())


MAX_TIME_WORDS = 6
"""The most words a time takes: "quarter past nine in the evening"."""


def _most_words(kind: str) -> int:
    """The most unlisted words a slot of this type takes."""
    if kind == TIME:
        return MAX_TIME_WORDS
    return MAX_ASIDE_WORDS if kind in WRAPPER_TYPES else MAX_FREE_TEXT_WORDS


def _usable(words: list[str], kind: str) -> bool:
    """Whether unknown words can fill a slot: a few words, not a pronoun, article or vague,
    and no negation in a value ("not ready" as a READY_STATE)."""
    if not 0 < len(words) <= _most_words(kind):
        return False
    # A vague word says nothing as a value ("my back is something"), but an aside may hold
    # one ("skip this one, me shoulder's playing up something shocking").
    if VAGUE_WORDS.intersection(words) and (kind not in WRAPPER_TYPES or len(words) == 1):
        return False
    if " ".join(words) in NOT_SLOT_VALUES:
        return False
    # Alexa fills the words around a command across a negation too ("I can't hack that, go
    # easier"); they are the skill's to read (intents.countermands: "please don't make it
    # harder" is not understood).
    return kind in WRAPPER_TYPES or not _negated(" ".join(words))


def unlisted_value(words: list[str], kind: str) -> bool:
    """Whether a slot of this type takes these unlisted words with no negation among them."""
    return _usable(words, kind) and not _negated(" ".join(words))


def _sample_tokens(sample: str) -> list[str]:
    """A sample's words, with {slot} references kept whole."""
    out: list[str] = []
    for part in re.split(r"(\{\w+\})", sample):
        out += [part] if part.startswith("{") else canonical(part).split()
    return out


def canonical_sample(sample: str) -> str:
    """A sample as the simulator reads it ("i am {state}" and "i'm {state}" are one)."""
    return " ".join(_sample_tokens(sample))


class Nlu:
    """Turns utterances into intents and slots as Alexa would for one interaction model, and
    no better: a sample of the model (or a documented built-in phrasing) word for word, its
    slots filled by a listed value or synonym (ER_SUCCESS_MATCH) or, in one slot, by a few
    unlisted words (ER_SUCCESS_NO_MATCH, as Alexa fills custom slots); anything else is
    AMAZON.FallbackIntent, which on a real device carries no words."""

    def __init__(self, model: dict, skill_id_authority: str = AUTHORITY_PREFIX):
        lang = model["interactionModel"]["languageModel"]
        self.authority_prefix = skill_id_authority
        self.invocation = canonical(lang["invocationName"])
        self.values = {t["name"]: self._type_values(t) for t in lang.get("types", [])}
        self.value_words = {
            kind: max((len(v.split()) for v in values), default=1)
            for kind, values in self.values.items()
        }
        self.intent_slots: dict[str, tuple[str, ...]] = {}
        self.collisions: list[tuple[str, str, str]] = []
        """(sample, intent kept, intent shadowed) for samples claimed by two intents."""
        self.samples: dict[str, list[str]] = {}
        """Every sample of each intent, canonical (the built-ins' documented phrasings too)."""
        self._root = _Node({}, {}, [])
        self._owner: dict[str, str] = {}
        self._order = 0
        self._compile_intents(lang["intents"])
        self._wake = re.compile(r"^(?:hey )?alexa\b ?")
        verbs = "|".join(map(re.escape, LAUNCH_VERBS))
        self._invoke = re.compile(rf"^(?:{verbs}) {re.escape(self.invocation)}(?: |$)")

    @classmethod
    def load(
        cls,
        locale: str = "en-US",
        root: Traversable | None = None,
        skill_id_authority: str = AUTHORITY_PREFIX,
    ) -> Nlu:
        """The Nlu for interaction_models/<locale>.json."""
        path = (root or MODELS_DIR) / f"{locale}.json"
        return cls(json.loads(path.read_text(encoding="utf-8")), skill_id_authority)

    # --- building ---------------------------------------------------------------------------

    @staticmethod
    def _type_values(slot_type: dict) -> dict[str, tuple[str, str]]:
        """Every name and synonym of a slot type, canonical, to (id, canonical name)."""
        out: dict[str, tuple[str, str]] = {}
        for value in slot_type.get("values", []):
            name = value["name"]
            ident = value.get("id") or name["value"]
            for heard in [name["value"], *name.get("synonyms", [])]:
                out.setdefault(canonical(heard), (ident, name["value"]))
        return out

    def _compile_intents(self, intents: list[dict]) -> None:
        """Index every sample, then the documented phrasings of the declared built-ins."""
        declared = {i["name"] for i in intents}
        for intent in intents:
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self.intent_slots[intent["name"]] = tuple(types)
            for sample in intent.get("samples", []):
                self._add(intent["name"], sample, types)
        for name, phrases in BUILTIN_PHRASES.items():
            for phrase in phrases if name in declared else ():
                self._add(name, phrase, {})

    def _add(self, intent: str, sample: str, types: dict[str, str]) -> None:
        """Put one sample in the trie; a sample another intent has already is kept by it."""
        tokens = _sample_tokens(sample)
        key = " ".join(f"{{{types.get(t[1:-1], '')}}}" if t.startswith("{") else t for t in tokens)
        kept = self._owner.setdefault(key, intent)
        if kept != intent:
            self.collisions.append((" ".join(tokens), kept, intent))
            return
        self.samples.setdefault(intent, []).append(" ".join(tokens))
        node = self._root
        for token in tokens:
            if token.startswith("{"):
                edge = (token[1:-1], types.get(token[1:-1], ""))
                node = node.slots.setdefault(edge, _Node({}, {}, []))
            else:
                node = node.words.setdefault(token, _Node({}, {}, []))
        self._order += 1
        node.ends.append((self._order, intent, " ".join(tokens)))

    # --- understanding ----------------------------------------------------------------------

    def understand(self, utterance: str) -> Match:
        """The intent and slots Alexa would send for an utterance, or a launch."""
        text = canonical(utterance)
        invoked, candidates = self._split_invocation(text)
        if invoked and not candidates[0]:
            return Match(intent="", slots={}, utterance=text, launch=True)
        for candidate in candidates:
            found = self._best(candidate.split()) if candidate else None
            if found:
                return self._result(found, candidate)
        return Match(intent=FALLBACK, slots={}, utterance=candidates[0])

    def _split_invocation(self, text: str) -> tuple[bool, list[str]]:
        """Whether the skill was invoked by name, and the command texts to try, best first."""
        text = self._wake.sub("", text)
        found = self._invoke.match(text)
        if not found:
            return False, [text]
        rest = text[found.end() :].split()
        if rest and rest[0] in CONNECTORS:
            return True, [" ".join(rest[1:]), " ".join(rest)]
        return True, [" ".join(rest)]

    def _best(self, words: list[str]) -> _Found | None:
        """The best sample matching all the words: fewest unlisted slot values, then the most
        literal words, then the most words in listed slot values ("just had a baby": "a
        baby" is a listed condition, "just" only a listed filler), then the first in the
        model."""
        found: list[_Found] = []
        self._walk(self._root, words, 0, (), 0, 0, found)
        if not found:
            return None
        # Among matches tried last (a phrase slot, or a long aside after a command), the one
        # whose carrier says more wins ("that's it for me today, I'm off down the wharf" is a
        # goodbye with an aside, not a complaint's "that's ..."); the aside's words are read
        # for a complaint all the same (intents.meaning). Not so for long words before a
        # command ("I've gone a bit giddy, hang on"): said first, they are what was said.
        return min(
            found,
            key=lambda f: (
                f.phrase,
                -f.carrier if f.phrase and not self._said_first(f) else f.unresolved,
                f.unresolved,
                -f.carrier,
                -self._placed(f),
                f.order,
            ),
        )

    def _said_first(self, found: _Found) -> bool:
        """Whether a match heard a long unlisted aside before its carrier."""
        return any(
            kind == "WORDS_BEFORE" and self._aside(kind, heard) for _, kind, heard in found.fills
        )

    def _placed(self, found: _Found) -> int:
        """How many of the words a match heard are in listed slot values."""
        return sum(
            len(heard.split()) for _, kind, heard in found.fills if self._listed(kind, heard)
        )

    def _walk(
        self,
        node: _Node,
        words: list[str],
        i: int,
        fills: tuple[tuple[str, str, str], ...],
        carrier: int,
        unresolved: int,
        out: list[_Found],
    ) -> None:
        """Every sample the words from `i` on complete, given the slots filled so far."""
        if i == len(words):
            phrase = sum(kind == PHRASE or self._aside(kind, heard) for _, kind, heard in fills)
            for order, intent, sample in node.ends:
                out.append(_Found(order, intent, sample, fills, unresolved, carrier, phrase))
            return
        nxt = node.words.get(words[i])
        if nxt is not None:
            self._walk(nxt, words, i + 1, fills, carrier + 1, unresolved, out)
        for (name, kind), child in node.slots.items():
            if kind == PHRASE:
                for j in range(i + 1, min(len(words), i + MAX_PHRASE_WORDS) + 1):
                    fill = (*fills, (name, kind, " ".join(words[i:j])))
                    self._walk(child, words, j, fill, carrier, unresolved, out)
                continue
            longest = max(self.value_words.get(kind, 1), _most_words(kind))
            for j in range(i + 1, min(len(words), i + longest) + 1):
                heard_words = words[i:j]
                heard = " ".join(heard_words)
                if kind in BUILTIN_TYPES:
                    if builtin_value(kind, heard) is not None:
                        self._walk(child, words, j, (*fills, (name, kind, heard)), carrier,
                                   unresolved, out)  # fmt: skip
                    continue
                listed = self._listed(kind, heard)
                # Alexa fills a custom slot with unlisted words too, but only one per request here
                # (two unknowns in "my {body_part} is {feeling}" would match nearly anything),
                # except the words around a wrapped sentence: "{before} let me get my wind back
                # {after}" keeps every word of its carrier, whatever is said either side of it.
                if not listed and (
                    not _usable(heard_words, kind) or (unresolved and not self._around(kind, fills))
                ):
                    continue
                fill = (*fills, (name, kind, heard))
                self._walk(child, words, j, fill, carrier, unresolved + (not listed), out)

    def _aside(self, kind: str, heard: str) -> bool:
        """Whether a wrapper slot heard a long unlisted aside ("can you repeat that, the telly
        was up too loud"): such a match is tried last, as a phrase slot's is, so any sample
        that reads the words as something else (a complaint's, above all) wins over it."""
        return (
            kind in WRAPPER_TYPES
            and len(heard.split()) > MAX_FREE_TEXT_WORDS
            and not self._listed(kind, heard)
        )

    def _around(self, kind: str, fills: tuple[tuple[str, str, str], ...]) -> bool:
        """Whether unlisted words may fill a wrapper slot after others did: only when every
        unlisted value so far was a wrapper's too (the carrier between them matched whole; a
        built-in's number or time is no unlisted value: it was heard as one)."""
        heard_as = WRAPPER_TYPES | BUILTIN_TYPES
        return kind in WRAPPER_TYPES and all(
            k in heard_as for _, k, heard in fills if not self._listed(k, heard)
        )

    def _listed(self, kind: str, heard: str) -> bool:
        """Whether the words are one of the slot type's values or synonyms."""
        return heard in self.values.get(kind, {})

    def _result(self, found: _Found, text: str) -> Match:
        """A match carrying every slot the intent declares; unfilled ones as Alexa sends them."""
        intent = found.intent
        slots = {n: {"name": n, "confirmationStatus": "NONE"} for n in self.intent_slots[intent]}
        for name, kind, heard in found.fills:
            if kind == PHRASE:  # the words as heard, no entity resolution
                slots[name] = envelopes.builtin_slot(name, heard)
                continue
            if kind in BUILTIN_TYPES:  # digits or a time, and no entity resolution (built in)
                slots[name] = envelopes.builtin_slot(name, str(builtin_value(kind, heard)))
                continue
            match = self.values.get(kind, {}).get(heard)
            slots[name] = envelopes.slot(name, heard, authority=self._authority(kind), match=match)
        return Match(intent=intent, slots=slots, utterance=text, sample=found.sample)

    def _authority(self, kind: str) -> str:
        """The entity-resolution authority for a slot type."""
        prefix = self.authority_prefix
        return prefix if prefix.endswith(f".{kind}") else f"{prefix}.{kind}"
