"""Reading orders with the real python-amazon-sp-api client against the sandbox."""

import copy
from datetime import timedelta

import pytest
import requests
from spapi_models import validate_query

from amazon_sp import Credentials, SellerConnection, Throttled, Unavailable
from amazon_sp.orders import OrderStatus
from amazon_sp.reader import Checkpoint, OrderReader
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_MARKETPLACES,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)
from amazon_sp.sandbox.faults import Fault
from amazon_sp.sandbox.generator import generate

CREDENTIALS = Credentials(
    DEFAULT_SELLER_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN
)
COUNT = 250


@pytest.fixture
def state(clock):
    state = default_state(clock=clock)
    generate(state, DEFAULT_SELLER_ID, COUNT, seed=21)
    return state


@pytest.fixture
def sandbox(state):
    with Sandbox(state) as server:
        yield server


def _connection(sandbox, clock, **kwargs):
    kwargs.setdefault("max_wait", 100000)
    return SellerConnection(
        CREDENTIALS, "NA", "local", sandbox.url, clock=clock, **kwargs
    )


def _read(reader, clock, **kwargs):
    kwargs.setdefault("after", clock.now() - timedelta(days=40))
    pages = list(reader.pages(DEFAULT_MARKETPLACES, **kwargs))
    return pages, [o for p in pages for o in p.orders]


def test_2026_reads_every_order_in_one_call_per_100(sandbox, clock):
    connection = _connection(sandbox, clock)
    with OrderReader(connection, api_version="2026-01-01") as reader:
        pages, orders = _read(reader, clock)
    assert [len(p.orders) for p in pages] == [100, 100, 50]
    assert [p.complete for p in pages] == [False, False, True]
    assert len({o.order_id for o in orders}) == COUNT
    assert connection.stats.calls == {"orders2026.searchOrders": 3}
    assert clock.slept == 0  # three calls fit in the burst of 20


def test_v0_reads_the_same_orders_with_one_call_per_order(sandbox, clock):
    connection = _connection(sandbox, clock)
    with OrderReader(connection, api_version="v0") as reader:
        _pages, orders_v0 = _read(reader, clock)
    assert connection.stats.calls == {
        "tokens.createRestrictedDataToken": 1,
        "ordersV0.getOrders": 3,
        "ordersV0.getOrderItems": COUNT,
    }
    # getOrderItems: burst 30, then 0.5/s: (250 - 30) / 0.5 = 440 s of waiting.
    assert clock.slept == pytest.approx(440, abs=2)
    with OrderReader(_connection(sandbox, clock), api_version="2026-01-01") as reader:
        _pages, orders_2026 = _read(reader, clock)
    assert {o.order_id: o for o in orders_v0} == {o.order_id: o for o in orders_2026}


def test_requests_are_what_amazon_documents(sandbox, clock):
    for version in ("2026-01-01", "v0"):
        with OrderReader(_connection(sandbox, clock), api_version=version) as reader:
            _read(reader, clock)
    for operation, model, path in (
        (
            "orders2026.searchOrders",
            "orders_2026-01-01.json",
            "/orders/2026-01-01/orders",
        ),
        ("ordersV0.getOrders", "ordersV0.json", "/orders/v0/orders"),
    ):
        for request in sandbox.state.received(operation):
            assert validate_query(model, path, "get", request["query"]) == []
    for request in sandbox.state.received("ordersV0.getOrderItems"):
        # python-amazon-sp-api would add four spellings of the marketplace: not sent.
        path = "/orders/v0/orders/{orderId}/orderItems"
        assert validate_query("ordersV0.json", path, "get", request["query"]) == []
    searches = sandbox.state.received("orders2026.searchOrders")
    for request in searches:
        assert request["query"]["lastUpdatedAfter"].endswith("Z")
        assert request["query"]["lastUpdatedBefore"].endswith("Z")
        assert "BUYER" in request["query"]["includedData"]
    # Windows end at least two minutes before now.
    before = searches[0]["query"]["lastUpdatedBefore"]
    assert before <= (clock.now() - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    tokens = sandbox.state.received("tokens.createRestrictedDataToken")
    assert tokens[0]["body"]["restrictedResources"][0]["path"] == "/orders/v0/orders"


def test_a_window_too_recent_is_not_read(sandbox, clock):
    connection = _connection(sandbox, clock)
    with OrderReader(connection) as reader:
        assert (
            list(
                reader.pages(
                    DEFAULT_MARKETPLACES, after=clock.now() - timedelta(minutes=1)
                )
            )
            == []
        )
    assert connection.stats.calls == {}


@pytest.mark.parametrize("version", ["2026-01-01", "v0"])
def test_page_budget_splits_the_window_and_the_checkpoint_resumes_it(
    sandbox, clock, version
):
    first = OrderReader(_connection(sandbox, clock), api_version=version, max_pages=1)
    pages, orders = _read(first, clock)
    assert len(pages) == 1 and not pages[0].complete
    stored = pages[-1].checkpoint.to_dict()  # what the caller keeps between runs
    assert set(stored) == {"after", "before", "api_version", "next_token", "by"}
    clock.advance(900)  # the next scheduled run
    second = OrderReader(_connection(sandbox, clock), api_version=version)
    pages2, orders2 = _read(second, clock, checkpoint=Checkpoint.from_dict(stored))
    assert pages2[-1].complete
    assert pages2[-1].window_before == pages[0].window_before  # the same window
    ids = [o.order_id for o in orders + orders2]
    assert len(ids) == len(set(ids)) == COUNT


def test_v0_order_items_follow_next_token_over_three_pages(clock):
    state = default_state(clock=clock)
    (stored,) = generate(state, DEFAULT_SELLER_ID, 1, seed=3)
    first = stored["orderItems"][0]
    items = [
        {**copy.deepcopy(first), "orderItemId": f"{70000000000000 + n}"}
        for n in range(120)
    ]
    state.update_order(
        DEFAULT_SELLER_ID,
        stored["orderId"],
        lambda o: o.update(orderItems=items),
        last_updated=clock.now() - timedelta(hours=1),
    )
    with Sandbox(state) as sandbox:
        connection = _connection(sandbox, clock)
        with OrderReader(connection, api_version="v0") as reader:
            pages, orders = _read(reader, clock)
    assert [p.failed for p in pages] == [[]]
    (order,) = orders
    assert order.order_id == stored["orderId"]
    # Every item, once, in Amazon's order: pages of 50, 50 and 20.
    assert [i.order_item_id for i in order.items] == [i["orderItemId"] for i in items]
    calls = state.received("ordersV0.getOrderItems")
    assert len(calls) == 3 and connection.stats.calls["ordersV0.getOrderItems"] == 3
    assert [c["status"] for c in calls] == [200, 200, 200]
    assert {c["path"] for c in calls} == {
        f"/orders/v0/orders/{stored['orderId']}/orderItems"
    }
    assert "NextToken" not in calls[0]["query"]
    tokens = [c["query"].get("NextToken") for c in calls[1:]]
    assert all(tokens) and tokens[0] != tokens[1]
    path = "/orders/v0/orders/{orderId}/orderItems"
    for call in calls:
        assert validate_query("ordersV0.json", path, "get", call["query"]) == []


def test_time_budget_stops_between_pages(sandbox, clock):
    connection = _connection(sandbox, clock)
    reader = OrderReader(connection, api_version="v0", time_budget=60)
    pages, orders = _read(reader, clock)
    # The first page's 100 getOrderItems calls take (100 - 30) / 0.5 = 140 s: no second
    # page.
    assert len(pages) == 1 and len(orders) == 100 and pages[0].checkpoint


def test_latency_fault_spends_the_time_budget_on_the_sandbox_clock(
    sandbox, clock, state
):
    # Each searchOrders answer takes 40 s of the shared clock: a 60 s budget reads two
    # pages (the budget is checked after each page), without any real wait.
    state.faults.add(Fault("latency", "orders2026.searchOrders", count=-1, delay=40))
    reader = OrderReader(_connection(sandbox, clock), time_budget=60)
    pages, orders = _read(reader, clock)
    assert len(pages) == 2 and len(orders) == 200 and pages[-1].checkpoint
    assert clock.seconds - 1000.0 >= 80


def test_expired_pagination_token_reads_the_window_again(sandbox, clock):
    pages, _orders = _read(OrderReader(_connection(sandbox, clock), max_pages=1), clock)
    clock.advance(25 * 3600)
    reader = OrderReader(_connection(sandbox, clock))
    _pages2, orders2 = _read(reader, clock, checkpoint=pages[0].checkpoint)
    assert len({o.order_id for o in orders2}) == COUNT  # read again from the start
    assert any("pagination token" in n for n in reader.notices)


def test_invalid_pagination_token_fault(sandbox, clock, state):
    state.faults.add(Fault("invalid_pagination_token", "orders2026.searchOrders"))
    reader = OrderReader(_connection(sandbox, clock))
    _pages, orders = _read(reader, clock)
    assert len({o.order_id for o in orders}) == len(orders) == COUNT


def test_a_repeated_page_loses_nothing_and_duplicates_nothing(sandbox, clock, state):
    state.faults.add(Fault("repeat_page", "orders2026.searchOrders"))
    reader = OrderReader(_connection(sandbox, clock))
    pages, orders = _read(reader, clock)
    assert len(pages) == 4 and pages[1].duplicates == 100 and not pages[1].orders
    assert len({o.order_id for o in orders}) == len(orders) == COUNT


@pytest.mark.parametrize(
    "kind",
    [
        "throttle",
        "throttle_empty",
        "server_error",
        "unavailable",
        "html_error",
        "reset",
        "malformed",
        "expired_token",
    ],
)
def test_every_fault_kind_on_a_page_is_survived(sandbox, clock, state, kind):
    state.faults.add(Fault(kind, "orders2026.searchOrders", count=2))
    connection = _connection(sandbox, clock)
    _pages, orders = _read(OrderReader(connection), clock)
    assert len({o.order_id for o in orders}) == len(orders) == COUNT
    stats = connection.stats.snapshot()
    assert stats["retries"].get("orders2026.searchOrders", 0) == (
        0 if kind == "expired_token" else 2
    )
    if kind.startswith("throttle"):
        assert stats["throttled"] == {"orders2026.searchOrders": 2}
        assert (
            stats["waited"] >= 2 / 0.0056
        )  # a 429 empties the bucket: wait for tokens


def test_throttling_longer_than_the_budget_stops_with_a_checkpoint(clock):
    state = default_state(clock=clock)
    generate(state, DEFAULT_SELLER_ID, 2300, seed=2)
    with Sandbox(state) as sandbox:
        connection = _connection(sandbox, clock, max_wait=60)
        reader = OrderReader(connection)
        pages = []
        with pytest.raises(Throttled) as info:
            for page in reader.pages(
                DEFAULT_MARKETPLACES, after=clock.now() - timedelta(days=40)
            ):
                pages.append(page)  # noqa: PERF402 - until the exception
        # Burst of 20 pages, then one call per 178.6 s: more than the 60 s allowed.
        assert len(pages) == 20 and info.value.retry_after == pytest.approx(
            1 / 0.0056, rel=0.01
        )
        assert connection.stats.calls == {"orders2026.searchOrders": 20}
        resumed = OrderReader(_connection(sandbox, clock))
        clock.advance(3 * 1 / 0.0056)
        rest = list(
            resumed.pages(DEFAULT_MARKETPLACES, checkpoint=pages[-1].checkpoint)
        )
        ids = [o.order_id for p in pages + rest for o in p.orders]
        assert len(ids) == len(set(ids)) == 2300


def test_persistent_outage_raises_unavailable(sandbox, clock, state):
    state.faults.add(Fault("unavailable", "orders2026.searchOrders", count=-1))
    with pytest.raises(Unavailable) as info:
        _read(OrderReader(_connection(sandbox, clock)), clock)
    assert info.value.status == 503 and info.value.retryable


def test_higher_usage_plan_announced_by_amazon_is_used(sandbox, clock, state):
    state.set_rate_limit(DEFAULT_SELLER_ID, "ordersV0.getOrderItems", 5.0, 30)
    connection = _connection(sandbox, clock)
    _read(OrderReader(connection, api_version="v0"), clock)
    # 250 calls: 30 in the burst, the next ones at 0.5/s until the first answer told
    # us 5/s: far less than the 440 s of the default plan.
    assert clock.slept < 60


def test_pii_denied_in_2026_is_reported_once_and_orders_still_come(
    sandbox, clock, state
):
    state.sellers[DEFAULT_SELLER_ID].pii_allowed = False
    reader = OrderReader(_connection(sandbox, clock))
    _pages, orders = _read(reader, clock)
    assert len(orders) == COUNT
    assert not any(o.buyer_name or o.buyer_email for o in orders)
    shipped = [o for o in orders if o.status is OrderStatus.SHIPPED]
    assert all(
        o.shipping_address.country_code and not o.shipping_address.name for o in shipped
    )
    assert "Direct-to-Consumer Shipping" in reader.pii_denied
    statuses = [r["status"] for r in state.received("orders2026.searchOrders")]
    assert statuses.count(403) == 1  # asked once, then read without buyer data


def test_pii_denied_in_v0_is_reported_once(sandbox, clock, state):
    state.sellers[DEFAULT_SELLER_ID].pii_allowed = False
    reader = OrderReader(_connection(sandbox, clock), api_version="v0")
    _pages, orders = _read(reader, clock)
    assert len(orders) == COUNT and reader.pii_denied
    assert len(state.received("tokens.createRestrictedDataToken")) == 1
    shipped = next(o for o in orders if o.status is OrderStatus.SHIPPED)
    assert shipped.shipping_address.postal_code and not shipped.shipping_address.line1


def test_single_order_fetch(sandbox, clock, state):
    stored = next(
        o
        for o in state.seller_orders(DEFAULT_SELLER_ID)
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
    )
    by_2026 = OrderReader(_connection(sandbox, clock)).get_order(stored["orderId"])
    by_v0 = OrderReader(_connection(sandbox, clock), api_version="v0").get_order(
        stored["orderId"]
    )
    assert by_2026 == by_v0
    assert by_2026.buyer_name and by_2026.shipping_address.line1
    from amazon_sp import NotFound

    with pytest.raises(NotFound) as info:
        OrderReader(_connection(sandbox, clock)).get_order("111-0000000-0000000")
    assert not info.value.account_wide  # this order's problem, not the account's


def test_an_unreadable_order_is_reported_and_the_others_read(sandbox, clock, state):
    stored = state.seller_orders(DEFAULT_SELLER_ID)[3]
    state.update_order(
        DEFAULT_SELLER_ID,
        stored["orderId"],
        lambda o: o["orderItems"][0].update(quantityOrdered=-1),
        last_updated=clock.now() - timedelta(hours=1),
    )
    pages, orders = _read(OrderReader(_connection(sandbox, clock)), clock)
    failed = [f for p in pages for f in p.failed]
    assert [f.order_id for f in failed] == [stored["orderId"]]
    assert "negative" in failed[0].reason
    assert len(orders) == COUNT - 1


@pytest.mark.parametrize(
    "breakage",
    [
        lambda o: o.update(orderItems="not a list"),
        lambda o: o.update(lastUpdatedTime="yesterday"),
        lambda o: o["orderItems"][0].update(quantityOrdered="two"),
        lambda o: o["proceeds"]["grandTotal"].update(amount={"value": 1}),
        lambda o: o.pop("salesChannel"),
        lambda o: o.update(fulfillment=None),
    ],
    ids=["items", "update-time", "quantity", "amount", "channel", "fulfillment"],
)
def test_a_malformed_answer_is_reported_and_the_others_read(
    sandbox, clock, state, breakage
):
    stored = state.seller_orders(DEFAULT_SELLER_ID)[7]
    broken = copy.deepcopy(stored)
    breakage(broken)
    # Served as is, through the control interface, as another process would.
    response = requests.post(
        f"{sandbox.url}/_sandbox/orders/{stored['orderId']}/verbatim",
        json={"seller_id": DEFAULT_SELLER_ID, "order": broken},
        timeout=5,
    )
    assert response.status_code == 200
    pages, orders = _read(OrderReader(_connection(sandbox, clock)), clock)
    failed = [f for p in pages for f in p.failed]
    assert [f.order_id for f in failed] == [stored["orderId"]]
    assert failed[0].reason
    assert len(orders) == COUNT - 1
    assert stored["orderId"] not in {o.order_id for o in orders}


def test_auto_falls_back_to_v0_when_2026_is_not_available(sandbox, clock, state):
    state.sellers[DEFAULT_SELLER_ID].denied_operations.add("orders2026.searchOrders")
    connection = _connection(sandbox, clock)
    reader = OrderReader(connection)
    pages, orders = _read(reader, clock)
    assert len(orders) == COUNT and pages[-1].api_version == "v0"
    assert any("v0" in n for n in reader.notices)


@pytest.mark.parametrize("version", ["2026-01-01", "v0"])
def test_history_windows_filter_on_the_purchase_date(sandbox, clock, state, version):
    after = clock.now() - timedelta(days=20)
    before = clock.now() - timedelta(days=10)
    expected = {
        o["orderId"]
        for o in state.seller_orders(DEFAULT_SELLER_ID)
        if after.strftime("%Y-%m-%dT%H:%M:%SZ")
        <= o["createdTime"]
        <= before.strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    reader = OrderReader(_connection(sandbox, clock), api_version=version, page_size=30)
    pages = list(
        reader.pages(DEFAULT_MARKETPLACES, after=after, before=before, by="created")
    )
    assert pages[0].checkpoint.by == "created"
    assert {o.order_id for p in pages for o in p.orders} == expected
    assert 30 < len(expected) < COUNT
