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
    assert info.value.request_id
    assert info.value.operation == "getMarketplaceParticipations"


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


def test_exhausted_usage_plan_raises_throttled(connection, sandbox):
    # getMarketplaceParticipations: burst 15, then 0.016/s.
    for _ in range(15):
        connection.get_marketplace_participations()
    with pytest.raises(Throttled) as info:
        connection.get_marketplace_participations()
    assert info.value.status == 429 and info.value.code == "QuotaExceeded"
    assert info.value.retryable


def test_token_lifetime_follows_what_lwa_announces(sandbox, credentials, clock):
    sandbox.state.token_lifetime = 120  # seconds; our cache renews 60 s before expiry
    connection = SellerConnection(credentials, "NA", "local", sandbox.url)
    connection.get_marketplace_participations()
    connection.get_marketplace_participations()
    assert sandbox.state.lwa_calls == 1


@pytest.mark.parametrize(
    ("kind", "error", "status"),
    [
        ("throttle", Throttled, 429),
        ("throttle_empty", Throttled, 429),
        ("server_error", Unavailable, 500),
        ("unavailable", Unavailable, 503),
        ("html_error", Unavailable, 502),
        ("forbidden_bare", AccessDenied, 403),
        ("malformed", Unavailable, 200),
        ("reset", Unavailable, None),
    ],
)
def test_every_failure_becomes_a_typed_error(connection, sandbox, kind, error, status):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(Fault(kind, "sellers.getMarketplaceParticipations"))
    with pytest.raises(error) as info:
        connection.get_marketplace_participations()
    assert info.value.status == status
    assert info.value.retryable == (error in (Throttled, Unavailable))
    # The fault was one call: the next one works.
    assert len(connection.get_marketplace_participations()) == 4


def test_lwa_outage_is_unavailable_not_bad_credentials(sandbox, credentials):
    from amazon_sp.sandbox.faults import Fault

    sandbox.state.faults.add(Fault("server_error", "lwa.token"))
    connection = SellerConnection(credentials, "NA", "local", sandbox.url)
    with pytest.raises(Unavailable):
        connection.get_marketplace_participations()


def test_slow_answer_times_out_as_unavailable(sandbox, credentials):
    from amazon_sp.sandbox.faults import Fault

    connection = SellerConnection(credentials, "NA", "local", sandbox.url, timeout=0.2)
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
