"""Tier-1 fixtures: a local SP-API sandbox on 127.0.0.1, and connections to it."""

import pytest

from amazon_sp import Credentials, SellerConnection
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


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
def connection(sandbox, credentials):
    return SellerConnection(credentials, "NA", "local", sandbox.url, timeout=5)
