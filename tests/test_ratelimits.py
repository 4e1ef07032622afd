"""Token buckets: Amazon's model, T(K) = max(0, (K - burst) / rate)."""

import pytest

from amazon_sp.ratelimits import RateLimit, TokenBucket, replay_seconds


def test_a_full_bucket_serves_its_burst_then_one_call_per_period():
    bucket = TokenBucket(0.5, 30, now=0.0)
    assert [bucket.try_take(0.0) for _ in range(30)] == [0.0] * 30
    assert bucket.try_take(0.0) == pytest.approx(2.0)
    assert bucket.try_take(1.0) == pytest.approx(1.0)
    assert bucket.try_take(2.0) == 0.0


@pytest.mark.parametrize(
    ("operation", "calls", "seconds"),
    [
        # The figures of SPAPI.md section 7, from Amazon's default usage plans.
        ("ordersV0.getOrderItems", 10_000, (10_000 - 30) / 0.5),
        ("ordersV0.getOrders", 100, (100 - 20) / 0.0167),
        ("orders2026.searchOrders", 100, (100 - 20) / 0.0056),
        ("orders2026.searchOrders", 20, 0.0),
    ],
)
def test_replay_follows_amazons_formula(operation, calls, seconds):
    # Also: a long replay ends (refills computed in floating point never leave a
    # bucket a hair short of a token for ever).
    assert replay_seconds([operation] * calls) == pytest.approx(seconds, rel=1e-6)


def test_replay_keeps_one_bucket_per_operation_and_skips_the_token_endpoint():
    calls = ["lwa.token"] * 50 + ["ordersV0.getOrders"] * 21 + ["orders2026.getOrder"]
    assert replay_seconds(calls) == pytest.approx(1 / 0.0167)
    custom = {"ordersV0.getOrders": RateLimit(1.0, 1)}
    assert replay_seconds(["ordersV0.getOrders"] * 3, custom) == pytest.approx(2.0)
