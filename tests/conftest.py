"""Tier-1 fixtures: a local SP-API sandbox on 127.0.0.1, and connections to it.

The sandbox and the connections share one fake clock: when the client waits for a
rate-limit token or a backoff, time moves at once, and the sandbox's buckets refill.
"""

from datetime import datetime, timedelta, timezone

import pytest

from amazon_sp import Credentials, SellerConnection, auth, ratelimits
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)

START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    """A clock the test moves: ``sleep`` returns at once, having moved time forward."""

    def __init__(self, start=START):
        self.seconds = 1000.0
        self.start = start
        self.slept = 0.0

    def monotonic(self):
        return self.seconds

    def now(self):
        return self.start + timedelta(seconds=self.seconds - 1000.0)

    def sleep(self, seconds):
        if seconds > 0:
            self.seconds += seconds
            self.slept += seconds

    def advance(self, seconds):
        self.seconds += seconds


@pytest.fixture(autouse=True)
def fresh_limits_and_tokens():
    """Each test starts with full rate-limit buckets and no cached access token."""
    ratelimits.SHARED_LIMITER.reset()
    with auth._token_cache_lock:
        auth._token_cache.clear()
    yield


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def sandbox(clock):
    """A sandbox with the default seller (Amazon.com, .ca, .com.mx) and rate limits."""
    with Sandbox(default_state(clock=clock)) as server:
        yield server


@pytest.fixture
def credentials():
    return Credentials(
        DEFAULT_SELLER_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
    )


@pytest.fixture
def connection(sandbox, credentials, clock):
    return SellerConnection(
        credentials, "NA", "local", sandbox.url, timeout=5, clock=clock
    )
