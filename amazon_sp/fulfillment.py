"""The former home of shipments, feeds and FBA stock, kept as an alias.

Open :mod:`amazon_sp.shipments` (confirmShipment), :mod:`amazon_sp.feeds` (Feeds API,
order acknowledgement feed) or :mod:`amazon_sp.inventory` (FBA stock) instead. This
module only re-exports their names for the addon's ``amazon_account.py``, which calls
them as ``fulfillment.<name>``; delete it once those calls name the new modules.
"""

from .feeds import (
    CANCEL_REASONS,
    ORDER_ACKNOWLEDGEMENT_FEED,
    TSV,
    FeedReport,
    FeedStatus,
    feed_report,
    feed_status,
    order_cancellation_feed,
    parse_feed_report,
    submit_feed,
)
from .inventory import InventorySummary, fba_inventory
from .shipments import Package, confirm_shipment

__all__ = [
    "CANCEL_REASONS",
    "ORDER_ACKNOWLEDGEMENT_FEED",
    "TSV",
    "FeedReport",
    "FeedStatus",
    "InventorySummary",
    "Package",
    "confirm_shipment",
    "fba_inventory",
    "feed_report",
    "feed_status",
    "order_cancellation_feed",
    "parse_feed_report",
    "submit_feed",
]
