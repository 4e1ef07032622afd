"""Login with Amazon's token endpoint, as the sandbox serves it (``POST
/auth/o2/token``).

Only the ``refresh_token`` grant is served. Errors use LWA's OAuth 2.0 body (``{"error":
..., "error_description": ...}``), not SP-API's ``errors`` list.
"""

from .protocol import Response


def _oauth_error(status, error, description):
    return Response(status, {"error": error, "error_description": description})


def token(sandbox, request):
    state = sandbox.state
    with state.lock:
        state.lwa_calls += 1
    form = request.form()
    grant_type = form.get("grant_type")
    client_id = form.get("client_id")
    client_secret = form.get("client_secret")
    if grant_type != "refresh_token":
        return _oauth_error(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported.",
        )
    if not client_id or not client_secret or not form.get("refresh_token"):
        return _oauth_error(
            400, "invalid_request", "The request is missing a required parameter."
        )
    if state.apps.get(client_id) != client_secret:
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    seller = state.seller_by_refresh_token(client_id, form["refresh_token"])
    if seller is None:
        return _oauth_error(
            400,
            "invalid_grant",
            "The request has an invalid grant parameter : refresh_token",
        )
    access_token, lifetime = state.issue_access_token(seller, client_id)
    return Response(
        200,
        {
            "access_token": access_token,
            "refresh_token": form["refresh_token"],
            "token_type": "bearer",
            "expires_in": int(lifetime),
        },
    )


def register(router):
    router.add("POST", "/auth/o2/token", token, operation="lwa.token", spapi=False)
