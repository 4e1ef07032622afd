"""Read a seller's orders: Orders API 2026-01-01 first, v0 as the fall-back.

:class:`OrderReader` lists the orders updated in a time window, page by page, each page
a list of :class:`~amazon_sp.orders.AmazonOrder` with their items:

- 2026-01-01 ``searchOrders`` returns up to 100 orders a call with their items, prices
  and buyer data inline (one call per 100 orders);
- v0 ``getOrders`` returns up to 100 orders a call, then each order needs a
  ``getOrderItems`` call (0.5 per second), and buyer data needs a Restricted Data Token
  (one per hour here, for generic paths).

Windows never end later than two minutes and a half before now (Amazon refuses
``*Before`` values less than two minutes old), and times are sent in UTC. A run stops
after a page when its page budget or time budget is spent; the page's
:class:`Checkpoint` (the window and the pagination token of the next page) lets the next
run resume exactly there, so that no order is skipped and none read twice. If Amazon no
longer accepts the token (it expires after 24 hours), the window is read again from its
start: orders read again are harmless, the caller upserts them.

Buyer PII: when Amazon denies it (missing roles), orders are still returned, without
PII, and the denial is reported once (:attr:`OrderReader.pii_denied`).

This module stays one file (a little over 500 lines): one reader runs both versions and
falls back from 2026-01-01 to v0 in the middle of a run, so both paths share its run
state, budgets and checkpoints. The payload parsers are in :mod:`amazon_sp.orders_v0`
and :mod:`amazon_sp.orders_2026`.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sp_api.api import Tokens
from sp_api.api.orders.orders_2026_01_01 import OrdersV20260101
from sp_api.api.orders.orders_v0 import OrdersV0

from . import logmask
from .errors import AccessDenied, AmazonError, InvalidInput, NotFound, Unavailable
from .orders import OrderDataError, format_datetime
from .orders_2026 import parse_order_2026
from .orders_v0 import parse_order_v0

_logger = logging.getLogger(__name__)

V2026 = "2026-01-01"
V0 = "v0"
AUTO = "auto"
INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "TAX",
)
WINDOW_MARGIN = timedelta(minutes=2, seconds=30)
MAX_HISTORY = timedelta(days=730)
RDT_RESOURCES = [
    {
        "method": "GET",
        "path": "/orders/v0/orders",
        "dataElements": ["buyerInfo", "shippingAddress"],
    },
    {
        "method": "GET",
        "path": "/orders/v0/orders/{orderId}",
        "dataElements": ["buyerInfo", "shippingAddress"],
    },
    {
        "method": "GET",
        "path": "/orders/v0/orders/{orderId}/orderItems",
        "dataElements": ["buyerInfo"],
    },
]
RDT_RENEWAL_MARGIN = 300.0


@dataclass(frozen=True)
class Checkpoint:
    """Where to resume reading: a window, the API version and the next page's token.

    Store it as :meth:`to_dict` (plain JSON) and rebuild it with :meth:`from_dict`.
    ``by`` tells what the window filters on: ``updated`` (incremental sync) or
    ``created`` (history imports).
    """

    after: datetime
    before: datetime
    api_version: str
    next_token: str = None
    by: str = "updated"

    def to_dict(self):
        return {
            "after": format_datetime(self.after),
            "before": format_datetime(self.before),
            "api_version": self.api_version,
            "next_token": self.next_token,
            "by": self.by,
        }

    @classmethod
    def from_dict(cls, data):
        def moment(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
                timezone.utc
            )

        return cls(
            after=moment(data["after"]),
            before=moment(data["before"]),
            api_version=data["api_version"],
            next_token=data.get("next_token"),
            by=data.get("by", "updated"),
        )


@dataclass
class Page:
    """One page of orders.

    :ivar list orders: the orders read (without those already read in this run). :ivar
    list failed: :class:`~amazon_sp.orders.OrderDataError` for orders that could not be
    read, with their order id when known. :ivar Checkpoint checkpoint: where the next
    page starts, or ``None`` when this page ends the window (then :attr:`window_before`
    is the new high-water mark).
    """

    orders: list
    failed: list
    checkpoint: Checkpoint
    window_after: datetime
    window_before: datetime
    api_version: str
    duplicates: int = 0

    @property
    def complete(self):
        return self.checkpoint is None


@dataclass
class _Run:
    after: datetime
    before: datetime
    version: str
    by: str = "updated"
    token: str = None
    restarted: bool = False
    seen: set = field(default_factory=set)


class OrderReader:
    """Reads one seller's orders through a :class:`~amazon_sp.client.SellerConnection`.

    :param connection: the seller's connection (rate limits, retries, counters).
    :param str api_version: ``auto`` (2026-01-01, v0 when 2026 is not available to the
        application), ``2026-01-01`` or ``v0``.
    :param int page_size: orders per page (1 to 100).
    :param int max_pages: pages one run reads at most (the page budget).
    :param float time_budget: seconds one run may last before it stops after a page.
    """

    def __init__(
        self,
        connection,
        *,
        api_version=AUTO,
        page_size=100,
        max_pages=None,
        time_budget=None,
    ):
        if api_version not in (AUTO, V2026, V0):
            raise ValueError(f"unknown Orders API version {api_version!r}")
        self.connection = connection
        self.api_version = api_version
        self.page_size = max(1, min(100, page_size))
        self.max_pages = max_pages
        self.time_budget = time_budget
        self.pii_denied = None  # why Amazon withholds buyer PII, once known
        self.notices = []
        self._included = list(INCLUDED_DATA)
        self._rdt = None  # (token, expires at) for v0
        self._rdt_denied = False
        self._clients = {}
        self._started = connection.clock.monotonic()

    # --- lifecycle ---

    def close(self):
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _client(self, kind):
        if kind not in self._clients:
            classes = {"2026": OrdersV20260101, "v0": OrdersV0, "tokens": Tokens}
            self._clients[kind] = self.connection.client(classes[kind])
        return self._clients[kind]

    # --- windows ---

    def window(self, after, before=None):
        """Return the window ``(after, before)`` that will really be read.

        ``before`` is at most two minutes and a half ago; ``after`` at most two years
        ago (Amazon keeps orders two years).
        """
        now = self.connection.clock.now()
        latest = now - WINDOW_MARGIN
        before = min(before or latest, latest)
        after = max(after, now - MAX_HISTORY + timedelta(hours=1))
        return after, before

    def _note(self, message):
        if message not in self.notices:
            self.notices.append(message)
            _logger.warning("%s", message)

    # --- listing ---

    def pages(
        self, marketplace_ids, after=None, before=None, checkpoint=None, by="updated"
    ):
        """Yield the pages of orders updated (or created) in a window, oldest first.

        :param list marketplace_ids: the marketplaces to read (at most 50).
        :param datetime after: the window's start (aware), ignored with ``checkpoint``.
        :param datetime before: the window's end (default and at most: 2.5 minutes ago).
        :param Checkpoint checkpoint: resume where a previous run stopped.
        :param str by: ``updated`` (last update in the window: what changed since the
            last sync) or ``created`` (purchase date in the window: history).
        :raise Throttled: Amazon throttles for longer than the connection waits; the
            last page yielded has the checkpoint to resume from.
        :raise AmazonError: any other failure of the API.
        """
        if by not in ("updated", "created"):
            raise ValueError(f"by must be 'updated' or 'created', not {by!r}")
        if checkpoint:
            run = _Run(
                checkpoint.after,
                checkpoint.before,
                checkpoint.api_version,
                checkpoint.by,
            )
            run.token = checkpoint.next_token
        else:
            window_after, window_before = self.window(after, before)
            run = _Run(window_after, window_before, self._first_version(), by)
        if run.after >= run.before:
            return
        pages_read = 0
        while True:
            if pages_read and self._budget_spent(pages_read):
                return
            try:
                page = self._read_page(run, marketplace_ids)
            except InvalidInput as exc:
                if not run.token or run.restarted:
                    raise
                self._note(
                    "Amazon refused the pagination token (expired or invalid); reading "
                    f"the window from {format_datetime(run.after)} again "
                    f"({exc.message})."
                )
                run.token, run.restarted = None, True
                continue
            pages_read += 1
            yield page
            if page.complete:
                return

    def _budget_spent(self, pages_read):
        if self.max_pages is not None and pages_read >= self.max_pages:
            return True
        if self.time_budget is not None:
            return self.connection.clock.monotonic() - self._started >= self.time_budget
        return False

    def _first_version(self):
        return V0 if self.api_version == V0 else V2026

    def _read_page(self, run, marketplace_ids):
        if run.version == V2026:
            try:
                raw, next_token = self._search_orders(run, marketplace_ids)
            except (AccessDenied, NotFound) as exc:
                if self.api_version != AUTO:
                    raise
                self._note(
                    "Orders API 2026-01-01 is not available to this application "
                    f"({exc.message}); reading orders with Orders API v0."
                )
                run.version, run.token = V0, None
                return self._read_page(run, marketplace_ids)
            orders, failed = self._parse(raw, parse_order_2026)
        else:
            raw, next_token = self._get_orders_v0(run, marketplace_ids)
            orders, failed = self._with_items_v0(raw)
        fresh, duplicates = [], 0
        for order in orders:
            key = (order.order_id, order.last_update)
            if key in run.seen:
                duplicates += 1
                continue
            run.seen.add(key)
            fresh.append(order)
        if duplicates:
            self._note(f"Amazon sent {duplicates} order(s) twice in one run; ignored.")
        run.token = next_token
        checkpoint = (
            Checkpoint(run.after, run.before, run.version, next_token, run.by)
            if next_token
            else None
        )
        return Page(
            fresh, failed, checkpoint, run.after, run.before, run.version, duplicates
        )

    def _parse(self, raw_orders, parser):
        orders, failed = [], []
        for raw in raw_orders:
            try:
                orders.append(parser(raw))
            except OrderDataError as exc:
                if not exc.order_id and isinstance(raw, dict):
                    exc.order_id = raw.get("orderId") or raw.get("AmazonOrderId")
                failed.append(exc)
        return orders, failed

    # --- 2026-01-01 ---

    def _search_orders(self, run, marketplace_ids):
        client = self._client("2026")
        prefix = "lastUpdated" if run.by == "updated" else "created"
        params = {
            f"{prefix}After": format_datetime(run.after),
            f"{prefix}Before": format_datetime(run.before),
            "marketplaceIds": list(marketplace_ids),
            "maxResultsPerPage": self.page_size,
        }
        if run.token:
            params["paginationToken"] = run.token
        response = self._call_2026(
            "orders2026.searchOrders", client.search_orders, params
        )
        raw = (
            response.payload.get("orders")
            if isinstance(response.payload, dict)
            else None
        )
        if not isinstance(raw, list):
            raise Unavailable("Amazon answered searchOrders without a list of orders.")
        return raw, response.next_token

    def _call_2026(self, operation, func, params, *args):
        """Call with the buyer data if Amazon shares it, without it once it refuses."""
        try:
            return self.connection.call(
                operation, func, *args, includedData=list(self._included), **params
            )
        except AccessDenied as exc:
            if "BUYER" not in self._included:
                raise
            without = [d for d in self._included if d != "BUYER"]
            response = self.connection.call(
                operation, func, *args, includedData=without, **params
            )
            self._included = without
            self.pii_denied = (
                "Amazon does not share buyer names and e-mails with this application "
                f"({exc.details or exc.message}); orders are read without them. "
                "Grant the "
                "application the Direct-to-Consumer Shipping role to receive them."
            )
            self._note(self.pii_denied)
            return response

    def get_order(self, order_id):
        """Read one order by its Amazon order id (e.g. to recover it).

        :rtype: AmazonOrder
        :raise NotFound: if Amazon has no such order for this seller.
        :raise OrderDataError: if Amazon's answer is not a valid order.
        """
        version = self._first_version()
        if version == V2026:
            try:
                response = self._call_2026(
                    "orders2026.getOrder", self._client("2026").get_order, {}, order_id
                )
                raw = (
                    response.payload.get("order")
                    if isinstance(response.payload, dict)
                    else None
                )
                if not isinstance(raw, dict):
                    raise Unavailable("Amazon answered getOrder without an order.")
                return parse_order_2026(raw)
            except (AccessDenied, NotFound) as exc:
                if self.api_version != AUTO or isinstance(exc, NotFound):
                    raise
                self._note(
                    "Orders API 2026-01-01 is not available to this application "
                    f"({exc.message}); reading the order with Orders API v0."
                )
        client = self._restricted_client() or self._client("v0")
        response = self.connection.call("ordersV0.getOrder", client.get_order, order_id)
        orders, failed = self._with_items_v0([response.payload])
        if failed:
            raise failed[0]
        return orders[0]

    # --- v0 ---

    def _get_orders_v0(self, run, marketplace_ids):
        client = self._restricted_client() or self._client("v0")
        prefix = "LastUpdated" if run.by == "updated" else "Created"
        params = {
            f"{prefix}After": format_datetime(run.after),
            f"{prefix}Before": format_datetime(run.before),
            "MarketplaceIds": list(marketplace_ids),
            "MaxResultsPerPage": self.page_size,
        }
        if run.token:
            params["NextToken"] = run.token
        response = self.connection.call(
            "ordersV0.getOrders", client.get_orders, **params
        )
        payload = response.payload if isinstance(response.payload, dict) else {}
        raw = payload.get("Orders")
        if not isinstance(raw, list):
            raise Unavailable("Amazon answered getOrders without a list of orders.")
        return raw, response.next_token

    def _with_items_v0(self, raw_orders):
        orders, failed = [], []
        client = self._restricted_client() or self._client("v0")
        for raw in raw_orders:
            order_id = raw.get("AmazonOrderId") if isinstance(raw, dict) else None
            try:
                if not order_id:
                    raise OrderDataError("an order has no AmazonOrderId")
                items = self._order_items_v0(client, order_id)
                orders.append(parse_order_v0(raw, items))
            except OrderDataError as exc:
                exc.order_id = exc.order_id or order_id
                failed.append(exc)
            except (NotFound, InvalidInput) as exc:
                failed.append(
                    OrderDataError(f"Amazon refused its items: {exc.message}", order_id)
                )
        return orders, failed

    def _order_items_v0(self, client, order_id):
        items, token = [], None
        while True:
            params = {"NextToken": token} if token else {}
            response = self.connection.call(
                "ordersV0.getOrderItems", client.get_order_items, order_id, **params
            )
            payload = response.payload if isinstance(response.payload, dict) else {}
            page = payload.get("OrderItems")
            if not isinstance(page, list):
                raise OrderDataError(
                    "Amazon answered getOrderItems without items", order_id
                )
            items.extend(page)
            token = response.next_token
            if not token:
                return items

    def _restricted_client(self):
        """A v0 client sending a Restricted Data Token, or None without PII access."""
        if self._rdt_denied:
            return None
        now = self.connection.clock.monotonic()
        if self._rdt and self._rdt[1] - RDT_RENEWAL_MARGIN > now:
            return self._clients["v0-rdt"]
        try:
            response = self.connection.call(
                "tokens.createRestrictedDataToken",
                self._client("tokens").create_restricted_data_token,
                restrictedResources=RDT_RESOURCES,
            )
        except AccessDenied as exc:
            self._rdt_denied = True
            self.pii_denied = (
                "Amazon does not share buyer data with this application "
                f"({exc.details or exc.message}); orders are read without names and "
                "street addresses. Grant the application the Direct-to-Consumer "
                "Shipping "
                "role to receive them."
            )
            self._note(self.pii_denied)
            return None
        payload = response.payload if isinstance(response.payload, dict) else {}
        token = payload.get("restrictedDataToken")
        if not token:
            raise Unavailable(
                "Amazon answered createRestrictedDataToken without a token."
            )
        logmask.register_secret(token)
        lifetime = float(payload.get("expiresIn") or 3600)
        if "v0-rdt" in self._clients:
            self._clients.pop("v0-rdt").close()
        self._clients["v0-rdt"] = self.connection.client(
            OrdersV0, restricted_data_token=token
        )
        self._rdt = (token, now + lifetime)
        return self._clients["v0-rdt"]


__all__ = ["AUTO", "V0", "V2026", "AmazonError", "Checkpoint", "OrderReader", "Page"]
