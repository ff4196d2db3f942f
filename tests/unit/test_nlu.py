"""The offline NLU: typed utterances to the intents and slots Alexa would send.

The utterances live in tests/unit/nlu/*.yaml, one file per topic, each row mapping what a
person says to what Alexa would send: an intent name, `<launch>`, or
`{intent: ..., exercise: <id> | {no_match: <words heard>}}`. One test per file runs every
row and reports every mismatch at once. Rows that only repeat one of the model's own sample
utterances are not allowed: they would test the model against itself.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import time
from pathlib import Path

import pytest
import yaml
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, LaunchRequest, RequestEnvelope

from backcoach.skill.alexa.spelling import canonical, normalise
from backcoach.skill.devtools import coverage, envelopes
from backcoach.skill.devtools.nlu import MODELS_DIR, Match, Nlu, time_value
from backcoach.skill.domain.routine import load_routine

MODEL = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))
LANG = MODEL["interactionModel"]["languageModel"]
(EXERCISE_TYPE,) = [t for t in LANG["types"] if t["name"] == "EXERCISE"]
AUTHORITY = f"amzn1.er-authority.echo-sdk.{envelopes.DEFAULT_SKILL_ID}.EXERCISE"

LAUNCH = "<launch>"
FALLBACK = "AMAZON.FallbackIntent"
START, DESCRIBE = "StartExerciseIntent", "DescribeExerciseIntent"

CASES_DIR = Path(__file__).with_name("nlu")
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
SAMPLES = {
    normalise(sample): intent["name"]
    for intent in LANG["intents"]
    for sample in intent["samples"]
    if "{" not in sample
}
"""The model's own slotless sample utterances, normalised: rows must not just repeat them."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (PyYAML would keep the last silently)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        repeated = {k for k in keys if keys.count(k) > 1}
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"utterances given twice: {sorted(map(str, repeated))}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


@dataclasses.dataclass(frozen=True)
class Case:
    """One row: an utterance and what Alexa would send for it."""

    utterance: str
    intent: str
    exercise: str | None = None
    """The resolved exercise id, if the slot must resolve."""
    no_match: str | None = None
    """The words heard, if the slot is filled but resolves to nothing."""
    body_part: str | None = None
    """The resolved body part id, where a pain row names one."""


def load_cases(path: Path) -> list[Case]:
    """The rows of one case file; a malformed row fails with the file and the row named."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    assert isinstance(data, dict) and data, f"{path.name}: a mapping of utterance -> expectation"
    cases = []
    for utterance, expected in data.items():
        assert isinstance(utterance, str), f"{path.name}: quote {utterance!r}, it is not a string"
        if isinstance(expected, str):
            cases.append(Case(utterance, expected))
            continue
        keys = {"intent", "exercise", "body_part"}
        assert isinstance(expected, dict) and set(expected) <= keys, (
            f"{path.name}: {utterance!r}: expected an intent or {{intent, exercise, body_part}}"
        )
        exercise, part = expected.get("exercise"), expected.get("body_part")
        if isinstance(exercise, dict):
            cases.append(Case(utterance, expected["intent"], no_match=exercise["no_match"]))
        else:
            cases.append(Case(utterance, expected["intent"], exercise=exercise, body_part=part))
    return cases


CASES = {path.stem: load_cases(path) for path in CASE_FILES}
ALL_CASES = [case for cases in CASES.values() for case in cases]


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu.load()


def _resolution(slot: dict) -> dict:
    return slot["resolutions"]["resolutionsPerAuthority"][0]


NAMING_SLOTS = frozenset({"routine"})
"""Slots that only name what the intent already says ("start {routine}"): a listed value in
one is no unexpected slot."""


def _matched(slot: dict) -> bool:
    return _resolution(slot)["status"]["code"] == "ER_SUCCESS_MATCH"


def mismatch(match: Match, case: Case) -> str | None:
    """How a match differs from what a row expects, or None."""
    got = "<launch>" if match.launch else match.intent
    if case.intent == FALLBACK and not match.launch and coverage.answered_by(match) == FALLBACK:
        return None  # a start with words no value lists is not understood (intents.STARTS)
    if got != case.intent:
        return f"intent {got}, expected {case.intent}"
    if match.launch:
        return None if (match.intent, match.slots) == ("", {}) else f"launch with {match}"
    filled = {
        name: s
        for name, s in match.slots.items()
        if "value" in s and not (name in NAMING_SLOTS and _matched(s))
    }
    if case.body_part is not None:
        part = filled.pop("body_part", None)
        resolved_part = _resolution(part)["values"][0]["value"]["id"] if part else None
        if resolved_part != case.body_part:
            return f"body part {resolved_part}, expected {case.body_part}"
    if case.exercise is None and case.no_match is None:
        return f"unexpected slots {sorted(filled)}" if filled else None
    if "exercise" not in filled:
        return "no exercise slot filled"
    slot = filled["exercise"]
    resolution = _resolution(slot)
    code = resolution["status"]["code"]
    if case.no_match is not None:
        if slot["value"] != case.no_match:
            return f"exercise heard as {slot['value']!r}, expected {case.no_match!r}"
        if code != "ER_SUCCESS_NO_MATCH" or "values" in resolution:
            return f"exercise {slot['value']!r} resolved ({code}), expected no match"
        return None
    if code != "ER_SUCCESS_MATCH":
        return f"exercise {slot['value']!r} not resolved ({code}), expected {case.exercise}"
    resolved = resolution["values"][0]["value"]["id"]
    return None if resolved == case.exercise else f"exercise {resolved}, expected {case.exercise}"


def assert_understood(nlu: Nlu, cases: list[Case]) -> None:
    """Fail with every row the NLU gets wrong, not just the first."""
    wrong = [
        f"  {case.utterance!r}: {problem}"
        for case in cases
        if (problem := mismatch(nlu.understand(case.utterance), case))
    ]
    if wrong:
        pytest.fail(f"{len(wrong)} of {len(cases)} utterances misunderstood:\n" + "\n".join(wrong))


@pytest.mark.parametrize("topic", sorted(CASES))
def test_understands_every_utterance_of(nlu, topic):
    assert_understood(nlu, CASES[topic])


def test_no_case_just_repeats_a_model_sample():
    echoes = [
        f"{path.name}: {case.utterance!r} is a sample of {SAMPLES[normalise(case.utterance)]}"
        for path in CASE_FILES
        for case in CASES[path.stem]
        if normalise(case.utterance) in SAMPLES
    ]
    assert not echoes, "\n".join(echoes)


def test_no_utterance_is_in_two_files():
    seen: dict[str, str] = {}
    twice = []
    for topic, cases in CASES.items():
        for case in cases:
            if (other := seen.setdefault(case.utterance, topic)) != topic:
                twice.append(f"{case.utterance!r} in {other} and {topic}")
    assert not twice, "\n".join(twice)


def test_cases_cover_fallbacks_and_launches():
    # People's words for every intent are measured in tests/language (test_language.py); these
    # rows test the simulator's mechanics: slots, launches, what Alexa would not understand.
    assert sum(case.intent == FALLBACK for case in ALL_CASES) >= 12
    assert sum(case.intent == LAUNCH for case in ALL_CASES) >= 5
    assert len(ALL_CASES) >= 80


def test_every_name_and_synonym_of_every_exercise_resolves(nlu):
    routine = load_routine()
    values = {value["id"]: value["name"] for value in EXERCISE_TYPE["values"]}
    assert set(values) == {e.id for e in routine.exercises}
    cases = [
        case
        for exercise in routine.exercises
        for name in (values[exercise.id]["value"], *values[exercise.id].get("synonyms", []))
        for case in (
            Case(f"start the {name}", START, exercise=exercise.id),
            Case(f"How do I do the {name.upper()}?", DESCRIBE, exercise=exercise.id),
        )
    ]
    assert_understood(nlu, cases)


@pytest.mark.parametrize(
    ("utterance", "resolved"),
    [
        ("open back coach", None),
        ("start the glute bridges", "pelvic_extension"),
        ("how do i do the burpee", None),
        ("explain this exercise", None),
        ("ready", None),
        ("order a pizza", None),
    ],
)
def test_a_match_makes_an_envelope_the_ask_sdk_reads(nlu, utterance, resolved):
    """A launch, a resolved slot, an unresolved one, an unfilled one, no slot, the fallback."""
    match = nlu.understand(utterance)
    request = envelopes.launch_request()
    if not match.launch:
        request = envelopes.intent_request(match.intent, match.slots)
    env = envelopes.Caller().envelope(request, session_id="s", new=True)
    parsed = DefaultSerializer().deserialize(json.dumps(env), RequestEnvelope).request
    if match.launch:
        assert isinstance(parsed, LaunchRequest)
        return
    assert isinstance(parsed, IntentRequest)
    assert parsed.intent.name == match.intent
    sent = match.slots.get("exercise")
    if sent is None:
        assert not any(s.value for s in (parsed.intent.slots or {}).values())
        return
    slot = parsed.intent.slots["exercise"]
    assert slot.value == sent.get("value")
    if slot.value:
        authority = slot.resolutions.resolutions_per_authority[0]
        assert authority.status.code.value == _resolution(sent)["status"]["code"]
        assert [v.value.id for v in authority.values or []] == ([resolved] if resolved else [])


def test_slot_has_the_exact_alexa_shape(nlu):
    match = nlu.understand("start the glute bridges")
    assert match.slots == {
        "exercise": {
            "name": "exercise",
            "value": "glute bridges",
            "confirmationStatus": "NONE",
            "source": "USER",
            "resolutions": {
                "resolutionsPerAuthority": [
                    {
                        "authority": AUTHORITY,
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [
                            {"value": {"id": "pelvic_extension", "name": "pelvic extension"}}
                        ],
                    }
                ]
            },
        }
    }


def test_no_match_slot_keeps_the_heard_words_without_the_article(nlu):
    slot = nlu.understand("how do i do the burpee").slots["exercise"]
    assert slot["value"] == "burpee"
    assert slot["confirmationStatus"] == "NONE"
    assert _resolution(slot) == {"authority": AUTHORITY, "status": {"code": "ER_SUCCESS_NO_MATCH"}}


def test_matched_slot_value_is_what_was_heard_not_the_canonical_name(nlu):
    slot = nlu.understand("let's do the planks").slots["exercise"]
    assert slot["value"] == "planks"
    slot = nlu.understand("describe the steam rollers").slots["exercise"]
    assert slot["value"] == "steam rollers"
    assert _resolution(slot)["values"][0]["value"] == {"id": "steamroller", "name": "steamroller"}


def test_unfilled_slot_is_sent_empty_as_alexa_does(nlu):
    match = nlu.understand("how do i do this one")
    assert set(match.slots) == {"exercise", "before", "after"}
    for name, slot in match.slots.items():
        assert slot == {"name": name, "confirmationStatus": "NONE"}


def test_slotless_intents_and_fallback_carry_no_slots(nlu):
    assert nlu.understand("next").slots == {}
    assert nlu.understand("order a pizza") == Match(FALLBACK, {}, "order a pizza")


def test_invocation_is_stripped_from_the_matched_utterance(nlu):
    match = nlu.understand("Alexa, ask Back Coach to start my back routine!")
    assert match.utterance == "start my back routine"
    assert nlu.understand("Open back coach").utterance == "open back coach"


def test_skill_authority_can_be_given(nlu):
    other = Nlu(MODEL, skill_id_authority="amzn1.er-authority.echo-sdk.amzn1.ask.skill.x")
    slot = other.understand("start the plank").slots["exercise"]
    assert (
        _resolution(slot)["authority"] == "amzn1.er-authority.echo-sdk.amzn1.ask.skill.x.EXERCISE"
    )
    full = Nlu(MODEL, skill_id_authority="amzn1.er-authority.echo-sdk.y.EXERCISE")
    slot = full.understand("start the plank").slots["exercise"]
    assert _resolution(slot)["authority"] == "amzn1.er-authority.echo-sdk.y.EXERCISE"


def test_builtins_not_declared_by_the_model_are_not_recognised():
    model = copy.deepcopy(MODEL)
    intents = model["interactionModel"]["languageModel"]["intents"]
    intents[:] = [i for i in intents if i["name"] != "AMAZON.ShuffleOnIntent"]
    assert Nlu(model).understand("shuffle").intent == FALLBACK
    assert Nlu(model).understand("shuffle off").intent == "AMAZON.ShuffleOffIntent"


def test_invocation_name_comes_from_the_model(tmp_path):
    model = copy.deepcopy(MODEL)
    model["interactionModel"]["languageModel"]["invocationName"] = "spine buddy"
    (tmp_path / "en-GB.json").write_text(json.dumps(model), encoding="utf-8")
    nlu = Nlu.load("en-GB", root=tmp_path)
    assert nlu.understand("open spine buddy").launch
    assert nlu.understand("ask spine buddy to start the plank").intent == START
    assert not nlu.understand("open back coach").launch


def test_model_phrases_are_claimed_by_one_intent_only(nlu):
    assert nlu.collisions == []


def test_load_defaults_to_the_repo_model():
    assert Nlu.load().understand("what's next") == Nlu(MODEL).understand("what's next")


def test_match_is_frozen(nlu):
    match = nlu.understand("ready")
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.intent = "AMAZON.StopIntent"  # type: ignore[misc]


def test_deterministic(nlu):
    fresh = Nlu.load()
    differ = [
        c.utterance
        for c in ALL_CASES
        if nlu.understand(c.utterance) != fresh.understand(c.utterance)
    ]
    assert not differ


def test_fast(nlu):
    start = time.perf_counter()
    for case in ALL_CASES:
        nlu.understand(case.utterance)
    per_utterance = (time.perf_counter() - start) / len(ALL_CASES)
    assert per_utterance < 0.01


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Alexa, START the Plank!!", "alexa start the plank"),
        ("hands-free", "hands free"),
        ("  'quoted'  words ", "quoted words"),
        ("I\u2019m   ready.", "i'm ready"),
        ("let's_go", "let's go"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("I am ready", "i'm ready"), ("whats next", "what's next"), ("I cannot", "i can't")],
)
def test_canonical_spells_contractions_one_way(raw, expected):
    assert canonical(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A dropped g, with or without its apostrophe, is the word speech recognition writes ...
        ("how long am I holdin this", "how long am i holding this"),
        ("at nine in the mornin'", "at nine in the morning"),
        ("I'm doin fine, just tryin", "i'm doing fine just trying"),
        # ... but a word that ends so is itself: the groin, pain, again, begin, Dublin.
        ("my groin is numb again", "my groin is numb again"),
        ("pain when I begin in dublin", "pain when i begin in dublin"),
    ],
)
def test_canonical_writes_a_dropped_g_as_the_word(raw, expected):
    assert canonical(raw) == expected


@pytest.mark.parametrize("said", ["uh-huh", "Uh huh.", "mm-hmm", "mmhmm"])
def test_a_yes_said_as_a_sound_is_a_yes_not_two_hesitations(nlu, said):
    """ "uh" and "mm" alone are hesitations speech recognition leaves out; together with
    "huh" or "hmm" they are a yes ("huh" alone asks what was said)."""
    assert canonical(said) == "mhm"
    assert nlu.understand(said).intent == "AMAZON.YesIntent"
    assert nlu.understand("huh").intent == "AMAZON.RepeatIntent"


def test_where_it_hurts_is_a_resolved_slot(nlu):
    match = nlu.understand("my lower back really hurts")
    assert match.intent == "PainIntent"
    resolved = match.slots["body_part"]["resolutions"]["resolutionsPerAuthority"][0]
    assert resolved["values"][0]["value"]["id"] == "back"


def test_a_tie_goes_to_the_match_with_more_words_in_listed_values(nlu):
    """One unlisted value each, no literal words: "just had a c section" is a listed
    condition ("a c section") after unlisted words, not an unlisted state after the filler
    "just"."""
    match = nlu.understand("just had a c section")
    assert match.intent == "ConditionIntent"
    assert match.resolved_slots()["condition"] == ("a c section", "pregnancy")


def test_a_number_between_words_either_side_is_heard_as_a_number_not_an_unlisted_value():
    """Unlisted words on both sides of a wrapped sentence keep its meaning; a number heard
    between them is a number, not a third unlisted value."""
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "back coach",
                "intents": [
                    {
                        "name": "PainScoreIntent",
                        "slots": [
                            {"name": "before", "type": "WORDS_BEFORE"},
                            {"name": "score", "type": "AMAZON.NUMBER"},
                            {"name": "after", "type": "WORDS_AFTER"},
                        ],
                        "samples": ["{before} i would say {score} {after}"],
                    }
                ],
                "types": [
                    {"name": "WORDS_BEFORE", "values": [{"name": {"value": "okay"}}]},
                    {"name": "WORDS_AFTER", "values": [{"name": {"value": "mate"}}]},
                ],
            }
        }
    }
    match = Nlu(model).understand("gosh i would say six honestly love")
    assert match.intent == "PainScoreIntent"
    assert match.slots["score"]["value"] == "6"


@pytest.mark.parametrize(
    ("said", "sent"),
    [
        # The slot type reference's own examples.
        ("four in the morning", "04:00"),
        ("two p m", "14:00"),
        ("seven thirty pm", "19:30"),
        ("quarter past nine at night", "21:15"),
        ("quarter to seven", "06:45"),
        ("half past five in the evening", "17:30"),
        ("twelve at night", "00:00"),
        ("the evening", "EV"),
        ("seven pm in the morning", None),
        ("half past five thirty", None),
    ],
)
def test_a_time_is_sent_as_alexa_sends_it(said, sent):
    assert time_value(said) == sent
