"""FBA Inventory API v1 ``getInventorySummaries``, as the sandbox serves it.

The seller's FBA stock by SKU in one marketplace, 50 SKUs a page, as the control
interface set it (``POST /_sandbox/inventory``).
"""

from .protocol import Response, invalid_input

INVENTORY_PAGE_SIZE = 50


def get_inventory_summaries(sandbox, request):
    for name in ("granularityType", "granularityId", "marketplaceIds"):
        if not request.arg(name):
            raise invalid_input(f"{name} is required.")
    if request.arg("granularityType") != "Marketplace":
        raise invalid_input("granularityType must be Marketplace.")
    marketplace_id = request.arg("granularityId")
    if marketplace_id not in request.seller.marketplaces:
        raise invalid_input(f"Invalid granularityId {marketplace_id}.")
    details = request.arg("details") == "true"
    stock = sandbox.state.inventory.get(request.seller.seller_id, {}).get(
        marketplace_id, {}
    )
    skus = request.csv("sellerSkus")
    rows = sorted(sku for sku in stock if not skus or sku in skus)
    start = (
        int(request.arg("nextToken") or 0)
        if (request.arg("nextToken") or "0").isdigit()
        else None
    )
    if start is None:
        raise invalid_input("Invalid nextToken.")
    page = rows[start : start + INVENTORY_PAGE_SIZE]
    summaries = [_inventory_summary(sku, stock[sku], details) for sku in page]
    body = {
        "payload": {
            "granularity": {
                "granularityType": "Marketplace",
                "granularityId": marketplace_id,
            },
            "inventorySummaries": summaries,
        }
    }
    if start + INVENTORY_PAGE_SIZE < len(rows):
        body["pagination"] = {"nextToken": str(start + INVENTORY_PAGE_SIZE)}
    return Response(200, body)


def _inventory_summary(sku, quantities, details):
    fulfillable = quantities.get("fulfillable", 0)
    reserved = quantities.get("reserved", 0)
    unfulfillable = quantities.get("unfulfillable", 0)
    inbound = quantities.get("inbound", 0)
    summary = {
        "asin": quantities.get("asin", "B0SANDBOX0"),
        "fnSku": quantities.get("fnsku", "X00SANDBOX"),
        "sellerSku": sku,
        "condition": "NewItem",
        "productName": quantities.get("name", sku),
        "totalQuantity": fulfillable + reserved + unfulfillable + inbound,
    }
    if details:
        summary["inventoryDetails"] = {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": 0,
            "inboundShippedQuantity": inbound,
            "inboundReceivingQuantity": 0,
            "reservedQuantity": {
                "totalReservedQuantity": reserved,
                "pendingCustomerOrderQuantity": reserved,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": unfulfillable,
                "customerDamagedQuantity": unfulfillable,
                "warehouseDamagedQuantity": 0,
                "distributorDamagedQuantity": 0,
                "carrierDamagedQuantity": 0,
                "defectiveQuantity": 0,
                "expiredQuantity": 0,
            },
        }
    return summary


def register(router):
    router.add(
        "GET",
        "/fba/inventory/v1/summaries",
        get_inventory_summaries,
        "fbaInventory.getInventorySummaries",
    )
