"""Days are the person's (issue 23, point 6): each device's time zone from the Settings API,
tested against a local stand-in of it (skill/devtools/alexa_apis.py): answers, refusals,
slowness."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from ask_sdk_model import RequestEnvelope

from backcoach.skill.alexa.skill_builder import build_skill
from backcoach.skill.alexa.time_zones import KEEP_S, RETRY_S, TimeZones, setting_url
from backcoach.skill.config import Config
from backcoach.skill.devtools import envelopes as env
from backcoach.skill.devtools.alexa_apis import SLOW_S, TOKEN, alexa_apis
from backcoach.skill.devtools.simulator import in_process
from backcoach.skill.domain.phrases import load_phrases
from backcoach.skill.domain.routine import load_routine
from backcoach.skill.web.serializer import EnvelopeSerializer
from tests.unit.test_model import FlakyAdapter

LA = "America/Los_Angeles"
PHRASES = load_phrases("en-US")


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def system(api_url: str, device_id: str = "device-1", token: str = TOKEN):
    """A request's context.System, as the skill reads it (ASK's model class)."""
    caller = env.Caller(device=env.Device(device_id=device_id), api_endpoint=api_url)
    caller.api_access_token = token
    return _envelope(caller).context.system


def _envelope(caller: env.Caller) -> RequestEnvelope:
    data = caller.envelope(env.launch_request(), session_id="s", new=True)
    return EnvelopeSerializer().deserialize(json.dumps(data), RequestEnvelope)


def test_a_device_zone_is_read_once_and_kept():
    clock = Clock()
    with alexa_apis({"device-1": LA}) as api:
        zones = TimeZones(clock=clock)
        assert zones.zone(system(api.url)) == ZoneInfo(LA)
        assert zones.zone(system(api.url)) == ZoneInfo(LA)
        assert len(api.requests) == 1, "kept, not asked every turn"
        clock.now += KEEP_S + 1
        assert zones.zone(system(api.url)) == ZoneInfo(LA)
        assert len(api.requests) == 2, "asked again after a while (a device may move)"


@pytest.mark.parametrize(
    ("device_id", "token", "why"),
    [
        ("device-1", "someone-elses-token", "403"),
        ("device-1", "", "no token: not asked"),
        ("device-2", TOKEN, "404"),
        ("device-3", TOKEN, "not a zone"),
    ],
)
def test_a_refusal_or_a_wrong_answer_leaves_the_day_utc_and_is_tried_later(device_id, token, why):
    clock = Clock()
    with alexa_apis({"device-1": LA, "device-3": "Mars/Olympus_Mons"}) as api:
        zones = TimeZones(clock=clock)
        assert zones.zone(system(api.url, device_id, token)) == UTC, why
        asked = len(api.requests)
        assert zones.zone(system(api.url, device_id, token)) == UTC
        assert len(api.requests) == asked, "a failure is not retried every turn"
        clock.now += RETRY_S + 1
        zones.zone(system(api.url, device_id, token))
        assert len(api.requests) == asked + (1 if token else 0)


def test_a_zone_once_known_survives_a_later_failure():
    clock = Clock()
    with alexa_apis({"device-1": LA}) as api:
        zones = TimeZones(clock=clock)
        assert zones.zone(system(api.url)) == ZoneInfo(LA)
        clock.now += KEEP_S + 1
        assert zones.zone(system(api.url, token="expired")) == ZoneInfo(LA)  # a 403 now
        assert len(api.requests) == 2


def test_a_slow_api_costs_a_turn_no_more_than_the_wait():
    with alexa_apis({"slow-device": LA}, slow=frozenset({"slow-device"})) as api:
        zones = TimeZones(wait_s=0.3)
        started = time.perf_counter()
        assert zones.zone(system(api.url, "slow-device")) == UTC
        waited = time.perf_counter() - started
    assert len(api.requests) == 1
    # The stand-in answers after SLOW_S; the turn went on long before (a deadline, as the
    # store's are: bounded by the wait, whatever the other side does).
    assert waited < SLOW_S / 2, f"waited {waited:.2f} s"


def test_a_safety_answer_waits_on_nothing_but_uses_a_known_zone():
    with alexa_apis({"device-1": LA}) as api:
        zones = TimeZones()
        assert zones.zone(system(api.url), ask=False) == UTC
        assert api.requests == []
        zones.zone(system(api.url))
        assert zones.zone(system(api.url), ask=False) == ZoneInfo(LA)


@pytest.mark.parametrize(
    ("endpoint", "asked"),
    [
        ("https://api.amazonalexa.com", True),
        ("https://api.eu.amazonalexa.com", True),
        ("https://api.fe.amazonalexa.com/", True),
        ("http://127.0.0.1:8123", True),
        ("http://localhost:8123", True),
        ("http://api.amazonalexa.com", False),
        ("https://amazonalexa.com.evil.example", False),
        ("https://evil.example", False),
        ("", False),
    ],
)
def test_the_token_goes_only_to_alexa_or_a_loopback_stand_in(endpoint, asked):
    url = setting_url(endpoint, "amzn1.ask.device.A/B")
    assert (url is not None) == asked
    if url:
        assert url.endswith("/v2/devices/amzn1.ask.device.A%2FB/settings/System.timeZone")


def test_time_zones_are_read_where_alexa_signs_requests_unless_told():
    assert Config(verify=True).reads_time_zones
    assert not Config(verify=False).reads_time_zones, "the simulator's token is no real one"
    assert Config(verify=False, time_zones="on").reads_time_zones
    assert not Config(verify=True, time_zones="off").reads_time_zones


def _opening(time_zones: TimeZones | None, adapter: FlakyAdapter, caller, at: datetime) -> str:
    skill = build_skill(load_routine(), PHRASES, adapter=adapter, time_zones=time_zones)
    envelope = caller.envelope(
        env.launch_request(), session_id=env.new_session_id(), new=True, now=at
    )
    return in_process(skill)(envelope)["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("zones", [True, False])
def test_an_evening_session_and_the_next_morning_are_two_days_in_los_angeles(zones):
    # 7:30 pm in Los Angeles is 3:30 UTC the next day, as is 8 am there: one UTC day. The
    # person said "still sore" in the evening; the morning is a new day, and asks again.
    evening = datetime(2026, 12, 7, 3, 30, tzinfo=UTC)  # 19:30 on the 6th in LA
    morning = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 08:00 on the 7th in LA
    question = PHRASES.raw("ask.back_check")
    adapter = FlakyAdapter()
    adapter.saved = {"coach": {"schema_version": 4, "disclaimer_heard": True,
                               "back_check": "plank", "back_checked_on": "2026-12-01"}}  # fmt: skip
    with alexa_apis({"device-1": LA}) as api:
        caller = env.Caller(device=env.Device(device_id="device-1"), api_endpoint=api.url)
        caller.api_access_token = TOKEN
        time_zones = TimeZones() if zones else None
        assert question in _opening(time_zones, adapter, caller, evening)
        skill = build_skill(load_routine(), PHRASES, adapter=adapter, time_zones=time_zones)
        sent = caller.envelope(env.intent_request("FeelWorseIntent"), session_id="s", now=evening)
        in_process(skill)(sent)
        assert adapter.saved["coach"]["back_checked_on"] == (
            "2026-12-06" if zones else "2026-12-07"
        )
        asked_again = question in _opening(time_zones, adapter, caller, morning)
    assert asked_again == zones, "in UTC the morning was the same day as the evening"


def test_a_routine_closed_in_the_evening_is_not_offered_the_next_morning():
    from backcoach.skill.domain.progress import resumable

    closed = {"at": "2026-12-07T03:30:00+00:00", "closed": True}  # 19:30 on the 6th in LA
    morning_utc = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    assert resumable(closed, morning_utc), "one UTC day: offered to pick up"
    assert not resumable(closed, morning_utc.astimezone(ZoneInfo(LA))), "a new day in LA"
