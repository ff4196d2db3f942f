"""Each device's time zone, from the Alexa Settings API, so that a day is the person's day."""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitedTooLong
from datetime import UTC, tzinfo
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backcoach.skill.domain.deadline import outside_wait_s

log = logging.getLogger(__name__)

WAIT_S = 0.3
"""The longest a turn waits for the answer (Alexa gives the whole turn 8 s; people notice
far less): past it the turn's day is UTC's, and the device is asked again later."""
KEEP_S = 6 * 3600.0
"""How long a device's time zone is kept: people rarely move a device across zones."""
RETRY_S = 600.0
"""After a failure (403, timeout, an unknown zone), how long the device's days stay UTC
before the API is asked again: each failure costs a turn up to WAIT_S."""
MAX_DEVICES = 10_000
"""Devices remembered in one process, least recently used forgotten first."""
AMAZON_HOST_SUFFIX = ".amazonalexa.com"
"""Alexa's regional API hosts (api.amazonalexa.com, api.eu…, api.fe…): the token goes nowhere
else, except a loopback stand-in in tests."""

Fetch = Callable[[str, str, float], bytes]
"""(url, token, timeout_s) -> the response body; raises OSError or ValueError on failure."""


def fetch_setting(url: str, token: str, timeout_s: float) -> bytes:
    """GET a Settings API URL with the request's token (urllib: no dependency; imported on
    the first miss, not at start)."""
    import urllib.request

    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
        return response.read(1024)


def alexa_api_url(api_endpoint: str, path: str) -> str | None:
    """A path at a request's apiEndpoint, or None for an endpoint that is not Alexa's (https
    on an amazonalexa.com host) or a loopback stand-in: the token goes nowhere else."""
    parts = urlsplit(api_endpoint or "")
    host = parts.hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    alexa = parts.scheme == "https" and host.endswith(AMAZON_HOST_SUFFIX)
    if not (alexa or (loopback and parts.scheme in ("http", "https"))):
        return None
    return api_endpoint.rstrip("/") + path


def setting_url(api_endpoint: str, device_id: str) -> str | None:
    """The System.timeZone URL at a request's apiEndpoint (alexa_api_url), or None."""
    path = f"/v2/devices/{quote(device_id, safe='')}/settings/System.timeZone"
    return alexa_api_url(api_endpoint, path) if device_id else None


class TimeZones:
    """Time zones by device, asked of the Settings API on first need and kept for a while;
    UTC whenever the answer is missing, slow or wrong (nothing is said to the person)."""

    def __init__(
        self,
        fetch: Fetch | None = None,
        wait_s: float = WAIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Looked up at call time, not bound here: the tests swap the module's fetch_setting
        # for one that answers only a loopback stand-in (tests/conftest.py).
        self.fetch = fetch or (lambda url, token, timeout_s: fetch_setting(url, token, timeout_s))
        self.wait_s, self.clock = wait_s, clock
        self._known: OrderedDict[str, tuple[tzinfo, float]] = OrderedDict()
        self._lock = threading.Lock()
        # The call runs on a thread of its own so that the turn waits wait_s in all, however
        # slowly an answer drips in (a socket timeout bounds each read, not their sum).
        self._calls = ThreadPoolExecutor(4, thread_name_prefix="time-zone")

    def zone(self, system: object, ask: bool = True) -> tzinfo:
        """The time zone of the device a request comes from (its `context.System`); with
        `ask` false (a safety answer, which waits on nothing) only what is already known."""
        device_id = getattr(getattr(system, "device", None), "device_id", None) or ""
        with self._lock:
            known = self._known.get(device_id)
            if known is not None and known[1] > self.clock():
                self._known.move_to_end(device_id)
                return known[0]
        if not ask or not device_id:
            return known[0] if known is not None else UTC
        url = setting_url(getattr(system, "api_endpoint", None) or "", device_id)
        token = getattr(system, "api_access_token", None)
        found = self._ask(url, token) if url and token else None
        zone = found or (known[0] if known is not None else UTC)  # a hiccup keeps what was known
        with self._lock:
            self._known[device_id] = (zone, self.clock() + (KEEP_S if found else RETRY_S))
            self._known.move_to_end(device_id)
            while len(self._known) > MAX_DEVICES:
                self._known.popitem(last=False)
        return zone

    def _ask(self, url: str, token: str) -> tzinfo | None:
        """The zone the API names, or None (logged, without the device: ids stay out of logs)."""
        wait_s = outside_wait_s(self.wait_s)  # the turn's save keeps its share of the budget
        try:
            if wait_s <= 0:
                raise WaitedTooLong("no time left in this turn")
            body = self._calls.submit(self.fetch, url, token, wait_s).result(wait_s)
            name = json.loads(body)
            if not isinstance(name, str) or not name:
                raise ValueError(f"not a time zone name: {name!r}")
            return ZoneInfo(name)
        except (OSError, ValueError, ZoneInfoNotFoundError, WaitedTooLong) as error:
            why = getattr(error, "code", None) or type(error).__name__  # an HTTPError's status
            log.warning("time zone unknown (%s): days are UTC's", why)
        return None
