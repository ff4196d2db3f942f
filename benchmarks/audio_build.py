"""Time a full audio build (real-time factor, cores used, peak memory), then a no-op rebuild.

Run by hand: `.venv/bin/python benchmarks/audio_build.py [--engine piper] [--jobs N]
[--keep DIR] [--onsets]`. Each build runs in a child process so its CPU time (with ffmpeg's)
and memory are its own; `measure(out_dir)` returns the figures for benchmarks/run.py.
Targets (issue #12, on a 2-core machine): RTF <= 0.005, >= 1.7 cores used, < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from backcoach.audio.build.measure import onsets_s
from backcoach.audio.build.mp3 import decode_mp3
from backcoach.audio.manifest import read_manifest
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.plan import all_segments
from backcoach.skill.domain.routine import load_routine

SAMPLE_EVERY_S = 0.02
"""How often the memory of the build's process tree is sampled."""


def _tree_pss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, now (0 once gone).

    Proportional set size: the pages ffmpeg processes share (the binary) are counted once.
    A child not yet turned into ffmpeg is skipped: subprocess starts it with vfork, so until
    its exec it *is* the parent's memory, and counting it again once doubled the peak."""
    total, todo = 0, [pid]
    try:
        parent_exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return 0
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
            if p != pid and os.readlink(f"/proc/{p}/exe") == parent_exe:
                continue
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue  # exited between reads, or a zombie without memory
    return total


def _child_build(out_dir: str, engine: str, voice: str | None, jobs: int | None) -> None:
    """In the child: build, and print the report as one JSON line."""
    from backcoach.audio.build.builder import build
    from backcoach.audio.build.voices import make_voice

    threads = {"jobs": jobs} if jobs else {}  # (so it also times builds before --jobs)
    report = build(
        load_routine(), load_phrases("en-US"), out_dir, make_voice(engine, voice), **threads
    )
    line = {"audio_s": report.total_audio_s, "rendered": len(report.rendered)}
    print(json.dumps({**line, "clips": report.clip_count}), flush=True)


def measure(
    out_dir: Path | str, engine: str = "piper", voice: Path | None = None, jobs: int | None = None
) -> dict:
    """Build into `out_dir` in a child process: rtf, cores_used, peak_rss_mb, audio_s, wall_s.

    Wall time counts from the child's start (imports and loading the voice included); CPU time
    is the child's and its ffmpeg processes'; peak memory is the largest sum of the memory
    (PSS) of the child and its live ffmpeg processes, sampled every 20 ms.
    """
    cmd = [sys.executable, __file__, "--child", str(out_dir), "--engine", engine]
    cmd += ["--voice", str(voice)] if voice else []
    cmd += ["--jobs", str(jobs)] if jobs else []
    started = time.monotonic()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_kb
        while not done.wait(SAMPLE_EVERY_S):
            peak_kb = max(peak_kb, _tree_pss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall_s = time.monotonic() - started
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the audio build failed (exit {child.returncode})")
    report = json.loads(output.strip().splitlines()[-1])
    # ru_maxrss (kB) is the child's own peak: a floor when it peaked between two samples.
    peak_kb = max(peak_kb, usage.ru_maxrss)
    return {
        "rtf": round(wall_s / report["audio_s"], 5),
        "cores_used": round((usage.ru_utime + usage.ru_stime) / wall_s, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "audio_s": report["audio_s"],
        "wall_s": round(wall_s, 2),
        "clips": report["clips"],
        "rendered": report["rendered"],
    }


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
    parser.add_argument("--jobs", type=int, default=None, help="build threads (default: cores)")
    parser.add_argument("--keep", type=Path, default=None, help="build here instead of a tmp dir")
    parser.add_argument("--onsets", action="store_true", help="also measure every count onset")
    parser.add_argument("--child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_build(args.child, args.engine, args.voice, args.jobs)
        return 0

    with tempfile.TemporaryDirectory(prefix="bc-audio-") as tmp:
        cache = args.keep or Path(tmp)
        first = measure(cache, args.engine, args.voice, args.jobs)
        second = measure(cache, args.engine, args.voice, args.jobs)
        size_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
        audio_s = first["audio_s"]
        print(f"clips:          {first['clips']} ({first['rendered']} rendered)")
        print(f"total audio:    {audio_s / 60:.1f} min ({audio_s:.0f} s)")
        print(f"full build:     {first['wall_s']:.1f} s (incl. starting and loading the voice)")
        print(f"real-time f.:   {first['rtf']:.4f} (wall s per s of audio)")
        print(f"cores used:     {first['cores_used']:.2f} of {os.cpu_count()}")
        print(f"peak memory:    {first['peak_rss_mb']:.0f} MB (build process and ffmpeg)")
        print(f"second run:     {second['wall_s']:.2f} s ({second['rendered']} rendered)")
        print(f"cache size:     {size_mb:.1f} MB in {cache}")
        if args.onsets:
            segments = all_segments(load_routine(), load_phrases("en-US").cue_words)
            worst, counted = worst_onset_error_s(cache, segments)
            print(f"onsets:         worst error {worst * 1000:.1f} ms over {counted} counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
