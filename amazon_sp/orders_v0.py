"""Orders API v0 payloads into :class:`~amazon_sp.orders.AmazonOrder` records.

:func:`parse_order_v0` reads a v0 ``Order`` and its ``OrderItem`` list (getOrderItems,
all pages); the field mapping shared with 2026-01-01 is described in
:mod:`amazon_sp.orders`.
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
)

STATUS_FROM_V0 = {
    "PendingAvailability": OrderStatus.PENDING,
    "Pending": OrderStatus.PENDING,
    "Unshipped": OrderStatus.UNSHIPPED,
    "PartiallyShipped": OrderStatus.PARTIALLY_SHIPPED,
    "Shipped": OrderStatus.SHIPPED,
    "InvoiceUnconfirmed": OrderStatus.SHIPPED,
    "Canceled": OrderStatus.CANCELED,
    "Unfulfillable": OrderStatus.UNFULFILLABLE,
}


def parse_order_v0(order, items):
    """Build an :class:`AmazonOrder` from a v0 ``Order`` and its ``OrderItem`` list.

    :param dict order: an element of getOrders' ``Orders``, or getOrder's payload.
    :param list items: the ``OrderItems`` of getOrderItems (all pages).
    :raise OrderDataError: if the payload is not a valid order.
    """
    order = _dict(order, "the order", None)
    order_id = _identifier(order.get("AmazonOrderId"), "AmazonOrderId")
    status = STATUS_FROM_V0.get(_code(order.get("OrderStatus")))
    if status is None:
        raise OrderDataError(f"unknown status {order.get('OrderStatus')!r}", order_id)
    channel = order.get("FulfillmentChannel")
    if channel not in ("AFN", "MFN"):
        raise OrderDataError(f"unknown fulfillment channel {channel!r}", order_id)
    total = _money(
        order.get("OrderTotal"), "the order total", order_id, "Amount", "CurrencyCode"
    )
    parsed_items = tuple(
        _parse_item_v0(_dict(item, "an item", order_id), order_id)
        for item in _list(items, "the items", order_id)
    )
    currency = total.currency if total else _currency_of(parsed_items, order)
    buyer = _dict(order.get("BuyerInfo"), "BuyerInfo", order_id)
    tax_info = _dict(buyer.get("BuyerTaxInfo"), "BuyerTaxInfo", order_id)
    vat = ""
    for classification in _list(
        tax_info.get("TaxClassifications"), "TaxClassifications", order_id
    ):
        if isinstance(classification, dict) and classification.get("Value"):
            vat = _text(classification["Value"])
    address = _parse_address_v0(
        _dict(order.get("ShippingAddress"), "ShippingAddress", order_id)
    )
    marketplace_id = _identifier(order.get("MarketplaceId"), "MarketplaceId", order_id)
    _check_order(order_id, marketplace_id, parsed_items, currency)
    return AmazonOrder(
        order_id=order_id,
        marketplace_id=marketplace_id,
        purchase_date=_required_datetime(
            order.get("PurchaseDate"), "PurchaseDate", order_id
        ),
        last_update=_required_datetime(
            order.get("LastUpdateDate"), "LastUpdateDate", order_id
        ),
        status=status,
        fulfillment=Fulfillment.FBA if channel == "AFN" else Fulfillment.FBM,
        items=parsed_items,
        currency=currency,
        order_total=total,
        seller_order_id=_text(order.get("SellerOrderId")),
        is_business=bool(order.get("IsBusinessOrder")),
        is_prime=bool(order.get("IsPrime")),
        is_replacement=bool(order.get("IsReplacementOrder")),
        replaced_order_id=_text(order.get("ReplacedOrderId")),
        non_amazon=_text(order.get("SalesChannel")) == "Non-Amazon",
        buyer_name=_text(buyer.get("BuyerName")),
        buyer_email=_text(buyer.get("BuyerEmail")),
        buyer_company_name=_text(tax_info.get("CompanyLegalName"))
        or (address.company if address else ""),
        buyer_vat=vat,
        purchase_order_number=_text(buyer.get("PurchaseOrderNumber")),
        shipping_address=address,
        ship_service_level=_snake(order.get("ShipmentServiceLevelCategory")).upper(),
        latest_ship_date=parse_datetime(
            order.get("LatestShipDate"), "LatestShipDate", order_id
        ),
    )


def _parse_address_v0(data):
    if not data:
        return None
    return Address(
        name=_text(data.get("Name")),
        company=_text(data.get("CompanyName")),
        line1=_text(data.get("AddressLine1")),
        line2=_text(data.get("AddressLine2")),
        line3=_text(data.get("AddressLine3")),
        city=_text(data.get("City")),
        district=_text(data.get("County") or data.get("District")),
        state=_text(data.get("StateOrRegion")),
        postal_code=_text(data.get("PostalCode")),
        country_code=_text(data.get("CountryCode")).upper(),
        phone=_text(data.get("Phone")),
        address_type=_snake(data.get("AddressType")),
    )


def _parse_item_v0(item, order_id):
    item_id = _identifier(item.get("OrderItemId"), "OrderItemId", order_id)

    def money(key, data=item):
        return _money(data.get(key), key, order_id, "Amount", "CurrencyCode")

    buyer_info = _dict(item.get("BuyerInfo"), "the item's BuyerInfo", order_id)
    cancel = _dict(item.get("BuyerRequestedCancel"), "BuyerRequestedCancel", order_id)
    collection = _dict(item.get("TaxCollection"), "TaxCollection", order_id)
    item_price = money("ItemPrice")
    return OrderItem(
        order_item_id=item_id,
        sku=_text(item.get("SellerSKU")),
        asin=_text(item.get("ASIN")),
        title=_text(item.get("Title")),
        quantity_ordered=_quantity(
            item.get("QuantityOrdered"), "QuantityOrdered", order_id
        ),
        quantity_shipped=_quantity(
            item.get("QuantityShipped") or 0, "QuantityShipped", order_id
        ),
        item_price=item_price,
        item_tax=money("ItemTax") or _zero_if(item_price),
        shipping_price=money("ShippingPrice"),
        shipping_tax=money("ShippingTax"),
        shipping_discount=money("ShippingDiscount"),
        shipping_discount_tax=money("ShippingDiscountTax"),
        promotion_discount=money("PromotionDiscount") or _zero_if(item_price),
        promotion_discount_tax=money("PromotionDiscountTax") or _zero_if(item_price),
        promotion_ids=tuple(
            _text(p)
            for p in _list(item.get("PromotionIds"), "PromotionIds", order_id)
            if p
        ),
        gift_wrap_price=money("GiftWrapPrice", buyer_info),
        gift_wrap_tax=money("GiftWrapTax", buyer_info),
        gift_wrap_level=_text(buyer_info.get("GiftWrapLevel")),
        gift_message=_text(buyer_info.get("GiftMessageText")),
        condition=_snake(item.get("ConditionId")) or "new",
        condition_subtype=_snake(item.get("ConditionSubtypeId")),
        condition_note=_text(item.get("ConditionNote")),
        buyer_requested_cancel=_text(cancel.get("IsBuyerRequestedCancel")).lower()
        == "true",
        buyer_cancel_reason=_text(cancel.get("BuyerCancelReason")),
        tax_collection_model=_snake(collection.get("Model")),
        tax_collection_party=_text(collection.get("ResponsibleParty")),
    )


def _zero_if(price):
    return Money.zero(price.currency) if price is not None else None
