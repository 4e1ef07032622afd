"""Amazon orders as typed records, parsed from Orders API v0 or 2026-01-01 payloads.

:class:`AmazonOrder` is the one shape the connector works with, whichever API version
delivered it: money is :class:`Money` (a ``Decimal`` with its currency), times are aware
UTC datetimes, statuses and channels are enums, and Amazon's spelling differences
between versions are gone. The same order read through both versions gives equal
records.

Field mapping (SPAPI notes, section 1.5):

- v0 ``ItemPrice``, ``ShippingPrice`` and gift wrap are line totals; in 2026 they are
  the ``ITEM``, ``SHIPPING`` and ``GIFT_WRAP`` proceeds of the item. Taxes are the
  ``TAX`` proceeds by subtype. Discounts are positive here (v0's sign); 2026 sends them
  in the ``DISCOUNT`` proceeds, by subtype ``ITEM`` (promotions) and ``SHIPPING``,
  whatever their sign.
- 2026 has one tax for both discounts (``TAX``/``DISCOUNT``): it is split between the
  shipping discount and the promotion in proportion to the two discounts, which is exact
  when both are taxed at the same rate.
- The service level is Amazon's category (``STANDARD``, ``EXPEDITED``, ``NEXT_DAY``...):
  2026's ``fulfillmentServiceLevel``, v0's ``ShipmentServiceLevelCategory``.
- Buyer PII (names, e-mail, street address, phone, gift messages) may be absent: Amazon
  shares it only with applications that have the roles for it.

Parsers raise :class:`OrderDataError` with a readable reason when a payload cannot be a
valid order, so that one bad order can be reported without stopping the others.
"""

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .marketplaces import get_marketplace


class OrderDataError(ValueError):
    """An order payload that cannot be read as a valid order; the message says why."""

    def __init__(self, message, order_id=None):
        super().__init__(f"Order {order_id}: {message}" if order_id else message)
        self.order_id = order_id
        self.reason = message


class OrderStatus(enum.Enum):
    PENDING = "pending"
    UNSHIPPED = "unshipped"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    CANCELED = "canceled"
    UNFULFILLABLE = "unfulfillable"


class Fulfillment(enum.Enum):
    FBA = "fba"  # fulfilled by Amazon (AFN)
    FBM = "fbm"  # fulfilled by the merchant (MFN)


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
STATUS_FROM_2026 = {
    "PENDING_AVAILABILITY": OrderStatus.PENDING,
    "PENDING": OrderStatus.PENDING,
    "UNSHIPPED": OrderStatus.UNSHIPPED,
    "PARTIALLY_SHIPPED": OrderStatus.PARTIALLY_SHIPPED,
    "SHIPPED": OrderStatus.SHIPPED,
    "CANCELLED": OrderStatus.CANCELED,
    "UNFULFILLABLE": OrderStatus.UNFULFILLABLE,
}
_ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "CLP", "VND", "ISK", "HUF"}


# === RECORDS === #


@dataclass(frozen=True)
class Money:
    """An amount of money: a ``Decimal`` and an ISO 4217 currency code."""

    amount: Decimal
    currency: str

    def __add__(self, other):
        if other is None:
            return self
        if other.currency != self.currency:
            raise OrderDataError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __sub__(self, other):
        return self + (-other if other is not None else None)

    def __bool__(self):
        return bool(self.amount)

    @classmethod
    def zero(cls, currency):
        return cls(Decimal(0), currency)


@dataclass(frozen=True)
class Address:
    """A delivery address; personal parts may be empty when Amazon withholds them."""

    name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    line3: str = ""
    city: str = ""
    district: str = ""
    state: str = ""
    postal_code: str = ""
    country_code: str = ""
    phone: str = ""
    address_type: str = ""  # residential, commercial, pickup_point

    @property
    def has_pii(self):
        return bool(self.name or self.line1)


@dataclass(frozen=True)
class OrderItem:
    """One item of an order: a SKU and a quantity, with the line's charges.

    Prices, taxes and discounts are line totals (all units), discounts positive; they
    are ``None`` while Amazon gives no prices (pending orders).
    """

    order_item_id: str
    sku: str
    asin: str
    title: str
    quantity_ordered: int
    quantity_shipped: int = 0
    item_price: Money = None
    item_tax: Money = None
    shipping_price: Money = None
    shipping_tax: Money = None
    shipping_discount: Money = None
    shipping_discount_tax: Money = None
    promotion_discount: Money = None
    promotion_discount_tax: Money = None
    promotion_ids: tuple = ()
    gift_wrap_price: Money = None
    gift_wrap_tax: Money = None
    gift_wrap_level: str = ""
    gift_message: str = ""
    condition: str = "new"  # new, used, collectible, refurbished, preorder, club
    condition_subtype: str = ""  # e.g. very_good
    condition_note: str = ""
    buyer_requested_cancel: bool = False
    buyer_cancel_reason: str = ""
    tax_collection_model: str = ""  # marketplace_facilitator when Amazon remits the tax
    tax_collection_party: str = ""

    @property
    def priced(self):
        return self.item_price is not None


@dataclass(frozen=True)
class AmazonOrder:
    """An Amazon order, whichever API version it came from."""

    order_id: str
    marketplace_id: str
    purchase_date: datetime
    last_update: datetime
    status: OrderStatus
    fulfillment: Fulfillment
    items: tuple
    currency: str = ""
    order_total: Money = None
    seller_order_id: str = ""
    is_business: bool = False
    is_prime: bool = False
    is_replacement: bool = False
    replaced_order_id: str = ""
    non_amazon: bool = False  # sold elsewhere, fulfilled by Amazon (multi-channel)
    buyer_name: str = ""
    buyer_email: str = ""
    buyer_company_name: str = ""
    buyer_vat: str = ""
    purchase_order_number: str = ""
    shipping_address: Address = None
    ship_service_level: str = ""  # STANDARD, EXPEDITED, NEXT_DAY, ...
    latest_ship_date: datetime = None
    extra: dict = field(default=None, compare=False, hash=False, repr=False)

    @property
    def buyer_requested_cancel(self):
        return any(item.buyer_requested_cancel for item in self.items)

    @property
    def buyer_cancel_reason(self):
        return next(
            (i.buyer_cancel_reason for i in self.items if i.buyer_cancel_reason), ""
        )

    @property
    def is_fba(self):
        return self.fulfillment is Fulfillment.FBA

    @property
    def priced(self):
        return bool(self.items) and all(item.priced for item in self.items)

    @property
    def has_pii(self):
        return bool(
            self.buyer_name
            or self.buyer_email
            or (self.shipping_address and self.shipping_address.has_pii)
        )


# === HELPERS === #


def parse_datetime(value, what="date", order_id=None):
    """Parse an SP-API ISO 8601 date-time into an aware UTC datetime.

    :raise OrderDataError: if the value is not an ISO 8601 date-time with a time zone.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise OrderDataError(f"{what} {value!r} is not a date-time", order_id)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise OrderDataError(
            f"{what} {value!r} is not an ISO 8601 date-time", order_id
        ) from None
    if moment.tzinfo is None:
        raise OrderDataError(f"{what} {value!r} has no time zone", order_id)
    return moment.astimezone(timezone.utc)


def format_datetime(moment):
    """An aware datetime as SP-API expects it in requests: UTC, seconds, ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal(value, what, order_id):
    if isinstance(value, bool) or value is None:
        raise OrderDataError(f"{what} {value!r} is not an amount", order_id)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise OrderDataError(f"{what} {value!r} is not an amount", order_id) from None
    if not amount.is_finite():
        raise OrderDataError(f"{what} {value!r} is not an amount", order_id)
    if abs(amount) >= Decimal("1e12"):
        raise OrderDataError(f"{what} {value!r} is implausibly large", order_id)
    return amount


def _money(data, what, order_id, amount_key, currency_key, currency=None):
    if not data:
        return None
    if not isinstance(data, dict):
        raise OrderDataError(f"{what} is not a money object", order_id)
    if data.get(amount_key) is None:
        return None
    code = data.get(currency_key) or currency
    if not code or not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
        raise OrderDataError(f"{what} has no valid currency code ({code!r})", order_id)
    return Money(_decimal(data.get(amount_key), what, order_id), code)


def _quantity(value, what, order_id):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            else:
                raise ValueError
        except ValueError:
            raise OrderDataError(
                f"{what} {value!r} is not a whole number", order_id
            ) from None
    if value < 0:
        raise OrderDataError(f"{what} {value} is negative", order_id)
    if value > 100000:
        raise OrderDataError(f"{what} {value} is implausibly large", order_id)
    return value


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def _identifier(value, what, order_id=None):
    """A required identifier (Amazon's are strings; a number is accepted as text).

    :raise OrderDataError: if it is missing, empty, or not a string or a number.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OrderDataError(f"has no {what}", order_id)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise OrderDataError(f"{what} {value!r} is not an identifier", order_id)
    return str(value).strip()


def _code(value):
    """A value to look up among Amazon's codes (statuses, types): only a string can
    be one."""
    return value if isinstance(value, str) else None


def _required_datetime(value, what, order_id):
    moment = parse_datetime(value, what, order_id)
    if moment is None:
        raise OrderDataError(f"has no {what}", order_id)
    return moment


def _snake(value):
    """``VeryGood`` / ``VERY_GOOD`` / ``Very Good`` -> ``very_good``."""
    value = _text(value)
    if not value:
        return ""
    if "_" in value or value.isupper():
        return value.lower().replace(" ", "_")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", value).replace(" ", "_").lower()


def split_discount_tax(total_tax, shipping_discount, promotion_discount):
    """Split one discount tax between the shipping discount and the promotion.

    In proportion to the two discounts; the shipping part is rounded to the currency and
    the promotion part takes the rest.

    :param Money total_tax: the tax on both discounts (any sign).
    :return: ``(shipping discount tax, promotion discount tax)``, positive.
    """
    currency = total_tax.currency
    tax = abs(total_tax.amount)
    shipping = abs(shipping_discount.amount) if shipping_discount else Decimal(0)
    promotion = abs(promotion_discount.amount) if promotion_discount else Decimal(0)
    if not tax or not shipping + promotion:
        return Money.zero(currency), Money(tax, currency)
    exponent = Decimal(1) if currency in _ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    shipping_tax = (tax * shipping / (shipping + promotion)).quantize(
        exponent, rounding=ROUND_HALF_UP
    )
    return Money(shipping_tax, currency), Money(tax - shipping_tax, currency)


def _dict(value, what, order_id):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise OrderDataError(f"{what} is not an object", order_id)
    return value


def _list(value, what, order_id):
    if value is None:
        return []
    if not isinstance(value, list):
        raise OrderDataError(f"{what} is not a list", order_id)
    return value


def _check_order(order_id, marketplace_id, items, currency):
    if not items:
        raise OrderDataError("has no items", order_id)
    if not marketplace_id:
        raise OrderDataError("has no marketplace", order_id)
    seen = set()
    for item in items:
        if item.order_item_id in seen:
            raise OrderDataError(f"lists item {item.order_item_id} twice", order_id)
        seen.add(item.order_item_id)
        for name in (
            "item_price",
            "item_tax",
            "shipping_price",
            "shipping_tax",
            "shipping_discount",
            "shipping_discount_tax",
            "promotion_discount",
            "promotion_discount_tax",
            "gift_wrap_price",
            "gift_wrap_tax",
        ):
            money = getattr(item, name)
            if money is None:
                continue
            if currency and money.currency != currency:
                raise OrderDataError(
                    f"item {item.order_item_id} is in {money.currency}, the order in "
                    f"{currency}",
                    order_id,
                )
            if money.amount < 0:
                raise OrderDataError(
                    f"item {item.order_item_id} has a negative "
                    f"{name.replace('_', ' ')}",
                    order_id,
                )


# === ORDERS API v0 === #


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


def _currency_of(items, order, marketplace_id=None):
    for item in items:
        if item.item_price is not None:
            return item.item_price.currency
    marketplace = get_marketplace(marketplace_id or order.get("MarketplaceId") or "")
    return marketplace.currency if marketplace else ""


# === ORDERS API 2026-01-01 === #


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
