"""Understanding for the simulator: a typed utterance to an Alexa intent and its slots."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

from backcoach.skill.devtools import envelopes

MODELS_DIR = files("backcoach.interaction_models")
"""The interaction models shipped inside the package (the top-level folder, as package data)."""
FALLBACK = "AMAZON.FallbackIntent"
AUTHORITY_PREFIX = f"amzn1.er-authority.echo-sdk.{envelopes.DEFAULT_SKILL_ID}"
"""Entity-resolution authority for a skill; the slot type's name is appended per slot."""

BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.NextIntent": (
        "next",
        "skip",
        "skip this",
        "skip it",
        "skip that",
        "next one",
        "next exercise",
        "move on",
        "skip ahead",
        "go forward",
    ),
    "AMAZON.PreviousIntent": (
        "go back",
        "previous",
        "back",
        "previous one",
        "back one",
        "go back one",
        "previous exercise",
    ),
    "AMAZON.RepeatIntent": (
        "repeat",
        "say that again",
        "say it again",
        "repeat that",
        "repeat it",
        "what did you say",
        "again",
        "come again",
        "pardon",
        "pardon me",
    ),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going", "carry on", "unpause", "go on"),
    "AMAZON.PauseIntent": (
        "pause",
        "pause it",
        "pause that",
        "hold on",
        "hang on",
        "wait",
        "wait a second",
        "wait a minute",
        "hold on a second",
    ),
    "AMAZON.StartOverIntent": (
        "start over",
        "restart",
        "start again",
        "begin again",
        "from the top",
        "start from the top",
        "start from the beginning",
    ),
    "AMAZON.HelpIntent": (
        "help",
        "help me",
        "what can i say",
        "what can i do",
        "i need help",
        "can you help me",
    ),
    "AMAZON.StopIntent": (
        "stop",
        "quit",
        "exit",
        "shut up",
        "be quiet",
        "off",
        "stop it",
        "that's enough",
        "enough",
        "goodbye",
        "bye",
    ),
    "AMAZON.CancelIntent": ("cancel", "cancel that", "never mind", "nevermind", "forget it"),
    "AMAZON.YesIntent": (
        "yes",
        "yeah",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "yes please",
        "sounds good",
        "of course",
        "alright",
        "all right",
        "absolutely",
        "sure thing",
    ),
    "AMAZON.NoIntent": (
        "no",
        "nope",
        "no thanks",
        "no thank you",
        "not now",
        "nah",
        "not really",
        "not yet",
        "no way",
    ),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "go to home"),
    "AMAZON.LoopOnIntent": ("loop", "loop on", "turn on loop", "turn loop on", "loop this"),
    "AMAZON.LoopOffIntent": ("loop off", "turn off loop", "turn loop off", "stop looping"),
    "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "turn on shuffle", "turn shuffle on"),
    "AMAZON.ShuffleOffIntent": (
        "shuffle off",
        "turn off shuffle",
        "turn shuffle off",
        "stop shuffling",
    ),
}
"""Phrasings Alexa recognises for its built-in intents without samples in the model."""

ARTICLES = ("the", "a", "an", "my")
CONTRACTIONS = {
    "i am": "i'm",
    "im": "i'm",
    "i have": "i've",
    "ive": "i've",
    "i would": "i'd",
    "let us": "let's",
    "lets": "let's",
    "what is": "what's",
    "whats": "what's",
    "that is": "that's",
    "thats": "that's",
    "it is": "it's",
    "how is": "how's",
    "hows": "how's",
    "do not": "don't",
    "dont": "don't",
    "does not": "doesn't",
    "did not": "didn't",
    "is not": "isn't",
    "can not": "can't",
    "cannot": "can't",
    "cant": "can't",
    "will not": "won't",
}
"""Spellings of a contraction, to the one the model's samples use."""
_CONTRACTION = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(map(re.escape, sorted(CONTRACTIONS, key=len, reverse=True)))
    + r")(?![\w'])"
)
LAUNCH_VERBS = ("ask", "tell", "open", "launch", "start", "begin", "load", "run", "use", "talk to")
CONNECTORS = frozenset({"to", "and", "for", "that"})
FILLERS = frozenset(
    "please um uh er erm hmm so well oh hey now then just actually coach thanks "
    "ok okay yes yeah alright sure".split()
)
POLITE_PREFIXES = (("can", "you"), ("could", "you"), ("would", "you"), ("will", "you"))
NEGATIONS = frozenset(
    "not no don't dont never can't cannot won't isn't didn't doesn't shouldn't nothing".split()
)
NOT_SLOT_VALUES = frozenset(
    {"it", "this", "that", "these", "those", "them", "one", "this one", "that one", *ARTICLES}
)
VAGUE_WORDS = frozenset({"something", "anything", "nothing", "everything", "else"})
FREE_TEXT_VERBS = frozenset({"explain", "describe", "practice"})
MIN_FREE_TEXT_CARRIER = 3
"""Literal words (not articles) a sample needs before its slot may take arbitrary words."""
MAX_FREE_TEXT_WORDS = 4
FUZZY_RATIO = 0.85
FUZZY_WORD_RATIO = 0.75
FUZZY_MIN_CHARS = 10


@dataclass(frozen=True)
class Match:
    """What Alexa made of an utterance: an intent with its slots, or a launch."""

    intent: str
    slots: dict[str, dict]
    utterance: str
    launch: bool = False

    def resolved_slots(self) -> dict[str, tuple[str, str]]:
        """Each filled slot: what was heard, and the id it resolved to (else the status)."""
        out = {}
        for name, slot in self.slots.items():
            if not slot.get("value"):
                continue
            resolution = slot["resolutions"]["resolutionsPerAuthority"][0]
            values = resolution.get("values") or [{}]
            resolved = values[0].get("value", {}).get("id") or resolution["status"]["code"]
            out[name] = (slot["value"], resolved)
        return out


@dataclass(frozen=True)
class _Pattern:
    """One sample with slots, compiled: a regex whose groups s0, s1, ... are its slots."""

    intent: str
    regex: re.Pattern[str]
    slots: tuple[tuple[str, str], ...]
    carrier: int


def normalise(text: str) -> str:
    """Lowercase, no punctuation but apostrophes inside words, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w']+|_", " ", text)
    text = re.sub(r"(?<!\w)'+|'+(?!\w)", " ", text)
    return " ".join(text.split())


def canonical(text: str) -> str:
    """Normalised, with contractions spelled one way ("i am" and "im" both as "i'm")."""
    return _CONTRACTION.sub(lambda m: CONTRACTIONS[m.group(0)], normalise(text))


def _skeleton(text: str) -> str:
    """The text without articles, for matching that ignores "the" against "my"."""
    return " ".join(w for w in text.split() if w not in ARTICLES)


def _strip_fillers(text: str) -> str:
    """The text without polite openers and filler words at either end."""
    words = text.split()
    while True:
        if tuple(words[:2]) in POLITE_PREFIXES:
            words = words[2:]
        elif words and words[0] in FILLERS:
            words = words[1:]
        elif words and words[-1] in FILLERS:
            words = words[:-1]
        else:
            return " ".join(words)


def _negated(text: str) -> bool:
    """Whether the text contains a negation, which no fuzzy guess may ignore."""
    return any(word in NEGATIONS for word in text.split())


def _words_alike(heard: list[str], phrase: list[str]) -> bool:
    """Same number of words, each the same or a near spelling of the other."""
    if len(heard) != len(phrase):
        return False
    return all(
        a == b or _ratio(a, b) >= FUZZY_WORD_RATIO for a, b in zip(heard, phrase, strict=True)
    )


def _ratio(a: str, b: str) -> float:
    """How alike two spellings are, 0 to 1."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _usable(words: list[str]) -> bool:
    """Whether unknown words can fill a slot: a few words, not a pronoun, article or vague."""
    if not 0 < len(words) <= MAX_FREE_TEXT_WORDS or VAGUE_WORDS.intersection(words):
        return False
    return " ".join(words) not in NOT_SLOT_VALUES


def _sample_tokens(sample: str) -> list[str]:
    """A sample's words, with {slot} references kept whole."""
    out: list[str] = []
    for part in re.split(r"(\{\w+\})", sample):
        out += [part] if part.startswith("{") else canonical(part).split()
    return out


def _carrier(tokens: list[str]) -> int:
    """How many literal words, articles aside, a sample has."""
    return sum(1 for t in tokens if not t.startswith("{") and t not in ARTICLES)


class Nlu:
    """Turns utterances into intents and slots the way Alexa would for one interaction model."""

    def __init__(self, model: dict, skill_id_authority: str = AUTHORITY_PREFIX):
        lang = model["interactionModel"]["languageModel"]
        self.authority_prefix = skill_id_authority
        self.invocation = canonical(lang["invocationName"])
        self.values = {t["name"]: self._type_values(t) for t in lang.get("types", [])}
        self.exact: dict[str, str] = {}
        self.loose: dict[str, str] = {}
        """Phrases without their articles; "" where two intents share one."""
        self.intent_slots: dict[str, tuple[str, ...]] = {}
        self.collisions: list[tuple[str, str, str]] = []
        """(phrase, intent kept, intent shadowed) for phrases claimed by two intents."""
        self.patterns: list[_Pattern] = []
        self.free_patterns: list[_Pattern] = []
        self._compile_intents(lang["intents"])
        self._plain = sorted(self.exact)
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
        """Every name and synonym of a slot type, normalised, to (id, canonical name)."""
        out: dict[str, tuple[str, str]] = {}
        for value in slot_type.get("values", []):
            name = value["name"]
            ident = value.get("id") or name["value"]
            for heard in [name["value"], *name.get("synonyms", [])]:
                out.setdefault(canonical(heard), (ident, name["value"]))
        return out

    def _compile_intents(self, intents: list[dict]) -> None:
        """Index every sample, then the built-in phrasings of the declared built-ins."""
        declared = {i["name"] for i in intents}
        for intent in intents:
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self.intent_slots[intent["name"]] = tuple(types)
            for sample in intent.get("samples", []):
                self._add_sample(intent["name"], sample, types)
        for name, phrases in BUILTIN_PHRASES.items():
            for phrase in phrases if name in declared else ():
                self._add_exact(name, phrase)

    def _add_sample(self, intent: str, sample: str, types: dict[str, str]) -> None:
        """Index one sample: as an exact phrase, or as patterns when it has slots."""
        tokens = _sample_tokens(sample)
        slots = tuple((t[1:-1], types.get(t[1:-1], "")) for t in tokens if t.startswith("{"))
        if not slots:
            self._add_exact(intent, " ".join(tokens))
            return
        carrier = _carrier(tokens)
        if all(self.values.get(kind) for _, kind in slots):
            regex = self._regex(tokens, types, self._value_group)
            self.patterns.append(_Pattern(intent, regex, slots, carrier))
        literal = {t for t in tokens if not t.startswith("{")}
        if carrier >= MIN_FREE_TEXT_CARRIER or literal & FREE_TEXT_VERBS:
            regex = self._regex(tokens, types, lambda _: r"[\w']+(?: [\w']+)*")
            self.free_patterns.append(_Pattern(intent, regex, slots, carrier))

    def _add_exact(self, intent: str, phrase: str) -> None:
        """Index a phrase; the first intent to claim it keeps it."""
        phrase = canonical(phrase)
        kept = self.exact.setdefault(phrase, intent)
        if kept != intent:
            self.collisions.append((phrase, kept, intent))
        loose = self.loose.setdefault(_skeleton(phrase), intent)
        if loose != intent:
            self.loose[_skeleton(phrase)] = ""

    def _value_group(self, kind: str) -> str:
        """A regex alternation of a slot type's names and synonyms, longest first."""
        names = sorted(self.values[kind], key=lambda n: (-len(n), n))
        return "|".join(map(re.escape, names))

    @staticmethod
    def _regex(
        tokens: list[str], types: dict[str, str], group: Callable[[str], str]
    ) -> re.Pattern[str]:
        """A sample's regex, slots as groups s0, s1, ...; each slot may follow an article."""
        parts, index = [], 0
        articles = "|".join(ARTICLES)
        for token in tokens:
            if not token.startswith("{"):
                parts.append(re.escape(token))
                continue
            kind = types.get(token[1:-1], "")
            parts.append(rf"(?:(?:{articles}) )?(?P<s{index}>{group(kind)})")
            index += 1
        return re.compile(" ".join(parts))

    # --- understanding ----------------------------------------------------------------------

    def understand(self, utterance: str) -> Match:
        """The intent and slots Alexa would send for an utterance, or a launch."""
        text = canonical(utterance)
        invoked, candidates = self._split_invocation(text)
        if invoked and not _strip_fillers(candidates[0]):
            return Match(intent="", slots={}, utterance=text, launch=True)
        tiers = (self._strict, self._strict_core, self._fuzzy, self._free)
        for tier in tiers:
            for candidate in candidates:
                found = tier(candidate) if candidate else None
                if found:
                    return found
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

    def _strict(self, text: str) -> Match | None:
        """An exact sample or phrasing, else a sample with known slot values."""
        if text in self.exact:
            return self._result(self.exact[text], {}, text)
        return self._best(self.patterns, text)

    def _strict_core(self, text: str) -> Match | None:
        """Strict matching once polite openers and fillers are dropped."""
        core = _strip_fillers(text)
        return self._strict(core) if core and core != text else None

    def _fuzzy(self, text: str) -> Match | None:
        """A sample with one word more, or one spelled nearly the same; never past a 'not'."""
        text = _strip_fillers(text)
        if not text or _negated(text):
            return None
        if self.loose.get(_skeleton(text)):
            return self._result(self.loose[_skeleton(text)], {}, text)
        words = text.split()
        for i in range(len(words)):
            rest = words[:i] + words[i + 1 :]
            found = self._strict(" ".join(rest)) if len(rest) >= 2 else None
            if found:
                return found
        return self._near(text)

    def _near(self, text: str) -> Match | None:
        """The plain phrase spelled most like the text, word for word, if very like it."""
        if len(text) < FUZZY_MIN_CHARS:
            return None
        words = text.split()
        scored = [(_ratio(text, p), p) for p in self._plain if _words_alike(words, p.split())]
        ratio, best = max(scored, default=(0.0, ""))
        return self._result(self.exact[best], {}, text) if ratio >= FUZZY_RATIO else None

    def _free(self, text: str) -> Match | None:
        """A specific sample whose slot took words that are not a known value."""
        text = _strip_fillers(text)
        return self._best(self.free_patterns, text) if text and not _negated(text) else None

    def _best(self, patterns: Iterable[_Pattern], text: str) -> Match | None:
        """The matching pattern with the most literal words (the first on a tie)."""
        best: tuple[_Pattern, dict[str, dict]] | None = None
        for pattern in patterns:
            found = pattern.regex.fullmatch(text)
            slots = self._fill(pattern, found) if found else None
            if slots is not None and (best is None or pattern.carrier > best[0].carrier):
                best = (pattern, slots)
        return self._result(best[0].intent, best[1], text) if best else None

    def _result(self, intent: str, slots: dict[str, dict], text: str) -> Match:
        """A match carrying every slot the intent declares; unfilled ones as Alexa sends them."""
        empty = {n: {"name": n, "confirmationStatus": "NONE"} for n in self.intent_slots[intent]}
        return Match(intent=intent, slots={**empty, **slots}, utterance=text)

    def _fill(self, pattern: _Pattern, found: re.Match[str]) -> dict[str, dict] | None:
        """The slot objects for a regex match, or None if a slot heard no usable words."""
        slots = {}
        for index, (name, kind) in enumerate(pattern.slots):
            heard = found.group(f"s{index}")
            match = self.values.get(kind, {}).get(heard)
            if match is None and not _usable(heard.split()):
                return None
            slots[name] = envelopes.slot(name, heard, authority=self._authority(kind), match=match)
        return slots

    def _authority(self, kind: str) -> str:
        """The entity-resolution authority for a slot type."""
        prefix = self.authority_prefix
        return prefix if prefix.endswith(f".{kind}") else f"{prefix}.{kind}"
