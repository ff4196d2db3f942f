"""Configuration, from BACKCOACH_* environment variables or passed in by tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from backcoach.skill.domain.checked import After, Before, Problems, check
from backcoach.skill.domain.routine import DEFAULT_ROUTINE
from backcoach.skill.domain.validation import Loc, dotted, one_line

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A configuration value is unusable; the message says which and why."""


def _flag(value: Any) -> Any:
    """`true`, `yes`, `on`, `1` (and their opposites) as a bool; anything else is refused."""
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    return value


def _https(url: str | None) -> str | None:
    """The base URL without a trailing slash; only https, which is all Alexa plays."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"must be an https:// URL (Alexa only plays https audio), got {url!r}")
    try:
        port = parts.port  # parsed on access: a port out of range or not a number raises
    except ValueError:
        port = 0
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"has a bad port (1-65535), got {url!r}")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"must be a base URL, without a query or fragment, got {url!r}")
    if parts.username is not None:
        raise ValueError(f"must not carry a user or password, got {url!r}")
    return url.rstrip("/")


Flag = Annotated[bool, Before(_flag)]
BaseUrl = Annotated[str | None, After(_https)]


def _https_page(url: str | None) -> str | None:
    """A page's https URL (certification requires https for the privacy policy)."""
    if url is not None and (urlsplit(url).scheme != "https" or not urlsplit(url).netloc):
        raise ValueError(f"must be an https:// URL, got {url!r}")
    return url


HttpsPage = Annotated[str | None, After(_https_page)]


def _a_file(path: Path) -> Path:
    if not path.is_file():
        raise ValueError(f"must be a file that exists, got {str(path)!r}")
    return path


FilePath = Annotated[Path, After(_a_file)]


@dataclass(frozen=True)
class Config:
    """Everything the skill and its endpoint can be told."""

    skill_id: str | None = None
    """Alexa skill id; requests for another skill are refused (BACKCOACH_SKILL_ID)."""
    verify: Flag = True
    """Verify Alexa's request signatures (BACKCOACH_VERIFY; off only for local experiments)."""
    public_url: BaseUrl = None
    """https base URL Alexa reaches us at, for audio links (BACKCOACH_PUBLIC_URL)."""
    trust_proxy: Flag = False
    """Honour X-Forwarded-Proto/Host from a reverse proxy (BACKCOACH_TRUST_PROXY)."""
    data_dir: Path = Path("var")
    """Where built audio and saved progress live (BACKCOACH_DATA_DIR)."""
    audio_dir: Path | None = None
    """Built audio cache; defaults to DATA_DIR/audio (BACKCOACH_AUDIO_DIR)."""
    audio: Flag = True
    """Play precomputed clips; off means SSML-timed counts (BACKCOACH_AUDIO)."""
    store: str | None = None
    """Where people's progress is kept: unset for SQLite in DATA_DIR, `postgresql://…`,
    `dynamodb://TABLE?region=…`, or `session` for nothing beyond the session (BACKCOACH_STORE)."""
    locale: str = "en-US"
    """Locale of the spoken strings (BACKCOACH_LOCALE)."""
    routine_path: Path = DEFAULT_ROUTINE
    """The routine content file (BACKCOACH_ROUTINE)."""
    engine: Literal["piper", "gtts"] = "piper"
    """Text-to-speech engine for audio builds: piper or gtts (BACKCOACH_ENGINE)."""
    piper_voice: str | None = None
    """Path to another Piper voice (.onnx) (BACKCOACH_PIPER_VOICE)."""
    log_salt: str | None = None
    """Salt of the user hash in request log lines; unset: random per process, so hashes
    cannot be matched across restarts (BACKCOACH_LOG_SALT)."""
    privacy_url: HttpsPage = None
    """Your privacy policy, for the skill package (BACKCOACH_PRIVACY_URL)."""
    time_zones: Literal["auto", "on", "off"] = "auto"
    """Days in each device's own time zone, read from Alexa's Settings API (on), or UTC's
    (off); auto: on whenever Alexa's signatures are verified, off for local experiments,
    whose requests carry no real token (BACKCOACH_TIME_ZONES)."""
    trust_roots: FilePath | None = None
    """Tests only: PEM roots of Alexa's signing chain, not public CAs (BACKCOACH_TRUST_ROOTS)."""

    @property
    def reads_time_zones(self) -> bool:
        """Whether to ask the Settings API for each device's time zone (`time_zones`)."""
        return self.time_zones == "on" or (self.time_zones == "auto" and self.verify)

    @property
    def audio_cache(self) -> Path:
        """Directory of the built audio and its manifest."""
        return self.audio_dir or self.data_dir / "audio"

    def validated(self) -> Config:
        """This config, checked (and normalised), or ConfigError with a clear message."""
        return _validate({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Read BACKCOACH_* variables; unset (or blank) ones keep their defaults."""
        env = os.environ if env is None else env
        given = {name: env.get(var, "").strip() for name, var in SETTINGS.items()}
        return _validate({name: value for name, value in given.items() if value})


SETTINGS = {f.name: f"BACKCOACH_{f.name.upper()}" for f in fields(Config)} | {
    "routine_path": "BACKCOACH_ROUTINE"
}
"""The environment variable of each field."""


def settings_help() -> list[tuple[str, str]]:
    """(variable, what it sets) for each field, from the field's docstring above: for
    `backcoach --help`, so the list never drifts from the fields."""
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(Config))
    except (OSError, TypeError):  # no source shipped: the names alone
        return [(var, "") for var in SETTINGS.values()]
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, after in zip(body, body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            text = getattr(getattr(after, "value", None), "value", "")
            docs[node.target.id] = " ".join(str(text).split()) if isinstance(text, str) else ""
    return [(var, _without_variable(docs.get(name, ""), var)) for name, var in SETTINGS.items()]


def _without_variable(doc: str, var: str) -> str:
    """A field's docstring without its own variable's name, which the listing shows."""
    return doc.replace(f" ({var})", "").replace(f"({var}; ", "(").rstrip(".")


def _setting(loc: Loc) -> str:
    """The variable that sets the field (`BACKCOACH_VERIFY`)."""
    return dotted((SETTINGS.get(str(loc[0]), str(loc[0])), *loc[1:])) if loc else ""


def _validate(values: dict[str, Any]) -> Config:
    try:
        return check(Config, values)
    except Problems as exc:
        raise ConfigError(one_line(exc, "", _setting)) from None
