"""Data-driven tests of skill.nlu: typed utterances to the intents and slots Alexa would send."""

from __future__ import annotations

import copy
import dataclasses
import json
import time

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, LaunchRequest, RequestEnvelope

from backcoach.skill.devtools import envelopes
from backcoach.skill.devtools.nlu import MODELS_DIR, Match, Nlu, canonical, normalise

MODEL = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))
LANG = MODEL["interactionModel"]["languageModel"]
(EXERCISE_TYPE,) = [t for t in LANG["types"] if t["name"] == "EXERCISE"]
AUTHORITY = f"amzn1.er-authority.echo-sdk.{envelopes.DEFAULT_SKILL_ID}.EXERCISE"

LAUNCH = "<launch>"
FALLBACK = "AMAZON.FallbackIntent"
START, DESCRIBE = "StartExerciseIntent", "DescribeExerciseIntent"
ROUTINE, READY, NEXT_UP = "StartRoutineIntent", "ReadyIntent", "WhatsNextIntent"

CUSTOM = [
    # StartRoutineIntent
    ("start my back routine", ROUTINE, None),
    ("Start my back routine, please.", ROUTINE, None),
    ("let's start my back routine", ROUTINE, None),
    ("start my whole back routine", ROUTINE, None),
    ("start workout", ROUTINE, None),
    ("let us do the workout", ROUTINE, None),
    ("I want to work out now", ROUTINE, None),
    ("begin my back exercises", ROUTINE, None),
    ("strat my back routine", ROUTINE, None),
    ("i am ready to work out", ROUTINE, None),
    # StartExerciseIntent
    ("start the plank", START, "plank"),
    ("start plank", START, "plank"),
    ("let's do the glute bridge", START, "pelvic_extension"),
    ("skip to the lunges", START, "lifting_lunge"),
    ("jump to the steam roller", START, "steamroller"),
    ("i want to do the donkey kicks", START, "butt_lifter"),
    ("go back to the plank", START, "plank"),
    ("let's start the plank", START, "plank"),
    ("plank please", START, "plank"),
    ("the forearm plank please", START, "plank"),
    ("start the planks now", START, "plank"),
    ("can we do a hip raise", START, "pelvic_extension"),
    ("start the lunge with a knee hug", START, "lifting_lunge"),
    # DescribeExerciseIntent
    ("how do i do the plank", DESCRIBE, "plank"),
    ("what is a plank", DESCRIBE, "plank"),
    ("whats the steamroller", DESCRIBE, "steamroller"),
    ("explain the butt lifter", DESCRIBE, "butt_lifter"),
    ("Describe glute bridges.", DESCRIBE, "pelvic_extension"),
    ("how do i do a lunge with a knee hug", DESCRIBE, "lifting_lunge"),
    ("walk me through the cross crunch", DESCRIBE, "steamroller"),
    ("how do i do this one", DESCRIBE, None),
    ("explain this exercise", DESCRIBE, None),
    # ReadyIntent
    ("ready", READY, None),
    ("I'm ready!", READY, None),
    ("I am ready", READY, None),
    ("im ready", READY, None),
    ("ok, I'm ready", READY, None),
    ("i'm in position now", READY, None),
    ("I am on all fours", READY, None),
    ("let's go", READY, None),
    # WhatsNextIntent
    ("what's next", NEXT_UP, None),
    ("What is next?", NEXT_UP, None),
    ("whats next", NEXT_UP, None),
    ("so what comes next", NEXT_UP, None),
    ("what is the next one", NEXT_UP, None),
    # ProgressIntent
    ("how much is left", "ProgressIntent", None),
    ("how many exercises are left?", "ProgressIntent", None),
    ("are we almost done yet", "ProgressIntent", None),
    ("how much is lef", "ProgressIntent", None),
    # PainIntent
    ("my back hurts", "PainIntent", None),
    ("Ouch!", "PainIntent", None),
    ("stop, it hurts", "PainIntent", None),
    ("I have pain in my back", "PainIntent", None),
    ("my lower back really hurts", "PainIntent", None),
    # EasierIntent
    ("too hard", "EasierIntent", None),
    ("this is way too hard", "EasierIntent", None),
    ("make it easyer", "EasierIntent", None),
    ("I cannot do this", "EasierIntent", None),
    # HarderIntent
    ("too easy", "HarderIntent", None),
    ("make it harder please", "HarderIntent", None),
    ("this is far too easy", "HarderIntent", None),
    ("can you make it even harder", "HarderIntent", None),
    # HandsFreeIntent
    ("hands free", "HandsFreeIntent", None),
    ("Hands-free!", "HandsFreeIntent", None),
    ("hands-free mode please", "HandsFreeIntent", None),
    ("play my back routine", "HandsFreeIntent", None),
    ("plat my routine", "HandsFreeIntent", None),
    ("start my back routine hands-free", "HandsFreeIntent", None),
    # StatsIntent
    ("what's my streak", "StatsIntent", None),
    ("what is my streak", "StatsIntent", None),
    ("how am i doing lately", "StatsIntent", None),
    ("give me my stats", "StatsIntent", None),
    # SafetyIntent
    ("is this safe", "SafetyIntent", None),
    ("Is this safe?", "SafetyIntent", None),
    ("is this really safe for my back", "SafetyIntent", None),
    ("should i see a doctor first", "SafetyIntent", None),
    # ListExercisesIntent
    ("list the exercises", "ListExercisesIntent", None),
    ("what exercises are there?", "ListExercisesIntent", None),
    ("list all of the exercises", "ListExercisesIntent", None),
    ("what is in the routine", "ListExercisesIntent", None),
    # AboutIntent
    ("why should i strengthen my back", "AboutIntent", None),
    ("back health tips", "AboutIntent", None),
    ("give me some back health tips", "AboutIntent", None),
    ("why is back strength so important", "AboutIntent", None),
]

INVOKED = [
    ("Alexa, ask Back Coach to start my back routine!", ROUTINE, None),
    ("ask back coach to start my back routine", ROUTINE, None),
    ("ask back coach what's next", NEXT_UP, None),
    ("ask back coach for help", "AMAZON.HelpIntent", None),
    ("open back coach and start the plank", START, "plank"),
    ("tell back coach I'm ready", READY, None),
    ("tell back coach to skip this", "AMAZON.NextIntent", None),
    ("tell back coach that hurts", "PainIntent", None),
    ("launch back coach and start my workout", ROUTINE, None),
    ("start back coach and describe the plank", DESCRIBE, "plank"),
    ("use back coach to play my routine", "HandsFreeIntent", None),
    ("alexa, ask back coach how do I do the burpee", DESCRIBE, "NO_MATCH:burpee"),
    ("Alexa next", "AMAZON.NextIntent", None),
    ("hey alexa, stop", "AMAZON.StopIntent", None),
]

CAPS_AND_PUNCTUATION = [
    ("START THE PLANK!!!", START, "plank"),
    ("  what's   NEXT ??", NEXT_UP, None),
    ("how do I do the 'glute bridge'?", DESCRIBE, "pelvic_extension"),
    ("Start the Steam-Roller.", START, "steamroller"),
    ("i\u2019m ready", READY, None),
    ("Yes!", "AMAZON.YesIntent", None),
]

BUILTIN_PHRASINGS = {
    "AMAZON.NextIntent": ["next", "skip", "skip this", "skip it", "next one", "next exercise"]
    + ["move on", "next please", "okay next"],
    "AMAZON.PreviousIntent": ["go back", "previous", "back", "previous one", "go back one"],
    "AMAZON.RepeatIntent": ["repeat", "say that again", "repeat that", "what did you say"]
    + ["again", "can you repeat that", "come again"],
    "AMAZON.ResumeIntent": ["resume", "continue", "keep going", "carry on", "unpause"],
    "AMAZON.PauseIntent": ["pause", "pause it", "hold on", "wait"],
    "AMAZON.StartOverIntent": ["start over", "restart", "start again", "from the top"]
    + ["start from the beginning"],
    "AMAZON.HelpIntent": ["help", "help me", "what can i say", "What can I do?"]
    + ["how does this work", "help please"],
    "AMAZON.StopIntent": ["stop", "quit", "exit", "shut up", "be quiet", "off"]
    + ["i'm done for today", "that's enough for today"],
    "AMAZON.CancelIntent": ["cancel", "never mind", "forget it"],
    "AMAZON.YesIntent": ["yes", "yeah", "yep", "sure", "ok", "okay", "yes please"]
    + ["sounds good", "of course", "alright"],
    "AMAZON.NoIntent": ["no", "nope", "no thanks", "not now", "nah"],
    "AMAZON.NavigateHomeIntent": ["go home", "home"],
    "AMAZON.LoopOnIntent": ["loop on", "turn on loop"],
    "AMAZON.LoopOffIntent": ["loop off", "turn off loop"],
    "AMAZON.ShuffleOnIntent": ["shuffle", "shuffle on", "turn on shuffle"],
    "AMAZON.ShuffleOffIntent": ["shuffle off", "turn off shuffle"],
}
BUILTINS = [(u, name, None) for name, phrases in BUILTIN_PHRASINGS.items() for u in phrases]

NO_MATCH = [
    ("how do i do the burpee", DESCRIBE, "NO_MATCH:burpee"),
    ("How do I do a jumping jack?", DESCRIBE, "NO_MATCH:jumping jack"),
    ("explain the downward dog", DESCRIBE, "NO_MATCH:downward dog"),
    ("walk me through the side plank twist", DESCRIBE, "NO_MATCH:side plank twist"),
    ("i want to do the superman", START, "NO_MATCH:superman"),
    ("can we do the bird dog please", START, "NO_MATCH:bird dog"),
    ("take me to the cat cow", START, "NO_MATCH:cat cow"),
]

LAUNCHES = [
    ("open back coach", LAUNCH, None),
    ("Launch Back Coach.", LAUNCH, None),
    ("start back coach", LAUNCH, None),
    ("Alexa, open Back Coach!", LAUNCH, None),
    ("alexa open back coach please", LAUNCH, None),
    ("ask back coach", LAUNCH, None),
    ("talk to back coach", LAUNCH, None),
]

FALLBACKS = [
    ("what's the weather", FALLBACK, None),
    ("what is the weather", FALLBACK, None),
    ("play some music", FALLBACK, None),
    ("order a pizza", FALLBACK, None),
    ("tell me a joke", FALLBACK, None),
    ("how tall is mount everest", FALLBACK, None),
    ("set a timer for ten minutes", FALLBACK, None),
    ("asdkfj qwpeoiru zzz", FALLBACK, None),
    ("", FALLBACK, None),
    ("   ?!  ", FALLBACK, None),
    ("alexa", FALLBACK, None),
    ("turn on the lights", FALLBACK, None),
    ("what's the capital of france", FALLBACK, None),
    ("start the car", FALLBACK, None),
    ("what can i cook", FALLBACK, None),
    ("previous song", FALLBACK, None),
    ("i'm not ready", FALLBACK, None),
    ("I do not want to work out", FALLBACK, None),
    ("i have no pain", FALLBACK, None),
    ("don't start the plank", FALLBACK, None),
    ("can we do something easier", FALLBACK, None),
    ("how do i do it", FALLBACK, None),
    ("open netflix", FALLBACK, None),
    ("ask spotify to play jazz", FALLBACK, None),
    ("remind me to call mom", FALLBACK, None),
]


def _names(value: dict) -> list[str]:
    return [value["name"]["value"], *value["name"].get("synonyms", [])]


SYNONYMS = [
    row
    for value in EXERCISE_TYPE["values"]
    for name in _names(value)
    for row in (
        (f"start the {name}", START, value["id"]),
        (f"How do I do the {name.upper()}?", DESCRIBE, value["id"]),
    )
]

MODEL_SAMPLES = [
    (sample, intent["name"], None)
    for intent in LANG["intents"]
    for sample in intent["samples"]
    if "{" not in sample
]

TABLE = (
    CUSTOM
    + INVOKED
    + CAPS_AND_PUNCTUATION
    + BUILTINS
    + NO_MATCH
    + LAUNCHES
    + FALLBACKS
    + SYNONYMS
    + MODEL_SAMPLES
)


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu.load()


def _resolution(slot: dict) -> dict:
    return slot["resolutions"]["resolutionsPerAuthority"][0]


def _check(match: Match, intent: str, slot: str | None) -> None:
    """Assert a match is the launch, or the intent with the slot, that a row expects."""
    if intent == LAUNCH:
        assert (match.launch, match.intent, match.slots) == (True, "", {})
        return
    assert not match.launch
    assert match.intent == intent
    filled = {name: s for name, s in match.slots.items() if "value" in s}
    if slot is None:
        assert not filled
        return
    exercise = filled["exercise"]
    resolution = _resolution(exercise)
    if slot.startswith("NO_MATCH:"):
        assert exercise["value"] == slot.removeprefix("NO_MATCH:")
        assert resolution["status"]["code"] == "ER_SUCCESS_NO_MATCH"
        assert "values" not in resolution
    else:
        assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
        assert resolution["values"][0]["value"]["id"] == slot


@pytest.mark.parametrize(("utterance", "intent", "slot"), TABLE, ids=repr)
def test_understands(nlu, utterance, intent, slot):
    _check(nlu.understand(utterance), intent, slot)


@pytest.mark.parametrize(("utterance", "intent", "slot"), TABLE, ids=repr)
def test_deserialises_into_ask_sdk_model(nlu, utterance, intent, slot):
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
    assert parsed.intent.name == intent
    if slot and not slot.startswith("NO_MATCH:"):
        authority = parsed.intent.slots["exercise"].resolutions.resolutions_per_authority[0]
        assert authority.values[0].value.id == slot


def test_table_is_large_and_covers_every_declared_intent():
    expected = {i["name"] for i in LANG["intents"]}
    assert {intent for _, intent, _ in TABLE} == expected | {LAUNCH}
    assert len(FALLBACKS) >= 12
    assert len(TABLE) >= 400


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
    slot = nlu.understand("the plank please").slots["exercise"]
    assert slot["value"] == "plank"
    slot = nlu.understand("describe the steam rollers").slots["exercise"]
    assert slot["value"] == "steam rollers"
    assert _resolution(slot)["values"][0]["value"] == {"id": "steamroller", "name": "steamroller"}


def test_unfilled_slot_is_sent_empty_as_alexa_does(nlu):
    match = nlu.understand("how do i do this one")
    assert match.slots == {"exercise": {"name": "exercise", "confirmationStatus": "NONE"}}


def test_slotless_intents_and_fallback_carry_no_slots(nlu):
    assert nlu.understand("ready").slots == {}
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
    for utterance, _, _ in TABLE:
        assert nlu.understand(utterance) == fresh.understand(utterance), utterance


def test_fast(nlu):
    start = time.perf_counter()
    for utterance, _, _ in TABLE:
        nlu.understand(utterance)
    per_utterance = (time.perf_counter() - start) / len(TABLE)
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
