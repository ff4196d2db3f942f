"""Time a full audio build into a temporary directory, then an incremental (no-op) rebuild.

Run by hand: `.venv/bin/python benchmarks/audio_build.py [--engine piper] [--keep DIR] [--onsets]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from backcoach.audio.build.builder import build
from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import decode_mp3
from backcoach.audio.build.voices import make_voice
from backcoach.audio.manifest import read_manifest
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.plan import all_segments
from backcoach.skill.domain.routine import load_routine


def worst_onset_error_s(cache: Path, segments) -> tuple[float, int]:
    """Largest distance between a planned count and the onset measured in its decoded MP3."""
    manifest = read_manifest(cache)
    worst, counted = 0.0, 0
    for seg in segments.values():
        if not seg.onsets_s:
            continue
        samples, rate = decode_mp3(cache / manifest[seg.clip_id].file)
        measured = onsets_s(samples, rate, threshold_dbfs=-60.0)
        for planned in seg.onsets_s:
            worst = max(worst, min(abs(m - planned) for m in measured))
            counted += 1
    return worst, counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="piper", choices=("piper", "gtts"))
    parser.add_argument("--voice", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="build here instead of a tmp dir")
    parser.add_argument("--onsets", action="store_true", help="also measure every count onset")
    args = parser.parse_args()

    routine, phrases = load_routine(), load_phrases("en-US")
    segments = all_segments(routine, phrases.cue_words)
    with tempfile.TemporaryDirectory(prefix="bc-audio-") as tmp:
        cache = args.keep or Path(tmp)
        started = time.monotonic()
        first = build(routine, phrases, cache, make_voice(args.engine, args.voice))
        first_s = time.monotonic() - started
        started = time.monotonic()
        second = build(routine, phrases, cache, make_voice(args.engine, args.voice))
        second_s = time.monotonic() - started
        size_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
        print(f"clips:          {first.clip_count} ({len(first.rendered)} rendered)")
        print(f"total audio:    {first.total_audio_s / 60:.1f} min ({first.total_audio_s:.0f} s)")
        print(f"full build:     {first_s:.1f} s (incl. loading the voice)")
        print(f"second run:     {second_s:.2f} s ({len(second.rendered)} rendered)")
        print(f"cache size:     {size_mb:.1f} MB in {cache}")
        if args.onsets:
            worst, counted = worst_onset_error_s(cache, segments)
            print(f"onsets:         worst error {worst * 1000:.1f} ms over {counted} counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
