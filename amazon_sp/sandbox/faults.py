"""Faults the sandbox can inject, to prove that callers survive what Amazon really does.

A fault applies to the next calls of one operation (or of any SP-API operation, or of
the LWA token endpoint with operation ``lwa.token``), a given number of times,
optionally only with some probability (drawn from a seeded generator, so runs are
repeatable).

Kinds answered instead of the real response (:func:`fault_response` builds them):

- ``throttle``: 429 ``QuotaExceeded`` (Amazon's body, no rate-limit header);
- ``throttle_empty``: 429 with an empty body (which python-amazon-sp-api does not raise
  on);
- ``server_error``: 500 ``InternalFailure``; ``unavailable``: 503
  ``ServiceUnavailable``;
- ``html_error``: 502 with an HTML body, as a load balancer sends it;
- ``forbidden_bare``: 403 ``{"message": "Forbidden"}`` without an ``errors`` list;
- ``expired_token``: 403 ``Unauthorized``, "The access token you provided has expired.";
- ``reset``: the connection is closed without an answer;
- ``malformed``: 200 with a truncated JSON body.

Kinds that change the real response:

- ``slow``: the answer comes after ``delay`` seconds;
- ``latency``: the answer takes ``delay`` seconds of the sandbox's clock (a clock that
  tests move forward instead of sleeping, so that a run's time budget is spent without
  waiting);
- ``invalid_pagination_token``: the pagination token sent is refused (400
  ``InvalidInput``);
- ``repeat_page``: a page of orders repeats the orders of the previous page.
"""

import random
import threading
from dataclasses import dataclass

from .protocol import ApiError, Response

REPLACING_KINDS = {
    "throttle",
    "throttle_empty",
    "server_error",
    "unavailable",
    "html_error",
    "forbidden_bare",
    "expired_token",
    "reset",
    "malformed",
}
MODIFYING_KINDS = {"slow", "latency", "invalid_pagination_token", "repeat_page"}
KINDS = REPLACING_KINDS | MODIFYING_KINDS


@dataclass
class Fault:
    """A fault to inject.

    :param str kind: one of :data:`KINDS`.
    :param str operation: ``<api>.<operationId>``, ``lwa.token``, or ``None`` for any
        SP-API call.
    :param int count: how many times to inject it; ``-1`` for ever (until cleared).
    :param float probability: chance that a matching call gets it.
    :param float delay: seconds, for ``slow`` and ``latency``.
    :param int skip: matching calls to let through before the first injection (a
        failure in the middle of a sequence of calls).
    """

    kind: str
    operation: str = None
    count: int = 1
    probability: float = 1.0
    delay: float = 0.0
    skip: int = 0
    injected: int = 0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; known: {', '.join(sorted(KINDS))}"
            )


class FaultPlan:
    """The faults waiting to be injected, and a log of those injected."""

    def __init__(self, seed=0):
        self.lock = threading.Lock()
        self.faults = []
        self.injected = []  # (kind, operation) in order
        self.random = random.Random(seed)

    def add(self, fault):
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear(self):
        with self.lock:
            self.faults.clear()

    def take(self, operation, kinds):
        """Return the fault to inject into this call among ``kinds``, or ``None``."""
        with self.lock:
            for fault in self.faults:
                if fault.kind not in kinds:
                    continue
                if fault.operation is None and (operation or "").startswith("lwa."):
                    continue
                if fault.operation not in (None, operation):
                    continue
                if (
                    fault.probability < 1.0
                    and self.random.random() >= fault.probability
                ):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.injected += 1
                if fault.count > 0:
                    fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                self.injected.append((fault.kind, operation))
                return fault
        return None


def fault_response(kind):
    """Return the answer that stands for a replacing fault (status None: drop the
    connection)."""
    if kind == "reset":
        return Response(None)
    if kind == "throttle":
        return Response(
            429,
            ApiError(
                429,
                "QuotaExceeded",
                "You exceeded your quota for the requested resource.",
            ).body(),
        )
    if kind == "throttle_empty":
        return Response(429, b"")
    if kind == "server_error":
        return Response(
            500,
            ApiError(
                500,
                "InternalFailure",
                "We encountered an internal error. Please try again.",
            ).body(),
        )
    if kind == "unavailable":
        return Response(
            503,
            ApiError(
                503, "ServiceUnavailable", "Service temporarily unavailable."
            ).body(),
        )
    if kind == "html_error":
        return Response(
            502,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            content_type="text/html",
        )
    if kind == "forbidden_bare":
        return Response(403, {"message": "Forbidden"})
    if kind == "expired_token":
        return Response(
            403,
            ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            ).body(),
        )
    if kind == "malformed":
        return Response(200, b'{"payload": {"Orders": [{"AmazonOrderId": "')
    raise ValueError(kind)
