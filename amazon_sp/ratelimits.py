"""Amazon's default usage plans, and the token bucket that models them.

SP-API limits each operation per selling partner and application with a token bucket: it
holds at most ``burst`` tokens, refills at ``rate`` tokens per second, and every call
takes one. The defaults below are the "Usage Plan" tables of Amazon's models
(``shared/spapi-models``); a seller may be granted more, which Amazon announces in the
``x-amzn-RateLimit-Limit`` header.

Operation keys are ``<api>.<operationId>``, because v0 and 2026-01-01 both have a
``getOrder``.
"""

import math
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """A usage plan: ``rate`` requests per second, ``burst`` requests at once."""

    rate: float
    burst: int


DEFAULT_RATE_LIMITS = {
    "sellers.getMarketplaceParticipations": RateLimit(0.016, 15),
    "sellers.getAccount": RateLimit(0.016, 15),
    "ordersV0.getOrders": RateLimit(0.0167, 20),
    "ordersV0.getOrder": RateLimit(0.5, 30),
    "ordersV0.getOrderBuyerInfo": RateLimit(0.5, 30),
    "ordersV0.getOrderAddress": RateLimit(0.5, 30),
    "ordersV0.getOrderItems": RateLimit(0.5, 30),
    "ordersV0.getOrderItemsBuyerInfo": RateLimit(0.5, 30),
    "ordersV0.updateShipmentStatus": RateLimit(5.0, 15),
    "ordersV0.confirmShipment": RateLimit(2.0, 10),
    "orders2026.searchOrders": RateLimit(0.0056, 20),
    "orders2026.getOrder": RateLimit(0.5, 30),
    "tokens.createRestrictedDataToken": RateLimit(1.0, 10),
    "feeds.createFeedDocument": RateLimit(0.5, 15),
    "feeds.createFeed": RateLimit(0.0083, 15),
    "feeds.getFeed": RateLimit(2.0, 15),
    "feeds.getFeeds": RateLimit(0.0222, 10),
    "feeds.getFeedDocument": RateLimit(0.0222, 10),
    "feeds.cancelFeed": RateLimit(2.0, 15),
    "fbaInventory.getInventorySummaries": RateLimit(2.0, 2),
    "listingsItems.patchListingsItem": RateLimit(5.0, 5),
    "listingsItems.getListingsItem": RateLimit(5.0, 10),
    "listingsItems.putListingsItem": RateLimit(5.0, 10),
    "listingsItems.deleteListingsItem": RateLimit(5.0, 5),
    "listingsItems.searchListingsItems": RateLimit(5.0, 5),
    "productTypeDefinitions.searchDefinitionsProductTypes": RateLimit(5.0, 10),
    "productTypeDefinitions.getDefinitionsProductType": RateLimit(5.0, 10),
    "catalogItems.searchCatalogItems": RateLimit(2.0, 2),
    "catalogItems.getCatalogItem": RateLimit(2.0, 2),
    "reports.createReport": RateLimit(0.0167, 15),
    "reports.getReport": RateLimit(2.0, 15),
    "reports.getReportDocument": RateLimit(0.0167, 15),
    "reports.getReports": RateLimit(0.0222, 10),
    "reports.cancelReport": RateLimit(0.0222, 10),
    "finances.listFinancialEventGroups": RateLimit(0.5, 30),
}

FALLBACK_RATE_LIMIT = RateLimit(0.5, 10)
"""Used for an operation missing from the table: conservative, never faster than
Amazon's."""


def default_rate_limit(operation):
    """Return Amazon's default usage plan of an operation.

    :param str operation: ``<api>.<operationId>``, e.g. ``orders2026.searchOrders``.
    :rtype: RateLimit
    """
    return DEFAULT_RATE_LIMITS.get(operation, FALLBACK_RATE_LIMIT)


def parse_rate_limit_header(value):
    """Return the rate of an ``x-amzn-RateLimit-Limit`` header, or ``None`` if
    unreadable.

    :param str value: e.g. ``"0.0167"``.
    :rtype: float | None
    """
    try:
        rate = float(value)
    except (TypeError, ValueError):
        return None
    return rate if math.isfinite(rate) and rate > 0 else None


_EPSILON = 1e-9


class TokenBucket:
    """A token bucket with a burst capacity and a refill rate.

    Time is passed in by the caller (seconds on a monotonic clock), so the same class
    serves the client (which waits) and the sandbox (which refuses), and tests move time
    by hand.

    :param float rate: tokens added per second.
    :param int burst: capacity; the bucket starts full.
    :param float now: the current time.
    """

    def __init__(self, rate, burst, now):
        self.rate = float(rate)
        self.burst = int(burst)
        self.tokens = float(burst)
        self.updated = now
        self.lock = threading.Lock()

    def _refill(self, now):
        if now > self.updated:
            self.tokens = min(
                self.burst, self.tokens + (now - self.updated) * self.rate
            )
            self.updated = now

    def try_take(self, now):
        """Take a token if one is there.

        :return: ``0.0`` if a token was taken, else the seconds until one will be there.
        :rtype: float
        """
        with self.lock:
            self._refill(now)
            # A hair under one token counts as one: refills computed in floating
            # point may land just below it, and waiting for such a hair would not
            # move a large clock value at all.
            if self.tokens >= 1.0 - _EPSILON:
                self.tokens = max(0.0, self.tokens - 1.0)
                return 0.0
            return (1.0 - self.tokens) / self.rate

    def set_rate(self, rate, now):
        """Change the refill rate from now on (e.g. from ``x-amzn-RateLimit-Limit``)."""
        with self.lock:
            self._refill(now)
            self.rate = float(rate)

    def drain(self, now):
        """Empty the bucket, e.g. after Amazon answered 429 although we thought we had a
        token."""
        with self.lock:
            self._refill(now)
            self.tokens = 0.0


class RateLimiter:
    """Token buckets per seller and operation, seeded with Amazon's defaults.

    One limiter is shared by every connection of the process, so that two accounts of
    the same seller, or two imports in two threads, draw from the same buckets as Amazon
    counts them (per selling partner and application).

    A bucket's rate follows the ``x-amzn-RateLimit-Limit`` header Amazon sends back; its
    burst stays Amazon's default (Amazon does not announce it).
    """

    def __init__(self):
        self._buckets = {}
        self._lock = threading.Lock()
        self.skew = 0.0

    def add_skew(self, seconds):
        """Move this limiter's time forward: a sleep happened but the clock did not move
        (a frozen test clock), and the buckets must still refill."""
        with self._lock:
            self.skew += seconds

    def bucket(self, key, operation, now):
        """Return the bucket of ``(key, operation)``, creating it full.

        :param tuple key: identifies the seller and application (and the endpoint).
        """
        with self._lock:
            bucket = self._buckets.get((key, operation))
            if bucket is None:
                limit = default_rate_limit(operation)
                bucket = TokenBucket(limit.rate, limit.burst, now)
                self._buckets[(key, operation)] = bucket
            return bucket

    def reset(self):
        """Forget every bucket (tests)."""
        with self._lock:
            self._buckets.clear()
            self.skew = 0.0


SHARED_LIMITER = RateLimiter()


class CallStats:
    """Counters of what a connection did: calls, retries, throttles and waits.

    ``calls`` counts requests sent, by operation; ``retries`` the requests sent again
    after a 429, a server error or a network failure; ``throttled`` the 429 answers;
    ``waited`` the seconds spent waiting for a rate-limit token or a backoff; ``errors``
    the calls that finally failed. Read them with :meth:`snapshot`.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.calls = {}
            self.retries = {}
            self.throttled = {}
            self.errors = {}
            self.waited = 0.0
            self.waits = 0
            self.sequence = []  # operations in the order they were sent

    def add(self, counter, operation, count=1):
        with self._lock:
            table = getattr(self, counter)
            table[operation] = table.get(operation, 0) + count

    def add_wait(self, seconds):
        with self._lock:
            self.waited += seconds
            self.waits += 1

    def snapshot(self):
        """Return the counters as plain data.

        :rtype: dict
        """
        with self._lock:
            return {
                "calls": dict(self.calls),
                "retries": dict(self.retries),
                "throttled": dict(self.throttled),
                "errors": dict(self.errors),
                "waited": round(self.waited, 3),
                "waits": self.waits,
                "total_calls": sum(self.calls.values()),
            }


def replay_seconds(operations, limits=None):
    """Seconds a sequence of SP-API calls needs at given rate limits, starting with full
    buckets: each call waits for a token of its operation's bucket; the calls' own
    latency is not counted.

    :param list operations: ``<api>.<operation>`` names, in call order (the LWA token
        endpoint, ``lwa.token``, is not rate-limited and is skipped).
    :param dict limits: :class:`RateLimit` by operation; Amazon's defaults otherwise.
    :rtype: float
    """
    now = 0.0
    buckets = {}
    for operation in operations:
        if operation == "lwa.token":
            continue
        bucket = buckets.get(operation)
        if bucket is None:
            limit = (limits or {}).get(operation) or default_rate_limit(operation)
            bucket = buckets[operation] = TokenBucket(limit.rate, limit.burst, 0.0)
        wait = bucket.try_take(now)
        while wait > 0:
            now += wait
            wait = bucket.try_take(now)
    return now
