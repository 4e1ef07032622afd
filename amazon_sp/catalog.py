"""The Catalog Items API 2022-04-01: Amazon products found by their barcodes.

:func:`search_by_barcodes` looks up many barcodes (EAN, UPC, GTIN, ISBN) with
``searchCatalogItems``, 20 identifiers a call (the model's ``maxItems``), one
identifier type a call, and pairs each barcode with the :class:`CatalogItem` records
Amazon lists under it: none, one, or several (a barcode Amazon holds twice), for the
seller to choose from.
"""

from collections import defaultdict
from dataclasses import dataclass

from sp_api.api.catalog_items.catalog_items_2022_04_01 import CatalogItemsV20220401

from .errors import Unavailable

MAX_IDENTIFIERS = 20
"""Identifiers a ``searchCatalogItems`` call takes at most."""
PAGE_SIZE = 20
INCLUDED = ("identifiers", "summaries", "productTypes")


@dataclass(frozen=True)
class CatalogItem:
    """An Amazon product (an ASIN) in one marketplace."""

    asin: str
    title: str = ""
    brand: str = ""
    product_type: str = ""
    identifiers: tuple = ()  # (type, value) pairs


def identifier_type(barcode):
    """Amazon's identifier type of a barcode, from its length: UPC (12 digits), EAN
    (13), GTIN (14), ISBN (10); None when it is none of them."""
    code = (barcode or "").strip()
    if (
        len(code) == 10
        and code[:9].isdigit()
        and (code[9].isdigit() or code[9] in "xX")
    ):
        return "ISBN"
    if not code.isdigit():
        return None
    return {12: "UPC", 13: "EAN", 14: "GTIN", 8: "EAN"}.get(len(code))


def search_by_barcodes(connection, marketplace_id, barcodes, *, locale=None):
    """Find the Amazon products of barcodes (``searchCatalogItems``).

    :param list barcodes: barcodes; those of no known type are left out.
    :return: barcode -> the :class:`CatalogItem` records Amazon lists under it
        (barcodes Amazon does not know are absent).
    :rtype: dict[str, tuple]
    """
    by_type = defaultdict(list)
    for barcode in dict.fromkeys(b.strip() for b in barcodes if b):
        kind = identifier_type(barcode)
        if kind:
            by_type[kind].append(barcode)
    found = defaultdict(list)
    with connection.client(
        CatalogItemsV20220401, marketplace_id=marketplace_id
    ) as client:
        for kind, codes in by_type.items():
            for start in range(0, len(codes), MAX_IDENTIFIERS):
                chunk = codes[start : start + MAX_IDENTIFIERS]
                for item in _search(
                    connection, client, marketplace_id, kind, chunk, locale
                ):
                    values = {value for _type, value in item.identifiers}
                    for code in chunk:
                        if _same_code(code, values) and item not in found[code]:
                            found[code].append(item)
    return {code: tuple(items) for code, items in found.items()}


def _same_code(code, values):
    # Amazon may write an EAN with its leading zeros as a GTIN, and the reverse.
    stripped = code.lstrip("0")
    return code in values or any(v.lstrip("0") == stripped for v in values)


def _search(connection, client, marketplace_id, kind, codes, locale):
    params = {
        "marketplaceIds": marketplace_id,
        "identifiers": ",".join(codes),
        "identifiersType": kind,
        "includedData": ",".join(INCLUDED),
        "pageSize": PAGE_SIZE,
    }
    if locale:
        params["locale"] = locale
    while True:
        response = connection.call(
            "catalogItems.searchCatalogItems", client.search_catalog_items, **params
        )
        payload = response.payload or {}
        items = payload.get("items")
        if not isinstance(items, list):
            raise Unavailable("Amazon answered searchCatalogItems without items.")
        for item in items:
            if isinstance(item, dict) and item.get("asin"):
                yield parse_item(item, marketplace_id)
        token = (payload.get("pagination") or {}).get("nextToken") or (
            response.pagination or {}
        ).get("nextToken")
        if not token:
            return
        params["pageToken"] = token


def parse_item(item, marketplace_id):
    """Read a Catalog Items API ``Item`` for one marketplace.

    :rtype: CatalogItem
    """

    def of_marketplace(rows):
        return next(
            (
                r
                for r in rows or ()
                if isinstance(r, dict) and r.get("marketplaceId") == marketplace_id
            ),
            {},
        )

    summary = of_marketplace(item.get("summaries"))
    identifiers = of_marketplace(item.get("identifiers")).get("identifiers") or ()
    product_type = of_marketplace(item.get("productTypes")).get("productType") or ""
    return CatalogItem(
        asin=str(item["asin"]),
        title=str(summary.get("itemName") or ""),
        brand=str(summary.get("brand") or summary.get("brandName") or ""),
        product_type=str(product_type),
        identifiers=tuple(
            (str(i.get("identifierType") or ""), str(i.get("identifier") or ""))
            for i in identifiers
            if isinstance(i, dict)
        ),
    )
