"""Turns served on waitress's event-loop thread: no hand-off to a turn thread and back.

Why: a turn is a millisecond of CPU-bound Python, and a process per core already uses every
core, so a turn thread beside each event loop only adds a hand-off each way (a futex wake
and two context switches a turn, with the caches cooled in between). Measured on 2 cores,
eight keep-alive clients, a process per core: CPU per turn 1.17 ms with one turn thread,
0.78 ms on the loop; context switches per turn 6.7 → 1.7 (`make bench`). waitress still
reads each request whole before the app sees it and sends every response, clips included,
from its loop, so a slow client never holds a turn; a turn holds its process's loop for the
milliseconds it runs, as a gunicorn sync worker would.
"""

from __future__ import annotations

import logging
import sys
from collections import deque

log = logging.getLogger("backcoach.serve")

UNBOUNDED_OUTPUT = sys.maxsize
"""waitress's `outbuf_high_watermark` for turns on the loop: above the watermark a writer
waits for the loop to send, which on the loop's own thread would wait for ever. Nothing is
held in memory for it: a clip goes out as its file (`wsgi.file_wrapper`), and other bodies
spill to a temporary file beyond waitress's `outbuf_overflow` (1 MB)."""


class InlineDispatcher:
    """waitress's task dispatcher for turns on the loop: a request that one poll completes is
    queued (waitress hands it over while holding its connection's lock) and served as soon
    as that poll returns (`serve_pending`)."""

    def __init__(self) -> None:
        self.pending: deque = deque()

    def add_task(self, task) -> None:
        self.pending.append(task)

    def set_thread_count(self, count: int) -> None:
        """No threads to start or stop."""

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        """Cancel what was never served (a drain serves everything it waits for first)."""
        while cancel_pending and self.pending:
            self.pending.popleft().cancel()
        return True

    def run_pending(self) -> None:
        """Serve every queued request, and those a pipelining client queued behind them."""
        while self.pending:
            task = self.pending.popleft()
            try:
                task.service()
            except Exception:  # as waitress's turn threads do: log it, serve the next
                log.exception("a request failed outside the app")


def dispatch_options(threads: int) -> dict:
    """waitress's options for `threads` turn threads per process; 0: turns on the loop."""
    if threads > 0:
        return {"threads": threads}
    return {"_dispatcher": InlineDispatcher(), "outbuf_high_watermark": UNBOUNDED_OUTPUT}


def quiet_triggers(server) -> None:
    """With turns on the loop, a finished turn does not pull waitress's wake-up trigger.

    waitress pulls it after every request so that its loop, asleep in poll() while a turn
    thread worked, wakes to send the answer and read the next request: a write to a pipe,
    a poll that returns at once and a read a turn. A turn on the loop *is* the loop, and
    its next poll watches every connection as the turn left it (`serve_pending` runs
    between polls). Whoever must wake a sleeping loop (a stop signal) pulls the trigger
    itself (`listener.trigger.pull_trigger`), which this leaves as it is."""
    if not isinstance(server.task_dispatcher, InlineDispatcher):
        return
    for listener in listeners(server):
        listener.pull_trigger = _on_the_loop


def _on_the_loop() -> None:
    """A listener's pull_trigger when its turns run on the loop: nothing to wake."""


def sockets(server) -> dict:
    """The event loop's map: listening sockets, connections, the wake-up trigger."""
    from waitress.server import MultiSocketServer

    return server.map if isinstance(server, MultiSocketServer) else server._map


def listeners(server) -> list:
    """The listening sockets' dispatchers (one per address --host resolves to)."""
    from waitress.server import BaseWSGIServer

    return [d for d in sockets(server).values() if isinstance(d, BaseWSGIServer)]


def serve_pending(server) -> None:
    """After each poll of the loop: serve the requests it completed (turns on the loop)."""
    dispatcher = server.task_dispatcher
    if isinstance(dispatcher, InlineDispatcher):
        dispatcher.run_pending()
