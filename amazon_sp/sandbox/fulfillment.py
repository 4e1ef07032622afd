"""What sellers send back to Amazon, as the sandbox serves it.

- Orders v0 ``confirmShipment``: a package of an FBM order (carrier, tracking number,
  ship date, items and quantities). The order's shipped quantities and status follow;
  sending the same package reference again updates it instead of counting it twice.
- Feeds 2021-06-30: ``createFeedDocument`` (with an upload URL on the sandbox itself),
  ``createFeed``, ``getFeed`` and ``getFeedDocument`` (a result document to download). A
  feed is processed at the first ``getFeed`` after its creation. The
  ``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA`` feed cancels the orders or items it
  lists (unshipped FBM items only), with its cancellation reasons; its processing report
  lists the rows Amazon refused.
- FBA Inventory ``getInventorySummaries``: the seller's FBA stock by SKU, as the control
  interface set it (``POST /_sandbox/inventory``).

Everything received is recorded (``GET /_sandbox/requests``), and uploaded feed
documents are kept (``GET /_sandbox/feeds``), so that tests assert exactly what Amazon
was told.
"""

import base64
import csv
import io
import os
import re
import uuid

from .protocol import ApiError, Response, invalid_input
from .state import iso

ORDER_ACKNOWLEDGEMENT = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
CANCEL_REASONS = {
    "NoInventory",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "BuyerCanceled",
    "GeneralAdjustment",
    "CarrierCreditDecision",
    "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure",
    "CustomerReturn",
    "MerchandiseNotReceived",
}
INVENTORY_PAGE_SIZE = 50


# === confirmShipment === #


def confirm_shipment(sandbox, request):
    state = sandbox.state
    seller_id = request.seller.seller_id
    order_id = request.params["orderId"]
    body = request.json()
    package = body.get("packageDetail")
    if not body.get("marketplaceId") or not isinstance(package, dict):
        raise invalid_input("marketplaceId and packageDetail are required.")
    for key in (
        "packageReferenceId",
        "carrierCode",
        "trackingNumber",
        "shipDate",
        "orderItems",
    ):
        if not package.get(key):
            raise invalid_input(f"packageDetail.{key} is required.")
    if not re.fullmatch(r"[1-9]\d*", str(package["packageReferenceId"])):
        raise invalid_input("packageReferenceId accepts only positive numeric values.")
    if package["carrierCode"] == "Other" and not package.get("carrierName"):
        raise invalid_input("carrierName is required when carrierCode is Other.")
    with state.lock:
        order = state.get_order(seller_id, order_id)
        if order is None:
            raise ApiError(404, "NotFound", "Invalid AmazonOrderId.")
        if order["salesChannel"].get("marketplaceId") != body["marketplaceId"]:
            raise invalid_input("The marketplaceId is not the order's marketplace.")
        status = order["fulfillment"]["fulfillmentStatus"]
        if order["fulfillment"].get("fulfilledBy") != "MERCHANT":
            raise invalid_input("Only merchant-fulfilled orders can be confirmed.")
        if status not in ("UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"):
            raise invalid_input(f"The order cannot be shipped: it is {status}.")
        items = {item["orderItemId"]: item for item in order["orderItems"]}
        packages = order.setdefault("packages", [])
        previous = next(
            (
                p
                for p in packages
                if p["packageReferenceId"] == str(package["packageReferenceId"])
            ),
            None,
        )
        shipped = _shipped_by_item(packages, exclude=previous)
        quantities = {}
        for line in package["orderItems"]:
            item = items.get(line.get("orderItemId"))
            if item is None:
                raise invalid_input(
                    f"Order item {line.get('orderItemId')} is not in the order."
                )
            quantity = line.get("quantity")
            if not isinstance(quantity, int) or quantity <= 0:
                raise invalid_input("Each item's quantity must be a positive integer.")
            quantities[item["orderItemId"]] = (
                quantities.get(item["orderItemId"], 0) + quantity
            )
        for item_id, quantity in quantities.items():
            cancelled = _cancelled_quantity(items[item_id])
            left = (
                items[item_id]["quantityOrdered"] - cancelled - shipped.get(item_id, 0)
            )
            if quantity > left:
                raise invalid_input(
                    f"Order item {item_id}: {quantity} shipped but only {left} left to "
                    f"ship."
                )
        record = {
            "packageReferenceId": str(package["packageReferenceId"]),
            "createdTime": iso(state.clock.now()),
            "packageStatus": {"status": "IN_TRANSIT"},
            "carrier": package.get("carrierName") or package["carrierCode"],
            "shipTime": package["shipDate"],
            "shippingService": package.get("shippingMethod", ""),
            "trackingNumber": package["trackingNumber"],
            "packageItems": [
                {"orderItemId": item_id, "quantity": quantity}
                for item_id, quantity in quantities.items()
            ],
        }
        if previous:
            packages[packages.index(previous)] = record
        else:
            packages.append(record)
        _apply_shipments(order)
        order["lastUpdatedTime"] = iso(state.clock.now())
    return Response(204, None)


def _shipped_by_item(packages, exclude=None):
    shipped = {}
    for package in packages:
        if package is exclude:
            continue
        for line in package["packageItems"]:
            shipped[line["orderItemId"]] = (
                shipped.get(line["orderItemId"], 0) + line["quantity"]
            )
    return shipped


def _cancelled_quantity(item):
    execution = (item.get("cancellation") or {}).get("cancellationExecution")
    return item["quantityOrdered"] if execution else 0


def _apply_shipments(order):
    shipped = _shipped_by_item(order.get("packages", []))
    complete = True
    for item in order["orderItems"]:
        fulfillment = item.setdefault("fulfillment", {})
        quantity = item["quantityOrdered"] - _cancelled_quantity(item)
        done = min(quantity, shipped.get(item["orderItemId"], 0))
        fulfillment["quantityFulfilled"] = done
        fulfillment["quantityUnfulfilled"] = quantity - done
        complete &= done >= quantity
    if any(shipped.values()):
        order["fulfillment"]["fulfillmentStatus"] = (
            "SHIPPED" if complete else "PARTIALLY_SHIPPED"
        )


# === Feeds === #


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
        }
    return Response(202, {"feedId": feed_id})


def get_feed(sandbox, request):
    feed = sandbox.state.feeds.get(request.params["feedId"])
    if feed is None or feed["seller_id"] != request.seller.seller_id:
        raise ApiError(404, "NotFound", "The feed does not exist.")
    if feed["processingStatus"] == "IN_QUEUE":
        _process_feed(sandbox, feed)
    public = {k: v for k, v in feed.items() if k not in ("seller_id", "input")}
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
    if feed["feedType"] == ORDER_ACKNOWLEDGEMENT:
        report = _acknowledge_orders(state, feed)
    else:
        report = "Feed Processing Summary:\n\tNumber of records processed\t\t0\n"
    document_id = (
        "amzn1.tortuga.4.sandbox.result." + base64.b32encode(os.urandom(10)).decode()
    )
    with state.lock:
        state.feed_documents[document_id] = {
            "contentType": "text/tab-separated-values; charset=UTF-8",
            "content": report.encode(),
            "seller_id": feed["seller_id"],
        }
    feed.update(
        processingStatus="DONE", processingEndTime=now, resultFeedDocumentId=document_id
    )


def _acknowledge_orders(state, feed):
    """Cancel the orders and items a flat-file order acknowledgement lists."""
    text = feed["input"].decode("utf-8", "replace")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    errors = []
    for number, row in enumerate(rows, start=1):
        order_id = (row.get("order-id") or "").strip()
        item_id = (row.get("amazon-order-item-code") or "").strip()
        reason = (row.get("cancellation-reason-code") or "").strip()
        with state.lock:
            order = state.get_order(feed["seller_id"], order_id)
            message = _cancel_row(order, item_id, reason)
            if message is None:
                order["lastUpdatedTime"] = iso(state.clock.now())
        if message:
            errors.append((number, order_id, item_id, message))
    lines = [
        "Feed Processing Summary:",
        f"\tNumber of records processed\t\t{len(rows)}",
        f"\tNumber of records successful\t\t{len(rows) - len(errors)}",
        "",
        "original-record-number\torder-id\tamazon-order-item-code\terror-code\terror-type\terror-message",
    ]
    lines += [f"{n}\t{o}\t{i}\t18028\tError\t{m}" for n, o, i, m in errors]
    return "\n".join(lines) + "\n"


def _cancel_row(order, item_id, reason):
    """Cancel one item of an order; return an error message, or None when done."""
    if order is None:
        return "The order id does not exist."
    if reason not in CANCEL_REASONS:
        return f"Invalid cancellation-reason-code {reason!r}."
    if order["fulfillment"].get("fulfilledBy") != "MERCHANT":
        return "Only merchant-fulfilled orders can be cancelled by the seller."
    item = next((i for i in order["orderItems"] if i["orderItemId"] == item_id), None)
    if item is None:
        return f"Order item {item_id} is not in the order."
    if (item.get("fulfillment") or {}).get("quantityFulfilled"):
        return f"Order item {item_id} is already shipped."
    item["cancellation"] = {
        **(item.get("cancellation") or {}),
        "cancellationExecution": {"cancelledBy": "MERCHANT", "cancelReason": reason},
    }
    item.setdefault("fulfillment", {}).update(
        quantityFulfilled=0, quantityUnfulfilled=0
    )
    if all(
        (i.get("cancellation") or {}).get("cancellationExecution")
        for i in order["orderItems"]
    ):
        order["fulfillment"]["fulfillmentStatus"] = "CANCELLED"
    return None


# === FBA inventory === #


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
        "POST",
        "/orders/v0/orders/{orderId}/shipmentConfirmation",
        confirm_shipment,
        "ordersV0.confirmShipment",
    )
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
    router.add(
        "GET",
        "/fba/inventory/v1/summaries",
        get_inventory_summaries,
        "fbaInventory.getInventorySummaries",
    )
    router.add("PUT", "/_sandbox/documents/{documentId}", put_document, spapi=False)
    router.add(
        "GET", "/_sandbox/documents/{documentId}", get_document_content, spapi=False
    )
