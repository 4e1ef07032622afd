"""EU VAT invoice upload (amazon_sp.vat_invoices) against the sandbox over HTTP: the
metadata Amazon requires, the PDF, the processing report, refusals; requests and
answers checked against Amazon's Feeds model."""

from decimal import Decimal

import pytest
from spapi_models import validate_definition, validate_response

from amazon_sp import Credentials, InvalidInput, SellerConnection
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)
from amazon_sp.sandbox.generator import generate
from amazon_sp.vat_invoices import (
    invoice_metadata,
    parse_upload_report,
    upload_invoice,
    upload_result,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FEEDS = "feeds_2021-06-30.json"


@pytest.fixture
def state(clock):
    state = default_state(clock=clock)
    generate(state, DEFAULT_SELLER_ID, 80, seed=3)
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


def _order(state, status):
    return next(
        o
        for o in state.seller_orders(DEFAULT_SELLER_ID)
        if o["fulfillment"]["fulfillmentStatus"] == status
    )


def _totals(order):
    total = Decimal(order["proceeds"]["grandTotal"]["amount"])
    vat = sum(
        Decimal(b["subtotal"]["amount"])
        for item in order["orderItems"]
        for b in item["proceeds"]["breakdowns"]
        if b["type"] == "TAX"
    )
    return total, vat


def _upload(connection, order, pdf=PDF, **kwargs):
    total, vat = _totals(order)
    values = {
        "invoice_number": "INV/2026/00001",
        "total_amount": total,
        "total_vat_amount": vat,
        "order_id": order["orderId"],
        **kwargs,
    }
    metadata = invoice_metadata(**values)
    feed_id = upload_invoice(
        connection, order["salesChannel"]["marketplaceId"], pdf, metadata
    )
    return upload_result(connection, feed_id)


def test_metadata_has_amazons_keys_and_string_amounts():
    metadata = invoice_metadata(
        "INV/2026/0042", Decimal("119"), Decimal("19.0"), order_id="302-1-2"
    )
    assert metadata == {
        "metadata:orderid": "302-1-2",
        "metadata:invoicenumber": "INV/2026/0042",
        "metadata:documenttype": "Invoice",
        "metadata:totalamount": "119.00",
        "metadata:totalvatamount": "19.00",
    }
    credit = invoice_metadata(
        "RINV/2026/0001",
        Decimal("-19.99"),
        Decimal("-3.19"),
        shipping_id="DdBzNc4Gq",
        document_type="CreditNote",
        transaction_id="amzn:crow:abc123",
    )
    assert credit["metadata:totalamount"] == "19.99"
    assert credit["metadata:documenttype"] == "CreditNote"
    body = {
        "feedType": "UPLOAD_VAT_INVOICE",
        "marketplaceIds": ["A1PA6795UKMFR9"],
        "inputFeedDocumentId": "amzn1.tortuga.4.eu.x",
        "feedOptions": credit,
    }
    validate_definition(FEEDS, "CreateFeedSpecification", body)


@pytest.mark.parametrize(
    "values",
    [
        {"invoice_number": ""},
        {"order_id": None},
        {"document_type": "Receipt"},
        {"invoice_number": "INV<2026>"},
    ],
)
def test_metadata_amazon_would_refuse_is_refused_before_sending(values):
    arguments = {
        "invoice_number": "INV/1",
        "total_amount": 1,
        "total_vat_amount": 0,
        "order_id": "1",
        **values,
    }
    with pytest.raises(InvalidInput):
        invoice_metadata(**arguments)


def test_an_invoice_with_amazons_totals_is_accepted(connection, state):
    order = _order(state, "SHIPPED")
    result = _upload(connection, order)
    assert result.finished and result.accepted, result.text
    (create,) = state.received("feeds.createFeed")
    validate_definition(FEEDS, "CreateFeedSpecification", create["body"])
    assert create["body"]["feedType"] == "UPLOAD_VAT_INVOICE"
    assert create["body"]["marketplaceIds"] == [order["salesChannel"]["marketplaceId"]]
    assert create["body"]["feedOptions"]["metadata:orderid"] == order["orderId"]
    (document,) = state.received("feeds.createFeedDocument")
    assert document["body"]["contentType"] == "application/pdf"
    (feed,) = state.feeds.values()
    assert feed["input"] == PDF
    validate_response(
        FEEDS,
        "/feeds/2021-06-30/feeds/{feedId}",
        "get",
        200,
        {k: v for k, v in feed.items() if k not in ("seller_id", "input", "options")},
    )
    # The same invoice number again is refused.
    again = _upload(connection, order)
    assert not again.accepted
    assert again.errors[0][0] == "79526"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"pdf": b"<html>not a pdf</html>"}, "79503"),
        ({"total_amount": Decimal("0.01")}, "79533"),
        ({"order_id": "404-0000000-0000000"}, "79517"),
    ],
)
def test_bad_uploads_are_refused_with_amazons_messages(connection, state, change, code):
    order = _order(state, "SHIPPED")
    if "pdf" in change:
        # A document that is not a PDF reaches Amazon only if sent by hand.
        from amazon_sp import feeds

        total, vat = _totals(order)
        feed_id = feeds.submit_feed(
            connection,
            "UPLOAD_VAT_INVOICE",
            change["pdf"],
            "application/pdf",
            [order["salesChannel"]["marketplaceId"]],
            invoice_metadata("INV/1", total, vat, order_id=order["orderId"]),
        )
        result = upload_result(connection, feed_id)
    else:
        result = _upload(connection, order, **change)
    assert result.finished and not result.accepted
    assert result.errors[0][0] == code, result.text
    assert result.message


def test_an_unshipped_order_cannot_be_invoiced_yet(connection, state):
    result = _upload(connection, _order(state, "UNSHIPPED"))
    assert not result.accepted
    assert "has not shipped" in result.message


def test_a_credit_note_up_to_what_was_invoiced(connection, state):
    order = _order(state, "SHIPPED")
    assert _upload(connection, order).accepted
    total, vat = _totals(order)
    credit = _upload(
        connection,
        order,
        invoice_number="RINV/2026/00001",
        document_type="CreditNote",
        total_amount=total,
        total_vat_amount=vat,
    )
    assert credit.accepted, credit.text
    beyond = _upload(
        connection,
        order,
        invoice_number="RINV/2026/00002",
        document_type="CreditNote",
        total_amount=Decimal("1.00"),
        total_vat_amount=0,
    )
    assert not beyond.accepted
    assert beyond.errors[0][0] == "79534"


def test_not_a_pdf_is_refused_before_sending(connection, state):
    order = _order(state, "SHIPPED")
    with pytest.raises(InvalidInput):
        upload_invoice(connection, "A1PA6795UKMFR9", b"<html/>", {"a": "b"})
    assert not state.received("feeds.createFeedDocument")
    assert order


def test_report_parser_reads_amazons_summary():
    text = (
        "Feed Processing Summary:\n\tNumber of records processed\t\t1\n"
        "\tNumber of records successful\t\t0\n\n"
        "original-record-number\tsku\terror-code\terror-type\terror-message\n"
        "1\t\t79525\tError\tAmazon will generate invoice for shipmentId X\n"
    )
    result = parse_upload_report(text)
    assert not result.accepted
    assert result.errors == (
        ("79525", "Amazon will generate invoice for shipmentId X"),
    )
