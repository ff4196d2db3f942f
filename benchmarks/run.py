"""Every speed and size goal of issue #12, each against a baseline measured in the same run.

Run with `make bench` (it builds the audio first), or after `make audio`:
`.venv/bin/python -m benchmarks.run [--skip-build] [--json PATH] [--readme]`.
Prints a table; exits 1 if any goal is missed by more than the noise margin (figure.NOISE),
2 if it cannot run. Without the full audio build (--skip-build) it takes about two minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from backcoach.audio.catalog import AudioCatalog, CatalogError
from backcoach.skill.devtools.nlu import Nlu
from benchmarks.audio_figure import audio_figures, audio_size_figure
from benchmarks.client import Client
from benchmarks.cold_start import cold_start_figure
from benchmarks.concurrency import concurrency_figures
from benchmarks.cpu_per_turn import history_and_everyday
from benchmarks.downloads import downloads_figure
from benchmarks.figure import Figure
from benchmarks.lambda_cold_start import lambda_cold_start_figure
from benchmarks.memory import rss_figure
from benchmarks.report import Machine, table, update_readme, write_json
from benchmarks.seeding import HISTORY, Everyday, Person, copy_rows, stored_sessions
from benchmarks.seek_figure import seek_figure
from benchmarks.server import ROOT, start_skill

SEEDED = 4
"""Long-time users made by real turns; the rest are copies of their rows."""
USERS = 1_000
"""Long-time users talking during the memory and latency runs."""


STARTED = time.monotonic()


def say(message: str) -> None:
    """Progress on stderr, with the seconds since the run began."""
    print(f"bench [{time.monotonic() - STARTED:5.0f} s]: {message}", file=sys.stderr, flush=True)


def seed(client: Client, catalog: AudioCatalog, data_dir: Path) -> dict[str, Everyday]:
    """SEEDED people with HISTORY daily sessions each, every one driven by real turns; the
    everyday turn of each one's open session today, by user id."""
    nlu = Nlu.load()
    turns = {}
    for _ in range(SEEDED):
        person = Person(client, nlu, catalog, days_ago=HISTORY + 1)
        person.live_sessions(HISTORY)
        turns[person.user_id] = person.everyday_turn()
        kept = stored_sessions(data_dir, person.user_id)
        if kept != HISTORY + 1:  # and today's, open for the everyday turn
            raise RuntimeError(f"seeding kept {kept} sessions, not {HISTORY + 1}")
    return turns


def skill_figures(data_dir: Path, audio_dir: Path, catalog: AudioCatalog) -> list[Figure]:
    """Figures measured on `backcoach serve`: CPU, memory, latency, downloads."""
    with start_skill(data_dir, audio_dir) as skill, Client(skill.port) as client:
        say(f"seeding {SEEDED} people with {HISTORY} daily sessions each, turn by turn")
        turns = seed(client, catalog, data_dir)
        new = Person(client, Nlu.load(), catalog).everyday_turn()
        say("server CPU per turn: a long-time person, a new one, the baselines")
        figures = history_and_everyday(skill, new, next(iter(turns.values())))
    say(f"copying their rows to {USERS:,} users")
    users = [(user, turns[source]) for user, source in copy_rows(data_dir, list(turns), USERS)]

    def request(n: int) -> dict:
        user_id, turn = users[n % len(users)]
        return turn.again(user_id)

    with start_skill(data_dir, audio_dir) as skill:
        say("memory: 20,000 everyday turns from long-time users (a fresh server process)")
        figures.append(rss_figure(skill, users))
        say("voice turns during slow downloads")
        figures.append(downloads_figure(skill, new, audio_dir))
    say("concurrency 1, 8 and 32: processes, one 8-thread process, bare Flask")
    figures += concurrency_figures(data_dir, audio_dir, request)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audio-dir", type=Path, default=ROOT / "var" / "audio")
    parser.add_argument("--skip-build", action="store_true", help="skip the full audio build")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--readme", action="store_true", help="rewrite README's figures table")
    args = parser.parse_args(argv)
    audio_dir = args.audio_dir.resolve()
    try:
        catalog = AudioCatalog.load(audio_dir)
    except CatalogError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    machine = Machine()
    with tempfile.TemporaryDirectory(prefix="bc-bench-") as data:
        figures = skill_figures(Path(data), audio_dir, catalog)
    say("cold starts")
    figures.append(cold_start_figure(audio_dir))
    say("cold starts on Lambda: the package built, unzipped, under awslambdaric")
    figures.append(lambda_cold_start_figure(audio_dir))
    figures += [audio_size_figure(catalog), seek_figure(catalog)]
    if not args.skip_build:
        say("the full audio build, from scratch (a minute or so)")
        figures += audio_figures()
    machine.load_after = os.getloadavg()
    say("done")
    print(f"\n{machine.describe()}\n")
    print(table(figures))
    if args.json:
        write_json(args.json, figures, machine)
    if args.readme:
        try:
            update_readme(ROOT / "README.md", figures, machine)
        except ValueError as error:
            print(f"bench: {error}", file=sys.stderr)
            return 2
    missed = [f.name for f in figures if f.missed]
    print(f"\n{len(missed)} goal(s) missed" if missed else "\nevery goal met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
