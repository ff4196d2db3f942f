"""The Alexa Reminders API: a weekly reminder to exercise, created, listed and deleted at the
request's own apiEndpoint with its token, never waiting past a deadline."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote

from backcoach.skill.alexa.time_zones import alexa_api_url
from backcoach.skill.domain.deadline import outside_wait_s

log = logging.getLogger(__name__)

PERMISSION = "alexa::alerts:reminders:skill:readwrite"
"""The permission scope a skill needs to create reminders (declared in the manifest, and
asked for by voice with Connections.SendRequest AskFor)."""
PATH = "/v1/alerts/reminders"
WAIT_S = 1.0
"""The longest a turn waits for the API (the turn's whole budget is Alexa's 8 s)."""
FULL = "MAX_REMINDERS_EXCEEDED"
"""The error code this client reads as a full reminder list (the stand-in's assumption: the
API's reference lists 400 Bad Request without naming its codes)."""


class Outcome(StrEnum):
    """What a call to the API came to, as the conversation needs it."""

    DONE = "done"
    NO_PERMISSION = "no_permission"
    """401 or 403: the person has not granted (or has taken back) the permission."""
    FULL = "full"
    """The person's reminder list has no room."""
    UNAVAILABLE = "unavailable"
    """400 of another kind, 404, 429, 5xx, a timeout, no network, or no API to ask."""


@dataclass(frozen=True)
class Weekly:
    """A reminder on some days of the week at one time of day, in the person's time zone."""

    days: tuple[str, ...]
    """Days as the API's recurrence rules name them ("MO", "WE", "FR")."""
    hour: int
    minute: int
    zone: str
    """An IANA time zone name (the device's)."""
    text: str
    locale: str = "en-US"

    def body(self, now: datetime) -> dict:
        """The API's reminder request: weekly on these days, spoken, with a phone notification."""
        rule = (
            f"FREQ=WEEKLY;BYDAY={','.join(self.days)};BYHOUR={self.hour};"
            f"BYMINUTE={self.minute};BYSECOND=0;INTERVAL=1;"
        )
        local = now.replace(tzinfo=None, microsecond=0)
        return {
            "requestTime": local.isoformat(),
            "trigger": {
                "type": "SCHEDULED_ABSOLUTE",
                "timeZoneId": self.zone,
                "recurrence": {"startDateTime": local.isoformat(), "recurrenceRules": [rule]},
            },
            "alertInfo": {"spokenInfo": {"content": [{"locale": self.locale, "text": self.text}]}},
            "pushNotification": {"status": "ENABLED"},
        }


Call = Callable[[str, str, str, bytes | None, float], tuple[int, bytes]]
"""(method, url, token, body, timeout_s) -> (status, response body); raises OSError."""


def call_api(method: str, url: str, token: str, body: bytes | None, timeout_s: float):
    """One HTTP call with the request's token (urllib: imported on first use, not at start)."""
    import urllib.error
    import urllib.request

    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return response.status, response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        return error.code, error.read(64 * 1024)


class Reminders:
    """The person's reminders from this skill; every call bounded by `wait_s`."""

    def __init__(self, call: Call | None = None, wait_s: float = WAIT_S) -> None:
        # Looked up at call time: the tests keep every call on a loopback stand-in.
        self.call = call or (lambda *args: call_api(*args))
        self.wait_s = wait_s
        self._calls = ThreadPoolExecutor(4, thread_name_prefix="reminders")

    def create(self, system: object, weekly: Weekly, now: datetime) -> tuple[Outcome, str]:
        """Create the reminder: the outcome, and its alert token when done."""
        data = json.dumps(weekly.body(now)).encode()
        outcome, answer = self._ask(system, "POST", PATH, data)
        token = answer.get("alertToken") if isinstance(answer, dict) else None
        if outcome == Outcome.DONE and not isinstance(token, str):
            return Outcome.UNAVAILABLE, ""
        return outcome, token or ""

    def delete(self, system: object, alert_token: str) -> Outcome:
        """Delete one of this skill's reminders (one already gone counts as done)."""
        outcome, _ = self._ask(system, "DELETE", f"{PATH}/{quote(alert_token, safe='')}", None)
        return outcome

    def tokens(self, system: object) -> tuple[Outcome, list[str]]:
        """The alert tokens of this skill's reminders for the person."""
        outcome, answer = self._ask(system, "GET", PATH, None)
        alerts = answer.get("alerts") if isinstance(answer, dict) else None
        found = [a.get("alertToken") for a in alerts or [] if isinstance(a, dict)]
        return outcome, [t for t in found if isinstance(t, str)]

    def _ask(self, system: object, method: str, path: str, body: bytes | None):
        """One call: its outcome and decoded answer (logged without ids when it fails)."""
        url = alexa_api_url(getattr(system, "api_endpoint", None) or "", path)
        token = getattr(system, "api_access_token", None)
        wait_s = outside_wait_s(self.wait_s)  # the turn's save keeps its share of the budget
        if not url or not token or wait_s <= 0:
            return Outcome.UNAVAILABLE, None
        try:
            future = self._calls.submit(self.call, method, url, token, body, wait_s)
            status, raw = future.result(wait_s)
        except (OSError, WaitedTooLong) as error:
            log.warning("reminders: %s %s failed (%s)", method, PATH, type(error).__name__)
            return Outcome.UNAVAILABLE, None
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = None
        outcome = _outcome(method, status, answer)
        if outcome != Outcome.DONE:
            log.warning("reminders: %s %s answered %s", method, PATH, status)
        return outcome, answer


def _outcome(method: str, status: int, answer: object) -> Outcome:
    """What a status means here: a deleted reminder already gone (404) is done."""
    if 200 <= status < 300 or (method == "DELETE" and status == 404):
        return Outcome.DONE
    if status in (401, 403):
        return Outcome.NO_PERMISSION
    code = answer.get("code") if isinstance(answer, dict) else None
    if status == 400 and code == FULL:
        return Outcome.FULL
    return Outcome.UNAVAILABLE
