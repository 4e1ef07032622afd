"""Feeds API 2021-06-30, as the sandbox serves it.

``createFeedDocument`` (with an upload URL on the sandbox itself), ``createFeed``,
``getFeed`` and ``getFeedDocument`` (a result document to download). A feed is
processed at the first ``getFeed`` after its creation, by the processor of its feed
type in :data:`PROCESSORS`; a feed type without one is reported as processed with no
records.

A processor is ``processor(state, feed)``: ``feed`` is the stored feed (``feedType``,
``marketplaceIds``, ``seller_id``, ``input``: the uploaded bytes); it changes the
state as Amazon would (under ``state.lock``) and returns ``(report, content type)``,
the processing report (text or bytes) that becomes the feed's result document, or
``(report, content type, status)`` to end the feed otherwise than ``DONE`` (``FATAL``).
Processing one more feed type: a module with its processor, one line in
:data:`PROCESSORS`.

Uploaded feed documents are kept (``GET /_sandbox/feeds``), so that tests assert
exactly what Amazon was told.
"""

import base64
import os
import uuid

from . import listings_feed, order_acknowledgement, vat_invoice
from .protocol import ApiError, Response, invalid_input
from .state import iso

TSV = "text/tab-separated-values; charset=UTF-8"

PROCESSORS = {
    order_acknowledgement.FEED_TYPE: order_acknowledgement.process,
    listings_feed.FEED_TYPE: listings_feed.process,
    vat_invoice.FEED_TYPE: vat_invoice.process,
}
"""The feed processors, by feed type."""


def create_feed_document(sandbox, request):
    body = request.json()
    if not body.get("contentType"):
        raise invalid_input("contentType is required.")
    document_id = "amzn1.tortuga.4.sandbox." + uuid.uuid4().hex
    with sandbox.state.lock:
        sandbox.state.feed_documents[document_id] = {
            "contentType": body["contentType"],
            "content": None,
            "seller_id": request.seller.seller_id,
        }
    return Response(
        201,
        {
            "feedDocumentId": document_id,
            "url": f"{sandbox.url}/_sandbox/documents/{document_id}",
        },
    )


def put_document(sandbox, request):
    """The presigned upload URL of a feed document (not an SP-API call)."""
    document = sandbox.state.feed_documents.get(request.params["documentId"])
    if document is None:
        return Response(
            404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="text/xml"
        )
    document["content"] = request.body
    return Response(200, b"")


def get_document_content(sandbox, request):
    """The presigned download URL of a result document (not an SP-API call)."""
    document = sandbox.state.feed_documents.get(request.params["documentId"])
    if document is None or document["content"] is None:
        return Response(
            404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="text/xml"
        )
    return Response(200, document["content"], content_type=document["contentType"])


def create_feed(sandbox, request):
    body = request.json()
    for key in ("feedType", "marketplaceIds", "inputFeedDocumentId"):
        if not body.get(key):
            raise invalid_input(f"{key} is required.")
    document = sandbox.state.feed_documents.get(body["inputFeedDocumentId"])
    if document is None or document["seller_id"] != request.seller.seller_id:
        raise invalid_input("The input feed document does not exist.")
    if document["content"] is None:
        raise invalid_input("The input feed document has no content: upload it first.")
    feed_id = str(50000 + len(sandbox.state.feeds) + 1)
    with sandbox.state.lock:
        sandbox.state.feeds[feed_id] = {
            "feedId": feed_id,
            "feedType": body["feedType"],
            "marketplaceIds": list(body["marketplaceIds"]),
            "createdTime": iso(sandbox.state.clock.now()),
            "processingStatus": "IN_QUEUE",
            "seller_id": request.seller.seller_id,
            "input": document["content"],
            "options": dict(body.get("feedOptions") or {}),
        }
    return Response(202, {"feedId": feed_id})


def get_feed(sandbox, request):
    feed = sandbox.state.feeds.get(request.params["feedId"])
    if feed is None or feed["seller_id"] != request.seller.seller_id:
        raise ApiError(404, "NotFound", "The feed does not exist.")
    if feed["processingStatus"] == "IN_QUEUE":
        _process_feed(sandbox, feed)
    public = {
        k: v for k, v in feed.items() if k not in ("seller_id", "input", "options")
    }
    return Response(200, public)


def get_feed_document(sandbox, request):
    document_id = request.params["documentId"]
    document = sandbox.state.feed_documents.get(document_id)
    if document is None or document["seller_id"] != request.seller.seller_id:
        raise ApiError(404, "NotFound", "The feed document does not exist.")
    return Response(
        200,
        {
            "feedDocumentId": document_id,
            "url": f"{sandbox.url}/_sandbox/documents/{document_id}",
        },
    )


def _process_feed(sandbox, feed):
    state = sandbox.state
    now = iso(state.clock.now())
    feed["processingStartTime"] = now
    processor = PROCESSORS.get(feed["feedType"], _not_processed)
    report, content_type, *outcome = processor(state, feed)
    document_id = (
        "amzn1.tortuga.4.sandbox.result." + base64.b32encode(os.urandom(10)).decode()
    )
    with state.lock:
        state.feed_documents[document_id] = {
            "contentType": content_type,
            "content": report.encode() if isinstance(report, str) else report,
            "seller_id": feed["seller_id"],
        }
    feed.update(
        processingStatus=outcome[0] if outcome else "DONE",
        processingEndTime=now,
        resultFeedDocumentId=document_id,
    )


def _not_processed(state, feed):
    """The report of a feed type the sandbox does not process: no records."""
    return "Feed Processing Summary:\n\tNumber of records processed\t\t0\n", TSV


def register(router):
    router.add(
        "POST",
        "/feeds/2021-06-30/documents",
        create_feed_document,
        "feeds.createFeedDocument",
    )
    router.add(
        "GET",
        "/feeds/2021-06-30/documents/{documentId}",
        get_feed_document,
        "feeds.getFeedDocument",
    )
    router.add("POST", "/feeds/2021-06-30/feeds", create_feed, "feeds.createFeed")
    router.add("GET", "/feeds/2021-06-30/feeds/{feedId}", get_feed, "feeds.getFeed")
    router.add("PUT", "/_sandbox/documents/{documentId}", put_document, spapi=False)
    router.add(
        "GET", "/_sandbox/documents/{documentId}", get_document_content, spapi=False
    )
