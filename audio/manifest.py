"""The cache's manifest: clip id -> file, measured length, kind, count onsets, set starts."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from backcoach.skill.domain.checked import After, Problems, check_json
from backcoach.skill.domain.validation import Loc, dotted, one_line

MANIFEST_NAME = "manifest.json"
"""File name of the manifest inside the cache directory."""
CLIP_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*-[0-9a-f]{12}\.mp3$")
"""What a clip's file name looks like: `<clip_id>-<hash12>.mp3`, never a path."""


class ManifestError(ValueError):
    """The manifest is unreadable or malformed; the message names the file, clip and field."""


def _clip_file(name: str) -> str:
    if not CLIP_FILE.match(name):
        raise ValueError(f"{name!r} is not a clip file name (<clip id>-<hash12>.mp3)")
    return name


@dataclass(frozen=True)
class ClipEntry:
    """One rendered clip, as the manifest lists it."""

    file: Annotated[str, After(_clip_file)]
    """File name inside the cache directory (`<clip_id>-<hash12>.mp3`)."""
    duration_s: float
    """Playing time measured from the encoded file."""
    kind: str
    """`hold`, `reps`, `rest` or `lead_in`, as in the plan; `track` for a hands-free track."""
    onsets_s: tuple[float, ...] = ()
    """Planned onsets of the timed counts."""
    sets_s: tuple[float, ...] = ()
    """A track's set starts (each set's lead-in, or its first cue); empty for clips."""

    def to_json(self) -> dict:
        """Plain data for the manifest file (`sets_s` only where there are any)."""
        data = {
            "file": self.file,
            "duration_s": self.duration_s,
            "kind": self.kind,
            "onsets_s": list(self.onsets_s),
        }
        return {**data, "sets_s": list(self.sets_s)} if self.sets_s else data


def _where(loc: Loc) -> str:
    """`clip 'hold-5s': file`: the clip by its id, then the field."""
    if not loc:
        return ""
    return ": ".join(filter(None, (f"clip {loc[0]!r}", dotted(loc[1:]))))


def read_manifest(cache_dir: Path | str) -> dict[str, ClipEntry]:
    """The manifest of `cache_dir`; FileNotFoundError if there is none, ManifestError if bad."""
    path = Path(cache_dir) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: not UTF-8 text: {exc}") from None
    try:
        return check_json(dict[str, ClipEntry], text)
    except Problems as exc:
        raise ManifestError(one_line(exc, str(path), _where)) from None


def write_manifest(cache_dir: Path | str, entries: Mapping[str, ClipEntry]) -> Path:
    """Write the manifest atomically (a temporary file renamed over the old one)."""
    path = Path(cache_dir) / MANIFEST_NAME
    data = {clip_id: entries[clip_id].to_json() for clip_id in sorted(entries)}
    tmp = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
