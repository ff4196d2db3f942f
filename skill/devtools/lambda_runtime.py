"""A local stand-in for AWS Lambda's Runtime API (the real one is Amazon's), for running a
package the way Lambda does: `python -S -m awslambdaric HANDLER` with AWS's own runtime
interface client, the task root and the runtime on PYTHONPATH, no site-packages."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import queue
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

LAMBDA_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:backcoach"
TRACE_ID = "Root=1-00000000-000000000000000000000000"


class RuntimeApi:
    """The endpoints AWS's runtime interface client calls: `next` hands out the queued events
    one at a time (with the headers Lambda sends), `response` and `error` keep each
    invocation's answer, `init/error` a failed start.

    Plain sockets and HTTP/1.1 by hand: the client keeps one connection for every call and
    reads each answer as one message (http.server's answers, in two writes, it never took)."""

    PREFIX = "/2018-06-01/runtime"

    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        """Requests on one kept-alive connection, in turn."""
        reader = connection.makefile("rb")
        with connection, reader, contextlib.suppress(OSError, ValueError):  # the client left
            while line := reader.readline():
                method, path, _ = line.decode().split(" ", 2)
                headers = {}
                while (header := reader.readline().decode().strip()) != "":
                    name, _, value = header.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = reader.read(int(headers.get("content-length", 0))).decode()
                connection.sendall(self._answer(method, path, body))

    def _answer(self, method: str, path: str, body: str) -> bytes:
        if method == "GET" and path == f"{self.PREFIX}/invocation/next":
            request_id, event = self.events.get()
            payload = json.dumps(event).encode()
            deadline_ms = int(time.time() * 1000) + 8000
            head = (
                "HTTP/1.1 200 OK",
                f"Lambda-Runtime-Aws-Request-Id: {request_id}",
                f"Lambda-Runtime-Deadline-Ms: {deadline_ms}",
                f"Lambda-Runtime-Invoked-Function-Arn: {LAMBDA_ARN}",
                f"Lambda-Runtime-Trace-Id: {TRACE_ID}",
                "Content-Type: application/json",
                f"Content-Length: {len(payload)}",
            )
            return "\r\n".join(head).encode() + b"\r\n\r\n" + payload
        self.answers.put((path, path.rsplit("/", 1)[-1], body))  # response, error
        return b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"

    def invoke(self, event: dict, timeout_s: float = 30.0) -> dict:
        """One invocation: the event out, the function's answer back (an error raises)."""
        request_id = str(uuid.uuid4())
        self.events.put((request_id, event))
        path, kind, body = self.answers.get(timeout=timeout_s)
        if kind != "response" or request_id not in path:
            raise RuntimeError(f"the function answered {path}: {body}")
        return json.loads(body)

    def stop(self) -> None:
        self.listener.close()


def runtime_dir(parent: Path) -> Path:
    """What Lambda's python runtime brings (/var/runtime), under `parent`: AWS's runtime
    interface client, copied from this environment's install, its native client and its
    dependencies."""
    spec = importlib.util.find_spec("awslambdaric")
    if spec is None or spec.origin is None:
        raise RuntimeError("pip install awslambdaric (the dev extra has it)")
    site = Path(spec.origin).parents[1]
    runtime = parent / "runtime"
    runtime.mkdir()
    for name in ("awslambdaric", "simplejson"):
        shutil.copytree(site / name, runtime / name)
    for pattern in ("runtime_client*.so", "snapshot_restore_py.py"):
        for path in site.glob(pattern):
            shutil.copy(path, runtime / path.name)
    return runtime
