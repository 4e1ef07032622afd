"""What a seller tells Amazon back: shipments, cancellations, and FBA stock to read.

- :func:`confirm_shipment`: one package of an FBM order (Orders API v0
  ``confirmShipment``, which the 2026-01-01 version does not replace): carrier, shipping
  method, tracking number, ship date, and the order items with their quantities. Sending
  the same package reference again updates the package instead of adding one.
- :func:`submit_feed`, :func:`feed_status` and :func:`feed_report`: the Feeds API flow
  (create a document, upload it, create the feed, poll it, read its processing report).
  :func:`order_cancellation_feed` writes the flat file that cancels orders or some of
  their items, with Amazon's cancellation reason codes.
- :func:`fba_inventory`: the seller's FBA stock per SKU in a marketplace (FBA Inventory
  API ``getInventorySummaries``).
"""

import csv
import io
import re
from dataclasses import dataclass

from sp_api.api import Inventories
from sp_api.api.feeds.feeds_2021_06_30 import FeedsV20210630
from sp_api.api.orders.orders_v0 import OrdersV0

from .errors import InvalidInput, Unavailable
from .orders import format_datetime

ORDER_ACKNOWLEDGEMENT_FEED = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
TSV = "text/tab-separated-values; charset=UTF-8"

# Amazon's cancellation reason codes for sellers (order acknowledgement feed), with
# what each one means.
CANCEL_REASONS = {
    "NoInventory": "Out of stock",
    "ShippingAddressUndeliverable": "Address undeliverable",
    "CustomerExchange": "Customer exchange",
    "BuyerCanceled": "Buyer asked to cancel",
    "GeneralAdjustment": "Other adjustment",
    "CarrierCreditDecision": "Carrier credit decision",
    "RiskAssessmentInformationNotValid": "Risk assessment",
    "CarrierCoverageFailure": "No carrier coverage",
    "CustomerReturn": "Customer return",
    "MerchandiseNotReceived": "Merchandise not received",
}


# === SHIPMENTS === #


@dataclass(frozen=True)
class Package:
    """A package of an FBM order, as Amazon's confirmShipment describes it.

    :param str reference_id: positive number, unique within the order; the same
        reference sent again updates the package.
    :param str carrier_code: Amazon's carrier code, or ``Other`` with ``carrier_name``.
    :param tuple items: ``(order_item_id, quantity)`` pairs.
    """

    reference_id: str
    carrier_code: str
    tracking_number: str
    ship_date: object  # aware datetime
    items: tuple
    carrier_name: str = ""
    shipping_method: str = ""

    def detail(self):
        """The ``PackageDetail`` object of the request body.

        :raise InvalidInput: if the package breaks Amazon's rules (before sending).
        """
        if not re.fullmatch(r"[1-9]\d*", str(self.reference_id)):
            raise InvalidInput("A package reference must be a positive number.")
        if not self.carrier_code:
            raise InvalidInput("A package needs a carrier code.")
        if self.carrier_code == "Other" and not self.carrier_name:
            raise InvalidInput("A package of carrier 'Other' needs the carrier's name.")
        if not self.tracking_number:
            raise InvalidInput("A package needs a tracking number.")
        if not self.items or any(quantity <= 0 for _item, quantity in self.items):
            raise InvalidInput("A package needs items with positive quantities.")
        detail = {
            "packageReferenceId": str(self.reference_id),
            "carrierCode": self.carrier_code,
            "trackingNumber": self.tracking_number,
            "shipDate": format_datetime(self.ship_date),
            "orderItems": [
                {"orderItemId": item_id, "quantity": int(quantity)}
                for item_id, quantity in self.items
            ],
        }
        if self.carrier_name:
            detail["carrierName"] = self.carrier_name
        if self.shipping_method:
            detail["shippingMethod"] = self.shipping_method
        return detail


def confirm_shipment(connection, order_id, marketplace_id, package):
    """Tell Amazon that a package of an FBM order left.

    :param SellerConnection connection: the seller's connection.
    :param str order_id: the Amazon order id.
    :param str marketplace_id: the order's marketplace.
    :param Package package: what left.
    :raise AmazonError: when Amazon refuses it or cannot be reached.
    """
    detail = package.detail()
    with connection.client(OrdersV0, marketplace_id=marketplace_id) as client:
        connection.call(
            "ordersV0.confirmShipment",
            client.confirm_shipment,
            order_id,
            marketplaceId=marketplace_id,
            packageDetail=detail,
        )


# === FEEDS === #


def order_cancellation_feed(rows):
    """Return the flat file that cancels order items.

    :param rows: ``(order_id, order_item_id, reason)`` triples; list every item of an
        order to cancel the whole order.
    :rtype: bytes
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["order-id", "cancellation-reason-code", "amazon-order-item-code"])
    for order_id, item_id, reason in rows:
        if reason not in CANCEL_REASONS:
            raise InvalidInput(
                f"{reason!r} is not one of Amazon's cancellation reasons."
            )
        writer.writerow([order_id, reason, item_id])
    return buffer.getvalue().encode("utf-8")


def submit_feed(connection, feed_type, content, content_type, marketplace_ids):
    """Upload a feed document and create the feed.

    :param bytes content: the feed's content (UTF-8).
    :return: Amazon's feed id.
    :rtype: str
    """
    with connection.client(FeedsV20210630, marketplace_id=marketplace_ids[0]) as client:
        # The library uploads the document itself; bytes stay UTF-8 (it would encode a
        # str as ISO-8859-1).
        document = connection.call(
            "feeds.createFeedDocument",
            client.create_feed_document,
            io.BytesIO(content),
            content_type,
            retry_unavailable=False,
        )
        document_id = (document.payload or {}).get("feedDocumentId")
        if not document_id:
            raise Unavailable(
                "Amazon answered createFeedDocument without a document id."
            )
        feed = connection.call(
            "feeds.createFeed",
            client.create_feed,
            feed_type,
            document_id,
            marketplaceIds=list(marketplace_ids),
            retry_unavailable=False,
        )
    feed_id = (feed.payload or {}).get("feedId")
    if not feed_id:
        raise Unavailable("Amazon answered createFeed without a feed id.")
    return str(feed_id)


@dataclass(frozen=True)
class FeedStatus:
    """Where a feed is: ``IN_QUEUE``, ``IN_PROGRESS``, ``DONE``, ``FATAL`` or
    ``CANCELLED``."""

    feed_id: str
    status: str
    result_document_id: str = ""

    @property
    def finished(self):
        return self.status in ("DONE", "FATAL", "CANCELLED")


def feed_status(connection, feed_id):
    """Ask Amazon where a feed is.

    :rtype: FeedStatus
    """
    with connection.client(FeedsV20210630) as client:
        response = connection.call("feeds.getFeed", client.get_feed, feed_id)
    payload = response.payload or {}
    if not payload.get("processingStatus"):
        raise Unavailable("Amazon answered getFeed without a processing status.")
    return FeedStatus(
        feed_id=str(feed_id),
        status=payload["processingStatus"],
        result_document_id=payload.get("resultFeedDocumentId") or "",
    )


@dataclass(frozen=True)
class FeedReport:
    """A flat-file processing report: records processed and refused.

    :ivar tuple errors: ``(order_id, order_item_id, message)`` of the refused records.
    """

    processed: int
    successful: int
    errors: tuple
    text: str


def feed_report(connection, document_id):
    """Download and read the processing report of a feed.

    :rtype: FeedReport
    """
    with connection.client(FeedsV20210630) as client:
        text = connection.call(
            "feeds.getFeedDocument", client.get_feed_result_document, document_id
        )
    return parse_feed_report(text if isinstance(text, str) else str(text))


def parse_feed_report(text):
    """Read Amazon's flat-file processing report.

    :rtype: FeedReport
    """
    processed = successful = 0
    for name, value in re.findall(
        r"Number of records (processed|successful)\s+(\d+)", text
    ):
        if name == "processed":
            processed = int(value)
        else:
            successful = int(value)
    errors = []
    lines = text.splitlines()
    header = next(
        (
            i
            for i, line in enumerate(lines)
            if line.startswith("original-record-number")
        ),
        None,
    )
    if header is not None:
        reader = csv.DictReader(io.StringIO("\n".join(lines[header:])), delimiter="\t")
        for row in reader:
            errors.append(
                (
                    row.get("order-id") or "",
                    row.get("amazon-order-item-code") or row.get("order-item-id") or "",
                    row.get("error-message") or "",
                )
            )
    return FeedReport(processed, successful, tuple(errors), text)


# === FBA INVENTORY === #


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
