"""Voice turns timed while many slow clients download audio tracks from /audio."""

from __future__ import annotations

import time
from pathlib import Path

from backcoach.audio.catalog import AudioCatalog
from benchmarks.client import Client
from benchmarks.figure import Figure
from benchmarks.seeding import Everyday
from benchmarks.server import ServerProcess
from benchmarks.slow_downloads import SlowDownloads, wait_until_receiving

CLIENTS = 150
RATE_BPS = 4096
"""A few KB/s: at this rate the longest track takes minutes, longer than the turns."""
TURNS = 20
TURN_TIMEOUT_S = 2.0
"""Twice the goal: a turn this slow has missed it whatever it would have taken."""
GIVE_UP_AFTER = 3
"""Timed-out turns in a row after which the rest are not tried (each would cost the timeout)."""
PAUSE_S = 0.2
"""Between voice turns, as between a person's sentences (shortened)."""


def longest_track(audio_dir: Path) -> str:
    """The URL path of the biggest MP3 the catalog serves."""
    catalog = AudioCatalog.load(audio_dir)
    served = [p for p in audio_dir.glob("*.mp3") if catalog.path_for(p.name) is not None]
    return f"/audio/{max(served, key=lambda p: p.stat().st_size).name}"


def timed_turns(port: int, turn: Everyday) -> list[float]:
    """Seconds each of TURNS turns took, on a new connection each as a device makes; a turn
    that fails or times out counts as TURN_TIMEOUT_S, and GIVE_UP_AFTER of those in a row end
    the run early."""
    took: list[float] = []
    for _ in range(TURNS):
        if len(took) >= GIVE_UP_AFTER and min(took[-GIVE_UP_AFTER:]) >= TURN_TIMEOUT_S:
            break
        started = time.perf_counter()
        try:
            with Client(port, timeout_s=TURN_TIMEOUT_S) as client:
                status, _ = client.post(turn.again())
            ok = status == 200
        except OSError:
            ok = False
        took.append(time.perf_counter() - started if ok else TURN_TIMEOUT_S)
        time.sleep(PAUSE_S)
    return took


def downloads_figure(skill: ServerProcess, turn: Everyday, audio_dir: Path) -> Figure:
    """The slowest of TURNS turns during CLIENTS slow downloads, against the same turns before."""
    quiet = timed_turns(skill.port, turn)
    path = longest_track(audio_dir)
    with SlowDownloads(skill.port, path, CLIENTS, RATE_BPS) as downloads:
        wait_until_receiving(downloads, timeout_s=3.0)
        busy = timed_turns(skill.port, turn)
        receiving = downloads.receiving()
    failed = sum(1 for s in busy if s >= TURN_TIMEOUT_S)
    failures = f"; {failed} of {len(busy)} turns tried failed or took over {TURN_TIMEOUT_S:g} s"
    return Figure(
        f"slowest of {TURNS} voice turns during {CLIENTS} slow /audio downloads",
        max(busy),
        "s",
        max(quiet),
        "no downloads",
        goal=1.0,
        on_ratio=False,
        note=(
            f"{receiving} of {CLIENTS} downloads receiving at {RATE_BPS // 1024} KB/s"
            + (failures if failed else "")
        ),
    )
