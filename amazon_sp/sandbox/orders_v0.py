"""Orders API v0 (``getOrders``, ``getOrder``, ``getOrderItems``, ``getOrderAddress``,
``getOrderBuyerInfo``), as the sandbox serves it.

It reads the same store as the 2026-01-01 version (:mod:`.orderdata`); lists follow
:mod:`.orderlists`. Buyer PII comes only with a restricted data token (:mod:`.tokens`)
that grants it for the path asked for. ``confirmShipment`` is in :mod:`.shipments`.
"""

from .orderdata import (
    render_v0_buyer_info,
    render_v0_items,
    render_v0_order,
    render_v0_order_address,
)
from .orderlists import date_window, marketplace_filter, select_page
from .protocol import ApiError, Response, invalid_input, path_matches
from .state import iso

ITEMS_PAGE_SIZE = 50
V0_STATUS = {
    "PendingAvailability": "PENDING_AVAILABILITY",
    "Pending": "PENDING",
    "Unshipped": "UNSHIPPED",
    "PartiallyShipped": "PARTIALLY_SHIPPED",
    "Shipped": "SHIPPED",
    "InvoiceUnconfirmed": "SHIPPED",
    "Canceled": "CANCELLED",
    "Unfulfillable": "UNFULFILLABLE",
}

NAMES_V0 = {
    "created_after": "CreatedAfter",
    "created_before": "CreatedBefore",
    "updated_after": "LastUpdatedAfter",
    "updated_before": "LastUpdatedBefore",
    "echo_created": "CreatedBefore",
    "echo_updated": "LastUpdatedBefore",
}


def _granted(request, path):
    """The restricted data elements the request's token grants for ``path``."""
    resources = request.token.restricted
    if not resources:
        return frozenset()
    granted = set()
    for method, pattern, elements in resources:
        if method == request.method and path_matches(pattern, path):
            granted |= set(elements)
    return frozenset(granted)


def get_orders(sandbox, request):
    state = sandbox.state
    if not request.arg("NextToken"):
        marketplaces = set(marketplace_filter(request, "MarketplaceIds", required=True))

    def filters():
        field, after, before, echo_key = date_window(sandbox, request, NAMES_V0)
        statuses = {V0_STATUS.get(s, s) for s in request.csv("OrderStatuses")}
        channels = {
            {"AFN": "AMAZON", "MFN": "MERCHANT"}.get(c, c)
            for c in request.csv("FulfillmentChannels")
        }
        order_ids = set(request.csv("AmazonOrderIds"))

        def predicate(order):
            return (
                order["salesChannel"].get("marketplaceId") in marketplaces
                and (
                    not statuses
                    or order["fulfillment"]["fulfillmentStatus"] in statuses
                )
                and (
                    not channels or order["fulfillment"].get("fulfilledBy") in channels
                )
                and (not order_ids or order["orderId"] in order_ids)
            )

        return field, after, before, predicate, echo_key

    # "NextToken doesn't affect any filters that you include in your request."
    page, next_token, before, echo_key = select_page(
        sandbox, request, "NextToken", filters, None
    )
    granted = _granted(request, request.path)
    seller_id = request.seller.seller_id
    payload = {
        "Orders": [
            render_v0_order(state.get_order(seller_id, order_id), granted)
            for order_id in page
        ]
    }
    if next_token:
        payload["NextToken"] = next_token
    payload[echo_key] = iso(before)
    return Response(200, {"payload": payload})


def _v0_order(sandbox, request):
    order = sandbox.state.get_order(request.seller.seller_id, request.params["orderId"])
    if order is None:
        raise ApiError(404, "NotFound", "Invalid AmazonOrderId.")
    return order


def get_order_v0(sandbox, request):
    order = _v0_order(sandbox, request)
    granted = _granted(request, request.path)
    return Response(200, {"payload": render_v0_order(order, granted)})


def get_order_items(sandbox, request):
    order = _v0_order(sandbox, request)
    restricted = "buyerInfo" in _granted(request, request.path)
    items = render_v0_items(order, restricted)
    start = 0
    token = request.arg("NextToken")
    if token:
        prefix = f"{order['orderId']}:"
        if not token.startswith(prefix) or not token[len(prefix) :].isdigit():
            raise invalid_input("Invalid NextToken.")
        start = int(token[len(prefix) :])
    payload = {
        "AmazonOrderId": order["orderId"],
        "OrderItems": items[start : start + ITEMS_PAGE_SIZE],
    }
    if start + ITEMS_PAGE_SIZE < len(items):
        payload["NextToken"] = f"{order['orderId']}:{start + ITEMS_PAGE_SIZE}"
    return Response(200, {"payload": payload})


def get_order_address(sandbox, request):
    order = _v0_order(sandbox, request)
    restricted = bool(request.token.restricted) and bool(
        _granted(request, request.path) or _resource_listed(request)
    )
    return Response(200, {"payload": render_v0_order_address(order, restricted)})


def get_order_buyer_info(sandbox, request):
    order = _v0_order(sandbox, request)
    restricted = bool(request.token.restricted) and bool(
        _granted(request, request.path) or _resource_listed(request)
    )
    return Response(200, {"payload": render_v0_buyer_info(order, restricted)})


def _resource_listed(request):
    # getOrderAddress and getOrderBuyerInfo need no dataElements: the path is enough.
    return any(
        method == request.method and path_matches(pattern, request.path)
        for method, pattern, _elements in request.token.restricted
    )


def register(router):
    router.add("GET", "/orders/v0/orders", get_orders, "ordersV0.getOrders")
    router.add("GET", "/orders/v0/orders/{orderId}", get_order_v0, "ordersV0.getOrder")
    router.add(
        "GET",
        "/orders/v0/orders/{orderId}/orderItems",
        get_order_items,
        "ordersV0.getOrderItems",
    )
    router.add(
        "GET",
        "/orders/v0/orders/{orderId}/address",
        get_order_address,
        "ordersV0.getOrderAddress",
    )
    router.add(
        "GET",
        "/orders/v0/orders/{orderId}/buyerInfo",
        get_order_buyer_info,
        "ordersV0.getOrderBuyerInfo",
    )
