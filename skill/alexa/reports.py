"""A complaint in the person's own words: what the words of ReportIntent's phrase slot call for.

Alexa sends a phrase slot's words as heard, so the skill can read a sentence no sample was
written for ("me heart's going like the clappers", "a little pee escaped on the lunge"). It
reads them with the interaction model's own words for feelings, body parts and conditions
(feelings.py), and the rules of triage.py; the few words here are what the model says only
in whole sentences (breathing, bladder control, a leak). Conservative by design: the more
serious reading wins, and words naming where it hurts with no feeling we know are pain.
"""

from __future__ import annotations

import re

from backcoach.skill.alexa.feelings import ids_in
from backcoach.skill.domain.triage import HEART, SADDLE_OR_BOTH_LEGS, VISION, Severity

LEAK = "LeakIntent"
CONDITION = "ConditionIntent"
NOT_UNDERSTOOD = "AMAZON.FallbackIntent"

NEGATIONS = frozenset(
    "not no don't dont doesn't didn't isn't aren't wasn't never nothing without".split()
)
"""Words that turn plain pain words around ("it doesn't hurt"); never a red flag's or an
emergency's words, where a wrong "no" would cost more than a wrong "yes"."""
BREATH = re.compile(r"\b(breathe|breath|breathing|breathless|air)\b")
STRUGGLE = re.compile(
    r"\b(can't|cannot|can not|couldn't|struggling|struggle|hard|trouble|difficult|difficulty"
    r"|gasping|short of|not getting|no|tight|barely|hardly)\b"
)
"""Breath with one of these is trouble breathing: an emergency. Breath alone is not ("let
me catch my breath" is a rest)."""
CHEST_PRESSURE = re.compile(
    r"\b(pain|pains|pressure|heavy|heaviness|weight|squeez\w*|crush\w*|tight\w*|band)\b"
)
BLADDER = re.compile(r"\b(bladder|bowel|bowels|toilet|loo|pee|wee|urine|poo|urinate)\b")
NO_CONTROL = re.compile(
    r"\b(control|can't|cannot|couldn't|lost|no feeling|didn't feel|can't feel|full|stop it)\b"
)
"""Bladder or bowel words with one of these are new loss of control: an emergency."""
LEAKED = re.compile(
    r"\b(leak\w*|dribbl\w*|peed|weed|wet (myself|meself|my pants|my knickers)"
    r"|pissed (myself|meself)|(pee|wee|urine) (came out|escaped|came))\b"
)
RESTING = re.compile(r"\b(catch|get) (my|me|a|your) breath( back)?\b")
"""Getting one's breath back is a rest, not a symptom ("catch" is also a pinching word)."""
SEEING = re.compile(r"\bseeing\b.*\b(spots|stars|double|flashes|lights|things)\b")
"""Seeing what isn't there: a change in vision, a red flag."""
POP = "red_flag.pop"
EXERCISE_WORDS = frozenset({"crunch", "crunched", "crunching"})
"""Feeling words that also name a move ("when I crunch"): not a symptom in a sentence."""
POSSESSIVE = re.compile(r"^(my|me|both) ")
"""A body part said as the person's own ("my knee", "me back"): where something is wrong."""
TELLING = frozenset("is are 's feels feel has have keeps went gone getting doing".split())
"""Words after a body part that say something about it ("my wrist is doing a thing"), unlike
"my back exercises" or "lying on my back"."""
HAPPENING = frozenset("giving killing hurting playing acting bothering".split())
"""Words that begin what is happening to a body part, after "that's" or "it's"."""


SERIOUSNESS = {
    NOT_UNDERSTOOD: 0,
    Severity.WELL.value: 1,
    Severity.PAIN.value: 2,
    LEAK: 3,
    CONDITION: 3,
    Severity.RED_FLAG.value: 4,
    Severity.URGENT.value: 5,
}
"""How much each answer does for the person's safety: a leak's question and a physician's
okay come before pain's easing; a red flag ends the session; an emergency calls for help."""


def more_serious(first: str, second: str) -> str:
    """The more serious of two readings (the first on a tie)."""
    return second if SERIOUSNESS.get(second, 0) > SERIOUSNESS.get(first, 0) else first


def reported(words: str, among: str = "") -> str:
    """The intent whose operation answers a complaint said in these words; `among`, the
    intent whose slots carried them (a red flag's carrier already says what is felt)."""
    text = RESTING.sub(" ", " ".join(re.sub(r"[^\w']+", " ", words.lower()).split()))
    conditions = ids_in("CONDITION", text)
    text = _without(text, conditions)  # "weak bones" is osteoporosis, not weakness
    feelings = [(f, said) for f, said in ids_in("FEELING", text) if said not in EXERCISE_WORDS]
    parts = ids_in("BODY_PART", text)
    kinds = {feeling.split(".")[0] for feeling, _ in feelings}
    where = {part for part, _ in parts}
    own = any(POSSESSIVE.match(said) for _, said in parts)
    telling = any(_subject(text, said) for _, said in parts if POSSESSIVE.match(said))
    symptom = bool(kinds - {"well"})
    if BREATH.search(text) and STRUGGLE.search(text):
        return Severity.URGENT.value
    if where & HEART and (symptom or CHEST_PRESSURE.search(text)):
        return Severity.URGENT.value
    if BLADDER.search(text) and NO_CONTROL.search(text):
        return Severity.URGENT.value
    if ("nerve" in kinds or among == Severity.RED_FLAG.value) and where & SADDLE_OR_BOTH_LEGS:
        return Severity.URGENT.value
    flags = {feeling for feeling, _ in feelings if feeling.startswith("red_flag.")}
    if "nerve" in kinds or flags - {POP}:
        return Severity.RED_FLAG.value
    if POP in flags and (own or "pain" in kinds):  # "crack on" is no crack: not without either
        return Severity.RED_FLAG.value
    if (where & VISION and (symptom or not feelings)) or SEEING.search(text):
        return Severity.RED_FLAG.value
    if LEAKED.search(text):
        return LEAK
    if conditions:
        return CONDITION
    # A denial outside the feeling's own words ("not happy" is a complaint, "not sore" isn't).
    negated = bool(NEGATIONS.intersection(_without(text, feelings).split()))
    if "pain" in kinds or (telling and not feelings):
        return NOT_UNDERSTOOD if negated else Severity.PAIN.value
    if kinds == {"well"}:
        return Severity.WELL.value
    return NOT_UNDERSTOOD


def _subject(text: str, part: str) -> bool:
    """Whether the words tell of a body part: it begins them and a verb follows ("my wrist is
    doing a thing"), or they begin with what is happening to it ("feels off in my back")."""
    if text.split()[0] in TELLING | HAPPENING:
        return True
    rest = text.split(part, 1)[1].split() if text.startswith(part) else []
    return bool(rest) and (rest[0] in TELLING or rest[0].startswith("'"))


def _without(text: str, found: list[tuple[str, str]]) -> str:
    """The words with each value found among them (as `ids_in` gives them) taken out."""
    for _, said in found:
        text = re.sub(rf"(?<![\w']){re.escape(said)}(?![\w'])", " ", text)
    return text
