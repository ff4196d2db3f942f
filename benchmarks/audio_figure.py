"""The full audio build from scratch: real-time factor and cores used."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backcoach.audio.catalog import AudioCatalog
from benchmarks.figure import Figure

SCRIPT = Path(__file__).with_name("audio_build.py")


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _by_script(out_dir: Path) -> dict:
    """Run benchmarks/audio_build.py and read its output; cores from the child's CPU time."""
    cpu, started = _children_cpu_s(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--keep", str(out_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - started, _children_cpu_s() - cpu
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{SCRIPT.name} failed: {last}")
    audio = re.search(r"total audio:.*\((\d+(?:\.\d+)?) s\)", done.stdout)
    build = re.search(r"full build:\s+(\d+(?:\.\d+)?) s", done.stdout)
    if not audio or not build:
        raise RuntimeError(f"{SCRIPT.name}: no 'total audio' / 'full build' line in its output")
    return {
        "rtf": float(build[1]) / float(audio[1]),
        "cores_used": cpu / wall,
        "note": "cores over the whole script: loading, the build and a no-op rebuild",
    }


def _measure(out_dir: Path) -> dict:
    """benchmarks/audio_build.measure when it exists, else the script's printed figures."""
    try:
        from benchmarks.audio_build import measure  # type: ignore[attr-defined]
    except ImportError:
        return _by_script(out_dir)
    return measure(out_dir)


def audio_figures() -> list[Figure]:
    """Build every clip and track into an empty temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bc-bench-audio-") as out:
        result = _measure(Path(out))
    peak = f"peak RSS {result['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in result else ""
    return [
        Figure(
            "full audio build: real-time factor (build s ÷ audio s)",
            result["rtf"],
            "",
            goal=0.005,
            on_ratio=False,
            note=peak,
        ),
        Figure(
            "full audio build: cores used (CPU s ÷ wall s)",
            result["cores_used"],
            "",
            goal=1.7,
            at_least=True,
            on_ratio=False,
            note=result.get("note", ""),
        ),
    ]


CBR_BYTES_PER_S = 48_000 // 8
"""What every second costs at the SSML clips' 48 kbps CBR: the size the build had before
tracks were encoded at a variable rate (a 48 kbps CBR file is exactly this many bytes a
second, so the baseline needs no second encode)."""


def audio_size_figure(catalog: AudioCatalog) -> Figure:
    """The built audio's bytes against the same audio at 48 kbps CBR, with bytes per exercise."""
    sizes = {cid: (catalog.cache_dir / e.file).stat().st_size for cid, e in catalog.clips.items()}
    cbr = sum(e.duration_s * CBR_BYTES_PER_S for e in catalog.clips.values())
    by_exercise: dict[str, int] = {}
    for cid, size in sizes.items():
        kind, _, rest = cid.partition("-")
        if kind in ("track", "reps"):
            exercise = rest.split("-")[0]
            by_exercise[exercise] = by_exercise.get(exercise, 0) + size
    tracks = sum(s for cid, s in sizes.items() if catalog.clips[cid].kind == "track")
    per = ", ".join(f"{ex} {b / 1e6:.1f}" for ex, b in sorted(by_exercise.items()))
    return Figure(
        "audio bytes ÷ the same audio at 48 kbps CBR",
        sum(sizes.values()) / 1e6,
        "MB",
        baseline=cbr / 1e6,
        baseline_label="48 kbps CBR",
        goal=0.6,
        note=f"tracks {tracks / 1e6:.1f} MB; clips and tracks per exercise, MB: {per}",
    )
