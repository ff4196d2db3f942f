"""The spoken text of responses in the audio build's offline voice, as MP3s cached by text."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from backcoach.skill.domain.alexa_limits import MAX_SPEECH_CHARS

NO_VOICE_NOTE = "speech is shown as text only"


class Speaker:
    """Piper through the audio build's voice code; one synthesis at a time (2 cores)."""

    def __init__(self, voice, cache_dir: Path):
        self.voice = voice
        self.cache_dir = cache_dir
        self._lock = threading.Lock()

    def mp3(self, text: str) -> Path:
        """The MP3 of `text`, rendered once and then served from the cache."""
        from backcoach.audio.build.ffmpeg import to_pcm
        from backcoach.audio.build.mp3 import SAMPLE_RATE_HZ, encode_mp3

        if not text.strip() or len(text) > MAX_SPEECH_CHARS:
            raise ValueError(f"'text' must be 1 to {MAX_SPEECH_CHARS} characters")
        with self._lock:
            key = hashlib.sha256(f"{self.voice.id}\0{text}".encode()).hexdigest()[:32]
            path = self.cache_dir / f"{key}.mp3"
            if not path.is_file():
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                encode_mp3(to_pcm(self.voice.synthesize(text), SAMPLE_RATE_HZ), path)
            return path


def make_speaker(cache_dir: Path, voice_path: str | None = None) -> Speaker | str:
    """A Speaker, or why there is none (the build extras missing, the voice not found)."""
    try:
        from backcoach.audio.build.voices import EngineError, make_voice
    except ImportError as exc:
        return f"{NO_VOICE_NOTE}: the audio build's voice cannot load ({exc})"
    try:
        return Speaker(make_voice("piper", voice_path), cache_dir)
    except (EngineError, ImportError) as exc:
        return f"{NO_VOICE_NOTE}: {exc}"
