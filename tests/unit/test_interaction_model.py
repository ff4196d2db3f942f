"""Offline checks of the Alexa interaction model in interaction_models/en-US.json.

The file must be accepted as-is by the Alexa developer console / ASK CLI, so these tests
check the console's shape and the rules its build enforces (or that we impose to keep
intent matching unambiguous).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from backcoach.skill.alexa.base import EXERCISE_SLOT
from backcoach.skill.alexa.intents import OPERATIONS, by_exercise
from backcoach.skill.alexa.skill_builder import handled_intents
from backcoach.skill.devtools.nlu import BUILTIN_PHRASES as NLU_BUILTIN_PHRASES
from backcoach.skill.domain.alexa_limits import MAX_SAMPLE_CHARS
from backcoach.skill.domain.builtins import as_builtin
from backcoach.skill.domain.routine import load_routine

MODEL_PATH = Path(__file__).resolve().parents[2] / "interaction_models" / "en-US.json"
"""The ASK-facing copy at the top of the repository (the package ships the same file)."""

# What the model must declare comes from the code: the intents the handlers answer by name,
# the exercises of the routine. Only Alexa's own rules are written out here.
HANDLED = sorted(handled_intents())
CUSTOM_INTENTS = [name for name in HANDLED if not name.startswith("AMAZON.")]
BUILTIN_INTENTS = [name for name in HANDLED if name.startswith("AMAZON.")]
ALEXA_REQUIRED = [
    # Every custom skill (the console refuses to build without them; fallback recommended).
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    # Skills that use the AudioPlayer interface (the hands-free tracks).
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.LoopOnIntent",
    "AMAZON.LoopOffIntent",
    "AMAZON.ShuffleOnIntent",
    "AMAZON.ShuffleOffIntent",
]
"""Built-in intents Alexa itself requires, whatever the handlers do."""
EXERCISE_SLOT_INTENTS = sorted(
    name for name, operation in OPERATIONS.items() if isinstance(operation, by_exercise)
)
"""Intents whose operation uses the exercise the request names (`intents.by_exercise`)."""
ROUTINE = load_routine()
EXERCISE_IDS = {exercise.id: exercise.name for exercise in ROUTINE.exercises}
"""Every exercise of the routine, by id, with the name the coach speaks."""
# Phrases Alexa's built-in intents own (as the simulator's NLU knows them): a custom intent
# must not claim them.
BUILTIN_PHRASES = {phrase for phrases in NLU_BUILTIN_PHRASES.values() for phrase in phrases}
WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
MIN_CUSTOM_SAMPLES = 10

SLOT_REF = re.compile(r"\{([^{}]*)\}")
# Lowercase words, apostrophes, periods in abbreviations, single spaces, {slot} refs.
SAMPLE_CHARS = re.compile(r"^[a-z'. ]*(\{[A-Za-z_]+\}[a-z'. ]*)*$")


def _load() -> dict:
    raw = MODEL_PATH.read_bytes()
    return json.loads(raw.decode("utf-8"))


MODEL = _load()
LANGUAGE_MODEL = MODEL["interactionModel"]["languageModel"]
INTENTS = LANGUAGE_MODEL["intents"]
INTENTS_BY_NAME = {intent["name"]: intent for intent in INTENTS}
TYPES_BY_NAME = {slot_type["name"]: slot_type for slot_type in LANGUAGE_MODEL.get("types", [])}
ALL_INTENT_NAMES = [intent["name"] for intent in INTENTS]


def normalise(sample: str) -> str:
    return " ".join(sample.lower().split())


def all_samples() -> list[tuple[str, str]]:
    return [(intent["name"], sample) for intent in INTENTS for sample in intent["samples"]]


# --- file and top-level shape -------------------------------------------------------------


def test_file_is_compact_utf8_json_with_a_trailing_newline():
    """Compact, as `backcoach model build` writes it (indentation would cost a third of
    Alexa's size limit)."""
    text = MODEL_PATH.read_text(encoding="utf-8")
    assert text == json.dumps(MODEL, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_top_level_shape():
    assert set(MODEL) == {"interactionModel"}
    assert isinstance(MODEL["interactionModel"], dict)
    assert "languageModel" in MODEL["interactionModel"]
    assert isinstance(LANGUAGE_MODEL, dict)
    assert set(LANGUAGE_MODEL) <= {"invocationName", "intents", "types"}
    assert isinstance(LANGUAGE_MODEL["invocationName"], str)
    assert isinstance(LANGUAGE_MODEL["intents"], list)
    assert isinstance(LANGUAGE_MODEL["types"], list)


def test_invocation_name():
    name = LANGUAGE_MODEL["invocationName"]
    assert name == "back coach"
    assert name == name.lower()
    assert re.fullmatch(r"[a-z]+( [a-z]+)+", name), "lowercase letters, two or more words"
    assert not set(name.split()) & WAKE_WORDS


# --- intents ------------------------------------------------------------------------------


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_intent_shape(intent):
    assert set(intent) <= {"name", "slots", "samples"}
    assert isinstance(intent["name"], str) and intent["name"]
    assert isinstance(intent["samples"], list)
    assert all(isinstance(sample, str) for sample in intent["samples"])
    slots = intent.get("slots", [])
    assert isinstance(slots, list)
    for slot in slots:
        assert isinstance(slot, dict)
        assert set(slot) >= {"name", "type"}
        assert isinstance(slot["name"], str) and re.fullmatch(r"[A-Za-z_]+", slot["name"])
        assert isinstance(slot["type"], str) and slot["type"]


def test_intent_names_unique():
    duplicates = [name for name, count in Counter(ALL_INTENT_NAMES).items() if count > 1]
    assert not duplicates


def test_the_handlers_and_alexa_give_intents_to_declare():
    assert len(CUSTOM_INTENTS) >= 10 and "AMAZON.FallbackIntent" in BUILTIN_INTENTS
    assert EXERCISE_SLOT_INTENTS and set(EXERCISE_SLOT_INTENTS) <= set(CUSTOM_INTENTS)


@pytest.mark.parametrize("name", sorted({*HANDLED, *ALEXA_REQUIRED}))
def test_required_intent_present(name):
    assert name in INTENTS_BY_NAME


def test_every_declared_intent_is_handled_by_name():
    """An intent the model declares but no handler answers would only ever hear the fallback
    (a built-in's companion is answered as the built-in)."""
    unhandled = sorted({as_builtin(name) for name in ALL_INTENT_NAMES} - set(HANDLED))
    assert not unhandled


@pytest.mark.parametrize("name", CUSTOM_INTENTS)
def test_custom_intent_has_generous_samples(name):
    samples = INTENTS_BY_NAME[name]["samples"]
    assert len(samples) >= MIN_CUSTOM_SAMPLES


def test_custom_intent_names_are_not_in_amazon_namespace():
    known_builtins = {*BUILTIN_INTENTS, *ALEXA_REQUIRED}
    for name in ALL_INTENT_NAMES:
        if name not in known_builtins:
            assert not name.startswith("AMAZON."), name


def test_fallback_intent_has_no_samples():
    assert INTENTS_BY_NAME["AMAZON.FallbackIntent"]["samples"] == []


@pytest.mark.parametrize("name", EXERCISE_SLOT_INTENTS)
def test_exercise_slot_declared(name):
    slots = {slot["name"]: slot["type"] for slot in INTENTS_BY_NAME[name].get("slots", [])}
    assert slots.get(EXERCISE_SLOT) == "EXERCISE"


def test_only_the_exercise_intents_have_an_exercise_slot():
    with_slot = [
        intent["name"]
        for intent in INTENTS
        if any(slot["type"] == "EXERCISE" for slot in intent.get("slots", []))
    ]
    assert sorted(with_slot) == EXERCISE_SLOT_INTENTS


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_slot_types_defined(intent):
    for slot in intent.get("slots", []):
        slot_type = slot["type"]
        assert slot_type.startswith("AMAZON.") or slot_type in TYPES_BY_NAME, slot_type


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_slot_names_unique_within_intent(intent):
    names = [slot["name"] for slot in intent.get("slots", [])]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_sample_slot_references_declared_and_used(intent):
    declared = {slot["name"] for slot in intent.get("slots", [])}
    used = set()
    for sample in intent["samples"]:
        refs = SLOT_REF.findall(sample)
        assert sample.count("{") == sample.count("}") == len(refs), sample
        for ref in refs:
            assert ref in declared, f"{sample!r} uses undeclared slot {ref!r}"
        assert len(refs) == len(set(refs)), f"{sample!r} repeats a slot"
        used.update(refs)
    assert declared <= used, f"declared but unused: {declared - used}"


# --- samples ------------------------------------------------------------------------------


def test_no_sample_in_two_intents():
    owners: dict[str, set[str]] = {}
    for intent_name, sample in all_samples():
        owners.setdefault(normalise(sample), set()).add(intent_name)
    shared = {sample: names for sample, names in owners.items() if len(names) > 1}
    assert not shared


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_no_duplicate_sample_within_intent(intent):
    normalised = [normalise(sample) for sample in intent["samples"]]
    duplicates = [sample for sample, count in Counter(normalised).items() if count > 1]
    assert not duplicates


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_sample_text_rules(intent):
    for sample in intent["samples"]:
        assert sample, "empty sample"
        assert len(sample) <= MAX_SAMPLE_CHARS, sample
        assert not re.search(r"\d", sample), f"digit in {sample!r}"
        assert sample == sample.strip() and "  " not in sample, f"spacing in {sample!r}"
        assert SAMPLE_CHARS.fullmatch(sample), f"bad characters or case in {sample!r}"


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_samples_do_not_start_with_invocation_or_launch_words(intent):
    invocation = LANGUAGE_MODEL["invocationName"]
    for sample in intent["samples"]:
        words = normalise(sample)
        assert not words.startswith(invocation), sample
        first = words.split()[0]
        assert first not in {"ask", "tell", "open", "launch"}, sample


@pytest.mark.parametrize("name", CUSTOM_INTENTS)
def test_custom_samples_avoid_builtin_phrases(name):
    claimed = {normalise(sample) for sample in INTENTS_BY_NAME[name]["samples"]}
    assert not claimed & BUILTIN_PHRASES


# --- slot types ---------------------------------------------------------------------------


@pytest.mark.parametrize("slot_type", LANGUAGE_MODEL["types"], ids=list(TYPES_BY_NAME))
def test_slot_type_shape(slot_type):
    assert set(slot_type) <= {"name", "values"}
    assert isinstance(slot_type["name"], str) and not slot_type["name"].startswith("AMAZON.")
    assert isinstance(slot_type["values"], list) and slot_type["values"]
    for value in slot_type["values"]:
        assert set(value) <= {"id", "name"}
        assert isinstance(value["id"], str) and value["id"]
        name = value["name"]
        assert isinstance(name, dict)
        assert set(name) <= {"value", "synonyms"}
        assert isinstance(name["value"], str) and name["value"]
        assert isinstance(name.get("synonyms", []), list)
        for text in [name["value"], *name.get("synonyms", [])]:
            assert isinstance(text, str) and text == normalise(text), text
            assert re.fullmatch(r"[a-z'. ]+", text), text


@pytest.mark.parametrize("slot_type", LANGUAGE_MODEL["types"], ids=list(TYPES_BY_NAME))
def test_slot_type_ids_unique(slot_type):
    ids = [value["id"] for value in slot_type["values"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("slot_type", LANGUAGE_MODEL["types"], ids=list(TYPES_BY_NAME))
def test_slot_type_names_and_synonyms_not_shared(slot_type):
    owners: dict[str, set[str]] = {}
    for value in slot_type["values"]:
        name = value["name"]
        for text in [name["value"], *name.get("synonyms", [])]:
            owners.setdefault(normalise(text), set()).add(value["id"])
    shared = {text: ids for text, ids in owners.items() if len(ids) > 1}
    assert not shared
    for value in slot_type["values"]:
        synonyms = [normalise(text) for text in value["name"].get("synonyms", [])]
        assert len(synonyms) == len(set(synonyms)), value["id"]


def test_exercise_type_defined():
    assert "EXERCISE" in TYPES_BY_NAME


@pytest.mark.parametrize(("exercise_id", "canonical"), sorted(EXERCISE_IDS.items()))
def test_exercise_value_present(exercise_id, canonical):
    values = {value["id"]: value for value in TYPES_BY_NAME["EXERCISE"]["values"]}
    assert exercise_id in values
    assert values[exercise_id]["name"]["value"] == canonical
    assert values[exercise_id]["name"].get("synonyms"), "people use other names too"


def test_exercise_type_has_exactly_the_routines_exercises():
    ids = [value["id"] for value in TYPES_BY_NAME["EXERCISE"]["values"]]
    assert sorted(ids) == sorted(EXERCISE_IDS)


@pytest.mark.parametrize(
    ("spoken", "exercise_id"),
    [
        ("bridge", "pelvic_extension"),
        ("glute bridge", "pelvic_extension"),
        ("hip raise", "pelvic_extension"),
        ("forearm plank", "plank"),
        ("planks", "plank"),
        ("donkey kick", "butt_lifter"),
        ("glute kickback", "butt_lifter"),
        ("lunge", "lifting_lunge"),
        ("knee hug lunge", "lifting_lunge"),
        ("steam roller", "steamroller"),
        ("standing crunch", "steamroller"),
        ("knee to elbow", "steamroller"),
    ],
)
def test_common_exercise_names_resolve(spoken, exercise_id):
    assert exercise_id in EXERCISE_IDS, f"{exercise_id} is not an exercise of the routine"
    for value in TYPES_BY_NAME["EXERCISE"]["values"]:
        names = [value["name"]["value"], *value["name"].get("synonyms", [])]
        if spoken in names:
            assert value["id"] == exercise_id
            return
    pytest.fail(f"{spoken!r} is not a name or synonym of any exercise")


CATCH_ALL_WORDS = {"the", "a", "an", "my", "some"}


@pytest.mark.parametrize("intent", INTENTS, ids=ALL_INTENT_NAMES)
def test_no_sample_is_a_bare_slot(intent):
    """A sample that is only a custom slot ("{exercise}", "the {exercise}") takes any few
    words Alexa hears: "my back" or "there's a knock at the door" would start an exercise. A
    built-in type's slot (AMAZON.NUMBER) takes only its own values: "seven" alone is fine."""
    kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    for sample in intent.get("samples", []):
        words = SLOT_REF.sub(" ", sample).split()
        custom = [s for s in SLOT_REF.findall(sample) if not kinds[s].startswith("AMAZON.")]
        one_slot = len(SLOT_REF.findall(sample)) == 1 and custom
        assert not one_slot or set(words) - CATCH_ALL_WORDS, (intent["name"], sample)
