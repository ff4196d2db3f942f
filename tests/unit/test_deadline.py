"""The turn's deadline (domain/deadline.py) and how a store's calls keep to it (storage/base)."""

from __future__ import annotations

import threading
import time

import pytest

from backcoach.skill.domain.deadline import (
    READ_SHARE_S,
    RESERVE_S,
    TURN_BUDGET_S,
    WRITE_SHARE_S,
    current_turn,
    outside_wait_s,
    turn_deadline,
)
from backcoach.skill.storage.base import STORE_THREADS, StoreUnavailable, VersionedAdapter
from tests.unit.test_store_ready import request_of


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_call_gets_its_share_until_the_budget_runs_short():
    clock = Clock()
    with turn_deadline(clock=clock) as turn:
        assert turn.allowance_s(READ_SHARE_S) == READ_SHARE_S
        clock.now += TURN_BUDGET_S - RESERVE_S - 1.0  # one second left before the reserve
        assert turn.allowance_s(WRITE_SHARE_S) == pytest.approx(1.0)
        clock.now += 2.0
        assert turn.allowance_s(WRITE_SHARE_S) == 0.0 and turn.remaining_s() == 0.0


def test_alexas_apis_wait_only_while_the_save_keeps_its_share():
    clock = Clock()
    assert outside_wait_s(1.0) == 1.0  # outside a turn: the API's own cap
    with turn_deadline(clock=clock):
        assert outside_wait_s(1.0) == 1.0
        clock.now += TURN_BUDGET_S - WRITE_SHARE_S - RESERVE_S - 0.25
        assert outside_wait_s(1.0) == pytest.approx(0.25)
        clock.now += 1.0
        assert outside_wait_s(1.0) == 0.0  # not called: the save comes first


def test_a_nested_deadline_is_the_outer_one_and_ends_with_it():
    with turn_deadline() as outer:
        with turn_deadline(budget_s=100) as inner:
            assert inner is outer
    assert current_turn() is None


class Hung(VersionedAdapter):
    """A store whose reads and writes wait on `release` (a frozen database)."""

    label = "hung store"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = 0
        self.lock = threading.Lock()

    def _read(self, key):
        with self.lock:
            self.started += 1
        self.release.wait(30)
        return None

    def _write(self, write):
        self.release.wait(30)
        return 1


def request_envelope():
    return request_of("amzn1.ask.account.deadline")


def test_a_hung_read_gives_up_at_its_share_and_the_turn_then_skips_the_store():
    store, envelope = Hung(), request_envelope()
    try:
        with turn_deadline() as turn:
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="no answer to a read within 1.5 s"):
                store.get_attributes(envelope)
            assert READ_SHARE_S <= time.monotonic() - started < READ_SHARE_S + 0.5
            assert turn.store_missed
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match="failed earlier in this turn"):
                store.save_attributes(envelope, {"coach": {}})
            assert time.monotonic() - started < 0.1  # not waited for again
    finally:
        store.release.set()


def test_calls_queued_behind_hung_ones_never_run_once_their_turn_gave_up():
    store, envelope = Hung(), request_envelope()
    try:
        waiting = []
        for _ in range(STORE_THREADS + 3):  # more turns than the store has threads
            with turn_deadline(budget_s=RESERVE_S + 0.05):
                with pytest.raises(StoreUnavailable):
                    store.get_attributes(envelope)
            waiting.append(store.started)
        assert store.started == STORE_THREADS, waiting
    finally:
        store.release.set()


def test_outside_a_turn_a_call_is_made_directly():
    store = Hung()
    store.release.set()
    assert store.get_attributes(request_envelope()) == {}
    assert store.started == 1


def test_with_no_time_left_the_store_is_not_called():
    store = Hung()
    store.release.set()
    with turn_deadline(budget_s=RESERVE_S):  # nothing beyond the reserve
        with pytest.raises(StoreUnavailable, match="no time left in this turn for a read"):
            store.get_attributes(request_envelope())
    assert store.started == 0
