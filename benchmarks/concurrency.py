"""Everyday turns at concurrency 1, 8 and 32: CPU per turn, p99, throughput and context
switches, for the skill as `make run` serves it, as one 8-thread process served it, and for
bare Flask, all in the same run."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figure import Figure
from benchmarks.load import drive, percentile
from benchmarks.server import THREADS, ServerProcess, start_baseline, start_skill

REQUESTS = {1: 1_000, 8: 2_000, 32: 3_200}
"""Turns per measurement: at concurrency 8, 20 above the 99th percentile."""
WARM_UP = 100


@dataclass(frozen=True)
class Load:
    """One run of REQUESTS[concurrency] turns against one server."""

    concurrency: int
    per_s: float
    p99_ms: float
    cpu_ms: float
    """Server CPU (every process and thread of it) per turn."""
    switches: float
    """Context switches (every thread of it) per turn."""
    load_1m: float
    """The machine's 1-minute load average when the run ended."""


def measure(server: ServerProcess, request: Callable[[int], dict], concurrency: int) -> Load:
    """REQUESTS[concurrency] turns from `concurrency` keep-alive clients at once."""
    drive(server.port, request, WARM_UP, concurrency)
    total = REQUESTS[concurrency]
    cpu, switches, started = server.cpu_s(), server.context_switches(), time.perf_counter()
    latencies = drive(server.port, request, total, concurrency)
    took = time.perf_counter() - started
    return Load(
        concurrency,
        total / took,
        percentile(latencies, 99) * 1000,
        (server.cpu_s() - cpu) * 1000 / total,
        (server.context_switches() - switches) / total,
        os.getloadavg()[0],
    )


@contextmanager
def servers(data_dir: Path, audio_dir: Path) -> Iterator[dict[str, ServerProcess]]:
    """The skill as `make run` serves it, as one 8-thread process, and bare Flask."""
    with (
        start_skill(data_dir, audio_dir) as processes,
        start_skill(data_dir, audio_dir, THREADS) as threads,
        start_baseline("bare_flask") as bare,
    ):
        yield {"processes": processes, "threads": threads, "bare": bare}


def concurrency_figures(
    data_dir: Path, audio_dir: Path, request: Callable[[int], dict]
) -> list[Figure]:
    """Each concurrency on each server, in turn (so that drift hits them all alike)."""
    runs: dict[tuple[str, int], Load] = {}
    with servers(data_dir, audio_dir) as running:
        for concurrency in REQUESTS:
            for name, server in running.items():
                runs[name, concurrency] = measure(server, request, concurrency)
    figures = []
    for concurrency in (1, 8):
        skill, bare = runs["processes", concurrency], runs["bare", concurrency]
        figures.append(
            Figure(
                f"server CPU per everyday turn at concurrency {concurrency} ÷ bare Flask",
                skill.cpu_ms,
                "ms",
                bare.cpu_ms,
                "bare Flask",
                goal=2.0,
                note=_note(skill, bare),
            )
        )
    skill8, bare8, threads8 = runs["processes", 8], runs["bare", 8], runs["threads", 8]
    figures.append(
        Figure(
            "p99 latency at concurrency 8 ÷ bare Flask",
            skill8.p99_ms,
            "ms",
            bare8.p99_ms,
            "bare Flask",
            goal=3.0,
            note=f"one 8-thread process: {threads8.p99_ms:.1f} ms; {_note(skill8, bare8)}",
        )
    )
    skill32, threads32 = runs["processes", 32], runs["threads", 32]
    figures.append(
        Figure(
            "throughput at 32 clients ÷ one 8-thread process",
            skill32.per_s,
            "turns/s",
            threads32.per_s,
            "8 threads",
            goal=2.0,
            at_least=True,
            note=f"bare Flask {runs['bare', 32].per_s:.0f} turns/s; {_note(skill32, threads32)}",
        )
    )
    figures.append(
        Figure(
            "context switches per turn at concurrency 8 ÷ one 8-thread process",
            skill8.switches,
            "",
            threads8.switches,
            "8 threads",
            note=f"bare Flask {bare8.switches:.1f}; {_note(skill8, threads8)}",
        )
    )
    return figures


def _note(*loads: Load) -> str:
    """The load average beside a figure: every figure on a shared machine sways with it."""
    return "load " + " / ".join(f"{load.load_1m:.2f}" for load in loads)
