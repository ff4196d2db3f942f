"""The interaction model as written: sentence templates per intent, to the JSON Alexa takes.

`interaction_models/<locale>/*.yaml` hold the model by families of meaning: each file has
`intents` (name: `slots` and `sentences`, templates in hassil's syntax, sentences.py; and
`wrapped`, sentences that also take words said before and after them, WRAPPERS),
optional `rules` (shared `<name>` expansions) and `types` (custom slot types: values with
an id and synonyms; `<TYPE>` in a template says each of its values as words). `build`
expands them into `interaction_models/<locale>.json`, the file the ASK CLI deploys and the
simulator reads; a test keeps the two the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from backcoach.skill.devtools.coverage import answered_by
from backcoach.skill.devtools.nlu import (
    BUILTIN_PHRASES,
    MAX_FREE_TEXT_WORDS,
    PHRASE,
    Match,
    Nlu,
    canonical_sample,
    unlisted_value,
)
from backcoach.skill.devtools.sentences import TemplateError, expand
from backcoach.skill.domain.alexa_limits import (
    MAX_INTENTS,
    MAX_MODEL_BYTES,
    MAX_SAMPLE_CHARS,
    MAX_SLOT_VALUE_CHARS,
    MAX_SLOT_VALUES,
)
from backcoach.skill.domain.builtins import BUILTIN, COMPANION, companion

SAMPLE_CHARS = re.compile(r"^[a-z' .]*(?:\{\w+\}[a-z' .]*)*$")
"""What a sample may hold: lowercase letters, apostrophes, periods (in abbreviations) and
spaces, and {slot} references (Alexa refuses digits and other symbols in samples)."""
SLOT_REF = re.compile(r"\{(\w+)\}")
WRAPPERS = {"before": "WORDS_BEFORE", "after": "WORDS_AFTER"}
"""The slots a `wrapped` sentence takes: "[{before}] <sentence> [{after}]" ("alright dear, I'm
ready", "hang on a sec mate"). Custom slots take unlisted words too, so the wrapping people
put around a command costs one slot value each instead of a sample per combination."""


class ModelSourceError(ValueError):
    """The sources cannot make a valid model; the message names the file and the problem."""


@dataclass(frozen=True)
class Conflict:
    """One sample two intents both claim (Alexa cannot tell them apart)."""

    sample: str
    intents: tuple[str, str]


class _UniqueKeys(yaml.SafeLoader):
    """YAML that refuses a key written twice in one mapping (YAML keeps the last one: a
    second `wrapped:` under an intent would silently drop the first's sentences)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"{key!r} is written twice", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load(path: Traversable) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ModelSourceError(
            f"{path.name}: cannot be read: {' '.join(str(exc).split())}"
        ) from exc
    if not isinstance(data, dict) or set(data) - {"invocation", "intents", "rules", "types"}:
        raise ModelSourceError(f"{path.name}: keys must be invocation, intents, rules, types")
    return data


def sources(folder: Traversable | Path) -> list[Traversable]:
    """The source files of one locale, in order (their order is the model's)."""
    try:
        files = sorted(
            (f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name
        )
    except OSError as exc:
        raise ModelSourceError(f"{folder}: cannot be read: {exc.strerror or exc}") from exc
    if not files:
        raise ModelSourceError(f"{folder}: no *.yaml sentence files")
    return files


def build(folder: Traversable | Path) -> dict[str, Any]:
    """The interaction model JSON for one locale's sentence files."""
    invocation, rules, intents, types = "", {}, {}, {}
    for path in sources(folder):
        data = _load(path)
        invocation = data.get("invocation", invocation)
        for name, template in (data.get("rules") or {}).items():
            if name in rules:
                raise ModelSourceError(f"{path.name}: rule <{name}> defined twice")
            rules[name] = str(template)
        for name, values in (data.get("types") or {}).items():
            types[name] = _slot_type(path.name, name, values)
        for name, spec in (data.get("intents") or {}).items():
            if name in intents:
                raise ModelSourceError(f"{path.name}: intent {name} defined twice")
            intents[name] = (path.name, spec or {})
    if not invocation:
        raise ModelSourceError(f"{folder}: no invocation name in any sentence file")
    for name, kind in types.items():
        # <TYPE> says every value of a custom type as words: a sample that is a slot alone
        # would take anything Alexa hears (test_interaction_model, no bare slot).
        said = [w for v in kind["values"] for w in (v["name"]["value"], *v["name"]["synonyms"])]
        rules.setdefault(name, "(" + "|".join(dict.fromkeys(said)) + ")")
    built = [
        intent
        for name, (file, spec) in intents.items()
        for intent in _intents(file, name, spec, rules, types)
    ]
    conflicts = find_conflicts(built)
    if conflicts:
        said = [f"{c.sample!r} is in both {c.intents[0]} and {c.intents[1]}" for c in conflicts]
        raise ModelSourceError(f"{len(said)} samples in two intents: " + "; ".join(said[:5]))
    language = {"invocationName": invocation, "intents": built, "types": list(types.values())}
    model = {"interactionModel": {"languageModel": language}}
    model = _without_repeats(model)
    _check_limits(model)
    return model


def _without_repeats(model: dict[str, Any]) -> dict[str, Any]:
    """The model without the samples of plain words another sample of their intent says with
    a few unlisted words around it ("can you make it harder" is "{before} make it harder",
    "can you" an unlisted value: a custom slot takes one, nlu._usable), where that changes
    nothing the skill does with those words (intent, slots and their meaning, checked by
    understanding each such sample with and without it: dropping a sample changes only what
    its own words are heard as). The model has 1.5 MB: a sentence said twice is room that a
    wording people use lacks."""
    language = model["interactionModel"]["languageModel"]
    dropped = {
        (intent["name"], sample)
        for intent in language["intents"]
        if not intent["name"].startswith(BUILTIN)
        for sample in _said_around(intent["samples"], _slot_types(intent))
    }
    reduced = _leaving(model, dropped)
    whole, lean = Nlu(model), Nlu(reduced)
    changed = {
        (name, sample)
        for name, sample in dropped
        if _answer(whole.understand(sample)) != _answer(lean.understand(sample))
    }
    return _leaving(model, dropped - changed) if changed else reduced


def _leaving(model: dict[str, Any], dropped: set[tuple[str, str]]) -> dict[str, Any]:
    """The model without these (intent, sample) pairs."""
    language = model["interactionModel"]["languageModel"]
    intents = [
        {**i, "samples": [s for s in i["samples"] if (i["name"], s) not in dropped]}
        for i in language["intents"]
    ]
    return {"interactionModel": {"languageModel": {**language, "intents": intents}}}


def _answer(match: Match) -> tuple[str, tuple[tuple[str, tuple[str, str]], ...]]:
    """What the skill does with a match: the intent that answers it and the slots it reads
    (the words around a command are read for a complaint by answered_by)."""
    slots = {n: v for n, v in match.resolved_slots().items() if n not in WRAPPERS}
    return answered_by(match), tuple(sorted(slots.items()))


def _slot_types(intent: dict[str, Any]) -> dict[str, str]:
    """An intent's slots: name to type."""
    return {slot["name"]: slot["type"] for slot in intent.get("slots", [])}


def _said_around(samples: list[str], slots: dict[str, str]) -> set[str]:
    """The samples of plain words (no slot) that another sample says with a few unlisted
    words in its {before} or {after} slot: candidates for _without_repeats."""
    if not all(slots.get(slot) == kind for slot, kind in WRAPPERS.items()):
        return set()
    kept = set(samples)

    def around(words: list[str]) -> bool:
        """Whether a wrapper slot takes these words as one value it would not try last."""
        return len(words) <= MAX_FREE_TEXT_WORDS and unlisted_value(words, WRAPPERS["before"])

    return {s for s in samples if "{" not in s and _said_with(s.split(), kept, around, around)}


def _check_limits(model: dict[str, Any]) -> None:
    """Alexa's documented limits on a whole model (alexa_limits.py)."""
    language = model["interactionModel"]["languageModel"]
    if len(language["intents"]) > MAX_INTENTS:
        raise ModelSourceError(f"{len(language['intents'])} intents: Alexa takes {MAX_INTENTS}")
    names = [
        text
        for kind in language["types"]
        for value in kind["values"]
        for text in (value["name"]["value"], *value["name"]["synonyms"])
    ]
    if len(names) > MAX_SLOT_VALUES:
        raise ModelSourceError(f"{len(names)} slot values and synonyms: at most {MAX_SLOT_VALUES}")
    for text in names:
        if len(text) > MAX_SLOT_VALUE_CHARS:
            raise ModelSourceError(f"slot value {text!r}: over {MAX_SLOT_VALUE_CHARS} chars")
    size = len(_text(model).encode("utf-8"))
    if size > MAX_MODEL_BYTES:
        biggest = sorted(language["intents"], key=lambda i: -len(_text(i)))[:3]
        heavy = ", ".join(f"{i['name']} {len(_text(i)) // 1000} kB" for i in biggest)
        raise ModelSourceError(f"{size} bytes: Alexa takes {MAX_MODEL_BYTES} (largest: {heavy})")


def _text(model: Any) -> str:
    """The JSON as written (compact, so that Alexa's size limit goes on words, not spaces)."""
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


def _intents(
    file: str, name: str, spec: dict, rules: dict[str, str], types: dict[str, dict]
) -> list[dict[str, Any]]:
    """The intents of the JSON one written intent makes: itself, and for a built-in with
    `wrapped` sentences their companion (builtins.py). A built-in takes no custom slots and
    needs an exactly matching sample: it keeps each wrapped sentence as said, and the
    companion takes it with words before, after or both (never bare: two intents would claim
    it). A built-in's `leads`, single words that begin a sentence and mean one thing ("pause,
    my manager is calling"), the companion takes with words after them only."""
    if name.endswith(COMPANION):
        raise ModelSourceError(f"{file}: {name}: a name ending {COMPANION} is a built-in's")
    wrapped = [str(t) for t in spec.get("wrapped") or []]
    leads = [str(t) for t in spec.get("leads") or []]
    if not (name.startswith(BUILTIN) and wrapped):
        if leads:
            raise ModelSourceError(f"{file}: {name}: leads are a wrapped built-in's")
        return [_intent(file, name, spec, rules, types)]
    own = {**spec, "sentences": [*(spec.get("sentences") or []), *wrapped], "wrapped": []}
    try:
        said = dict.fromkeys(s for t in wrapped for s in expand(t, rules) if len(s.split()) > 1)
    except TemplateError as exc:
        raise ModelSourceError(f"{file}: {name}: {exc}") from exc
    # One word with any words either side would be nearly any sentence ("... what ...",
    # "my ... back"): a one-word command keeps the built-in's listed words around it only.
    around = [f"{{before}} {s} [{{after}}]" for s in said]
    around += [f"{s} {{after}}" for s in [*said, *leads]]
    carrier = {"slots": WRAPPERS, "sentences": around}
    return [
        _intent(file, name, own, rules, types),
        _intent(file, companion(name), carrier, rules, types),
    ]


def _intent(
    file: str, name: str, spec: dict, rules: dict[str, str], types: dict[str, dict]
) -> dict[str, Any]:
    """One intent of the JSON: its slots and every sample its sentences stand for."""
    slots = dict(spec.get("slots") or {})
    templates = [str(t) for t in spec.get("sentences") or []]
    if spec.get("wrapped"):
        # {before} first: the slots' words, in the order declared, read as said ("{before}
        # {body_part} {feeling}": "i had a new" "hip" "done in", Slots.said).
        slots = {"before": WRAPPERS["before"], **slots, "after": WRAPPERS["after"]}
        templates += [f"[{{before}}] ({t}) [{{after}}]" for t in spec["wrapped"]]
    for slot, kind in slots.items():
        if not (kind.startswith("AMAZON.") or kind in types):
            raise ModelSourceError(f"{file}: {name}.{slot}: no slot type {kind}")
    phrases = {slot for slot, kind in slots.items() if kind == PHRASE}
    if len(phrases) > 1:
        raise ModelSourceError(f"{file}: {name}: one {PHRASE} slot an intent, not {len(phrases)}")
    samples: list[str] = []
    for template in templates:
        try:
            expanded = expand(template, rules)
        except TemplateError as exc:
            raise ModelSourceError(f"{file}: {name}: {exc}") from exc
        for sample in expanded:
            _check_sample(file, name, sample, slots)
            _check_phrase(file, name, sample, phrases)
        samples += expanded
    # Alexa grants a built-in its own documented phrasings ("next", "never mind"): not repeated.
    granted = set(BUILTIN_PHRASES.get(name, ()))
    samples = [s for s in dict.fromkeys(samples) if s not in granted]
    if not name.startswith("AMAZON."):
        # A custom intent is matched statistically, so one spelling of a contraction is
        # enough ("i am ready" hears "i'm ready"); a built-in needs an exact match, so it
        # keeps both.
        samples = list({canonical_sample(s): s for s in reversed(samples)}.values())[::-1]
        samples = _unwrapped(samples, slots, types)
    out: dict[str, Any] = {"name": name}
    if slots or not name.startswith("AMAZON."):  # built-ins without slots are written bare
        out["slots"] = [{"name": slot, "type": kind} for slot, kind in slots.items()]
    return {**out, "samples": samples}


def _unwrapped(samples: list[str], slots: dict[str, str], types: dict[str, dict]) -> list[str]:
    """The samples without those another sample of the intent already says with a listed
    word around it in its {before} or {after} slot ("okay start {routine}" is "{before} start
    {routine}" with "okay"): Alexa resolves the slot to that word, and the model has 1.5 MB."""
    listed = {
        slot: {
            said.lower()
            for value in types[kind]["values"]
            for said in (value["name"]["value"], *value["name"]["synonyms"])
        }
        for slot, kind in WRAPPERS.items()
        if slots.get(slot) == kind
    }
    if not listed:
        return samples
    before, after = listed.get("before", set()), listed.get("after", set())
    kept = set(samples)

    def said_by_another(sample: str) -> bool:
        return _said_with(
            sample.split(), kept, lambda w: " ".join(w) in before, lambda w: " ".join(w) in after
        )

    return [s for s in samples if not said_by_another(s)]


def _said_with(
    words: list[str],
    kept: set[str],
    takes_before: Callable[[list[str]], bool],
    takes_after: Callable[[list[str]], bool],
) -> bool:
    """Whether a kept sample says these words as some of them with the rest in its {before}
    or {after} slot, each slot taking its words."""
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            head, middle, tail = words[:i], words[i:j], words[j:]
            if (
                (head or tail)
                and (not head or takes_before(head))
                and (not tail or takes_after(tail))
            ):
                wrapped = ["{before}"] * bool(head) + middle + ["{after}"] * bool(tail)
                if " ".join(wrapped) in kept:
                    return True
    return False


LAUNCH_WORDS = frozenset({"ask", "tell", "open", "launch"})
"""Words that begin a request to a skill by name: no sample may begin with one."""


def _check_sample(file: str, intent: str, sample: str, slots: dict[str, str]) -> None:
    if not SAMPLE_CHARS.match(sample) or re.search(r"(^| )'", sample):
        raise ModelSourceError(f"{file}: {intent}: {sample!r}: only lowercase letters, ' and .")
    for slot in SLOT_REF.findall(sample):
        if slot not in slots:
            raise ModelSourceError(f"{file}: {intent}: {sample!r}: no slot {{{slot}}} declared")
    if len(sample) > MAX_SAMPLE_CHARS:
        raise ModelSourceError(f"{file}: {intent}: {sample!r}: over {MAX_SAMPLE_CHARS} chars")
    if sample.split()[0] in LAUNCH_WORDS:
        # "tell me my progress" would read as "tell <skill> ...": Alexa's build warns.
        raise ModelSourceError(f"{file}: {intent}: {sample!r}: begins with a launch word")


def _check_phrase(file: str, intent: str, sample: str, phrases: set[str]) -> None:
    """A phrase slot needs a carrier phrase of the sample's own words (Alexa refuses a sample
    of slots only: MissingCarrierPhraseWithPhraseSlot), and here no other slot beside it (the
    simulator, like Alexa's own advice, would have nothing to tell them apart by)."""
    used = SLOT_REF.findall(sample)
    if not phrases.intersection(used):
        return
    if len(used) > 1 or not SLOT_REF.sub("", sample).strip():
        raise ModelSourceError(
            f"{file}: {intent}: {sample!r}: a {PHRASE} slot needs words of its own, no other slot"
        )


def _slot_type(file: str, name: str, spec: Iterable[dict] | dict) -> dict[str, Any]:
    """A custom slot type: each value's id, name and synonyms.

    Written either as a list of values or as `{forms: template, values: [...]}`, where every
    name and synonym is also said in each of the forms ("[my|the|me] <value>": "my lower back",
    "me back"), so that the sentences need not repeat the words around a value."""
    forms = None
    if isinstance(spec, dict):
        if set(spec) != {"forms", "values"}:
            raise ModelSourceError(f"{file}: {name}: a type is a list, or has forms and values")
        forms, spec = str(spec["forms"]), spec["values"]
    out = []
    for value in spec:
        if not isinstance(value, dict) or "id" not in value or "value" not in value:
            raise ModelSourceError(f"{file}: {name}: each value needs an id and a value")
        synonyms = value.get("synonyms") or []
        if not all(isinstance(s, str) for s in synonyms):
            # YAML reads a bare off, no or yes as a boolean: quote it.
            raise ModelSourceError(f"{file}: {name}: {value['id']}: every synonym is text")
        if forms:
            said = [str(value["value"]), *synonyms]
            try:
                heard = [f for word in said for f in expand(forms, {"value": word})]
            except TemplateError as exc:
                raise ModelSourceError(f"{file}: {name}: forms: {exc}") from exc
            synonyms = [f for f in dict.fromkeys(heard) if f != str(value["value"])]
        out.append(
            {"id": str(value["id"]), "name": {"value": str(value["value"]), "synonyms": synonyms}}
        )
    return {"name": name, "values": out}


def slot_shape(sample: str, slots: dict[str, str]) -> str:
    """A sample with each slot reference replaced by its type: two intents with the same
    shape claim the same sentences."""
    return SLOT_REF.sub(lambda m: "{" + slots.get(m.group(1), m.group(1)) + "}", sample)


def find_conflicts(intents: list[dict[str, Any]]) -> list[Conflict]:
    """Samples (slots compared by type) that more than one intent claims."""
    owner: dict[str, str] = {}
    conflicts = []
    for intent in intents:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            shape = slot_shape(sample, slots)
            first = owner.setdefault(shape, intent["name"])
            if first != intent["name"]:
                conflicts.append(Conflict(sample, (first, intent["name"])))
    return conflicts


def write(model: dict[str, Any], path: Path) -> bool:
    """Write the model JSON as the repository keeps it; whether the file changed.

    Compact: Alexa limits the model's size (alexa_limits.MAX_MODEL_BYTES) and indentation
    would spend a third of it on spaces; the readable form is the YAML it is built from."""
    text = _text(model)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
