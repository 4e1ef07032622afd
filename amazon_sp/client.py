"""Build python-amazon-sp-api clients for one seller, and call them safely.

:class:`SellerConnection` holds a seller's credentials, region and environment, builds
the library's clients for it, and runs every SP-API call through
:meth:`SellerConnection.call`, which turns every failure into an :mod:`amazon_sp.errors`
error.

It works around the library's pitfalls (see the project's SPAPI notes, section 5):

- credentials come from the code only: the library's fall-back to environment variables,
  AWS Secrets Manager and a ``credentials.yml`` would otherwise mix another seller's
  credentials in;
- the ``SP_API_DEFAULT_MARKETPLACE`` and ``AWS_ENV`` environment variables are ignored:
  the endpoint is always the one of the environment chosen here;
- the ``host`` header the library derives from ``endpoint[8:]`` (wrong for ``http://``)
  is left to the HTTP client, which derives it from the URL;
- HTTP errors without an ``errors`` list in their body (a bare 403, an empty 429, an
  HTML 500), and unreadable bodies, which the library returns as normal responses, raise
  typed errors;
- access tokens are cached per token endpoint and credentials, for the lifetime LWA
  gives them, behind a lock (the library's cache is a fixed 3200 s, keyed by refresh
  token only, and not thread-safe), and are refreshed once when Amazon says the one sent
  has expired.
"""

import enum
import hashlib
import ipaddress
import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
from sp_api.api import Sellers
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.base import ApiResponse, SellingApiException
from sp_api.base._transport_httpx import HttpxTransport
from sp_api.base.credential_provider import FromCodeCredentialProvider

from . import logmask
from .clock import SYSTEM_CLOCK
from .errors import (
    AccessDenied,
    AmazonError,
    InvalidCredentials,
    Throttled,
    Unavailable,
    error_for_status,
)
from .ratelimits import SHARED_LIMITER, CallStats, parse_rate_limit_header
from .regions import LWA_TOKEN_URL, get_region

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for Amazon (connect, read, write); the library's default is httpx's 5
s."""

TOKEN_EXPIRY_MARGIN = 60.0
"""Seconds before its announced expiry at which a cached access token is renewed."""

DEFAULT_MAX_WAIT = 60.0
"""Seconds one call may spend waiting (rate-limit tokens and backoff) before it gives up
with a typed error that says when to try again."""

DEFAULT_MAX_ATTEMPTS = 6
"""Requests sent at most for one call (the first one and the retries)."""

BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


class Environment(enum.Enum):
    """Where the calls go."""

    PRODUCTION = "production"
    """Amazon's live SP-API, with the real LWA token endpoint."""
    AMAZON_SANDBOX = "amazon_sandbox"
    """Amazon's static sandbox (``sandbox.sellingpartnerapi-*``), with the real LWA
    endpoint."""
    LOCAL = "local"
    """A local server (``amazon_sp.sandbox``) that serves both the LWA token endpoint
    and the API."""


@dataclass(frozen=True)
class Credentials:
    """A seller's credentials for a self-authorised (private) SP-API application.

    :param str seller_id: the seller's merchant token (Seller ID), e.g.
        ``A2EXAMPLE1SELLER``.
    :param str client_id: the LWA client identifier of the application.
    :param str client_secret: the LWA client secret of the application.
    :param str refresh_token: the LWA refresh token the seller's authorisation produced.
    """

    seller_id: str
    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)

    def missing(self):
        """Return the names of the credentials that are empty.

        :rtype: list[str]
        """
        return [
            name
            for name in ("seller_id", "client_id", "client_secret", "refresh_token")
            if not (getattr(self, name) or "").strip()
        ]


def normalise_local_url(url):
    """Return the base URL of a local server without a trailing slash.

    :param str url: e.g. ``http://127.0.0.1:8765/``.
    :rtype: str
    :raise ValueError: if it is not an absolute http(s) URL without query or fragment.
    """
    parts = urlsplit((url or "").strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
    ):
        raise ValueError(
            f"{url!r} is not a valid local endpoint: expected a URL such as "
            f"http://127.0.0.1:8765"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def local_url_allowed(url, allowed_hosts=()):
    """Whether credentials may be sent to a local server at this URL.

    A local server receives the LWA client secret and the refresh token with every
    token request, so only the machine itself (a loopback address, or ``localhost``)
    qualifies, unless the host is among those explicitly allowed.

    :param str url: the local server's base URL.
    :param allowed_hosts: other host names or addresses that may be used.
    :rtype: bool
    """
    host = (urlsplit((url or "").strip()).hostname or "").lower()
    if not host:
        return False
    if host == "localhost" or host in {h.strip().lower() for h in allowed_hosts}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# === ACCESS TOKENS === #

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


# === LIBRARY CLIENTS === #


class _ClientFixes:
    """Mixed into a library client class: right host header, typed errors, response
    status."""

    @property
    def headers(self):
        headers = super().headers
        # The library sends endpoint[8:] as host, which assumes https://
        # ("27.0.0.1:8765" for
        # http://127.0.0.1:8765); the HTTP client derives the right one from the URL.
        headers.pop("host", None)
        return headers

    def _request(self, path, *, data=None, **kwargs):
        # Some library methods (create_feed, create_feed_document) leave their own
        # "path" key in the JSON body they send; Amazon does not document it.
        if isinstance(data, dict) and "path" in data:
            data = {key: value for key, value in data.items() if key != "path"}
        # The library adds the client's marketplace to every query and body under four
        # spellings unless told not to; amazon_sp passes the marketplaces it means.
        kwargs["add_marketplace"] = False
        return super()._request(path, data=data, **kwargs)

    def _check_response(self, res, res_no_data=False, bulk=False, wrap_list=False):
        status = res.status_code
        request_id = res.headers.get("x-amzn-RequestId")
        try:
            body = res.json() if res.content else None
        except ValueError:
            body = _UNREADABLE
        if status >= 400:
            raise _error_from_response(status, body, res.headers, request_id)
        if body is _UNREADABLE and not (res_no_data or self.method == "DELETE"):
            raise Unavailable(
                "Amazon answered with a body that is not JSON.",
                status=status,
                request_id=request_id,
            )
        response = super()._check_response(res, res_no_data, bulk, wrap_list)
        response.status_code = status
        return response


_UNREADABLE = object()
_fixed_classes = {}
_fixed_classes_lock = threading.Lock()


def _fixed_class(api_class):
    with _fixed_classes_lock:
        if api_class not in _fixed_classes:
            _fixed_classes[api_class] = type(
                api_class.__name__, (_ClientFixes, api_class), {}
            )
        return _fixed_classes[api_class]


def _error_from_response(status, body, headers, request_id):
    errors = body.get("errors") if isinstance(body, dict) else None
    first = (
        errors[0]
        if isinstance(errors, list) and errors and isinstance(errors[0], dict)
        else {}
    )
    code = first.get("code")
    message = first.get("message") or (
        body.get("message") if isinstance(body, dict) else None
    )
    details = first.get("details")
    error_class = error_for_status(status)
    kwargs = {
        "status": status,
        "code": code,
        "details": details,
        "request_id": request_id,
    }
    if error_class is Throttled:
        return Throttled(
            "Amazon throttled the request (quota exceeded).",
            retry_after=_retry_after(headers),
            **kwargs,
        )
    if error_class is Unavailable:
        return Unavailable(
            f"Amazon had a server error (HTTP {status}); try again later.",
            retry_after=_retry_after(headers),
            **kwargs,
        )
    if error_class is AccessDenied:
        text = message or "Access to requested resource is denied."
        return AccessDenied(
            f"Amazon denied access: {text} {details or ''}".strip(), **kwargs
        )
    return error_class(
        f"Amazon refused the request: {message or 'no message'}", **kwargs
    )


def _retry_after(headers):
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _is_expired_token(error):
    return (
        isinstance(error, AccessDenied) and "expired" in (error.details or "").lower()
    )


# === CONNECTION === #


class SellerConnection:
    """One seller's way to the SP-API: credentials, region and environment.

    :param Credentials credentials: the seller's credentials.
    :param str region: ``NA``, ``EU`` or ``FE``.
    :param Environment environment: production, Amazon's sandbox, or a local server.
    :param str local_url: the local server's base URL, for :attr:`Environment.LOCAL`.
    :param float timeout: seconds to wait for Amazon.
    :param clock: the clock (``amazon_sp.clock``); tests pass one that does not sleep.
    :param float max_wait: seconds one call may spend waiting for rate-limit tokens and
        backoff before it raises :class:`Throttled` or :class:`Unavailable`.
    :param int max_attempts: requests sent at most for one call.
    :param RateLimiter limiter: the token buckets (shared by the process by default).
    :param random.Random rng: the source of backoff jitter.
    :raise ValueError: on an unknown region or environment, or a bad local URL.
    """

    def __init__(
        self,
        credentials,
        region,
        environment=Environment.PRODUCTION,
        local_url=None,
        *,
        timeout=DEFAULT_TIMEOUT,
        clock=None,
        max_wait=DEFAULT_MAX_WAIT,
        max_attempts=DEFAULT_MAX_ATTEMPTS,
        limiter=None,
        rng=None,
    ):
        self.credentials = credentials
        self.region = get_region(region)
        self.environment = Environment(environment)
        self.timeout = timeout
        self.clock = clock or SYSTEM_CLOCK
        self.max_wait = max_wait
        self.max_attempts = max_attempts
        self.limiter = limiter or SHARED_LIMITER
        self.rng = rng or random.Random()
        self.stats = CallStats()
        if self.environment is Environment.LOCAL:
            base = normalise_local_url(local_url)
            # The local server tells regions apart by a path prefix, as Amazon does by
            # host.
            self.endpoint = f"{base}/{self.region.code.lower()}"
            self.token_url = f"{base}/auth/o2/token"
        elif self.environment is Environment.AMAZON_SANDBOX:
            self.endpoint = self.region.sandbox_endpoint
            self.token_url = self.region.token_url
        else:
            self.endpoint = self.region.endpoint
            self.token_url = self.region.token_url
        # Amazon counts usage per selling partner and application.
        self._limiter_key = (
            credentials.seller_id,
            credentials.client_id,
            self.endpoint,
        )
        logmask.install()
        logmask.register_secret(credentials.client_secret)
        logmask.register_secret(credentials.refresh_token)

    def __repr__(self):
        return (
            f"<SellerConnection seller={self.credentials.seller_id} "
            f"region={self.region.code} environment={self.environment.value}>"
        )

    def client(
        self, api_class, *, marketplace_id=None, restricted_data_token=None, **kwargs
    ):
        """Build a python-amazon-sp-api client of the given class for this seller.

        :param type api_class: a library client class, e.g. ``sp_api.api.Sellers`` or
            ``sp_api.api.orders.orders_2026_01_01.OrdersV20260101`` (not a version
            dispatcher).
        :param str marketplace_id: the marketplace the library adds to requests by
            default.
        :param str restricted_data_token: an RDT to send instead of the access token.
        :return: the client; close it after use, or use it as a context manager.
        """
        missing = self.credentials.missing()
        if missing:
            raise InvalidCredentials(
                f"These credentials are missing: {', '.join(missing)}.", kind="client"
            )
        marketplace = SimpleNamespace(
            endpoint=self.endpoint,
            marketplace_id=marketplace_id or "",
            region=self.region.aws_region,
        )
        auth_class = _bind(
            LwaTokenClient, token_url=self.token_url, timeout=self.timeout
        )
        client = _fixed_class(api_class)(
            marketplace,
            credentials={
                "lwa_app_id": self.credentials.client_id,
                "lwa_client_secret": self.credentials.client_secret,
                "refresh_token": self.credentials.refresh_token,
            },
            credential_providers=(FromCodeCredentialProvider,),
            restricted_data_token=restricted_data_token,
            timeout=self.timeout,
            auth_token_client_class=auth_class,
            **kwargs,
        )
        # SP_API_DEFAULT_MARKETPLACE overrides the marketplace passed in: put ours back.
        client.endpoint = marketplace.endpoint
        client.marketplace_id = marketplace.marketplace_id
        client.region = marketplace.region
        return client

    def call(self, operation, func, *args, retry_unavailable=True, **kwargs):
        """Run one SP-API call and return its response, or raise a typed error.

        The call first takes a token from the operation's rate-limit bucket, waiting for
        one if needed. A 429 empties the bucket; a 429, a server error or a network
        failure is retried with exponential backoff and jitter, as long as the waits
        stay within ``max_wait`` and the requests within ``max_attempts``. An access
        token that Amazon reports as expired is renewed and the call made once more.

        :param str operation: ``<api>.<operationId>``, e.g. ``orders2026.searchOrders``.
        :param callable func: a bound method of a client built by :meth:`client`.
        :param bool retry_unavailable: retry after server errors and network failures
            (False for requests that must not be sent twice).
        :rtype: ApiResponse
        :raise Throttled: when Amazon keeps throttling, or the next token is further
            away than the time left; ``retry_after`` says when to try again.
        :raise Unavailable: when Amazon keeps failing or cannot be reached.
        :raise AmazonError: on any other failure (not worth retrying as is).
        """
        waited = 0.0
        attempt = 0
        renewed = False
        while True:
            try:
                waited += self._acquire(operation, self.max_wait - waited)
            except Throttled:
                self.stats.add("errors", operation)
                raise
            attempt += 1
            self.stats.add("calls", operation)
            self.stats.sequence.append(operation)
            try:
                response = self._call_once(operation, func, *args, **kwargs)
            except AccessDenied as exc:
                if not renewed and _is_expired_token(exc):
                    _logger.info("Access token expired for %s; renewing it.", operation)
                    func.__self__._auth.invalidate()
                    renewed = True
                    continue
                self.stats.add("errors", operation)
                raise
            except (Throttled, Unavailable) as exc:
                if isinstance(exc, Throttled):
                    self.stats.add("throttled", operation)
                    self._bucket(operation).drain(self._now())
                elif not retry_unavailable:
                    self.stats.add("errors", operation)
                    raise
                delay = self._backoff(attempt, exc)
                if attempt >= self.max_attempts or waited + delay > self.max_wait:
                    self.stats.add("errors", operation)
                    exc.retry_after = max(exc.retry_after or 0.0, delay)
                    raise
                _logger.info(
                    "%s failed (%s); retrying in %.1f s.", operation, exc.status, delay
                )
                self._sleep(delay)
                waited += delay
                self.stats.add("retries", operation)
                continue
            except AmazonError:
                self.stats.add("errors", operation)
                raise
            self._learn_rate_limit(operation, response)
            return response

    # --- rate limits and backoff ---

    def _now(self):
        return self.clock.monotonic() + self.limiter.skew

    def _sleep(self, seconds):
        """Sleep through the clock; if it did not move (a frozen clock), move ours."""
        before = self.clock.monotonic()
        self.clock.sleep(seconds)
        moved = self.clock.monotonic() - before
        if moved < seconds:
            self.limiter.add_skew(seconds - moved)
        self.stats.add_wait(seconds)

    def _bucket(self, operation):
        return self.limiter.bucket(self._limiter_key, operation, self._now())

    def _acquire(self, operation, budget):
        """Take a rate-limit token, waiting at most ``budget`` seconds for it.

        :return: the seconds waited.
        :raise Throttled: if the token is further away than the budget.
        """
        bucket = self._bucket(operation)
        waited = 0.0
        while True:
            wait = bucket.try_take(self._now())
            if wait <= 0:
                return waited
            if waited + wait > budget:
                raise Throttled(
                    f"Amazon's usage plan for {operation} allows the next call in "
                    f"{wait:.0f} seconds.",
                    retry_after=wait,
                    operation=operation,
                    code="RateLimitWait",
                )
            self._sleep(wait)
            waited += wait

    def _backoff(self, attempt, error):
        """Seconds to wait before attempt ``attempt + 1``: exponential, with jitter."""
        ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
        delay = ceiling / 2 + self.rng.random() * ceiling / 2
        return max(delay, min(error.retry_after or 0.0, BACKOFF_CAP))

    def _learn_rate_limit(self, operation, response):
        headers = getattr(response, "headers", None)
        rate = (
            parse_rate_limit_header(headers.get("x-amzn-RateLimit-Limit"))
            if headers
            else None
        )
        if rate:
            bucket = self._bucket(operation)
            if bucket.rate != rate:
                bucket.set_rate(rate, self._now())

    def _call_once(self, operation, func, *args, **kwargs):
        try:
            response = func(*args, **kwargs)
        except AmazonError as exc:
            exc.operation = exc.operation or operation
            raise
        except httpx.TimeoutException as exc:
            raise Unavailable(
                f"Amazon did not answer within {self.timeout:g} seconds.",
                operation=operation,
            ) from exc
        except httpx.HTTPError as exc:
            raise Unavailable(
                f"Amazon could not be reached: {type(exc).__name__}.",
                operation=operation,
            ) from exc
        except json.JSONDecodeError as exc:
            raise Unavailable(
                "Amazon answered with a body that is not JSON.", operation=operation
            ) from exc
        except (
            SellingApiException
        ) as exc:  # only for answers our status check let through
            raise AmazonError(
                "Amazon reported an error: "
                f"{getattr(exc, 'message', None) or 'no message'}",
                code=getattr(exc, "amzn_code", None),
                operation=operation,
            ) from exc
        if not isinstance(response, (ApiResponse, str, bytes)):
            raise Unavailable(
                "Unexpected answer from the SP-API client.", operation=operation
            )
        return response  # the text of a document, for the methods that download one

    # === OPERATIONS === #

    def get_marketplace_participations(self):
        """Return the marketplaces the seller participates in (Sellers API).

        :rtype: list[Participation]
        :raise AmazonError: on any failure.
        """
        with self.client(Sellers) as sellers:
            response = self.call(
                "sellers.getMarketplaceParticipations",
                sellers.get_marketplace_participation,
            )
        payload = response.payload
        if not isinstance(payload, list):
            raise Unavailable(
                "Amazon answered getMarketplaceParticipations without a list of "
                "participations.",
                operation="sellers.getMarketplaceParticipations",
            )
        return [
            Participation.from_payload(item)
            for item in payload
            if isinstance(item, dict)
        ]


@dataclass(frozen=True)
class Participation:
    """A marketplace the seller may sell in, as the Sellers API reports it."""

    marketplace_id: str
    name: str
    country_code: str
    currency: str
    domain: str
    is_participating: bool
    has_suspended_listings: bool
    store_name: str = ""

    @classmethod
    def from_payload(cls, item):
        marketplace = item.get("marketplace") or {}
        participation = item.get("participation") or {}
        return cls(
            marketplace_id=marketplace.get("id") or "",
            name=marketplace.get("name") or "",
            country_code=marketplace.get("countryCode") or "",
            currency=marketplace.get("defaultCurrencyCode") or "",
            domain=marketplace.get("domainName") or "",
            is_participating=bool(participation.get("isParticipating")),
            has_suspended_listings=bool(participation.get("hasSuspendedListings")),
            store_name=item.get("storeName") or "",
        )


def _bind(cls, **bound):
    """Return a callable that builds ``cls`` with extra keyword arguments bound."""

    def build(*args, **kwargs):
        return cls(*args, **{**bound, **kwargs})

    return build
