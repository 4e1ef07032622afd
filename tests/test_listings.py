"""Listings (amazon_sp.listings, .listings_report, .listings_feed): the feed builder,
the listings report reader, the report-free reader (searchListingsItems), the processing
report parser, and one listing patched; checked against Amazon's schemas and models."""

import json
from decimal import Decimal

import jsonschema
import pytest
import requests
from spapi_models import (
    load_model,
    sandbox_examples,
    validate_definition,
    validate_query,
    validate_response,
)

from amazon_sp import InvalidInput, listings, listings_report, reports
from amazon_sp.listings_feed import (
    ACCEPTED,
    MAX_MESSAGES,
    REFUSED,
    UNKNOWN,
    FeedMessage,
    build_feeds,
    parse_processing_report,
)
from amazon_sp.orders import Money
from amazon_sp.sandbox import DEFAULT_SELLER_ID, listings_rules, listingsdata

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
ITEMS = "listingsItems_2021-08-01.json"
ITEM_PATH = "/listings/2021-08-01/items/{sellerId}/{sku}"
SEARCH_PATH = "/listings/2021-08-01/items/{sellerId}"


def _feed_schema():
    return load_model("listings-feed-schema-v2.json")


def _valid_feed(document):
    jsonschema.Draft7Validator(_feed_schema()).validate(document)


def _stock(sku, quantity, key=None, days=None):
    return FeedMessage(sku, patches=(listings.quantity_patch(quantity, days),), key=key)


# === THE FEED BUILDER === #


def test_feed_messages_follow_amazons_schema_for_every_operation_type():
    price = listings.price_patch("A1PA6795UKMFR9", Money(Decimal("19.99"), "EUR"))
    messages = [
        _stock("SKU-1", 12, key={"offer": 1, "part": "stock"}, days=2),
        FeedMessage("SKU-2", patches=(price,), key={"offer": 2, "part": "price"}),
        FeedMessage(
            "SKU-3",
            "PARTIAL_UPDATE",
            attributes={
                "fulfillment_availability": [
                    {"fulfillment_channel_code": "DEFAULT", "quantity": 0}
                ]
            },
        ),
        FeedMessage(
            "SKU-4",
            "UPDATE",
            "LUGGAGE",
            attributes={"item_name": [{"value": "Bag", "marketplace_id": US}]},
            requirements="LISTING",
        ),
        FeedMessage("SKU-5", "DELETE", key="gone"),
    ]
    (feed,) = build_feeds(
        "A2SELLERID", messages, ["A1PA6795UKMFR9"], issue_locale="de_DE"
    )
    document = json.loads(feed.content)
    _valid_feed(document)
    assert document["header"] == {
        "sellerId": "A2SELLERID",
        "version": "2.0",
        "issueLocale": "de_DE",
    }
    first, second = document["messages"][:2]
    assert first == {
        "messageId": 1,
        "sku": "SKU-1",
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "merge",
                "path": "/attributes/fulfillment_availability",
                "value": [
                    {
                        "fulfillment_channel_code": "DEFAULT",
                        "quantity": 12,
                        "lead_time_to_ship_max_days": 2,
                    }
                ],
            }
        ],
    }
    assert second["patches"][0]["value"] == [
        {
            "marketplace_id": "A1PA6795UKMFR9",
            "currency": "EUR",
            "audience": "ALL",
            "our_price": [{"schedule": [{"value_with_tax": 19.99}]}],
        }
    ]
    assert document["messages"][4] == {
        "messageId": 5,
        "sku": "SKU-5",
        "operationType": "DELETE",
    }
    # Each message's outcome comes back to what it stands for, by message id.
    assert feed.keys == {
        1: {"offer": 1, "part": "stock"},
        2: {"offer": 2, "part": "price"},
        3: None,
        4: None,
        5: "gone",
    }
    assert feed.skus[4] == "SKU-4" and feed.marketplace_ids == ("A1PA6795UKMFR9",)


@pytest.mark.parametrize(
    "message",
    [
        FeedMessage("SKU", "PATCH", attributes={"a": [{}]}),
        FeedMessage("SKU", "PATCH"),
        FeedMessage("SKU", "PARTIAL_UPDATE", patches=({"op": "merge", "path": "/a"},)),
        FeedMessage(
            "SKU", "PARTIAL_UPDATE", attributes={"a": 1}, requirements="LISTING"
        ),
        FeedMessage("SKU", "UPSERT", attributes={"a": 1}),
        FeedMessage(
            "SKU", "PATCH", product_type="", patches=({"op": "merge", "path": "/a"},)
        ),
        FeedMessage("SKU", "PATCH", patches=({"op": "move", "path": "/a"},)),
        FeedMessage("", "DELETE"),
    ],
)
def test_messages_amazons_schema_refuses_are_refused_before_sending(message):
    with pytest.raises(InvalidInput):
        build_feeds("A2SELLERID", [message], [US])


def test_a_feed_holds_up_to_amazons_message_limit_then_another_starts():
    messages = [_stock(f"SKU-{n}", n % 50, key=n) for n in range(MAX_MESSAGES + 1)]
    first, second = build_feeds(DEFAULT_SELLER_ID, messages, [US])
    assert (first.message_count, second.message_count) == (MAX_MESSAGES, 1)
    assert second.keys == {1: MAX_MESSAGES} and second.skus == {
        1: f"SKU-{MAX_MESSAGES}"
    }
    _valid_feed(json.loads(first.content))
    assert len(first.content) < 10 * 1024 * 1024  # 25,000 stock messages ≈ 4 MB
    assert [m["messageId"] for m in json.loads(second.content)["messages"]] == [1]


def test_feeds_are_split_to_stay_under_the_size_limit():
    messages = [_stock(f"SKU-{n:03d}", n, key=n) for n in range(300)]
    size = len(build_feeds(DEFAULT_SELLER_ID, messages[:1], [US])[0].content)
    feeds = build_feeds(DEFAULT_SELLER_ID, messages, [US], max_bytes=size * 100)
    assert len(feeds) > 1
    assert all(len(f.content) <= size * 100 for f in feeds)
    assert [k for f in feeds for k in f.keys.values()] == list(range(300))
    for feed in feeds:
        _valid_feed(json.loads(feed.content))
    with pytest.raises(InvalidInput, match="too large"):
        build_feeds(DEFAULT_SELLER_ID, messages[:1], [US], max_bytes=size - 1)


def test_feeds_are_utf8_json():
    (feed,) = build_feeds("A2SELLERID", [_stock("Tasse-Größe-ß/€", 1)], [US])
    assert "Tasse-Größe-ß/€".encode() in feed.content
    assert json.loads(feed.content.decode("utf-8"))["messages"][0]["sku"] == (
        "Tasse-Größe-ß/€"
    )


@pytest.mark.parametrize("quantity", [-1, 1.5, True, "3"])
def test_a_quantity_must_be_a_count(quantity):
    with pytest.raises(InvalidInput):
        listings.quantity_patch(quantity)


def test_prices_are_sent_exactly_and_above_zero():
    assert listings.json_number(Money(Decimal("1234.56"), "EUR")) == 1234.56
    assert repr(listings.json_number(Money(Decimal("0.10"), "USD"))) == "0.1"
    with pytest.raises(InvalidInput):
        listings.json_number(Money(Decimal("0.12345678901234567"), "USD"))
    with pytest.raises(InvalidInput):
        listings.price_patch(US, Money(Decimal("0"), "USD"))


# === THE PROCESSING REPORT === #

REPORT = {
    "header": {"sellerId": "A2SELLERID", "version": "2.0", "feedId": "123456789"},
    "issues": [
        {
            "messageId": 2,
            "sku": "SKU-002",
            "code": "4000001",
            "severity": "ERROR",
            "message": "The provided value for 'purchasable_offer' is invalid.",
            "attributeName": "purchasable_offer",
        },
        {
            "messageId": 3,
            "code": "99022",
            "severity": "WARNING",
            "message": "A warning only.",
        },
    ],
    "summary": {
        "errors": 1,
        "warnings": 1,
        "messagesProcessed": 3,
        "messagesAccepted": 2,
        "messagesInvalid": 1,
    },
}


def test_the_processing_report_gives_each_message_its_fate():
    jsonschema.Draft7Validator(
        load_model("listings-feed-processing-report-schema-v2.json")
    ).validate(REPORT)
    report = parse_processing_report(json.dumps(REPORT))
    assert (report.feed_id, report.processed, report.accepted, report.invalid) == (
        "123456789",
        3,
        2,
        1,
    )
    assert report.outcome(1) == (ACCEPTED, ())
    outcome, issues = report.outcome(2)
    assert outcome == REFUSED
    assert issues[0].text == (
        "4000001: The provided value for 'purchasable_offer' is invalid."
    )
    assert issues[0].attribute_name == "purchasable_offer"
    outcome, issues = report.outcome(3)
    assert outcome == ACCEPTED and issues[0].severity == "WARNING"


def test_a_feed_level_error_leaves_the_silent_messages_unknown():
    data = dict(REPORT)
    data["issues"] = [
        *REPORT["issues"],
        {
            "code": "4002001",
            "severity": "ERROR",
            "message": "Item 'Feed' cannot be parsed.",
        },
    ]
    report = parse_processing_report(json.dumps(data))
    assert [i.code for i in report.feed_issues] == ["4002001"]
    assert report.outcome(1)[0] == UNKNOWN  # never counted as accepted
    assert report.outcome(2)[0] == REFUSED


@pytest.mark.parametrize("text", ["<html>", "[]", '{"issues": []}', None])
def test_what_is_not_a_processing_report_is_refused(text):
    with pytest.raises(InvalidInput):
        parse_processing_report(text)


# === THE LISTINGS REPORT === #

REPORT_TEXT = (
    "status\tseller-sku\titem-name\tprice\tquantity\tasin1\tproduct-id\t"
    "product-id-type\tfulfillment-channel\n"
    'Active\tMUG-1\tMug, "large"\t12,50\t7\tB01\t4006381333931\t4\tDEFAULT\n'
    "Active\tLAMP-1\tLamp\t30.00\t\tB02\tB02\t1\tAMAZON_EU\n"
    "Incomplete\tCHAIR-1\tChair\t\t0\tB03\t012345678905\t3\tDEFAULT\n"
    "Inactive\tDESK-1\tDesk\t99.00\tmany\tB04\tB04\t1\tDEFAULT\n"
    "Active\tMUG-1\tMug again\t1.00\t1\tB01\tB01\t1\tDEFAULT\n"
    "Inactive\t\tNo SKU\t1.00\t1\tB05\tB05\t1\tDEFAULT\n"
)


def test_the_listings_report_is_read_by_header_and_bad_rows_are_set_aside():
    report = listings_report.parse_listings_report(REPORT_TEXT, "A1PA6795UKMFR9", "EUR")
    mug, lamp, chair = report.listings
    assert mug == listings.Listing(
        sku="MUG-1",
        marketplace_id="A1PA6795UKMFR9",
        asin="B01",
        title='Mug, "large"',
        fulfillment="fbm",
        quantity=7,
        price=Money(Decimal("12.50"), "EUR"),
        status="active",
        barcode="4006381333931",
        barcode_type="EAN",
    )
    assert (lamp.fulfillment, lamp.quantity, lamp.barcode) == ("fba", None, "")
    assert (chair.status, chair.price, chair.barcode_type) == (
        "incomplete",
        None,
        "UPC",
    )
    assert report.skipped == (
        (5, "SKU DESK-1: the quantity 'many' is not a count."),
        (6, "SKU MUG-1 is listed twice."),
        (7, "The row has no seller-sku."),
    )


def test_a_report_without_skus_is_refused_with_its_columns():
    with pytest.raises(InvalidInput, match="columns are: sku, price"):
        listings_report.parse_listings_report("sku\tprice\nA\t1\n", US, "USD")


def test_the_listings_report_of_the_sandbox_is_read_in_a_few_calls(connection, sandbox):
    state = sandbox.state
    items = listingsdata.generate(120, [US, CA], state.clock.now(), seed=5)
    state.listings[DEFAULT_SELLER_ID] = {item["sku"]: item for item in items}
    report = listings_report.request_listings_report(connection, US)
    done = reports.get_report(connection, report)
    read = listings_report.read_listings_report(connection, done, "USD", ("utf-8",))
    assert len(read.listings) == 120 and read.skipped == ()
    by_sku = {listing.sku: listing for listing in read.listings}
    for item in items:
        listing = by_sku[item["sku"]]
        assert listing.fulfillment == (
            "fbm" if listingsdata.channel(item) == "DEFAULT" else "fba"
        )
        assert listing.price.amount == Decimal(f"{listingsdata.price(item, US):.2f}")
        assert listing.barcode == item["barcode"]
        if listing.fulfillment == "fbm":
            assert listing.quantity == listingsdata.quantity(item)
    assert connection.stats.snapshot()["total_calls"] == 3


# === THE LISTINGS ITEMS API === #


def test_amazons_own_listings_item_example_is_read():
    ((_request, example),) = sandbox_examples(ITEMS, ITEM_PATH, "get")
    us = listings.parse_listings_item(example, "ATVPDKIKX0DER")
    assert (us.sku, us.asin, us.title, us.status) == (
        "GM-ZDPI-9B4E",
        "B071VG5N9D",
        "Hardside Carry-On Spinner Suitcase Luggage",
        "active",
    )
    assert (us.quantity, us.price, us.product_type) == (
        100,
        Money(Decimal("100.00"), "USD"),
        "LUGGAGE",
    )
    assert [i.code for i in us.issues] == ["90220", "18027", "99300", "18155", "18742"]
    ca = listings.parse_listings_item(example, "A2EUQ1WTGCTBG2")
    assert ca.price == Money(Decimal("130.00"), "CAD")
    assert ca.status == "incomplete"  # not buyable, with errors
    assert [i.code for i in ca.issues] == ["18027", "99300"]


@pytest.fixture
def seller_listings(sandbox):
    state = sandbox.state
    items = listingsdata.generate(1030, [US], state.clock.now(), seed=9)
    items[3]["issues"] = [
        listings_rules.issue("90220", "'size' is required but not supplied.", "size")
    ]
    state.listings[DEFAULT_SELLER_ID] = {item["sku"]: item for item in items}
    return items


def test_searching_listings_pages_and_stops_at_amazons_limit(
    connection, seller_listings
):
    result = listings.search_listings(connection, DEFAULT_SELLER_ID, US)
    assert (result.total, len(result.listings), result.truncated) == (1030, 1000, True)
    assert connection.stats.calls == {"listingsItems.searchListingsItems": 50}
    assert len({listing.sku for listing in result.listings}) == 1000


def test_searching_a_few_skus_and_the_listings_with_issues(
    connection, sandbox, seller_listings
):
    skus = [item["sku"] for item in seller_listings[:45]]
    found = listings.search_listings(connection, DEFAULT_SELLER_ID, US, skus=skus)
    assert {listing.sku for listing in found.listings} == set(skus)
    assert not found.truncated
    assert connection.stats.calls == {
        "listingsItems.searchListingsItems": 3
    }  # 20 a call
    with_issues = listings.search_listings(
        connection, DEFAULT_SELLER_ID, US, with_issue_severity=["ERROR", "WARNING"]
    )
    (listing,) = with_issues.listings
    assert listing.sku == seller_listings[3]["sku"]
    assert listing.status == "incomplete"
    assert listing.issues[0].text == "90220: 'size' is required but not supplied."
    state = sandbox.state
    for request in state.received("listingsItems.searchListingsItems"):
        assert validate_query(ITEMS, SEARCH_PATH, "get", request["query"]) == []
        assert "," not in request["query"]["marketplaceIds"]
    token = _token(sandbox)
    answer = requests.get(
        f"{sandbox.url}/na/listings/2021-08-01/items/{DEFAULT_SELLER_ID}",
        params={
            "marketplaceIds": US,
            "includedData": "summaries,offers,fulfillmentAvailability,issues",
            "pageSize": 20,
        },
        headers=token,
        timeout=5,
    )
    validate_response(ITEMS, SEARCH_PATH, "get", 200, answer.json())


def test_one_listing_is_read_and_patched(connection, sandbox, seller_listings):
    state = sandbox.state
    item = next(i for i in seller_listings if listingsdata.channel(i) == "DEFAULT")
    sku = item["sku"]
    patches = [
        listings.quantity_patch(4, 3),
        listings.price_patch(US, Money(Decimal("21.50"), "USD")),
    ]
    submission = listings.patch_listing(
        connection, DEFAULT_SELLER_ID, sku, [US], patches
    )
    assert submission.accepted and submission.status == "ACCEPTED"
    listing = listings.get_listing(connection, DEFAULT_SELLER_ID, sku, US)
    assert (listing.quantity, listing.price) == (4, Money(Decimal("21.50"), "USD"))
    assert listingsdata.handling_time(state.listings[DEFAULT_SELLER_ID][sku]) == 3
    (patch,) = state.received("listingsItems.patchListingsItem")
    validate_definition(ITEMS, "ListingsItemPatchRequest", patch["body"])
    assert validate_query(ITEMS, ITEM_PATH, "patch", patch["query"]) == []
    assert (
        listings.get_listing(connection, DEFAULT_SELLER_ID, "NO-SUCH-SKU", US) is None
    )
    refused = listings.patch_listing(
        connection, DEFAULT_SELLER_ID, "NO-SUCH-SKU", [US], patches
    )
    assert not refused.accepted and refused.issues[0].code == "NOT_FOUND"
    headers = _token(sandbox)
    url = f"{sandbox.url}/na/listings/2021-08-01/items/{DEFAULT_SELLER_ID}/{sku}"
    answer = requests.patch(
        url,
        params={"marketplaceIds": US},
        json=patch["body"],
        headers=headers,
        timeout=5,
    )
    validate_response(ITEMS, ITEM_PATH, "patch", 200, answer.json())
    answer = requests.get(
        url,
        params={
            "marketplaceIds": US,
            "includedData": ",".join(listings.SEARCH_INCLUDED),
        },
        headers=headers,
        timeout=5,
    )
    validate_response(ITEMS, ITEM_PATH, "get", 200, answer.json())
    missing = requests.get(
        url + "-nope", params={"marketplaceIds": US}, headers=headers, timeout=5
    )
    assert missing.status_code == 404
    validate_response(ITEMS, ITEM_PATH, "get", 404, missing.json())


def test_skus_with_slashes_and_spaces_reach_the_right_listing(connection, sandbox):
    state = sandbox.state
    item = listingsdata.new_item("BOX 1/2 #a+b", [US], state.clock.now(), quantity=1)
    state.listings[DEFAULT_SELLER_ID] = {item["sku"]: item}
    submission = listings.patch_listing(
        connection,
        DEFAULT_SELLER_ID,
        "BOX 1/2 #a+b",
        [US],
        [listings.quantity_patch(9)],
    )
    assert submission.accepted
    assert listingsdata.quantity(item) == 9


def test_a_price_under_the_minimum_is_refused_with_amazons_issue(connection, sandbox):
    state = sandbox.state
    item = listingsdata.new_item(
        "MIN-1",
        [US],
        state.clock.now(),
        quantity=1,
        prices={US: 20.0},
        minimum_prices={US: 15.0},
    )
    state.listings[DEFAULT_SELLER_ID] = {"MIN-1": item}
    submission = listings.patch_listing(
        connection,
        DEFAULT_SELLER_ID,
        "MIN-1",
        [US],
        [listings.price_patch(US, Money(Decimal("14.99"), "USD"))],
    )
    assert submission.status == "INVALID"
    assert submission.issues[0].code == "18155"
    assert listingsdata.price(item, US) == 20.0  # unchanged


def _token(sandbox):
    from amazon_sp.sandbox import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
    )

    response = requests.post(
        f"{sandbox.url}/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": DEFAULT_REFRESH_TOKEN,
        },
        timeout=5,
    )
    return {"x-amz-access-token": response.json()["access_token"]}
