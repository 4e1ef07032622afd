"""Settlements the sandbox makes from its own orders, as Amazon makes them when a
settlement period closes.

:func:`close_settlement` settles a seller's shipped orders of one marketplace: each
item's price, tax, shipping, gift wrap and promotions (what the buyer paid, less the
tax Amazon withholds as marketplace facilitator), the fees Amazon charges (commission,
FBA fulfilment fee, shipping chargeback, digital services fee), refunds asked for,
other transactions (subscription fee, storage fee, advertising, a reimbursement), the
reserve Amazon holds back and releases, and orders the sandbox does not know (sold
through another system). The report is a V2 flat file in the marketplace's locale
(``1.234,56`` and ``27.03.2026`` on the continent, ``1,234.56`` and ISO dates
elsewhere), stored as a ``GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`` report with a
GZIP document, and the payout as a financial event group (see :mod:`.finances`).

The amounts agree with the orders: an order's ``Order`` rows of types ``ItemPrice``,
``Promotion`` and ``ItemWithheldTax`` add up to its ``proceeds.grandTotal`` less the
withheld tax, and the rows add up to the settlement's total.
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from ..marketplaces import MARKETPLACES
from .orderdata import quantize
from .reports import add_report
from .state import iso

REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
COLUMNS = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "amount-type",
    "amount-description",
    "amount",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
)
# Marketplaces whose files write 1.234,56 and 27.03.2026.
CONTINENTAL = {"DE", "FR", "IT", "ES", "NL", "BE", "SE", "PL", "TR"}
COMMISSION_RATE = Decimal("0.15")


def close_settlement(
    state,
    seller_id,
    marketplace_id,
    *,
    start=None,
    end=None,
    order_ids=None,
    refunds=(),
    other=True,
    reserve=Decimal("0"),
    previous_reserve=Decimal("0"),
    foreign_orders=0,
    advertising=None,
    encoding="utf-8",
    seed=0,
):
    """Close a settlement period of a seller's marketplace: the report and the payout.

    :param SandboxState state: the sandbox's state.
    :param str marketplace_id: the marketplace (its currency is the settlement's).
    :param datetime start: start of the period (default: the end of the last one, or
        14 days before ``end``).
    :param datetime end: end of the period (default: now).
    :param list order_ids: the orders to settle (default: every shipped order of the
        marketplace not settled yet).
    :param list refunds: ``{"order_id", "sku"?, "quantity"?, "shipping"?}``: refunds
        of settled orders (all of an item, or some of its quantity; its shipping unless
        ``shipping`` is False).
    :param bool other: add a subscription fee, a storage fee, advertising and a
        reimbursement.
    :param Decimal reserve: the reserve Amazon holds back (a negative row).
    :param Decimal previous_reserve: the previous reserve it releases (positive row).
    :param int foreign_orders: orders sold outside this sandbox (unknown to a
        connector), settled too.
    :param Decimal advertising: the cost of advertising (default: drawn); a large one
        makes a negative settlement.
    :return: ``{"settlement_id", "report_id", "total", "currency", "text", "group"}``.
    :rtype: dict
    """
    marketplace = MARKETPLACES[marketplace_id]
    currency = marketplace.currency
    rng = random.Random(seed)
    now = state.clock.now()
    end = end or now
    with state.lock:
        settled = state.settled_orders.setdefault(seller_id, {})
        previous_end = state.settlement_ends.get((seller_id, marketplace_id))
        state.settlement_sequence += 1
        settlement_id = str(23000000000 + state.settlement_sequence)
    start = start or previous_end or end - timedelta(days=14)
    orders = [
        order
        for order in state.seller_orders(seller_id)
        if order["salesChannel"]["marketplaceId"] == marketplace_id
        and (
            order["orderId"] in order_ids
            if order_ids is not None
            else order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
            and order["orderId"] not in settled
        )
    ]
    rows = []
    writer = _Rows(rows, marketplace, end)
    for order in orders:
        writer.order(order, rng)
        settled[order["orderId"]] = order
    for _index in range(foreign_orders):
        writer.foreign_order(rng)
    for refund in refunds:
        order = settled.get(refund["order_id"]) or state.get_order(
            seller_id, refund["order_id"]
        )
        if order is None:
            raise ValueError(f"unknown order {refund['order_id']!r} to refund")
        writer.refund(order, refund)
    if other:
        writer.other(rng, advertising)
    elif advertising:
        writer.advertising(Decimal(advertising))
    if previous_reserve:
        writer.reserve("Previous Reserve Amount Balance", Decimal(previous_reserve))
    if reserve:
        writer.reserve("Current Reserve Amount", -Decimal(reserve))
    total = sum((row["amount"] for row in rows), Decimal(0))
    deposit = end + timedelta(days=1)
    text = writer.text(settlement_id, start, end, deposit, total)
    report = add_report(
        state, seller_id, REPORT_TYPE, [marketplace_id], text, encoding, compress=True
    )
    group = {
        "FinancialEventGroupId": uuid.UUID(int=rng.getrandbits(128)).hex,
        "ProcessingStatus": "Closed",
        "FundTransferStatus": "Succeeded",
        "OriginalTotal": {"CurrencyCode": currency, "CurrencyAmount": float(total)},
        "ConvertedTotal": {"CurrencyCode": currency, "CurrencyAmount": float(total)},
        "FundTransferDate": iso(deposit),
        "TraceId": f"AMZN{rng.randrange(10**10):010d}",
        "AccountTail": f"{rng.randrange(1000):03d}",
        "BeginningBalance": {
            "CurrencyCode": currency,
            "CurrencyAmount": float(previous_reserve),
        },
        "FinancialEventGroupStart": iso(start),
        "FinancialEventGroupEnd": iso(end),
    }
    with state.lock:
        state.financial_event_groups.setdefault(seller_id, []).append(group)
        state.settlement_ends[(seller_id, marketplace_id)] = end
    return {
        "settlement_id": settlement_id,
        "report_id": report["reportId"],
        "total": str(total),
        "currency": currency,
        "rows": len(rows),
        "orders": [order["orderId"] for order in orders],
        "text": text,
        "group": group,
    }


class _Rows:
    """The rows of one settlement, written in the marketplace's locale."""

    def __init__(self, rows, marketplace, posted):
        self.rows = rows
        self.marketplace = marketplace
        self.currency = marketplace.currency
        self.continental = marketplace.country_code in CONTINENTAL
        self.posted = posted

    def _add(self, transaction_type, amount_type, description, amount, **values):
        amount = quantize(amount, self.currency)
        if not amount and amount_type not in ("ItemPrice",):
            return
        self.rows.append(
            {
                "transaction-type": transaction_type,
                "amount-type": amount_type,
                "amount-description": description,
                "amount": amount,
                "marketplace-name": self.marketplace.name,
                **values,
            }
        )

    # --- orders ---

    def order(self, order, rng):
        fba = order["fulfillment"].get("fulfilledBy") == "AMAZON"
        shipment_id = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=9))
        for item in order["orderItems"]:
            amounts = _item_amounts(item, self.marketplace.tax_included)
            common = {
                "order-id": order["orderId"],
                "shipment-id": shipment_id,
                "fulfillment-id": "AFN" if fba else "MFN",
                "order-item-code": item["orderItemId"],
                "sku": item["product"]["sellerSku"],
                "quantity-purchased": str(item["quantityOrdered"]),
            }
            for description, amount in amounts["price"]:
                self._add("Order", "ItemPrice", description, amount, **common)
            for description, amount in amounts["promotion"]:
                promotion = (item.get("promotion") or {}).get("breakdowns") or [{}]
                self._add(
                    "Order",
                    "Promotion",
                    description,
                    amount,
                    **common,
                    **{"promotion-id": promotion[0].get("promotionId", "")},
                )
            if _facilitator(item):
                for description, amount in amounts["withheld"]:
                    self._add("Order", "ItemWithheldTax", description, amount, **common)
            gross = amounts["gross_item"]
            self._add(
                "Order", "ItemFees", "Commission", -gross * COMMISSION_RATE, **common
            )
            if fba:
                fee = Decimal("2.70") * item["quantityOrdered"]
                self._add(
                    "Order", "ItemFees", "FBAPerUnitFulfillmentFee", -fee, **common
                )
                if amounts["gross_shipping"]:
                    self._add(
                        "Order",
                        "ItemFees",
                        "ShippingChargeback",
                        -amounts["gross_shipping"],
                        **common,
                    )
            if self.continental:
                self._add(
                    "Order",
                    "ItemFees",
                    "DigitalServicesFee",
                    -gross * COMMISSION_RATE * Decimal("0.03"),
                    **common,
                )

    def foreign_order(self, rng):
        order_id = f"{rng.randrange(100, 999)}-{rng.randrange(10**7):07d}-" + (
            f"{rng.randrange(10**7):07d}"
        )
        price = quantize(Decimal(rng.randrange(1000, 9000)) / 100, self.currency)
        common = {
            "order-id": order_id,
            "merchant-order-id": "SHOP-" + order_id[-5:],
            "fulfillment-id": "MFN",
            "order-item-code": f"{rng.randrange(10**13):014d}",
            "sku": "ELSEWHERE-1",
            "quantity-purchased": "1",
        }
        self._add("Order", "ItemPrice", "Principal", price, **common)
        self._add("Order", "ItemFees", "Commission", -price * COMMISSION_RATE, **common)

    def refund(self, order, refund):
        adjustment_id = "".join(str(ord(c) % 10) for c in order["orderId"])[-14:]
        for item in order["orderItems"]:
            sku = item["product"]["sellerSku"]
            if refund.get("sku") and refund["sku"] != sku:
                continue
            quantity = int(refund.get("quantity") or item["quantityOrdered"])
            share = Decimal(quantity) / Decimal(item["quantityOrdered"])
            amounts = _item_amounts(item, self.marketplace.tax_included)
            common = {
                "order-id": order["orderId"],
                "adjustment-id": adjustment_id,
                "fulfillment-id": "AFN"
                if order["fulfillment"].get("fulfilledBy") == "AMAZON"
                else "MFN",
                "merchant-adjustment-item-id": f"ADJ-{item['orderItemId'][-6:]}",
                "sku": sku,
                "quantity-purchased": str(quantity),
            }
            shipping = refund.get("shipping", True)
            for description, amount in amounts["price"]:
                if description.startswith("Shipping") and not shipping:
                    continue
                part = amount if description.startswith("Shipping") else amount * share
                self._add("Refund", "ItemPrice", description, -part, **common)
            for description, amount in amounts["promotion"]:
                part = amount if description == "Shipping" else amount * share
                if description == "Shipping" and not shipping:
                    continue
                self._add("Refund", "Promotion", description, -part, **common)
            if _facilitator(item):
                for description, amount in amounts["withheld"]:
                    if description.endswith("Shipping") and not shipping:
                        continue
                    self._add(
                        "Refund", "ItemWithheldTax", description, -amount, **common
                    )
            commission = amounts["gross_item"] * share * COMMISSION_RATE
            self._add("Refund", "ItemFees", "Commission", commission, **common)
            self._add(
                "Refund",
                "ItemFees",
                "RefundCommission",
                -min(commission * Decimal("0.2"), Decimal(5)),
                **common,
            )

    # --- other transactions ---

    def other(self, rng, advertising=None):
        self._add(
            "other-transaction", "other-transaction", "Subscription Fee", -Decimal("39")
        )
        self._add(
            "other-transaction",
            "other-transaction",
            "Storage Fee",
            -quantize(Decimal(rng.randrange(100, 2000)) / 100, self.currency),
        )
        self.advertising(
            Decimal(advertising)
            if advertising is not None
            else quantize(Decimal(rng.randrange(500, 5000)) / 100, self.currency)
        )
        self._add(
            "FBA Inventory Reimbursement",
            "FBA Inventory Reimbursement",
            "WAREHOUSE_DAMAGE",
            quantize(Decimal(rng.randrange(300, 3000)) / 100, self.currency),
            **{"sku": "REIMBURSED-1", "quantity-purchased": "1"},
        )

    def advertising(self, amount):
        self._add(
            "ServiceFee", "Cost of Advertising", "TransactionTotalAmount", -amount
        )

    def reserve(self, description, amount):
        self._add("other-transaction", "other-transaction", description, amount)

    # --- the file ---

    def text(self, settlement_id, start, end, deposit, total):
        summary = dict.fromkeys(COLUMNS, "")
        summary.update(
            {
                "settlement-id": settlement_id,
                "settlement-start-date": self._datetime(start),
                "settlement-end-date": self._datetime(end),
                "deposit-date": self._datetime(deposit),
                "total-amount": self._amount(total),
                "currency": self.currency,
            }
        )
        lines = ["\t".join(COLUMNS), "\t".join(summary[c] for c in COLUMNS)]
        for row in self.rows:
            values = dict.fromkeys(COLUMNS, "")
            values.update({k: v for k, v in row.items() if k != "amount"})
            values.update(
                {
                    "settlement-id": settlement_id,
                    "amount": self._amount(row["amount"]),
                    "posted-date": self._date(self.posted),
                    "posted-date-time": self._datetime(self.posted),
                }
            )
            lines.append("\t".join(values[c] for c in COLUMNS))
        return "\n".join(lines) + "\n"

    def _amount(self, amount):
        text = f"{amount:,.{0 if self.currency == 'JPY' else 2}f}"
        if self.continental:
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def _date(self, moment):
        return moment.strftime("%d.%m.%Y" if self.continental else "%Y-%m-%d")

    def _datetime(self, moment):
        if self.continental:
            return moment.strftime("%d.%m.%Y %H:%M:%S UTC")
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _facilitator(item):
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(c.get("model") == "MARKETPLACE_FACILITATOR" for c in collections)


def _item_amounts(item, tax_included):
    """An item's settlement amounts, from its proceeds.

    :return: ``{"price": [(description, amount)], "promotion": [...], "withheld":
        [...], "gross_item", "gross_shipping"}``, amounts positive as the buyer paid
        them (promotions negative).
    """
    amounts = {}
    for breakdown in (item.get("proceeds") or {}).get("breakdowns", []):
        amounts[breakdown["type"]] = Decimal(breakdown["subtotal"]["amount"])
        for detail in breakdown.get("detailedBreakdowns", []):
            amounts[(breakdown["type"], detail["subtype"])] = Decimal(
                detail["value"]["amount"]
            )
    tax = {
        kind: amounts.get(("TAX", kind), Decimal(0)) for kind in ("ITEM", "SHIPPING")
    }
    tax["GIFT_WRAP"] = amounts.get(("TAX", "GIFT_WRAP"), Decimal(0))
    discount_tax = amounts.get(("TAX", "DISCOUNT"), Decimal(0))
    if "TAX" in amounts and not any(
        isinstance(k, tuple) and k[0] == "TAX" for k in amounts
    ):
        tax["ITEM"] = amounts["TAX"]
    item_price = amounts.get("ITEM", Decimal(0))
    shipping = amounts.get("SHIPPING", Decimal(0))
    gift_wrap = amounts.get("GIFT_WRAP", Decimal(0))
    if tax_included:
        # Prices include the tax: Principal is the price without it, Tax the rest.
        price = [
            ("Principal", item_price - tax["ITEM"]),
            ("Tax", tax["ITEM"]),
            ("Shipping", shipping - tax["SHIPPING"]),
            ("ShippingTax", tax["SHIPPING"]),
            ("GiftWrap", gift_wrap - tax["GIFT_WRAP"]),
            ("GiftWrapTax", tax["GIFT_WRAP"]),
        ]
        withheld_item = tax["ITEM"]
    else:
        # The discount's tax lowers the item's tax the buyer paid.
        price = [
            ("Principal", item_price),
            ("Tax", tax["ITEM"] + discount_tax),
            ("Shipping", shipping),
            ("ShippingTax", tax["SHIPPING"]),
            ("GiftWrap", gift_wrap),
            ("GiftWrapTax", tax["GIFT_WRAP"]),
        ]
        withheld_item = tax["ITEM"] + discount_tax
    promotion = [
        ("Principal", amounts.get(("DISCOUNT", "ITEM"), Decimal(0))),
        ("Shipping", amounts.get(("DISCOUNT", "SHIPPING"), Decimal(0))),
    ]
    withheld = [
        ("MarketplaceFacilitatorTax-Principal", -withheld_item),
        ("MarketplaceFacilitatorTax-Shipping", -tax["SHIPPING"]),
        ("MarketplaceFacilitatorTax-Giftwrap", -tax["GIFT_WRAP"]),
    ]
    return {
        "price": [(d, a) for d, a in price if a or d == "Principal"],
        "promotion": [(d, a) for d, a in promotion if a],
        "withheld": [(d, a) for d, a in withheld if a],
        "gross_item": item_price,
        "gross_shipping": shipping,
    }
