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
  /_sandbox/requests`` forgets it.
"""

from ..marketplaces import MARKETPLACES
from .faults import Fault
from .server import Response, invalid_input
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
        ("DELETE", "/_sandbox/requests", delete_requests),
    ):
        router.add(method, path, handler, spapi=False)
