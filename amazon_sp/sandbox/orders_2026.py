"""Orders API 2026-01-01 (``searchOrders``, ``getOrder``), as the sandbox serves it.

Orders are rendered from the store (:mod:`.orderdata`) with the ``includedData`` asked
for; lists follow :mod:`.orderlists`.
"""

from .orderdata import ALL_INCLUDED_DATA, render_2026
from .orderlists import date_window, marketplace_filter, query_key, select_page
from .protocol import ApiError, Response, invalid_input
from .state import iso

NAMES_2026 = {
    "created_after": "createdAfter",
    "created_before": "createdBefore",
    "updated_after": "lastUpdatedAfter",
    "updated_before": "lastUpdatedBefore",
    "echo_created": "createdBefore",
    "echo_updated": "lastUpdatedBefore",
}


def _included(request):
    included = set(request.csv("includedData"))
    unknown = included - set(ALL_INCLUDED_DATA)
    if unknown:
        raise invalid_input(f"Invalid includedData: {', '.join(sorted(unknown))}.")
    if "BUYER" in included and not request.seller.pii_allowed:
        raise ApiError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "The application is not authorized to access the BUYER data.",
        )
    return included


def search_orders(sandbox, request):
    included = _included(request)
    state = sandbox.state

    def filters():
        field, after, before, echo_key = date_window(sandbox, request, NAMES_2026)
        marketplaces = set(
            marketplace_filter(request, "marketplaceIds", required=False)
            or request.seller.marketplaces
        )
        statuses = set(request.csv("fulfillmentStatuses"))
        fulfilled_by = set(request.csv("fulfilledBy"))

        def predicate(order):
            return (
                order["salesChannel"].get("marketplaceId") in marketplaces
                and (
                    not statuses
                    or order["fulfillment"]["fulfillmentStatus"] in statuses
                )
                and (
                    not fulfilled_by
                    or order["fulfillment"].get("fulfilledBy") in fulfilled_by
                )
            )

        return field, after, before, predicate, echo_key

    params_key = query_key(
        request, {"paginationToken", "maxResultsPerPage", "includedData"}
    )
    page, next_token, before, echo_key = select_page(
        sandbox, request, "paginationToken", filters, params_key
    )
    seller_id = request.seller.seller_id
    pii_allowed = request.seller.pii_allowed
    orders = [
        state.render_2026(
            seller_id, order_id, lambda o: render_2026(o, included, pii_allowed)
        )
        for order_id in page
    ]
    body = {"orders": orders}
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    body[echo_key] = iso(before)
    return Response(200, body)


def get_order_2026(sandbox, request):
    included = _included(request)
    seller_id, order_id = request.seller.seller_id, request.params["orderId"]
    if sandbox.state.get_order(seller_id, order_id) is None:
        raise ApiError(404, "NotFound", "The requested order was not found.")
    pii_allowed = request.seller.pii_allowed
    order = sandbox.state.render_2026(
        seller_id, order_id, lambda o: render_2026(o, included, pii_allowed)
    )
    return Response(200, {"order": order})


def register(router):
    router.add(
        "GET", "/orders/2026-01-01/orders", search_orders, "orders2026.searchOrders"
    )
    router.add(
        "GET",
        "/orders/2026-01-01/orders/{orderId}",
        get_order_2026,
        "orders2026.getOrder",
    )
