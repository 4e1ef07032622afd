"""Orders API v0, Orders API 2026-01-01 and Tokens API, as the sandbox serves them.

Both Orders versions read the same store (:mod:`.orderdata`). Lists follow Amazon's
rules: exactly one of the created/last-updated filters, ``*Before`` at least two minutes
before now (and after ``*After``), ISO 8601 date-times, at most 50 marketplaces, 1 to
100 orders a page, and pagination tokens that repeat the query's filters and expire
after 24 hours. A token lists the orders matching the query when its first page was
asked for, so that later pages neither skip nor repeat orders that change meanwhile.
"""

import base64
import hashlib
import json
import os
import re
from datetime import datetime, timedelta, timezone

from ..marketplaces import MARKETPLACES
from .orderdata import (
    ALL_INCLUDED_DATA,
    render_2026,
    render_v0_buyer_info,
    render_v0_items,
    render_v0_order,
    render_v0_order_address,
)
from .protocol import ApiError, Response, invalid_input, path_matches
from .state import iso

TWO_MINUTES = timedelta(minutes=2)
TOKEN_LIFETIME = 24 * 3600
ITEMS_PAGE_SIZE = 50
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"
)
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
RESTRICTED_PATHS = (
    "/orders/v0/orders",
    "/orders/v0/orders/{orderId}",
    "/orders/v0/orders/{orderId}/address",
    "/orders/v0/orders/{orderId}/buyerInfo",
    "/orders/v0/orders/{orderId}/orderItems",
    "/orders/v0/orders/{orderId}/orderItems/buyerInfo",
)
DATA_ELEMENTS = {"buyerInfo", "shippingAddress", "buyerTaxInformation"}


# === helpers === #


def parse_time(value, name):
    if not value or not _ISO.match(value):
        raise invalid_input(
            f"Invalid {name}: {value!r}. Use an ISO 8601 date-time such as "
            "2026-01-01T00:00:00Z."
        )
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _order_time(order, key):
    return datetime.fromisoformat(order[key].replace("Z", "+00:00"))


def _window(sandbox, request, names):
    """Check the date filters and return ``(field, after, before, echo_key)``.

    :param dict names: ``created_after``, ``created_before``, ``updated_after``,
        ``updated_before``, ``echo_created``, ``echo_updated``: the parameter names of
        the version.
    """
    created_after = request.arg(names["created_after"])
    updated_after = request.arg(names["updated_after"])
    if bool(created_after) == bool(updated_after):
        raise invalid_input(
            f"Exactly one of {names['created_after']} and {names['updated_after']} is "
            "required."
        )
    if created_after:
        field, after_name, before_name = (
            "createdTime",
            names["created_after"],
            names["created_before"],
        )
        echo = names["echo_created"]
        if request.arg(names["updated_before"]):
            raise invalid_input(
                f"{names['updated_before']} cannot be used with "
                f"{names['created_after']}."
            )
    else:
        field, after_name, before_name = (
            "lastUpdatedTime",
            names["updated_after"],
            names["updated_before"],
        )
        echo = names["echo_updated"]
        if request.arg(names["created_before"]):
            raise invalid_input(
                f"{names['created_before']} cannot be used with "
                f"{names['updated_after']}."
            )
    after = parse_time(request.arg(after_name), after_name)
    latest = sandbox.state.clock.now() - TWO_MINUTES
    before_value = request.arg(before_name)
    if before_value:
        before = parse_time(before_value, before_name)
        if before > latest:
            raise invalid_input(
                f"{before_name} must be at least two minutes before the current time."
            )
    else:
        before = latest
    if before < after:
        raise invalid_input(f"{before_name} must be later than {after_name}.")
    return field, after, before, echo


def _marketplaces(request, name, required):
    ids = request.csv(name)
    if required and not ids:
        raise invalid_input(f"{name} is required.")
    if len(ids) > 50:
        raise invalid_input(f"{name} accepts at most 50 marketplace ids.")
    unknown = [
        m for m in ids if m not in MARKETPLACES and m not in request.seller.marketplaces
    ]
    if unknown:
        raise invalid_input(f"Invalid {name}: {', '.join(unknown)}.")
    return ids


def _page_size(request, name):
    value = request.arg(name, "100")
    try:
        size = int(value)
    except ValueError:
        size = 0
    if not 1 <= size <= 100:
        raise invalid_input(f"{name} must be between 1 and 100.")
    return size


def _new_token():
    # Standard base64, so that tokens carry "+", "/" and "=" as Amazon's do.
    return base64.b64encode(os.urandom(25)).decode()


def _params_key(request, ignored):
    items = sorted((k, tuple(v)) for k, v in request.query.items() if k not in ignored)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def _select(sandbox, request, token_name, filters, params_key):
    """Return ``(order ids of the page, next token, before, echo key)`` of a list.

    :param callable filters: returns ``(field, after, before, predicate, echo key)``.
    """
    state = sandbox.state
    token = request.arg(token_name)
    now = state.clock.monotonic()
    if token:
        if state.faults.take(request.operation, {"invalid_pagination_token"}):
            raise invalid_input(
                f"Invalid {token_name}.", "The token could not be decoded."
            )
        with state.lock:
            entry = state.page_tokens.get(token)
        if (
            entry is None
            or entry["seller_id"] != request.seller.seller_id
            or entry["operation"] != request.operation
            or now - entry["issued"] > TOKEN_LIFETIME
            or (params_key is not None and entry["params_key"] != params_key)
        ):
            raise invalid_input(
                f"Invalid {token_name}.",
                "The token is unknown or expired, or the other parameters changed.",
            )
        ids, offset, before, echo = (
            entry["ids"],
            entry["offset"],
            entry["before"],
            entry["echo"],
        )
    else:
        field, after, before, predicate, echo = filters()
        orders = [
            o
            for o in state.seller_orders(request.seller.seller_id)
            if after <= _order_time(o, field) <= before and predicate(o)
        ]
        orders.sort(key=lambda o: (o[field], o["orderId"]))
        ids, offset = [o["orderId"] for o in orders], 0
    size_name = (
        "maxResultsPerPage" if token_name == "paginationToken" else "MaxResultsPerPage"
    )
    size = _page_size(request, size_name)
    start = offset
    if token and state.faults.take(request.operation, {"repeat_page"}):
        # Amazon sometimes sends a page again: the same orders, and a token that leads
        # to the page that was asked for.
        start, end = max(0, offset - size), offset
        next_offset = offset
    else:
        end = offset + size
        next_offset = end
    page = ids[start:end]
    next_token = None
    if next_offset < len(ids):
        next_token = _new_token()
        with state.lock:
            state.page_tokens[next_token] = {
                "seller_id": request.seller.seller_id,
                "operation": request.operation,
                "params_key": params_key,
                "ids": ids,
                "offset": next_offset,
                "issued": now,
                "before": before,
                "echo": echo,
            }
    return page, next_token, before, echo


# === Orders 2026-01-01 === #

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
        field, after, before, echo_key = _window(sandbox, request, NAMES_2026)
        marketplaces = set(
            _marketplaces(request, "marketplaceIds", required=False)
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

    params_key = _params_key(
        request, {"paginationToken", "maxResultsPerPage", "includedData"}
    )
    page, next_token, before, echo_key = _select(
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


# === Orders v0 === #

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
        marketplaces = set(_marketplaces(request, "MarketplaceIds", required=True))

    def filters():
        field, after, before, echo_key = _window(sandbox, request, NAMES_V0)
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
    page, next_token, before, echo_key = _select(
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


# === Tokens 2021-03-01 === #


def create_restricted_data_token(sandbox, request):
    body = request.json()
    resources = body.get("restrictedResources")
    if not isinstance(resources, list) or not 1 <= len(resources) <= 50:
        raise invalid_input("restrictedResources must list 1 to 50 resources.")
    parsed = []
    for resource in resources:
        if not isinstance(resource, dict):
            raise invalid_input("Each restricted resource must be an object.")
        method, path = resource.get("method"), resource.get("path")
        elements = resource.get("dataElements") or []
        if method not in ("GET", "PUT", "POST", "DELETE"):
            raise invalid_input(f"Invalid method {method!r}.")
        if not isinstance(path, str) or not any(
            path_matches(pattern, path) or path == pattern
            for pattern in RESTRICTED_PATHS
        ):
            raise invalid_input(f"{path!r} is not a restricted operation.")
        unknown = set(elements) - DATA_ELEMENTS
        if unknown:
            raise invalid_input(f"Invalid dataElements: {', '.join(sorted(unknown))}.")
        parsed.append((method, path, tuple(elements)))
    if not request.seller.pii_allowed:
        requested = sorted({e for _m, _p, elements in parsed for e in elements})
        raise ApiError(
            403,
            "Unauthorized",
            "Access to requested resource is denied.",
            "Application does not have access to one or more requested data elements: "
            f"[{', '.join(requested)}]",
        )
    state = sandbox.state
    token, lifetime = state.issue_access_token(
        request.seller,
        request.token.client_id,
        state.rdt_lifetime,
        restricted=parsed,
        prefix="Atz.sprdt|",
    )
    return Response(200, {"restrictedDataToken": token, "expiresIn": int(lifetime)})


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
    router.add(
        "GET", "/orders/2026-01-01/orders", search_orders, "orders2026.searchOrders"
    )
    router.add(
        "GET",
        "/orders/2026-01-01/orders/{orderId}",
        get_order_2026,
        "orders2026.getOrder",
    )
    router.add(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        create_restricted_data_token,
        "tokens.createRestrictedDataToken",
    )
