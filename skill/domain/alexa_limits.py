"""Alexa's limits on responses, audio and requests: defined once, imported everywhere else."""

from __future__ import annotations

# -- one response's speech (SSML) ----------------------------------------------------------------

MAX_AUDIO_TAGS = 5
"""At most five <audio> clips in one response's speech."""
MAX_AUDIO_S = 240.0
"""At most 240 s of audio in one response's speech (and so per SSML clip)."""
MAX_REPROMPT_AUDIO_S = 90.0
"""At most 90 s of audio in a reprompt."""
MAX_BREAK_S = 10.0
"""The longest <break>."""
MAX_SPEECH_CHARS = 8000
"""Speech must stay under 8,000 characters."""
MAX_RESPONSE_BYTES = 24 * 1024
"""The whole response envelope, serialised."""

# -- SSML audio files ----------------------------------------------------------------------------

AUDIO_BITRATE_BPS = 48_000
"""SSML clips are MP3 at exactly 48 kbps CBR."""
AUDIO_SAMPLE_RATES_HZ = (24_000, 22_050, 16_000)
"""The sample rates Alexa accepts for SSML clips (MPEG-2 layer III)."""

# -- AudioPlayer streams (audioplayer-interface-reference.html, "Audio stream requirements") ----

STREAM_BITRATE_BPS = (16_000, 384_000)
"""A stream's bitrate, lowest and highest: any rate in between, constant or variable (the SSML
clips' 48 kbps CBR rule is not the streams'). For a variable-rate file, its average."""

# -- AudioPlayer and requests --------------------------------------------------------------------

MAX_TOKEN_LENGTH = 1024
"""An AudioPlayer stream token's longest length."""
MAX_TIMESTAMP_SKEW_S = 150.0
"""A request's timestamp must be within 150 s of now (request verification)."""
ANSWER_TIMEOUT_S = 8.0
"""Alexa gives up on a skill that has not answered a request within 8 s."""

# -- the interaction model (create-the-interaction-model-for-your-skill.html#limits) -------------

MAX_MODEL_BYTES = 1_500_000
"""The whole interaction model JSON of one locale: 1.5 MB."""
MAX_INTENTS = 250
"""Intents in one model (custom and built-in)."""
MAX_SLOT_VALUE_CHARS = 140
"""One slot value or synonym."""
MAX_SLOT_VALUES = 50_000
"""Custom slot values and synonyms in one model."""
MAX_SAMPLE_CHARS = 200
"""Our own cap on one sample utterance (Amazon's page gives none we could read): a sentence
said on a mat is far shorter, and a longer one is a template gone wrong."""

# -- the store listing (the developer console's fields) ------------------------------------------

MAX_NAME_CHARS = 50
"""The skill's public name."""
MAX_SUMMARY_CHARS = 160
"""The one-sentence description."""
MAX_DESCRIPTION_CHARS = 4000
"""The detailed description."""
MAX_EXAMPLE_PHRASES = 3
"""Example phrases shown in the store; the first must use the invocation name."""
MAX_KEYWORDS = 30
"""Search keywords."""
