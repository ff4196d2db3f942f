"""Turns on waitress's event loop (skill/web/inline.py): served on the loop's thread, in
order, without waking the loop they run on; a body larger than waitress's output watermark
never stalls the loop, and a stop still wakes a loop asleep in its poll."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import waitress
from waitress import wasyncore

from backcoach.skill.web.inline import (
    InlineDispatcher,
    dispatch_options,
    quiet_triggers,
    serve_pending,
)
from backcoach.skill.web.stopping import _StopSignals

BIG_BYTES = 20 * 1024 * 1024
"""Above waitress's default outbuf_high_watermark (16 MB), where a writer waits for the loop."""


def app(environ, start_response):
    """Names the thread that ran it; /big answers BIG_BYTES and one more from memory, in two
    writes (the second is where a writer past the watermark waits)."""
    path = environ["PATH_INFO"]
    chunks = (
        [b"x" * BIG_BYTES, b"y"] if path == "/big" else [f"{path} {threading.get_ident()}".encode()]
    )
    start_response("200 OK", [("Content-Length", str(sum(map(len, chunks))))])
    return chunks


@pytest.fixture
def loop():
    """A server with dispatch_options(0), its loop run as `run_until_stopped` runs it; the
    port, the loop thread's id and the number of times the wake-up trigger was pulled."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, **dispatch_options(0))
    quiet_triggers(server)
    pulls = []
    pull = server.trigger.pull_trigger
    server.trigger.pull_trigger = lambda *args: (pulls.append(args), pull(*args))
    stop, ident = threading.Event(), []

    def run() -> None:
        ident.append(threading.get_ident())
        while not stop.is_set():
            wasyncore.loop(0.05, server.adj.asyncore_use_poll, map=server._map, count=1)
            serve_pending(server)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield int(server.effective_port), ident, pulls
    stop.set()
    thread.join(5)
    server.close()


def responses(sock: socket.socket, count: int) -> list[bytes]:
    """`count` HTTP responses read off a keep-alive connection, bodies only."""
    data, bodies = b"", []
    while len(bodies) < count:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if sep:
            length = int(
                next(
                    line.split(b":")[1]
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            if len(rest) >= length:
                bodies.append(rest[:length])
                data = rest[length:]
                continue
        chunk = sock.recv(1 << 20)
        assert chunk, "the server closed the connection"
        data += chunk
    return bodies


def test_pipelined_requests_are_answered_in_order_on_the_loops_thread(loop):
    port, ident, _ = loop
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"".join(f"GET /{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(3)))
        bodies = responses(sock, 3)
    assert [b.split()[0] for b in bodies] == [b"/0", b"/1", b"/2"]
    assert {int(b.split()[1]) for b in bodies} == set(ident)


def test_a_body_above_the_output_watermark_is_sent_without_stalling_the_loop(loop):
    port, _, _ = loop
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # A slow reader: nothing read until the app has written it all (more than the
        # kernel's buffers on both ends take, so the server is left holding the rest).
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)
        big, after = responses(sock, 2)
    assert len(big) == BIG_BYTES + 1 and after.startswith(b"/after")


def test_a_turn_on_the_loop_does_not_wake_the_loop_it_runs_on(loop):
    # waitress pulls its trigger after every request (a pipe write, a poll and a read):
    # needed to wake a loop asleep while a turn thread worked, not by a turn on the loop.
    port, _, pulls = loop
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for n in range(3):
            sock.sendall(f"GET /{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            assert responses(sock, 1)[0].startswith(f"/{n} ".encode())
    assert pulls == []


def test_a_stop_still_wakes_a_loop_asleep_in_its_poll():
    server = waitress.create_server(app, host="127.0.0.1", port=0, **dispatch_options(0))
    quiet_triggers(server)
    stop = _StopSignals(server)  # what run_until_stopped makes before it loops
    try:
        asleep = threading.Thread(
            target=wasyncore.loop, args=(30.0, True), kwargs={"map": server._map, "count": 1}
        )
        asleep.start()
        time.sleep(0.2)
        woken = time.monotonic()
        stop._wake()
        asleep.join(10)
        assert not asleep.is_alive() and time.monotonic() - woken < 5
    finally:
        stop.restore()
        server.close()


def test_with_turn_threads_waitress_keeps_its_own_dispatcher():
    assert dispatch_options(8) == {"threads": 8}
    assert isinstance(dispatch_options(0)["_dispatcher"], InlineDispatcher)
    assert dispatch_options(0)["_dispatcher"] is not dispatch_options(0)["_dispatcher"]
