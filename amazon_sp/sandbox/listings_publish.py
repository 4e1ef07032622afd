"""Listings Items API 2021-08-01, the calls that create and remove a listing, as the
sandbox serves them: ``putListingsItem`` (checked against the product type as a
feed's ``UPDATE`` message is, :mod:`.product_type_rules`; with
``mode=VALIDATION_PREVIEW`` only checked, answered ``VALID`` or ``INVALID`` with
Amazon's issues) and ``deleteListingsItem`` (an unknown SKU is answered ``INVALID``
with ``NOT_FOUND``).
"""

import uuid
from urllib.parse import unquote

from . import listings_rules, listingsdata, product_type_rules
from .product_type_data import PRODUCT_TYPES
from .protocol import ApiError, Response, invalid_input
from .state import iso


def _seller_items(sandbox, request):
    if request.params["sellerId"] != request.seller.seller_id:
        raise ApiError(403, "Unauthorized", "Access to requested resource is denied.")
    return sandbox.state.listings.setdefault(request.seller.seller_id, {})


def _marketplace(request):
    marketplace_ids = request.csv("marketplaceIds")
    if len(marketplace_ids) != 1:
        raise invalid_input("One marketplaceId is required.")
    if marketplace_ids[0] not in request.seller.marketplaces:
        raise invalid_input(f"Invalid marketplaceIds: {marketplace_ids[0]}.")
    return marketplace_ids


def _answer(sku, status, issues):
    return Response(
        200,
        {
            "sku": sku,
            "status": status,
            "submissionId": uuid.uuid4().hex,
            "issues": issues,
        },
    )


def put_listings_item(sandbox, request):
    items = _seller_items(sandbox, request)
    marketplace_ids = _marketplace(request)
    sku = unquote(request.params["sku"])
    body = request.json()
    product_type = body.get("productType")
    attributes = body.get("attributes")
    requirements = body.get("requirements") or "LISTING"
    if not product_type or not isinstance(attributes, dict) or not attributes:
        raise ApiError(400, "BAD_REQUEST", "Invalid input", "Invalid input")
    if requirements not in ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY"):
        raise invalid_input("Invalid 'requirements'.")
    preview = request.arg("mode") == "VALIDATION_PREVIEW"
    state = sandbox.state
    issues = []
    if product_type in PRODUCT_TYPES or requirements == "LISTING_OFFER_ONLY":
        issues = product_type_rules.check(
            state, product_type, requirements, attributes, marketplace_ids
        )
    if issues or preview:
        return _answer(sku, "INVALID" if issues else "VALID", issues)
    with state.lock:
        now = state.clock.now()
        suggested = (attributes.get("merchant_suggested_asin") or [{}])[0]
        item = items.get(sku) or listingsdata.new_item(
            sku,
            marketplace_ids,
            now,
            asin=suggested.get("value") or f"B0SBX{len(items):05d}",
            quantity=None,
        )
        candidate = listings_rules.copy_value(item)
        candidate["productType"] = product_type
        problems = listings_rules.apply_attributes(
            candidate, attributes, marketplace_ids, partial=False
        )
        if problems:
            return _answer(sku, "INVALID", problems)
        for marketplace_id in marketplace_ids:
            candidate["marketplaces"].setdefault(
                marketplace_id,
                {
                    "status": ["BUYABLE", "DISCOVERABLE"],
                    "conditionType": "new_new",
                    "createdDate": iso(now),
                    "lastUpdatedDate": iso(now),
                },
            )
        name = (attributes.get("item_name") or [{}])[0].get("value")
        if name:
            candidate["itemName"] = name
        items[sku] = candidate
        listings_rules.touch(candidate, marketplace_ids, now)
    return _answer(sku, "ACCEPTED", [])


def delete_listings_item(sandbox, request):
    items = _seller_items(sandbox, request)
    marketplace_ids = _marketplace(request)
    sku = unquote(request.params["sku"])
    with sandbox.state.lock:
        item = items.get(sku)
        if item is None or marketplace_ids[0] not in item["marketplaces"]:
            return _answer(
                sku,
                "INVALID",
                [
                    listings_rules.issue(
                        "NOT_FOUND",
                        f"The SKU '{sku}' does not exist in marketplace "
                        f"{marketplace_ids[0]}.",
                    )
                ],
            )
        del item["marketplaces"][marketplace_ids[0]]
        if not item["marketplaces"]:
            del items[sku]
    return _answer(sku, "ACCEPTED", [])


def register(router):
    path = "/listings/2021-08-01/items/{sellerId}/{sku}"
    router.add("PUT", path, put_listings_item, "listingsItems.putListingsItem")
    router.add("DELETE", path, delete_listings_item, "listingsItems.deleteListingsItem")
