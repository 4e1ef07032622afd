"""One store of orders, served as Orders API 2026-01-01 and as Orders API v0.

The sandbox keeps each order once, in the shape of a 2026-01-01 ``Order`` with every
``includedData`` block. The v0 ``Order``, ``OrderItem``, ``OrderAddress`` and
``OrderBuyerInfo`` objects are derived from it, so that both versions always tell the
same story about the same order:

- ``proceeds`` breakdowns give v0's ``ItemPrice`` (``ITEM``), ``ShippingPrice``
  (``SHIPPING``), gift wrap (``GIFT_WRAP``), the discounts (``DISCOUNT`` by subtype
  ``ITEM``/``SHIPPING``, sent negative in 2026 and positive in v0) and the taxes
  (``TAX`` by subtype). 2026 has one tax for both discounts (``TAX``/``DISCOUNT``); v0
  splits it into ``PromotionDiscountTax`` and ``ShippingDiscountTax`` in proportion to
  the two discounts (:func:`split_discount_tax`), the rule ``amazon_sp.orders`` applies
  the other way;
- PII follows each version's rules: in 2026 the ``BUYER`` block needs the buyer-data
  role, and ``RECIPIENT`` without it keeps only the address's non-personal parts; in v0
  names, street lines, phone and gift messages need a Restricted Data Token.
"""

from decimal import ROUND_HALF_UP, Decimal

STATUS_V0 = {
    "PENDING_AVAILABILITY": "PendingAvailability",
    "PENDING": "Pending",
    "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped",
    "SHIPPED": "Shipped",
    "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
SERVICE_LEVEL_V0 = {
    "EXPEDITED": "Expedited",
    "FREE_ECONOMY": "FreeEconomy",
    "NEXT_DAY": "NextDay",
    "PRIORITY": "Priority",
    "SAME_DAY": "SameDay",
    "SECOND_DAY": "SecondDay",
    "SCHEDULED": "Scheduled",
    "STANDARD": "Standard",
}
ADDRESS_TYPE_V0 = {"RESIDENTIAL": "Residential", "COMMERCIAL": "Commercial"}
PRICED_STATUSES = {
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
}
ADDRESS_STATUSES = {"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"}

# Parts of a delivery address that are personal data (2026 "Access Orders PII"; v0 marks
# the same parts of ShippingAddress as restricted, except the postal code).
PII_ADDRESS_FIELDS_2026 = (
    "name",
    "companyName",
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "postalCode",
    "phone",
    "extendedFields",
)
ALL_INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "EXPENSE",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
    "FULFILLMENT_ORDERS",
)
ORDER_BLOCKS = {
    "BUYER": ("buyer",),
    "RECIPIENT": ("recipient",),
    "PROCEEDS": ("proceeds",),
    "PAYMENT": ("payment",),
    "TAX": ("tax",),
    "FULFILLMENT": ("fulfillment",),
    "PACKAGES": ("packages",),
    "FULFILLMENT_ORDERS": ("fulfillmentOrders",),
}
ITEM_BLOCKS = {
    "PROCEEDS": ("proceeds",),
    "EXPENSE": ("expense",),
    "PROMOTION": ("promotion",),
    "CANCELLATION": ("cancellation",),
    "FULFILLMENT": ("fulfillment",),
    "TAX": ("tax",),
}


def decimals(currency):
    return 0 if currency in ("JPY", "KRW", "CLP") else 2


def quantize(amount, currency):
    exponent = Decimal(1).scaleb(-decimals(currency))
    return Decimal(amount).quantize(exponent, rounding=ROUND_HALF_UP)


def money_2026(amount, currency):
    return {"amount": str(quantize(amount, currency)), "currencyCode": currency}


def money_v0(amount, currency):
    return {"CurrencyCode": currency, "Amount": str(quantize(amount, currency))}


def split_discount_tax(total_tax, shipping_discount, promotion_discount, currency):
    """Split the one 2026 discount tax into v0's shipping and promotion discount taxes.

    In proportion to the two discounts (exact when both are taxed at the same rate); the
    shipping part is rounded and the promotion part takes the rest.

    :return: ``(shipping_discount_tax, promotion_discount_tax)``, as positive amounts.
    """
    total_tax = abs(Decimal(total_tax))
    shipping_discount = abs(Decimal(shipping_discount))
    promotion_discount = abs(Decimal(promotion_discount))
    discounts = shipping_discount + promotion_discount
    if not total_tax or not discounts:
        return Decimal(0), total_tax
    shipping_tax = quantize(total_tax * shipping_discount / discounts, currency)
    return shipping_tax, total_tax - shipping_tax


# === 2026-01-01 === #


def render_2026(order, included, pii_allowed=True):
    """Return the 2026-01-01 ``Order`` with only the blocks ``included`` asks for.

    :param dict order: the stored order (every block).
    :param set included: the ``includedData`` values of the request.
    :param bool pii_allowed: whether the application has the roles for buyer PII.
    """
    always = ("orderId", "orderAliases", "createdTime", "lastUpdatedTime", "programs")
    result = {key: order[key] for key in always if key in order}
    for key in ("associatedOrders", "salesChannel"):
        if key in order:
            result[key] = order[key]
    for data, keys in ORDER_BLOCKS.items():
        if data in included:
            for key in keys:
                if key in order:
                    result[key] = _copy(order[key])
    if "recipient" in result and _status(order) not in ADDRESS_STATUSES:
        # As in v0: no shipping address before payment nor once cancelled.
        del result["recipient"]
    if "recipient" in result and not pii_allowed:
        address = result["recipient"].get("deliveryAddress")
        if address:
            for key in PII_ADDRESS_FIELDS_2026:
                address.pop(key, None)
    result["orderItems"] = [
        _render_item_2026(item, included, pii_allowed) for item in order["orderItems"]
    ]
    return result


def _render_item_2026(item, included, pii_allowed):
    rendered = {
        key: item[key]
        for key in ("orderItemId", "quantityOrdered", "measurement", "programs")
        if key in item
    }
    rendered["product"] = _copy(item["product"])
    if "associatedOrderItems" in item:
        rendered["associatedOrderItems"] = item["associatedOrderItems"]
    for data, keys in ITEM_BLOCKS.items():
        if data in included:
            for key in keys:
                if key in item:
                    rendered[key] = _copy(item[key])
    gift = (rendered.get("fulfillment") or {}).get("packing", {}).get("giftOption")
    if gift and not pii_allowed:
        gift.pop("giftMessage", None)
    return rendered


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# === v0 === #


def _breakdowns(item):
    """Return ``{type: subtotal, (type, subtype): value}`` of an item's proceeds."""
    amounts = {}
    for breakdown in (item.get("proceeds") or {}).get("breakdowns", []):
        amounts[breakdown["type"]] = Decimal(breakdown["subtotal"]["amount"])
        for detail in breakdown.get("detailedBreakdowns", []):
            amounts[(breakdown["type"], detail["subtype"])] = Decimal(
                detail["value"]["amount"]
            )
    return amounts


def _status(order):
    return order["fulfillment"]["fulfillmentStatus"]


def becomes_sales_order(order):
    """Whether a connector makes a sales order of this stored order when it first reads
    it: a paid Amazon sale (not pending, cancelled or unfulfillable, nor a multi-channel
    order sold elsewhere). Tests and benchmarks count on it."""
    channel = (order.get("salesChannel") or {}).get("channelName")
    return channel != "NON_AMAZON" and _status(order) in ADDRESS_STATUSES


def _currency(order):
    total = (order.get("proceeds") or {}).get("grandTotal")
    return total["currencyCode"] if total else None


def render_v0_order(order, pii=frozenset()):
    """Return the v0 ``Order`` of a stored order.

    :param set pii: the restricted data elements granted by a Restricted Data Token
        (``buyerInfo``, ``shippingAddress``).
    """
    status = _status(order)
    fulfillment = order["fulfillment"]
    channel = order["salesChannel"]
    programs = order.get("programs") or []
    items = order["orderItems"]
    shipped = sum(i.get("fulfillment", {}).get("quantityFulfilled", 0) for i in items)
    unshipped = sum(
        i.get("fulfillment", {}).get("quantityUnfulfilled", 0) for i in items
    )
    marketplace_name = channel.get("marketplaceName") or ""
    result = {
        "AmazonOrderId": order["orderId"],
        "SellerOrderId": next(
            (
                a["aliasId"]
                for a in order.get("orderAliases", [])
                if a["aliasType"] == "SELLER_ORDER_ID"
            ),
            order["orderId"],
        ),
        "PurchaseDate": order["createdTime"],
        "LastUpdateDate": order["lastUpdatedTime"],
        "OrderStatus": STATUS_V0[status],
        "FulfillmentChannel": "AFN"
        if fulfillment.get("fulfilledBy") == "AMAZON"
        else "MFN",
        "SalesChannel": marketplace_name
        if channel["channelName"] == "AMAZON"
        else "Non-Amazon",
        "ShipServiceLevel": _ship_service_level_v0(order),
        "NumberOfItemsShipped": shipped,
        "NumberOfItemsUnshipped": unshipped,
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "MarketplaceId": channel.get("marketplaceId"),
        "ShipmentServiceLevelCategory": SERVICE_LEVEL_V0.get(
            fulfillment.get("fulfillmentServiceLevel"), "Standard"
        ),
        "OrderType": "Preorder"
        if status == "PENDING_AVAILABILITY"
        else "StandardOrder",
        "IsBusinessOrder": "AMAZON_BUSINESS" in programs,
        "IsPrime": "PRIME" in programs,
        "IsPremiumOrder": "PREMIUM" in programs,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": False,
        "IsSoldByAB": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
    }
    total = (order.get("proceeds") or {}).get("grandTotal")
    if total and status in PRICED_STATUSES:
        result["OrderTotal"] = money_v0(total["amount"], total["currencyCode"])
    for window, (early, late) in (
        ("shipByWindow", ("EarliestShipDate", "LatestShipDate")),
        ("deliverByWindow", ("EarliestDeliveryDate", "LatestDeliveryDate")),
    ):
        if fulfillment.get(window):
            result[early] = fulfillment[window].get("earliestDateTime")
            result[late] = fulfillment[window].get("latestDateTime")
    for association in order.get("associatedOrders") or []:
        if association.get("associationType") == "REPLACEMENT_ORIGINAL_ID":
            result["IsReplacementOrder"] = True
            result["ReplacedOrderId"] = association["orderId"]
    address = render_v0_address(order, "shippingAddress" in pii)
    if address is not None:
        result["ShippingAddress"] = address
    buyer_info = _render_v0_buyer_info(order, "buyerInfo" in pii)
    if buyer_info:
        result["BuyerInfo"] = buyer_info
    return {k: v for k, v in result.items() if v is not None}


def _ship_service_level_v0(order):
    # v0's detailed service level (e.g. "Std US D2D Dom"); 2026 only has the category.
    country = _country(order)
    level = order["fulfillment"].get("fulfillmentServiceLevel", "STANDARD")
    return {"STANDARD": f"Std {country} Dom", "EXPEDITED": f"Exp {country} Dom"}.get(
        level, f"{SERVICE_LEVEL_V0.get(level, 'Standard')} {country} Dom"
    )


def _country(order):
    address = (order.get("recipient") or {}).get("deliveryAddress") or {}
    return address.get("countryCode") or "US"


def render_v0_address(order, restricted):
    """Return v0's ``ShippingAddress``, or None when the status has none.

    :param bool restricted: whether a Restricted Data Token grants ``shippingAddress``.
    """
    if _status(order) not in ADDRESS_STATUSES:
        return None
    address = (order.get("recipient") or {}).get("deliveryAddress")
    if not address:
        return None
    mapping = (
        ("City", "city"),
        ("County", "districtOrCounty"),
        ("StateOrRegion", "stateOrRegion"),
        ("Municipality", "municipality"),
        ("PostalCode", "postalCode"),
        ("CountryCode", "countryCode"),
    )
    if restricted:
        mapping += (
            ("Name", "name"),
            ("CompanyName", "companyName"),
            ("AddressLine1", "addressLine1"),
            ("AddressLine2", "addressLine2"),
            ("AddressLine3", "addressLine3"),
            ("Phone", "phone"),
        )
    result = {v0: address[key] for v0, key in mapping if address.get(key)}
    if restricted and address.get("addressType") in ADDRESS_TYPE_V0:
        result["AddressType"] = ADDRESS_TYPE_V0[address["addressType"]]
    return result


def _render_v0_buyer_info(order, restricted):
    buyer = order.get("buyer") or {}
    result = {}
    if buyer.get("buyerEmail"):
        result["BuyerEmail"] = buyer["buyerEmail"]
    if restricted:
        if buyer.get("buyerName"):
            result["BuyerName"] = buyer["buyerName"]
        if buyer.get("buyerPurchaseOrderNumber"):
            result["PurchaseOrderNumber"] = buyer["buyerPurchaseOrderNumber"]
        tax_info = {}
        if buyer.get("buyerCompanyName"):
            tax_info["CompanyLegalName"] = buyer["buyerCompanyName"]
        for registration in (order.get("tax") or {}).get("taxRegistrations", []):
            if registration.get("entityType") == "BUYER" and registration.get(
                "taxRegistrationNumber"
            ):
                tax_info["TaxClassifications"] = [
                    {
                        "Name": "VATNumber",
                        "Value": registration["taxRegistrationNumber"],
                    }
                ]
        if tax_info:
            result["BuyerTaxInfo"] = tax_info
    return result


def render_v0_buyer_info(order, restricted):
    """Return v0's ``OrderBuyerInfo`` (getOrderBuyerInfo)."""
    info = {"AmazonOrderId": order["orderId"]}
    info.update(_render_v0_buyer_info(order, restricted))
    return info


def render_v0_order_address(order, restricted):
    """Return v0's ``OrderAddress`` (getOrderAddress)."""
    result = {"AmazonOrderId": order["orderId"]}
    buyer = order.get("buyer") or {}
    if restricted and buyer.get("buyerCompanyName"):
        result["BuyerCompanyName"] = buyer["buyerCompanyName"]
    address = render_v0_address(order, restricted)
    if address:
        result["ShippingAddress"] = address
    return result


def render_v0_items(order, restricted=False):
    """Return v0's ``OrderItem`` list of a stored order.

    :param bool restricted: whether a Restricted Data Token grants ``buyerInfo`` (gift
        messages).
    """
    status = _status(order)
    currency = _currency(order)
    priced = status in PRICED_STATUSES and currency
    items = []
    for item in order["orderItems"]:
        product = item["product"]
        fulfillment = item.get("fulfillment") or {}
        condition = product.get("condition") or {}
        rendered = {
            "ASIN": product.get("asin"),
            "SellerSKU": product.get("sellerSku"),
            "OrderItemId": item["orderItemId"],
            "Title": product.get("title"),
            "QuantityOrdered": item["quantityOrdered"],
            "QuantityShipped": fulfillment.get("quantityFulfilled", 0),
            "ProductInfo": {"NumberOfItems": "1"},
            "IsGift": "false",
            "ConditionId": _camel(condition.get("conditionType") or "NEW"),
            "ConditionSubtypeId": _camel(condition.get("conditionSubtype") or "NEW"),
            "IsTransparency": False,
            "SerialNumberRequired": False,
        }
        if condition.get("conditionNote"):
            rendered["ConditionNote"] = condition["conditionNote"]
        if priced:
            rendered.update(_v0_prices(item, currency))
        promotions = [
            p["promotionId"]
            for p in (item.get("promotion") or {}).get("breakdowns", [])
            if p.get("promotionId")
        ]
        if promotions and priced:
            rendered["PromotionIds"] = promotions
        for collection in (item.get("tax") or {}).get("taxCollections", []):
            if collection.get("model") == "MARKETPLACE_FACILITATOR":
                rendered["TaxCollection"] = {
                    "Model": "MarketplaceFacilitator",
                    "ResponsibleParty": collection.get("responsibleParty")
                    or "Amazon Services, Inc.",
                }
        gift = (fulfillment.get("packing") or {}).get("giftOption")
        amounts = _breakdowns(item)
        buyer_info = {}
        if gift:
            rendered["IsGift"] = "true"
            if gift.get("giftWrapLevel"):
                buyer_info["GiftWrapLevel"] = gift["giftWrapLevel"]
            if restricted and gift.get("giftMessage"):
                buyer_info["GiftMessageText"] = gift["giftMessage"]
        if priced and "GIFT_WRAP" in amounts:
            buyer_info["GiftWrapPrice"] = money_v0(amounts["GIFT_WRAP"], currency)
            buyer_info["GiftWrapTax"] = money_v0(
                amounts.get(("TAX", "GIFT_WRAP"), 0), currency
            )
        if buyer_info:
            rendered["BuyerInfo"] = buyer_info
        request = (item.get("cancellation") or {}).get("cancellationRequest")
        rendered["BuyerRequestedCancel"] = {
            "IsBuyerRequestedCancel": "true" if request else "false",
            "BuyerCancelReason": (request or {}).get("cancelReason", ""),
        }
        items.append({k: v for k, v in rendered.items() if v is not None})
    return items


def _v0_prices(item, currency):
    amounts = _breakdowns(item)
    shipping_discount = abs(amounts.get(("DISCOUNT", "SHIPPING"), 0))
    promotion_discount = abs(amounts.get(("DISCOUNT", "ITEM"), 0))
    shipping_discount_tax, promotion_discount_tax = split_discount_tax(
        amounts.get(("TAX", "DISCOUNT"), 0),
        shipping_discount,
        promotion_discount,
        currency,
    )
    prices = {
        "ItemPrice": money_v0(amounts.get("ITEM", 0), currency),
        "ItemTax": money_v0(amounts.get(("TAX", "ITEM"), 0), currency),
        "PromotionDiscount": money_v0(promotion_discount, currency),
        "PromotionDiscountTax": money_v0(promotion_discount_tax, currency),
    }
    if "SHIPPING" in amounts:
        prices["ShippingPrice"] = money_v0(amounts["SHIPPING"], currency)
        prices["ShippingTax"] = money_v0(amounts.get(("TAX", "SHIPPING"), 0), currency)
        prices["ShippingDiscount"] = money_v0(shipping_discount, currency)
        prices["ShippingDiscountTax"] = money_v0(shipping_discount_tax, currency)
    return prices


def _camel(value):
    """``VERY_GOOD`` -> ``VeryGood`` (v0's spelling of 2026's enum values)."""
    return "".join(part.capitalize() for part in str(value).split("_"))
