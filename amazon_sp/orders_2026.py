"""Orders API 2026-01-01 payloads into :class:`~amazon_sp.orders.AmazonOrder`
records.

:func:`parse_order_2026` reads a 2026-01-01 ``Order`` (searchOrders or getOrder), items
inline; the field mapping shared with v0 is described in :mod:`amazon_sp.orders`.
"""

from .orders import (
    Address,
    AmazonOrder,
    Fulfillment,
    Money,
    OrderDataError,
    OrderItem,
    OrderStatus,
    _check_order,
    _code,
    _currency_of,
    _dict,
    _identifier,
    _list,
    _money,
    _quantity,
    _required_datetime,
    _snake,
    _text,
    parse_datetime,
    split_discount_tax,
)

STATUS_FROM_2026 = {
    "PENDING_AVAILABILITY": OrderStatus.PENDING,
    "PENDING": OrderStatus.PENDING,
    "UNSHIPPED": OrderStatus.UNSHIPPED,
    "PARTIALLY_SHIPPED": OrderStatus.PARTIALLY_SHIPPED,
    "SHIPPED": OrderStatus.SHIPPED,
    "CANCELLED": OrderStatus.CANCELED,
    "UNFULFILLABLE": OrderStatus.UNFULFILLABLE,
}


def parse_order_2026(order):
    """Build an :class:`AmazonOrder` from a 2026-01-01 ``Order`` (of searchOrders).

    The request must include the ``FULFILLMENT`` data (the status is there), and
    ``PROCEEDS`` for prices.

    :raise OrderDataError: if the payload is not a valid order.
    """
    order = _dict(order, "the order", None)
    order_id = _identifier(order.get("orderId"), "orderId")
    fulfillment = _dict(order.get("fulfillment"), "fulfillment", order_id)
    if not fulfillment:
        raise OrderDataError("has no fulfillment data (status unknown)", order_id)
    status = STATUS_FROM_2026.get(_code(fulfillment.get("fulfillmentStatus")))
    if status is None:
        raise OrderDataError(
            f"unknown status {fulfillment.get('fulfillmentStatus')!r}", order_id
        )
    fulfilled_by = fulfillment.get("fulfilledBy")
    if fulfilled_by not in ("AMAZON", "MERCHANT"):
        raise OrderDataError(f"unknown fulfillment {fulfilled_by!r}", order_id)
    channel = _dict(order.get("salesChannel"), "salesChannel", order_id)
    proceeds = _dict(order.get("proceeds"), "proceeds", order_id)
    total = _money(
        proceeds.get("grandTotal"),
        "the grand total",
        order_id,
        "amount",
        "currencyCode",
    )
    parsed_items = tuple(
        _parse_item_2026(_dict(item, "an item", order_id), order_id)
        for item in _list(order.get("orderItems"), "orderItems", order_id)
    )
    if not channel:
        raise OrderDataError("has no salesChannel", order_id)
    marketplace_id = _identifier(
        channel.get("marketplaceId"), "salesChannel.marketplaceId", order_id
    )
    currency = (
        total.currency if total else _currency_of(parsed_items, {}, marketplace_id)
    )
    buyer = _dict(order.get("buyer"), "buyer", order_id)
    recipient = _dict(order.get("recipient"), "recipient", order_id)
    address = _parse_address_2026(
        _dict(recipient.get("deliveryAddress"), "deliveryAddress", order_id)
    )
    programs = set(_list(order.get("programs"), "programs", order_id))
    replaced = ""
    for association in _list(
        order.get("associatedOrders"), "associatedOrders", order_id
    ):
        if (
            isinstance(association, dict)
            and association.get("associationType") == "REPLACEMENT_ORIGINAL_ID"
        ):
            replaced = _text(association.get("orderId"))
    vat = ""
    tax = _dict(order.get("tax"), "tax", order_id)
    for registration in _list(
        tax.get("taxRegistrations"), "taxRegistrations", order_id
    ):
        if isinstance(registration, dict) and registration.get("entityType") == "BUYER":
            vat = _text(registration.get("taxRegistrationNumber")) or vat
    seller_order_id = next(
        (
            _text(alias.get("aliasId"))
            for alias in _list(order.get("orderAliases"), "orderAliases", order_id)
            if isinstance(alias, dict) and alias.get("aliasType") == "SELLER_ORDER_ID"
        ),
        "",
    )
    _check_order(order_id, marketplace_id, parsed_items, currency)
    ship_by = _dict(fulfillment.get("shipByWindow"), "shipByWindow", order_id)
    return AmazonOrder(
        order_id=order_id,
        marketplace_id=marketplace_id,
        purchase_date=_required_datetime(
            order.get("createdTime"), "createdTime", order_id
        ),
        last_update=_required_datetime(
            order.get("lastUpdatedTime"), "lastUpdatedTime", order_id
        ),
        status=status,
        fulfillment=Fulfillment.FBA if fulfilled_by == "AMAZON" else Fulfillment.FBM,
        items=parsed_items,
        currency=currency,
        order_total=total,
        seller_order_id=seller_order_id,
        is_business="AMAZON_BUSINESS" in programs,
        is_prime="PRIME" in programs,
        is_replacement=bool(replaced),
        replaced_order_id=replaced,
        non_amazon=channel.get("channelName") == "NON_AMAZON",
        buyer_name=_text(buyer.get("buyerName")),
        buyer_email=_text(buyer.get("buyerEmail")),
        buyer_company_name=_text(buyer.get("buyerCompanyName"))
        or (address.company if address else ""),
        buyer_vat=vat,
        purchase_order_number=_text(buyer.get("buyerPurchaseOrderNumber")),
        shipping_address=address,
        ship_service_level=_text(fulfillment.get("fulfillmentServiceLevel")).upper(),
        latest_ship_date=parse_datetime(
            ship_by.get("latestDateTime"), "shipByWindow", order_id
        ),
    )


def _parse_address_2026(data):
    if not data:
        return None
    return Address(
        name=_text(data.get("name")),
        company=_text(data.get("companyName")),
        line1=_text(data.get("addressLine1")),
        line2=_text(data.get("addressLine2")),
        line3=_text(data.get("addressLine3")),
        city=_text(data.get("city")),
        district=_text(data.get("districtOrCounty")),
        state=_text(data.get("stateOrRegion")),
        postal_code=_text(data.get("postalCode")),
        country_code=_text(data.get("countryCode")).upper(),
        phone=_text(data.get("phone")),
        address_type=_snake(data.get("addressType")),
    )


def _parse_item_2026(item, order_id):
    item_id = _identifier(item.get("orderItemId"), "orderItemId", order_id)
    if item.get("product") is None:
        raise OrderDataError(f"item {item_id} has no product", order_id)
    product = _dict(item.get("product"), "the item's product", order_id)
    condition = _dict(product.get("condition"), "the item's condition", order_id)
    fulfillment = _dict(item.get("fulfillment"), "the item's fulfillment", order_id)
    packing = _dict(fulfillment.get("packing"), "packing", order_id)
    gift = _dict(packing.get("giftOption"), "giftOption", order_id)
    cancellation = _dict(item.get("cancellation"), "cancellation", order_id)
    request = _dict(
        cancellation.get("cancellationRequest"), "cancellationRequest", order_id
    )
    amounts = {}
    proceeds = _dict(item.get("proceeds"), "the item's proceeds", order_id)
    for breakdown in _list(proceeds.get("breakdowns"), "breakdowns", order_id):
        breakdown = _dict(breakdown, "a breakdown", order_id)
        kind = _code(breakdown.get("type"))
        if not kind:
            raise OrderDataError("a proceeds breakdown has no type", order_id)
        amounts[kind] = _money(
            breakdown.get("subtotal"),
            f"{kind} proceeds",
            order_id,
            "amount",
            "currencyCode",
        )
        for detail in _list(
            breakdown.get("detailedBreakdowns"), "detailedBreakdowns", order_id
        ):
            detail = _dict(detail, "a detailed breakdown", order_id)
            subtype = _code(detail.get("subtype"))
            amounts[(kind, subtype)] = _money(
                detail.get("value"),
                f"{kind}/{subtype} proceeds",
                order_id,
                "amount",
                "currencyCode",
            )
    item_price = amounts.get("ITEM")
    priced = item_price is not None

    def positive(key):
        money = amounts.get(key)
        return Money(abs(money.amount), money.currency) if money is not None else None

    def tax(subtype):
        money = amounts.get(("TAX", subtype))
        if money is not None:
            return money
        return Money.zero(item_price.currency) if priced else None

    shipping_price = amounts.get("SHIPPING")
    shipping_discount = positive(("DISCOUNT", "SHIPPING"))
    promotion_discount = positive(("DISCOUNT", "ITEM"))
    shipping_discount_tax = promotion_discount_tax = None
    if priced:
        discount_tax = amounts.get(("TAX", "DISCOUNT")) or Money.zero(
            item_price.currency
        )
        shipping_discount_tax, promotion_discount_tax = split_discount_tax(
            discount_tax, shipping_discount, promotion_discount
        )
        zero = Money.zero(item_price.currency)
        promotion_discount = promotion_discount or zero
        if shipping_price is not None:
            shipping_discount = shipping_discount or zero
        else:
            shipping_discount_tax = (
                None if not shipping_discount else shipping_discount_tax
            )
    collections = [
        c
        for c in _list(
            _dict(item.get("tax"), "the item's tax", order_id).get("taxCollections"),
            "taxCollections",
            order_id,
        )
        if isinstance(c, dict)
    ]
    collection = collections[0] if collections else {}
    gift_wrap_price = amounts.get("GIFT_WRAP")
    return OrderItem(
        order_item_id=item_id,
        sku=_text(product.get("sellerSku")),
        asin=_text(product.get("asin")),
        title=_text(product.get("title")),
        quantity_ordered=_quantity(
            item.get("quantityOrdered"), "quantityOrdered", order_id
        ),
        quantity_shipped=_quantity(
            fulfillment.get("quantityFulfilled") or 0, "quantityFulfilled", order_id
        ),
        item_price=item_price,
        item_tax=tax("ITEM"),
        shipping_price=shipping_price,
        shipping_tax=tax("SHIPPING") if shipping_price is not None else None,
        shipping_discount=shipping_discount,
        shipping_discount_tax=shipping_discount_tax,
        promotion_discount=promotion_discount,
        promotion_discount_tax=promotion_discount_tax,
        promotion_ids=tuple(
            _text(p.get("promotionId"))
            for p in _list(
                _dict(item.get("promotion"), "promotion", order_id).get("breakdowns"),
                "promotion breakdowns",
                order_id,
            )
            if isinstance(p, dict) and p.get("promotionId")
        ),
        gift_wrap_price=gift_wrap_price,
        gift_wrap_tax=tax("GIFT_WRAP") if gift_wrap_price is not None else None,
        gift_wrap_level=_text(gift.get("giftWrapLevel")),
        gift_message=_text(gift.get("giftMessage")),
        condition=_snake(condition.get("conditionType")) or "new",
        condition_subtype=_snake(condition.get("conditionSubtype")),
        condition_note=_text(condition.get("conditionNote")),
        buyer_requested_cancel=request.get("requester") == "BUYER",
        buyer_cancel_reason=_text(request.get("cancelReason")),
        tax_collection_model=_snake(collection.get("model")),
        tax_collection_party=_text(collection.get("responsibleParty")),
    )
