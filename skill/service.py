"""Everything the skill needs at run time, built once from a Config and checked at start."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill

from backcoach.audio.artwork import image_file
from backcoach.audio.catalog import AudioCatalog, CatalogError
from backcoach.audio.manifest import ManifestError
from backcoach.skill.alexa.respond import ClipUrl
from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.config import SETTINGS, Config, ConfigError
from backcoach.skill.domain.hands_free import track_id
from backcoach.skill.domain.phrases import PhraseError, Phrases, load_phrases
from backcoach.skill.domain.plan import all_segments
from backcoach.skill.domain.routine import ContentError, Routine, load_routine
from backcoach.skill.extras import MissingExtra, install_hint
from backcoach.skill.log_format import protect_logs
from backcoach.skill.storage.base import StoreUnavailable

log = logging.getLogger(__name__)


class AudioMissing(RuntimeError):
    """The audio build does not cover every clip the skill can play."""


START_UP_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    ContentError,
    PhraseError,
    ManifestError,
    AudioMissing,
    CatalogError,
    StoreUnavailable,
    MissingExtra,
)
"""Errors whose message names the setting or file and says why: shown as one line."""

LAMBDA_ENV = "AWS_LAMBDA_FUNCTION_NAME"
"""Set by AWS Lambda in every function's environment: how the skill knows it runs there."""


def on_lambda(env: Mapping[str, str] | None = None) -> bool:
    """True inside an AWS Lambda function."""
    return bool((os.environ if env is None else env).get(LAMBDA_ENV))


def check_lambda(config: Config) -> None:
    """ConfigError, in one line, for settings that cannot work on AWS Lambda."""
    if config.audio and not config.public_url:
        raise ConfigError(
            "on AWS Lambda, BACKCOACH_PUBLIC_URL must be the https URL the audio is published"
            " under (`backcoach audio publish`), or set BACKCOACH_AUDIO=off"
        )
    store = config.store or "sqlite"
    if store.startswith("sqlite"):
        raise ConfigError(
            f"on AWS Lambda, BACKCOACH_STORE cannot be SQLite ({store!r}): the disk is read-only"
            " and each container would keep its own copy; use dynamodb://TABLE?region=REGION"
            " (or postgresql://…, or session)"
        )


@dataclass(frozen=True)
class Service:
    """The routine, its words, its built audio (if any) and the skill wired to them."""

    config: Config
    routine: Routine
    phrases: Phrases
    catalog: AudioCatalog | None
    """The built audio, or None when clips are off (SSML timing)."""
    skill: CustomSkill
    adapter: object | None = None
    """Where people's progress is kept (a persistence adapter), or None: the session only."""

    def audio_s(self, url: str) -> float | None:
        """Length of the clip or track an audio URL points at (see AudioCatalog)."""
        return self.catalog.audio_s(url) if self.catalog else None

    def onsets_s(self, url: str) -> tuple[float, ...]:
        """Planned onsets of the timed counts in the clip or track at a URL."""
        return self.catalog.onsets_s(url) if self.catalog else ()


def needed_clips(routine: Routine, phrases: Phrases) -> list[str]:
    """Every clip and hands-free track the skill can play."""
    needed = [*all_segments(routine, phrases.cue_words)]
    needed += [
        track_id(ex.id, lv, brief)
        for ex in routine.exercises
        for lv in range(len(ex.dose.levels))
        for brief in (False, True)
    ]
    return needed


def load_catalog(
    config: Config, routine: Routine, phrases: Phrases, *, trust_manifest: bool = False
) -> AudioCatalog:
    """The built audio, refusing to start if any clip the skill can play is missing (from the
    manifest, when it is trusted: the files are published elsewhere)."""
    catalog = AudioCatalog.load(config.audio_cache, trust_manifest=trust_manifest)
    needed = needed_clips(routine, phrases)
    missing = catalog.missing(needed)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise AudioMissing(
            f"{len(missing)} of {len(needed)} clips are missing from the audio build in "
            f"{config.audio_cache} ({shown}): run `backcoach audio build`"
        )
    return catalog


def track_lengths(catalog: AudioCatalog) -> Callable[[str, int], float | None]:
    """How long each hands-free track plays, as built."""

    def length_s(exercise_id: str, level: int) -> float | None:
        entry = catalog.clip(track_id(exercise_id, level))
        return entry.duration_s if entry else None

    return length_s


def clip_lengths(catalog: AudioCatalog) -> Callable[[str], float | None]:
    """How long each clip plays, as built (the screen's progress bar follows it)."""

    def length_s(clip_id: str) -> float | None:
        entry = catalog.clip(clip_id)
        return entry.duration_s if entry else None

    return length_s


def clip_links(config: Config, catalog) -> Callable[[HandlerInput], ClipUrl | None]:
    """For each request, how to link to clips and shipped images: BACKCOACH_PUBLIC_URL, else
    the request's host."""
    warned: list[bool] = []

    def for_request(handler_input: HandlerInput) -> ClipUrl | None:
        base = config.public_url or getattr(handler_input.context, "base_url", None)
        if not base:
            return None
        if config.verify and not base.startswith("https://") and not warned:
            warned.append(True)
            log.warning("audio links are %s: Alexa only plays https audio", base)

        def url(clip_id: str) -> str | None:
            shipped = image_file(clip_id)
            if shipped:
                return f"{base}/images/{shipped}"
            entry = catalog.clip(clip_id)
            return f"{base}/audio/{entry.file}" if entry else None

        return url

    return for_request


def make_adapter(config: Config):
    """The persistence adapter the config names (None: the session only). Never connects, but
    refuses a store whose driver is not installed: the store is opened on first use, so
    otherwise every turn would fail to save (serve, say, chat and Lambda alike)."""
    if config.store == "session":
        return None
    from importlib.util import find_spec

    from backcoach.skill.storage.factory import STORE_EXTRAS
    from backcoach.skill.storage.factory import make_adapter as adapter_for

    for scheme, (extra, module) in STORE_EXTRAS.items():
        if (config.store or "").startswith(scheme) and find_spec(module) is None:
            raise MissingExtra(f"{SETTINGS['store']}: a {scheme} store {install_hint(extra)}")

    try:
        return adapter_for(config.store, config.data_dir)
    except ValueError as exc:
        raise ConfigError(f"{SETTINGS['store']}: {exc}") from None


def make_service(
    config: Config, *, skill_id: str | None = None, adapter=None, clock=None
) -> Service:
    """Load content and audio, check them, and build the skill."""
    protect_logs()  # from here on no log line holds an Alexa id, whoever writes it
    config = config.validated()
    lambda_ = on_lambda()
    if lambda_:
        check_lambda(config)
    adapter = adapter or make_adapter(config)  # settings first, then files
    routine = load_routine(config.routine_path)
    phrases = load_phrases(config.locale)
    catalog = None
    if config.audio:
        catalog = load_catalog(config, routine, phrases, trust_manifest=lambda_)
    links = clip_links(config, catalog) if catalog else None
    kwargs: dict = {"clip_url": links} if links else {}
    if catalog:
        kwargs.update(track_length_s=track_lengths(catalog), set_starts_s=catalog.seek_starts_s)
        kwargs.update(clip_length_s=clip_lengths(catalog))
    if config.reads_time_zones and clock is None:
        from backcoach.skill.alexa.time_zones import TimeZones

        kwargs.update(time_zones=TimeZones())
    skill = build_skill(routine, phrases, adapter=adapter, skill_id=skill_id, clock=clock, **kwargs)
    return Service(config, routine, phrases, catalog, skill, adapter)


def not_ready(service: Service) -> str | None:
    """Why the service cannot answer well right now (None: it can): the store does not
    answer, or a clip's file has gone from the audio build since start."""
    ready = getattr(service.adapter, "ready", None)
    reason = ready() if ready else None
    if reason:
        return reason
    catalog = service.catalog
    if catalog is not None:
        gone = [
            clip_id
            for clip_id in dict.fromkeys(needed_clips(service.routine, service.phrases))
            if not _on_disk(catalog, clip_id)
        ]
        if gone:
            return (
                f"{len(gone)} clips are gone from the audio build in {catalog.cache_dir}"
                f" ({gone[0]} …): run `backcoach audio build`"
            )
    return None


def _on_disk(catalog: AudioCatalog, clip_id: str) -> bool:
    """Whether a clip's file is still there (the catalog only knows what was there at start)."""
    entry = catalog.clip(clip_id)
    return entry is not None and (catalog.cache_dir / entry.file).is_file()
