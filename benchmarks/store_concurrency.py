"""Hammer one user's attributes from many threads and processes; print saves/s and lost updates.

Run by hand: `.venv/bin/python benchmarks/store_concurrency.py [--threads 8] [--processes 4]
[--turns 100]`. SQLite always (a temporary file); PostgreSQL too when BACKCOACH_TEST_POSTGRES is
set (see .ci/postgres.sh). Each turn loads, increments the worker's own counter and saves; a
save that lost the race is run again from the load, with the skill's own retry policy
(skill/alexa/retry.py), so every counter must end equal to that worker's saved turns. Prints
the races lost and the turns that gave up after ATTEMPTS runs (the skill apologises for those).
Exits 1 if any update was lost.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.intent_request import IntentRequest
from ask_sdk_model.interfaces.system import SystemState

from backcoach.skill.alexa.retry import ATTEMPTS, BACKOFF_S
from backcoach.skill.domain.stored import StaleWrite
from backcoach.skill.storage.base import StoreUnavailable
from backcoach.skill.storage.postgres import PostgresAdapter
from backcoach.skill.storage.sqlite import SqliteAdapter


def open_adapter(kind: str, target: str):
    return SqliteAdapter(target) if kind == "sqlite" else PostgresAdapter(target)


def one_turn(adapter, user: str, name: str) -> None:
    """Load, increment counts[name], save: what a request does."""
    system = SystemState(user=User(user_id=user))
    request = RequestEnvelope(
        context=Context(system=system), request=IntentRequest(request_id=str(uuid.uuid4()))
    )
    data = adapter.get_attributes(request)
    counts = data.setdefault("counts", {})
    counts[name] = counts.get(name, 0) + 1
    adapter.save_attributes(request, data)


def worker(adapter, user: str, name: str, turns: int, start: threading.Barrier) -> dict:
    """`turns` turns: how many saved, lost races, gave up, failed with StoreUnavailable."""
    start.wait()
    saved = raced = gave_up = failed = 0
    for _ in range(turns):
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    one_turn(adapter, user, name)
                    saved += 1
                    break
                except StaleWrite:
                    raced += 1
                    time.sleep(random.uniform(0, BACKOFF_S * attempt))
            else:
                gave_up += 1
        except StoreUnavailable:
            failed += 1
    return {"name": name, "saved": saved, "raced": raced, "gave_up": gave_up, "failed": failed}


def run_threads(kind: str, target: str, user: str, prefix: str, threads: int, turns: int):
    """`threads` workers sharing one adapter, as waitress's threads do; (results, start, end)."""
    adapter = open_adapter(kind, target)
    barrier = threading.Barrier(threads)
    with ThreadPoolExecutor(threads) as pool:
        started = time.time()
        futures = [
            pool.submit(worker, adapter, user, f"{prefix}t{i}", turns, barrier)
            for i in range(threads)
        ]
        results = [f.result() for f in futures]
    return results, started, time.time()


def phase(kind: str, target: str, user: str, processes: int, threads: int, turns: int):
    """All workers at once: in this process when processes == 0, else in spawned processes."""
    if processes == 0:
        return run_threads(kind, target, user, "", threads, turns)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        futures = [
            pool.submit(run_threads, kind, target, user, f"p{p}", threads, turns)
            for p in range(processes)
        ]
        answers = [f.result() for f in futures]
    results = [r for answer in answers for r in answer[0]]
    return results, min(a[1] for a in answers), max(a[2] for a in answers)


def report(kind: str, label: str, target: str, user: str, answer) -> int:
    """Print one line; the number of lost updates."""
    results, started, ended = answer
    stored = open_adapter(kind, target).load(user) or {}
    counts = stored.get("counts", {})
    lost = sum(r["saved"] - counts.get(r["name"], 0) for r in results)
    saved = sum(r["saved"] for r in results)
    raced, gave_up = sum(r["raced"] for r in results), sum(r["gave_up"] for r in results)
    failed = sum(r["failed"] for r in results)
    rate = saved / max(ended - started, 1e-9)
    print(
        f"{kind:8} {label:22} saves={saved:5}  {rate:7.0f} saves/s  races lost={raced:5}"
        f"  gave up={gave_up}  StoreUnavailable={failed}  lost={lost}"
    )
    return lost


def bench(kind: str, target: str, args) -> int:
    """Three phases on a fresh user each; total lost updates."""
    phases = [
        (f"{args.threads} threads", 0, args.threads),
        (f"{args.processes} processes", args.processes, 1),
        (f"{args.processes} proc x {args.threads} thr", args.processes, args.threads),
    ]
    lost = 0
    for label, processes, threads in phases:
        user = f"bench.{uuid.uuid4()}"
        answer = phase(kind, target, user, processes, threads, args.turns)
        lost += report(kind, label, target, user, answer)
        open_adapter(kind, target).delete(user)
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--turns", type=int, default=100, help="turns per worker")
    args = parser.parse_args()
    lost = 0
    with tempfile.TemporaryDirectory() as tmp:
        lost += bench("sqlite", str(Path(tmp) / "bench.sqlite3"), args)
    url = os.environ.get("BACKCOACH_TEST_POSTGRES")
    if url:
        lost += bench("postgres", url, args)
    else:
        print("postgres skipped: set BACKCOACH_TEST_POSTGRES (bash .ci/postgres.sh prints it)")
    print("no lost updates" if lost == 0 else f"LOST {lost} UPDATES")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
