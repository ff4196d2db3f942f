"""A keep-alive HTTP client posting Alexa envelopes to a local server."""

from __future__ import annotations

import http.client
import json


class Client:
    """One persistent connection to 127.0.0.1:port (reconnects once if the server closed it)."""

    def __init__(self, port: int, timeout_s: float = 30.0):
        self.port = port
        self.timeout_s = timeout_s
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)

    def post(self, envelope: dict, path: str = "/alexa") -> tuple[int, dict]:
        """POST one envelope; (HTTP status, decoded JSON body or {})."""
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json"}
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, body, headers)
                reply = self.conn.getresponse()
                data = reply.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt == 2:
                    raise
        try:
            return reply.status, json.loads(data) if data else {}
        except ValueError:
            return reply.status, {}

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
