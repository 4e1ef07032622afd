"""The sandbox's control interface, under ``/_sandbox/`` on the same port.

It lets tests, demos and other processes change what the sandbox serves:

- ``GET  /_sandbox/state``: applications (ids only), sellers, settings;
- ``POST /_sandbox/apps``: ``{"client_id", "client_secret"}`` adds an application;
- ``POST /_sandbox/sellers``: ``{"seller_id", "client_id", "refresh_token",
  "marketplaces", "denied_operations"?, "pii_allowed"?, "non_amazon"?}`` adds or
  replaces a seller;
- ``POST /_sandbox/marketplaces``: a Sellers API ``Marketplace`` object for a
  marketplace Amazon's table lacks;
- ``POST /_sandbox/settings``: ``{"token_lifetime"?, "enforce_rate_limits"?}``;
- ``POST /_sandbox/rate-limits``: ``{"seller_id", "operation", "rate", "burst"}`` grants
  a seller another usage plan (announced in ``x-amzn-RateLimit-Limit``);
- ``POST /_sandbox/expire-tokens``: every access token issued so far expires now;
- ``POST /_sandbox/faults``: ``{"kind", "operation"?, "count"?, "probability"?,
  "delay"?}`` injects a fault (see :mod:`amazon_sp.sandbox.faults`); ``GET`` lists those
  waiting and those injected; ``DELETE`` clears those waiting;
- ``GET  /_sandbox/requests`` (``?operation=``): what the sandbox received; ``DELETE
  /_sandbox/requests`` forgets it;
- ``POST /_sandbox/orders``: ``{"seller_id", "orders": [2026-01-01 Order, ...]}`` adds
  or replaces orders; ``GET /_sandbox/orders?seller_id=`` lists them;
- ``POST /_sandbox/orders/generate``: ``{"seller_id", "count", "seed"?, "days"?}`` adds
  generated orders (see :mod:`amazon_sp.sandbox.generator`);
- ``POST /_sandbox/orders/{orderId}``: ``{"seller_id", "status"?,
  "buyer_cancel_reason"?, "cancelled_by"?, "last_updated"?}`` changes an order: a new
  fulfillment status (with the items' shipped quantities), a buyer's cancellation
  request, a cancellation, and the update time Amazon reports (a past time stands for an
  update made visible late);
- ``POST /_sandbox/orders/{orderId}/verbatim``: ``{"seller_id", "order"}`` serves
  ``order`` (any JSON, however broken) as that stored order's 2026-01-01 answer;
- ``POST /_sandbox/inventory``: ``{"seller_id", "marketplace_id", "items": {sku:
  {"fulfillable", "reserved", "unfulfillable", "inbound"}}}`` sets FBA stock;
- ``GET /_sandbox/feeds``: the feeds received, with their uploaded content.

The seller's listings (what the listings report, the Listings Items API and the
listings feeds read and change) have their own routes, in :mod:`.listings_control`;
how report documents are served, in :mod:`.reports` (``/_sandbox/reports/settings``);
settlements (``POST /_sandbox/settlements`` closes a settlement period), in
:mod:`.settlements_control`.
"""

from datetime import timedelta

from ..marketplaces import MARKETPLACES
from .faults import Fault
from .generator import generate
from .orderlists import parse_time
from .protocol import ApiError, Response, invalid_input
from .state import Seller


def get_state(sandbox, request):
    state = sandbox.state
    with state.lock:
        return Response(
            200,
            {
                "apps": sorted(state.apps),
                "sellers": [
                    {
                        "seller_id": s.seller_id,
                        "region": s.region,
                        "client_id": s.client_id,
                        "marketplaces": s.marketplaces,
                        "denied_operations": sorted(s.denied_operations),
                        "pii_allowed": s.pii_allowed,
                    }
                    for s in state.sellers.values()
                ],
                "token_lifetime": state.token_lifetime,
                "enforce_rate_limits": state.enforce_rate_limits,
                "lwa_calls": state.lwa_calls,
            },
        )


def post_app(sandbox, request):
    data = request.json()
    if not data.get("client_id") or not data.get("client_secret"):
        raise invalid_input("client_id and client_secret are required")
    sandbox.state.add_app(data["client_id"], data["client_secret"])
    return Response(200, {"ok": True})


def post_seller(sandbox, request):
    data = request.json()
    for key in ("seller_id", "client_id", "refresh_token", "marketplaces"):
        if not data.get(key):
            raise invalid_input(f"{key} is required")
    state = sandbox.state
    region = data.get("region")
    if not region:
        regions = {
            MARKETPLACES[m].region for m in data["marketplaces"] if m in MARKETPLACES
        }
        if len(regions) != 1:
            raise invalid_input(
                "give 'region' or documented marketplaces of one region"
            )
        region = regions.pop()
    try:
        state.add_seller(
            Seller(
                seller_id=data["seller_id"],
                region=region.upper(),
                marketplaces=list(data["marketplaces"]),
                refresh_tokens={data["refresh_token"]},
                client_id=data["client_id"],
                denied_operations=set(data.get("denied_operations") or ()),
                pii_allowed=bool(data.get("pii_allowed", True)),
                non_amazon=bool(data.get("non_amazon", True)),
            )
        )
    except ValueError as exc:
        raise invalid_input(str(exc)) from None
    return Response(200, {"ok": True, "region": region.upper()})


def post_marketplace(sandbox, request):
    try:
        sandbox.state.add_marketplace(request.json())
    except ValueError as exc:
        raise invalid_input(str(exc)) from None
    return Response(200, {"ok": True})


def post_settings(sandbox, request):
    data = request.json()
    state = sandbox.state
    with state.lock:
        if "token_lifetime" in data:
            state.token_lifetime = float(data["token_lifetime"])
        if "enforce_rate_limits" in data:
            state.enforce_rate_limits = bool(data["enforce_rate_limits"])
            state.buckets.clear()
    return Response(200, {"ok": True})


def post_rate_limit(sandbox, request):
    data = request.json()
    try:
        sandbox.state.set_rate_limit(
            data["seller_id"],
            data["operation"],
            float(data["rate"]),
            int(data["burst"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise invalid_input(f"bad rate limit: {exc}") from None
    return Response(200, {"ok": True})


def post_expire_tokens(sandbox, request):
    sandbox.state.expire_access_tokens()
    return Response(200, {"ok": True})


def post_fault(sandbox, request):
    data = request.json()
    try:
        fault = Fault(
            kind=data.get("kind"),
            operation=data.get("operation"),
            count=int(data.get("count", 1)),
            probability=float(data.get("probability", 1.0)),
            delay=float(data.get("delay", 0.0)),
        )
    except (TypeError, ValueError) as exc:
        raise invalid_input(str(exc)) from None
    sandbox.state.faults.add(fault)
    return Response(200, {"ok": True})


def get_faults(sandbox, request):
    plan = sandbox.state.faults
    with plan.lock:
        waiting = [
            {"kind": f.kind, "operation": f.operation, "count": f.count}
            for f in plan.faults
        ]
        injected = [{"kind": k, "operation": o} for k, o in plan.injected]
    return Response(200, {"waiting": waiting, "injected": injected})


def delete_faults(sandbox, request):
    sandbox.state.faults.clear()
    return Response(200, {"ok": True})


def _seller_id(sandbox, data):
    seller_id = data.get("seller_id") or next(iter(sandbox.state.sellers), None)
    if seller_id not in sandbox.state.sellers:
        raise invalid_input(f"unknown seller {seller_id!r}")
    return seller_id


def post_orders(sandbox, request):
    data = request.json()
    orders = data.get("orders")
    if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
        raise invalid_input("orders must be a list of 2026-01-01 Order objects")
    for order in orders:
        for key in ("orderId", "salesChannel", "orderItems", "fulfillment"):
            if key not in order:
                raise invalid_input(f"order {order.get('orderId')!r} lacks {key!r}")
    sandbox.state.put_orders(_seller_id(sandbox, data), orders)
    return Response(200, {"ok": True, "count": len(orders)})


def get_orders(sandbox, request):
    seller_id = _seller_id(sandbox, {"seller_id": request.arg("seller_id")})
    return Response(200, {"orders": sandbox.state.seller_orders(seller_id)})


def post_generate(sandbox, request):
    data = request.json()
    seller_id = _seller_id(sandbox, data)
    try:
        count = int(data.get("count", 100))
        seed = int(data.get("seed", 0))
        days = float(data.get("days", 30))
    except (TypeError, ValueError) as exc:
        raise invalid_input(str(exc)) from None
    end = sandbox.state.clock.now() - timedelta(minutes=5)
    orders = generate(
        sandbox.state, seller_id, count, seed, start=end - timedelta(days=days), end=end
    )
    return Response(200, {"ok": True, "order_ids": [o["orderId"] for o in orders]})


def post_order_change(sandbox, request):
    data = request.json()
    seller_id = _seller_id(sandbox, data)
    order_id = request.params["orderId"]
    if sandbox.state.get_order(seller_id, order_id) is None:
        raise ApiError(404, "NotFound", f"no order {order_id}")
    status = data.get("status")
    if status and status not in STATUSES:
        raise invalid_input(f"status must be one of {', '.join(STATUSES)}")
    last_updated = data.get("last_updated")
    if last_updated:
        last_updated = parse_time(last_updated, "last_updated")

    def change(order):
        change_order(
            order,
            status=status,
            buyer_cancel_reason=data.get("buyer_cancel_reason"),
            cancelled_by=data.get("cancelled_by"),
        )

    order = sandbox.state.update_order(seller_id, order_id, change, last_updated)
    return Response(200, {"ok": True, "order": order})


STATUSES = (
    "PENDING_AVAILABILITY",
    "PENDING",
    "UNSHIPPED",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "CANCELLED",
    "UNFULFILLABLE",
)


def change_order(order, status=None, buyer_cancel_reason=None, cancelled_by=None):
    """Change an order as Amazon would: status with shipped quantities, cancellations.

    :param dict order: the stored 2026-01-01 order, changed in place.
    """
    if cancelled_by:
        status = "CANCELLED"
    if status:
        order["fulfillment"]["fulfillmentStatus"] = status
        for item in order["orderItems"]:
            fulfillment = item.setdefault("fulfillment", {})
            quantity = item["quantityOrdered"]
            shipped = {"SHIPPED": quantity, "CANCELLED": 0}.get(
                status, fulfillment.get("quantityFulfilled", 0)
            )
            fulfillment["quantityFulfilled"] = shipped
            fulfillment["quantityUnfulfilled"] = quantity - shipped
    if buyer_cancel_reason:
        for item in order["orderItems"]:
            item["cancellation"] = {
                "cancellationRequest": {
                    "requester": "BUYER",
                    "cancelReason": buyer_cancel_reason,
                }
            }
    if cancelled_by:
        for item in order["orderItems"]:
            request = (item.get("cancellation") or {}).get("cancellationRequest")
            item["cancellation"] = {
                "cancellationExecution": {
                    "cancelledBy": cancelled_by,
                    "cancelReason": (request or {}).get("cancelReason")
                    or "Cancelled by " + cancelled_by.lower(),
                }
            }
            if request:
                item["cancellation"]["cancellationRequest"] = request


def post_verbatim(sandbox, request):
    data = request.json()
    seller_id = _seller_id(sandbox, data)
    order_id = request.params["orderId"]
    if sandbox.state.get_order(seller_id, order_id) is None:
        raise ApiError(404, "NotFound", f"no order {order_id}")
    if "order" not in data:
        raise invalid_input("order is required")
    sandbox.state.serve_verbatim(seller_id, order_id, data["order"])
    return Response(200, {"ok": True})


def post_inventory(sandbox, request):
    data = request.json()
    seller_id = _seller_id(sandbox, data)
    items = data.get("items")
    if not data.get("marketplace_id") or not isinstance(items, dict):
        raise invalid_input("marketplace_id and items are required")
    with sandbox.state.lock:
        stock = sandbox.state.inventory.setdefault(seller_id, {})
        stock[data["marketplace_id"]] = {sku: dict(q) for sku, q in items.items()}
    return Response(200, {"ok": True})


def get_feeds(sandbox, request):
    with sandbox.state.lock:
        feeds = [
            {
                **{k: v for k, v in feed.items() if k != "input"},
                "content": feed["input"].decode("utf-8", "replace"),
            }
            for feed in sandbox.state.feeds.values()
        ]
    return Response(200, {"feeds": feeds})


def get_requests(sandbox, request):
    return Response(200, {"requests": sandbox.state.received(request.arg("operation"))})


def delete_requests(sandbox, request):
    sandbox.state.clear_received()
    return Response(200, {"ok": True})


def register(router):
    for method, path, handler in (
        ("GET", "/_sandbox/state", get_state),
        ("POST", "/_sandbox/apps", post_app),
        ("POST", "/_sandbox/sellers", post_seller),
        ("POST", "/_sandbox/marketplaces", post_marketplace),
        ("POST", "/_sandbox/settings", post_settings),
        ("POST", "/_sandbox/rate-limits", post_rate_limit),
        ("POST", "/_sandbox/expire-tokens", post_expire_tokens),
        ("POST", "/_sandbox/faults", post_fault),
        ("GET", "/_sandbox/faults", get_faults),
        ("DELETE", "/_sandbox/faults", delete_faults),
        ("GET", "/_sandbox/requests", get_requests),
        ("POST", "/_sandbox/orders", post_orders),
        ("GET", "/_sandbox/orders", get_orders),
        ("POST", "/_sandbox/orders/generate", post_generate),
        ("POST", "/_sandbox/inventory", post_inventory),
        ("GET", "/_sandbox/feeds", get_feeds),
        ("POST", "/_sandbox/orders/{orderId}", post_order_change),
        ("POST", "/_sandbox/orders/{orderId}/verbatim", post_verbatim),
        ("DELETE", "/_sandbox/requests", delete_requests),
    ):
        router.add(method, path, handler, spapi=False)
