"""People's own words (issue 18): how much of them the exported model understands, and whether
every safety phrasing said during a set gets a safe answer.

The sets are data (tests/language/RUBRIC.md): `dev/` is tuned on; `heldout/` was written blind
to the model and is never read to change it, so its figures are the honest ones. The floors
below are what the model reached when they were last raised: a change that understands less
fails here. README, "People's own words", reports the same figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.skill.alexa.base import PLACED_SLOTS
from backcoach.skill.alexa.feelings import feeling_in
from backcoach.skill.alexa.intents import OPERATIONS, SAFETY, Slots, countermands, meaning
from backcoach.skill.alexa.skill_builder import build_skill, handled_intents
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.model_source import WRAPPERS
from backcoach.skill.devtools.nlu import FALLBACK, MAX_ASIDE_WORDS, MODELS_DIR, NEGATIONS, Nlu
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.builtins import as_builtin
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from benchmarks import asides
from tests import language_answers as answers
from tests.unit.test_model import length_s

SETS = Path(__file__).resolve().parents[1] / "language"
FLOORS = {
    # understood as the right intent (backcoach coverage tests/language/*/*.tsv --quiet)
    "dev/commands.tsv": 0.99,
    "dev/safety.tsv": 1.0,
    "dev/earlier.tsv": 0.91,
    "dev/first_heldout_commands.tsv": 0.99,
    "dev/first_heldout_safety.tsv": 0.99,
    "dev/third_commands.tsv": 0.99,
    "dev/third_safety.tsv": 0.99,
    "dev/fourth_commands.tsv": 0.93,
    "dev/fourth_safety.tsv": 0.99,
    "dev/second_heldout_safety.tsv": 0.99,
    "dev/sixth_commands.tsv": 0.93,
    "dev/sixth_safety.tsv": 1.0,
    "dev/seventh_commands.tsv": 0.81,
    "dev/seventh_safety.tsv": 0.98,
    "dev/eighth_keeping_up.tsv": 0.80,
    "dev/ninth_commands.tsv": 0.82,
    "dev/ninth_safety.tsv": 1.0,
    "dev/tenth_commands.tsv": 0.78,
    "dev/tenth_safety.tsv": 0.98,
    "dev/eleventh_commands.tsv": 0.80,
    "dev/eleventh_safety.tsv": 0.95,
    "heldout/commands.tsv": 0.87,
    "heldout/fifth_commands.tsv": 0.90,
    "heldout/fifth_safety.tsv": 0.98,
    "heldout/sixth_commands.tsv": 0.69,
    "heldout/sixth_safety.tsv": 0.98,
    "heldout/seventh_commands.tsv": 0.73,
    "heldout/seventh_safety.tsv": 0.97,
    "heldout/eighth_keeping_up.tsv": 0.42,
    "heldout/ninth_commands.tsv": 0.62,
    "heldout/ninth_safety.tsv": 0.89,
    "heldout/tenth_commands.tsv": 0.46,
    "heldout/tenth_safety.tsv": 0.89,
    "heldout/eleventh_commands.tsv": 0.42,
    "heldout/eleventh_safety.tsv": 0.82,
    "dev/twelfth_commands.tsv": 0.86,
    "dev/twelfth_safety.tsv": 1.0,
    "heldout/twelfth_commands.tsv": 0.51,
    # One row answered more cautiously than its label since session 24 (safe all the same).
    "heldout/twelfth_safety.tsv": 0.88,
    "dev/thirteenth_commands.tsv": 0.54,
    "dev/thirteenth_safety.tsv": 0.95,
    "heldout/thirteenth_commands.tsv": 0.44,
    "heldout/thirteenth_safety.tsv": 0.96,
    # Written in session 21 and measured before anything was changed for it.
    "dev/fourteenth_commands.tsv": 0.48,
    "dev/fourteenth_safety.tsv": 1.0,
    "heldout/fourteenth_commands.tsv": 0.50,
    "heldout/fourteenth_safety.tsv": 0.91,
    # Written in session 22 (held-out measured before anything was changed for it).
    "dev/fifteenth_commands.tsv": 0.61,
    "dev/fifteenth_safety.tsv": 0.96,
    "heldout/fifteenth_commands.tsv": 0.60,
    "heldout/fifteenth_safety.tsv": 0.90,
    # Written in session 23 (held-out measured before anything was changed for it).
    "dev/sixteenth_commands.tsv": 0.70,
    "dev/sixteenth_safety.tsv": 0.98,
    "heldout/sixteenth_commands.tsv": 0.61,
    "heldout/sixteenth_safety.tsv": 0.92,
    # Written in session 24 (held-out measured before anything was changed for it).
    "dev/seventeenth_commands.tsv": 0.60,
    "dev/seventeenth_safety.tsv": 0.96,
    "heldout/seventeenth_commands.tsv": 0.52,
    "heldout/seventeenth_safety.tsv": 0.88,
    "dev/eighteenth_commands.tsv": 0.70,
    "dev/eighteenth_safety.tsv": 0.98,
    "heldout/eighteenth_commands.tsv": 0.65,
    "heldout/eighteenth_safety.tsv": 0.92,
    # Written in session 26 (held-out measured before anything was changed for it).
    "dev/nineteenth_commands.tsv": 0.71,
    "dev/nineteenth_safety.tsv": 0.98,
    "heldout/nineteenth_commands.tsv": 0.57,
    "heldout/nineteenth_safety.tsv": 0.91,
    # Written in session 27 (held-out measured before anything was changed for it).
    "dev/twentieth_commands.tsv": 0.88,
    "dev/twentieth_safety.tsv": 0.98,
    "heldout/twentieth_commands.tsv": 0.57,
    "heldout/twentieth_safety.tsv": 0.91,
}
SAFE_FLOORS = {
    # a safe answer when said during a set
    "dev/safety.tsv": 1.0,
    "dev/first_heldout_safety.tsv": 1.0,
    "dev/third_safety.tsv": 1.0,
    "dev/fourth_safety.tsv": 0.99,
    "dev/second_heldout_safety.tsv": 1.0,
    "dev/sixth_safety.tsv": 1.0,
    "dev/seventh_safety.tsv": 0.98,
    "heldout/fifth_safety.tsv": 0.98,
    "heldout/sixth_safety.tsv": 0.98,
    "heldout/seventh_safety.tsv": 0.97,
    "dev/ninth_safety.tsv": 1.0,
    "dev/tenth_safety.tsv": 0.98,
    "dev/eleventh_safety.tsv": 0.98,
    "heldout/ninth_safety.tsv": 0.89,
    "heldout/tenth_safety.tsv": 0.89,
    "heldout/eleventh_safety.tsv": 0.83,
    "dev/twelfth_safety.tsv": 1.0,
    "heldout/twelfth_safety.tsv": 0.89,
    "dev/thirteenth_safety.tsv": 0.96,
    "heldout/thirteenth_safety.tsv": 0.96,
    "dev/fourteenth_safety.tsv": 1.0,
    "heldout/fourteenth_safety.tsv": 0.91,
    "dev/fifteenth_safety.tsv": 0.97,
    "heldout/fifteenth_safety.tsv": 0.90,
    "dev/sixteenth_safety.tsv": 0.98,
    "heldout/sixteenth_safety.tsv": 0.94,
    "dev/seventeenth_safety.tsv": 0.98,
    "heldout/seventeenth_safety.tsv": 0.88,
    "dev/eighteenth_safety.tsv": 0.98,
    "heldout/eighteenth_safety.tsv": 0.93,
    "dev/nineteenth_safety.tsv": 0.98,
    "heldout/nineteenth_safety.tsv": 0.91,
    "dev/twentieth_safety.tsv": 1.0,
    "heldout/twentieth_safety.tsv": 0.92,
}
NLU = Nlu.load()
MODEL = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))


def test_every_set_has_a_floor_and_every_safety_set_a_safe_one():
    sets = {f"{p.parent.name}/{p.name}" for p in SETS.glob("*/*.tsv")}
    assert sets == set(FLOORS)
    assert {name for name in sets if "safety" in name} == set(SAFE_FLOORS)


def shown(name: str, lines: list[str]) -> str:
    """A failure's rows, unless the set is held out: a held-out row read is a row tuned on
    (and some held-out sets are blind), so only how many, and where to see them."""
    if name.startswith("heldout/"):
        return f"{len(lines)} rows of {name}; `python -m benchmarks.language` names them"
    return "\n".join(lines[:40])


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_the_model_understands_at_least_as_much_as_before(name):
    results = coverage.run(NLU, coverage.read_rows(SETS / name))
    understood = sum(r.ok for r in results) / len(results)
    misses = coverage.report(NLU, results, name)
    assert understood >= FLOORS[name], shown(name, misses)


@pytest.fixture(scope="module")
def said() -> dict[str, list[answers.Answer]]:
    """Every safety row of every set, said by a new person two seconds into their first set."""
    skill = build_skill(load_routine(), load_phrases("en-US"), adapter=answers.People())
    return {
        name: [
            answers.answer(in_process(skill), NLU, row, length_s)
            for row in coverage.read_rows(SETS / name)
        ]
        for name in SAFE_FLOORS
    }


@pytest.mark.parametrize("name", sorted(SAFE_FLOORS))
def test_safety_phrasings_said_during_a_set_get_a_safe_answer(said, name):
    playing = [a for a in said[name] if a.plays]
    assert not playing, shown(name, answers.unsafe(playing))
    assert answers.share(said[name]) >= SAFE_FLOORS[name], shown(name, answers.unsafe(said[name]))


GOES_ON = {
    "heldout/tenth_safety.tsv": 1,
    "heldout/eleventh_safety.tsv": 1,
    "heldout/fifteenth_safety.tsv": 1,
    "heldout/sixteenth_safety.tsv": 1,
    "heldout/seventeenth_safety.tsv": 1,
    "heldout/twentieth_safety.tsv": 1,
}
"""Safety rows (blind, unread) answered neither by stopping nor by asking whether something
hurt, nothing playing: in the tenth and eleventh a command found in a complaint's words
(commands.py), answered as that command; in the fifteenth one heard as waiting ("take your
time"); in the sixteenth one heard as stopping for today (the session ends); in the
seventeenth one that ReportIntent's words answer as something else (as of session 24, when
it was written and measured); in the twentieth one heard as the back feeling better (as of
session 27, when it was written and measured). No other set may have one."""


def test_safety_phrasings_said_during_a_set_stop_it_or_ask_whether_it_hurt(said):
    """A safety phrasing not answered as itself still stops the set: as pain, or by the
    question "did something hurt?" that a fallback asks while exercising (its yes stops)."""
    stopped = {*answers.SAFE["PainIntent"], answers.ASKED}
    going_on = {name: [a for a in found if a.kind not in stopped] for name, found in said.items()}
    assert sum(a.kind == answers.ASKED for found in said.values() for a in found) > 50
    over = {n: len(found) for n, found in going_on.items() if len(found) > GOES_ON.get(n, 0)}
    assert not over, [shown(n, answers.unsafe(going_on[n])) for n in over]


def test_every_safety_row_understood_is_answered_safely(said):
    """Whatever the model understands as the right safety intent, the skill answers safely."""
    understood = {
        name: [
            a
            for a in said[name]
            if coverage.answered_by(NLU.understand(a.row.utterance)) in a.row.expected
        ]
        for name in SAFE_FLOORS
    }
    assert sum(map(len, understood.values())) > 1000
    unsafe = {name: answers.unsafe(found) for name, found in understood.items()}
    assert not any(unsafe.values()), [shown(n, lines) for n, lines in unsafe.items() if lines]


def test_the_sets_are_the_size_the_issue_asks():
    for part, least in (("commands", 200), ("safety", 150)):
        for folder in ("dev", "heldout"):
            rows = [r for p in (SETS / folder).glob(f"*{part}.tsv") for r in coverage.read_rows(p)]
            assert len(rows) >= least, (folder, part, len(rows))


OPEN = sorted(
    name
    for name, slots in NLU.intent_slots.items()
    if set(slots) - PLACED_SLOTS and not name.startswith("AMAZON.") and name != "ReportIntent"
)
"""The intents with a slot that takes the words around a command (a wrapper, or ready's state
and go): Alexa fills it with unlisted words too. ReportIntent's phrase slot is the whole
complaint, not words around one (tests/unit/test_reports.py)."""


def test_the_open_intents_include_the_starts_and_the_commands_that_start_nothing():
    assert {"ReadyIntent", "WaitIntent", "PainIntent", "SetsLeftIntent"} <= set(OPEN)
    # Hands-free's start is a stream handler's; every handler reads its intent through meaning.
    assert not {as_builtin(n) for n in OPEN} - handled_intents(), "an open intent with no handler"
    assert "ReportIntent" in OPERATIONS


SLOT_TYPES = {
    (intent["name"], slot["name"]): slot["type"]
    for intent in MODEL["interactionModel"]["languageModel"]["intents"]
    for slot in intent.get("slots", [])
}


BUILT_IN_SAID = {"AMAZON.NUMBER": "three", "AMAZON.TIME": "seven pm"}
"""A value said for a built-in slot type, which lists no values of its own."""


def filled(intent: str, sample: str) -> str:
    """A sample with its wrapper slots left out and each other slot said as a listed value."""
    words = []
    for token in sample.split():
        slot = token.strip("{}")
        if token.startswith("{") and slot in WRAPPERS:
            continue
        if token.startswith("{"):
            kind = SLOT_TYPES[intent, slot]
            token = BUILT_IN_SAID.get(kind) or next(iter(NLU.values[kind]))
        words.append(token)
    return " ".join(words)


@pytest.mark.parametrize("intent", OPEN)
def test_unknown_words_around_an_open_command_never_start_a_set(intent):
    """An open slot takes any few words ("my elbows are sore, go" fills ready's {state}):
    around whatever an open intent says, said during a set, nothing plays; a symptom among
    the words stops the set as pain would."""
    skill = build_skill(load_routine(), load_phrases("en-US"), adapter=answers.People())
    sample = filled(intent, next(s for s in NLU.samples[intent] if "{report}" not in s))
    for said in (
        f"my elbows are sore {sample}",
        f"{sample} my knee is killing",
        f"{sample} purple monkey dishwasher",
        f"my legs feel tingly {sample}",
    ):
        heard = answers.answer(in_process(skill), NLU, coverage.Row(said, (intent,), 0), length_s)
        assert not heard.plays, (said, heard.turn.intent, heard.turn.speech)
        if "purple" not in said:
            assert coverage.answered_by(NLU.understand(said)) in SAFETY | {FALLBACK}, said


def test_words_either_side_of_a_wrapped_command_and_an_aside_after_it_keep_the_command():
    """Alexa fills a custom slot with unlisted words: a wrapped sentence keeps its meaning
    with unlisted words on both sides, or an aside of up to MAX_ASIDE_WORDS after it."""
    aside = "my tea is getting cold in the kitchen and dog wants out"
    assert len(aside.split()) == MAX_ASIDE_WORDS
    for said, intent in (
        ("gracious let me catch my breath first", "WaitIntent"),
        (f"how much longer is the whole routine {aside}", "ProgressIntent"),
    ):
        match = NLU.understand(said)
        assert match.intent == intent, (said, match.intent)
        unlisted = [
            s["value"]
            for name, s in match.slots.items()
            if name in WRAPPERS and s.get("value")
            if s["value"] not in NLU.values[WRAPPERS[name]]
        ]
        assert unlisted, said
    too_long = f"how much longer is the whole routine {aside} now"
    assert NLU.understand(too_long).intent == FALLBACK


def test_a_leak_and_numbness_or_no_control_down_below_keep_their_sentence_with_words_around():
    """Wrapped, the leak's and cauda equina's sentences take any words either side (session
    26): the model's own intent hears them, not the catch-all phrase carrier (ReportIntent,
    whose words a real Echo may cut short) and not nothing."""
    for said, intent in (
        ("oh no i dribbled a bit during that bridge", "LeakIntent"),
        ("gosh i peed myself a tiny bit when i kicked back then", "LeakIntent"),
        ("sorry i wet myself a little on that last one", "LeakIntent"),
        ("crikey i've gone numb between my legs", "UrgentIntent"),
        ("oh god i can't control my bladder anymore", "UrgentIntent"),
        ("uh i cannot hold my bowels it just happened", "UrgentIntent"),
        ("neither of my legs is working right", "UrgentIntent"),
    ):
        match = NLU.understand(said)
        assert (match.intent, coverage.answered_by(match)) == (intent, intent), said


def test_sentences_wrapped_for_room_keep_their_meaning_and_their_old_tails():
    """Session 27 wrapped three sentences whose tails were listed ("... when i was twenty",
    "... and my foot's numb"): the tails, and words no list has, now ride in {after}; and
    words of this round's families (both legs lame, failing to breathe, a palpitation,
    "eina") are heard as what they are."""
    for said, intent in (
        ("i fractured a vertebra years ago", "ConditionIntent"),
        ("i cracked my spine when i was twenty skiing", "ConditionIntent"),
        ("sharp pain running down my leg and my foot's numb", "RedFlagIntent"),
        ("well now pins and needles all down my arm", "RedFlagIntent"),
        ("i'd two discs slipped after the car crash", "ConditionIntent"),
        ("my blood pressure has been running really high lately", "ConditionIntent"),
        ("both legs have gone lame", "UrgentIntent"),
        ("my left leg's gone lame", "RedFlagIntent"),
        ("i'm failing to breathe", "UrgentIntent"),
        ("there's a palpitation again", "RedFlagIntent"),
        ("eina my knee", "PainIntent"),
    ):
        assert coverage.answered_by(NLU.understand(said)) == intent, said


def test_a_builtins_sentence_keeps_its_meaning_with_words_around_it():
    """A built-in takes no custom slots, so its companion (domain/builtins.py) hears its
    sentences of two words or more with words either side; a one-word command takes only
    listed words ("my back" is no "back"; "... what ..." is not nearly any sentence)."""
    for said, intent in (
        ("sorry what did you say there", "AMAZON.RepeatIntent"),
        ("gosh pause it for me the kettle's boiling", "AMAZON.PauseIntent"),
        ("ah look we'll call it quits", "AMAZON.StopIntent"),
        ("okay pause", "AMAZON.PauseIntent"),
        ("right carry on", "AMAZON.ResumeIntent"),
        ("carry on my shoulder is sore", "PainIntent"),
        ("bruh my back", "PainIntent"),
        ("i am feeling light headed what to do now", "RedFlagIntent"),
    ):
        assert coverage.answered_by(NLU.understand(said)) == intent, said
    assert NLU.understand("sorry what did you say there").intent == "RepeatWrappedIntent"
    assert NLU.understand("carry on purple monkey").intent == "ResumeWrappedIntent"
    # With words no value lists, the companion of resume confirms first (test_asides.py).
    assert coverage.answered_by(NLU.understand("carry on purple monkey")) == ("AMAZON.ResumeIntent")


def test_a_complaint_beside_a_command_is_read_as_a_complaint_first():
    """A long aside is tried last, as a phrase slot is: where a complaint's carrier reads the
    sentence, its reading wins ("my chest is really tight, how many more" is an emergency,
    not a question about sets with words around it); where none does, the aside's words are
    read as unplaced words are: an emergency as one, any other symptom as pain."""
    for said, answer in (
        ("my chest is really tight how many more", "UrgentIntent"),
        ("both my legs have gone numb how long is left", "UrgentIntent"),
        ("i'm going to pass out i think what's next", "RedFlagIntent"),
        ("how many more my chest is really tight", "UrgentIntent"),
        ("i would say eight my chest is crushing", "UrgentIntent"),
        # No bare rating word is wrapped: "hard" with words around it is no rating.
        ("i'm finding it really hard to breathe", "UrgentIntent"),
    ):
        assert coverage.answered_by(NLU.understand(said)) == answer, said


def test_a_symptom_beside_a_command_is_never_heard_as_the_command():
    """360 sentences of a command and a symptom (benchmarks/asides.py prints how each is
    answered): each is a safety answer or not understood, never the command."""
    heard = {said: coverage.answered_by(NLU.understand(said)) for said in asides.sentences()}
    wrong = {said: intent for said, intent in heard.items() if intent not in SAFETY | {FALLBACK}}
    assert not wrong, wrong
    assert list(heard.values()).count(FALLBACK) < len(heard) / 5


def test_words_no_value_lists_start_nothing_and_a_symptom_among_them_stops():
    assert meaning("ReadyIntent", Slots(unplaced="purple monkey")) == "AMAZON.FallbackIntent"
    assert meaning("StartRoutineIntent", Slots(unplaced="whatever")) == "AMAZON.FallbackIntent"
    assert meaning("ReadyIntent", Slots(unplaced="my elbows are sore")) == "PainIntent"
    # Unplaced words are a guess: a symptom among them stops the set, but ends the session
    # with a doctor's advice only in words that mean nothing else; "crack on" is no crack.
    assert meaning("SetsLeftIntent", Slots(unplaced="i feel dizzy")) == "RedFlagIntent"
    assert meaning("ReadyIntent", Slots(unplaced="seeing spots")) == "RedFlagIntent"
    assert meaning("SetsLeftIntent", Slots(unplaced="my toes are numb")) == "PainIntent"
    assert meaning("EasierIntent", Slots(unplaced="this is dead hard")) == "PainIntent"
    assert meaning("ReadyIntent", Slots(unplaced="i'm back crack on")) == "AMAZON.FallbackIntent"


def test_words_that_take_a_command_back_leave_it_not_understood():
    """Alexa fills {before} across a negation, so "please don't make it harder" arrives as
    HarderIntent: the skill acts on no command its words before take back; a negation that
    is only part of what came before ("I can't hack that, go easier") keeps it."""
    for said, intent, answer in (
        ("please don't make it harder", "HarderIntent", FALLBACK),
        ("please don't end the workout", "StopWrappedIntent", FALLBACK),
        ("we don't need to pause it", "PauseWrappedIntent", FALLBACK),
        ("please don't skip this one", "NextWrappedIntent", FALLBACK),
        ("i can't hack that go easier", "EasierIntent", "EasierIntent"),
        # Not yet in position is no "in position": the set waits (eighteenth round, dev).
        ("i'm not quite in position yet", "ReadyIntent", FALLBACK),
        ("nearly in position", "ReadyIntent", FALLBACK),
        ("almost ready", "ReadyIntent", FALLBACK),
        ("not totally in position yet", "ReadyIntent", FALLBACK),
        ("okay i'm ready", "ReadyIntent", "ReadyIntent"),
        # Not able to go on is no "go on": nothing resumes (session 27).
        ("i can't carry on", "ResumeWrappedIntent", FALLBACK),
        ("honestly i cannot keep going", "ResumeWrappedIntent", FALLBACK),
        ("i can't continue on", "ResumeWrappedIntent", FALLBACK),
    ):
        match = NLU.understand(said)
        assert (match.intent, coverage.answered_by(match)) == (intent, answer), said
    assert countermands("okay no i don't wanna") and not countermands("no")
    assert meaning("EasierIntent", Slots(unplaced="please don't", countermanded=True)) == FALLBACK
    # A symptom among the words still stops the set, whatever they take back.
    said = Slots(unplaced="my knee's sore don't", countermanded=True)
    assert meaning("HarderIntent", said) == "PainIntent"


def test_a_command_that_begins_with_have_is_no_condition():
    """HAVING lists no bare "have", "had" or "got": a condition is told, not guessed."""
    for said in ("have another crack at that", "had a go at that one"):
        assert coverage.answered_by(NLU.understand(said)) != "ConditionIntent", said
    assert meaning("SetsLeftIntent", Slots(unplaced="mate")) == "SetsLeftIntent"
    assert meaning("FeelWorseIntent", Slots(unplaced="it's fine")) == "FeelWorseIntent"
    # Pain, red flags and the rest keep their own meaning ("numb" in the groin is urgent).
    assert meaning("UrgentIntent", Slots(unplaced="sore")) == "UrgentIntent"


@pytest.mark.parametrize("kind", sorted(set(WRAPPERS.values()) | {"READY_STATE", "READY_GO"}))
def test_no_listed_word_around_a_command_says_a_symptom_or_a_no(kind):
    """Listed words resolve, so they are never read for symptoms (Slots.unplaced): a listed
    "it hurts" after "how many left" would hide the pain; a listed "not" before "ready" would
    make "not ready" read as ready."""
    symptoms = [w for w in NLU.values[kind] if feeling_in(w)]
    negations = [w for w in NLU.values[kind] if w.split()[0] in NEGATIONS]
    assert not symptoms and not negations, (symptoms, negations)
