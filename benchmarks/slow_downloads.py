"""Many raw-socket clients downloading one file slowly, as phones on a bad network would."""

from __future__ import annotations

import socket
import threading
import time

RECEIVE_BUFFER = 8192
"""A small socket buffer, so the kernel cannot swallow the file and the server must wait."""
TICK_S = 0.25


class SlowDownloads:
    """`clients` connections each reading GET `path` at about `rate_bps`; `with` closes them."""

    def __init__(self, port: int, path: str, clients: int, rate_bps: int):
        self.port, self.path, self.clients = port, path, clients
        self.chunk = max(1, int(rate_bps * TICK_S))
        self.received = [0] * clients
        self.finished = [False] * clients
        self.sockets: list[socket.socket] = []
        self.stopping = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)

    def __enter__(self) -> SlowDownloads:
        request = f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        for _ in range(self.clients):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
            sock.connect(("127.0.0.1", self.port))
            sock.sendall(request.encode())
            sock.setblocking(False)
            self.sockets.append(sock)
        self.reader.start()
        return self

    def _read(self) -> None:
        """Every TICK_S, take at most one chunk from each connection."""
        while not self.stopping.wait(TICK_S):
            for n, sock in enumerate(self.sockets):
                if self.finished[n]:
                    continue
                try:
                    data = sock.recv(self.chunk)
                except BlockingIOError:
                    continue
                except OSError:
                    self.finished[n] = True
                    continue
                self.received[n] += len(data)
                self.finished[n] = not data

    def receiving(self) -> int:
        """Connections that have had bytes and are not finished: downloads in progress."""
        return sum(
            1 for got, done in zip(self.received, self.finished, strict=True) if got and not done
        )

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.reader.join()
        for sock in self.sockets:
            sock.close()


def wait_until_receiving(downloads: SlowDownloads, timeout_s: float) -> None:
    """Give the downloads up to `timeout_s` to all get going (some may never: that is measured)."""
    deadline = time.monotonic() + timeout_s
    while downloads.receiving() < downloads.clients and time.monotonic() < deadline:
        time.sleep(TICK_S)
