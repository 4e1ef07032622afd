"""Shipments, feeds and FBA stock (amazon_sp.shipments, .feeds, .inventory), over
HTTP, checked against the sandbox and Amazon's models."""

from datetime import datetime, timezone

import pytest
import requests
from spapi_models import validate_definition, validate_query, validate_response

from amazon_sp import Credentials, InvalidInput, SellerConnection
from amazon_sp.feeds import (
    feed_report,
    feed_result_document,
    feed_status,
    order_cancellation_feed,
    submit_feed,
)
from amazon_sp.inventory import fba_inventory
from amazon_sp.reader import OrderReader
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)
from amazon_sp.sandbox.faults import Fault
from amazon_sp.sandbox.generator import generate
from amazon_sp.shipments import Package, confirm_shipment

US = "ATVPDKIKX0DER"
CONFIRM = "/orders/v0/orders/{orderId}/shipmentConfirmation"
SHIP_DATE = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def state(clock):
    state = default_state(clock=clock)
    generate(state, DEFAULT_SELLER_ID, 120, seed=8)
    return state


@pytest.fixture
def sandbox(state):
    with Sandbox(state) as server:
        yield server


@pytest.fixture
def connection(sandbox, clock):
    credentials = Credentials(
        DEFAULT_SELLER_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
    )
    return SellerConnection(
        credentials, "NA", "local", sandbox.url, clock=clock, max_wait=1e5
    )


def _unshipped(state, quantity=1):
    return next(
        o
        for o in state.seller_orders(DEFAULT_SELLER_ID)
        if o["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
        and o["fulfillment"]["fulfilledBy"] == "MERCHANT"
        and o["salesChannel"]["marketplaceId"] == US
        and o["orderItems"][0]["quantityOrdered"] >= quantity
    )


def _package(order, quantity=None, reference="1", **kwargs):
    item = order["orderItems"][0]
    values = {
        "reference_id": reference,
        "carrier_code": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "ship_date": SHIP_DATE,
        "items": ((item["orderItemId"], quantity or item["quantityOrdered"]),),
        "shipping_method": "UPS Ground",
    }
    return Package(**{**values, **kwargs})


def test_confirm_shipment_sends_what_amazon_documents(connection, state):
    order = _unshipped(state)
    confirm_shipment(connection, order["orderId"], US, _package(order))
    (request,) = state.received("ordersV0.confirmShipment")
    assert request["status"] == 204
    validate_definition("ordersV0.json", "ConfirmShipmentRequest", request["body"])
    assert request["body"]["packageDetail"] == {
        "packageReferenceId": "1",
        "carrierCode": "UPS",
        "trackingNumber": "1Z999AA10123456784",
        "shipDate": "2026-11-20T09:30:00Z",
        "shippingMethod": "UPS Ground",
        "orderItems": [
            {"orderItemId": order["orderItems"][0]["orderItemId"], "quantity": 1}
        ],
    }
    assert (
        request["path"] == f"/orders/v0/orders/{order['orderId']}/shipmentConfirmation"
    )


def test_partial_shipments_and_resent_packages(connection, state):
    order = _unshipped(state, quantity=2)
    item = order["orderItems"][0]
    quantity = item["quantityOrdered"]
    confirm_shipment(connection, order["orderId"], US, _package(order, 1, "1"))
    stored = state.get_order(DEFAULT_SELLER_ID, order["orderId"])
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    # The same package again: an update, not a second shipment.
    confirm_shipment(
        connection, order["orderId"], US, _package(order, 1, "1", tracking_number="NEW")
    )
    assert item["fulfillment"]["quantityFulfilled"] == 1
    rest = ((i["orderItemId"], i["quantityOrdered"]) for i in stored["orderItems"])
    rest = tuple((i, q - 1 if i == item["orderItemId"] else q) for i, q in rest)
    confirm_shipment(
        connection, order["orderId"], US, _package(order, reference="2", items=rest)
    )
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert stored["packages"][0]["trackingNumber"] == "NEW"
    # Read back: the reader sees it shipped.
    parsed = OrderReader(connection).get_order(order["orderId"])
    assert parsed.status.value == "shipped"
    assert parsed.items[0].quantity_shipped == quantity


def test_amazon_refuses_what_breaks_its_rules(connection, state):
    order = _unshipped(state)
    with pytest.raises(InvalidInput, match="positive number"):
        confirm_shipment(
            connection, order["orderId"], US, _package(order, reference="PKG-1")
        )
    with pytest.raises(InvalidInput, match="carrier's name"):
        confirm_shipment(
            connection, order["orderId"], US, _package(order, carrier_code="Other")
        )
    with pytest.raises(InvalidInput, match="left to ship"):
        confirm_shipment(connection, order["orderId"], US, _package(order, quantity=99))
    assert all(r["status"] == 400 for r in state.received("ordersV0.confirmShipment"))


def test_cancellation_feed_cancels_what_it_lists(connection, state, sandbox):
    whole = _unshipped(state)
    rows = [
        (whole["orderId"], i["orderItemId"], "NoInventory") for i in whole["orderItems"]
    ]
    rows.append(("111-0000000-0000000", "1", "NoInventory"))  # unknown to Amazon
    content = order_cancellation_feed(rows)
    assert content.decode().splitlines()[0] == (
        "order-id\tcancellation-reason-code\tamazon-order-item-code"
    )
    feed_id = submit_feed(
        connection,
        "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
        content,
        "text/tab-separated-values; charset=UTF-8",
        [US],
    )
    (create,) = state.received("feeds.createFeed")
    validate_definition(
        "feeds_2021-06-30.json", "CreateFeedSpecification", create["body"]
    )
    assert "path" not in create["body"]  # the library's stray key is not sent
    document = state.received("feeds.createFeedDocument")[0]
    validate_definition(
        "feeds_2021-06-30.json", "CreateFeedDocumentSpecification", document["body"]
    )
    status = feed_status(connection, feed_id)
    assert status.finished and status.status == "DONE"
    report = feed_report(connection, status.result_document_id)
    assert (report.processed, report.successful) == (len(rows), len(rows) - 1)
    assert report.errors[0][0] == "111-0000000-0000000"
    stored = state.get_order(DEFAULT_SELLER_ID, whole["orderId"])
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    execution = stored["orderItems"][0]["cancellation"]["cancellationExecution"]
    assert execution == {"cancelledBy": "MERCHANT", "cancelReason": "NoInventory"}
    feeds = requests.get(f"{sandbox.url}/_sandbox/feeds", timeout=5).json()["feeds"]
    assert feeds[0]["content"] == content.decode()
    with pytest.raises(InvalidInput):
        order_cancellation_feed([(whole["orderId"], "1", "BecauseISaidSo")])


def test_any_feed_takes_text_or_bytes_and_feed_options(connection, state):
    text = '{"header": {"sellerId": "%s"}, "messages": [], "note": "café"}' % (
        DEFAULT_SELLER_ID
    )
    json_feed = submit_feed(
        connection,
        "JSON_LISTINGS_FEED",
        text,
        "application/json; charset=UTF-8",
        [US],
    )
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    options = {
        "metadata:orderid": "111-0000000-0000000",
        "metadata:documenttype": "Invoice",
    }
    invoice_feed = submit_feed(
        connection, "UPLOAD_VAT_INVOICE", pdf, "application/pdf", [US], options
    )
    json_create, invoice_create = state.received("feeds.createFeed")
    for create in (json_create, invoice_create):
        validate_definition(
            "feeds_2021-06-30.json", "CreateFeedSpecification", create["body"]
        )
    assert "feedOptions" not in json_create["body"]
    assert invoice_create["body"]["feedOptions"] == options
    documents = state.feed_documents
    uploaded = {feed["feedId"]: feed["input"] for feed in state.feeds.values()}
    assert uploaded[json_feed] == text.encode("utf-8")  # UTF-8, not ISO-8859-1
    assert uploaded[invoice_feed] == pdf
    assert [d["contentType"] for d in list(documents.values())[:2]] == [
        "application/json; charset=UTF-8",
        "application/pdf",
    ]
    status = feed_status(connection, invoice_feed)
    assert status.status == "DONE"
    report = feed_result_document(connection, status.result_document_id)
    assert "Number of records processed" in report


def _access_token(sandbox):
    data = {
        "grant_type": "refresh_token",
        "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET,
        "refresh_token": DEFAULT_REFRESH_TOKEN,
    }
    response = requests.post(f"{sandbox.url}/auth/o2/token", data=data, timeout=5)
    return response.json()["access_token"]


def test_feed_responses_validate_against_the_model(sandbox, connection, state):
    feed_id = submit_feed(
        connection,
        "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
        order_cancellation_feed([]),
        "text/tab-separated-values",
        [US],
    )
    # What our client sent is what Amazon documents...
    (document_request,) = state.received("feeds.createFeedDocument")
    validate_definition(
        "feeds_2021-06-30.json",
        "CreateFeedDocumentSpecification",
        document_request["body"],
    )
    (feed_request,) = state.received("feeds.createFeed")
    validate_definition(
        "feeds_2021-06-30.json", "CreateFeedSpecification", feed_request["body"]
    )
    # ...and so is what the sandbox answers, status included.
    token = _access_token(sandbox)
    headers = {"x-amz-access-token": token}
    created = requests.post(
        f"{sandbox.url}/na/feeds/2021-06-30/documents",
        json=document_request["body"],
        headers=headers,
        timeout=5,
    )
    assert created.status_code == 201
    validate_response(
        "feeds_2021-06-30.json",
        "/feeds/2021-06-30/documents",
        "post",
        201,
        created.json(),
    )
    upload = requests.put(created.json()["url"], data=b"", timeout=5)
    assert upload.status_code == 200
    queued = requests.post(
        f"{sandbox.url}/na/feeds/2021-06-30/feeds",
        json={
            **feed_request["body"],
            "inputFeedDocumentId": created.json()["feedDocumentId"],
        },
        headers=headers,
        timeout=5,
    )
    assert queued.status_code == 202
    validate_response(
        "feeds_2021-06-30.json", "/feeds/2021-06-30/feeds", "post", 202, queued.json()
    )
    feed = requests.get(
        f"{sandbox.url}/na/feeds/2021-06-30/feeds/{feed_id}", headers=headers, timeout=5
    )
    validate_response(
        "feeds_2021-06-30.json",
        "/feeds/2021-06-30/feeds/{feedId}",
        "get",
        200,
        feed.json(),
    )
    document = requests.get(
        f"{sandbox.url}/na/feeds/2021-06-30/documents/{feed.json()['resultFeedDocumentId']}",
        headers=headers,
        timeout=5,
    )
    assert document.status_code == 200
    validate_response(
        "feeds_2021-06-30.json",
        "/feeds/2021-06-30/documents/{feedDocumentId}",
        "get",
        200,
        document.json(),
    )


def test_fba_inventory_pages_and_validates(connection, state, sandbox):
    state.inventory[DEFAULT_SELLER_ID] = {
        US: {
            f"SKU-{n:04d}": {
                "fulfillable": n,
                "reserved": 1,
                "unfulfillable": 2,
                "inbound": 5,
            }
            for n in range(1, 121)
        }
    }
    summaries = fba_inventory(connection, US)
    assert len(summaries) == 120
    assert connection.stats.calls == {
        "fbaInventory.getInventorySummaries": 3
    }  # 50 a page
    first = summaries[0]
    counts = (first.fulfillable, first.on_hand, first.inbound, first.total)
    assert (first.sku, *counts) == ("SKU-0001", 1, 4, 5, 9)
    for request in state.received("fbaInventory.getInventorySummaries"):
        assert request["query"]["granularityType"] == "Marketplace"
        assert request["query"]["marketplaceIds"] == US
        unknown = validate_query(
            "fbaInventory.json", "/fba/inventory/v1/summaries", "get", request["query"]
        )
        assert unknown == []
    token = _access_token(sandbox)
    response = requests.get(
        f"{sandbox.url}/na/fba/inventory/v1/summaries",
        params={
            "details": "true",
            "granularityType": "Marketplace",
            "granularityId": US,
            "marketplaceIds": US,
        },
        headers={"x-amz-access-token": token},
        timeout=5,
    )  # fmt: skip
    validate_response(
        "fbaInventory.json", "/fba/inventory/v1/summaries", "get", 200, response.json()
    )


def test_throttled_confirmation_is_retried(connection, state):
    order = _unshipped(state)
    state.faults.add(Fault("throttle", "ordersV0.confirmShipment", count=2))
    confirm_shipment(connection, order["orderId"], US, _package(order))
    assert connection.stats.throttled == {"ordersV0.confirmShipment": 2}
    assert [r["status"] for r in state.received("ordersV0.confirmShipment")] == [
        429,
        429,
        204,
    ]
