"""The cache's manifest: clip id -> file, measured length, kind and planned count onsets."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.json"
"""File name of the manifest inside the cache directory."""
CLIP_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*-[0-9a-f]{12}\.mp3$")
"""What a clip's file name looks like: `<clip_id>-<hash12>.mp3`, never a path."""


class ManifestError(ValueError):
    """The manifest is unreadable or malformed."""


@dataclass(frozen=True)
class ClipEntry:
    """One rendered clip, as the manifest lists it."""

    file: str
    """File name inside the cache directory (`<clip_id>-<hash12>.mp3`)."""
    duration_s: float
    """Playing time measured from the encoded file."""
    kind: str
    """`hold`, `reps` or `rest`, as in the plan."""
    onsets_s: tuple[float, ...]
    """Planned onsets of the timed counts."""

    def to_json(self) -> dict:
        """Plain data for the manifest file."""
        return {
            "file": self.file,
            "duration_s": self.duration_s,
            "kind": self.kind,
            "onsets_s": list(self.onsets_s),
        }


def _entry(clip_id: str, data: object) -> ClipEntry:
    if not isinstance(data, dict):
        raise ManifestError(f"clip {clip_id!r}: not a mapping")
    try:
        entry = ClipEntry(
            file=str(data["file"]),
            duration_s=float(data["duration_s"]),
            kind=str(data["kind"]),
            onsets_s=tuple(float(t) for t in data.get("onsets_s", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"clip {clip_id!r}: bad or missing field: {exc}") from exc
    if not CLIP_FILE.match(entry.file):
        raise ManifestError(f"clip {clip_id!r}: file {entry.file!r} is not a clip file name")
    return entry


def read_manifest(cache_dir: Path | str) -> dict[str, ClipEntry]:
    """The manifest of `cache_dir`; FileNotFoundError if there is none, ManifestError if bad."""
    path = Path(cache_dir) / MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: not a mapping of clip ids")
    return {str(clip_id): _entry(clip_id, value) for clip_id, value in data.items()}


def write_manifest(cache_dir: Path | str, entries: Mapping[str, ClipEntry]) -> Path:
    """Write the manifest atomically (a temporary file renamed over the old one)."""
    path = Path(cache_dir) / MANIFEST_NAME
    data = {clip_id: entries[clip_id].to_json() for clip_id in sorted(entries)}
    tmp = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
