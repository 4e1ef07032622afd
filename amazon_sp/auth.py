"""Login with Amazon (LWA) access tokens: the library's token client, pointed at the
right token endpoint, with a thread-safe cache.

Access tokens are cached per token endpoint and credentials, for the lifetime LWA
gives them, behind a lock (the library's cache is a fixed 3200 s, keyed by refresh
token only, and not thread-safe); :meth:`LwaTokenClient.invalidate` forgets one that
Amazon says has expired. LWA's failures become :mod:`amazon_sp.errors` errors that say
what to fix.
"""

import hashlib
import threading
import time

import httpx
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.base._transport_httpx import HttpxTransport

from . import logmask
from .errors import InvalidCredentials, Throttled, Unavailable
from .regions import LWA_TOKEN_URL

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for Amazon (connect, read, write); the library's default is httpx's 5
s."""

TOKEN_EXPIRY_MARGIN = 60.0
"""Seconds before its announced expiry at which a cached access token is renewed."""

_token_cache = {}
_token_cache_lock = threading.Lock()


def _token_cache_key(token_url, client_id, client_secret, refresh_token):
    digest = hashlib.sha256(
        f"{client_id}\0{client_secret}\0{refresh_token}".encode()
    ).hexdigest()
    return (token_url, digest)


class LwaTokenClient(AccessTokenClient):
    """The library's LWA client, pointed at a chosen token URL, with a thread-safe
    cache.

    The token request itself (form body, headers) is the library's; only where it goes,
    how long it waits, how its answer is cached and how its failures are reported
    differ.
    """

    def __init__(
        self,
        refresh_token=None,
        credentials=None,
        proxies=None,
        verify=True,
        *,
        token_url=LWA_TOKEN_URL,
        timeout=DEFAULT_TIMEOUT,
    ):
        super().__init__(
            refresh_token=refresh_token,
            credentials=credentials,
            proxies=proxies,
            verify=verify,
        )
        self.token_url = token_url
        self._transport = HttpxTransport(
            proxies=proxies, verify=verify, timeout=timeout
        )

    @property
    def cache_key(self):
        return _token_cache_key(
            self.token_url,
            self.cred.client_id,
            self.cred.client_secret,
            self.cred.refresh_token,
        )

    def get_auth(self):
        """Return a valid access token, from the cache or from LWA.

        :rtype: AccessTokenResponse
        :raise InvalidCredentials: if LWA refuses the client or the refresh token.
        :raise Throttled: if LWA throttles the request.
        :raise Unavailable: if LWA cannot be reached or answers with an error or
            garbage.
        """
        key = self.cache_key
        with _token_cache_lock:
            entry = _token_cache.get(key)
            if entry and entry[1] > time.monotonic():
                return AccessTokenResponse(**entry[0])
        data = self._request(self.token_url, self.data, self.headers)
        logmask.register_secret(data.get("access_token"))
        lifetime = float(data.get("expires_in") or 3600)
        expires_at = time.monotonic() + max(
            lifetime - TOKEN_EXPIRY_MARGIN, lifetime / 2
        )
        with _token_cache_lock:
            _token_cache[key] = (data, expires_at)
        return AccessTokenResponse(**data)

    def invalidate(self):
        """Forget the cached access token, so that the next call asks LWA for a new
        one."""
        with _token_cache_lock:
            _token_cache.pop(self.cache_key, None)

    def _request(self, url, data, headers):
        try:
            response = self._transport.request("POST", url, data=data, headers=headers)
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"Login with Amazon could not be reached at {url}: "
                f"{type(exc).__name__}.",
                operation="LWA token",
            ) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status == 200 and isinstance(body, dict) and body.get("access_token"):
            return body
        code = body.get("error") if isinstance(body, dict) else None
        description = body.get("error_description") if isinstance(body, dict) else None
        kwargs = {
            "status": status,
            "code": code,
            "details": description,
            "operation": "LWA token",
            "request_id": response.headers.get("x-amzn-RequestId"),
        }
        if code == "invalid_client":
            raise InvalidCredentials(
                "Amazon refused the LWA client ID or client secret: copy both again "
                "from the application's 'LWA credentials' in Seller Central (Develop "
                "Apps).",
                kind="client",
                **kwargs,
            )
        if code in ("invalid_grant", "unauthorized_client"):
            raise InvalidCredentials(
                "Amazon refused the refresh token: it is mistyped, was revoked, or "
                "belongs to another application. Authorize the application again in "
                "Seller Central and paste the new refresh token.",
                kind="refresh_token",
                **kwargs,
            )
        if status == 429:
            raise Throttled("Login with Amazon throttled the token request.", **kwargs)
        if status >= 500 or body is None:
            raise Unavailable(
                "Login with Amazon did not answer as expected; try again later.",
                **kwargs,
            )
        raise InvalidCredentials(
            "Login with Amazon refused the token request; check the credentials.",
            **kwargs,
        )
