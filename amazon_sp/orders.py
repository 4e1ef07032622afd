"""Amazon orders as typed records, and the helpers that parse Amazon's payloads into
them (the parsers: :mod:`amazon_sp.orders_v0`, :mod:`amazon_sp.orders_2026`).

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
valid order, so that one bad order can be reported without stopping the others. The
``_``-prefixed helpers below are the parsers' shared vocabulary, not an API for callers.
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


# === HELPERS (shared by the v0 and 2026-01-01 parsers) === #


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


def _currency_of(items, order, marketplace_id=None):
    for item in items:
        if item.item_price is not None:
            return item.item_price.currency
    marketplace = get_marketplace(marketplace_id or order.get("MarketplaceId") or "")
    return marketplace.currency if marketplace else ""
