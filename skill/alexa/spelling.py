"""How speech recognition writes what people say, spelled one way: the interaction model's
samples are written so, and the simulator and the skill read words the same way."""

from __future__ import annotations

import re

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
    "its": "it's",
    "there is": "there's",
    "theres": "there's",
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
"""Spellings of a contraction, to the one the model's samples use (speech recognition writes
either)."""
CONTRACTION = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(map(re.escape, sorted(CONTRACTIONS, key=len, reverse=True)))
    + r")(?![\w'])"
)
KEEPS_APOSTROPHE_S = frozenset(
    "it that what let there here he she who where how everything something nothing".split()
)
"""Words whose "'s" stays as written; after any other word ("my back's sore") it is "is"."""
_NOUN_S = re.compile(r"(?<![\w'])(\w+)'s(?![\w'])")
HESITATIONS = frozenset("um umm uh uhh er erm hmm mm uhm".split())
"""Sounds that speech recognition leaves out of what it hears."""


def normalise(text: str) -> str:
    """Lowercase, no punctuation but apostrophes inside words, single spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("-", " ")
    text = re.sub(r"[^\w']+|_", " ", text)
    text = re.sub(r"(?<!\w)'+|'+(?!\w)", " ", text)
    return " ".join(text.split())


DROPPED_G = re.compile(r"(?<![\w'])(\w+in)'(?![\w'])")
"""A dropped g written as such ("spinnin'", "countin'"): speech recognition writes the word."""
BARE_DROPPED_G = re.compile(r"^[a-z]{2,}[^aeiou\W]in$")
"""A dropped g written without its apostrophe ("holdin", "mornin", "tryin"): a consonant
before "in", so that "pain", "groin", "again" and "explain" are never touched."""
ENDS_IN_IN = frozenset(
    "begin within cabin robin basin cousin margin origin violin raisin muffin pumpkin napkin"
    " satin admin login vitamin aspirin insulin toxin bulletin dolphin cumin resin javelin"
    " goblin muslin kevin austin martin dublin berlin latin gremlin cretin chagrin gherkin"
    " bumpkin paraffin coffin griffin boffin tiffin tarpaulin heroin".split()
)
"""Words that end so as written: never a dropped g."""
EYE_DIALECT = {
    "ma": "my", "mah": "my", "cannae": "can't", "canna": "can't", "dinnae": "don't",
    "didnae": "didn't", "isnae": "isn't", "wasnae": "wasn't", "couldnae": "couldn't",
    "wouldnae": "wouldn't", "awfy": "awful", "roon": "round", "gie": "give", "giein": "giving",
    "ah'm": "i'm", "yer": "your", "summat": "something", "nowt": "nothing", "owt": "anything",
    "lil": "little", "cuz": "because", "coz": "because", "doon": "down", "tae": "to",
    "hud": "hold", "owch": "ouch",
    # Dropped g's too short, or with a vowel before "in", for BARE_DROPPED_G.
    "doin": "doing", "goin": "going", "lyin": "lying", "seein": "seeing", "bein": "being",
    "dyin": "dying",
}  # fmt: skip
"""An accent written as it sounds ("ma back", "cannae"): speech recognition writes words from
its vocabulary, the standard word; only spellings with one standard word are here."""
_EYE_DIALECT = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(map(re.escape, sorted(EYE_DIALECT, key=len, reverse=True)))
    + r")(?![\w'])"
)


AFFIRMING_SOUNDS = re.compile(r"(?<![\w'])(?:uh[- ]huh|mm[- ]hmm|mmhmm|mhmm)(?![\w'])")
"""A yes said as a sound ("uh-huh", "mm-hmm"): heard as "mhm", the listed yes word, never
dropped as two hesitations ("huh" alone asks what was said)."""


def canonical(text: str) -> str:
    """Normalised, with contractions spelled one way ("i am" and "im" both as "i'm", "my
    back's" as "my back is"), words written as dictionary words ("countin'" and "holdin" as
    "counting" and "holding", "ma" as "my"), and without hesitations ("um")."""
    text = DROPPED_G.sub(r"\1g", text.lower().replace("\u2019", "'"))
    text = AFFIRMING_SOUNDS.sub("mhm", text)
    text = _EYE_DIALECT.sub(lambda m: EYE_DIALECT[m.group(0)], text)
    # "'s" first: "my back's not happy" is "my back is not", then "isn't", as the samples.
    text = _NOUN_S.sub(
        lambda m: m.group(0) if m.group(1) in KEEPS_APOSTROPHE_S else f"{m.group(1)} is",
        normalise(text),
    )
    text = CONTRACTION.sub(lambda m: CONTRACTIONS[m.group(0)], text)
    return " ".join(_with_g(w) for w in text.split() if w not in HESITATIONS)


def _with_g(word: str) -> str:
    """A word with a dropped g written without its apostrophe, as the dictionary word."""
    return word + "g" if word not in ENDS_IN_IN and BARE_DROPPED_G.match(word) else word
