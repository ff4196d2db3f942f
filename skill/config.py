"""Configuration, from BACKCOACH_* environment variables or passed in by tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

from backcoach.skill.domain.routine import DEFAULT_ROUTINE

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A configuration value is unusable; the message says which and why."""


@dataclass(frozen=True)
class Config:
    """Everything the skill and its endpoint can be told."""

    skill_id: str | None = None
    """Alexa skill id; requests for another skill are refused (BACKCOACH_SKILL_ID)."""
    verify: bool = True
    """Verify Alexa's request signatures (BACKCOACH_VERIFY; off only for local experiments)."""
    public_url: str | None = None
    """https base URL Alexa reaches us at, for audio links (BACKCOACH_PUBLIC_URL)."""
    trust_proxy: bool = False
    """Honour X-Forwarded-Proto/Host from a reverse proxy (BACKCOACH_TRUST_PROXY)."""
    data_dir: Path = Path("var")
    """Where built audio and saved progress live (BACKCOACH_DATA_DIR)."""
    audio_dir: Path | None = None
    """Built audio cache; defaults to DATA_DIR/audio (BACKCOACH_AUDIO_DIR)."""
    audio: bool = True
    """Play precomputed clips; off means SSML-timed counts (BACKCOACH_AUDIO)."""
    store: str | None = None
    """Where people's progress is kept: unset for SQLite in DATA_DIR, `postgresql://…`,
    `dynamodb://TABLE?region=…`, or `session` for nothing beyond the session (BACKCOACH_STORE)."""
    locale: str = "en-US"
    """Locale of the spoken strings (BACKCOACH_LOCALE)."""
    routine_path: Path | Traversable = DEFAULT_ROUTINE
    """The routine content file (BACKCOACH_ROUTINE)."""
    engine: str = "piper"
    """Text-to-speech engine for audio builds: piper or gtts (BACKCOACH_ENGINE)."""
    piper_voice: str | None = None
    """Path to another Piper voice (.onnx) (BACKCOACH_PIPER_VOICE)."""

    @property
    def audio_cache(self) -> Path:
        """Directory of the built audio and its manifest."""
        return self.audio_dir or self.data_dir / "audio"

    def validated(self) -> Config:
        """This config, or ConfigError with a clear message."""
        if self.public_url:
            parts = urlsplit(self.public_url)
            if parts.scheme != "https" or not parts.netloc:
                raise ConfigError(
                    f"BACKCOACH_PUBLIC_URL must be an https:// URL (Alexa only plays https audio), "
                    f"got {self.public_url!r}"
                )
        if self.engine not in ("piper", "gtts"):
            raise ConfigError(f"BACKCOACH_ENGINE must be piper or gtts, got {self.engine!r}")
        return self

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Read BACKCOACH_* variables; unset ones keep their defaults."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(f"BACKCOACH_{name}", "").strip()
            return value or None

        def flag(name: str, default: bool) -> bool:
            value = get(name)
            if value is None:
                return default
            if value.lower() in TRUE | FALSE:
                return value.lower() in TRUE
            raise ConfigError(f"BACKCOACH_{name} must be true or false, got {value!r}")

        data_dir = Path(get("DATA_DIR") or "var")
        return cls(
            skill_id=get("SKILL_ID"),
            verify=flag("VERIFY", True),
            public_url=(get("PUBLIC_URL") or "").rstrip("/") or None,
            trust_proxy=flag("TRUST_PROXY", False),
            data_dir=data_dir,
            audio_dir=Path(get("AUDIO_DIR")) if get("AUDIO_DIR") else None,
            audio=flag("AUDIO", True),
            store=get("STORE"),
            locale=get("LOCALE") or "en-US",
            routine_path=Path(get("ROUTINE")) if get("ROUTINE") else DEFAULT_ROUTINE,
            engine=get("ENGINE") or "piper",
            piper_voice=get("PIPER_VOICE"),
        ).validated()
