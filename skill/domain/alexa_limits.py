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

# -- AudioPlayer and requests --------------------------------------------------------------------

MAX_TOKEN_LENGTH = 1024
"""An AudioPlayer stream token's longest length."""
MAX_TIMESTAMP_SKEW_S = 150.0
"""A request's timestamp must be within 150 s of now (request verification)."""
