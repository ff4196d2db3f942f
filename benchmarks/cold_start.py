"""Cold start: process spawn to the first 200 on POST /alexa, the skill against a minimal
ask-sdk skill (one handler, behind the same Flask and waitress) and bare Flask."""

from __future__ import annotations

import compileall
import statistics
import tempfile
from pathlib import Path

from benchmarks.figure import Figure
from benchmarks.server import ROOT, start_baseline, start_skill

RUNS = 7


def _ready_s(server) -> float:
    with server:
        assert server.ready_s is not None
        return server.ready_s


def cold_start_figure(audio_dir: Path) -> Figure:
    """Median of RUNS starts of each, the skill with a fresh data directory every time.

    The checkout's modules are compiled first, as an installed package's are (pip compiles
    them) and as a first `make run` leaves them: with PYTHONDONTWRITEBYTECODE set, as on
    some machines, every start would otherwise compile the skill from source, while the
    baselines' libraries, installed by pip, start compiled."""
    for package in ("skill", "audio", "interaction_models"):
        compileall.compile_dir(ROOT / package, quiet=1)
    skill_s, minimal_s, bare_s = [], [], []
    for _ in range(RUNS):  # interleaved: a busy moment slows every side alike
        with tempfile.TemporaryDirectory(prefix="bc-bench-cold-") as data:
            skill_s.append(_ready_s(start_skill(Path(data), audio_dir)))
        minimal_s.append(_ready_s(start_baseline("minimal_ask")))
        bare_s.append(_ready_s(start_baseline("bare_flask")))
    return Figure(
        "cold start: process start → first answer on POST /alexa",
        statistics.median(skill_s),
        "s",
        statistics.median(minimal_s),
        "minimal ask-sdk",
        goal=1.5,
        note=f"median of {RUNS}; bare Flask {statistics.median(bare_s):.3f} s",
    )


if __name__ == "__main__":
    from backcoach.skill.config import Config

    figure = cold_start_figure(Config.from_env().audio_cache)
    print(
        f"{figure.measured:.3f} s against {figure.baseline:.3f} s ({figure.baseline_label}):"
        f" {figure.ratio:.2f}x; {figure.note}"
    )
