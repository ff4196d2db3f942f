"""p99 latency of everyday turns at concurrency 8, the skill against bare Flask."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.figure import Figure
from benchmarks.load import drive, percentile
from benchmarks.server import ServerProcess, start_baseline

REQUESTS = 2_000
"""Enough for 20 requests above the 99th percentile."""
CONCURRENCY = 8
WARM_UP = 100


def p99_figure(skill: ServerProcess, request: Callable[[int], dict]) -> Figure:
    """p99 of REQUESTS turns from CONCURRENCY clients at once, ÷ bare Flask's for the same turns."""
    drive(skill.port, request, WARM_UP, CONCURRENCY)
    skill_p99 = percentile(drive(skill.port, request, REQUESTS, CONCURRENCY), 99)
    with start_baseline("bare_flask") as bare:
        drive(bare.port, request, WARM_UP, CONCURRENCY)
        bare_p99 = percentile(drive(bare.port, request, REQUESTS, CONCURRENCY), 99)
    return Figure(
        f"p99 latency at concurrency {CONCURRENCY} ÷ bare Flask's",
        skill_p99 * 1000,
        "ms",
        bare_p99 * 1000,
        "bare Flask",
        goal=3.0,
        note=f"{REQUESTS:,} everyday turns each",
    )
