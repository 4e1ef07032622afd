"""Listings Items API 2021-08-01, as the sandbox serves it: ``getListingsItem``,
``patchListingsItem`` and ``searchListingsItems``, on the listings of
:mod:`.listingsdata`.

``patchListingsItem`` applies the patches as a ``JSON_LISTINGS_FEED`` message would
(the same rules, :func:`.listings_rules.apply_patches`), or only checks them with
``mode=VALIDATION_PREVIEW``; an unknown SKU is answered ``INVALID`` with the issue
``NOT_FOUND``. ``searchListingsItems`` pages 20 items at most, and stops after 1,000
items, as Amazon documents.
"""

import uuid
from urllib.parse import unquote

from . import listings_rules, listingsdata
from .protocol import ApiError, Response, invalid_input

SEARCH_LIMIT = 1000
INCLUDED = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
IDENTIFIER_TYPES = (
    "ASIN",
    "EAN",
    "FNSKU",
    "GTIN",
    "ISBN",
    "JAN",
    "MINSAN",
    "SKU",
    "UPC",
)


def _seller_items(sandbox, request):
    if request.params["sellerId"] != request.seller.seller_id:
        raise ApiError(403, "Unauthorized", "Access to requested resource is denied.")
    return sandbox.state.listings.setdefault(request.seller.seller_id, {})


def _marketplaces(request, single=False):
    marketplace_ids = request.csv("marketplaceIds")
    if not marketplace_ids:
        raise invalid_input("marketplaceIds is required.")
    if single and len(marketplace_ids) > 1:
        raise invalid_input("Only one marketplaceId is supported.")
    unknown = [m for m in marketplace_ids if m not in request.seller.marketplaces]
    if unknown:
        raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}.")
    return marketplace_ids


def _included(request, default):
    included = request.csv("includedData") or list(default)
    wrong = [i for i in included if i not in INCLUDED]
    if wrong:
        raise invalid_input(f"Invalid includedData: {', '.join(wrong)}.")
    return included


def _not_found(sku, marketplace_ids):
    return listings_rules.issue(
        "NOT_FOUND",
        f"The SKU '{sku}' does not exist in marketplace {', '.join(marketplace_ids)}.",
    )


def get_listings_item(sandbox, request):
    items = _seller_items(sandbox, request)
    marketplace_ids = _marketplaces(request)
    included = _included(request, ("summaries",))
    sku = unquote(request.params["sku"])
    with sandbox.state.lock:
        item = items.get(sku)
        if item is None or not set(marketplace_ids) & set(item["marketplaces"]):
            raise ApiError(
                404,
                "NOT_FOUND",
                f"SKU '{sku}' not found in marketplace {', '.join(marketplace_ids)}.",
            )
        return Response(200, listingsdata.render_item(item, marketplace_ids, included))


def patch_listings_item(sandbox, request):
    items = _seller_items(sandbox, request)
    marketplace_ids = _marketplaces(request)
    sku = unquote(request.params["sku"])
    body = request.json()
    patches = body.get("patches")
    if not body.get("productType") or not isinstance(patches, list) or not patches:
        raise ApiError(400, "BAD_REQUEST", "Invalid input", "Invalid input")
    for patch in patches:
        if not isinstance(patch, dict) or patch.get("op") not in (
            "add",
            "replace",
            "merge",
            "delete",
        ):
            raise ApiError(400, "BAD_REQUEST", "Invalid input", "Invalid input")
    preview = request.arg("mode") == "VALIDATION_PREVIEW"
    state = sandbox.state
    with state.lock:
        item = items.get(sku)
        if item is None or not set(marketplace_ids) & set(item["marketplaces"]):
            issues = [_not_found(sku, marketplace_ids)]
        elif body["productType"] not in ("PRODUCT", item["productType"]):
            issues = [
                listings_rules.issue(
                    "4000003",
                    "The Amazon product type specified is invalid or not supported.",
                )
            ]
        else:
            target = listings_rules.copy_value(item) if preview else item
            issues = listings_rules.apply_patches(target, patches, marketplace_ids)
            if not issues and not preview:
                listings_rules.touch(item, marketplace_ids, state.clock.now())
    status = "INVALID" if issues else ("VALID" if preview else "ACCEPTED")
    return Response(
        200,
        {
            "sku": sku,
            "status": status,
            "submissionId": uuid.uuid4().hex,
            "issues": issues,
        },
    )


def search_listings_items(sandbox, request):
    items = _seller_items(sandbox, request)
    marketplace_ids = _marketplaces(request, single=True)
    included = _included(request, ("summaries",))
    try:
        size = int(request.arg("pageSize") or 10)
        start = int(request.arg("pageToken") or 0)
    except ValueError:
        raise invalid_input("Invalid pageSize or pageToken.") from None
    if not 1 <= size <= 20:
        raise invalid_input("pageSize must be between 1 and 20.")
    identifiers = request.csv("identifiers")
    kind = request.arg("identifiersType")
    if identifiers and kind not in IDENTIFIER_TYPES:
        raise invalid_input("identifiersType is required with identifiers.")
    if len(identifiers) > 20:
        raise invalid_input("At most 20 identifiers.")
    severities = request.csv("withIssueSeverity")
    marketplace_id = marketplace_ids[0]
    with sandbox.state.lock:
        matching = [
            item
            for item in items.values()
            if marketplace_id in item["marketplaces"]
            and _identified(item, identifiers, kind)
            and (
                not severities
                or any(
                    i.get("severity") in severities
                    and (
                        not i.get("marketplaceIds")
                        or marketplace_id in i["marketplaceIds"]
                    )
                    for i in item["issues"]
                )
            )
        ]
        sort_by = request.arg("sortBy") or "lastUpdatedDate"
        descending = (request.arg("sortOrder") or "DESC") == "DESC"
        matching.sort(
            key=lambda item: (
                item["sku"]
                if sort_by == "sku"
                else item["marketplaces"][marketplace_id][
                    "createdDate" if sort_by == "createdDate" else "lastUpdatedDate"
                ],
                item["sku"],
            ),
            reverse=descending,
        )
        reachable = matching[:SEARCH_LIMIT]
        page = reachable[start : start + size]
        body = {
            "numberOfResults": len(matching),
            "items": [
                listingsdata.render_item(item, marketplace_ids, included)
                for item in page
            ],
        }
    pagination = {}
    if start + size < len(reachable):
        pagination["nextToken"] = str(start + size)
    if start > 0:
        pagination["previousToken"] = str(max(start - size, 0))
    if pagination:
        body["pagination"] = pagination
    return Response(200, body)


def _identified(item, identifiers, kind):
    if not identifiers:
        return True
    if kind == "SKU":
        return item["sku"] in identifiers
    if kind == "ASIN":
        return item.get("asin") in identifiers
    return item.get("barcode") in identifiers and (
        kind == "GTIN" or item.get("barcodeType") == kind
    )


def register(router):
    path = "/listings/2021-08-01/items/{sellerId}/{sku}"
    router.add("GET", path, get_listings_item, "listingsItems.getListingsItem")
    router.add("PATCH", path, patch_listings_item, "listingsItems.patchListingsItem")
    router.add(
        "GET",
        "/listings/2021-08-01/items/{sellerId}",
        search_listings_items,
        "listingsItems.searchListingsItems",
    )
