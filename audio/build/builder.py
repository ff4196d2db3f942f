"""The audio build: every clip of the plan rendered once into a content-addressed cache."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from backcoach.audio.build.mp3 import (
    ENCODE_ARGS,
    MAX_LENGTH_S,
    TRACK_ENCODE_ARGS,
    TRACK_FALLBACK_ARGS,
    check_mp3,
    check_stream_mp3,
    encode_mp3,
    encode_track,
    mp3_length_s,
)
from backcoach.audio.build.render import (
    RENDER,
    RenderError,
    RenderParams,
    WordBank,
    render_segment,
    segment_texts,
)
from backcoach.audio.build.track import (
    MAX_TRACK_S,
    Track,
    all_tracks,
    render_track,
    sentence_lengths,
    track_texts,
)
from backcoach.audio.build.voices import Voice
from backcoach.audio.manifest import (
    CLIP_FILE,
    ClipEntry,
    ManifestError,
    read_manifest,
    write_manifest,
)
from backcoach.skill.domain.coach import Coach
from backcoach.skill.domain.plan import CueWords, Segment, all_segments
from backcoach.skill.domain.routine import Routine

Clip = Segment | Track
"""Anything the build renders to one file."""

CLIP_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
"""Clip ids become file names: no separators, no leading dot."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    cache_dir: Path
    rendered: tuple[str, ...]
    """Clip ids rendered and encoded by this run."""
    reused: tuple[str, ...]
    """Clip ids whose file was already in the cache."""
    removed: tuple[str, ...]
    """Old clip files deleted because the manifest no longer lists them."""
    total_audio_s: float
    """Playing time of all the clips in the manifest."""
    elapsed_s: float

    @property
    def clip_count(self) -> int:
        return len(self.rendered) + len(self.reused)

    def summary(self) -> str:
        """One line for the terminal."""
        removed = f", {len(self.removed)} old files removed" if self.removed else ""
        return (
            f"audio: {self.clip_count} clips in {self.cache_dir} ({len(self.rendered)} rendered, "
            f"{len(self.reused)} reused{removed}), {self.total_audio_s / 60:.1f} min of audio, "
            f"{self.elapsed_s:.1f} s"
        )


def clip_digest(segment: Segment | Track, voice_id: str, params: RenderParams = RENDER) -> str:
    """sha256 over what the clip sounds like: its cues and length, the voice, render and encode."""
    if isinstance(segment, Track):
        audible: dict = {"track": segment.to_json()}
    else:
        audible = {
            "duration_s": segment.duration_s,
            "cues": [[c.at_s, c.text, c.kind] for c in segment.cues],
        }
    payload = {
        **audible,
        "voice": voice_id,
        "render": params.as_dict(),
        "encode": list(_encode_args(segment)),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def clip_file_name(segment: Segment | Track, voice_id: str, params: RenderParams = RENDER) -> str:
    """`<clip_id>-<hash12>.mp3`: a new name whenever anything audible changes."""
    if not CLIP_ID.match(segment.clip_id):
        raise ValueError(f"clip id {segment.clip_id!r} cannot be a file name")
    return f"{segment.clip_id}-{clip_digest(segment, voice_id, params)[:12]}.mp3"


def _unique(segments: Iterable[Clip] | Mapping[str, Clip]) -> dict[str, Clip]:
    found: dict[str, Clip] = {}
    for seg in segments.values() if isinstance(segments, Mapping) else segments:
        if found.setdefault(seg.clip_id, seg) != seg:
            raise ValueError(f"two different segments share the clip id {seg.clip_id!r}")
    return found


def _encode_args(clip: Clip) -> tuple[str, ...]:
    """A track is an AudioPlayer stream (variable rate); a clip is SSML audio (48 kbps CBR)."""
    return (*TRACK_ENCODE_ARGS, *TRACK_FALLBACK_ARGS) if isinstance(clip, Track) else ENCODE_ARGS


def _format_problems(path: Path, clip: Clip) -> list[str]:
    """What Alexa would refuse in a clip's or a track's file (empty when it is fine)."""
    if isinstance(clip, Track):
        return check_stream_mp3(path, MAX_TRACK_S)
    return check_mp3(path, MAX_LENGTH_S)


def _usable(path: Path, clip: Clip, known: Mapping[str, ClipEntry]) -> bool:
    """A file already in the cache that passes the format check (a track's timings known too)."""
    if isinstance(clip, Track):
        entry = next((e for e in known.values() if e.file == path.name), None)
        if entry is None or (not entry.sets_s and clip.has_sets):
            return False
    return path.is_file() and not _format_problems(path, clip)


def _texts(clip: Clip) -> list[str]:
    return track_texts(clip) if isinstance(clip, Track) else segment_texts(clip)


def _render_clip(
    clip: Clip, path: Path, bank: WordBank, params: RenderParams
) -> tuple[tuple[float, ...], tuple[float, ...] | None]:
    """Render, encode and check one clip; its onsets, and a track's set starts."""
    sets = None
    if isinstance(clip, Track):
        audio, onsets = render_track(clip, bank, params)
        sets = clip.set_starts(sentence_lengths(clip, bank))
    else:
        audio, onsets = render_segment(clip, bank, params), clip.onsets_s
    if isinstance(clip, Track):
        encode_track(audio, path)
    else:
        encode_mp3(audio, path)
    del audio  # a long track's samples are the bulk of a worker's memory
    problems = _format_problems(path, clip)
    if problems:
        path.unlink(missing_ok=True)
        raise RenderError(f"{clip.clip_id}: encoded file fails the format check: {problems}")
    return onsets, sets


def _previous(cache: Path) -> dict[str, ClipEntry]:
    """The manifest left by the last build, or nothing."""
    try:
        return dict(read_manifest(cache))
    except (OSError, ManifestError):
        return {}


def build(
    routine: Routine | None,
    phrases,
    cache_dir: Path | str,
    voice: Voice,
    progress: bool = True,
    *,
    segments: Iterable[Clip] | Mapping[str, Clip] | None = None,
    params: RenderParams = RENDER,
    jobs: int | None = None,
) -> BuildReport:
    """Render every clip any response can play into `cache_dir` and write its manifest.

    `phrases` is the locale's Phrases (or its CueWords). `segments`, when given, replaces
    every clip of the plan and every hands-free track (tests build a few). Clips whose file
    already exists are reused; the voice is only loaded when something has to be rendered.
    `jobs` threads (default: one per core) speak, render and encode side by side.
    """
    started = time.monotonic()
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"build: jobs must be at least 1, not {jobs}")
    if segments is None:
        if routine is None:
            raise ValueError("build: give a routine, or the segments to render")
        words: CueWords = getattr(phrases, "cue_words", phrases)
        segments = [*all_segments(routine, words).values()]
        segments += all_tracks(Coach(routine, phrases)).values()
    plan = _unique(segments)
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    known = _previous(cache)
    onsets = {cid: e.onsets_s for cid, e in known.items()}
    sets = {cid: e.sets_s for cid, e in known.items()}

    names = {cid: clip_file_name(seg, voice.id, params) for cid, seg in plan.items()}
    todo = [cid for cid in plan if not _usable(cache / names[cid], plan[cid], known)]
    for cid in todo:
        clip = plan[cid]
        if isinstance(clip, Segment) and clip.duration_s > MAX_LENGTH_S:
            raise RenderError(f"{cid}: {clip.duration_s} s is over {MAX_LENGTH_S:g} s")

    if todo:
        bank = WordBank(voice, params)
        bar = tqdm(
            total=len(todo), desc="audio", unit="clip", file=sys.stderr, disable=not progress
        )
        with bar, ThreadPoolExecutor(workers, thread_name_prefix="clip") as pool:
            running: dict[Future, str] = {}
            unspoken = {cid: set(_texts(plan[cid])) for cid in todo}
            lock = threading.Lock()

            def start(cid: str) -> None:
                job = pool.submit(_render_clip, plan[cid], cache / names[cid], bank, params)
                job.add_done_callback(lambda _: bar.update())
                running[job] = cid

            def spoken(text: str) -> None:
                """A clip is rendered as soon as its last phrase is spoken."""
                with lock:
                    for cid, left in unspoken.items():
                        if text in left:
                            left.discard(text)
                            if not left:
                                start(cid)

            try:
                with lock:
                    for cid in todo:
                        if not unspoken[cid]:
                            start(cid)
                # Half the cores speak, the rest render and encode what is spoken: one Piper
                # session at full tilt holds ~250 MB, and ffmpeg needs a core of its own. Each
                # speaker's session has LANE_THREADS threads, asleep when not needed, so a
                # speaker takes the idle core whenever the renderers wait for speech.
                texts = [t for cid in todo for t in _texts(plan[cid])]
                bank.speak(texts, max(1, workers // 2), spoken)
                for job in as_completed(list(running)):
                    cid = running[job]
                    onsets[cid], timed_sets = job.result()
                    if timed_sets is not None:
                        sets[cid] = timed_sets
            except BaseException:
                pool.shutdown(cancel_futures=True)  # clips not started yet are not rendered
                raise

    entries = {
        cid: ClipEntry(
            file=names[cid],
            duration_s=round(mp3_length_s(cache / names[cid]), 3),
            kind=seg.kind,
            onsets_s=tuple(onsets[cid]),
            sets_s=tuple(sets.get(cid, ())) if isinstance(seg, Track) else (),
        )
        for cid, seg in plan.items()
    }
    write_manifest(cache, entries)
    keep = set(names.values())
    removed = []
    for old in sorted(cache.iterdir()):
        if CLIP_FILE.match(old.name) and old.name not in keep:
            old.unlink(missing_ok=True)
            removed.append(old.name)

    report = BuildReport(
        cache_dir=cache,
        rendered=tuple(todo),
        reused=tuple(cid for cid in plan if cid not in todo),
        removed=tuple(removed),
        total_audio_s=round(sum(e.duration_s for e in entries.values()), 3),
        elapsed_s=round(time.monotonic() - started, 3),
    )
    if progress:
        print(report.summary(), file=sys.stderr)
    return report
