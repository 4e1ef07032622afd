"""The Reports API client (amazon_sp.reports) against the sandbox's Reports API:
requests, polling, listing, downloads (GZIP, encodings), checked against Amazon's
model; and the flat-file helpers."""

from decimal import Decimal

import pytest
import requests
from spapi_models import (
    load_model,
    validate_definition,
    validate_query,
    validate_response,
)

from amazon_sp import InvalidInput, reports
from amazon_sp.ratelimits import DEFAULT_RATE_LIMITS
from amazon_sp.sandbox import DEFAULT_SELLER_ID, listingsdata
from amazon_sp.sandbox.reports import add_report

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
MODEL = "reports_2021-06-30.json"
LISTINGS = "GET_MERCHANT_LISTINGS_ALL_DATA"


@pytest.fixture
def state(sandbox):
    state = sandbox.state
    items = listingsdata.generate(30, [US, CA], state.clock.now(), seed=3)
    items[0]["itemName"] = "Théière en fonte émaillée – 1,2 l"
    state.listings[DEFAULT_SELLER_ID] = {item["sku"]: item for item in items}
    return state


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


def test_a_report_is_requested_polled_and_read(connection, state, sandbox):
    state.report_settings["polls"] = 2
    report_id = reports.create_report(connection, LISTINGS, [US])
    first = reports.get_report(connection, report_id)
    assert (first.status, first.finished) == ("IN_PROGRESS", False)
    reports.get_report(connection, report_id)
    done = reports.get_report(connection, report_id)
    assert done.done and done.document_id and done.marketplace_ids == (US,)
    document = reports.download_report(connection, done.document_id)
    rows = reports.read_flat_file(document.text)
    assert len(rows) == 30
    assert rows[0]["item-name"] == "Théière en fonte émaillée – 1,2 l"
    assert (document.encoding, document.compressed) == ("utf-8", False)
    assert connection.stats.calls == {
        "reports.createReport": 1,
        "reports.getReport": 3,
        "reports.getReportDocument": 1,
    }
    # What we sent is what Amazon documents; what the sandbox answers too.
    (create,) = state.received("reports.createReport")
    validate_definition(MODEL, "CreateReportSpecification", create["body"])
    headers = _token(sandbox)
    base = f"{sandbox.url}/na/reports/2021-06-30"
    answer = requests.post(f"{base}/reports", json=create["body"], headers=headers)
    assert answer.status_code == 202
    validate_response(MODEL, "/reports/2021-06-30/reports", "post", 202, answer.json())
    answer = requests.get(f"{base}/reports/{report_id}", headers=headers)
    validate_response(
        MODEL, "/reports/2021-06-30/reports/{reportId}", "get", 200, answer.json()
    )
    answer = requests.get(f"{base}/documents/{done.document_id}", headers=headers)
    validate_response(
        MODEL,
        "/reports/2021-06-30/documents/{reportDocumentId}",
        "get",
        200,
        answer.json(),
    )


def test_gzip_documents_are_decompressed(connection, state):
    state.report_settings["compress"] = True
    report = reports.get_report(
        connection, reports.create_report(connection, LISTINGS, [CA])
    )
    stored = state.report_documents[report.document_id]["content"]
    assert stored[:2] == b"\x1f\x8b"  # what Amazon's storage serves is GZIP
    document = reports.download_report(connection, report.document_id)
    assert document.compressed
    assert "Théière en fonte émaillée" in document.text


def test_the_encoding_is_told_to_the_library_never_guessed(connection, state):
    # The document comes as text/plain without a charset: the library alone would
    # decode it as ISO-8859-1 ("ThÃ©iÃ¨re"). Told UTF-8, it reads it right.
    report = reports.get_report(
        connection, reports.create_report(connection, LISTINGS, [US])
    )
    assert state.report_documents[report.document_id]["contentType"] == "text/plain"
    text = reports.download_report(connection, report.document_id, ("utf-8",)).text
    assert "Théière" in text and "Ã" not in text
    # A Windows-1252 document: UTF-8 cannot read it; the next encoding named does,
    # and the record says which one did.
    cp1252 = add_report(
        state,
        DEFAULT_SELLER_ID,
        LISTINGS,
        [US],
        "seller-sku\titem-name\nA\tCafé\n",
        "cp1252",
    )
    document = reports.download_report(
        connection, cp1252["reportDocumentId"], ("utf-8", "cp1252")
    )
    assert (
        document.encoding,
        reports.read_flat_file(document.text)[0]["item-name"],
    ) == (
        "cp1252",
        "Café",
    )
    with pytest.raises(reports.ReportDecodingError, match="utf-8"):
        reports.download_report(connection, cp1252["reportDocumentId"], ("utf-8",))


def test_reports_are_listed_page_by_page(connection, state, sandbox):
    for number in range(5):
        add_report(
            state,
            DEFAULT_SELLER_ID,
            "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
            [US if number % 2 else CA],
            f"settlement-id\n{number}\n",
        )
    reports.create_report(connection, LISTINGS, [US])
    listed = reports.list_reports(
        connection,
        ["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"],
        marketplace_ids=[US, CA],
        statuses=["DONE"],
        page_size=2,
    )
    assert len(listed) == 5 and all(r.done for r in listed)
    assert connection.stats.calls["reports.getReports"] == 3
    calls = state.received("reports.getReports")
    assert calls[0]["query"]["marketplaceIds"] == f"{US},{CA}"
    # The next pages send the token alone, as Amazon requires.
    assert [set(c["query"]) for c in calls[1:]] == [{"nextToken"}] * 2
    for call in calls:
        assert (
            validate_query(MODEL, "/reports/2021-06-30/reports", "get", call["query"])
            == []
        )
    only_us = reports.list_reports(
        connection, ["GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"], marketplace_ids=[US]
    )
    assert len(only_us) == 2
    answer = requests.get(
        f"{sandbox.url}/na/reports/2021-06-30/reports",
        params={"reportTypes": LISTINGS},
        headers=_token(sandbox),
    )
    validate_response(MODEL, "/reports/2021-06-30/reports", "get", 200, answer.json())


def test_a_report_amazon_makes_itself_cannot_be_requested(connection, state):
    with pytest.raises(InvalidInput, match="cannot be requested"):
        reports.create_report(
            connection, "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", [US]
        )


def test_a_marketplace_without_listings_gives_an_empty_report(connection, state):
    state.listings.clear()
    report = reports.get_report(
        connection, reports.create_report(connection, LISTINGS, [US])
    )
    rows = reports.read_flat_file(
        reports.download_report(connection, report.document_id).text
    )
    assert report.done and rows == []


def test_create_report_follows_amazons_usage_plan(connection, state, clock):
    # createReport: a burst of 15, then one call every 60 s (0.0167/s): the 16th
    # waits for its token instead of drawing a 429.
    for _ in range(16):
        reports.create_report(connection, LISTINGS, [US])
    assert connection.stats.throttled == {}
    assert clock.slept == pytest.approx(1 / 0.0167, rel=0.01)


def test_the_sandbox_answers_429_beyond_the_usage_plan(connection, state):
    state.set_rate_limit(DEFAULT_SELLER_ID, "reports.getReport", 0.5, 2)
    report_id = reports.create_report(connection, LISTINGS, [US])
    for _ in range(3):
        reports.get_report(connection, report_id)
    assert connection.stats.throttled == {"reports.getReport": 1}
    assert [r["status"] for r in state.received("reports.getReport")] == [
        200,
        200,
        429,
        200,
    ]


@pytest.mark.parametrize(
    ("operation", "model", "path", "method"),
    [
        ("reports.createReport", MODEL, "/reports/2021-06-30/reports", "post"),
        ("reports.getReports", MODEL, "/reports/2021-06-30/reports", "get"),
        ("reports.getReport", MODEL, "/reports/2021-06-30/reports/{reportId}", "get"),
        (
            "reports.cancelReport",
            MODEL,
            "/reports/2021-06-30/reports/{reportId}",
            "delete",
        ),
        (
            "reports.getReportDocument",
            MODEL,
            "/reports/2021-06-30/documents/{reportDocumentId}",
            "get",
        ),
        (
            "listingsItems.getListingsItem",
            "listingsItems_2021-08-01.json",
            "/listings/2021-08-01/items/{sellerId}/{sku}",
            "get",
        ),
        (
            "listingsItems.patchListingsItem",
            "listingsItems_2021-08-01.json",
            "/listings/2021-08-01/items/{sellerId}/{sku}",
            "patch",
        ),
        (
            "listingsItems.searchListingsItems",
            "listingsItems_2021-08-01.json",
            "/listings/2021-08-01/items/{sellerId}",
            "get",
        ),
        (
            "feeds.createFeed",
            "feeds_2021-06-30.json",
            "/feeds/2021-06-30/feeds",
            "post",
        ),
    ],
)
def test_our_usage_plans_are_amazons(operation, model, path, method):
    description = load_model(model)["paths"][path][method]["description"]
    rate, burst = (
        description.split("| ---- | ---- |")[1].split("\n")[1].strip("| ").split(" | ")
    )
    limit = DEFAULT_RATE_LIMITS[operation]
    assert (limit.rate, limit.burst) == (float(rate), int(burst))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12.99", Decimal("12.99")),
        ("12,99", Decimal("12.99")),
        ("1,234.56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1 234,5", Decimal("1234.5")),
        ("1,234", Decimal("1234")),
        ("-3.10", Decimal("-3.10")),
        ("", None),
    ],
)
def test_amounts_are_read_whatever_the_separators(text, amount):
    assert reports.parse_amount(text) == amount


def test_an_amount_that_is_not_one_is_refused():
    with pytest.raises(InvalidInput):
        reports.parse_amount("12 EUR")


def test_flat_files_are_read_by_header_name():
    text = "\ufeffSeller-SKU\tPrice \n\nA-1\t3.50\nB-2\n"
    assert reports.read_flat_file(text) == [
        {"seller-sku": "A-1", "price": "3.50"},
        {"seller-sku": "B-2", "price": ""},
    ]
    # Quotes are text in Amazon's flat files, not CSV quoting.
    assert reports.read_flat_file('item-name\n"Big" mug\n') == [
        {"item-name": '"Big" mug'}
    ]
