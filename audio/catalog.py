"""Read-only view of a built audio cache, for serving: lookups only, never renders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from backcoach.audio.manifest import MANIFEST_NAME, ClipEntry, ManifestError, read_manifest

BUILD_HINT = "run `backcoach audio build`"
SEEK_EARLY_S = 0.8
"""How much earlier than a set's lead-in a restart asks the player to start. Tracks are
variable-rate, and a player finds a time in one through its 100-point Xing table: simulated
over every set start, it lands up to 0.70 s late (cutting "Get into position" short) and up
to 1.89 s early (benchmarks/seek_figure.py). Asked this much earlier, every restart lands
0.1 to 2.1 s before the lead-in, in what comes just before it (a rest's silence, or the
last words of the steps)."""


class CatalogError(RuntimeError):
    """The audio cache is missing or unreadable; the message says how to build it."""


@dataclass(frozen=True)
class AudioCatalog:
    """The clips of one cache directory whose files are present."""

    cache_dir: Path
    clips: Mapping[str, ClipEntry]
    """Clip id -> entry, for the clips whose file exists."""
    files: Mapping[str, ClipEntry]
    """File name -> entry for those clips: the only names `path_for` answers."""

    @classmethod
    def load(cls, cache_dir: Path | str, *, trust_manifest: bool = False) -> AudioCatalog:
        """Read `cache_dir/manifest.json`; CatalogError if it is missing or malformed.

        With `trust_manifest`, every clip it lists counts as present: the files are served
        from elsewhere (AWS Lambda links to the published copies, see `audio publish`)."""
        cache = Path(cache_dir).resolve()
        try:
            entries = read_manifest(cache)
        except FileNotFoundError:
            where = cache / MANIFEST_NAME
            raise CatalogError(f"no audio manifest at {where}: {BUILD_HINT}") from None
        except (OSError, ManifestError) as exc:
            raise CatalogError(f"unreadable audio manifest ({exc}): {BUILD_HINT}") from exc
        present = {
            cid: e for cid, e in entries.items() if trust_manifest or (cache / e.file).is_file()
        }
        files = {e.file: e for e in present.values()}
        return cls(cache, MappingProxyType(present), MappingProxyType(files))

    def clip(self, clip_id: str) -> ClipEntry | None:
        """The entry of a clip, or None when it was not built (or its file is gone)."""
        return self.clips.get(clip_id)

    def by_url(self, url: str) -> ClipEntry | None:
        """The entry whose file an audio URL names (None if it isn't one of ours)."""
        return self.files.get(url.rsplit("/", 1)[-1])

    def audio_s(self, url: str) -> float | None:
        """Length of the clip or track an audio URL points at."""
        entry = self.by_url(url)
        return entry.duration_s if entry else None

    def onsets_s(self, url: str) -> tuple[float, ...]:
        """Planned onsets of the timed counts in the clip or track at a URL."""
        entry = self.by_url(url)
        return entry.onsets_s if entry else ()

    def set_starts_s(self, clip_id: str) -> tuple[float, ...]:
        """Where each set of a track starts (its lead-in, or its first cue); () for clips."""
        entry = self.clips.get(clip_id)
        return entry.sets_s if entry else ()

    def seek_starts_s(self, clip_id: str) -> tuple[float, ...]:
        """Where to ask a player to start each set of a track: SEEK_EARLY_S before its
        lead-in (a set counts as begun from there); () for clips."""
        return tuple(max(0.0, start - SEEK_EARLY_S) for start in self.set_starts_s(clip_id))

    def missing(self, clip_ids: Iterable[str]) -> list[str]:
        """The clip ids, in order and once each, that this cache cannot play."""
        return list(dict.fromkeys(cid for cid in clip_ids if cid not in self.clips))

    def path_for(self, file_name: str) -> Path | None:
        """The path of a clip file named in the manifest, or None for any other name."""
        if file_name not in self.files:
            return None
        return self.cache_dir / file_name
