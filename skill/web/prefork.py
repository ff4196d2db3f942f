"""Serving on every core: waitress processes forked from one parent, sharing its sockets.

Why processes and not threads: a turn is CPU-bound Python, so eight threads in one process
take turns on one GIL (measured: three times the CPU per turn and 18 times bare Flask's p99
at eight clients). Why waitress and not gunicorn: waitress reads each request whole and
sends each clip from its event loop before and after the app runs, so with the turns on that
loop (inline.py) a slow client never holds a worker; a gunicorn sync worker would be held by
it, and its async workers need a second server stack. The parent binds the sockets, builds the
app once (the children share its memory until they write), forks one child per worker and
only supervises: it restarts a child that dies and, on SIGTERM or Ctrl-C, passes the signal
on so that each child drains its own requests (stopping.py), then logs one line.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable

from backcoach.skill.web.stopping import DRAIN_S, run_until_stopped

log = logging.getLogger("backcoach.serve")

RESTARTS = 5
"""Children that may die unexpectedly within RESTART_WINDOW_S before the parent gives up."""
RESTART_WINDOW_S = 30.0
BACKLOG = 1024
"""Connections waiting to be accepted, across the workers."""


def worker_count(requested: int) -> int:
    """--workers: 0 means one per core this process may run on."""
    if requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address `host` resolves to (OSError as socket gives it)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in found:
            if any(s.family == family and s.getsockname()[:2] == address[:2] for s in sockets):
                continue
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.setblocking(False)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve_forked(make_server: Callable[[], object], workers: int) -> int:
    """Run `workers` children, each serving `make_server()` until stopped; supervise them.
    The exit status: 0 after a stop, 1 when workers kept dying (systemd restarts the unit)."""
    children: set[int] = set()
    deaths: list[float] = []
    stopping: list[str] = []
    cut_off_at = [float("inf")]  # when a child still draining is killed
    killed: set[int] = set()

    def start() -> None:
        pid = os.fork()
        if pid == 0:  # the child: its own server and event loop, the parent's sockets
            for number in (signal.SIGTERM, signal.SIGINT):
                signal.signal(number, signal.SIG_DFL)
            code = 0
            try:
                run_until_stopped(make_server())
            except BaseException:  # a child must never return into the parent's loop
                log.exception("worker %d failed", os.getpid())
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        children.add(pid)

    def forward(number: int, frame) -> None:
        if stopping:  # a second signal: stop at once
            cut_off_at[0] = 0.0
            return
        stopping.append(signal.Signals(number).name)
        cut_off_at[0] = time.monotonic() + DRAIN_S + 2
        for pid in children:
            _signal(pid, signal.SIGTERM)

    previous = {n: signal.signal(n, forward) for n in (signal.SIGTERM, signal.SIGINT)}
    try:
        for _ in range(workers):
            start()
        log.info("serving with %d worker processes", workers)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                if time.monotonic() >= cut_off_at[0]:
                    for late in children:
                        _signal(late, signal.SIGKILL)
                        killed.add(late)
                time.sleep(0.1)
                continue
            children.discard(pid)
            if stopping:
                continue
            deaths.append(time.monotonic())
            recent = [t for t in deaths if time.monotonic() - t < RESTART_WINDOW_S]
            log.warning("worker %d exited (%s); starting another", pid, _how(status))
            if len(recent) > RESTARTS:
                log.error(
                    "workers keep dying (%d in %.0f s): stopping", len(recent), RESTART_WINDOW_S
                )
                forward(signal.SIGTERM, None)
                stopping[0] = "worker deaths"
                continue
            start()
        if stopping and stopping[0] == "worker deaths":
            return 1
        if killed:
            log.warning(
                "stopped on %s: %d worker process(es) killed after the drain",
                stopping[0],
                len(killed),
            )
        elif stopping:
            log.info("stopped on %s: %d worker processes drained", stopping[0], workers)
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
