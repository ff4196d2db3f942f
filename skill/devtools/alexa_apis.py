"""A local stand-in for the Alexa APIs a skill calls at its request's apiEndpoint (the real
ones are Amazon's cloud), over plain http on a loopback port.

Settings: `GET /v2/devices/{deviceId}/settings/System.timeZone` answers 200 with the zone's
name as a JSON string, 401 without a bearer token, 403 for a token it did not issue, 404 for a
device it does not know; a device listed as slow is answered after SLOW_S.

Reminders (`/v1/alerts/reminders`): POST creates one from a body ASK's own model classes read
as a ReminderRequest with everything a weekly reminder needs (request time, a SCHEDULED_ABSOLUTE
trigger with a time zone and a recurrence, spoken text with its locale, a push notification
status), else 400; GET lists them, DELETE removes one (404 if unknown). 401 without a token,
403 once the person refuses the permission (`refused`), 400 MAX_REMINDERS_EXCEEDED when the
list is full, and any status asked for (`failing`: 429, 500, 503, 504) or a slow answer
(`slow_reminders`), as the ASK SDK's ReminderManagementServiceClient documents them.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "stand-in-token"
SLOW_S = 3.0
PATH = re.compile(r"^/v2/devices/([^/]+)/settings/System\.timeZone$")
REMINDERS = re.compile(r"^/v1/alerts/reminders(?:/([^/?]+))?$")
MAX_REMINDERS = 10
"""How many reminders the stand-in keeps before it answers that the list is full."""


class AlexaApis:
    """The stand-in's state: zones by device id, reminders, how it misbehaves, and the
    requests it saw."""

    def __init__(self, zones: dict[str, str], slow: frozenset[str] = frozenset()) -> None:
        self.zones, self.slow = zones, slow
        self.requests: list[str] = []
        self.url = ""
        self.reminders: dict[str, dict[str, Any]] = {}
        """The reminders created, by alert token, as sent."""
        self.refused = False
        """The person has not granted the reminders permission: 403."""
        self.failing: int | None = None
        """A status every reminders call answers with (429, 500, 503, 504), else None."""
        self.slow_reminders = False
        self.full = False
        """The person's list is full whatever it holds."""

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

    def reminder(
        self, method: str, path: str, authorization: str | None, body: bytes
    ) -> tuple[int, object]:
        """A Reminders API call, answered as documented."""
        self.requests.append(f"{method} {path}")
        found = REMINDERS.match(path.split("?")[0])
        if found is None:
            return 404, {"code": "NOT_FOUND", "message": "no such resource"}
        if not authorization or authorization != f"Bearer {TOKEN}":
            return 401, {"code": "UNAUTHORIZED", "message": "no valid bearer token"}
        if self.slow_reminders:
            time.sleep(SLOW_S)
        if self.failing is not None:
            return self.failing, {"code": "STAND_IN", "message": f"failing with {self.failing}"}
        if self.refused:
            return 403, {"code": "FORBIDDEN", "message": "the permission is not granted"}
        alert = found[1]
        if method == "GET" and alert is None:
            alerts = [{"alertToken": t, **r} for t, r in self.reminders.items()]
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts}
        if method == "DELETE" and alert is not None:
            if self.reminders.pop(alert, None) is None:
                return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
            return 200, {}
        if method == "POST" and alert is None:
            problem = bad_reminder(body)
            if problem:
                return 400, {"code": "INVALID_REQUEST", "message": problem}
            if self.full or len(self.reminders) >= MAX_REMINDERS:
                return 400, {"code": "MAX_REMINDERS_EXCEEDED", "message": "the list is full"}
            token = str(uuid.uuid4())
            self.reminders[token] = json.loads(body)
            return 200, {"alertToken": token, "status": "ON", "version": "1"}
        return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}


def bad_reminder(body: bytes) -> str:
    """What a create request lacks, read with ASK's model classes ("" when it is complete)."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model.services.reminder_management import ReminderRequest, SpokenInfo

    serializer = DefaultSerializer()
    try:
        data = json.loads(body)
        # ASK's AlertInfo names a module that does not exist (alert_info_spoken_info, in
        # ask-sdk-model 1.x): its spokenInfo is read with SpokenInfo itself.
        alert = data.pop("alertInfo", None) if isinstance(data, dict) else None
        request = serializer.deserialize(json.dumps(data), ReminderRequest)
        raw = alert.get("spokenInfo") if isinstance(alert, dict) else None
        spoken = serializer.deserialize(json.dumps(raw), SpokenInfo) if raw else None
    except Exception as error:  # noqa: BLE001 (ASK raises its own and JSON's errors)
        return f"not a reminder request: {error}"
    trigger = request.trigger
    if request.request_time is None or trigger is None or trigger.object_type is None:
        return "requestTime and trigger.type are required"
    if trigger.object_type.value == "SCHEDULED_ABSOLUTE" and not trigger.time_zone_id:
        return "a SCHEDULED_ABSOLUTE trigger needs its timeZoneId"
    recurrence = trigger.recurrence
    if recurrence is None or not (recurrence.recurrence_rules or recurrence.freq):
        return "a weekly reminder needs a recurrence"
    content = spoken.content if spoken else None
    if not content or not all(c.locale and (c.text or c.ssml) for c in content):
        return "alertInfo.spokenInfo.content needs a locale and text"
    if request.push_notification is None or request.push_notification.status is None:
        return "pushNotification.status is required"
    return ""


@contextmanager
def alexa_apis(zones: dict[str, str], slow: frozenset[str] = frozenset()) -> Iterator[AlexaApis]:
    """The stand-in on a loopback port, over plain http, for the duration."""
    api = AlexaApis(zones, slow)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path.startswith("/v1/alerts/reminders"):
                self._send(*api.reminder("GET", self.path, self._auth(), b""))
                return
            self._send(*api.answer(self.path, self._auth()))

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(*api.reminder("POST", self.path, self._auth(), body))

        def do_DELETE(self) -> None:  # noqa: N802
            self._send(*api.reminder("DELETE", self.path, self._auth(), b""))

        def _auth(self) -> str | None:
            return self.headers.get("Authorization")

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped waiting (a slow answer's case)

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
