"""The sandbox's JSON_LISTINGS_FEED: messages checked against Amazon's feed schema,
applied message by message, refusals with Amazon's codes, processing reports valid
against Amazon's report schema, FATAL feeds; and what Amazon holds afterwards."""

import json
from decimal import Decimal

import jsonschema
import pytest
import requests
from spapi_models import load_model

from amazon_sp import listings
from amazon_sp.feeds import feed_result_document, feed_status, submit_feed
from amazon_sp.listings_feed import (
    CONTENT_TYPE,
    FEED_TYPE,
    FeedMessage,
    build_feeds,
    listings_feed_report,
    submit_listings_feed,
)
from amazon_sp.orders import Money
from amazon_sp.sandbox import DEFAULT_SELLER_ID, listings_feed, listingsdata

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"


@pytest.fixture
def items(sandbox):
    state = sandbox.state
    now = state.clock.now()
    items = {
        "MUG": listingsdata.new_item(
            "MUG", [US, CA], now, quantity=5, prices={US: 10.0, CA: 13.0}
        ),
        "LAMP": listingsdata.new_item("LAMP", [US], now, quantity=1, prices={US: 30.0}),
        "FBA": listingsdata.new_item("FBA", [US], now, channel="FBA", prices={US: 9.0}),
        "MIN": listingsdata.new_item(
            "MIN", [US], now, quantity=2, prices={US: 20.0}, minimum_prices={US: 15.0}
        ),
    }
    state.listings[DEFAULT_SELLER_ID] = items
    return items


def _report(connection, feed_id):
    status = feed_status(connection, feed_id)
    text = feed_result_document(connection, status.result_document_id)
    jsonschema.Draft7Validator(
        load_model("listings-feed-processing-report-schema-v2.json")
    ).validate(json.loads(text))
    return status, json.loads(text)


def _send(connection, document, marketplaces=(US,)):
    return submit_feed(
        connection,
        FEED_TYPE,
        json.dumps(document).encode(),
        CONTENT_TYPE,
        list(marketplaces),
    )


def _price(amount, currency="USD"):
    return Money(Decimal(amount), currency)


def test_each_message_is_applied_or_refused_with_amazons_code(connection, items):
    messages = [
        FeedMessage("MUG", patches=(listings.quantity_patch(12, 2),), key="mug"),
        FeedMessage("NOPE", patches=(listings.quantity_patch(3),), key="nope"),
        FeedMessage("LAMP", patches=(listings.price_patch(US, _price("31.90")),)),
        FeedMessage("MIN", patches=(listings.price_patch(US, _price("14.00")),)),
        FeedMessage("MUG", "PATCH", "FURNITURE", patches=(listings.quantity_patch(1),)),
    ]
    (feed,) = build_feeds(DEFAULT_SELLER_ID, messages, [US])
    feed_id = submit_listings_feed(connection, feed)
    status, raw = _report(connection, feed_id)
    assert status.status == "DONE"
    assert raw["summary"] == {
        "errors": 3,
        "warnings": 0,
        "messagesProcessed": 5,
        "messagesAccepted": 2,
        "messagesInvalid": 3,
    }
    report = listings_feed_report(connection, status.result_document_id)
    outcomes = {n: report.outcome(n)[0] for n in feed.keys}
    assert outcomes == {
        1: "accepted",
        2: "refused",
        3: "accepted",
        4: "refused",
        5: "refused",
    }
    assert [i.code for n in (2, 4, 5) for i in report.issues_of(n)] == [
        "NOT_FOUND",
        "18155",
        "4000003",
    ]
    # What Amazon holds now: the accepted changes only.
    assert listingsdata.quantity(items["MUG"]) == 12
    assert listingsdata.handling_time(items["MUG"]) == 2
    assert listingsdata.price(items["LAMP"], US) == 31.9
    assert listingsdata.price(items["MIN"], US) == 20.0


def test_messages_that_break_the_schema_are_refused_one_by_one(connection, items):
    document = {
        "header": {"sellerId": DEFAULT_SELLER_ID, "version": "2.0"},
        "messages": [
            {
                "messageId": 1,
                "sku": "MUG",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [listings.quantity_patch(8)],
            },
            {
                "messageId": 2,
                "sku": "LAMP",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "attributes": {"x": 1},
                "patches": [listings.quantity_patch(8)],
            },
            {
                "messageId": 3,
                "sku": "LAMP",
                "operationType": "PATCH",
                "patches": [listings.quantity_patch(9)],
            },
            {"messageId": "4", "sku": "LAMP", "operationType": "DELETE"},
            {
                "messageId": 5,
                "sku": "LAMP",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [
                    {
                        "op": "merge",
                        "path": "/attributes/fulfillment_availability",
                        "value": [
                            {"fulfillment_channel_code": "DEFAULT", "quantity": -2}
                        ],
                    }
                ],
            },
        ],
    }
    status, raw = _report(connection, _send(connection, document))
    codes = {i["messageId"]: i["code"] for i in raw["issues"] if "messageId" in i}
    assert codes == {2: "4002008", 3: "4002008", 5: "4000001"}
    # The message with a string id breaks the schema too, but has no id to quote.
    assert [i["code"] for i in raw["issues"] if "messageId" not in i] == ["4002008"]
    assert raw["summary"]["messagesAccepted"] == 1
    assert listingsdata.quantity(items["MUG"]) == 8
    assert listingsdata.quantity(items["LAMP"]) == 1  # nothing of LAMP applied


def test_merge_keeps_the_other_marketplaces_prices(connection, items):
    messages = [
        FeedMessage("MUG", patches=(listings.price_patch(US, _price("11.00")),))
    ]
    (feed,) = build_feeds(DEFAULT_SELLER_ID, messages, [US, CA])
    _report(connection, submit_listings_feed(connection, feed))
    assert listingsdata.price(items["MUG"], US) == 11.0
    assert listingsdata.price(items["MUG"], CA) == 13.0
    # A plain replace would have dropped Amazon.ca's price: why merge is used.
    document = json.loads(feed.content)
    document["messages"][0]["patches"][0]["op"] = "replace"
    _report(connection, _send(connection, document, [US, CA]))
    assert listingsdata.price(items["MUG"], CA) is None


def test_a_quantity_sent_for_an_fba_listing_makes_it_merchant_fulfilled(
    connection, items
):
    # What Amazon does, and why the connector never sends FBA quantities.
    (feed,) = build_feeds(
        DEFAULT_SELLER_ID,
        [FeedMessage("FBA", patches=(listings.quantity_patch(0),))],
        [US],
    )
    assert listingsdata.channel(items["FBA"]) == "AMAZON_NA"
    _report(connection, submit_listings_feed(connection, feed))
    assert listingsdata.channel(items["FBA"]) == "DEFAULT"


def test_a_feed_asked_to_fail_ends_fatal_and_changes_nothing(
    connection, sandbox, items
):
    requests.post(
        f"{sandbox.url}/_sandbox/listings/fatal", json={"count": 1}, timeout=5
    )
    (feed,) = build_feeds(
        DEFAULT_SELLER_ID,
        [FeedMessage("MUG", patches=(listings.quantity_patch(0),))],
        [US],
    )
    status, raw = _report(connection, submit_listings_feed(connection, feed))
    assert status.status == "FATAL"
    assert raw["issues"] == [
        {
            "code": "4000000",
            "severity": "ERROR",
            "message": "An internal error has occurred. Please try again.",
        }
    ]
    assert listingsdata.quantity(items["MUG"]) == 5
    # Only the next feed: the one after goes through.
    status, _raw = _report(connection, submit_listings_feed(connection, feed))
    assert status.status == "DONE" and listingsdata.quantity(items["MUG"]) == 0


def test_a_document_that_is_not_json_ends_fatal(connection, items):
    feed_id = submit_feed(connection, FEED_TYPE, b"{not json", CONTENT_TYPE, [US])
    status, raw = _report(connection, feed_id)
    assert status.status == "FATAL"
    assert raw["issues"][0]["code"] == "4002001"


def test_a_header_of_another_seller_refuses_the_whole_feed(connection, items):
    document = {
        "header": {"sellerId": "ANOTHERSELLER", "version": "2.0"},
        "messages": [{"messageId": 1, "sku": "MUG", "operationType": "DELETE"}],
    }
    status, raw = _report(connection, _send(connection, document))
    assert status.status == "DONE"
    assert raw["summary"]["messagesProcessed"] == 0
    assert "messageId" not in raw["issues"][0]
    assert "MUG" in items


def test_the_report_lists_the_items_when_asked(connection, items):
    document = {
        "header": {
            "sellerId": DEFAULT_SELLER_ID,
            "version": "2.0",
            "report": {
                "includedData": ["fulfillmentAvailability"],
                "apiVersion": "2021-08-01",
            },
        },
        "messages": [
            {
                "messageId": 1,
                "sku": "LAMP",
                "operationType": "PATCH",
                "productType": "PRODUCT",
                "patches": [listings.quantity_patch(6)],
            },
        ],
    }
    _status, raw = _report(connection, _send(connection, document))
    assert raw["items"] == [
        {
            "sku": "LAMP",
            "fulfillmentAvailability": [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": 6}
            ],
        }
    ]
    assert raw["summary"]["itemSummary"]["items"] == 1


def test_new_listings_and_deletions_go_through_the_same_feed(connection, items):
    messages = [
        FeedMessage(
            "NEW-1",
            "UPDATE",
            "HOME",
            attributes={
                "item_name": [{"value": "New mug", "marketplace_id": US}],
                "fulfillment_availability": [
                    {"fulfillment_channel_code": "DEFAULT", "quantity": 4}
                ],
            },
        ),
        FeedMessage("LAMP", "DELETE"),
    ]
    (feed,) = build_feeds(DEFAULT_SELLER_ID, messages, [US])
    status, raw = _report(connection, submit_listings_feed(connection, feed))
    assert raw["summary"]["messagesAccepted"] == 2
    assert listingsdata.quantity(items["NEW-1"]) == 4 and "LAMP" not in items


# The messages the schema check must judge as Amazon's schema does.
CASES = [
    {"messageId": 1, "sku": "A", "operationType": "DELETE"},
    {"messageId": 1, "sku": "A", "operationType": "DELETE", "productType": "X"},
    {"messageId": 0, "sku": "A", "operationType": "DELETE"},
    {"messageId": 2147483648, "sku": "A", "operationType": "DELETE"},
    {"messageId": True, "sku": "A", "operationType": "DELETE"},
    {"messageId": 1.5, "sku": "A", "operationType": "DELETE"},
    {"messageId": 1, "sku": "", "operationType": "DELETE"},
    {"messageId": 1, "operationType": "DELETE"},
    {"messageId": 1, "sku": "A", "operationType": "MOVE"},
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "patches": [{"op": "merge", "path": "/attributes/x", "value": [{}]}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "patches": [],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "patches": [{"op": "copy", "path": "/attributes/x"}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "patches": [{"op": "merge", "path": "/attributes/x", "value": [1]}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "patches": [{"op": "merge"}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "P",
        "requirements": "LISTING",
        "patches": [{"op": "delete", "path": "/attributes/x"}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PATCH",
        "productType": "",
        "patches": [{"op": "delete", "path": "/attributes/x"}],
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PARTIAL_UPDATE",
        "productType": "P",
        "attributes": {"x": [{}]},
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PARTIAL_UPDATE",
        "productType": "P",
        "attributes": {},
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "PARTIAL_UPDATE",
        "productType": "P",
        "attributes": {"x": 1},
        "requirements": "LISTING",
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "UPDATE",
        "productType": "P",
        "attributes": {"x": 1},
        "requirements": "LISTING_OFFER_ONLY",
    },
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "UPDATE",
        "productType": "P",
        "attributes": {"x": 1},
        "requirements": "OTHER",
    },
    {"messageId": 1, "sku": "A", "operationType": "UPDATE", "attributes": {"x": 1}},
    {
        "messageId": 1,
        "sku": "A",
        "operationType": "UPDATE",
        "productType": "P",
        "attributes": {"x": 1},
        "patches": [{"op": "delete", "path": "/a"}],
    },
    "not a message",
]


@pytest.mark.parametrize("message", CASES)
def test_the_sandbox_judges_messages_as_amazons_schema_does(message, monkeypatch):
    schema = load_model("listings-feed-schema-v2.json")
    expected = jsonschema.Draft7Validator(schema["properties"]["messages"]["items"])
    valid = expected.is_valid(message)
    assert listings_feed.schema_in_use()  # the tests run with the schema at hand
    assert (not listings_feed._message_problems(message)) == valid
    # Without the schema file (or jsonschema), the transcribed rules say the same.
    monkeypatch.setattr(listings_feed, "_schema", lambda: None)
    assert (not listings_feed._message_problems(message)) == valid


def test_what_amazon_holds_is_listed_by_the_control_interface(sandbox, items):
    listed = requests.get(f"{sandbox.url}/_sandbox/listings", timeout=5).json()
    assert listed["listings"]["MUG"]["quantity"] == 5
    assert listed["listings"]["MUG"]["prices"] == {US: 10.0, CA: 13.0}
    assert listed["listings"]["FBA"]["channel"] == "AMAZON_NA"
    assert listed["listings"]["LAMP"]["status"] == {US: "Active"}
