"""FBA stock: the FBA Inventory API v1 ``getInventorySummaries``.

:func:`fba_inventory` returns the seller's FBA stock per SKU in a marketplace, every
page read, as :class:`InventorySummary` records.
"""

from dataclasses import dataclass

from sp_api.api import Inventories

from .errors import Unavailable


@dataclass(frozen=True)
class InventorySummary:
    """A SKU's stock in Amazon's fulfillment centres of one marketplace."""

    sku: str
    asin: str
    fulfillable: int
    reserved: int
    unfulfillable: int
    inbound: int
    total: int

    @property
    def on_hand(self):
        """Units in Amazon's warehouses: sellable, reserved for orders or damaged;
        inbound shipments are not there yet."""
        return self.fulfillable + self.reserved + self.unfulfillable


def fba_inventory(connection, marketplace_id):
    """Return every SKU's FBA stock in a marketplace, all pages read.

    :rtype: list[InventorySummary]
    """
    summaries = []
    token = None
    with connection.client(Inventories, marketplace_id=marketplace_id) as client:
        while True:
            params = {
                "details": "true",
                "granularityType": "Marketplace",
                "granularityId": marketplace_id,
                "marketplaceIds": [marketplace_id],
            }
            if token:
                params["nextToken"] = token
            response = connection.call(
                "fbaInventory.getInventorySummaries",
                client.get_inventory_summary_marketplace,
                **params,
            )
            payload = response.payload or {}
            rows = payload.get("inventorySummaries")
            if not isinstance(rows, list):
                raise Unavailable(
                    "Amazon answered getInventorySummaries without summaries."
                )
            summaries.extend(
                _inventory_summary(row) for row in rows if row.get("sellerSku")
            )
            token = (response.pagination or {}).get("nextToken")
            if not token:
                return summaries


def _inventory_summary(row):
    details = row.get("inventoryDetails") or {}
    reserved = (details.get("reservedQuantity") or {}).get("totalReservedQuantity") or 0
    unfulfillable = (details.get("unfulfillableQuantity") or {}).get(
        "totalUnfulfillableQuantity"
    ) or 0
    inbound = sum(
        details.get(key) or 0
        for key in (
            "inboundWorkingQuantity",
            "inboundShippedQuantity",
            "inboundReceivingQuantity",
        )
    )
    return InventorySummary(
        sku=row["sellerSku"],
        asin=row.get("asin") or "",
        fulfillable=int(details.get("fulfillableQuantity") or 0),
        reserved=int(reserved),
        unfulfillable=int(unfulfillable),
        inbound=int(inbound),
        total=int(row.get("totalQuantity") or 0),
    )
