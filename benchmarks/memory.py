"""Server RSS after many everyday turns from long-time users."""

from __future__ import annotations

from benchmarks.figure import Figure
from benchmarks.load import drive
from benchmarks.seeding import HISTORY, Everyday
from benchmarks.server import ServerProcess

REQUESTS = 20_000
CONCURRENCY = 8


def rss_figure(skill: ServerProcess, users: list[tuple[str, Everyday]]) -> Figure:
    """VmRSS after REQUESTS everyday turns spread over `users` (each in its own open session)."""
    at_start = skill.rss_mb()

    def request(n: int) -> dict:
        user_id, turn = users[n % len(users)]
        return turn.again(user_id)

    drive(skill.port, request, REQUESTS, CONCURRENCY)
    return Figure(
        f"server RSS after {REQUESTS:,} requests from long-time users",
        skill.rss_mb(),
        "MB",
        at_start,
        "RSS at start",
        goal=100.0,
        on_ratio=False,
        note=f"{len(users):,} users with {HISTORY} sessions each, {CONCURRENCY} clients",
    )
