"""Many requests from several client threads at once, each timed."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from benchmarks.client import Client


def drive(port: int, request: Callable[[int], dict], total: int, concurrency: int) -> list[float]:
    """POST request(0) … request(total - 1) from `concurrency` keep-alive clients; the seconds
    each took. Any answer but 200 stops the run: a figure over failed turns means nothing."""
    latencies: list[float] = []
    failures: list[str] = []
    counter = iter(range(total))
    lock = threading.Lock()

    def worker() -> None:
        with Client(port) as client:
            while not failures:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                envelope = request(n)
                started = time.perf_counter()
                status, _ = client.post(envelope)
                took = time.perf_counter() - started
                with lock:
                    if status != 200:
                        failures.append(f"HTTP {status} for request {n}")
                    latencies.append(took)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"port {port}: {failures[0]}")
    return latencies


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
