"""The Feeds API 2021-06-30, and the feeds the connector sends.

- :func:`submit_feed`, :func:`feed_status` and :func:`feed_result_document`: the flow
  of any feed (create a document, upload it, create the feed, poll it, download its
  processing report), whatever its type, content type and ``feedOptions``.
- The order acknowledgement feed (:data:`ORDER_ACKNOWLEDGEMENT_FEED`):
  :func:`order_cancellation_feed` writes the flat file that cancels orders or some of
  their items, with Amazon's cancellation reason codes, and :func:`feed_report` reads
  its flat-file processing report.
"""

import csv
import io
import re
from dataclasses import dataclass

from sp_api.api.feeds.feeds_2021_06_30 import FeedsV20210630

from .errors import InvalidInput, Unavailable

TSV = "text/tab-separated-values; charset=UTF-8"


# === ANY FEED === #


def submit_feed(
    connection,
    feed_type,
    content,
    content_type,
    marketplace_ids,
    feed_options=None,
):
    """Upload a feed document and create the feed.

    :param SellerConnection connection: the seller's connection.
    :param str feed_type: Amazon's feed type, e.g. :data:`ORDER_ACKNOWLEDGEMENT_FEED`.
    :param content: the feed's content: ``bytes`` as they are, or ``str`` (sent as
        UTF-8).
    :param str content_type: the document's content type, e.g. :data:`TSV` or
        ``application/json; charset=UTF-8``.
    :param list marketplace_ids: the marketplaces the feed applies to.
    :param dict feed_options: Amazon's ``feedOptions`` (names to string values), for
        the feed types that take some; not sent when empty.
    :return: Amazon's feed id.
    :rtype: str
    """
    if isinstance(content, str):
        content = content.encode("utf-8")
    options = {"marketplaceIds": list(marketplace_ids)}
    if feed_options:
        options["feedOptions"] = dict(feed_options)
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
            retry_unavailable=False,
            **options,
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


def feed_result_document(connection, document_id):
    """Download a feed's result document (its processing report), as text.

    :param str document_id: the feed's ``resultFeedDocumentId``
        (:attr:`FeedStatus.result_document_id`).
    :rtype: str
    """
    with connection.client(FeedsV20210630) as client:
        text = connection.call(
            "feeds.getFeedDocument", client.get_feed_result_document, document_id
        )
    return text if isinstance(text, str) else str(text)


# === ORDER ACKNOWLEDGEMENT FEED === #

ORDER_ACKNOWLEDGEMENT_FEED = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"

# Amazon's cancellation reason codes for sellers (order acknowledgement feed).
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
    """Download and read the flat-file processing report of a feed.

    :rtype: FeedReport
    """
    return parse_feed_report(feed_result_document(connection, document_id))


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
