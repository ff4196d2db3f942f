"""How serious a complaint is, from what it feels like and where (the model's FEELING and
BODY_PART slot ids).

A feeling's id names its kind before the dot (`nerve.numb`, `pain.burning`), so the model's
data says what each word means and this table says what each kind calls for. Conservative
by design: anything not recognised is pain, and pain stops the exercise.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """What a complaint calls for (the values are the intents that answer it)."""

    WELL = "FeelBetterIntent"
    """ "My back feels fine": no complaint."""
    PAIN = "PainIntent"
    """Stop this exercise, ease it, offer to skip or stop."""
    RED_FLAG = "RedFlagIntent"
    """Stop for today and get medical advice."""
    URGENT = "UrgentIntent"
    """Call emergency services."""


KINDS: dict[str, Severity] = {
    "well": Severity.WELL,
    "pain": Severity.PAIN,
    "red_flag": Severity.RED_FLAG,
    # Numbness, tingling, weakness: a nerve under pressure (NICE CKS, "Sciatica"; NHS,
    # "Cauda equina syndrome"): a red flag, an emergency in both legs or down below.
    "nerve": Severity.RED_FLAG,
}
SADDLE_OR_BOTH_LEGS = frozenset({"groin", "buttock", "legs"})
"""Where numbness or weakness means possible cauda equina syndrome: an emergency."""
HEART = frozenset({"chest"})
"""Where any pain or pressure means get urgent help (chest pain during exercise)."""
PALPITATIONS = "red_flag.racing"
"""A heart racing, pounding or skipping beats, and nothing else felt: stop and get medical
advice today; with chest pain, breathlessness or faintness, an emergency (NHS, "Heart
palpitations": 999 only with those)."""
VISION = frozenset({"eyes"})
"""Where anything felt is a change in vision: a red flag."""


def severity(feeling: str | None, body_part: str | None) -> Severity:
    """What a complaint calls for; an unknown or missing feeling is pain."""
    kind = KINDS.get((feeling or "").split(".")[0], Severity.PAIN)
    if kind is Severity.WELL:
        return kind
    if body_part in HEART:
        return Severity.RED_FLAG if feeling == PALPITATIONS else Severity.URGENT
    if feeling and feeling.startswith("nerve.") and body_part in SADDLE_OR_BOTH_LEGS:
        return Severity.URGENT
    return Severity.RED_FLAG if body_part in VISION else kind


def red_flag(body_part: str | None) -> Severity:
    """What a red flag calls for: urgent where it is (numbness down below, in both legs, anything
    in the chest), else medical advice today."""
    if body_part in SADDLE_OR_BOTH_LEGS or body_part in HEART:
        return Severity.URGENT
    return Severity.RED_FLAG
