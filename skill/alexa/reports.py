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

from backcoach.skill.alexa.feelings import ids_in, names_the_body
from backcoach.skill.domain.lazy_pattern import LazyPattern
from backcoach.skill.domain.triage import (
    HEART,
    PALPITATIONS,
    SADDLE_OR_BOTH_LEGS,
    VISION,
    Severity,
)

LEAK = "LeakIntent"
CONDITION = "ConditionIntent"
NOT_UNDERSTOOD = "AMAZON.FallbackIntent"
REPORT = "ReportIntent"
"""A complaint in the person's own words: a phrase slot carries them whole."""

NEGATIONS = frozenset(
    "not no don't dont doesn't didn't isn't aren't wasn't never nothing without".split()
)
"""Words that turn plain pain words around ("it doesn't hurt"); never a red flag's or an
emergency's words, where a wrong "no" would cost more than a wrong "yes"."""
BREATH = LazyPattern(r"\b(breathe|breath|breathing|breathless|air)\b")
STRUGGLE = LazyPattern(
    r"\b(can't|cannot|can not|couldn't|struggling|struggle|hard|trouble|difficult|difficulty"
    r"|gasping|short of|not getting|no|tight|barely|hardly|any|enough|not able|unable"
    r"|full sentences|a sentence|through a straw)\b"
)
"""Breath with one of these is trouble breathing: an emergency. Breath alone is not ("let
me catch my breath" is a rest)."""
CHEST_PRESSURE = LazyPattern(
    r"\b(pain|pains|pressure|heavy|heaviness|weight|squeez\w*|crush\w*|tight\w*|band|elephant"
    r"|(sitt|sett|stand|press|push)(ing|in)? on|sat on)\b"
)
BLADDER = LazyPattern(
    r"\b(bladder|bowel|bowels|toilet|loo|pee|wee|urine|poo|urinate|motion|motions|stool|stools"
    r"|bathroom|restroom|washroom|waterworks|busting to go)\b"
)
NO_CONTROL = LazyPattern(
    r"\b(control|can't|cannot|couldn't|lost|no feeling|didn't feel|can't feel|full|stop it"
    r"|not coming|won't come|nothing('ll| will| is|'s)? (comes?|came|coming|happens)|been trying"
    r"|(don't|do not) (feel|know) when|no sensation)\b|^(feel|tell|know) when\b"
    r"|^(pee|wee|urinate|pass (urine|water))\b.*\b(trying|since (this )?(morning|last night"
    r"|yesterday|lunch)|for hours|all (day|morning))\b"
)
"""Bladder or bowel words with one of these are new loss of control, or none coming: an
emergency (words beginning "feel when", or "pee, trying since morning", followed "I can't",
which Alexa does not send)."""
LEAKED = LazyPattern(
    r"\b(leak\w*|dribbl\w*|tinkl\w*|peed|weed|pee'd|wee'd"
    r"|wet (myself|meself|my pants|my knickers|my trousers|my shorts|my leggings|a bit|a little)"
    r"|pissed (myself|meself)|(pee|wee|urine) (came out|come out|comes out|coming out"
    r"|escaped|escape|came|come|comes|passed|slipped out)"
    r"|passed (a )?(little |bit of |some )?(urine|wee|pee)|drops? (escaped|came out)"
    r"|(a little|a small|a bit of an|a tiny|a slight) accident|(stress )?incontinence"
    r"|(had|having) an accident (just now|there|right now|now|on the mat|again)"
    r"|let (a bit|a little|a little bit|some|a drop|a dribble|a tiny bit)( of)?"
    r"( (wee|pee|urine|piddle|widdle))? go|piddled (myself|meself)"
    r"|squeezed out (a bit|a little|a drop|some)( of)? (wee|pee|urine)"
    r"|(little|tiny|small) (bit|drop|dribble|trickle) of (wee|pee|urine)"
    r"|released (some |a (little |tiny )?(bit |drop )?(of )?)?(urine|wee|pee))\b"
)
UNFELT = LazyPattern(
    r"\b(didn't|did not|couldn't|could not|can't|cannot|without)( even)? (feel|feeling|notice"
    r"|noticing|know|knowing|tell)\b|\bnever (happened|done that|had that)\b"
    r"|\b(can't|couldn't|cannot) stop( it)?\b|\bnever (felt|noticed|knew)\b"
    r"|\b(is not|was not)( even)? (feel|felt|notice|noticed|know|knew)\b"
)
"""A leak not felt coming, or not stopping: new loss of sensation or control, an emergency
(a little leak on a cough is a question, not an emergency; "I ain't feel it coming" is
written "is not feel" by `_spoken`)."""
BOWEL_ACCIDENT = LazyPattern(
    r"(?<!nearly )(?<!almost )(?<!near )\b(messed|soiled|pooed|pooped|pood|shat|shit)"
    r" (myself|meself|my pants|my trousers|my knickers|my undies)\b(?! up)"
)
"""A bowel accident ("I messed myself"): new loss of bowel control, an emergency, where a
little urine is a leak's question ("I messed myself up" is an injury, "I nearly shat myself"
a fright)."""
GAVE_WAY = LazyPattern(
    r"\b(gave way|give way|gives way|given way|giving way|gave out|give out|gives out|giving out"
    r"|went out|from under (me|us)"
    r"|buckl\w*|collaps\w*|won't hold me|can't hold me|can't take my weight"
    r"|can't put (any )?weight on|can't bear weight|can't stand on|can't stand up(?! straight)"
    r"|(legs?|knees?)( have| has)?( just| suddenly)+ (went|gone)(?= (i|and|so|now|on me)\b|$))\b"
)
"""A leg or legs giving way ("both my legs just went, I can't stand up"), or no weight on it:
weakness or injury, urgent where both legs go ("my legs went numb" is numbness, "my legs
have gone" only tired)."""
BOTH = LazyPattern(r"\b(both|either|the two of them)\b")
"""Both feet or both legs said without naming the legs ("my foot give way, both of them")."""
ARM_SPREAD = LazyPattern(
    r"\b(running|going|spreading|shooting|radiating|travelling|traveling|moving|goes|runs"
    r"|spreads|shoots|radiates|went) (down|into|up|to|through|along)( into| to)?"
    r" (my|me|the) ((left|right) )?arm\b"
)
"""Pain spreading into an arm ("the pain's running down into me left arm"): the heart's, as
pain in the jaw may be."""
ODD = frozenset({"weird", "funny", "strange", "odd"})
"""Feeling words that only say something is unusual: with the heart racing ("racing weird")
they say how it races, not that anything hurts."""
HONESTLY = LazyPattern(
    r"\b(i'll not|i will not|i won't|won't|i'm not going to|i'm not gonna|not gonna|not going to"
    r"|no) (lie|pretend|kid you)( (it isn't|it is not|it's not|it ain't|otherwise))?\b"
)
"""Saying a thing plainly ("that's sore, I'll not pretend it isn't", "not gonna lie"): no
denial of it."""
NO_HELP = LazyPattern(r"\b(not|doesn't) help(ing|ful|s)?\b")
"""Something making it worse ("my wrist is hurting from work, this ain't helping"): a
complaint's words, no denial of it."""
JAW = LazyPattern(r"\bjaw\b")
"""Pain in the jaw during exertion, alone or with the arm or chest, may be the heart's."""
SOUND = LazyPattern(r"\b(sound|noise|bang|clunk)\b")
"""A sound from the body ("some sound came from my back"): a pop by another name."""
CLICKED = LazyPattern(r"\bclicked\b")
"""A click, once, that hurts: a pop ("something clicked in my back and there's a sharp pain").
Clicking alone is common and harmless (a knee's crepitus on a lunge), and clicking that
aches is pain ("my hip is clicking and it hurts")."""
NOT_GOOD = LazyPattern(
    r"\bnot (in a good way|a good (one|burn|kind|sort)|correct|normal|okay|ok|good|nice|pleasant"
    r"|sitting right|moving (well|right|properly)|working (right|properly))\b"
    r"|\b(not|don't|doesn't|didn't|do not|does not|did not) (feel|feeling|feels|felt|seem|seems)"
    r" (right|good|normal|okay|ok|great)\b"
)
"""A complaint said as a denial ("burning, not in a good way", "my back don't feel right", "it's
not moving well"): no denial of the feeling."""
PART_IDIOM = LazyPattern(
    r"\b(don't|doesn't|didn't|do not|does not|is not|are not) (like|love|rocking|vibing|loving"
    r"|liking|having|care for|much care for)( with)? (this|that|it)\b"
    r"|\bgiving (my|me|the) (\w+ )?\w+ (a |some )?(right )?(old )?(hiding|hell|grief|gyp|jip"
    r"|trouble|beating|pasting|kicking|hard time)\b"
    r"|\bgiving (me|us) (a (bit|lot|load) of |some |a little |heaps of )?(curry|grief|gyp|jip"
    r"|hell|trouble|bother|aggro)\b"
    r"|\bdoing a number on\b"
    r"|\bsomething('s| is| was)( a bit)? (off|wrong|not right|up|funny|weird) (with|in)\b"
)
"""How a part of the body complains ("my wrists don't like this", "my knee doesn't care for
that", "that's giving my hip a right old hiding", "something's off with me back"): pain where
a body part is named ("I don't like this one" is taste)."""
SPOKEN = {
    "didnt": "didn't", "cant": "can't", "couldnt": "couldn't", "doesnt": "doesn't",
    "dont": "don't", "wont": "won't", "its": "it's", "im": "i'm",
    "isn't": "is not", "aren't": "are not", "wasn't": "was not", "isnt": "is not",
    "ain't": "is not", "aint": "is not",
}  # fmt: skip
"""Words as speech recognition may write them, to how the model's words are written ("not
happy" is a feeling; "isn't happy" must be too)."""
RESTING = LazyPattern(
    r"(?<!can't )(?<!cannot )(?<!couldn't )(?<!barely )(?<!hardly )(?<!struggling to )"
    r"\b(catch|catching|get|getting) (my|me|a|your) breath( back)?\b"
)
"""Getting one's breath back is a rest, not a symptom ("catch" is also a pinching word); not
being able to is an emergency ("I can't get my breath")."""
MISSED = LazyPattern(
    r"\b(didn't|did not|couldn't|could not|can't|cannot|never) (catch|caught|get|hear)"
    r" (it|that|you|what you said|the last bit|the last part|a word)\b"
)
"""Not catching what was said ("say that again, I didn't catch it"): no pinch."""
TIRED = (
    r"(wrecked|knackered|shattered|done in|shot|exhausted|spent|beat|pooped|bushed|wiped"
    r"|wiped out|cooked|buggered|stuffed|tired|worn out|fried)"
)
"""Words for being tired that also say a part is in pain ("my back is wrecked")."""
EVERYDAY = LazyPattern(
    r"\blet (it|her|'er|er|him|them) rip\b|\bcatch (yourself|yerself|ye) on\b"
    r"|\bdying (for|to)\b|\bbanging on (the|my|your) (door|wall|window)\b"
    r"|\bdead (easy|simple|keen|good|fast|quick)\b|\bmad (fast|quick|busy)\b"
    r"|\b(my|me) hands are (full|busy|tied)\b"
    r"|\b(i'm|i am|me|we're|we are|i feel)( (so|really|totally|absolutely|completely|proper"
    r"|pretty|just|a bit|well and truly|pure))? " + TIRED + r"\b"
    r"|\b(the |my |me |our )?(baby|babies|bairn|bub|bubs|bubba|kids|kid|children|little one|wee one"
    r"|little ones"
    r"|husband|wife|partner|everyone|everybody|he|she|they)('s| is| are|'re)"
    r"( finally| fast| sound)? (asleep|gone (off )?to sleep|gone down)\b"
    r"|\bfor (back|lower back|neck|joint) pain\b"
    r"|\b(did|do|doing|done|doin) (it|that|this|them)( (all|proper|completely|totally|a bit"
    r"|so|dead))? wrong\b"
    r"|\b(i'm|i am)( (absolutely|well|proper|so|dead))? buzzing\b"
    r"|\b(he|she|they|the dog|the cat|the kids?|the baby)('s| has| have| is)? (pulled|knocked"
    r"|tipped|dragged) (the|a|an|that|something|everything) \w+ (over|down|off)\b"
    r"|\b(the|my|me|our) (\w+ )?(cat|dog|collie|pup|puppy|kitten|baby|bub|kids?|son|daughter"
    r"|grandson|granddaughter|grandkids?|toddler|little one)('s| is| has)( \w+)? (sitting|lying"
    r"|laying|sat|lay|asleep|sleeping|standing|climbing|parked|curled up)( \w+)? (on|across"
    r"|over|against) (my|me)\b"
)
"""Everyday sayings whose words are also a symptom's: "let her rip" is no tear, "catch
yourself on" no pinch, "dying for a cuppa" or "dead easy" no pain, "banging on the door" no
throbbing, "my hands are full" no complaint of the hands, "I'm wrecked" is the person
tired, not a part of them in pain, "the baby's asleep" no numb limb, "I did it proper wrong"
the exercise done badly, "I'm buzzing" (north-west England) the person delighted, "he's
pulled the plant over" a toddler at work, "the cat's sitting on my chest" no pressure on
it, and "good for back pain" a question about the exercises, not a complaint."""
TIRED_FIRST = LazyPattern(
    r"^((so|really|totally|absolutely|completely|proper|pretty|just|a bit|pure) )?" + TIRED + r"\b"
)
"""The same after "I'm" or "feeling", whose words Alexa does not send (BREATH_FIRST)."""
BREATH_FIRST = LazyPattern(
    r"^((seem to |even |really |properly |quite )?((get|catch|draw) ((my|me|a|any|enough) )?"
    r"(breath|air)(?! back)|breathe))\b"
)
"""A complaint in words of its own that begins with breathing followed "I can't" or "I
cannot", the only complaint carriers a bare verb follows (Alexa sends only the words after
a carrier): trouble breathing."""
_PRESSURE_IS = r"('s| is| has)?( \w+)?( been| gone| going| running| still| always)? "
_UNCONTROLLED = r"sky high|through the roof|uncontrolled|not controlled|not under control"
HAS_CONDITION = LazyPattern(
    r"\b(baby|bub|bubba|newborn|little one|son|daughter|twins)( is|'s| are)?"
    r" (only |just |barely |not even )?(\w+ )?(days?|weeks?) old\b"
    r"|\b(i'm|i am|im)( only| about| nearly| almost)? \w+ (months?|weeks?) (along|gone)\b"
    r"|\b(months|weeks) along\b"
    rf"|\b(blood|my|me) pressure{_PRESSURE_IS}(really high|very high|way too high"
    rf"|{_UNCONTROLLED})\b"
    rf"|^pressure{_PRESSURE_IS}({_UNCONTROLLED})\b"
)
"""A condition in words of its own: a baby days or weeks old (a recent birth), "six months
along" (pregnant), blood pressure "sky high" (uncontrolled; "the pressure's really high on
this one" is the exercise, and after "my", which Alexa does not send, only words that say
the pressure is out of control; "months along" wherever a number went, as a pain score): a
physician's okay first."""
SEEING = LazyPattern(r"\bseeing\b.*\b(spots|stars|double|flashes|lights|things)\b")
"""Seeing what isn't there: a change in vision, a red flag."""
UNMISTAKABLE = LazyPattern(
    r"\b(dizzy|dizziness|faint|fainting|pass out|passing out|black out|blacking out"
    r"|light headed|lightheaded|woozy|giddy|giddiness|blurry|blurred"
    r"|seeing (spots|stars|double|flashes)"
    r"|palpitations)\b"
    r"|\b(heart|heartbeat|pulse|ticker)\b.*\b(racing|pounding|skipping|skipped|fluttering"
    r"|thumping|hammering|banging|all over the place|irregular|a mile a minute|flat chat"
    r"|drum solo)\b"
)
"""Red-flag words with no everyday sense beside a command ("I feel dizzy, how many left"):
a red flag even among words the model could not place (so is the heart said to race or
skip: "hang on, me heart's doing a jig, skipping all over the place"), where "this is dead
hard" is no dead leg and "legs like jelly" may be only tired (intents.meaning)."""
POP = "red_flag.pop"
ABOUT_TO = LazyPattern(r"\b(about|going|gonna|ready) to (snap|pop|tear|rip|break|burst)\b")
"""What only feels close to a pop ("my hamstring feels like it's about to snap"): a tight
muscle, pain, not a pop."""
UNABLE = LazyPattern(
    r"\b(can't|cannot|can not|couldn't|unable to|not able to|(haven't|hasn't) been able to)"
    r" (feel|move)"
    r" (my|me|either|both|anything|a thing|nothing)\b"
    r"|\b(won't|wouldn't|will not) move\b"
    r"|\blost (all |any |most |the )*(feeling|sensation)\b"
)
"""Not being able to feel or move a part of one's own ("my legs won't move", "I've lost all
feeling in …"): numbness or weakness, a nerve's sign (in both legs or down below, an
emergency)."""
UNFELT_FIRST = LazyPattern(r"^(feel|move) (my|me|either|both|anything|a thing|nothing)\b")
"""The same after "I can't", whose words Alexa does not send (BREATH_FIRST)."""
WORKING = r"(working|engag\w*|firing|activat\w*|switch\w* on|kick\w* in)"
"""How people say a muscle is doing the exercise's work."""
FELT_EXERCISE = LazyPattern(
    r"(\b(can't|cannot|couldn't|don't|do not|not) (really |even |quite )?|^)feel"
    r" ((it|this|that|much) (in|on|through|working)|(my|me|the) \w+ "
    + WORKING
    + r"|the (burn|stretch|exercise|move|muscles?|work))\b"
)
"""Not feeling the exercise ("I can't feel it in my glutes", "… my glutes working"): a remark
on form, not numbness (whose words "can't feel it" are also the model's)."""
FELT_WHERE = LazyPattern(r"^(it|this|that|much) (in|on|through)\b|\b" + WORKING + r"\b")
WORKED = frozenset({"buttock", "stomach"})
"""The muscles these exercises work, which people say they can't feel working."""


def felt_exercise(words: str) -> bool:
    """Whether the words after "I can't feel" are about where the exercise works ("it in my
    glutes", "my glutes working"), naming nothing felt: a question of form, not numbness."""
    text = _spoken(words)
    parts = {part for part, _ in ids_in("BODY_PART", text)}
    return bool(
        FELT_WHERE.search(text) and parts and parts <= WORKED and not ids_in("FEELING", text)
    )


ABLE = LazyPattern(
    r"\b(not able to|unable to|(haven't|hasn't|have not|has not|not) been able to)\b"
)
"""Not being able to do something ("I am not able to turn"): no denial of a complaint; with
the bladder or bowels ("unable to pass urine since morning"), no control of them."""
ROOM_MOVING = LazyPattern(
    r"\b(room|ceiling|world)('s)?( \w+){0,4} (spin\w*|going (round|around)|moving|tilting"
    r"|swaying|swimming|turning)\b"
    r"|\beverything('s)?( \w+){0,3} (spin\w*|going (round|around)|tilting|swaying|swimming)\b"
)
"""The room moving ("the whole room's doing a spin"): vertigo, a red flag."""
EXERCISE_WORDS = frozenset({"crunch", "crunched", "crunching"})
"""Feeling words that also name a move ("when I crunch"): not a symptom in a sentence."""
POSSESSIVE = LazyPattern(r"^(my|me|both) ")
"""A body part said as the person's own ("my knee", "me back"): where something is wrong."""
TELLING = frozenset("is are 's feels feel has have keeps went gone getting doing".split())
"""Words after a body part that say something about it ("my wrist is doing a thing"), unlike
"my back exercises" or "lying on my back"."""
PLACED = frozenset(
    "on under flat apart together bent straight tucked touching lined resting planted level"
    " beside against over".split()
)
"""Words after "is" or "are" that say where a body part is placed ("my knees are on the
towel", "my feet are apart"): its position, said getting ready, not a complaint."""
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
    spoken = _spoken(words)
    if among == REPORT and BREATH_FIRST.match(spoken):
        return Severity.URGENT.value
    text = not_resting(spoken)
    text = TIRED_FIRST.sub(" ", text) if among == REPORT else text
    idiom = bool(NOT_GOOD.search(text) or ABOUT_TO.search(text))
    part_idiom = bool(PART_IDIOM.search(text)) and names_the_body(text)
    text = PART_IDIOM.sub(" ", NOT_GOOD.sub(" ", text))
    text = FELT_EXERCISE.sub(" ", text)
    unable = bool(UNABLE.search(text))
    not_able = bool(ABLE.search(text))
    text = ABLE.sub(" ", ABOUT_TO.sub(" ", text))
    conditions = ids_in("CONDITION", text)
    text = _without(text, conditions)  # "weak bones" is osteoporosis, not weakness
    feelings = [(f, said) for f, said in ids_in("FEELING", text) if said not in EXERCISE_WORDS]
    # After "I can't" (not sent), "feel my legs" with no feeling named is not feeling them.
    unable = unable or (among == REPORT and not feelings and bool(UNFELT_FIRST.match(text)))
    parts = ids_in("BODY_PART", text)
    kinds = {feeling.split(".")[0] for feeling, _ in feelings} | ({"nerve"} if unable else set())
    where = {part for part, _ in parts}
    idiom = idiom or part_idiom
    # Whose it is: "my back", or a body part the words begin with after a carrier that said
    # "my" (ReportIntent's "my {report}": Alexa sends "back just went pop").
    own = any(POSSESSIVE.match(said) for _, said in parts) or (
        among == REPORT and any(text.startswith(said) for _, said in parts)
    )
    # A body part said as the person's own, or first after a carrier that said "my" ("my
    # {report}": "knees are doing a thing"), with a verb: complaint-shaped, pain unless denied.
    telling = any(
        _subject(text, said)
        for _, said in parts
        if POSSESSIVE.match(said) or (among == REPORT and text.startswith(said))
    )
    symptom = bool(kinds - {"well"})
    # Pain the carrier said ("pain in {body_part}"), or the feeling words do.
    cry = _only_where(text, parts, among)
    painful = "pain" in kinds or idiom or cry or among == Severity.PAIN.value
    if BREATH.search(text) and (STRUGGLE.search(text) or not_able):
        return Severity.URGENT.value
    pressure = bool(CHEST_PRESSURE.search(text))
    # The heart racing and nothing else felt is palpitations, a red flag (triage.PALPITATIONS);
    # the carrier's pain is not read here ("{body_part} is {feeling}" is PainIntent's too).
    racing = {f for f, said in feelings if said not in ODD}
    racing_only = racing == {PALPITATIONS} and not (idiom or pressure)
    if where & HEART and (symptom or painful or pressure) and not racing_only:
        return Severity.URGENT.value
    if JAW.search(text) and (painful or where & HEART):
        return Severity.URGENT.value
    if ARM_SPREAD.search(text) and painful:
        return Severity.URGENT.value
    if BLADDER.search(text) and (NO_CONTROL.search(text) or not_able):
        return Severity.URGENT.value
    if (LEAKED.search(text) or among == LEAK) and UNFELT.search(text):
        return Severity.URGENT.value
    if BOWEL_ACCIDENT.search(text):
        return Severity.URGENT.value
    if ("nerve" in kinds or among == Severity.RED_FLAG.value) and where & SADDLE_OR_BOTH_LEGS:
        return Severity.URGENT.value
    if GAVE_WAY.search(text):
        both = where & SADDLE_OR_BOTH_LEGS or BOTH.search(text)
        return Severity.URGENT.value if both else Severity.RED_FLAG.value
    flags = {feeling for feeling, _ in feelings if feeling.startswith("red_flag.")}
    if "nerve" in kinds or flags - {POP}:
        return Severity.RED_FLAG.value
    # A click hurts only where the words say so, not where a pain carrier took them ("my knee
    # {feeling}": "clicks when I lunge").
    clicked = bool(CLICKED.search(text)) and ("pain" in kinds or idiom)
    popped = POP in flags or bool(SOUND.search(text)) or clicked
    if popped and (own or painful):  # "crack on" is no crack: not without either
        return Severity.RED_FLAG.value
    if (where & VISION and (symptom or not feelings)) or SEEING.search(text):
        return Severity.RED_FLAG.value
    if ROOM_MOVING.search(text):
        return Severity.RED_FLAG.value
    if LEAKED.search(text):
        return LEAK
    if conditions or HAS_CONDITION.search(text):
        return CONDITION
    negated = _denied(text, feelings)
    if "pain" in kinds or idiom or (telling and not feelings) or cry:
        return NOT_UNDERSTOOD if negated else Severity.PAIN.value
    if kinds == {"well"}:  # "not too good" is no "good"
        return NOT_UNDERSTOOD if negated else Severity.WELL.value
    return NOT_UNDERSTOOD


def not_resting(words: str) -> str:
    """The words without getting one's breath back or missing what was said ("catching my
    breath", "I didn't catch that": no pinch)."""
    return " ".join(EVERYDAY.sub(" ", MISSED.sub(" ", RESTING.sub(" ", words.lower()))).split())


def _spoken(words: str) -> str:
    """Lowercase words and apostrophes, with contractions and dropped g's ("pinchin") as the
    model writes them."""
    plain = re.sub(r"[^\w']+", " ", words.lower()).split()
    out = []
    for word in plain:
        word = SPOKEN.get(word, word)
        if word.endswith("in") and ids_in("FEELING", word + "g"):
            word += "g"
        out.append(word)
    return " ".join(out)


def _only_where(text: str, parts: list[tuple[str, str]], among: str) -> bool:
    """Whether the words are only a body part of the person's own ("my back!", or "chest"
    after ReportIntent's "my {report}"): where it hurts, said as a cry."""
    return (
        len(parts) == 1
        and (POSSESSIVE.match(parts[0][1]) is not None or among == REPORT)
        and (text.split() == parts[0][1].split())
    )


def _subject(text: str, part: str) -> bool:
    """Whether the words tell of a body part: it begins them and a verb follows ("my wrist is
    doing a thing"), or they begin with what is happening to it ("feels off in my back")."""
    if text.split()[0] in TELLING | HAPPENING:
        return True
    rest = text.split(part, 1)[1].split() if text.startswith(part) else []
    if len(rest) > 1 and rest[0] in ("is", "are", "'s") and rest[1] in PLACED:
        return False
    return bool(rest) and (rest[0] in TELLING or rest[0].startswith("'"))


def _denied(text: str, feelings: list[tuple[str, str]]) -> bool:
    """Whether a denial outside the feeling's own words takes the complaint back ("not happy"
    is a complaint, "not sore" isn't): said before the first feeling and after any "but"
    before it, never after it ("a throbbing that wasn't there before", "I don't want to make
    a fuss but there's a twinge" are complaints). With no feeling named, any denial."""
    for feeling, said in feelings:
        text = _without(text, [(feeling, said)], _WELL if feeling.startswith("well.") else _FELT)
    words = NO_HELP.sub(" ", HONESTLY.sub(" ", text)).split()
    if _FELT in words:
        words = words[: words.index(_FELT)]
        # Only the words since the last "but" or word of being well ("way better actually,
        # not stiff at all": the "not" is the stiffness's).
        breaks = [i for i, word in enumerate(words) if word in ("but", _WELL)]
        words = words[breaks[-1] + 1 :] if breaks else words
    return bool(NEGATIONS.intersection(words))


_FELT, _WELL = "<felt>", "<well>"
"""Where a symptom or a word of being well was said, in the words `_denied` reads."""


def _without(text: str, found: list[tuple[str, str]], mark: str = "") -> str:
    """The words with each value found among them (as `ids_in` gives them) taken out, or
    put in their place."""
    for _, said in found:
        text = re.sub(rf"(?<![\w']){re.escape(said)}(?![\w'])", f" {mark} ", text)
    return text
