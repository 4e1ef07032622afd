"""The Amazon catalog the sandbox holds: products (ASINs) with their barcodes.

A catalog item (``state.catalog[asin]``) is a dict: ``asin``, ``title``, ``brand``,
``productType``, ``identifiers`` (``{"EAN": "...", "UPC": "..."}``) and
``marketplaces`` (where it is sold; empty: every marketplace). The default catalog
has one barcode Amazon holds twice (``5901234123457``: a mug and its two-pack), as
happens in Amazon's catalog.
"""

DEFAULT_ITEMS = (
    {
        "asin": "B0SBXCAT01",
        "title": "Classic Highlighter, yellow",
        "brand": "Marko",
        "productType": "OFFICE_PRODUCTS",
        "identifiers": {"EAN": "4006381333931"},
    },
    {
        "asin": "B0SBXCAT02",
        "title": "Travel Mug 350 ml, steel",
        "brand": "Kafa",
        "productType": "DRINKING_CUP",
        "identifiers": {"EAN": "5901234123457"},
    },
    {
        "asin": "B0SBXCAT03",
        "title": "Travel Mug 350 ml, steel (pack of 2)",
        "brand": "Kafa",
        "productType": "DRINKING_CUP",
        "identifiers": {"EAN": "5901234123457"},
    },
    {
        "asin": "B0SBXCAT04",
        "title": "Cabin Trolley 55 cm, blue",
        "brand": "Voyago",
        "productType": "LUGGAGE",
        "identifiers": {"UPC": "036000291452"},
    },
)


def catalog(state):
    """The catalog of the sandbox (the default one until it is replaced)."""
    with state.lock:
        if state.catalog is None:
            state.catalog = {item["asin"]: dict(item) for item in DEFAULT_ITEMS}
        return state.catalog


def add_items(state, items):
    store = catalog(state)
    with state.lock:
        for item in items:
            store[item["asin"]] = {
                "asin": item["asin"],
                "title": item.get("title") or item["asin"],
                "brand": item.get("brand") or "",
                "productType": item.get("productType") or "PRODUCT",
                "identifiers": dict(item.get("identifiers") or {}),
                "marketplaces": list(item.get("marketplaces") or ()),
            }


def matches(item, kind, values, marketplace_id):
    if item.get("marketplaces") and marketplace_id not in item["marketplaces"]:
        return False
    if kind == "ASIN":
        return item["asin"] in values
    codes = item["identifiers"]
    if kind == "GTIN":
        # A GTIN names any of the item's barcodes, written on 14 digits.
        return any(
            code.zfill(14) in {v.zfill(14) for v in values} for code in codes.values()
        )
    return codes.get(kind) in values


def render(item, marketplace_id, included):
    data = {"asin": item["asin"]}
    if "identifiers" in included:
        data["identifiers"] = [
            {
                "marketplaceId": marketplace_id,
                "identifiers": [
                    {"identifierType": kind, "identifier": code}
                    for kind, code in item["identifiers"].items()
                ],
            }
        ]
    if "summaries" in included:
        data["summaries"] = [
            {
                "marketplaceId": marketplace_id,
                "brand": item["brand"],
                "itemName": item["title"],
                "adultProduct": False,
                "autographed": False,
                "memorabilia": False,
                "tradeInEligible": False,
            }
        ]
    if "productTypes" in included:
        data["productTypes"] = [
            {"marketplaceId": marketplace_id, "productType": item["productType"]}
        ]
    return data
