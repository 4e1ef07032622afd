"""Orders v0 ``confirmShipment``, as the sandbox serves it.

A package of an FBM order (carrier, tracking number, ship date, items and quantities):
the order's shipped quantities and status follow; sending the same package reference
again updates it instead of counting it twice. What was sent is recorded (``GET
/_sandbox/requests``), so that tests assert exactly what Amazon was told.
"""

import re

from .protocol import ApiError, Response, invalid_input
from .state import iso


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


def register(router):
    router.add(
        "POST",
        "/orders/v0/orders/{orderId}/shipmentConfirmation",
        confirm_shipment,
        "ordersV0.confirmShipment",
    )
