"""Call the SP-API for one seller, safely.

:class:`SellerConnection` holds a seller's credentials, region and environment, builds
the library's clients for it (with the fixes of :mod:`amazon_sp.library` and the token
client of :mod:`amazon_sp.auth`), and runs every SP-API call through
:meth:`SellerConnection.call`: rate-limit tokens, retries with backoff and jitter,
counters, and every failure turned into an :mod:`amazon_sp.errors` error.

It works around the library's pitfalls (see the project's SPAPI notes, section 5):

- credentials come from the code only: the library's fall-back to environment variables,
  AWS Secrets Manager and a ``credentials.yml`` would otherwise mix another seller's
  credentials in;
- the ``SP_API_DEFAULT_MARKETPLACE`` and ``AWS_ENV`` environment variables are ignored:
  the endpoint is always the one of the environment chosen here;
- an access token Amazon says has expired is refreshed once and the call made again.

The operations themselves live in one module per API (:mod:`amazon_sp.sellers`,
:mod:`amazon_sp.reader`, :mod:`amazon_sp.shipments`, :mod:`amazon_sp.feeds`,
:mod:`amazon_sp.inventory`).
"""

import json
import logging
import random
from types import SimpleNamespace

import httpx
from sp_api.base import ApiResponse, SellingApiException
from sp_api.base.credential_provider import FromCodeCredentialProvider

from . import logmask, sellers
from .auth import DEFAULT_TIMEOUT, LwaTokenClient
from .clock import SYSTEM_CLOCK
from .credentials import Environment, normalise_local_url
from .errors import (
    AccessDenied,
    AmazonError,
    InvalidCredentials,
    Throttled,
    Unavailable,
)
from .library import fixed_class
from .ratelimits import SHARED_LIMITER, CallStats, parse_rate_limit_header
from .regions import get_region

_logger = logging.getLogger(__name__)

DEFAULT_MAX_WAIT = 60.0
"""Seconds one call may spend waiting (rate-limit tokens and backoff) before it gives up
with a typed error that says when to try again."""

DEFAULT_MAX_ATTEMPTS = 6
"""Requests sent at most for one call (the first one and the retries)."""

BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0


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
        client = fixed_class(api_class)(
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

        See :func:`amazon_sp.sellers.get_marketplace_participations`.

        :rtype: list[amazon_sp.sellers.Participation]
        :raise AmazonError: on any failure.
        """
        return sellers.get_marketplace_participations(self)


def _is_expired_token(error):
    return (
        isinstance(error, AccessDenied) and "expired" in (error.details or "").lower()
    )


def _bind(cls, **bound):
    """Return a callable that builds ``cls`` with extra keyword arguments bound."""

    def build(*args, **kwargs):
        return cls(*args, **{**bound, **kwargs})

    return build
