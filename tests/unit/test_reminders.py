"""The Alexa Reminders API (issue 24, point 1), against a local stand-in that enforces the
documented request shape (read with ASK's own model classes) and answers the documented
errors: every outcome, and a slow answer that costs a turn no more than the wait."""

from __future__ import annotations

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backcoach.skill.alexa.reminders import Outcome, Reminders, Weekly
from backcoach.skill.devtools.alexa_apis import SLOW_S, TOKEN, alexa_apis, bad_reminder
from tests.unit.test_time_zones import system

LA = "America/Los_Angeles"
WEEKLY = Weekly(("MO", "WE", "FR"), 18, 30, LA, "Time for your back exercises.")
NOW = datetime(2026, 12, 7, 18, 30, tzinfo=ZoneInfo(LA))


def test_a_weekly_reminder_is_created_listed_and_deleted():
    with alexa_apis({}) as api:
        reminders = Reminders()
        outcome, token = reminders.create(system(api.url), WEEKLY, NOW)
        assert outcome == Outcome.DONE and token in api.reminders
        sent = api.reminders[token]
        assert sent["trigger"]["timeZoneId"] == LA
        assert sent["trigger"]["recurrence"]["recurrenceRules"] == [
            "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=18;BYMINUTE=30;BYSECOND=0;INTERVAL=1;"
        ]
        assert sent["requestTime"] == "2026-12-07T18:30:00"  # the person's local time
        assert reminders.tokens(system(api.url)) == (Outcome.DONE, [token])
        assert reminders.delete(system(api.url), token) == Outcome.DONE
        assert api.reminders == {}
        assert reminders.delete(system(api.url), token) == Outcome.DONE, "already gone"


@pytest.mark.parametrize(
    ("setup", "outcome"),
    [
        ({"refused": True}, Outcome.NO_PERMISSION),  # 403
        ({"full": True}, Outcome.FULL),  # 400 MAX_REMINDERS_EXCEEDED
        ({"failing": 429}, Outcome.UNAVAILABLE),
        ({"failing": 500}, Outcome.UNAVAILABLE),
        ({"failing": 503}, Outcome.UNAVAILABLE),
        ({"failing": 504}, Outcome.UNAVAILABLE),
    ],
)
def test_every_documented_error_has_its_outcome(setup, outcome):
    with alexa_apis({}) as api:
        for name, value in setup.items():
            setattr(api, name, value)
        assert Reminders().create(system(api.url), WEEKLY, NOW) == (outcome, "")
        assert api.reminders == {}


def test_a_token_not_issued_is_no_permission_and_none_is_not_sent():
    with alexa_apis({}) as api:
        assert Reminders().create(system(api.url, token="expired"), WEEKLY, NOW)[0] == (
            Outcome.NO_PERMISSION
        )  # 401
        before = len(api.requests)
        assert Reminders().create(system(api.url, token=""), WEEKLY, NOW)[0] == Outcome.UNAVAILABLE
        assert len(api.requests) == before, "no token: nothing asked"


def test_a_slow_answer_costs_a_turn_no_more_than_the_wait():
    with alexa_apis({}) as api:
        api.slow_reminders = True
        started = time.perf_counter()
        assert Reminders(wait_s=0.3).create(system(api.url), WEEKLY, NOW)[0] == (
            Outcome.UNAVAILABLE
        )
        waited = time.perf_counter() - started
    assert waited < SLOW_S / 2, f"waited {waited:.2f} s"


def test_the_token_goes_only_to_alexa_or_a_loopback_stand_in():
    caller = system("https://evil.example")
    assert Reminders().create(caller, WEEKLY, NOW) == (Outcome.UNAVAILABLE, "")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b["trigger"].pop("timeZoneId"), "timeZoneId"),
        (lambda b: b["trigger"].pop("recurrence"), "recurrence"),
        (lambda b: b["alertInfo"]["spokenInfo"]["content"][0].pop("locale"), "locale"),
        (lambda b: b.pop("pushNotification"), "pushNotification"),
        (lambda b: b.pop("requestTime"), "requestTime"),
    ],
)
def test_the_stand_in_refuses_a_request_missing_what_the_api_needs(change, problem):
    body = WEEKLY.body(NOW)
    assert bad_reminder(json.dumps(body).encode()) == ""
    change(body)
    assert problem in bad_reminder(json.dumps(body).encode())
    assert TOKEN  # the stand-in's token is the one `system` sends
