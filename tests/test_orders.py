"""Orders into AmazonOrder records: Amazon's examples, both versions, bad data."""

import copy
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from spapi_models import load_model, sandbox_examples, validate_definition

from amazon_sp.orders import (
    AmazonOrder,
    Fulfillment,
    Money,
    OrderDataError,
    OrderStatus,
    split_discount_tax,
)
from amazon_sp.orders_2026 import parse_order_2026
from amazon_sp.orders_v0 import parse_order_v0
from amazon_sp.sandbox import default_state
from amazon_sp.sandbox.generator import OrderGenerator
from amazon_sp.sandbox.orderdata import (
    ALL_INCLUDED_DATA,
    render_2026,
    render_v0_items,
    render_v0_order,
)

SEARCH = "/orders/2026-01-01/orders"
GET_2026 = "/orders/2026-01-01/orders/{orderId}"
GET_ORDERS = "/orders/v0/orders"
V0_ORDER = "/orders/v0/orders/{orderId}"
V0_ITEMS = "/orders/v0/orders/{orderId}/orderItems"


def _examples_2026():
    orders = []
    for _request, response in sandbox_examples("orders_2026-01-01.json", SEARCH, "get"):
        orders.extend(response["orders"])
    for _request, response in sandbox_examples(
        "orders_2026-01-01.json", GET_2026, "get"
    ):
        orders.append(response["order"])
    return orders


def test_every_amazon_2026_example_parses():
    orders = [parse_order_2026(o) for o in _examples_2026()]
    assert len(orders) == 6
    for order in orders:
        assert isinstance(order, AmazonOrder)
        assert order.purchase_date.tzinfo is timezone.utc
        assert order.items
        for item in order.items:
            assert item.item_price is None or isinstance(
                item.item_price.amount, Decimal
            )


def test_amazon_2026_japanese_fba_example():
    jp = next(
        parse_order_2026(o)
        for o in _examples_2026()
        if o["orderId"] == "250-1234567-8901234"
    )
    assert jp.marketplace_id == "A1VC38T7YXB528"
    assert jp.status is OrderStatus.SHIPPED
    assert jp.fulfillment is Fulfillment.FBA
    assert jp.is_prime and not jp.is_business
    assert jp.order_total == Money(Decimal(19940), "JPY")
    assert jp.currency == "JPY"
    assert jp.seller_order_id == "JP-ORDER-2024-001"
    assert jp.purchase_date == datetime(2024, 12, 25, 2, 30, tzinfo=timezone.utc)
    assert [(i.sku, i.quantity_ordered, i.item_price) for i in jp.items] == [
        ("ECHO-DOT-4-JP-CHARCOAL", 1, Money(Decimal(5980), "JPY")),
        ("FIRE-TV-4K-MAX-JP", 2, Money(Decimal(13960), "JPY")),
    ]
    assert jp.items[0].promotion_ids == ("JP-WINTER-SALE-2024",)
    assert jp.items[0].quantity_shipped == 1
    assert sum(i.item_price.amount for i in jp.items) == jp.order_total.amount
    assert jp.shipping_address.city == "Tokyo"
    assert jp.buyer_email == "buyer-email@marketplace.amazon.co.jp"


def test_amazon_2026_brazilian_business_example():
    br = next(
        parse_order_2026(o)
        for o in _examples_2026()
        if o["orderId"] == "171-2345678-9012345"
    )
    assert br.is_business
    assert br.buyer_company_name == "Oliveira Tecnologia Ltda"
    assert br.purchase_order_number == "PO-BR-2024-5678"
    assert br.buyer_vat == "1234567890"  # the BUYER registration, not the marketplace's
    assert br.status is OrderStatus.UNSHIPPED and br.fulfillment is Fulfillment.FBM
    assert br.shipping_address.address_type == "commercial"
    assert br.shipping_address.postal_code == "01310-100"
    assert br.latest_ship_date == datetime(
        2024, 12, 24, 23, 59, 59, tzinfo=timezone.utc
    )
    assert br.ship_service_level == "STANDARD"


def test_amazon_v0_examples_parse():
    model = load_model("ordersV0.json")
    orders_example = model["paths"]["/orders/v0/orders"]["get"]["responses"]["200"][
        "x-amzn-api-sandbox"
    ]["static"][0]["response"]["payload"]["Orders"]
    items_example = model["paths"]["/orders/v0/orders/{orderId}/orderItems"]["get"][
        "responses"
    ]["200"]["x-amzn-api-sandbox"]["static"][0]["response"]["payload"]["OrderItems"]
    order = parse_order_v0(orders_example[0], items_example)
    assert order.order_id == "902-1845936-5435065"
    assert order.status is OrderStatus.UNSHIPPED
    assert order.fulfillment is Fulfillment.FBM
    assert order.order_total == Money(Decimal("11.01"), "USD")
    assert order.ship_service_level == "STANDARD"
    (item,) = order.items
    assert item.sku == "NABetaASINB00551Q3CS"
    assert item.item_price == Money(Decimal("10.00"), "USD")
    assert item.item_tax == Money(Decimal("1.01"), "USD")
    assert item.item_price.amount + item.item_tax.amount == order.order_total.amount
    assert item.buyer_requested_cancel
    assert item.buyer_cancel_reason == "Found cheaper somewhere else."
    assert order.buyer_requested_cancel
    assert item.condition == "new"


def _examples_v0():
    """Amazon's v0 sandbox orders (getOrders, getOrder) and items by order id."""
    orders = []
    for _request, response in sandbox_examples("ordersV0.json", GET_ORDERS, "get"):
        orders.extend(response["payload"]["Orders"])
    for _request, response in sandbox_examples("ordersV0.json", V0_ORDER, "get"):
        orders.append(response["payload"])
    items = {}
    for _request, response in sandbox_examples("ordersV0.json", V0_ITEMS, "get"):
        items[response["payload"]["AmazonOrderId"]] = response["payload"]["OrderItems"]
    return orders, items


# What Amazon's v0 examples say, read off ordersV0.json: id -> (marketplace, status,
# channel, purchase date, last update, currency, business order).
V0_EXAMPLES = {
    "902-1845936-5435065": (
        "ATVPDKIKX0DER", OrderStatus.UNSHIPPED, Fulfillment.FBM,
        datetime(1970, 1, 19, 3, 58, 30, tzinfo=timezone.utc),
        datetime(1970, 1, 19, 3, 58, 32, tzinfo=timezone.utc), "USD", False,
    ),
    "902-8745147-1934268": (
        "ATVPDKIKX0DER", OrderStatus.UNSHIPPED, Fulfillment.FBM,
        datetime(1970, 1, 19, 3, 58, 30, tzinfo=timezone.utc),
        datetime(1970, 1, 19, 3, 58, 32, tzinfo=timezone.utc), "USD", False,
    ),
    "902-3159896-1390916": (
        "ATVPDKIKX0DER", OrderStatus.PENDING, Fulfillment.FBM,
        datetime(2017, 1, 20, 19, 49, 35, tzinfo=timezone.utc),
        datetime(2017, 1, 20, 19, 49, 35, tzinfo=timezone.utc), "USD", False,
    ),
    "921-3175655-0452641": (
        "A1PA6795UKMFR9", OrderStatus.SHIPPED, Fulfillment.FBA,
        datetime(2019, 5, 7, 15, 42, 57, 58000, tzinfo=timezone.utc),
        datetime(2019, 5, 8, 21, 59, 59, tzinfo=timezone.utc), "EUR", True,
    ),
}  # fmt: skip


def test_every_amazon_v0_example_order_parses():
    examples, items = _examples_v0()
    # getOrders: 2 orders, then the same Pending order on both pages of the NextToken
    # case; getOrder: the first order again, and an Amazon.de (IBA) one.
    assert len(examples) == 6
    assert {o["AmazonOrderId"] for o in examples} == set(V0_EXAMPLES)
    assert set(items) == {"902-1845936-5435065"}  # the only getOrderItems example
    parsed = {}
    for example in examples:
        order_id = example["AmazonOrderId"]
        # Amazon gives no items for the other orders: each gets the least item the
        # model allows, unpriced (as Amazon sends a Pending order's items).
        bare = {"ASIN": "B00551Q3CS", "OrderItemId": "1" + order_id[-6:],
                "QuantityOrdered": 1}  # fmt: skip
        validate_definition("ordersV0.json", "OrderItem", bare)
        order = parse_order_v0(example, items.get(order_id, [bare]))
        market, status, channel, purchased, updated, currency, business = V0_EXAMPLES[
            order_id
        ]
        assert order.order_id == order_id
        assert order.marketplace_id == example["MarketplaceId"] == market
        assert order.status is status
        assert order.fulfillment is channel
        assert order.purchase_date == purchased
        assert order.purchase_date == datetime.fromisoformat(example["PurchaseDate"])
        assert order.last_update == updated
        assert order.purchase_date.tzinfo is order.last_update.tzinfo is timezone.utc
        assert order.currency == currency
        total = example.get("OrderTotal")
        assert order.order_total == (
            Money(Decimal(total["Amount"]), total["CurrencyCode"]) if total else None
        )
        assert order.is_business is business
        assert order.ship_service_level == "STANDARD"
        assert order.latest_ship_date == datetime.fromisoformat(
            example["LatestShipDate"]
        )
        assert len(order.items) == len(items.get(order_id, [bare]))
        # An order Amazon shows twice (getOrders and getOrder) reads the same.
        assert parsed.setdefault(order_id, order) == order
    assert parsed["921-3175655-0452641"].order_total == Money(Decimal(100), "EUR")
    assert parsed["902-3159896-1390916"].order_total is None  # Pending: no total


def _generated(
    count=400,
    seed=7,
    marketplaces=("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"),
):
    state = default_state()
    generator = OrderGenerator("ASANDBOXSELLER1", list(marketplaces), seed)
    end = datetime(2026, 11, 1, tzinfo=timezone.utc)
    return generator.orders(
        count, datetime(2026, 10, 1, tzinfo=timezone.utc), end
    ), state


@pytest.mark.parametrize(
    "marketplaces",
    [
        ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"),
        ("A1PA6795UKMFR9", "A1F83G8C2ARO7P", "A2NODRKZP88ZB9", "A1C3SOZRARQ6R3"),
        ("A1VC38T7YXB528", "A39IBJ37TRP1C6"),
    ],
)
def test_both_versions_give_identical_records(marketplaces):
    orders, _state = _generated(marketplaces=marketplaces)
    pii = {"buyerInfo", "shippingAddress"}
    for stored in orders:
        from_2026 = parse_order_2026(render_2026(stored, set(ALL_INCLUDED_DATA)))
        from_v0 = parse_order_v0(
            render_v0_order(stored, pii), render_v0_items(stored, True)
        )
        assert from_2026 == from_v0, stored["orderId"]


def test_generated_orders_cover_what_sellers_see():
    orders, _state = _generated(count=600)
    parsed = [parse_order_2026(render_2026(o, set(ALL_INCLUDED_DATA))) for o in orders]
    assert {o.status for o in parsed} >= {
        OrderStatus.PENDING, OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED,
        OrderStatus.SHIPPED, OrderStatus.CANCELED,
    }  # fmt: skip
    assert {o.fulfillment for o in parsed} == {Fulfillment.FBA, Fulfillment.FBM}
    assert {o.currency for o in parsed} == {"USD", "CAD", "MXN"}
    assert any(o.is_business for o in parsed)
    assert any(o.is_replacement and o.replaced_order_id for o in parsed)
    assert any(o.buyer_requested_cancel for o in parsed)
    items = [i for o in parsed for i in o.items]
    assert {len(o.items) for o in parsed} >= {1, 2, 3}
    assert any(i.gift_message and i.gift_wrap_price for i in items)
    assert any(i.promotion_discount for i in items if i.priced)
    assert any(i.shipping_discount for i in items if i.priced)
    assert any(i.condition == "used" for i in items)
    assert any(i.tax_collection_model == "marketplace_facilitator" for i in items)
    assert any(not o.priced for o in parsed if o.status is OrderStatus.PENDING)
    names = " ".join(o.buyer_name for o in parsed)
    assert any(ord(c) > 127 for c in names)  # unicode names


def test_discount_tax_split():
    shipping, promotion = split_discount_tax(
        Money(Decimal("-0.24"), "USD"),
        Money(Decimal("1.00"), "USD"),
        Money(Decimal("2.00"), "USD"),
    )
    assert (shipping, promotion) == (
        Money(Decimal("0.08"), "USD"),
        Money(Decimal("0.16"), "USD"),
    )
    assert split_discount_tax(Money(Decimal("0.30"), "EUR"), None, None) == (
        Money(Decimal(0), "EUR"),
        Money(Decimal("0.30"), "EUR"),
    )


def test_the_2026_example_of_the_spapi_notes_matches_its_v0_twin():
    # The illustrative US order of the notes (section 1.7): one item, every charge.
    v0_order = {
        "AmazonOrderId": "111-1234567-1234567", "PurchaseDate": "2026-03-01T10:15:00Z",
        "LastUpdateDate": "2026-03-01T11:02:00Z", "OrderStatus": "Unshipped",
        "FulfillmentChannel": "MFN", "SalesChannel": "Amazon.com",
        "MarketplaceId": "ATVPDKIKX0DER",
        "ShipmentServiceLevelCategory": "Standard",
        "OrderTotal": {"CurrencyCode": "USD", "Amount": "48.03"},
    }  # fmt: skip

    def m(a):
        return {"CurrencyCode": "USD", "Amount": a}

    v0_item = {
        "ASIN": "B0EXAMPLE1", "SellerSKU": "SKU-RED-M", "OrderItemId": "12345678901234",
        "QuantityOrdered": 2, "QuantityShipped": 0, "ItemPrice": m("39.98"),
        "ItemTax": m("3.20"), "ShippingPrice": m("4.99"), "ShippingTax": m("0.40"),
        "ShippingDiscount": m("1.00"),
        "ShippingDiscountTax": m("0.08"), "PromotionDiscount": m("2.00"),
        "PromotionDiscountTax": m("0.16"), "BuyerInfo": {"GiftWrapPrice": m("2.50"),
        "GiftWrapTax": m("0.20"), "GiftWrapLevel": "Classic"},
    }  # fmt: skip
    item = parse_order_v0(v0_order, [v0_item]).items[0]

    def usd(a):
        return {"amount": a, "currencyCode": "USD"}

    v2026_item = {
        "orderItemId": "12345678901234", "quantityOrdered": 2,
        "product": {"asin": "B0EXAMPLE1", "sellerSku": "SKU-RED-M"},
        "proceeds": {"breakdowns": [
            {"type": "ITEM", "subtotal": usd("39.98")},
            {"type": "SHIPPING", "subtotal": usd("4.99")},
            {"type": "GIFT_WRAP", "subtotal": usd("2.50")},
            {"type": "TAX", "subtotal": usd("3.56"), "detailedBreakdowns": [
                {"subtype": "ITEM", "value": usd("3.20")},
                {"subtype": "SHIPPING", "value": usd("0.40")},
                {"subtype": "GIFT_WRAP", "value": usd("0.20")},
                {"subtype": "DISCOUNT", "value": usd("-0.24")}]},
            {"type": "DISCOUNT", "subtotal": usd("-3.00"), "detailedBreakdowns": [
                {"subtype": "ITEM", "value": usd("-2.00")},
                {"subtype": "SHIPPING", "value": usd("-1.00")}]}]},
        "fulfillment": {"quantityFulfilled": 0,
                        "packing": {"giftOption": {"giftWrapLevel": "Classic"}}},
    }  # fmt: skip
    order_2026 = {
        "orderId": "111-1234567-1234567", "createdTime": "2026-03-01T10:15:00Z",
        "lastUpdatedTime": "2026-03-01T11:02:00Z",
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": "ATVPDKIKX0DER"},
        "proceeds": {"grandTotal": usd("48.03")},
        "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT",
                        "fulfillmentServiceLevel": "STANDARD"},
        "orderItems": [v2026_item],
    }  # fmt: skip
    assert parse_order_2026(order_2026).items[0] == item
    assert item.shipping_discount_tax == Money(Decimal("0.08"), "USD")


BAD_2026 = [
    (lambda o: o.pop("orderId"), "has no orderId"),
    (lambda o: o["fulfillment"].update(fulfillmentStatus="LOST"), "unknown status"),
    (lambda o: o.pop("fulfillment"), "no fulfillment data"),
    (lambda o: o.update(orderItems=[]), "has no items"),
    (lambda o: o["orderItems"][0].update(quantityOrdered=-2), "negative"),
    (lambda o: o["orderItems"][0].update(quantityOrdered="many"), "not a whole number"),
    (lambda o: o["orderItems"][0].update(quantityOrdered=10**9), "implausibly large"),
    (lambda o: o.update(createdTime="yesterday"), "not an ISO 8601 date-time"),
    (lambda o: o.update(createdTime="2026-01-01T00:00:00"), "has no time zone"),
    (
        lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
            amount="1,5"
        ),
        "not an amount",
    ),
    (
        lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
            currencyCode="XXXX"
        ),
        "no valid currency",
    ),
    (
        lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
            currencyCode="EUR"
        ),
        "is in EUR",
    ),
    (
        lambda o: o["orderItems"][0]["proceeds"]["breakdowns"][0]["subtotal"].update(
            amount="-5"
        ),
        "negative item price",
    ),
    (lambda o: o.update(orderItems=[o["orderItems"][0], o["orderItems"][0]]), "twice"),
    (
        lambda o: o.update(salesChannel={"channelName": "AMAZON"}),
        "has no salesChannel.marketplaceId",
    ),
    (lambda o: o.update(orderItems="nope"), "is not a list"),
]


@pytest.mark.parametrize(("damage", "reason"), BAD_2026)
def test_bad_2026_payloads_are_refused_with_a_reason(damage, reason):
    orders, _state = _generated(count=50, seed=11)
    stored = next(
        o for o in orders if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    )
    payload = render_2026(copy.deepcopy(stored), set(ALL_INCLUDED_DATA))
    damage(payload)
    with pytest.raises(OrderDataError, match=reason) as info:
        parse_order_2026(payload)
    if "orderId" in payload:
        assert info.value.order_id == payload["orderId"]


def test_bad_v0_payloads_are_refused_with_a_reason():
    orders, _state = _generated(count=50, seed=11)
    stored = next(
        o for o in orders if o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    )
    order, items = render_v0_order(stored), render_v0_items(stored)
    with pytest.raises(OrderDataError, match="unknown fulfillment channel"):
        parse_order_v0({**order, "FulfillmentChannel": "XYZ"}, items)
    with pytest.raises(OrderDataError, match="has no items"):
        parse_order_v0(order, [])
    with pytest.raises(OrderDataError, match="no OrderItemId"):
        parse_order_v0(order, [{**items[0], "OrderItemId": ""}])
    with pytest.raises(OrderDataError, match="not an amount"):
        parse_order_v0(
            order, [{**items[0], "ItemPrice": {"CurrencyCode": "USD", "Amount": "NaN"}}]
        )
