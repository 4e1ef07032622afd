"""The sandbox's LWA endpoint and Sellers API over raw HTTP, against the models."""

import subprocess
import sys

import requests
from spapi_models import sandbox_examples, validate_definition, validate_response

from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


def _token(sandbox, **overrides):
    form = {
        "grant_type": "refresh_token",
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "refresh_token": DEFAULT_REFRESH_TOKEN,
        **overrides,
    }
    return requests.post(f"{sandbox.url}/auth/o2/token", data=form, timeout=5)


def _participations(sandbox, token, prefix="/na"):
    return requests.get(
        f"{sandbox.url}{prefix}{PARTICIPATIONS}",
        headers={"x-amz-access-token": token},
        timeout=5,
    )


def test_refresh_token_grant_returns_a_bearer_access_token(sandbox):
    response = _token(sandbox)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")


def test_wrong_client_gets_lwa_invalid_client(sandbox):
    response = _token(sandbox, client_secret="nope")
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
    }
    assert _token(sandbox, client_id="someone-else").json()["error"] == "invalid_client"


def test_wrong_refresh_token_gets_lwa_invalid_grant(sandbox):
    response = _token(sandbox, refresh_token="Atzr|other")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_other_grants_and_missing_parameters_are_refused(sandbox):
    assert _token(sandbox, grant_type="client_credentials").json()["error"] == (
        "unsupported_grant_type"
    )
    assert _token(sandbox, refresh_token="").json()["error"] == "invalid_request"


def test_access_tokens_expire_after_the_configured_lifetime(clock):
    with Sandbox(default_state(clock=clock, token_lifetime=300)) as sandbox:
        token = _token(sandbox).json()["access_token"]
        assert _participations(sandbox, token).status_code == 200
        clock.advance(301)
        expired = _participations(sandbox, token)
        assert expired.status_code == 403
        validate_response("sellers.json", PARTICIPATIONS, "get", 403, expired.json())
        assert expired.json()["errors"][0]["details"] == (
            "The access token you provided has expired."
        )


def test_participations_validate_against_amazons_model(sandbox):
    token = _token(sandbox).json()["access_token"]
    response = _participations(sandbox, token)
    assert response.status_code == 200
    body = response.json()
    validate_response("sellers.json", PARTICIPATIONS, "get", 200, body)
    ids = [p["marketplace"]["id"] for p in body["payload"]]
    assert ids == [
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
        "A1AM78C64UM0Y8",
        "A2ZV50J4W1RKNI",
    ]
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert response.headers["x-amzn-RequestId"]


def test_participations_have_the_shape_of_amazons_own_example(sandbox):
    ((_request, example),) = sandbox_examples("sellers.json", PARTICIPATIONS, "get")
    token = _token(sandbox).json()["access_token"]
    ours = _participations(sandbox, token).json()["payload"][0]
    theirs = example["payload"][0]
    assert (
        ours["marketplace"] == theirs["marketplace"]
    )  # Amazon.com, as Amazon describes it
    assert ours["participation"] == theirs["participation"]
    assert set(ours) == set(theirs)


def test_errors_validate_against_amazons_model(sandbox):
    token = _token(sandbox).json()["access_token"]
    cases = [
        requests.get(f"{sandbox.url}/na{PARTICIPATIONS}", timeout=5),  # no token
        _participations(sandbox, "Atza|forged"),
        _participations(sandbox, token, prefix="/eu"),  # another region's host
    ]
    for response in cases:
        assert response.status_code == 403
        validate_response("sellers.json", PARTICIPATIONS, "get", 403, response.json())
        validate_definition("sellers.json", "ErrorList", response.json()["errors"])


def test_usage_plan_is_enforced_with_429(sandbox):
    token = _token(sandbox).json()["access_token"]
    statuses = [_participations(sandbox, token).status_code for _ in range(16)]
    assert statuses == [200] * 15 + [429]
    throttled = _participations(sandbox, token)
    validate_response("sellers.json", PARTICIPATIONS, "get", 429, throttled.json())
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert (
        "x-amzn-RateLimit-Limit" not in throttled.headers
    )  # per the model, 429 has none


def test_relaxed_rate_limits(clock):
    with Sandbox(default_state(clock=clock, enforce_rate_limits=False)) as sandbox:
        token = _token(sandbox).json()["access_token"]
        assert {_participations(sandbox, token).status_code for _ in range(20)} == {200}


def test_command_line_prints_its_defaults_and_serves():
    process = subprocess.Popen(
        [sys.executable, "-m", "amazon_sp.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(9)]
        banner = "".join(lines)
        url = lines[0].split()[-1]
        assert url.startswith("http://127.0.0.1:")
        for value in (
            DEFAULT_SELLER_ID,
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            DEFAULT_REFRESH_TOKEN,
        ):
            assert value in banner
        state = requests.get(f"{url}/_sandbox/state", timeout=5).json()
        assert state["sellers"][0]["seller_id"] == DEFAULT_SELLER_ID
        assert state["sellers"][0]["region"] == "NA"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_command_line_sets_seller_and_credentials():
    process = subprocess.Popen(
        [
            sys.executable, "-m", "amazon_sp.sandbox", "--port", "0",
            "--seller-id", "AMYSELLER", "--client-id", "my-client",
            "--client-secret", "my-secret", "--refresh-token", "Atzr|mine",
            "--marketplaces", "A1PA6795UKMFR9,A1F83G8C2ARO7P",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        url = process.stdout.readline().split()[-1]
        form = {
            "grant_type": "refresh_token",
            "client_id": "my-client",
            "client_secret": "my-secret",
            "refresh_token": "Atzr|mine",
        }
        token = requests.post(f"{url}/auth/o2/token", data=form, timeout=5).json()
        body = requests.get(
            f"{url}/eu{PARTICIPATIONS}",
            headers={"x-amz-access-token": token["access_token"]},
            timeout=5,
        ).json()
        assert [p["marketplace"]["name"] for p in body["payload"]][:2] == [
            "Amazon.de",
            "Amazon.co.uk",
        ]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_control_interface_adds_sellers_and_marketplaces(sandbox):
    added = requests.post(
        f"{sandbox.url}/_sandbox/marketplaces",
        json={
            "id": "AHANDMADE0001",
            "name": "Amazon.cl",
            "countryCode": "CL",
            "defaultCurrencyCode": "CLP",
            "domainName": "www.amazon.cl",
        },
        timeout=5,
    )
    assert added.status_code == 200
    seller = requests.post(
        f"{sandbox.url}/_sandbox/sellers",
        json={
            "seller_id": "ACLSELLER",
            "client_id": DEFAULT_CLIENT_ID,
            "refresh_token": "Atzr|cl",
            "region": "NA",
            "marketplaces": ["ATVPDKIKX0DER", "AHANDMADE0001"],
            "non_amazon": False,
        },
        timeout=5,
    )
    assert seller.status_code == 200
    token = _token(sandbox, refresh_token="Atzr|cl").json()["access_token"]
    body = _participations(sandbox, token).json()
    validate_response("sellers.json", PARTICIPATIONS, "get", 200, body)
    assert [p["marketplace"]["name"] for p in body["payload"]] == [
        "Amazon.com",
        "Amazon.cl",
    ]
