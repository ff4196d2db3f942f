"""Server CPU per everyday turn: a long-time user against a new one, the skill against baselines."""

from __future__ import annotations

from benchmarks.client import Client
from benchmarks.figure import Figure
from benchmarks.seeding import HISTORY, Everyday
from benchmarks.server import ServerProcess, start_baseline

TURNS = 1000
"""Turns per measurement: at 100 clock ticks a second, ~1 s of CPU keeps rounding under 1 %."""
BLOCKS = 4
"""Measurements compared on one server alternate in this many blocks, so drift hits both."""
WARM_UP = 50


def cpu_ms(server: ServerProcess, turn: Everyday, turns: int) -> float:
    """Server CPU milliseconds per turn, over `turns` sequential asks of `turn`."""
    with Client(server.port) as client:
        before = server.cpu_s()
        for _ in range(turns):
            status, _ = client.post(turn.again())
            if status != 200:
                raise RuntimeError(f"port {server.port} answered HTTP {status} to a turn")
        return (server.cpu_s() - before) * 1000 / turns


def interleaved_cpu_ms(turns: dict[str, tuple[ServerProcess, Everyday]]) -> dict[str, float]:
    """cpu_ms of each named (server, turn), TURNS each, measured in alternating blocks."""
    for server, turn in turns.values():
        cpu_ms(server, turn, WARM_UP)
    spent = dict.fromkeys(turns, 0.0)
    for _ in range(BLOCKS):
        for name, (server, turn) in turns.items():
            spent[name] += cpu_ms(server, turn, TURNS // BLOCKS) / BLOCKS
    return spent


def history_and_everyday(skill: ServerProcess, new: Everyday, longtime: Everyday) -> list[Figure]:
    """A long history ÷ none; the skill ÷ bare Flask, ÷ a minimal ask-sdk skill, and ÷ that
    skill read and written with the skill's own serializer: every server up at once, their
    turns measured in alternating blocks, so that the machine's load drifts on all alike."""
    with (
        start_baseline("bare_flask") as bare,
        start_baseline("minimal_ask") as minimal,
        start_baseline("ask_our_serializer") as ours,
    ):
        ms = interleaved_cpu_ms(
            {
                "new": (skill, new),
                "longtime": (skill, longtime),
                "bare_flask": (bare, new),
                "minimal_ask": (minimal, new),
                "ask_our_serializer": (ours, new),
            }
        )
    return [
        Figure(
            f"server CPU per turn, {HISTORY} stored sessions ÷ a new person",
            ms["longtime"],
            "ms",
            ms["new"],
            "new person",
            goal=1.3,
        ),
        Figure(
            "server CPU per everyday turn ÷ bare Flask+waitress",
            ms["new"],
            "ms",
            ms["bare_flask"],
            "bare Flask",
            goal=2.0,
        ),
        Figure(
            "server CPU per everyday turn ÷ a minimal one-handler ask-sdk skill",
            ms["new"],
            "ms",
            ms["minimal_ask"],
            "minimal ask-sdk",
        ),
        Figure(
            "server CPU per everyday turn ÷ that skill read and written with our serializer",
            ms["new"],
            "ms",
            ms["ask_our_serializer"],
            "ASK, our serializer",
        ),
    ]
