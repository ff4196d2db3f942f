"""A complaint in the person's own words (issue 18): ReportIntent's phrase slot carries the
words whole, and the skill reads them with the model's own words for what they call for."""

from __future__ import annotations

import pytest

from backcoach.skill.alexa.intents import Slots, meaning
from backcoach.skill.alexa.reports import more_serious, reported
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.devtools import coverage
from backcoach.skill.devtools.nlu import FALLBACK, Nlu, unlisted_value
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.domain.triage import PALPITATIONS, Severity, severity
from tests import language_answers as answers
from tests.unit.test_model import length_s

NLU = Nlu.load()

READINGS = [
    # Emergencies: chest, breathing with trouble, bladder control, numb in both legs.
    ("chest is paining like heavy weight is on it", "UrgentIntent"),
    ("jaw aches and there's a squeezing in my chest", "UrgentIntent"),
    ("can't get a proper breath in", "UrgentIntent"),
    ("lost control of me bladder just now", "UrgentIntent"),
    ("legs have both gone numb", "UrgentIntent"),
    # Red flags: dizzy, faint, vision, heart rhythm, nerve symptoms, a pop with where.
    ("think i'm gonna pass out", "RedFlagIntent"),
    ("seeing little spots in front of my eyes", "RedFlagIntent"),
    ("foot's gone all tingly", "RedFlagIntent"),
    ("heard a crack in me back", "RedFlagIntent"),
    # A leak asks its one question; a condition means a physician first.
    ("little pee escaped when i did the steamroller", "LeakIntent"),
    ("had an operation on me knee a few weeks back", "ConditionIntent"),
    ("got weak bones", "ConditionIntent"),  # osteoporosis, not weakness
    # Pain, including where with no feeling the model lists.
    ("knees are just killing me down on this floor", "PainIntent"),
    ("lower back's grumbling a bit", "PainIntent"),
    ("my wrist is doing a thing", "PainIntent"),
    # Not a complaint: a rest, a command word, a denial of plain pain, nothing known.
    ("need to catch my breath", "AMAZON.FallbackIntent"),
    ("crack on with the next one", "AMAZON.FallbackIntent"),
    ("side is fine when i crunch", "FeelBetterIntent"),
    ("knee doesn't hurt any more", "AMAZON.FallbackIntent"),
    ("want to do the plank", "AMAZON.FallbackIntent"),
]


@pytest.mark.parametrize(("words", "answer"), READINGS)
def test_a_complaints_own_words_are_read_for_what_they_call_for(words, answer):
    assert reported(words) == answer


SPOKEN_READINGS = [
    # (words, the intent that carried them, answer). Pain the carrier named, with the chest
    # or the jaw, is an emergency; a leak not felt coming, or bowels not held, is loss of
    # control; legs that go from under you, weakness; a noise in a joint, a pop.
    ("in me chest and down the arm", "PainIntent", "UrgentIntent"),
    ("my jaw as well", "PainIntent", "UrgentIntent"),
    ("wet meself and didnt even notice", "ReportIntent", "UrgentIntent"),
    ("couldn't hold my motions", "ReportIntent", "UrgentIntent"),
    ("can't get enough air in", "ReportIntent", "UrgentIntent"),
    ("legs just went from under me", "ReportIntent", "UrgentIntent"),
    ("knee gave way on the lunge", "ReportIntent", "RedFlagIntent"),
    ("heard a funny noise in my hip", "ReportIntent", "RedFlagIntent"),
    ("knees are achin", "ReportIntent", "PainIntent"),
    ("lower back isn't happy", "ReportIntent", "PainIntent"),
    ("hip's burning and not in a good way", "ReportIntent", "PainIntent"),
    ("my back", "ReportIntent", "PainIntent"),
    ("fractured my spine in a fall", "ReportIntent", "ConditionIntent"),
    ("bones are brittle they said", "ReportIntent", "ConditionIntent"),
]


@pytest.mark.parametrize(("words", "among", "answer"), SPOKEN_READINGS)
def test_words_as_people_say_them_are_read_for_what_they_call_for(words, among, answer):
    assert reported(words, among=among) == answer


def test_a_denial_never_takes_back_a_red_flag_or_an_emergency():
    assert reported("i don't feel dizzy any more") == "RedFlagIntent"
    assert reported("no feeling down below") == "UrgentIntent"


def test_the_more_serious_reading_wins():
    assert more_serious("PainIntent", "UrgentIntent") == "UrgentIntent"
    assert more_serious("RedFlagIntent", "PainIntent") == "RedFlagIntent"
    assert more_serious("PainIntent", "AMAZON.FallbackIntent") == "PainIntent"
    # A red flag said of both legs is an emergency, though the slot did not resolve.
    assert meaning("RedFlagIntent", Slots(body_part="both_me_legs", said="both me legs")) == (
        "UrgentIntent"
    )
    assert meaning("PainIntent", Slots(said="all dizzy la")) == "RedFlagIntent"


@pytest.mark.parametrize(
    ("utterance", "intent", "report"),
    [
        (
            # (Not "my ticker is doing cartwheels": a BODY_PART and a FEELING of the heart
            # racing, so PainIntent's carrier.)
            "i reckon me old pump is going haywire",
            "ReportIntent",
            "me old pump is going haywire",
        ),
        ("oh no a drop of wee came out", "ReportIntent", "a drop of wee came out"),
        ("i'm ready", "ReadyIntent", None),  # a sample written for the words wins
        ("this hurts", "PainIntent", None),
        ("purple monkey dishwasher", "AMAZON.FallbackIntent", None),  # no carrier phrase
    ],
)
def test_a_phrase_slot_takes_words_only_beside_its_carrier_and_only_last(utterance, intent, report):
    match = NLU.understand(utterance)
    assert match.intent == intent
    if report:
        assert match.slots["report"] == {
            "name": "report",
            "value": report,
            "confirmationStatus": "NONE",
            "source": "USER",
        }  # as Alexa sends a phrase slot: the words, no entity resolution


@pytest.mark.parametrize(
    ("utterance", "intent", "answer"),
    [
        # A carrier that says what is felt belongs to that intent: Alexa sends only the words
        # after it, and the intent keeps what the carrier said.
        ("pain in the middle of my back", "PainIntent", "PainIntent"),
        ("numb around my butt", "RedFlagIntent", "UrgentIntent"),
        ("numbness on the outside of my shin", "RedFlagIntent", "RedFlagIntent"),
        ("chest feels like it's in a vice", "UrgentIntent", "UrgentIntent"),
        ("something feels off in my back", "ReportIntent", "PainIntent"),
    ],
)
def test_a_carrier_that_says_what_is_felt_keeps_saying_it(utterance, intent, answer):
    match = NLU.understand(utterance)
    assert (match.intent, coverage.answered_by(match)) == (intent, answer)
    assert "{report}" in match.sample


@pytest.mark.parametrize(
    "utterance",
    [
        "me right leg's gone weak can barely hold it up",
        "my chest went all tight like a band",
        "ooh my hip's having a right old moan",
        "both me legs have gone to jelly",
    ],
)
def test_new_words_for_a_symptom_said_during_a_set_stop_it(utterance):
    """Said two seconds into a new person's first set: nothing plays, and the answer is a
    safety answer (pain stops; a red flag or an emergency ends with advice)."""
    skill = build_skill(load_routine(), load_phrases("en-US"), adapter=answers.People())
    expected = (coverage.answered_by(NLU.understand(utterance)),)
    heard = answers.answer(in_process(skill), NLU, coverage.Row(utterance, expected, 0), length_s)
    assert "{report}" in NLU.understand(utterance).sample  # words of their own
    assert expected[0] in {"PainIntent", "RedFlagIntent", "UrgentIntent"}
    assert not heard.plays and heard.safe, (heard.turn.intent, heard.turn.speech)


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        ("ok i think i leaked", "LeakIntent"),  # unplaced words around a start: a leak's question
        ("okay feeling better mate", "FeelBetterIntent"),  # not a symptom: never pain
        ("i think my legs just gave way", "UrgentIntent"),
        ("seeing double", "RedFlagIntent"),
        ("an irregular pulse", "RedFlagIntent"),
        ("can't feel when i need to go to the loo", "UrgentIntent"),
        ("the doctor said i've got a slipped disc", "ConditionIntent"),
        ("head is reeling", "RedFlagIntent"),
        ("i've got a baby on the way", "ConditionIntent"),
        ("i passed a bit of wee by mistake", "LeakIntent"),
        ("a few drops escaped", "LeakIntent"),
    ],
)
def test_new_words_for_a_symptom_reach_the_answer_they_call_for(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


def test_getting_ones_breath_back_around_a_command_is_no_symptom():
    slots = Slots(unplaced="i'm catching my breath")
    assert meaning("WaitIntent", slots) == "WaitIntent"


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # After "I can't", Alexa sends "get my breath at all": no breath is an emergency...
        ("i can't get my breath at all", "UrgentIntent"),
        ("i can't get my breath at all how many more", "UrgentIntent"),
        ("i can't breathe properly in this position", "UrgentIntent"),
        # ... but getting it back is a rest, whoever says it.
        ("i'm catching my breath", "AMAZON.FallbackIntent"),
        # After "my", Alexa sends "back just went pop": the back is the person's own.
        ("my back just went pop how many more", "RedFlagIntent"),
        ("my knee went crack", "RedFlagIntent"),
    ],
)
def test_a_complaint_is_read_with_what_its_carrier_said(utterance, answer):
    """ReportIntent's carriers ("i can't", "my", ...) reach the skill only as the words after
    them; the reader knows which of those words a carrier can have come before."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


def test_not_being_able_to_get_ones_breath_is_no_rest():
    assert reported("i can't get my breath") == "UrgentIntent"
    assert reported("i'm struggling to get my breath") == "UrgentIntent"
    assert reported("let me catch my breath") == "AMAZON.FallbackIntent"
    # Around a command, an emergency's words are answered as one (a red flag's stop as pain,
    # unless its words mean nothing else: "dizzy").
    assert meaning("WaitIntent", Slots(unplaced="i can barely catch my breath")) == "UrgentIntent"
    assert meaning("WaitIntent", Slots(unplaced="i feel dizzy")) == "RedFlagIntent"
    assert meaning("WaitIntent", Slots(unplaced="my arm feels a bit dead")) == "PainIntent"
    # Not catching what was said is no catch in the back; a catch in the back still is.
    said = Slots(unplaced="i didn't catch it")
    assert meaning("RepeatWrappedIntent", said) == "AMAZON.RepeatIntent"
    assert reported("my back has a catch in it") == "PainIntent"


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Not feeling or moving a part of one's own is a nerve's sign: in both legs or down
        # below an emergency, elsewhere a red flag; said after "I can't" (not sent) too.
        ("i can't feel my legs", "UrgentIntent"),
        ("honestly i can't move my legs", "UrgentIntent"),
        ("i can't feel anything in my legs", "UrgentIntent"),
        ("i can't feel my bum or my inner thighs", "UrgentIntent"),
        ("i can't feel my left foot", "RedFlagIntent"),
        # ... but not feeling the exercise is a remark on form, never numbness.
        ("i can't feel it in my glutes", "FormIntent"),
        ("i can't feel my glutes working", "FormIntent"),
        ("i don't really feel the stretch", "AMAZON.FallbackIntent"),
        # A feeling that something is about to snap is a tight muscle, not a pop.
        ("my hamstring feels like it's about to snap", "PainIntent"),
        # The room moving is vertigo; a leak by another name is still a leak; none coming,
        # or one not felt, is loss of control.
        ("the whole room is moving", "RedFlagIntent"),
        ("i had a little accident just then", "LeakIntent"),
        ("i had a little accident and never felt it", "UrgentIntent"),
        ("i need to pee but nothing comes", "UrgentIntent"),
        # A denial of feeling right is a complaint; "not able to" denies nothing.
        ("something in my back doesn't feel right", "PainIntent"),
        ("there's a catch in my neck and i'm not able to turn", "PainIntent"),
        ("i gave birth six weeks ago", "ConditionIntent"),
    ],
)
def test_how_a_physiotherapist_would_read_these_words(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Anyone may begin with a cry, a filler or who they are talking to ...
        ("ach my lower back is giving me gyp", "PainIntent"),
        ("honey my knee is burning", "PainIntent"),
        ("pardon me a bit of urine escaped", "LeakIntent"),
        ("sneezed and some wee came out", "LeakIntent"),
        # ... or with a joint said without "my", or the heart by a nickname: a red flag at
        # least, whatever follows.
        ("knees are creaking and aching", "PainIntent"),
        ("ticker's going like a drum", "RedFlagIntent"),
        # An accent written as it sounds is the word speech recognition writes.
        ("ma chest is awfy tight", "UrgentIntent"),
        ("cannae get a breath in", "UrgentIntent"),
    ],
)
def test_a_complaint_may_begin_as_anyone_begins(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        ("back's feeling pretty good today", "FeelBetterIntent"),  # an unlisted feeling, well
        ("my back is not too good", "PainIntent"),  # never "better": a complaint
    ],
)
def test_words_that_say_it_is_well_are_no_complaint_and_a_denial_no_praise(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Stop with a complaint: the complaint answers (it stops too, and a red flag's or an
        # emergency's advice is never lost to a plain goodbye) ...
        ("stop stop i feel dizzy", "RedFlagIntent"),
        ("stop stop my chest is tight", "UrgentIntent"),
        # ... and with anything else, it stops.
        ("stop stop the dog is barking", "AMAZON.StopIntent"),
    ],
)
def test_stop_said_with_a_complaint_is_answered_as_the_complaint(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    "utterance",
    [
        "i'm wrecked, that's me finished for the day",  # tired, not in pain
        "come again, i never caught that",
        "okay i'm set, let her rip",  # no tear
        "i don't like this one, can we skip it",  # taste, not pain
        "am i nearly finished, i'm dying for a cuppa",
        "that's dead easy that, make it harder",
        "give us a minute, me flatmate's banging on the door",
        "just play it without me talking, my hands are full",  # busy, not a complaint
        "okay the baby's asleep, let's do my back stuff quick",  # no numb limb
        "let me have a go at that again, i did it proper wrong",  # done badly, not wrong
        "ah'm pure knackered, can ye make it a bit easier",  # tired
        "i'm buzzing, that was about right",  # delighted
        "right let's do the back routine while he's asleep",  # no numb limb
        "how are these exercises good for back pain",  # a question, not a complaint
        "my back's a lot better today thank god",  # the back is what is better
        "right, the little one's gone to sleep, let's do my back stuff",  # no numb limb
        "pause it, the dog has pulled the blanket off",  # no pulled muscle
        "hang on, the dog's sitting on my chest",  # no pressure on the chest
        "my knees are on the towel now, off we go",  # where the knees are, not a complaint
        "my back feels nice and loose this morning",  # better, not a complaint
        "i messed myself up lifting last year",  # an injury, not the bowels
        "the pressure's really high on this one, can we ease off",  # the exercise, not the blood
    ],
)
def test_everyday_sayings_with_a_symptoms_words_are_no_complaint(utterance):
    assert coverage.answered_by(NLU.understand(utterance)) not in answers.SAFE


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        ("my leg is asleep", "RedFlagIntent"),
        ("the baby's asleep and my leg is numb", "RedFlagIntent"),
        ("my leg's buzzing", "RedFlagIntent"),
        ("i did it wrong and now my back hurts", "PainIntent"),
        ("she's asleep and my leg is numb", "RedFlagIntent"),
        ("my back isn't a lot better", "PainIntent"),
    ],
)
def test_the_same_words_said_of_the_body_are_still_a_symptom(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


def test_an_everyday_saying_naming_the_body_beside_a_command_leaves_the_command():
    """ "my hands are full" names the hands but says nothing of them: a move said with it is
    made, where "hang on, my back just went pop" is a guess either way and moves nothing."""
    assert coverage.answered_by(NLU.understand("skip this one, my hands are full")) == (
        "AMAZON.NextIntent"
    )
    assert coverage.answered_by(NLU.understand("next one, my back just went")) == (
        "AMAZON.FallbackIntent"
    )


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Saying it is well, taken back by the words before: a complaint.
        ("that did not feel good at all yaar", "PainIntent"),
        # A condition's carrier with words the model does not list: what they say.
        ("oh dear, i've had a little leak", "LeakIntent"),
        # The slots' words read in the order said ("i had a new" "hip" "done in" ...): a new
        # hip is surgery, never "done in" as sore.
        ("i had a new hip done in march, is that alright", "ConditionIntent"),
        # How a complaint also begins: "getting ...", "there are ...".
        ("getting awful dizzy, like i'm on a boat in a swell", "RedFlagIntent"),
        ("there are black spots before my eyes", "RedFlagIntent"),
    ],
)
def test_the_twelfth_rounds_structure(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # An aside may hold a vague word ("something"), and be up to a breathless sentence
        # long: the complaint in it is read, as any command's aside is.
        ("skip this one, me shoulder's playing up something shocking", "PainIntent"),
        ("can we do something easier", "EasierIntent"),  # on the mat, the exercise made easier
        ("can we stop, my tailbone is not happy on this floor", "PainIntent"),
        # "Okay" with a complaint around it, or taken back, is no "better".
        ("something is not okay in my neck, it is hurting", "PainIntent"),
        # Something off with a part of the body: pain.
        ("nah something's off with me back", "PainIntent"),
        # Stopping for today with a reason after it: the goodbye's carrier says more than a
        # complaint's "that's ..."; a long aside said first is what was said.
        ("that's it for me today, i'm off down the wharf", "AMAZON.StopIntent"),
        ("i've gone a bit giddy, hang on", "RedFlagIntent"),
        # "Giddy" is dizzy (UK, India): a red flag among a command's words too.
        ("how many left, i'm feeling giddy", "RedFlagIntent"),
    ],
)
def test_the_thirteenth_rounds_structure(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # A heart racing, pounding or skipping, and nothing else felt: palpitations, a red
        # flag (stop, medical advice today), in a feeling's carrier or in words of their own.
        ("my heart's skipping beats, dear", "RedFlagIntent"),
        ("heart's pounding bruh", "RedFlagIntent"),
        ("my heart's racing and it won't slow down", "RedFlagIntent"),
        # With chest pain or pressure, breathlessness or faintness: an emergency.
        ("my heart is racing and my chest hurts", "UrgentIntent"),
        ("my heart's racing and i can't breathe", "UrgentIntent"),
        ("my heart is pounding and i feel faint", "UrgentIntent"),
        ("my heart is pounding and there's pressure in my chest", "UrgentIntent"),
        ("pain in my heart", "UrgentIntent"),
        # The heart hurting is chest pain, however it is said (it was a red flag while a
        # RedFlagIntent carrier took "my heart {feeling}" whatever the feeling).
        ("my heart hurts", "UrgentIntent"),
        ("my heart is aching", "UrgentIntent"),
        ("my heart feels weird and tight", "UrgentIntent"),
        # The heart racing in words no feeling lists is still palpitations alone.
        ("my heart feels like it's skipping beats", "RedFlagIntent"),
        ("my heart is palpitating", "RedFlagIntent"),
        ("my pulse is all over the place", "RedFlagIntent"),
    ],
)
def test_palpitations_alone_are_a_red_flag_and_with_chest_pain_an_emergency(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


def test_triage_reads_the_heart_racing_as_palpitations_and_any_other_feeling_there_as_urgent():
    assert severity(PALPITATIONS, "chest") is Severity.RED_FLAG
    assert severity("pain.sore", "chest") is Severity.URGENT
    assert severity(None, "chest") is Severity.URGENT
    assert severity(PALPITATIONS, None) is Severity.RED_FLAG


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Not able to pass urine, or to feel when one needs the toilet; nothing that will
        # come: loss of bladder control, an emergency.
        ("i am unable to pass urine since morning", "UrgentIntent"),
        ("i haven't been able to feel when i need the toilet since yesterday", "UrgentIntent"),
        ("i need to wee but nothing'll come out", "UrgentIntent"),
        # Something sitting on the chest is pressure on it; the chest alone, cried out.
        ("feels like an elephant sittin on my chest", "UrgentIntent"),
        ("my chest", "UrgentIntent"),
        # A burn "not a good one" is a complaint said as a denial.
        ("my abs are burning, like a bad burn not a good one", "PainIntent"),
        # Not being able to do something is still no denial.
        ("i am not able to turn, my back is killing me", "PainIntent"),
        # An exercise named with how it hurt ("that lunge twanged my hamstring"): the words
        # are feelings, read after "that ..." (one template no longer lists the exercises).
        ("that lunge twanged my hamstring", "PainIntent"),
        ("this plank cricked my neck", "PainIntent"),
        ("that bridge really injured my chest", "UrgentIntent"),
        # The fourteenth dev half (session 21): a mule "settin'" on the chest is pressure on
        # it; pain running into an arm is the heart's, as the jaw's is (pins and needles
        # there are a nerve's); a piddle let go is a leak; "I'll not pretend it isn't" and
        # "not gonna lie" deny nothing; "giving me curry" is pain; a kink is stiffness; a
        # sudden pop, "ooft" and "not able to breathe, please help" begin as complaints do.
        ("feels like a mule's settin' on my chest", "UrgentIntent"),
        ("the pain's runnin' down into me left arm", "UrgentIntent"),
        ("pins and needles running down my arm", "RedFlagIntent"),
        ("i let a little piddle go there when i pushed, just a drop", "LeakIntent"),
        ("that's sore, that, i'll not pretend it isn't", "PainIntent"),
        ("that's sore, not gonna lie", "PainIntent"),
        ("that's givin' me a bit of curry in the hip", "PainIntent"),
        ("got a kink in me neck now from that", "PainIntent"),
        ("sudden pop sound in my back and severe pain", "RedFlagIntent"),
        ("ooft, that's catchin' me right in the side", "PainIntent"),
        ("not able to breathe properly, please help", "UrgentIntent"),
        # How the heart races ("weird") is no pain with it; the heart feeling weird is.
        ("my heart's racing weird", "RedFlagIntent"),
        ("my heart feels weird", "UrgentIntent"),
    ],
)
def test_the_thirteenth_dev_halfs_readings(utterance, answer):
    assert coverage.answered_by(NLU.understand(utterance)) == answer


def test_a_vague_word_fills_no_slot_but_an_aside_may_hold_one():
    """ "something" says nothing as a value ("my back is something"); in words around a
    command it is part of an aside ("... playing up something shocking")."""
    assert not unlisted_value(["something"], "FEELING")
    assert not unlisted_value(["really", "something"], "FEELING")
    assert not unlisted_value(["something"], "WORDS_AFTER")
    assert unlisted_value("me shoulder's playing up something shocking".split(), "WORDS_AFTER")


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # A click once, with pain: a pop (a red flag); clicking alone, or that aches, is not.
        ("something clicked in my hip and there's a sharp pain now", "RedFlagIntent"),
        ("my knee clicks when i lunge", "PainIntent"),
        ("my hip is clicking and it hurts", "PainIntent"),
        # Both legs that won't move, and no longer feeling the need to pee: emergencies.
        ("i can't stand up, my legs won't move", "UrgentIntent"),
        ("i don't feel when i need to pee since this morning", "UrgentIntent"),
        # What was done to it, said first, is pain; a condition in everyday words is one.
        ("pulled something in my back on that lunge", "PainIntent"),
        ("i had a hysterectomy last month, is that okay", "ConditionIntent"),
        ("i had a section eight weeks ago", "ConditionIntent"),
        ("my pressure is high and i ran out of my tablets", "ConditionIntent"),
        ("pressure on the chest, it won't go", "UrgentIntent"),
        ("hold it, there's pain going down my left arm", "UrgentIntent"),
    ],
)
def test_the_fifteenth_rounds_readings(utterance, answer):
    """Session 22's readings from the fifteenth round's development half, in other words."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # The heart said to skip or race among a command's words is a red flag, not a guess.
        ("hold on, my heart is skipping all over the place", "RedFlagIntent"),
        ("my heart is going a mile a minute", "RedFlagIntent"),
        # A foot gone to sleep is numb (a baby gone to sleep is no complaint, below).
        ("my left foot has gone to sleep and it won't come back", "RedFlagIntent"),
        # Complaints said with a "not": it isn't helping, it doesn't care for it, not moving well.
        ("my neck is aching from the drive and this isn't helping", "PainIntent"),
        ("ugh, my hip doesn't care for this at all", "PainIntent"),
        ("my back is stiff, it's not moving properly", "PainIntent"),
        # No longer telling when the bladder is full, and breath that won't come: emergencies.
        ("i can't feel when i need the loo anymore", "UrgentIntent"),
        ("i've not been able to tell when i need to pee all day", "UrgentIntent"),
        ("i can't seem to catch my breath at all", "UrgentIntent"),
        # A little pee is a leak's question; "owch" is "ouch"; bones very thin are a condition.
        ("oops, a tiny bit of wee there", "LeakIntent"),
        ("owch my knee", "PainIntent"),
        ("my doctor told me my bones are very thin", "ConditionIntent"),
        # A toddler pulling something over is no pulled muscle.
        ("pause it, she's knocked the lamp over", "AMAZON.PauseIntent"),
    ],
)
def test_the_sixteenth_rounds_readings(utterance, answer):
    """Session 23's readings from the sixteenth round's development half, in other words."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # A baby weeks old, "months along", pressure "sky high": conditions in words of their own.
        ("my little one is only three weeks old, is this okay", "ConditionIntent"),
        ("oh by the way i'm five months along", "ConditionIntent"),
        ("my pressure's sky high and the tablets aren't working", "ConditionIntent"),
        # The bladder or bowels in other words, with no control or nothing coming: emergencies.
        ("i've been busting to go all morning but nothing comes out", "UrgentIntent"),
        ("i can't feel when i need to go to the washroom anymore", "UrgentIntent"),
        ("i've lost control of the waterworks", "UrgentIntent"),
        ("i can't pee, trying since lunch", "UrgentIntent"),
        ("i messed myself and i didn't even feel it", "UrgentIntent"),
        ("i've had an accident just now, i never felt a thing", "UrgentIntent"),
        # Legs that "just went", breath that can't be drawn, air that won't come: emergencies.
        ("both my legs just went on me", "UrgentIntent"),
        ("i can't draw a breath", "UrgentIntent"),
        ("i can't get air in, it's like breathing through a straw", "UrgentIntent"),
        # The heart (the "ticker") doing a drum solo, going flat chat: palpitations.
        ("my heart is doing a drum solo", "RedFlagIntent"),
        ("me ticker's going flat chat", "RedFlagIntent"),
        # Urine "released", a little: the leak's question.
        ("i think i released some urine", "LeakIntent"),
    ],
)
def test_the_seventeenth_rounds_readings(utterance, answer):
    """Session 24's readings from the seventeenth round's development half, in other words."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # Breath one is "unable" to draw: an emergency, as "can't breathe" is.
        ("i'm unable to breathe properly", "UrgentIntent"),
        # "Weeks along" or "months along", wherever the number went: pregnant.
        ("we're about seven months along now", "ConditionIntent"),
        ("i'm only eight weeks along", "ConditionIntent"),
        # Feeling "lost" is numbness: down below or in both legs an emergency, in one foot a
        # red flag.
        ("i've lost all sensation in my groin", "UrgentIntent"),
        ("lost all feeling in both legs", "UrgentIntent"),
        ("i've lost the feeling in my right foot", "RedFlagIntent"),
        # South Africa's "lekker" is good.
        ("my back feels lekker today", "FeelBetterIntent"),
    ],
)
def test_the_eighteenth_rounds_readings(utterance, answer):
    """Session 25's readings from the eighteenth round's development half, in other words."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        # A "not" after the complaint, or before a "but" that comes before it, is no denial
        # of it: the set stops.
        ("i don't want to be dramatic but my lower back is burning", "PainIntent"),
        ("i don't like to moan but my knee is throbbing", "PainIntent"),
        ("my shoulder's sore and it's not easing off", "PainIntent"),
        # A "not" said before the complaint still denies it ("did something hurt?").
        ("my back isn't sore", FALLBACK),
        ("it doesn't hurt", "FeelBetterIntent"),
    ],
)
def test_the_nineteenth_rounds_readings(utterance, answer):
    """Session 26's readings from the nineteenth round's development half, in other words."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        ("my knees are getting stronger, can you make it harder", "HarderIntent"),
        ("my hips feel way looser now, what's next", "WhatsNextIntent"),
        ("me back's feeling stronger, how many sets are left", "SetsLeftIntent"),
    ],
)
def test_the_body_said_to_be_better_beside_a_command_leaves_the_command(utterance, answer):
    """Words that say the body is better ("my knees are getting stronger") are no complaint,
    so a command said with them answers, as beside words that say nothing wrong."""
    assert coverage.answered_by(NLU.understand(utterance)) == answer
