"""The sandbox's Orders (v0, 2026-01-01) and Tokens APIs, against the models."""

import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from spapi_models import operation, validate_definition, validate_response

from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)
from amazon_sp.sandbox.faults import Fault, FaultPlan
from amazon_sp.sandbox.generator import generate

SEARCH = "/orders/2026-01-01/orders"
GET_2026 = "/orders/2026-01-01/orders/{orderId}"
GET_ORDERS = "/orders/v0/orders"
V0_ORDER = "/orders/v0/orders/{orderId}"
V0_ITEMS = "/orders/v0/orders/{orderId}/orderItems"
V0_ADDRESS = "/orders/v0/orders/{orderId}/address"
V0_BUYER = "/orders/v0/orders/{orderId}/buyerInfo"
RDT = "/tokens/2021-03-01/restrictedDataToken"
US = "ATVPDKIKX0DER"
ALL = ",".join(
    ["BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION"]
    + ["FULFILLMENT", "PACKAGES", "TAX", "PAYMENT"]
)


class Client:
    """Raw HTTP against the sandbox, as Amazon's documentation describes the calls."""

    def __init__(self, sandbox):
        self.url = sandbox.url
        form = {
            "grant_type": "refresh_token",
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": DEFAULT_REFRESH_TOKEN,
        }
        self.token = requests.post(
            f"{self.url}/auth/o2/token", data=form, timeout=5
        ).json()["access_token"]

    def get(self, path, token=None, **params):
        return requests.get(
            f"{self.url}/na{path}",
            params=params,
            headers={"x-amz-access-token": token or self.token},
            timeout=5,
        )

    def post(self, path, body, token=None):
        return requests.post(
            f"{self.url}/na{path}",
            json=body,
            headers={"x-amz-access-token": token or self.token},
            timeout=5,
        )


@pytest.fixture
def orders_sandbox(clock):
    state = default_state(clock=clock, enforce_rate_limits=False)
    generate(state, DEFAULT_SELLER_ID, 230, seed=5)
    with Sandbox(state) as sandbox:
        yield sandbox


@pytest.fixture
def api(orders_sandbox):
    return Client(orders_sandbox)


def _since(sandbox, days=40):
    return (sandbox.state.clock.now() - timedelta(days=days)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_search_orders_pages_validate_and_end(api, orders_sandbox):
    params = {"lastUpdatedAfter": _since(orders_sandbox), "includedData": ALL}
    seen, token, pages = [], None, 0
    while True:
        response = api.get(
            SEARCH, **params, **({"paginationToken": token} if token else {})
        )
        assert response.status_code == 200, response.text
        body = response.json()
        validate_response("orders_2026-01-01.json", SEARCH, "get", 200, body)
        seen += [o["orderId"] for o in body["orders"]]
        pages += 1
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
        assert any(c in token for c in "+/=") or len(token) > 30  # base64, as Amazon's
    assert pages == 3 and len(seen) == len(set(seen)) == 230
    assert "lastUpdatedBefore" in body


def test_get_order_2026_validates(api, orders_sandbox):
    order_id = orders_sandbox.state.seller_orders(DEFAULT_SELLER_ID)[0]["orderId"]
    response = api.get(GET_2026.format(orderId=order_id), includedData=ALL)
    validate_response("orders_2026-01-01.json", GET_2026, "get", 200, response.json())
    missing = api.get(GET_2026.format(orderId="111-0000000-0000000"))
    assert missing.status_code == 404
    validate_response("orders_2026-01-01.json", GET_2026, "get", 404, missing.json())


def test_included_data_selects_blocks(api, orders_sandbox):
    params = {"lastUpdatedAfter": _since(orders_sandbox), "maxResultsPerPage": 100}
    bare = api.get(SEARCH, **params).json()["orders"]
    assert all(set(o) <= {"orderId", "orderAliases", "createdTime", "lastUpdatedTime",
                          "programs", "associatedOrders", "salesChannel", "orderItems"}
               for o in bare)  # fmt: skip
    full = api.get(SEARCH, includedData="FULFILLMENT,PROCEEDS", **params).json()[
        "orders"
    ]
    assert all("fulfillment" in o and "buyer" not in o for o in full)


def test_v0_orders_items_address_buyer_validate(api, orders_sandbox):
    body = api.get(
        GET_ORDERS, LastUpdatedAfter=_since(orders_sandbox), MarketplaceIds=US
    ).json()
    validate_response("ordersV0.json", GET_ORDERS, "get", 200, body)
    orders = body["payload"]["Orders"]
    assert {o["MarketplaceId"] for o in orders} == {US}
    shipped = next(o for o in orders if o["OrderStatus"] == "Shipped")
    assert "Name" not in shipped.get("ShippingAddress", {})  # restricted without an RDT
    order_id = shipped["AmazonOrderId"]
    for path in (V0_ORDER, V0_ITEMS, V0_ADDRESS, V0_BUYER):
        response = api.get(path.format(orderId=order_id))
        assert response.status_code == 200, (path, response.text)
        validate_response("ordersV0.json", path, "get", 200, response.json())


def test_restricted_data_token_unlocks_pii(api, orders_sandbox):
    body = {
        "restrictedResources": [
            {
                "method": "GET",
                "path": GET_ORDERS,
                "dataElements": ["buyerInfo", "shippingAddress"],
            },
            {"method": "GET", "path": V0_ITEMS, "dataElements": ["buyerInfo"]},
        ]
    }
    validate_definition(
        "tokens_2021-03-01.json", "CreateRestrictedDataTokenRequest", body
    )
    response = api.post(RDT, body)
    assert response.status_code == 200
    validate_response("tokens_2021-03-01.json", RDT, "post", 200, response.json())
    rdt = response.json()["restrictedDataToken"]
    assert response.json()["expiresIn"] == 3600
    orders = api.get(
        GET_ORDERS,
        token=rdt,
        LastUpdatedAfter=_since(orders_sandbox),
        MarketplaceIds=US,
    ).json()["payload"]["Orders"]
    fbm = next(
        o
        for o in orders
        if o["OrderStatus"] == "Shipped" and o["FulfillmentChannel"] == "MFN"
    )
    assert fbm["ShippingAddress"]["Name"] and fbm["BuyerInfo"]["BuyerName"]
    # An RDT is good only for the resources it names.
    assert (
        api.get(V0_ORDER.format(orderId=fbm["AmazonOrderId"]), token=rdt).status_code
        == 403
    )


def test_restricted_data_token_denied_without_the_role(api, orders_sandbox):
    orders_sandbox.state.sellers[DEFAULT_SELLER_ID].pii_allowed = False
    response = api.post(
        RDT,
        {
            "restrictedResources": [
                {"method": "GET", "path": GET_ORDERS, "dataElements": ["buyerInfo"]}
            ]
        },
    )
    assert response.status_code == 403
    validate_response("tokens_2021-03-01.json", RDT, "post", 403, response.json())
    assert "buyerInfo" in response.json()["errors"][0]["details"]
    buyer = api.get(
        SEARCH, lastUpdatedAfter=_since(orders_sandbox), includedData="BUYER"
    )
    assert buyer.status_code == 403
    recipient = api.get(
        SEARCH,
        lastUpdatedAfter=_since(orders_sandbox),
        includedData="RECIPIENT,FULFILLMENT",
    ).json()["orders"]
    addresses = [
        o["recipient"]["deliveryAddress"] for o in recipient if "recipient" in o
    ]
    assert addresses and all(
        "name" not in a and "postalCode" not in a for a in addresses
    )
    assert all(a["countryCode"] for a in addresses)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Exactly one of"),
        (
            {
                "createdAfter": "2026-11-01T00:00:00Z",
                "lastUpdatedAfter": "2026-11-01T00:00:00Z",
            },
            "Exactly one of",
        ),
        ({"lastUpdatedAfter": "2026-11-01"}, "ISO 8601"),
        ({"lastUpdatedAfter": "2026-11-01 00:00:00"}, "ISO 8601"),
        (
            {
                "lastUpdatedAfter": "2026-11-01T00:00:00Z",
                "lastUpdatedBefore": "2026-11-20T11:59:00Z",
            },
            "two minutes",
        ),
        (
            {
                "lastUpdatedAfter": "2026-11-10T00:00:00Z",
                "lastUpdatedBefore": "2026-11-01T00:00:00Z",
            },
            "later than",
        ),
        (
            {
                "lastUpdatedAfter": "2026-11-01T00:00:00Z",
                "createdBefore": "2026-11-02T00:00:00Z",
            },
            "cannot be used",
        ),
        (
            {"lastUpdatedAfter": "2026-11-01T00:00:00Z", "maxResultsPerPage": "101"},
            "between 1 and 100",
        ),
        (
            {"lastUpdatedAfter": "2026-11-01T00:00:00Z", "includedData": "SECRETS"},
            "includedData",
        ),
        (
            {
                "lastUpdatedAfter": "2026-11-01T00:00:00Z",
                "marketplaceIds": ",".join(["X"] * 51),
            },
            "at most 50",
        ),
    ],
)
def test_search_orders_refuses_what_amazon_refuses(api, params, message):
    response = api.get(SEARCH, **params)
    assert response.status_code == 400
    body = response.json()
    validate_response("orders_2026-01-01.json", SEARCH, "get", 400, body)
    assert message in body["errors"][0]["message"]
    assert body["errors"][0]["code"] == "InvalidInput"


def test_get_orders_needs_marketplaces(api):
    response = api.get(GET_ORDERS, CreatedAfter="2026-11-01T00:00:00Z")
    assert response.status_code == 400
    validate_response("ordersV0.json", GET_ORDERS, "get", 400, response.json())


# case -> (status, code): every error the sandbox answers getOrder and getOrderItems
# with, in the {"errors": [...]} shape. Not here: 400 for getOrder (the sandbox has no
# input to refuse there), and the faults that stand for what is not Amazon's JSON:
# throttle_empty (429, empty body), forbidden_bare (API Gateway's {"message": ...}),
# html_error (502, undeclared), reset and malformed.
V0_ERRORS = {
    "unknown-order": (404, "NotFound"),
    "bad-next-token": (400, "InvalidInput"),
    "no-access-token": (403, "MissingAuthenticationToken"),
    "invalid-access-token": (403, "Unauthorized"),
    "expired-access-token": (403, "Unauthorized"),
    "role-missing": (403, "Unauthorized"),
    "rdt-for-another-path": (403, "Unauthorized"),
    "over-quota": (429, "QuotaExceeded"),
    "throttle": (429, "QuotaExceeded"),
    "server-error": (500, "InternalFailure"),
    "unavailable": (503, "ServiceUnavailable"),
}
V0_ERROR_CASES = [
    pytest.param(operation_id, path, case, id=f"{operation_id[9:]}-{case}")
    for operation_id, path in (
        ("ordersV0.getOrder", V0_ORDER),
        ("ordersV0.getOrderItems", V0_ITEMS),
    )
    for case in V0_ERRORS
    if not (case == "bad-next-token" and path == V0_ORDER)  # getOrder: no NextToken
]


@pytest.mark.parametrize(("operation_id", "path", "case"), V0_ERROR_CASES)
def test_v0_error_bodies_validate(clock, operation_id, path, case):
    status, code = V0_ERRORS[case]
    assert str(status) in operation("ordersV0.json", path, "get")["responses"]
    state = default_state(clock=clock)  # rate limits enforced
    (stored,) = generate(state, DEFAULT_SELLER_ID, 1, seed=4)
    with Sandbox(state) as sandbox:
        api = Client(sandbox)
        url = path.format(orderId=stored["orderId"])
        kwargs = {}
        if case == "unknown-order":
            url = path.format(orderId="111-0000000-0000000")
        elif case == "bad-next-token":
            kwargs = {"NextToken": "not-a-token"}
        elif case == "no-access-token":
            api.token = ""  # the header is sent empty
        elif case == "invalid-access-token":
            kwargs = {"token": "Atza|sandbox-never-issued"}
        elif case == "expired-access-token":
            state.faults.add(Fault("expired_token", operation_id))
        elif case == "role-missing":
            state.sellers[DEFAULT_SELLER_ID].denied_operations.add(operation_id)
        elif case == "rdt-for-another-path":
            body = {"restrictedResources": [{"method": "GET", "path": GET_ORDERS}]}
            kwargs = {"token": api.post(RDT, body).json()["restrictedDataToken"]}
        elif case == "over-quota":
            state.set_rate_limit(DEFAULT_SELLER_ID, operation_id, 0.5, 1)
            assert api.get(url).status_code == 200  # the burst of one
        else:
            state.faults.add(Fault(case.replace("-", "_"), operation_id))
        response = api.get(url, **kwargs)
        assert response.status_code == status, response.text
        body = response.json()
        validate_response("ordersV0.json", path, "get", status, body)
        assert [e["code"] for e in body["errors"]] == [code]
        assert "payload" not in body
        (received,) = [r for r in state.received(operation_id) if r["status"] == status]
        assert received["path"] == url


def test_pagination_tokens_expire_after_24_hours_and_keep_their_filters(
    api, orders_sandbox, clock
):
    params = {"lastUpdatedAfter": _since(orders_sandbox), "maxResultsPerPage": 10}
    token = api.get(SEARCH, **params).json()["pagination"]["nextToken"]
    changed = api.get(
        SEARCH,
        paginationToken=token,
        **{**params, "lastUpdatedAfter": _since(orders_sandbox, 39)},
    )
    assert changed.status_code == 400  # other filters than the first page's
    assert api.get(SEARCH, paginationToken=token, **params).status_code == 200
    other = api.get(SEARCH, **params).json()["pagination"]["nextToken"]
    clock.advance(24 * 3600 + 1)
    api = Client(orders_sandbox)  # the access token expired too
    expired = api.get(SEARCH, paginationToken=other, **params)
    assert expired.status_code == 400
    assert "expired" in expired.json()["errors"][0]["details"]


def test_pages_are_a_snapshot_of_the_first_request(api, orders_sandbox):
    state = orders_sandbox.state
    params = {"lastUpdatedAfter": _since(orders_sandbox), "maxResultsPerPage": 50}
    first = api.get(SEARCH, **params).json()
    first_ids = [o["orderId"] for o in first["orders"]]
    # An order of the first page is updated meanwhile: it moves to the end of the list
    # for new queries, but the pages of this query neither repeat nor skip it.
    state.update_order(DEFAULT_SELLER_ID, first_ids[0], lambda o: None)
    ids, token = list(first_ids), first["pagination"]["nextToken"]
    while token:
        body = api.get(SEARCH, paginationToken=token, **params).json()
        ids += [o["orderId"] for o in body["orders"]]
        token = body.get("pagination", {}).get("nextToken")
    assert len(ids) == len(set(ids)) == 230


def test_default_rate_limits_with_429_and_header(clock):
    state = default_state(clock=clock)
    generate(state, DEFAULT_SELLER_ID, 5, seed=1)
    with Sandbox(state) as sandbox:
        api = Client(sandbox)
        params = {"lastUpdatedAfter": _since(sandbox)}
        responses = [api.get(SEARCH, **params) for _ in range(21)]
        assert [r.status_code for r in responses] == [200] * 20 + [429]
        assert responses[0].headers["x-amzn-RateLimit-Limit"] == "0.0056"
        validate_response(
            "orders_2026-01-01.json", SEARCH, "get", 429, responses[-1].json()
        )
        clock.advance(1 / 0.0056)
        assert api.get(SEARCH, **params).status_code == 200
        v0 = [
            api.get(
                GET_ORDERS,
                LastUpdatedAfter=params["lastUpdatedAfter"],
                MarketplaceIds=US,
            )
            for _ in range(21)
        ]
        assert [r.status_code for r in v0][-1] == 429
        assert v0[0].headers["x-amzn-RateLimit-Limit"] == "0.0167"


def test_faults_on_pages(api, orders_sandbox):
    state = orders_sandbox.state
    params = {"lastUpdatedAfter": _since(orders_sandbox), "maxResultsPerPage": 100}
    first = api.get(SEARCH, **params).json()
    token = first["pagination"]["nextToken"]
    state.faults.add(Fault("invalid_pagination_token", "orders2026.searchOrders"))
    assert api.get(SEARCH, paginationToken=token, **params).status_code == 400
    state.faults.add(Fault("repeat_page", "orders2026.searchOrders"))
    repeated = api.get(SEARCH, paginationToken=token, **params).json()
    assert [o["orderId"] for o in repeated["orders"]] == [
        o["orderId"] for o in first["orders"]
    ]
    real = api.get(
        SEARCH, paginationToken=repeated["pagination"]["nextToken"], **params
    ).json()
    assert not {o["orderId"] for o in real["orders"]} & {
        o["orderId"] for o in first["orders"]
    }


def test_control_interface_changes_orders(orders_sandbox, clock):
    url = orders_sandbox.url
    order = orders_sandbox.state.seller_orders(DEFAULT_SELLER_ID)[0]
    order_id = order["orderId"]
    changed = requests.post(
        f"{url}/_sandbox/orders/{order_id}",
        json={"status": "CANCELLED", "cancelled_by": "BUYER"},
        timeout=5,
    ).json()["order"]
    assert changed["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert changed["lastUpdatedTime"] == clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    late = requests.post(
        f"{url}/_sandbox/orders/{order_id}",
        json={
            "buyer_cancel_reason": "Wrong size",
            "last_updated": "2026-11-01T00:00:00Z",
        },
        timeout=5,
    ).json()["order"]
    assert late["lastUpdatedTime"] == "2026-11-01T00:00:00Z"
    assert (
        late["orderItems"][0]["cancellation"]["cancellationRequest"]["cancelReason"]
        == "Wrong size"
    )
    generated = requests.post(
        f"{url}/_sandbox/orders/generate", json={"count": 7, "seed": 9}, timeout=5
    )
    assert len(generated.json()["order_ids"]) == 7
    assert len(orders_sandbox.state.seller_orders(DEFAULT_SELLER_ID)) == 237
    fault = requests.post(
        f"{url}/_sandbox/faults", json={"kind": "unavailable", "count": 2}, timeout=5
    )
    assert fault.status_code == 200
    assert (
        requests.get(f"{url}/_sandbox/faults", timeout=5).json()["waiting"][0]["count"]
        == 2
    )


def test_command_line_generates_orders():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amazon_sp.sandbox",
            "--port",
            "0",
            "--orders",
            "40",
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        orders = requests.get(f"{url}/_sandbox/orders", timeout=5).json()["orders"]
        assert len(orders) == 40
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_fault_can_spare_the_first_calls():
    """A fault in the middle of a sequence: the first matching call goes through."""
    plan = FaultPlan()
    plan.add(Fault("unavailable", "ordersV0.confirmShipment", count=1, skip=1))
    kinds = {"unavailable"}
    assert plan.take("ordersV0.getOrder", kinds) is None  # another operation
    assert plan.take("ordersV0.confirmShipment", kinds) is None  # spared
    assert plan.take("ordersV0.confirmShipment", kinds).kind == "unavailable"
    assert plan.take("ordersV0.confirmShipment", kinds) is None  # count used up
    assert plan.injected == [("unavailable", "ordersV0.confirmShipment")]
