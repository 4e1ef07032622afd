"""How a listing changes in the sandbox, as Amazon changes it.

Changes follow Amazon's rules as far as they are documented: ``merge`` updates the
entries that share the selectors (``fulfillment_channel_code``; ``marketplace_id`` and
``audience``) and keeps the rest ("Merge a listing"); ``replace`` sets the attribute;
a quantity for channel ``DEFAULT`` makes an FBA listing merchant-fulfilled, as Amazon
does (which is why FBA quantities must never be sent). Invalid values are refused with
Amazon's issues: ``4000001`` (an invalid value), ``18155`` (a price under the minimum
price), ``90000900`` (an attribute that cannot be patched).
"""

import math
import re

from ..marketplaces import MARKETPLACES
from .listingsdata import FBM, schedule_value
from .state import iso

_ATTRIBUTE_PATH = re.compile(r"^/attributes/([a-z0-9_]+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MIN_PRICE_MESSAGE = (
    "The 'minimum price' is greater than the selling price (excluding shipping) for "
    "the listing. Review and update your price and/or minimum price."
)  # Amazon's issue 18155, as its Listings Items model shows it


def issue(code, message, attribute=None, categories=(), marketplace_ids=None):
    """A Listings Items API ``Issue`` of severity ERROR."""
    data = {
        "code": code,
        "message": message,
        "severity": "ERROR",
        "categories": list(categories),
    }
    if attribute:
        data["attributeNames"] = [attribute]
    if marketplace_ids:
        data["marketplaceIds"] = list(marketplace_ids)
    return data


def invalid_value(attribute):
    return issue(
        "4000001",
        f"The provided value for '{attribute}' is invalid.",
        attribute,
        ("INVALID_ATTRIBUTE",),
    )


def apply_patches(item, patches, marketplace_ids):
    """Apply a message's JSON patches to an item, all or none.

    :param list marketplace_ids: the marketplaces of the request (the feed's).
    :return: the issues that refuse them (nothing changed then), or an empty list.
    """
    changed = {
        "attributes": {k: copy_value(v) for k, v in item["attributes"].items()},
        "marketplaces": item["marketplaces"],
    }
    issues = []
    for patch in patches:
        match = _ATTRIBUTE_PATH.match(patch.get("path") or "")
        if not match:
            issues.append(
                issue(
                    "90000900",
                    "The attributes are invalid.",
                    (patch.get("path") or "").rsplit("/", 1)[-1] or "path",
                    ("INVALID_ATTRIBUTE",),
                )
            )
            continue
        name = match.group(1)
        value = patch.get("value")
        op = patch.get("op")
        if op == "delete":
            changed["attributes"].pop(name, None)
            continue
        problem = _check_value(name, value, marketplace_ids, changed["attributes"])
        if problem:
            issues.append(problem)
            continue
        if op == "merge":
            changed["attributes"][name] = _merge(
                name, changed["attributes"].get(name) or [], value
            )
        else:  # add, replace
            changed["attributes"][name] = copy_value(value)
        if name == "fulfillment_availability":
            _switch_to_merchant(changed["attributes"])
    if not issues:
        item["attributes"] = changed["attributes"]
    return issues


def apply_attributes(item, attributes, marketplace_ids, partial):
    """Apply the attributes of an ``UPDATE`` (all replaced) or ``PARTIAL_UPDATE``
    (those given replaced) message; return the issues that refuse it."""
    patches = [
        {"op": "replace", "path": f"/attributes/{name}", "value": value}
        for name, value in attributes.items()
    ]
    if partial:
        return apply_patches(item, patches, marketplace_ids)
    kept = item["attributes"]
    item["attributes"] = {}
    issues = apply_patches(item, patches, marketplace_ids)
    if issues:
        item["attributes"] = kept
    return issues


def copy_value(value):
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    if isinstance(value, dict):
        return {k: copy_value(v) for k, v in value.items()}
    return value


def _selectors(name, entry):
    if name == "fulfillment_availability":
        return (entry.get("fulfillment_channel_code"),)
    if name == "purchasable_offer":
        return (entry.get("marketplace_id"), entry.get("audience", "ALL"))
    return (entry.get("marketplace_id"), entry.get("language_tag"))


def _merge(name, existing, value):
    merged = [copy_value(entry) for entry in existing]
    for entry in value:
        key = _selectors(name, entry)
        target = next((e for e in merged if _selectors(name, e) == key), None)
        if target is None:
            merged.append(copy_value(entry))
        else:
            target.update(copy_value(entry))
    return merged


def _switch_to_merchant(attributes):
    """A quantity for channel DEFAULT turns an FBA listing into an FBM one."""
    entries = attributes.get("fulfillment_availability") or []
    if any(e.get("fulfillment_channel_code") == FBM for e in entries):
        attributes["fulfillment_availability"] = [
            e for e in entries if e.get("fulfillment_channel_code") == FBM
        ]


def _is_number(value, minimum=0.0, strict=True):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if not math.isfinite(value):
        return False
    return value > minimum if strict else value >= minimum


def _check_value(name, value, marketplace_ids, attributes):
    """The issue that refuses an attribute's new value, or None."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return invalid_value(name)
    if name == "fulfillment_availability":
        for entry in value:
            code = entry.get("fulfillment_channel_code")
            count = entry.get("quantity")
            days = entry.get("lead_time_to_ship_max_days")
            restock = entry.get("restock_date")
            if not isinstance(code, str) or not code:
                return invalid_value(name)
            if count is not None and (
                isinstance(count, bool)
                or not isinstance(count, int)
                or not 0 <= count < 2**31
            ):
                return invalid_value(name)
            if days is not None and (
                isinstance(days, bool)
                or not isinstance(days, int)
                or not 0 <= days <= 30
            ):
                return invalid_value(name)
            if restock is not None and not (
                isinstance(restock, str) and _DATE.match(restock)
            ):
                return invalid_value(name)
    elif name == "purchasable_offer":
        for entry in value:
            marketplace_id = entry.get("marketplace_id")
            if marketplace_id not in marketplace_ids:
                return invalid_value(name)
            if entry.get("currency") != MARKETPLACES[marketplace_id].currency:
                return invalid_value(name)
            our_price = entry.get("our_price")
            amount = schedule_value(our_price) if our_price is not None else None
            if our_price is not None and not _is_number(amount):
                return invalid_value(name)
            minimum = schedule_value(entry.get("minimum_seller_allowed_price"))
            if minimum is None:
                existing = next(
                    (
                        o
                        for o in attributes.get("purchasable_offer") or ()
                        if _selectors(name, o) == _selectors(name, entry)
                    ),
                    {},
                )
                minimum = schedule_value(existing.get("minimum_seller_allowed_price"))
            if amount is not None and _is_number(minimum) and minimum > amount:
                return issue(
                    "18155",
                    MIN_PRICE_MESSAGE,
                    categories=("INVALID_PRICE",),
                    marketplace_ids=[marketplace_id],
                )
    return None


def touch(item, marketplace_ids, now):
    for marketplace_id in marketplace_ids:
        if marketplace_id in item["marketplaces"]:
            item["marketplaces"][marketplace_id]["lastUpdatedDate"] = iso(now)
