"""What the local SP-API sandbox knows: applications, sellers, tokens, and what it was
sent."""

import collections
import copy
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timezone

from ..clock import SYSTEM_CLOCK
from ..marketplaces import MARKETPLACES
from ..ratelimits import RateLimit, TokenBucket, default_rate_limit
from .faults import FaultPlan

DEFAULT_SELLER_ID = "ASANDBOXSELLER1"
DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.sandbox0000000000000000"
DEFAULT_CLIENT_SECRET = "sandbox-client-secret-not-a-real-one"
DEFAULT_REFRESH_TOKEN = "Atzr|sandbox-refresh-token-not-a-real-one"
DEFAULT_MARKETPLACES = (
    "ATVPDKIKX0DER",
    "A2EUQ1WTGCTBG2",
    "A1AM78C64UM0Y8",
)  # US, CA, MX

NON_AMAZON_MARKETPLACE = {
    # Amazon lists such "Non-Amazon" marketplaces among participations; they are not
    # stores.
    "id": "A2ZV50J4W1RKNI",
    "name": "Non-Amazon",
    "countryCode": "US",
    "defaultCurrencyCode": "USD",
    "defaultLanguageCode": "en_US",
    "domainName": "sellercentral.amazon.com",
}


def marketplace_payload(marketplace_id, extra=None):
    """Return the Sellers API ``Marketplace`` object of a marketplace id.

    :param str marketplace_id: a documented id, or one described in ``extra``.
    :param dict extra: undocumented marketplaces the sandbox was told about, by id.
    :rtype: dict
    """
    if extra and marketplace_id in extra:
        return dict(extra[marketplace_id])
    marketplace = MARKETPLACES[marketplace_id]
    return {
        "id": marketplace.id,
        "name": marketplace.name,
        "countryCode": marketplace.country_code,
        "defaultCurrencyCode": marketplace.currency,
        "defaultLanguageCode": _language(marketplace.country_code),
        "domainName": marketplace.domain,
    }


def _language(country):
    languages = {
        "US": "en_US", "CA": "en_CA", "MX": "es_MX", "BR": "pt_BR", "IE": "en_IE",
        "ES": "es_ES", "GB": "en_GB", "FR": "fr_FR", "BE": "fr_BE", "NL": "nl_NL",
        "DE": "de_DE", "IT": "it_IT", "SE": "sv_SE", "ZA": "en_ZA", "PL": "pl_PL",
        "EG": "ar_AE", "TR": "tr_TR", "SA": "ar_AE", "AE": "en_AE", "IN": "en_IN",
        "SG": "en_SG", "AU": "en_AU", "JP": "ja_JP",
    }  # fmt: skip
    return languages.get(country, "en_US")


@dataclass
class Seller:
    """A seller the sandbox serves.

    :param str seller_id: the merchant token.
    :param str region: ``NA``, ``EU`` or ``FE``; calls to another region's path are
        denied.
    :param list marketplaces: the marketplace ids it participates in.
    :param set refresh_tokens: refresh tokens that authorise the application for this
        seller.
    :param str client_id: the application these refresh tokens belong to.
    :param set denied_operations: operations answered 403 (the application lacks the
        role).
    :param dict rate_limits: usage plans that differ from Amazon's defaults, by
        operation.
    :param bool pii_allowed: whether buyer PII is shared (restricted roles granted).
    :param bool non_amazon: whether participations include a "Non-Amazon" marketplace.
    """

    seller_id: str
    region: str
    marketplaces: list
    refresh_tokens: set
    client_id: str
    denied_operations: set = field(default_factory=set)
    rate_limits: dict = field(default_factory=dict)
    pii_allowed: bool = True
    non_amazon: bool = True
    suspended_marketplaces: set = field(default_factory=set)

    def rate_limit(self, operation):
        return self.rate_limits.get(operation) or default_rate_limit(operation)


@dataclass
class AccessToken:
    seller_id: str
    client_id: str
    expires_at: float
    # For restricted data tokens: the resources granted, (method, path, data elements).
    restricted: list = None


class SandboxState:
    """Everything the sandbox holds. Thread-safe through one lock for mutations.

    :param float token_lifetime: seconds an LWA access token lives (Amazon: 3600).
    :param bool enforce_rate_limits: answer 429 when a usage plan is exceeded.
    :param clock: ``monotonic()`` for rate limits and expiries, ``now()`` for the time
        of orders and the two-minute rule (``amazon_sp.clock.SystemClock`` by default).
    :param int seed: seeds the random draws of faults.
    """

    def __init__(
        self,
        *,
        token_lifetime=3600,
        enforce_rate_limits=True,
        clock=None,
        seed=0,
    ):
        self.lock = threading.RLock()
        self.clock = clock or SYSTEM_CLOCK
        self.token_lifetime = token_lifetime
        self.enforce_rate_limits = enforce_rate_limits
        self.apps = {}  # client_id -> client_secret
        self.sellers = {}  # seller_id -> Seller
        self.tokens = {}  # access token -> AccessToken
        self.extra_marketplaces = {}  # id -> Sellers API Marketplace object
        self.buckets = {}  # (seller_id, operation) -> TokenBucket
        self.requests = collections.deque(maxlen=20000)
        self.lwa_calls = 0
        self.faults = FaultPlan(seed)
        self.orders = {}  # seller_id -> {order id: 2026-01-01 Order with every block}
        self.page_tokens = {}  # pagination token -> where the next page starts
        self.rdt_lifetime = 3600
        self.feed_documents = {}  # feed document id -> content type, content, seller
        self.feeds = {}  # feed id -> Feed, with the seller and the input content
        # (seller, order id) -> the VAT invoices and credit notes Amazon accepted
        self.vat_invoices = {}
        self.inventory = {}  # seller id -> marketplace id -> SKU -> FBA quantities
        self.reports = {}  # report id -> Report, with the seller and its options
        self.report_documents = {}  # report document id -> content, content type
        # How report documents are served: compressed (GZIP), their charset, and how
        # many getReport calls answer IN_PROGRESS before a report is done.
        self.report_settings = {"compress": False, "charset": None, "polls": 0}
        self.listings = {}  # seller id -> SKU -> listings item (see listingsdata)
        # seller id -> how many of its next JSON_LISTINGS_FEEDs end FATAL
        self.listings_feed_fatal = {}
        self.catalog = None  # ASIN -> Amazon catalog item (see catalogdata)
        self.gated_brands = None  # brands that need approval (None: the default)
        self.schema_downloads = 0  # product type schemas downloaded
        # (seller id, order id) -> JSON served verbatim as that order in 2026-01-01
        # answers, however broken (see serve_verbatim).
        self.verbatim_2026 = {}
        # Settlements (see settlementdata): seller id -> order id -> the order settled;
        # (seller id, marketplace id) -> end of its last settlement period; seller id
        # -> its financial event groups (Finances v0), oldest first.
        self.settled_orders = {}
        self.settlement_ends = {}
        self.settlement_sequence = 0
        self.financial_event_groups = {}

    # --- configuration ---

    def add_app(self, client_id, client_secret):
        with self.lock:
            self.apps[client_id] = client_secret

    def add_seller(self, seller):
        """Add or replace a seller.

        :param Seller seller: the seller; its marketplaces must be documented or
            described with :meth:`add_marketplace` first.
        :raise ValueError: on an unknown marketplace id.
        """
        for marketplace_id in seller.marketplaces:
            if (
                marketplace_id not in MARKETPLACES
                and marketplace_id not in self.extra_marketplaces
            ):
                raise ValueError(f"unknown marketplace id {marketplace_id!r}")
        with self.lock:
            self.sellers[seller.seller_id] = seller

    def add_marketplace(self, payload):
        """Describe a marketplace Amazon's table lacks, as a Sellers API ``Marketplace``
        object."""
        for key in ("id", "name", "countryCode", "defaultCurrencyCode", "domainName"):
            if not payload.get(key):
                raise ValueError(f"marketplace needs {key!r}")
        payload = {"defaultLanguageCode": "en_US", **payload}
        with self.lock:
            self.extra_marketplaces[payload["id"]] = payload

    def seller_by_refresh_token(self, client_id, refresh_token):
        with self.lock:
            for seller in self.sellers.values():
                if (
                    refresh_token in seller.refresh_tokens
                    and seller.client_id == client_id
                ):
                    return seller
        return None

    # --- tokens ---

    def issue_access_token(
        self, seller, client_id, lifetime=None, restricted=None, prefix="Atza|"
    ):
        token = prefix + "sandbox-" + secrets.token_urlsafe(24)
        lifetime = self.token_lifetime if lifetime is None else lifetime
        with self.lock:
            self.tokens[token] = AccessToken(
                seller.seller_id,
                client_id,
                self.clock.monotonic() + lifetime,
                restricted,
            )
        return token, lifetime

    def expire_access_tokens(self):
        """Make every access token issued so far expired (as if their hour had
        passed)."""
        with self.lock:
            now = self.clock.monotonic()
            for token in self.tokens.values():
                token.expires_at = min(token.expires_at, now - 1)

    # --- rate limits ---

    def take_token(self, seller, operation):
        """Take a rate-limit token for a call; return 0 if allowed, else seconds to
        wait."""
        if not self.enforce_rate_limits:
            return 0.0
        limit = seller.rate_limit(operation)
        key = (seller.seller_id, operation)
        with self.lock:
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(
                    limit.rate, limit.burst, self.clock.monotonic()
                )
        return bucket.try_take(self.clock.monotonic())

    def set_rate_limit(self, seller_id, operation, rate, burst):
        with self.lock:
            self.sellers[seller_id].rate_limits[operation] = RateLimit(rate, burst)
            self.buckets.pop((seller_id, operation), None)

    # --- orders ---

    def put_orders(self, seller_id, orders):
        """Add or replace a seller's orders (2026-01-01 ``Order`` objects, every block).

        An order without ``lastUpdatedTime`` gets the current time.
        """
        if seller_id not in self.sellers:
            raise ValueError(f"unknown seller {seller_id!r}")
        now = iso(self.clock.now())
        with self.lock:
            store = self.orders.setdefault(seller_id, {})
            for order in orders:
                order = copy.deepcopy(order)
                order.setdefault("createdTime", now)
                order.setdefault("lastUpdatedTime", now)
                store[order["orderId"]] = order

    def get_order(self, seller_id, order_id):
        with self.lock:
            return self.orders.get(seller_id, {}).get(order_id)

    def serve_verbatim(self, seller_id, order_id, payload):
        """Serve ``payload`` as the 2026-01-01 ``Order`` of a stored order, as is: the
        stored order still decides whether it is selected (window, marketplace, status),
        its answer is whatever ``payload`` is (malformed data, for tests)."""
        with self.lock:
            self.verbatim_2026[(seller_id, order_id)] = copy.deepcopy(payload)

    def render_2026(self, seller_id, order_id, render):
        """The 2026-01-01 answer for a stored order: its verbatim payload if one was
        set, else ``render(order)``."""
        with self.lock:
            if (seller_id, order_id) in self.verbatim_2026:
                return copy.deepcopy(self.verbatim_2026[(seller_id, order_id)])
            order = self.orders.get(seller_id, {}).get(order_id)
        return render(order)

    def seller_orders(self, seller_id):
        with self.lock:
            return list(self.orders.get(seller_id, {}).values())

    def update_order(self, seller_id, order_id, change, last_updated=None):
        """Change a stored order and mark it updated (now, or at ``last_updated``).

        :param callable change: receives the order (a dict) and changes it in place.
        :param datetime last_updated: the update time Amazon will report; a time in the
            past stands for an update that Amazon makes visible late.
        """
        with self.lock:
            order = self.orders[seller_id][order_id]
            change(order)
            order["lastUpdatedTime"] = iso(last_updated or self.clock.now())
            return order

    # --- what was received ---

    def record(self, entry):
        with self.lock:
            self.requests.append(entry)

    def received(self, operation=None, seller_id=None):
        """Return the requests received, oldest first, optionally for one
        operation/seller."""
        with self.lock:
            return [
                r
                for r in self.requests
                if (operation is None or r["operation"] == operation)
                and (seller_id is None or r.get("seller_id") == seller_id)
            ]

    def clear_received(self):
        with self.lock:
            self.requests.clear()


def iso(moment):
    """An aware datetime as SP-API writes it: UTC, seconds, ``Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_state(
    *,
    seller_id=DEFAULT_SELLER_ID,
    client_id=DEFAULT_CLIENT_ID,
    client_secret=DEFAULT_CLIENT_SECRET,
    refresh_token=DEFAULT_REFRESH_TOKEN,
    marketplaces=DEFAULT_MARKETPLACES,
    **kwargs,
):
    """Return a state with one application and one seller, as the command line sets them
    up.

    The seller's region is the region of its marketplaces, which must all be in one
    region.
    """
    regions = {MARKETPLACES[m].region for m in marketplaces if m in MARKETPLACES}
    if len(regions) != 1:
        raise ValueError(
            "the marketplaces of a seller must be documented ones of one region"
        )
    state = SandboxState(**kwargs)
    state.add_app(client_id, client_secret)
    state.add_seller(
        Seller(
            seller_id=seller_id,
            region=regions.pop(),
            marketplaces=list(marketplaces),
            refresh_tokens={refresh_token},
            client_id=client_id,
        )
    )
    return state
