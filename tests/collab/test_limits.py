"""The limits' bookkeeping, on a clock the test moves."""

import pytest

from collab.conf import DEFAULTS
from collab.limits import LimitExceeded, Quotas, TokenBucket


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_bucket_spends_its_burst_then_refills_at_its_rate():
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now = 0.5
    assert [bucket.take(), bucket.take()] == [True, False]
    clock.now = 100
    assert bucket.full() and [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_quotas_are_shared_by_a_holders_connections_and_forgotten_once_rested():
    clock = Clock()
    quotas = Quotas(clock)
    settings = {**DEFAULTS, "MAX_CONNECTIONS_PER_USER": 2, "MESSAGE_BURST": 2, "MESSAGES_PER_SECOND": 1}
    first, second = quotas.open("u", settings), quotas.open("u", settings)
    assert first is second
    with pytest.raises(LimitExceeded, match="more than 2 connections"):
        quotas.open("u", settings)
    first.message()
    quotas.close("u")
    quotas.close("u")
    assert "u" in quotas.held  # still owes a message
    clock.now = 5
    quotas.open("other", settings)
    quotas.close("other")
    assert "u" not in quotas.held and "other" not in quotas.held


def test_a_holder_out_of_strikes_may_not_connect_until_one_is_back():
    clock = Clock()
    quotas = Quotas(clock)
    settings = {**DEFAULTS, "LIMIT_STRIKES": 2}
    quota = quotas.open("u", settings)
    assert [quota.strike(), quota.strike(), quota.strike()] == [True, True, False]
    with pytest.raises(LimitExceeded, match="wait a few seconds"):
        quotas.open("u", settings)
    clock.now = 1
    assert quotas.open("u", settings) is quota
