"""Realistic Amazon orders for the sandbox, drawn from a seeded generator.

The mix follows what sellers see: several marketplaces and currencies of the seller's
region, tax-included (VAT/GST) and tax-exclusive (US and Canadian sales tax) prices, one
to five items, shipping charges and shipping discounts, promotions, gift wrap and
messages, FBA and FBM, pending, cancelled and replacement orders, buyer cancellation
requests, business orders with VAT numbers and purchase orders, used and collectible
items, and names and addresses in the languages of the marketplaces. Every order is a
2026-01-01 ``Order`` with every block, ready for :meth:`SandboxState.put_orders`.

The same seed gives the same orders. The tables it draws from (names, places, rates,
the catalog) are in :mod:`.sampledata`.
"""

import random
import string
from datetime import timedelta
from decimal import Decimal

from ..marketplaces import MARKETPLACES
from .orderdata import money_2026, quantize
from .sampledata import (
    CANCEL_REASONS,
    FX,
    GIFT_MESSAGES,
    ORDER_PREFIX,
    PEOPLE,
    PLACES,
    STREETS,
    VAT,
    WORDS,
    catalog,
)
from .state import iso


class OrderGenerator:
    """Draws orders for one seller.

    :param str seller_id: the seller.
    :param list marketplace_ids: the marketplaces to sell in (documented ones only).
    :param int seed: the seed.
    """

    def __init__(self, seller_id, marketplace_ids, seed=0):
        self.rng = random.Random(seed)
        self.seller_id = seller_id
        self.marketplaces = [
            MARKETPLACES[m] for m in marketplace_ids if m in MARKETPLACES
        ]
        if not self.marketplaces:
            raise ValueError("the generator needs at least one documented marketplace")
        self.products = catalog(seller_id)
        self.used_ids = set()

    def orders(self, count, start, end):
        """Return ``count`` orders created between ``start`` and ``end`` (aware),
        oldest first."""
        span = max((end - start).total_seconds(), 1)
        moments = sorted(
            start + timedelta(seconds=self.rng.random() * span) for _ in range(count)
        )
        return [self.order(created, end) for created in moments]

    # --- one order ---

    def order(self, created, end):
        rng = self.rng
        marketplace = rng.choice(self.marketplaces)
        country = marketplace.country_code
        fba = rng.random() < 0.35
        status = self._status(fba)
        business = rng.random() < 0.08
        replacement = (
            status not in ("PENDING", "PENDING_AVAILABILITY") and rng.random() < 0.01
        )
        order_id = self._order_id(country)
        updated = min(end, created + timedelta(minutes=rng.randint(1, 4000)))
        if status in ("PENDING", "PENDING_AVAILABILITY"):
            updated = min(end, created + timedelta(minutes=rng.randint(0, 30)))
        programs = []
        if rng.random() < 0.4:
            programs.append("PRIME")
        if business:
            programs.append("AMAZON_BUSINESS")
        place = rng.choice(PLACES.get(country, [("City", "", "00000", None)]))
        service_level = rng.choices(
            ["STANDARD", "EXPEDITED", "NEXT_DAY", "SECOND_DAY"], [80, 12, 5, 3]
        )[0]
        order = {
            "orderId": order_id,
            "orderAliases": [{"aliasId": order_id, "aliasType": "SELLER_ORDER_ID"}],
            "createdTime": iso(created),
            "lastUpdatedTime": iso(updated),
            "programs": programs,
            "associatedOrders": [],
            "salesChannel": {
                "channelName": "AMAZON",
                "marketplaceId": marketplace.id,
                "marketplaceName": marketplace.name,
            },
            "fulfillment": {
                "fulfillmentStatus": status,
                "fulfilledBy": "AMAZON" if fba else "MERCHANT",
                "fulfillmentServiceLevel": service_level,
                "shipByWindow": {
                    "earliestDateTime": iso(created + timedelta(hours=2)),
                    "latestDateTime": iso(created + timedelta(days=2)),
                },
                "deliverByWindow": {
                    "earliestDateTime": iso(created + timedelta(days=3)),
                    "latestDateTime": iso(created + timedelta(days=7)),
                },
            },
        }
        if replacement:
            order["associatedOrders"] = [
                {
                    "orderId": self._order_id(country, remember=False),
                    "associationType": "REPLACEMENT_ORIGINAL_ID",
                }
            ]
        priced = status not in ("PENDING", "PENDING_AVAILABILITY")
        if priced:
            self._people(order, marketplace, place, fba, business, status)
        items = [
            self._item(order, marketplace, place, status, fba, replacement, position)
            for position in range(rng.choices([1, 2, 3, 4, 5], [70, 18, 7, 3, 2])[0])
        ]
        order["orderItems"] = items
        if priced:
            self._totals(order, marketplace)
        if status == "CANCELLED":
            by = rng.choice(["BUYER", "AMAZON", "MERCHANT"])
            for item in items:
                item["cancellation"] = {
                    "cancellationExecution": {
                        "cancelledBy": by,
                        "cancelReason": rng.choice(CANCEL_REASONS),
                    }
                }
        elif status == "UNSHIPPED" and rng.random() < 0.04:
            items[0]["cancellation"] = {
                "cancellationRequest": {
                    "requester": "BUYER",
                    "cancelReason": rng.choice(CANCEL_REASONS),
                }
            }
        return order

    def _status(self, fba):
        statuses = [
            "SHIPPED",
            "UNSHIPPED",
            "PARTIALLY_SHIPPED",
            "PENDING",
            "CANCELLED",
            "PENDING_AVAILABILITY",
        ]
        weights = [48, 28, 4, 10, 9, 1] if not fba else [70, 12, 0, 10, 8, 0]
        return self.rng.choices(statuses, weights)[0]

    def _order_id(self, country, remember=True):
        while True:
            digits = "".join(self.rng.choices(string.digits, k=14))
            order_id = f"{ORDER_PREFIX.get(country, '999')}-{digits[:7]}-{digits[7:]}"
            if order_id not in self.used_ids:
                if remember:
                    self.used_ids.add(order_id)
                return order_id

    def _people(self, order, marketplace, place, fba, business, status):
        rng = self.rng
        country = marketplace.country_code
        first, last = PEOPLE.get(country, PEOPLE["US"])
        name = f"{rng.choice(first)} {rng.choice(last)}"
        city, state, postal_code, _rate = place
        tld = marketplace.domain.removeprefix("www.amazon.")
        buyer = {"buyerName": name}
        if not fba and status in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"):
            alias = "".join(rng.choices(string.ascii_lowercase + string.digits, k=15))
            buyer["buyerEmail"] = f"{alias}@marketplace.amazon.{tld}"
        address = {
            "name": name,
            "addressLine1": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
            "city": city,
            "postalCode": postal_code,
            "countryCode": country,
            "addressType": "RESIDENTIAL",
        }
        if state:
            address["stateOrRegion"] = state
        if rng.random() < 0.3:
            address["addressLine2"] = rng.choice(
                ["Apt 4B", "2. OG links", "Bâtiment C"]
            )
        if not fba:
            address["phone"] = (
                f"+{rng.randint(1, 99)} {rng.randint(100, 999)} "
                f"{rng.randint(1000000, 9999999)}"
            )
        if business:
            suffix = rng.choice(["GmbH", "SARL", "Ltd", "S.L.", "Inc."])
            company = f"{rng.choice(WORDS)} {suffix}"
            buyer["buyerCompanyName"] = company
            buyer["buyerPurchaseOrderNumber"] = f"PO-{rng.randint(10000, 99999)}"
            address["companyName"] = company
            address["addressType"] = "COMMERCIAL"
            if marketplace.region == "EU":
                order["tax"] = {
                    "taxRegistrations": [
                        {
                            "entityType": "BUYER",
                            "legalName": company,
                            "taxRegistrationType": "VAT",
                            "taxRegistrationNumber": (
                                f"{country}{rng.randint(100000000, 999999999)}"
                            ),
                        }
                    ]
                }
        order["buyer"] = buyer
        order["recipient"] = {"deliveryAddress": address}

    def _item(self, order, marketplace, place, status, fba, replacement, position):
        rng = self.rng
        currency = marketplace.currency
        sku, asin, title, usd = rng.choice(self.products)
        quantity = rng.choices([1, 2, 3], [80, 15, 5])[0]
        if status == "PARTIALLY_SHIPPED" and position == 0:
            quantity = max(quantity, 2)
        condition = rng.choices(["NEW", "USED", "COLLECTIBLE"], [95, 4, 1])[0]
        subtype = (
            "NEW"
            if condition == "NEW"
            else rng.choice(["VERY_GOOD", "GOOD", "ACCEPTABLE"])
        )
        unit = (
            Decimal(0)
            if replacement
            else quantize(usd * Decimal(FX[currency]), currency)
        )
        shipped = {
            "SHIPPED": quantity,
            "PARTIALLY_SHIPPED": 1 if position == 0 else 0,
        }.get(status, 0)
        item = {
            "orderItemId": "".join(rng.choices(string.digits, k=14)),
            "quantityOrdered": quantity,
            "product": {
                "asin": asin,
                "title": title,
                "sellerSku": sku,
                "condition": {"conditionType": condition, "conditionSubtype": subtype},
                "price": {"unitPrice": money_2026(unit, currency)},
            },
            "fulfillment": {
                "quantityFulfilled": shipped,
                "quantityUnfulfilled": quantity - shipped,
            },
        }
        if condition != "NEW":
            item["product"]["condition"]["conditionNote"] = (
                "Boîte ouverte, état impeccable"
            )
        if status in ("PENDING", "PENDING_AVAILABILITY"):
            return item
        # Amounts of the line (positive charges; discounts as Amazon's 2026 negatives).
        item_price = unit * quantity
        shipping = Decimal(0)
        if not fba and not replacement and rng.random() < 0.7:
            shipping = quantize(
                Decimal(rng.choice([299, 499, 699])) / 100 * Decimal(FX[currency]),
                currency,
            )
        shipping_discount = shipping if shipping and rng.random() < 0.15 else Decimal(0)
        promotion = Decimal(0)
        if not replacement and rng.random() < 0.15:
            promotion = quantize(item_price * Decimal("0.10"), currency)
            item["promotion"] = {
                "breakdowns": [{"promotionId": f"PROMO-{rng.randint(100, 999)}"}]
            }
        gift_wrap = Decimal(0)
        if not fba and rng.random() < 0.05:
            gift_wrap = quantize(Decimal("3.99") * Decimal(FX[currency]), currency)
            item["fulfillment"]["packing"] = {
                "giftOption": {
                    "giftMessage": rng.choice(GIFT_MESSAGES),
                    "giftWrapLevel": rng.choice(["Classic", "Premium"]),
                }
            }
        item["_amounts"] = (
            item_price,
            shipping,
            shipping_discount,
            promotion,
            gift_wrap,
        )
        if marketplace.country_code == "US" and not replacement:
            item["tax"] = {
                "taxCollections": [
                    {
                        "model": "MARKETPLACE_FACILITATOR",
                        "responsibleParty": "Amazon Services, Inc.",
                    }
                ]
            }
        return item

    def _totals(self, order, marketplace):
        """Fill the proceeds of the items and of the order."""
        currency = marketplace.currency
        country = marketplace.country_code
        place_rate = None
        address = order.get("recipient", {}).get("deliveryAddress", {})
        for city, _state, _zip, rate in PLACES.get(country, []):
            if city == address.get("city"):
                place_rate = rate
        if marketplace.tax_included:
            rate = Decimal(VAT.get(country, "0"))
            with_tax_breakdown = self.rng.random() < 0.85
        else:
            rate = Decimal(place_rate or "0.07")
            with_tax_breakdown = True
        totals = {}
        grand_total = Decimal(0)
        for item in order["orderItems"]:
            item_price, shipping, shipping_discount, promotion, gift_wrap = item.pop(
                "_amounts"
            )

            def tax(gross):
                if marketplace.tax_included:
                    return gross - quantize(gross / (1 + rate), currency)
                return quantize(gross * rate, currency)

            taxes = {
                "ITEM": tax(item_price),
                "SHIPPING": tax(shipping),
                "GIFT_WRAP": tax(gift_wrap),
                "DISCOUNT": -tax(shipping_discount + promotion),
            }
            breakdowns = [
                {"type": "ITEM", "subtotal": money_2026(item_price, currency)}
            ]
            if shipping:
                breakdowns.append(
                    {"type": "SHIPPING", "subtotal": money_2026(shipping, currency)}
                )
            if gift_wrap:
                breakdowns.append(
                    {"type": "GIFT_WRAP", "subtotal": money_2026(gift_wrap, currency)}
                )
            tax_total = sum(taxes.values())
            if with_tax_breakdown:
                breakdowns.append(
                    {
                        "type": "TAX",
                        "subtotal": money_2026(tax_total, currency),
                        "detailedBreakdowns": [
                            {"subtype": kind, "value": money_2026(amount, currency)}
                            for kind, amount in taxes.items()
                            if amount or kind == "ITEM"
                        ],
                    }
                )
            discount = shipping_discount + promotion
            if discount:
                details = []
                if promotion:
                    details.append(
                        {"subtype": "ITEM", "value": money_2026(-promotion, currency)}
                    )
                if shipping_discount:
                    details.append(
                        {
                            "subtype": "SHIPPING",
                            "value": money_2026(-shipping_discount, currency),
                        }
                    )
                breakdowns.append(
                    {
                        "type": "DISCOUNT",
                        "subtotal": money_2026(-discount, currency),
                        "detailedBreakdowns": details,
                    }
                )
            item_total = item_price + shipping + gift_wrap - discount
            if not marketplace.tax_included:
                item_total += tax_total
            item["proceeds"] = {
                "proceedsTotal": money_2026(item_total, currency),
                "breakdowns": breakdowns,
            }
            grand_total += item_total
            for breakdown in breakdowns:
                amount = Decimal(breakdown["subtotal"]["amount"])
                totals[breakdown["type"]] = totals.get(breakdown["type"], 0) + amount
        order["proceeds"] = {
            "grandTotal": money_2026(grand_total, currency),
            "breakdowns": [
                {"type": kind, "subtotal": money_2026(amount, currency)}
                for kind, amount in totals.items()
            ],
        }


def generate(state, seller_id, count, seed=0, start=None, end=None):
    """Generate ``count`` orders for a seller of the sandbox and store them.

    :param SandboxState state: the sandbox's state.
    :param datetime start: the earliest creation time (default: 30 days before ``end``).
    :param datetime end: the latest update time (default: five minutes ago).
    :return: the orders stored.
    """
    seller = state.sellers[seller_id]
    end = end or state.clock.now() - timedelta(minutes=5)
    start = start or end - timedelta(days=30)
    orders = OrderGenerator(seller_id, seller.marketplaces, seed).orders(
        count, start, end
    )
    state.put_orders(seller_id, orders)
    return orders
