import contextlib
import copy
import json
import os
import time
import unittest
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields

from odoo.addons.sale.tests.common import SaleCommon

from amazon_sp import auth, clock, ratelimits
from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    Seller,
    default_state,
)

EU_SELLER_ID = "AEUSANDBOXSELLER"
EU_REFRESH_TOKEN = "Atzr|sandbox-eu-refresh-token"
EU_MARKETPLACES = ["A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1F83G8C2ARO7P"]  # DE, FR, UK


class AmazonCommon(SaleCommon):
    """A local SP-API sandbox on 127.0.0.1 serving two sellers (one in North America,
    one in Europe) of one application, and an account for the North American one.

    The sandbox is the real server of ``amazon_sp.sandbox``: accounts reach it through
    python-amazon-sp-api over HTTP.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        state = default_state(enforce_rate_limits=False)
        state.add_seller(
            Seller(
                seller_id=EU_SELLER_ID,
                region="EU",
                marketplaces=list(EU_MARKETPLACES),
                refresh_tokens={EU_REFRESH_TOKEN},
                client_id=DEFAULT_CLIENT_ID,
            )
        )
        cls.sandbox = Sandbox(state).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox_state = state
        cls.marketplace_us = cls.env.ref("amazon_connector.marketplace_us")
        cls.marketplace_ca = cls.env.ref("amazon_connector.marketplace_ca")
        cls.marketplace_mx = cls.env.ref("amazon_connector.marketplace_mx")
        cls.marketplace_br = cls.env.ref("amazon_connector.marketplace_br")
        cls.marketplace_de = cls.env.ref("amazon_connector.marketplace_de")
        cls.marketplace_fr = cls.env.ref("amazon_connector.marketplace_fr")
        cls.marketplace_uk = cls.env.ref("amazon_connector.marketplace_uk")
        cls.account = cls._create_account()

        cls._sellers = copy.deepcopy(state.sellers)

    def setUp(self):
        super().setUp()
        # Every test starts with full rate-limit buckets and no cached access token: the
        # buckets are shared by the process, as Amazon counts per seller.
        ratelimits.SHARED_LIMITER.reset()
        with auth._token_cache_lock:
            auth._token_cache.clear()
        # The sandbox outlives the tests' transactions: each test starts with the
        # sellers of the class, no order, no fault and nothing received.
        state = self.sandbox_state
        with state.lock:
            state.sellers = copy.deepcopy(self._sellers)
            state.orders.clear()
            state.page_tokens.clear()
            state.buckets.clear()
            state.feed_documents.clear()
            state.feeds.clear()
            state.inventory.clear()
            state.verbatim_2026.clear()
            state.reports.clear()
            state.report_documents.clear()
            state.report_settings.update(compress=False, charset=None, polls=0)
            state.listings.clear()
            state.listings_feed_fatal.clear()
            state.settled_orders.clear()
            state.settlement_ends.clear()
            state.financial_event_groups.clear()
        state.faults.clear()
        state.clear_received()

    @classmethod
    def _account_values(cls, **values):
        return {
            "name": "Sandbox NA",
            "seller_id": DEFAULT_SELLER_ID,
            "region": "NA",
            "lwa_client_id": DEFAULT_CLIENT_ID,
            "lwa_client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": DEFAULT_REFRESH_TOKEN,
            "environment": "local",
            "local_endpoint": cls.sandbox.url,
            **values,
        }

    @classmethod
    def _create_account(cls, **values):
        return cls.env["amazon.account"].create(cls._account_values(**values))

    @classmethod
    def _eu_account_values(cls, **values):
        return cls._account_values(
            **{
                "name": "Sandbox EU",
                "seller_id": EU_SELLER_ID,
                "region": "EU",
                "refresh_token": EU_REFRESH_TOKEN,
                **values,
            }
        )


@contextlib.contextmanager
def cron_run(case, xmlid, seconds):
    """Run a scheduled action's method as Odoo's cron runner does: with a progress
    record and an end time in the context, on a cursor that commits (the test's own,
    in registry test mode). Yields the cron's environment and its progress record.

    :param TransactionCase case: the running test.
    :param str xmlid: the scheduled action.
    :param float seconds: how long the run may last (on the test's clock).
    """
    cron = case.env.ref(xmlid)
    with case.enter_registry_test_mode(), case.registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {"cron_id": cron.id, "cron_end_time": time.monotonic() + seconds},
        )
        cron, progress = cron.with_env(env)._add_progress()
        yield cron.env, progress


REQUIRE_BROWSER = "AMAZON_CONNECTOR_REQUIRE_BROWSER"


class TourMixin:
    """Browser tours (``HttpCase.start_tour`` in Chromium) that fail instead of being
    skipped where a browser is required (CI sets ``AMAZON_CONNECTOR_REQUIRE_BROWSER``):
    Odoo skips a tour silently when Chromium or websocket-client is missing."""

    def start_tour(self, *args, **kwargs):
        try:
            return super().start_tour(*args, **kwargs)
        except unittest.SkipTest as skip:
            if os.environ.get(REQUIRE_BROWSER):
                self.fail(f"The browser tour could not run: {skip}")
            raise


class JsonRpcMixin:
    """Calls over JSON-RPC, as an integration makes them (for an ``HttpCase``)."""

    def _rpc(self, service, method, *args, expect_error=False):
        response = self.url_open(
            "/jsonrpc",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "service": service,
                        "method": method,
                        "args": list(args),
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if expect_error:
            return body
        self.assertNotIn("error", body, body.get("error"))
        return body["result"]


@contextlib.contextmanager
def time_travel():
    """Freeze the time; whatever amazon_sp would sleep (backoff, rate limits) moves
    the frozen time forward instead. Yields the freezer (``tick()`` to move on)."""
    with (
        freeze_time(fields.Datetime.now()) as frozen,
        patch.object(
            clock.SystemClock,
            "sleep",
            lambda _self, seconds: frozen.tick(timedelta(seconds=max(seconds, 0))),
        ),
    ):
        yield frozen


def iso(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def money(amount, currency):
    return {"amount": str(Decimal(str(amount))), "currencyCode": currency}


_counter = [0]


def make_order(
    marketplace,
    items,
    *,
    status="UNSHIPPED",
    fulfilled_by="MERCHANT",
    tax_included=None,
    buyer=None,
    address=None,
    created=None,
    updated=None,
    programs=(),
    order_id=None,
    service_level="STANDARD",
    tax_registration=None,
    associated=None,
):
    """Build a 2026-01-01 order with every block, as the sandbox stores orders.

    :param amazon.marketplace marketplace: where it was sold.
    :param list items: dicts with ``sku``, ``quantity``, ``price`` (the line's item
        price), and optionally ``tax``, ``shipping``, ``shipping_tax``,
        ``shipping_discount``, ``shipping_discount_tax``, ``promotion``,
        ``promotion_tax``, ``gift_wrap``, ``gift_wrap_tax``, ``gift_message``,
        ``gift_wrap_level``, ``title``, ``condition``, ``shipped``, ``facilitator``,
        ``cancel_request``.
    """
    currency = marketplace.currency_id.name
    if tax_included is None:
        tax_included = marketplace.tax_included
    _counter[0] += 1
    order_id = order_id or f"999-{_counter[0]:07d}-{_counter[0] * 7 % 9999999:07d}"
    now = datetime.now(timezone.utc)
    created = created or now - timedelta(hours=3)
    # Updated a few minutes ago: inside the next incremental window (which ends two and
    # a half minutes before now and starts ten minutes before the last one ended).
    updated = updated or now - timedelta(minutes=5)
    grand_total = Decimal(0)
    order_items = []
    for index, spec in enumerate(items):
        price = Decimal(str(spec["price"]))
        taxes = {
            "ITEM": Decimal(str(spec.get("tax", 0))),
            "SHIPPING": Decimal(str(spec.get("shipping_tax", 0))),
            "GIFT_WRAP": Decimal(str(spec.get("gift_wrap_tax", 0))),
            "DISCOUNT": -Decimal(str(spec.get("promotion_tax", 0)))
            - Decimal(str(spec.get("shipping_discount_tax", 0))),
        }
        shipping = Decimal(str(spec.get("shipping", 0)))
        promotion = Decimal(str(spec.get("promotion", 0)))
        shipping_discount = Decimal(str(spec.get("shipping_discount", 0)))
        gift_wrap = Decimal(str(spec.get("gift_wrap", 0)))
        breakdowns = [{"type": "ITEM", "subtotal": money(price, currency)}]
        if shipping:
            breakdowns.append(
                {"type": "SHIPPING", "subtotal": money(shipping, currency)}
            )
        if gift_wrap:
            breakdowns.append(
                {"type": "GIFT_WRAP", "subtotal": money(gift_wrap, currency)}
            )
        tax_total = sum(taxes.values())
        breakdowns.append(
            {
                "type": "TAX",
                "subtotal": money(tax_total, currency),
                "detailedBreakdowns": [
                    {"subtype": k, "value": money(v, currency)}
                    for k, v in taxes.items()
                    if v
                ],
            }
        )
        if promotion or shipping_discount:
            details = []
            if promotion:
                details.append(
                    {"subtype": "ITEM", "value": money(-promotion, currency)}
                )
            if shipping_discount:
                details.append(
                    {
                        "subtype": "SHIPPING",
                        "value": money(-shipping_discount, currency),
                    }
                )
            breakdowns.append(
                {
                    "type": "DISCOUNT",
                    "subtotal": money(-promotion - shipping_discount, currency),
                    "detailedBreakdowns": details,
                }
            )
        item_total = price + shipping + gift_wrap - promotion - shipping_discount
        if not tax_included:
            item_total += tax_total
        grand_total += item_total
        quantity = spec.get("quantity", 1)
        shipped = spec.get("shipped", quantity if status == "SHIPPED" else 0)
        item = {
            "orderItemId": f"{_counter[0]:07d}{index:07d}",
            "quantityOrdered": quantity,
            "product": {
                "asin": f"B0TEST{index:04d}",
                "title": spec.get("title", f"Test item {spec['sku']}"),
                "sellerSku": spec["sku"],
                "condition": {
                    "conditionType": spec.get("condition", "NEW"),
                    "conditionSubtype": spec.get("condition_subtype", "NEW"),
                },
                "price": {"unitPrice": money(price / quantity, currency)},
            },
            "proceeds": {
                "proceedsTotal": money(item_total, currency),
                "breakdowns": breakdowns,
            },
            "fulfillment": {
                "quantityFulfilled": shipped,
                "quantityUnfulfilled": quantity - shipped,
            },
        }
        if spec.get("gift_wrap_level") or spec.get("gift_message"):
            item["fulfillment"]["packing"] = {
                "giftOption": {
                    "giftMessage": spec.get("gift_message", ""),
                    "giftWrapLevel": spec.get("gift_wrap_level", ""),
                }
            }
        if spec.get("facilitator"):
            item["tax"] = {
                "taxCollections": [
                    {
                        "model": "MARKETPLACE_FACILITATOR",
                        "responsibleParty": "Amazon Services, Inc.",
                    }
                ]
            }
        if spec.get("cancel_request"):
            item["cancellation"] = {
                "cancellationRequest": {
                    "requester": "BUYER",
                    "cancelReason": spec["cancel_request"],
                }
            }
        order_items.append(item)
    country = marketplace.code
    order = {
        "orderId": order_id,
        "orderAliases": [{"aliasId": order_id, "aliasType": "SELLER_ORDER_ID"}],
        "createdTime": iso(created),
        "lastUpdatedTime": iso(updated),
        "programs": list(programs),
        "associatedOrders": associated or [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": marketplace.api_ref,
            "marketplaceName": marketplace.name,
        },
        "buyer": buyer
        if buyer is not None
        else {
            "buyerName": "Jörg Müller",
            "buyerEmail": f"buyer{_counter[0]}@marketplace.amazon.test",
        },
        "recipient": {
            "deliveryAddress": address
            or {
                "name": (buyer or {}).get("buyerName", "Jörg Müller"),
                "addressLine1": "Hauptstraße 1",
                "city": "Berlin",
                "postalCode": "10115",
                "countryCode": country,
                "addressType": "RESIDENTIAL",
            }
        },
        "proceeds": {"grandTotal": money(grand_total, marketplace.currency_id.name)},
        "fulfillment": {
            "fulfillmentStatus": status,
            "fulfilledBy": fulfilled_by,
            "fulfillmentServiceLevel": service_level,
            "shipByWindow": {
                "earliestDateTime": iso(created),
                "latestDateTime": iso(created + timedelta(days=2)),
            },
        },
        "orderItems": order_items,
    }
    if tax_registration:
        order["tax"] = {
            "taxRegistrations": [
                {
                    "entityType": "BUYER",
                    "taxRegistrationType": "VAT",
                    "taxRegistrationNumber": tax_registration,
                }
            ]
        }
    return order


class AmazonImportCommon(AmazonCommon):
    """An EU account (Amazon.de, .fr, .co.uk) and an NA account, currencies active, a
    19 % VAT and a product paired by SKU."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.us")
        for code in ("EUR", "CAD", "GBP"):
            cls.env.ref(f"base.{code}").active = True
        cls.eu_account = cls.env["amazon.account"].create(cls._eu_account_values())
        cls.vat19 = cls.env["account.tax"].create(
            {
                "name": "VAT 19%",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
            }
        )
        cls.vat19_included = cls.env["account.tax"].create(
            {
                "name": "VAT 19% incl.",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        cls.us_tax = cls.env["account.tax"].create(
            {
                "name": "Seattle 10.25%",
                "amount": 10.25,
                "amount_type": "percent",
                "type_tax_use": "sale",
            }
        )
        cls.mug = cls.env["product.product"].create(
            {
                "name": "Mug",
                "default_code": "MUG-1",
                "type": "consu",
                "is_storable": True,
                "list_price": 10.0,
                "taxes_id": [Command.set(cls.vat19.ids)],
            }
        )
        cls.lamp = cls.env["product.product"].create(
            {
                "name": "Lamp",
                "default_code": "LAMP-1",
                "type": "consu",
                "list_price": 30.0,
                "taxes_id": [Command.set(cls.us_tax.ids)],
            }
        )

    def _put(self, seller_id, *orders):
        self.sandbox_state.put_orders(seller_id, list(orders))

    def _sync(self, account=None, trigger="manual"):
        account = account or self.eu_account
        log = account._amazon_sync_orders(trigger, 600)
        self.assertIn(log.status, ("done", "partial"), log.message)
        return log

    def _change_on_amazon(self, order, seller_id=EU_SELLER_ID, updated=True, **changes):
        """Change an order in the sandbox as Amazon would (``change_order``'s
        arguments), updated three minutes ago (inside the next window) unless
        ``updated`` is False."""
        from amazon_sp.sandbox.control import change_order

        self.sandbox_state.update_order(
            seller_id,
            order["orderId"],
            lambda o: change_order(o, **changes),
            **(
                {"last_updated": fields.Datetime.now() - timedelta(minutes=3)}
                if updated
                else {}
            ),
        )

    def _cancel_on_amazon(self, order):
        self._change_on_amazon(order, cancelled_by="BUYER")

    def _sale_order(self, order, account=None):
        account = account or self.eu_account
        return self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "=", order["orderId"]),
            ]
        )

    def _now(self):
        return fields.Datetime.now()
