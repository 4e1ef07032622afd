"""The client factory: environments, library pitfalls, typed errors from the sandbox."""

import os
import subprocess
import sys
import textwrap

import pytest
from sp_api.api import Sellers

from amazon_sp import (
    AccessDenied,
    Credentials,
    Environment,
    InvalidCredentials,
    SellerConnection,
    Throttled,
    Unavailable,
)
from amazon_sp.sandbox import DEFAULT_SELLER_ID, Seller


def test_production_environment_uses_amazon_endpoints(credentials):
    connection = SellerConnection(credentials, "EU", Environment.PRODUCTION)
    client = connection.client(Sellers)
    assert client.endpoint == "https://sellingpartnerapi-eu.amazon.com"
    assert client._auth.token_url == "https://api.amazon.com/auth/o2/token"


def test_amazon_sandbox_environment_uses_amazon_sandbox_endpoints(credentials):
    connection = SellerConnection(credentials, "FE", "amazon_sandbox")
    client = connection.client(Sellers)
    assert client.endpoint == "https://sandbox.sellingpartnerapi-fe.amazon.com"
    assert client._auth.token_url == "https://api.amazon.com/auth/o2/token"


def test_local_environment_sends_token_and_api_calls_to_the_local_server(
    connection, sandbox
):
    participations = connection.get_marketplace_participations()
    assert [p.marketplace_id for p in participations][:3] == [
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
        "A1AM78C64UM0Y8",
    ]
    received = sandbox.state.received()
    assert [r["path"] for r in received] == [
        "/auth/o2/token",
        "/sellers/v1/marketplaceParticipations",
    ]
    # The library would send "27.0.0.1:<port>" (endpoint[8:]); we send the real host.
    assert {r["host"] for r in received} == {f"127.0.0.1:{sandbox.port}"}
    assert received[1]["region"] == "NA"


def test_local_url_is_checked(credentials):
    with pytest.raises(ValueError, match="not a valid local endpoint"):
        SellerConnection(credentials, "NA", "local", "127.0.0.1:8765")
    connection = SellerConnection(credentials, "NA", "local", "http://127.0.0.1:8765/")
    assert connection.endpoint == "http://127.0.0.1:8765/na"
    assert connection.token_url == "http://127.0.0.1:8765/auth/o2/token"


def test_environment_variables_never_replace_the_given_credentials(
    monkeypatch, sandbox, credentials
):
    # With the library's defaults, an incomplete dict silently falls back to these.
    monkeypatch.setenv("LWA_APP_ID", credentials.client_id)
    monkeypatch.setenv("LWA_CLIENT_SECRET", credentials.client_secret)
    monkeypatch.setenv("SP_API_REFRESH_TOKEN", credentials.refresh_token)
    monkeypatch.setenv("SP_API_DEFAULT_MARKETPLACE", "JP")
    incomplete = Credentials(DEFAULT_SELLER_ID, credentials.client_id, "", "")
    connection = SellerConnection(incomplete, "NA", "local", sandbox.url)
    with pytest.raises(InvalidCredentials, match="client_secret, refresh_token"):
        connection.get_marketplace_participations()
    assert sandbox.state.lwa_calls == 0
    # And the marketplace variable does not move a complete connection to the FE host.
    complete = SellerConnection(credentials, "NA", "local", sandbox.url)
    assert complete.client(Sellers).endpoint == f"{sandbox.url}/na"
    assert len(complete.get_marketplace_participations()) == 4


def test_aws_env_sandbox_variable_does_not_move_production_calls():
    # AWS_ENV is read when the library is imported: check it in a fresh interpreter.
    code = textwrap.dedent(
        """
        from sp_api.api import Sellers
        from amazon_sp import Credentials, SellerConnection
        c = SellerConnection(Credentials("S", "id", "secret", "Atzr|x"), "NA")
        print(c.client(Sellers).endpoint)
        """
    )
    env = {**os.environ, "AWS_ENV": "SANDBOX"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "https://sellingpartnerapi-na.amazon.com"


def test_wrong_client_secret_is_reported_as_invalid_client(sandbox, credentials):
    bad = Credentials(
        credentials.seller_id,
        credentials.client_id,
        "wrong-secret",
        credentials.refresh_token,
    )
    with pytest.raises(InvalidCredentials) as info:
        SellerConnection(
            bad, "NA", "local", sandbox.url
        ).get_marketplace_participations()
    assert info.value.kind == "client"
    assert info.value.account_wide and not info.value.retryable
    assert info.value.status == 401 and info.value.code == "invalid_client"
    assert "client ID or client secret" in str(info.value)
    assert "wrong-secret" not in str(info.value)


def test_revoked_refresh_token_is_reported_as_such(sandbox, credentials):
    bad = Credentials(
        credentials.seller_id,
        credentials.client_id,
        credentials.client_secret,
        "Atzr|revoked",
    )
    with pytest.raises(InvalidCredentials) as info:
        SellerConnection(
            bad, "NA", "local", sandbox.url
        ).get_marketplace_participations()
    assert info.value.kind == "refresh_token"
    assert info.value.code == "invalid_grant"
    assert "refresh token" in str(info.value)


def test_wrong_region_is_denied(sandbox, credentials):
    connection = SellerConnection(credentials, "EU", "local", sandbox.url)
    with pytest.raises(AccessDenied) as info:
        connection.get_marketplace_participations()
    assert info.value.status == 403 and info.value.code == "Unauthorized"
    assert info.value.account_wide and not info.value.retryable
    assert info.value.request_id
    assert info.value.operation == "sellers.getMarketplaceParticipations"


def test_application_without_the_role_is_denied(sandbox, credentials):
    sandbox.state.sellers[DEFAULT_SELLER_ID].denied_operations.add(
        "sellers.getMarketplaceParticipations"
    )
    connection = SellerConnection(credentials, "NA", "local", sandbox.url)
    with pytest.raises(AccessDenied):
        connection.get_marketplace_participations()


def test_expired_access_token_is_renewed_once(connection, sandbox):
    connection.get_marketplace_participations()
    sandbox.state.expire_access_tokens()
    assert len(connection.get_marketplace_participations()) == 4
    assert sandbox.state.lwa_calls == 2
    assert [r["status"] for r in sandbox.state.received()] == [200, 200, 403, 200, 200]


def test_exhausted_usage_plan_is_waited_for_within_the_budget(
    connection, sandbox, clock
):
    # getMarketplaceParticipations: burst 15, then 0.016/s (one call every 62.5 s).
    for _ in range(15):
        connection.get_marketplace_participations()
    connection.max_wait = 100
    connection.get_marketplace_participations()
    assert clock.slept == pytest.approx(62.5, abs=0.1)
    assert [r["status"] for r in sandbox.state.received()][1:] == [200] * 16


def test_exhausted_usage_plan_beyond_the_budget_raises_throttled(connection, sandbox):
    for _ in range(15):
        connection.get_marketplace_participations()
    with pytest.raises(Throttled) as info:
        connection.get_marketplace_participations()  # max_wait is 60 s
    assert info.value.retry_after == pytest.approx(62.5, abs=0.1)
    assert info.value.retryable
    # Nothing was sent: our own bucket knew Amazon would refuse.
    assert len(sandbox.state.received("sellers.getMarketplaceParticipations")) == 15


def test_amazon_429_drains_our_bucket(connection, sandbox):
    seller = sandbox.state.sellers[connection.credentials.seller_id]
    while sandbox.state.take_token(seller, "sellers.getMarketplaceParticipations") == 0:
        pass  # someone else (another process) spent the seller's quota
    with pytest.raises(Throttled) as info:
        connection.get_marketplace_participations()
    assert connection.stats.throttled == {"sellers.getMarketplaceParticipations": 1}
    assert info.value.retry_after >= 60
    statuses = [r["status"] for r in sandbox.state.received()]
    assert statuses.count(429) == 1  # one 429, then our bucket knew better


def test_token_lifetime_follows_what_lwa_announces(sandbox, credentials, clock):
    sandbox.state.token_lifetime = 120  # seconds; our cache renews 60 s before expiry
    connection = SellerConnection(credentials, "NA", "local", sandbox.url)
    connection.get_marketplace_participations()
    connection.get_marketplace_participations()
    assert sandbox.state.lwa_calls == 1


RETRIED = [
    ("throttle", Throttled, 429),
    ("throttle_empty", Throttled, 429),
    ("server_error", Unavailable, 500),
    ("unavailable", Unavailable, 503),
    ("html_error", Unavailable, 502),
    ("malformed", Unavailable, 200),
    ("reset", Unavailable, None),
]


@pytest.mark.parametrize(("kind", "error", "status"), RETRIED)
def test_a_passing_failure_is_retried_with_backoff(
    connection, sandbox, clock, kind, error, status
):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(
        Fault(kind, "sellers.getMarketplaceParticipations", count=2)
    )
    # After a 429 our bucket is empty like Amazon's: the retry waits for the next token
    # (62.5 s for this operation), so give the call the time to wait.
    connection.max_wait = 200
    assert len(connection.get_marketplace_participations()) == 4
    stats = connection.stats.snapshot()
    assert stats["retries"] == {"sellers.getMarketplaceParticipations": 2}
    assert stats["calls"] == {"sellers.getMarketplaceParticipations": 3}
    # Exponential backoff with jitter: 0.5-1 s, then 1-2 s (fake time: nobody slept).
    if kind.startswith("throttle"):
        assert clock.slept == pytest.approx(2 * 62.5, abs=0.1)
    else:
        assert 1.5 <= clock.slept <= 3.0


@pytest.mark.parametrize(("kind", "error", "status"), RETRIED)
def test_a_lasting_failure_becomes_a_typed_error(
    connection, sandbox, kind, error, status
):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(
        Fault(kind, "sellers.getMarketplaceParticipations", count=-1)
    )
    with pytest.raises(error) as info:
        connection.get_marketplace_participations()
    assert info.value.retryable
    assert info.value.retry_after > 0
    if kind.startswith("throttle"):
        # After a 429 the bucket is empty: the next token is a minute away, past the
        # budget.
        assert 60 <= info.value.retry_after <= 62.5
    else:
        assert info.value.status == status
        assert connection.stats.calls == {"sellers.getMarketplaceParticipations": 6}
    assert connection.stats.errors == {"sellers.getMarketplaceParticipations": 1}


def test_a_bare_403_is_access_denied_and_not_retried(connection, sandbox):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(
        Fault("forbidden_bare", "sellers.getMarketplaceParticipations")
    )
    with pytest.raises(AccessDenied) as info:
        connection.get_marketplace_participations()
    assert info.value.status == 403
    assert not info.value.retryable
    assert connection.stats.calls == {"sellers.getMarketplaceParticipations": 1}


def test_an_expired_token_fault_is_renewed_transparently(connection, sandbox):
    from amazon_sp.sandbox.faults import Fault

    connection.get_marketplace_participations()
    sandbox.state.faults.add(
        Fault("expired_token", "sellers.getMarketplaceParticipations")
    )
    assert len(connection.get_marketplace_participations()) == 4
    assert sandbox.state.lwa_calls == 2


def test_lwa_outage_is_unavailable_not_bad_credentials(sandbox, credentials, clock):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(Fault("server_error", "lwa.token", count=-1))
    connection = SellerConnection(credentials, "NA", "local", sandbox.url, clock=clock)
    with pytest.raises(Unavailable):
        connection.get_marketplace_participations()


def test_slow_answer_times_out_as_unavailable(sandbox, credentials, clock):
    from amazon_sp.sandbox.faults import Fault

    connection = SellerConnection(
        credentials,
        "NA",
        "local",
        sandbox.url,
        timeout=0.2,
        clock=clock,
        max_attempts=1,
    )
    connection.get_marketplace_participations()  # token cached
    sandbox.state.faults.add(
        Fault("slow", "sellers.getMarketplaceParticipations", delay=1)
    )
    with pytest.raises(Unavailable, match="did not answer within 0.2 seconds"):
        connection.get_marketplace_participations()


def test_sellers_are_independent(sandbox, credentials):
    sandbox.state.add_seller(
        Seller(
            seller_id="AEUSELLER2",
            region="EU",
            marketplaces=["A1PA6795UKMFR9", "A13V1IB3VIYZZH"],
            refresh_tokens={"Atzr|eu-seller"},
            client_id=credentials.client_id,
            non_amazon=False,
        )
    )
    eu = Credentials(
        "AEUSELLER2", credentials.client_id, credentials.client_secret, "Atzr|eu-seller"
    )
    participations = SellerConnection(
        eu, "EU", "local", sandbox.url
    ).get_marketplace_participations()
    assert [p.name for p in participations] == ["Amazon.de", "Amazon.fr"]


def test_credentials_go_to_a_local_server_on_this_machine_only():
    from amazon_sp.credentials import local_url_allowed

    for url in (
        "http://127.0.0.1:8765",
        "http://127.8.9.10:1",
        "http://[::1]:8765",
        "http://localhost:8765",
        "https://LOCALHOST",
    ):
        assert local_url_allowed(url), url
    for url in (
        "http://collector.example.com:8765",
        "http://10.0.0.5:8765",
        "http://127.0.0.1.example.com",
        "http://[::2]:1",
        "",
        "not a url",
    ):
        assert not local_url_allowed(url), url
    assert local_url_allowed("http://sandbox.lan:8765", ["sandbox.lan"])
    assert local_url_allowed("http://SANDBOX.lan:8765", [" sandbox.LAN "])
    assert not local_url_allowed("http://other.lan:8765", ["sandbox.lan"])
