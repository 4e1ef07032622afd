"""Tokens API 2021-03-01 ``createRestrictedDataToken``, as the sandbox serves it.

A restricted data token (RDT) is good only for the Orders v0 resources and data
elements it was made for: the server refuses it for any other resource, and
:mod:`.orders_v0` serves the buyer PII it grants.
"""

from .protocol import ApiError, Response, invalid_input, path_matches

RESTRICTED_PATHS = (
    "/orders/v0/orders",
    "/orders/v0/orders/{orderId}",
    "/orders/v0/orders/{orderId}/address",
    "/orders/v0/orders/{orderId}/buyerInfo",
    "/orders/v0/orders/{orderId}/orderItems",
    "/orders/v0/orders/{orderId}/orderItems/buyerInfo",
)
DATA_ELEMENTS = {"buyerInfo", "shippingAddress", "buyerTaxInformation"}


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
    router.add(
        "POST",
        "/tokens/2021-03-01/restrictedDataToken",
        create_restricted_data_token,
        "tokens.createRestrictedDataToken",
    )
