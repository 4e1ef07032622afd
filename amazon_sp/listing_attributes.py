"""The attributes of a listing, written as Amazon's product type schemas want them,
and the ``UPDATE`` message of a ``JSON_LISTINGS_FEED`` that creates or replaces it.

Every attribute is a list of entries, each an object whose shape the schema gives:
``{"value": ..., "language_tag": ..., "marketplace_id": ...}`` for a text, a
``unit`` beside a measure's ``value``, or named parts (``length``, ``width``...) for
a nested value such as package dimensions. :func:`attribute_entries` writes the
entries of one value from the schema of its attribute, so that the caller only says
where the value goes.

Two kinds of listing (``requirements``):

- **offer only** (``LISTING_OFFER_ONLY``, product type ``PRODUCT``): an offer on an
  existing Amazon product, named by its ASIN (``merchant_suggested_asin``), with the
  condition, price, quantity and handling time (:func:`offer_attributes`);
- **full** (``LISTING``): the product's facts from the caller's mapping, its images
  (:func:`image_attributes`) and the same offer attributes.

:func:`update_message` makes the feed message; :func:`attributes_hash` fingerprints
what is sent, so that an unchanged listing is not sent again.
"""

import hashlib
import json
from decimal import Decimal, InvalidOperation

from .listings_feed import FeedMessage
from .marketplaces import MARKETPLACES
from .product_types import OFFER_ONLY, OFFER_PRODUCT_TYPE

MAX_OTHER_IMAGES = 8
CONDITIONS = (
    "new_new",
    "new_open_box",
    "new_oem",
    "refurbished_refurbished",
    "used_like_new",
    "used_very_good",
    "used_good",
    "used_acceptable",
    "collectible_like_new",
    "collectible_very_good",
    "collectible_good",
    "collectible_acceptable",
    "club_club",
)
"""Amazon's values of ``condition_type``."""
OFFER_ATTRIBUTES = (
    "condition_type",
    "merchant_suggested_asin",
    "purchasable_offer",
    "fulfillment_availability",
)
IMAGE_ATTRIBUTES = ("main_product_image_locator",) + tuple(
    f"other_product_image_locator_{n}" for n in range(1, MAX_OTHER_IMAGES + 1)
)

_LANGUAGES = {
    "US": "en_US", "CA": "en_CA", "MX": "es_MX", "BR": "pt_BR", "IE": "en_IE",
    "ES": "es_ES", "GB": "en_GB", "FR": "fr_FR", "BE": "fr_BE", "NL": "nl_NL",
    "DE": "de_DE", "IT": "it_IT", "SE": "sv_SE", "ZA": "en_ZA", "PL": "pl_PL",
    "EG": "ar_AE", "TR": "tr_TR", "SA": "ar_AE", "AE": "en_AE", "IN": "en_IN",
    "SG": "en_SG", "AU": "en_AU", "JP": "ja_JP",
}  # fmt: skip


def marketplace_language(marketplace_id):
    """The language of a marketplace's listings, e.g. ``fr_FR`` for Amazon.fr."""
    marketplace = MARKETPLACES.get(marketplace_id)
    return _LANGUAGES.get(marketplace.country_code if marketplace else "", "en_US")


# === ONE ATTRIBUTE === #


def _items_schema(schema, name):
    prop = (schema.get("properties") or {}).get(name) or {}
    items = prop.get("items") if isinstance(prop, dict) else None
    return items if isinstance(items, dict) else {}, prop


def _coerce(value, value_schema):
    kind = value_schema.get("type") if isinstance(value_schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    try:
        if "integer" in kinds and not isinstance(value, bool):
            number = Decimal(str(value).strip())
            if number == number.to_integral_value():
                return int(number)
        if "number" in kinds and not isinstance(value, bool):
            number = Decimal(str(value).strip())
            return (
                int(number) if number == number.to_integral_value() else float(number)
            )
    except (InvalidOperation, ValueError):
        return value  # left as it is: the validation tells what is wrong
    if "boolean" in kinds:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "y")
        return bool(value)
    if "string" in kinds or kind is None:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return value if isinstance(value, str) else str(value)
    return value


def _default_unit(unit_schema):
    if not isinstance(unit_schema, dict):
        return None
    if unit_schema.get("default"):
        return unit_schema["default"]
    enum = unit_schema.get("enum") or ()
    return enum[0] if enum else None


def _value_object(node_schema, value, unit):
    """``{"value": v, "unit": u}`` (or the bare value) after the schema of a node."""
    props = node_schema.get("properties") or {}
    if "value" not in props:
        return _coerce(value, node_schema)
    entry = {"value": _coerce(value, props["value"])}
    if "unit" in props:
        unit = unit or _default_unit(props["unit"])
        if unit:
            entry["unit"] = unit
    return entry


def attribute_entries(
    schema, name, values, marketplace_id, language=None, *, unit=None, part=None
):
    """The entries of an attribute holding some values, shaped after its schema.

    :param dict schema: the product type's schema.
    :param str name: Amazon's attribute name, e.g. ``bullet_point``.
    :param list values: the values (several make several entries: bullet points).
    :param str language: the language tag, written where the schema has one.
    :param str unit: the unit of a measure (else the schema's default or first).
    :param str part: a named part of a nested value, e.g. ``length`` of
        ``item_package_dimensions``: the entry is ``{part: {"value", "unit"}}``.
    :rtype: list[dict]
    """
    items, _prop = _items_schema(schema, name)
    props = items.get("properties") or {}
    entries = []
    for value in values:
        if value is None or value == "":
            continue
        if part:
            entry = {part: _value_object(props.get(part) or {}, value, unit)}
        else:
            entry = _value_object(items, value, unit)
            if not isinstance(entry, dict):
                entry = {"value": entry}
        if "language_tag" in props and language:
            entry["language_tag"] = language
        if "marketplace_id" in props:
            entry["marketplace_id"] = marketplace_id
        entries.append(entry)
    return entries


def merge_entries(attributes, name, entries):
    """Add an attribute's entries to ``attributes``; parts of one nested value
    (``length``, ``width``...) join its first entry."""
    existing = attributes.get(name)
    if not existing:
        if entries:
            attributes[name] = list(entries)
        return attributes
    for entry in entries:
        parts = {k for k in entry if k not in ("language_tag", "marketplace_id")}
        target = existing[0]
        if parts and not parts & set(target) and "value" not in entry:
            target.update(entry)
        else:
            existing.append(entry)
    return attributes


# === OFFER AND IMAGES === #


def offer_attributes(
    marketplace_id,
    *,
    condition="new_new",
    price=None,
    currency=None,
    quantity=None,
    handling_days=None,
    channel_code="DEFAULT",
    asin=None,
):
    """The offer's attributes in one marketplace: condition, price, quantity (sent for
    the seller's own stock only), handling time, and the ASIN of an offer-only
    listing.

    :param Decimal price: the price buyers pay, in ``currency``.
    :rtype: dict
    """
    attributes = {
        "condition_type": [{"value": condition, "marketplace_id": marketplace_id}]
    }
    if asin:
        attributes["merchant_suggested_asin"] = [
            {"value": asin, "marketplace_id": marketplace_id}
        ]
    if price is not None and Decimal(str(price)) > 0:
        amount = Decimal(str(price))
        attributes["purchasable_offer"] = [
            {
                "marketplace_id": marketplace_id,
                "currency": currency or MARKETPLACES[marketplace_id].currency,
                "audience": "ALL",
                "our_price": [{"schedule": [{"value_with_tax": float(amount)}]}],
            }
        ]
    availability = {"fulfillment_channel_code": channel_code}
    if channel_code == "DEFAULT":
        availability["quantity"] = max(int(quantity or 0), 0)
        if handling_days:
            availability["lead_time_to_ship_max_days"] = int(handling_days)
    attributes["fulfillment_availability"] = [availability]
    return attributes


def image_attributes(urls, marketplace_id):
    """The image attributes of a listing: the first URL is the main image, up to
    eight others follow."""
    attributes = {}
    for name, url in zip(IMAGE_ATTRIBUTES, urls, strict=False):
        attributes[name] = [{"media_location": url, "marketplace_id": marketplace_id}]
    return attributes


# === THE MESSAGE === #


def update_message(sku, product_type, attributes, *, offer_only=False, key=None):
    """The ``UPDATE`` message that creates or fully replaces a listing.

    :param bool offer_only: an offer on an existing ASIN (product type ``PRODUCT``,
        requirements ``LISTING_OFFER_ONLY``); else a full listing (``LISTING``).
    :rtype: FeedMessage
    """
    return FeedMessage(
        sku,
        operation_type="UPDATE",
        product_type=OFFER_PRODUCT_TYPE if offer_only else product_type,
        attributes=attributes,
        requirements=OFFER_ONLY if offer_only else "LISTING",
        key=key,
    )


def attributes_hash(attributes):
    """A fingerprint of attributes: equal when the same values would be sent."""
    text = json.dumps(attributes, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
