"""Settlement reports and payouts (amazon_sp.settlements, amazon_sp.finances): the V2
flat-file parser on both locale formats, unknown types, a bad total, encodings; the
sandbox's settlements agreeing with its orders, served as GZIP reports and financial
event groups, checked against Amazon's models."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests
from spapi_models import validate_query, validate_response

from amazon_sp import Credentials, SellerConnection, finances, settlements
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    default_state,
)
from amazon_sp.sandbox.generator import generate
from amazon_sp.sandbox.settlementdata import close_settlement

DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"
US = "ATVPDKIKX0DER"
REPORTS = "reports_2021-06-30.json"
FINANCES = "financesV0.json"

HEADER = (
    "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\t"
    "total-amount\tcurrency\ttransaction-type\torder-id\tmerchant-order-id\t"
    "adjustment-id\tshipment-id\tmarketplace-name\tamount-type\tamount-description\t"
    "amount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
    "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\t"
    "promotion-id"
)


def _row(**values):
    columns = HEADER.split("\t")
    return "\t".join(values.get(c.replace("-", "_"), "") for c in columns)


def _file(summary, rows):
    return "\n".join([HEADER, _row(**summary), *(_row(**r) for r in rows)]) + "\n"


GERMAN = _file(
    {
        "settlement_id": "11818147251",
        "settlement_start_date": "13.03.2026 06:21:41 UTC",
        "settlement_end_date": "27.03.2026 06:21:41 UTC",
        "deposit_date": "29.03.2026 06:21:41 UTC",
        "total_amount": "1.166,37",
        "currency": "EUR",
    },
    [
        {
            "settlement_id": "11818147251",
            "transaction_type": "Order",
            "order_id": "302-1234567-1234567",
            "marketplace_name": "Amazon.de",
            "amount_type": "ItemPrice",
            "amount_description": "Principal",
            "amount": "1.008,40",
            "fulfillment_id": "AFN",
            "posted_date": "20.03.2026",
            "sku": "MUG-1",
            "quantity_purchased": "2",
        },
        {
            "transaction_type": "Order",
            "order_id": "302-1234567-1234567",
            "amount_type": "ItemPrice",
            "amount_description": "Tax",
            "amount": "191,60",
            "posted_date": "20.03.2026",
        },
        {
            "transaction_type": "Order",
            "order_id": "302-1234567-1234567",
            "amount_type": "ItemFees",
            "amount_description": "Commission",
            "amount": "-180,00",
        },
        {
            "transaction_type": "Galactic Warehouse Fee",
            "amount_type": "Teleport",
            "amount_description": "Beam-up",
            "amount": "-14,63",
        },
        {
            "transaction_type": "other-transaction",
            "amount_type": "other-transaction",
            "amount_description": "Previous Reserve Amount Balance",
            "amount": "161,00",
        },
    ],
)

AMERICAN = _file(
    {
        "settlement_id": "9876543210",
        "settlement_start_date": "2026-03-13 06:21:41 UTC",
        "settlement_end_date": "2026-03-27T06:21:41+00:00",
        "deposit_date": "2026-03-29",
        "total_amount": "1,234.56",
        "currency": "USD",
    },
    [
        {
            "transaction_type": "Order",
            "order_id": "111-1234567-1234567",
            "amount_type": "ItemPrice",
            "amount_description": "Principal",
            "amount": "1,300.00",
            "posted_date_time": "2026-03-20 10:00:00 UTC",
            "quantity_purchased": "1",
        },
        {
            "transaction_type": "Order",
            "order_id": "111-1234567-1234567",
            "amount_type": "ItemFees",
            "amount_description": "Commission",
            "amount": "-65.44",
        },
    ],
)


# === THE PARSER === #


def test_a_german_file_is_read_with_its_commas_and_dotted_dates():
    settlement = settlements.parse_settlement(GERMAN)
    assert settlement.settlement_id == "11818147251"
    assert (settlement.total, settlement.currency) == (Decimal("1166.37"), "EUR")
    assert settlement.start == datetime(2026, 3, 13, 6, 21, 41, tzinfo=timezone.utc)
    assert settlement.deposit_date.date().isoformat() == "2026-03-29"
    first = settlement.rows[0]
    assert (first.amount, first.quantity, first.sku) == (Decimal("1008.40"), 2, "MUG-1")
    assert first.posted.date().isoformat() == "2026-03-20"
    assert first.line == 3  # the header is line 1, the summary line 2
    assert settlement.marketplace_name == "Amazon.de"
    assert settlement.order_ids() == ("302-1234567-1234567",)
    assert all(isinstance(row.amount, Decimal) for row in settlement.rows)


def test_an_american_file_is_read_with_its_thousands_commas_and_iso_dates():
    settlement = settlements.parse_settlement(AMERICAN)
    assert settlement.total == Decimal("1234.56")
    assert settlement.rows[0].amount == Decimal("1300.00")
    assert settlement.end == datetime(2026, 3, 27, 6, 21, 41, tzinfo=timezone.utc)
    assert settlement.rows[0].posted == datetime(2026, 3, 20, 10, tzinfo=timezone.utc)


def test_unknown_transaction_and_amount_types_are_kept():
    rows = settlements.parse_settlement(GERMAN).rows
    alien = [row for row in rows if row.transaction_type == "Galactic Warehouse Fee"]
    assert [(r.amount_type, r.amount_description, r.amount) for r in alien] == [
        ("Teleport", "Beam-up", Decimal("-14.63"))
    ]
    assert [r for r in rows if r.is_reserve][0].amount == Decimal("161.00")
    assert len(rows) == 5


def test_a_file_whose_rows_do_not_add_up_is_refused():
    cut = GERMAN.replace("-180,00", "-18,00")
    with pytest.raises(settlements.SettlementError, match="does not add up"):
        settlements.parse_settlement(cut)
    # A file cut short (the last rows lost) too.
    with pytest.raises(settlements.SettlementError, match="1166.37"):
        settlements.parse_settlement("\n".join(GERMAN.splitlines()[:-2]))


def test_what_is_not_a_settlement_file_says_so():
    with pytest.raises(settlements.SettlementError, match="columns .* missing"):
        settlements.parse_settlement("sku\tprice\nA\t1\n")
    with pytest.raises(settlements.SettlementError, match="empty"):
        settlements.parse_settlement("")
    with pytest.raises(settlements.SettlementError, match="not an amount"):
        settlements.parse_settlement(GERMAN.replace("191,60", "hundert"))
    with pytest.raises(settlements.SettlementError, match="not a date"):
        settlements.parse_settlement(GERMAN.replace("13.03.2026", "13th of March"))


def test_encodings_are_named_never_guessed():
    text = GERMAN.replace("Beam-up", "Gebühr für Lagerung")
    content = text.encode("cp1252")
    decoded, encoding = settlements.decode_settlement_file(content)
    assert encoding == "cp1252" and "Gebühr" in decoded
    assert settlements.decode_settlement_file(text.encode())[1] == "utf-8"
    import gzip

    assert settlements.decode_settlement_file(gzip.compress(content))[0] == decoded
    with pytest.raises(settlements.SettlementError, match="encodings utf-8"):
        settlements.decode_settlement_file(content, ("utf-8",))


# === THE SANDBOX AND THE CLIENT === #


@pytest.fixture
def eu_sandbox(clock):
    state = default_state(clock=clock, marketplaces=(DE, FR))
    generate(state, DEFAULT_SELLER_ID, 80, seed=5, end=clock.now() - timedelta(days=1))
    with Sandbox(state) as server:
        yield server


@pytest.fixture
def eu_connection(eu_sandbox, clock):
    credentials = Credentials(
        DEFAULT_SELLER_ID,
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        DEFAULT_REFRESH_TOKEN,
    )
    return SellerConnection(
        credentials, "EU", "local", eu_sandbox.url, timeout=5, clock=clock
    )


def _token(sandbox):
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


def _buyer_rows(settlement, order_id):
    return sum(
        (
            row.amount
            for row in settlement.rows
            if row.order_id == order_id
            and row.transaction_type == "Order"
            and row.amount_type in ("ItemPrice", "Promotion", "ItemWithheldTax")
        ),
        Decimal(0),
    )


def test_a_settlement_of_the_sandboxs_orders_is_listed_downloaded_and_read(
    eu_sandbox, eu_connection, clock
):
    state = eu_sandbox.state
    shipped = [
        o
        for o in state.seller_orders(DEFAULT_SELLER_ID)
        if o["salesChannel"]["marketplaceId"] == DE
        and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    ]
    answer = requests.post(
        f"{eu_sandbox.url}/_sandbox/settlements",
        json={
            "seller_id": DEFAULT_SELLER_ID,
            "marketplace_id": DE,
            "refunds": [{"order_id": shipped[0]["orderId"], "quantity": 1}],
            "reserve": "120.00",
            "previous_reserve": "80.00",
            "foreign_orders": 1,
        },
        timeout=5,
    ).json()
    assert answer["orders"] and set(answer["orders"]) == {o["orderId"] for o in shipped}
    # The file is in Amazon.de's locale, and GZIP.
    assert "," in answer["text"].splitlines()[1].split("\t")[4]
    document = state.report_documents[
        state.reports[answer["report_id"]]["reportDocumentId"]
    ]
    assert document["content"][:2] == b"\x1f\x8b"

    listed = settlements.list_settlement_reports(
        eu_connection, [DE, FR], created_since=clock.now() - timedelta(days=120)
    )
    assert [r.report_id for r in listed] == [answer["report_id"]]
    settlement, raw = settlements.fetch_settlement(eu_connection, listed[0])
    assert settlement.settlement_id == answer["settlement_id"]
    assert settlement.total == Decimal(answer["total"]) == settlement.rows_total
    assert settlement.currency == "EUR" and settlement.report_id == answer["report_id"]
    assert raw.decode(settlement.encoding).startswith("settlement-id")
    # What each buyer paid is the order's total in the sandbox.
    for order in shipped:
        assert _buyer_rows(settlement, order["orderId"]) == Decimal(
            order["proceeds"]["grandTotal"]["amount"]
        )
    kinds = {(r.transaction_type, r.amount_description) for r in settlement.rows}
    assert {
        ("Order", "Commission"),
        ("Refund", "Principal"),
        ("Refund", "RefundCommission"),
        ("other-transaction", "Subscription Fee"),
        ("other-transaction", "Storage Fee"),
        ("ServiceFee", "TransactionTotalAmount"),
        ("FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE"),
        ("other-transaction", "Current Reserve Amount"),
        ("other-transaction", "Previous Reserve Amount Balance"),
    } <= kinds
    unknown = set(settlement.order_ids()) - {o["orderId"] for o in shipped}
    assert len(unknown) == 1
    # A second close settles nothing twice.
    again = close_settlement(state, DEFAULT_SELLER_ID, DE, other=False)
    assert again["orders"] == []

    # What we sent and what the sandbox answers are what Amazon documents.
    calls = state.received("reports.getReports")
    assert calls[0]["query"]["marketplaceIds"] == f"{DE},{FR}"
    assert calls[0]["query"]["processingStatuses"] == "DONE"
    assert "createdSince" in calls[0]["query"]
    for call in calls:
        assert (
            validate_query(REPORTS, "/reports/2021-06-30/reports", "get", call["query"])
            == []
        )
    headers = _token(eu_sandbox)
    base = f"{eu_sandbox.url}/eu/reports/2021-06-30"
    body = requests.get(
        f"{base}/reports",
        params={"reportTypes": settlements.SETTLEMENT_REPORT_TYPE},
        headers=headers,
        timeout=5,
    ).json()
    validate_response(REPORTS, "/reports/2021-06-30/reports", "get", 200, body)
    body = requests.get(
        f"{base}/documents/{listed[0].document_id}", headers=headers, timeout=5
    ).json()
    assert body["compressionAlgorithm"] == "GZIP"
    validate_response(
        REPORTS, "/reports/2021-06-30/documents/{reportDocumentId}", "get", 200, body
    )


def test_a_negative_settlement_is_read_as_a_debit(eu_sandbox, eu_connection):
    state = eu_sandbox.state
    result = close_settlement(
        state, DEFAULT_SELLER_ID, FR, order_ids=[], advertising="5000"
    )
    assert Decimal(result["total"]) < 0
    (report,) = settlements.list_settlement_reports(eu_connection, [FR])
    settlement, _raw = settlements.fetch_settlement(eu_connection, report)
    assert settlement.total == Decimal(result["total"])
    assert "-4.9" in result["text"] or "-5.0" in result["text"]  # 1.234,56 grouping


def test_an_american_settlement_withholds_the_facilitator_tax(connection, sandbox):
    state = sandbox.state
    generate(state, DEFAULT_SELLER_ID, 40, seed=2, end=state.clock.now())
    result = close_settlement(state, DEFAULT_SELLER_ID, US, encoding="cp1252")
    (report,) = settlements.list_settlement_reports(connection, [US])
    settlement, _raw = settlements.fetch_settlement(connection, report)
    assert settlement.encoding == "utf-8"  # plain ASCII reads as UTF-8 too
    withheld = [r for r in settlement.rows if r.amount_type == "ItemWithheldTax"]
    assert withheld and all(r.amount < 0 for r in withheld)
    for order_id in result["orders"]:
        order = state.get_order(DEFAULT_SELLER_ID, order_id)
        paid = Decimal(order["proceeds"]["grandTotal"]["amount"])
        without = sum(
            (
                r.amount
                for r in settlement.rows
                if r.order_id == order_id
                and r.transaction_type == "Order"
                and r.amount_type in ("ItemPrice", "Promotion")
            ),
            Decimal(0),
        )
        assert without == paid


# === PAYOUTS === #


def test_payouts_are_listed_page_by_page_and_matched_to_settlements(
    eu_sandbox, eu_connection, clock
):
    state = eu_sandbox.state
    end = clock.now() - timedelta(days=1)
    closed = []
    for number in range(3):
        closed.append(
            close_settlement(
                state,
                DEFAULT_SELLER_ID,
                DE if number % 2 else FR,
                end=end - timedelta(days=14 * (2 - number)),
                seed=number,
            )
        )
    clock.advance(600)
    groups = finances.list_financial_event_groups(
        eu_connection, clock.now() - timedelta(days=90), page_size=2
    )
    assert len(groups) == 3
    assert eu_connection.stats.calls["finances.listFinancialEventGroups"] == 2
    calls = state.received("finances.listFinancialEventGroups")
    for call in calls:
        assert (
            validate_query(
                FINANCES, "/finances/v0/financialEventGroups", "get", call["query"]
            )
            == []
        ), call["query"]
    assert "NextToken" in calls[1]["query"]
    group = groups[0]
    assert group.fund_transfer_status == "Succeeded" and group.trace_id
    assert group.original_total == Decimal(closed[0]["total"])
    assert group.account_tail and group.fund_transfer_date
    # Matched by period, currency and amount.
    for result in closed:
        (report,) = [
            r
            for r in settlements.list_settlement_reports(eu_connection, [DE, FR])
            if r.report_id == result["report_id"]
        ]
        settlement, _raw = settlements.fetch_settlement(eu_connection, report)
        match = finances.match_payout(settlement, groups)
        assert match.group_id == result["group"]["FinancialEventGroupId"]
    # Another amount, or another currency, is another payout.
    settlement = settlements.parse_settlement(GERMAN)
    assert finances.match_payout(settlement, groups) is None
    body = requests.get(
        f"{eu_sandbox.url}/eu/finances/v0/financialEventGroups",
        params={"FinancialEventGroupStartedAfter": "2026-01-01T00:00:00Z"},
        headers=_token(eu_sandbox),
        timeout=5,
    )
    assert body.headers["x-amzn-RateLimit-Limit"] == "0.5"
    validate_response(
        FINANCES, "/finances/v0/financialEventGroups", "get", 200, body.json()
    )


def test_finances_follow_amazons_usage_plan(eu_sandbox, eu_connection, clock):
    # listFinancialEventGroups: a burst of 30, then one call every 2 s (0.5/s).
    start = clock.monotonic()
    for _call in range(31):
        finances.list_financial_event_groups(
            eu_connection, clock.now() - timedelta(days=30)
        )
    assert clock.monotonic() - start == pytest.approx(2.0, abs=0.2)
