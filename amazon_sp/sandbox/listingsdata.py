"""The seller's listings as the sandbox holds them.

A listings item (``state.listings[seller_id][sku]``) is a dict:

- ``sku``, ``productType``, ``asin``, ``itemName``, ``barcode`` and ``barcodeType``
  (``EAN``, ``UPC``, ``ISBN`` or empty);
- ``marketplaces``: marketplace id -> ``{"status", "conditionType", "createdDate",
  "lastUpdatedDate"}`` (where the SKU is listed);
- ``attributes``: Amazon's attribute JSON, as the Listings Items API names it:
  ``fulfillment_availability`` (the quantity of channel ``DEFAULT``, or an ``AMAZON_*``
  channel for FBA), ``purchasable_offer`` (prices by marketplace and audience, with
  ``minimum_seller_allowed_price``), and whatever else was sent;
- ``issues``: Listings Items API ``Issue`` objects.

How they change (patches, attributes, Amazon's checks) is :mod:`.listings_rules`.

:func:`report_text` writes the merchant listings report of a marketplace;
:func:`generate` makes realistic listings for demos and benchmarks.
"""

import random
import zlib
from datetime import timedelta

from ..marketplaces import MARKETPLACES
from .state import iso

FBM = "DEFAULT"
FBA_CHANNELS = {"NA": "AMAZON_NA", "EU": "AMAZON_EU", "FE": "AMAZON_FE"}

REPORT_COLUMNS = (
    "item-name", "item-description", "listing-id", "seller-sku", "price", "quantity",
    "open-date", "image-url", "item-is-marketplace", "product-id-type",
    "zshop-shipping-fee", "item-note", "item-condition", "zshop-category1",
    "zshop-browse-path", "zshop-storefront-feature", "asin1", "asin2", "asin3",
    "will-ship-internationally", "expedited-shipping", "zshop-boldface", "product-id",
    "bid-for-featured-placement", "add-delete", "pending-quantity",
    "fulfillment-channel", "merchant-shipping-group", "status",
)  # fmt: skip
"""The columns of ``GET_MERCHANT_LISTINGS_ALL_DATA`` (SPAPI notes 9.2)."""
_PRODUCT_ID_TYPES = {"ISBN": "2", "UPC": "3", "EAN": "4"}

# === ITEMS === #


def new_item(
    sku,
    marketplaces,
    now,
    *,
    asin="",
    title="",
    quantity=None,
    prices=None,
    minimum_prices=None,
    channel=FBM,
    region="NA",
    barcode="",
    barcode_type="EAN",
    product_type="PRODUCT",
    issues=(),
    buyable=True,
):
    """A listings item, as :func:`put <amazon_sp.sandbox.listings_control>` stores
    it.

    :param list marketplaces: where it is listed.
    :param int quantity: the FBM quantity (channel ``DEFAULT``); for ``channel`` FBA,
        Amazon's own.
    :param dict prices: marketplace id -> the standard price (a number).
    :param dict minimum_prices: marketplace id -> the minimum seller allowed price.
    :param str channel: ``FBM`` (``DEFAULT``) or ``FBA`` (the region's Amazon
        channel).
    """
    created = iso(now - timedelta(days=30))
    code = FBA_CHANNELS.get(region, "AMAZON_NA") if channel.upper() == "FBA" else FBM
    availability = {"fulfillment_channel_code": code}
    if code == FBM and quantity is not None:
        availability["quantity"] = int(quantity)
    offers = []
    for marketplace_id, amount in (prices or {}).items():
        offer = _offer_entry(marketplace_id, amount)
        minimum = (minimum_prices or {}).get(marketplace_id)
        if minimum is not None:
            offer["minimum_seller_allowed_price"] = [
                {"schedule": [{"value_with_tax": minimum}]}
            ]
        offers.append(offer)
    attributes = {"fulfillment_availability": [availability]}
    if offers:
        attributes["purchasable_offer"] = offers
    return {
        "sku": sku,
        "productType": product_type,
        "asin": asin,
        "itemName": title or sku,
        "barcode": barcode,
        "barcodeType": barcode_type if barcode else "",
        "marketplaces": {
            marketplace_id: {
                "status": ["BUYABLE", "DISCOVERABLE"] if buyable else [],
                "conditionType": "new_new",
                "createdDate": created,
                "lastUpdatedDate": created,
            }
            for marketplace_id in marketplaces
        },
        "attributes": attributes,
        "issues": [dict(i) for i in issues],
    }


def _offer_entry(marketplace_id, amount):
    currency = MARKETPLACES[marketplace_id].currency
    return {
        "marketplace_id": marketplace_id,
        "currency": currency,
        "audience": "ALL",
        "our_price": [{"schedule": [{"value_with_tax": amount}]}],
    }


def channel(item):
    """The item's fulfillment channel code: ``DEFAULT`` (FBM) or ``AMAZON_*``."""
    codes = [
        a.get("fulfillment_channel_code")
        for a in item["attributes"].get("fulfillment_availability") or ()
    ]
    return next((c for c in codes if c and c != FBM), FBM)


def quantity(item):
    """The quantity the seller offers (channel ``DEFAULT``), or None."""
    for entry in item["attributes"].get("fulfillment_availability") or ():
        if entry.get("fulfillment_channel_code") == FBM:
            return entry.get("quantity")
    return None


def handling_time(item):
    for entry in item["attributes"].get("fulfillment_availability") or ():
        if entry.get("fulfillment_channel_code") == FBM:
            return entry.get("lead_time_to_ship_max_days")
    return None


def schedule_value(prices):
    try:
        return prices[0]["schedule"][0]["value_with_tax"]
    except (IndexError, KeyError, TypeError):
        return None


def price(item, marketplace_id, key="our_price"):
    """The standard price (audience ALL) of the item in a marketplace, or None."""
    for offer in item["attributes"].get("purchasable_offer") or ():
        if (
            offer.get("marketplace_id") == marketplace_id
            and offer.get("audience", "ALL") == "ALL"
        ):
            return schedule_value(offer.get(key))
    return None


def status(item, marketplace_id):
    """``Active``, ``Inactive`` or ``Incomplete``, as the listings report writes it."""
    listed = item["marketplaces"].get(marketplace_id) or {}
    if _errors(item, marketplace_id):
        return "Incomplete"
    if "BUYABLE" in (listed.get("status") or ()) and (
        channel(item) != FBM or (quantity(item) or 0) > 0
    ):
        return "Active"
    return "Inactive"


def _errors(item, marketplace_id):
    return [
        i
        for i in item["issues"]
        if i.get("severity") == "ERROR"
        and (not i.get("marketplaceIds") or marketplace_id in i["marketplaceIds"])
    ]


def summary(item, marketplace_id):
    listed = item["marketplaces"][marketplace_id]
    data = {
        "marketplaceId": marketplace_id,
        "productType": item["productType"],
        "conditionType": listed.get("conditionType", "new_new"),
        "status": [
            s
            for s in listed.get("status") or ()
            if s != "BUYABLE" or status(item, marketplace_id) == "Active"
        ],
        "itemName": item["itemName"],
        "createdDate": listed["createdDate"],
        "lastUpdatedDate": listed["lastUpdatedDate"],
    }
    if item.get("asin"):
        data["asin"] = item["asin"]
    return data


def render_item(item, marketplace_ids, included):
    """The Listings Items API ``Item`` of a listings item, for some marketplaces.

    :param list included: the ``includedData`` asked for.
    """
    listed = [m for m in marketplace_ids if m in item["marketplaces"]]
    data = {"sku": item["sku"]}
    if "summaries" in included:
        data["summaries"] = [summary(item, m) for m in listed]
    if "attributes" in included:
        data["attributes"] = item["attributes"]
    if "issues" in included:
        data["issues"] = [
            i
            for i in item["issues"]
            if not i.get("marketplaceIds") or set(i["marketplaceIds"]) & set(listed)
        ]
    if "offers" in included:
        data["offers"] = [
            {
                "marketplaceId": m,
                "offerType": "B2C",
                "price": {
                    "currencyCode": MARKETPLACES[m].currency,
                    "amount": _amount(price(item, m)),
                },
                "audience": {"value": "ALL", "displayName": "Sell on Amazon"},
            }
            for m in listed
            if price(item, m) is not None
        ]
    if "fulfillmentAvailability" in included:
        availability = []
        for entry in item["attributes"].get("fulfillment_availability") or ():
            row = {"fulfillmentChannelCode": entry["fulfillment_channel_code"]}
            if entry.get("quantity") is not None:
                row["quantity"] = entry["quantity"]
            availability.append(row)
        data["fulfillmentAvailability"] = availability
    if "productTypes" in included:
        data["productTypes"] = [
            {"marketplaceId": m, "productType": item["productType"]} for m in listed
        ]
    return data


def _amount(value):
    return f"{value:.2f}" if isinstance(value, (int, float)) else str(value)


# === REPORT === #


def report_rows(items, marketplace_id, active_only=False):
    """The rows of the merchant listings report of a marketplace (dicts by column)."""
    rows = []
    for item in sorted(items, key=lambda i: i["sku"]):
        if marketplace_id not in item["marketplaces"]:
            continue
        state = status(item, marketplace_id)
        if active_only and state != "Active":
            continue
        code = channel(item)
        amount = price(item, marketplace_id)
        listed = item["marketplaces"][marketplace_id]
        rows.append(
            {
                "item-name": item["itemName"],
                "listing-id": _listing_id(item["sku"], marketplace_id),
                "seller-sku": item["sku"],
                "price": _amount(amount) if amount is not None else "",
                "quantity": str(quantity(item) or 0) if code == FBM else "",
                "open-date": listed["createdDate"]
                .replace("T", " ")
                .replace("Z", " UTC"),
                "item-is-marketplace": "y",
                "product-id-type": _PRODUCT_ID_TYPES.get(item.get("barcodeType"), "1"),
                "item-condition": "11",
                "asin1": item.get("asin", ""),
                "product-id": item.get("barcode") or item.get("asin", ""),
                "pending-quantity": "0",
                "fulfillment-channel": code,
                "merchant-shipping-group": "Migrated Template",
                "status": state,
            }
        )
    return rows


def _listing_id(sku, marketplace_id):
    return f"{zlib.crc32(f'{sku}/{marketplace_id}'.encode()):010d}"


def report_text(items, marketplace_id, active_only=False):
    """The merchant listings report of a marketplace, tab-separated."""
    lines = ["\t".join(REPORT_COLUMNS)]
    for row in report_rows(items, marketplace_id, active_only):
        lines.append(
            "\t".join(
                row.get(c, "").replace("\t", " ").replace("\n", " ")
                for c in REPORT_COLUMNS
            )
        )
    return "\n".join(lines) + "\n"


# === GENERATOR === #


def generate(count, marketplaces, now, seed=0, fba_share=0.2, prefix="SKU"):
    """Realistic listings for demos and benchmarks: titles, ASINs, EANs, quantities,
    prices in each marketplace's currency, some FBA.

    :rtype: list[dict]
    """
    rng = random.Random(seed)
    region = MARKETPLACES[marketplaces[0]].region
    words = ("Mug", "Lamp", "Chair", "Desk", "Kettle", "Vase", "Clock", "Bag", "Pen")
    colours = ("red", "blue", "green", "black", "white", "oak", "steel")
    items = []
    for number in range(1, count + 1):
        body = f"{number:012d}"
        check = (
            10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10
        ) % 10
        fba = rng.random() < fba_share
        items.append(
            new_item(
                f"{prefix}-{number:06d}",
                marketplaces,
                now,
                asin=f"B0{number:08d}",
                title=f"{rng.choice(words)} {rng.choice(colours)} #{number}",
                quantity=None if fba else rng.randint(0, 200),
                prices={m: round(rng.uniform(5, 200), 2) for m in marketplaces},
                channel="FBA" if fba else "FBM",
                region=region,
                barcode=body + str(check),
                barcode_type="EAN",
            )
        )
    return items
