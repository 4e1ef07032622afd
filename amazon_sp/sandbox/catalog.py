"""Catalog Items API 2022-04-01, as the sandbox serves it: ``searchCatalogItems`` by
identifiers (20 at most, one type a call, one marketplace), on the catalog of
:mod:`.catalogdata`, paged 20 items at most; and ``POST /_sandbox/catalog``
(``{"items": [{"asin", "title"?, "brand"?, "productType"?, "identifiers": {"EAN":
...}}]}``) to add products to it.
"""

from . import catalogdata
from .protocol import Response, invalid_input

IDENTIFIER_TYPES = ("ASIN", "EAN", "GTIN", "ISBN", "JAN", "MINSAN", "SKU", "UPC")
INCLUDED = (
    "attributes", "classifications", "dimensions", "identifiers", "images",
    "productTypes", "relationships", "salesRanks", "summaries", "vendorDetails",
)  # fmt: skip


def search_catalog_items(sandbox, request):
    marketplace_ids = request.csv("marketplaceIds")
    if len(marketplace_ids) != 1:
        raise invalid_input("One marketplaceId is required.")
    marketplace_id = marketplace_ids[0]
    if marketplace_id not in request.seller.marketplaces:
        raise invalid_input(f"Invalid marketplaceIds: {marketplace_id}.")
    identifiers = request.csv("identifiers")
    keywords = request.csv("keywords")
    if not identifiers and not keywords:
        raise invalid_input("Either 'identifiers' or 'keywords' is required.")
    if identifiers and keywords:
        raise invalid_input("Cannot use 'identifiers' and 'keywords' together.")
    if len(identifiers) > 20 or len(keywords) > 20:
        raise invalid_input("At most 20 identifiers or keywords.")
    kind = request.arg("identifiersType")
    if identifiers and kind not in IDENTIFIER_TYPES:
        raise invalid_input("'identifiersType' is required with 'identifiers'.")
    included = request.csv("includedData") or ["summaries"]
    wrong = [i for i in included if i not in INCLUDED]
    if wrong:
        raise invalid_input(f"Invalid includedData: {', '.join(wrong)}.")
    try:
        size = int(request.arg("pageSize") or 10)
        start = int(request.arg("pageToken") or 0)
    except ValueError:
        raise invalid_input("Invalid pageSize or pageToken.") from None
    if not 1 <= size <= 20:
        raise invalid_input("pageSize must be between 1 and 20.")
    catalog = catalogdata.catalog(sandbox.state)
    with sandbox.state.lock:
        if identifiers:
            found = [
                item
                for item in catalog.values()
                if catalogdata.matches(item, kind, identifiers, marketplace_id)
            ]
        else:
            words = [k.lower() for k in keywords]
            found = [
                item
                for item in catalog.values()
                if any(w in item["title"].lower() for w in words)
            ]
        found.sort(key=lambda item: item["asin"])
        page = found[start : start + size]
        body = {
            "numberOfResults": len(found),
            "items": [
                catalogdata.render(item, marketplace_id, included) for item in page
            ],
        }
    pagination = {}
    if start + size < len(found):
        pagination["nextToken"] = str(start + size)
    if start:
        pagination["previousToken"] = str(max(start - size, 0))
    if pagination:
        body["pagination"] = pagination
    return Response(200, body)


def post_catalog(sandbox, request):
    items = request.json().get("items")
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and i.get("asin") for i in items
    ):
        raise invalid_input("items must be a list of objects with an asin")
    catalogdata.add_items(sandbox.state, items)
    return Response(200, {"ok": True, "count": len(items)})


def register(router):
    router.add(
        "GET",
        "/catalog/2022-04-01/items",
        search_catalog_items,
        "catalogItems.searchCatalogItems",
    )
    router.add("POST", "/_sandbox/catalog", post_catalog, spapi=False)
