"""The sandbox's processor of the flat-file order acknowledgement feed
(``POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA``, see :mod:`.feeds`).

It cancels the orders or items it lists (unshipped FBM items only), with their
cancellation reasons; its processing report lists the rows Amazon refused.
"""

import csv
import io

from .state import iso

FEED_TYPE = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
REPORT_CONTENT_TYPE = "text/tab-separated-values; charset=UTF-8"
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


def process(state, feed):
    """Cancel the orders and items a flat-file order acknowledgement lists; return the
    processing report."""
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
    return "\n".join(lines) + "\n", REPORT_CONTENT_TYPE


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
