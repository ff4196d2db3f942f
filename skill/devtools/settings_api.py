"""A local stand-in for the Alexa Settings API's time zone (the real one is Amazon's cloud).

It answers as the API documents `GET /v2/devices/{deviceId}/settings/System.timeZone`: 200
with the zone's name as a JSON string, 401 without a bearer token, 403 for a token it did not
issue, 404 for a device it does not know; a device listed as slow is answered after SLOW_S.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "stand-in-token"
SLOW_S = 3.0
PATH = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")


class SettingsApi:
    """The stand-in's state: zones by device id, slow devices, and the requests it saw."""

    def __init__(self, zones: dict[str, str], slow: frozenset[str] = frozenset()) -> None:
        self.zones, self.slow = zones, slow
        self.requests: list[str] = []
        self.url = ""

    def answer(self, path: str, authorization: str | None) -> tuple[int, object]:
        self.requests.append(path)
        found = PATH.match(path)
        if not authorization or not authorization.startswith("Bearer "):
            return 401, {"type": "INVALID_AUTHENTICATION", "message": "no bearer token"}
        if authorization != f"Bearer {TOKEN}":
            return 403, {"type": "ACCESS_DENIED", "message": "unknown token"}
        if found is None or found[1] not in self.zones:
            return 404, {"type": "DEVICE_NOT_FOUND", "message": "no such device"}
        if found[1] in self.slow:
            time.sleep(SLOW_S)
        return 200, self.zones[found[1]]


@contextmanager
def settings_api(
    zones: dict[str, str], slow: frozenset[str] = frozenset()
) -> Iterator[SettingsApi]:
    """The stand-in on a loopback port, over plain http, for the duration."""
    api = SettingsApi(zones, slow)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            status, body = api.answer(self.path, self.headers.get("Authorization"))
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped waiting (the slow device's case)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
