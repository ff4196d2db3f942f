"""Running waitress until SIGTERM or Ctrl-C, then draining the requests under way."""

from __future__ import annotations

import logging
import signal
import time

from backcoach.skill.web.inline import listeners, quiet_triggers, serve_pending, sockets

DRAIN_S = 10.0
"""How long a stop waits for the requests under way: longer than the 8 s Alexa gives a turn,
shorter than the unit's TimeoutStopSec (15 s), after which systemd kills the process."""

DRAIN_POLL_S = 0.05
"""The event loop's wait while draining: how soon a finished connection is closed."""

log = logging.getLogger("backcoach.serve")
"""The server's own name in the log (its start and stop lines), whichever module logs."""


class _StopSignals:
    """SIGTERM (systemd's stop) or Ctrl-C asks for a drain; a second one stops at once."""

    def __init__(self, server) -> None:
        self.received: str | None = None
        # Wakes the event loop from its poll() at once, rather than at its next timeout.
        self._wake = listeners(server)[0].trigger.pull_trigger
        stops = (signal.SIGTERM, signal.SIGINT)
        self._previous = {number: signal.signal(number, self._handle) for number in stops}

    def _handle(self, number: int, frame) -> None:
        if self.received:
            raise KeyboardInterrupt
        self.received = signal.Signals(number).name
        self._wake()

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)


def run_until_stopped(server) -> None:
    """Serve until SIGTERM or Ctrl-C, then drain; a second signal stops at once (no
    traceback either way: it is how a person or systemd stops the server)."""
    from waitress import wasyncore

    stop = _StopSignals(server)
    quiet_triggers(server)
    adj, polled = server.adj, sockets(server)
    try:
        # waitress's own run(), one poll at a time, so that a signal ends it between two.
        while not stop.received:
            wasyncore.loop(adj.asyncore_loop_timeout, adj.asyncore_use_poll, map=polled, count=1)
            serve_pending(server)
        _drain(server, stop.received)
    except KeyboardInterrupt:
        pass
    finally:
        stop.restore()


def _drain(server, signal_name: str) -> None:
    """Stop accepting, let the requests under way finish (DRAIN_S at most), log one line."""
    from waitress import wasyncore

    started = time.monotonic()
    for listener in listeners(server):
        # Close the port, not the listener's trigger: a second signal pulls it, and with turn
        # threads so does every finished request.
        wasyncore.dispatcher.close(listener)
    polled = sockets(server)
    under_way = busy = _close_idle(polled)
    while busy and time.monotonic() - started < DRAIN_S:
        wasyncore.loop(DRAIN_POLL_S, server.adj.asyncore_use_poll, map=polled, count=1)
        serve_pending(server)
        busy = _close_idle(polled)
    server.task_dispatcher.shutdown(timeout=1)
    took_s = time.monotonic() - started
    if busy:
        message = "stopped on %s: %d of %d connection(s) under way cut off after %.1f s"
        log.warning(message, signal_name, busy, under_way, took_s)
    else:
        message = "stopped on %s: %d connection(s) under way finished in %.1f s"
        log.info(message, signal_name, under_way, took_s)


def _close_idle(sockets: dict) -> int:
    """Close the connections with nothing under way; how many are still busy."""
    from waitress.channel import HTTPChannel

    busy = 0
    for channel in [c for c in sockets.values() if isinstance(c, HTTPChannel)]:
        # A request being received or served, or a response not yet handed to the kernel.
        if channel.request is not None or channel.requests or channel.total_outbufs_len:
            busy += 1
        else:
            channel.handle_close()
    return busy
