"""A merchant's first hour, in the browser (tours in Chromium, against the sandbox):
create an account from the settings, fix its setup check, sync its orders and open
one; ship an order with a carrier and a tracking number; retry a failed order.

With ``AMAZON_CONNECTOR_SCREENSHOTS`` set to a folder, the tours also save the
README's screenshots there (``docs/screenshots``)."""

import base64
import contextlib
import copy
import io
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest.mock import patch

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from amazon_sp.sandbox import DEFAULT_SELLER_ID, Seller
from amazon_sp.sandbox.generator import generate

from .common import AmazonCommon, TourMixin, make_order

SCREENSHOTS = "AMAZON_CONNECTOR_SCREENSHOTS"
TOUR_SELLER = "ATOURSELLER"
TOUR_REFRESH_TOKEN = "Atzr|sandbox-tour-refresh-token"  # the tour types it


def _save_screenshot(folder, name, future):
    """Write a screenshot the browser took, as a small PNG."""
    data = base64.b64decode(future.result()["data"])
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    Path(folder, f"{name}.png").write_bytes(buffer.getvalue())


@contextlib.contextmanager
def screenshots(folder):
    """Take a screenshot each time a tour logs ``amazon-screenshot:<name>``."""
    if not folder:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    original = ChromeBrowser._handle_console

    def handle_console(browser, type, args=None, stackTrace=None, **kw):  # noqa: A002
        first = browser._from_remoteobject(args[0]) if args else None
        if isinstance(first, str) and first.startswith("amazon-screenshot:"):
            name = first.split(":", 1)[1]
            future = browser._websocket_send(
                "Page.captureScreenshot", params={"format": "png"}, with_future=True
            )
            future.add_done_callback(lambda done: _save_screenshot(folder, name, done))
            return None
        return original(browser, type, args=args, stackTrace=stackTrace, **kw)

    with patch.object(ChromeBrowser, "_handle_console", handle_console):
        yield


@tagged("post_install", "-at_install")
class TestAmazonFirstRunTours(TourMixin, HttpCase, AmazonCommon):
    browser_size = "1280x860"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A newcomer's database: CAD has a rate, MXN none; both inactive; no
        # Mexican tax; untaxed default products.
        cls.env.company.country_id = cls.env.ref("base.us")
        cad, mxn = cls.env.ref("base.CAD"), cls.env.ref("base.MXN")
        (cad | mxn).rate_ids.unlink()
        cls.env["res.currency.rate"].create(
            {"currency_id": cad.id, "company_rate": 1.36}
        )
        (cad | mxn).active = False
        cls.env["product.product"]._amazon_ensure_default_products().taxes_id = False
        cls.env["account.tax"].search(
            [("country_id", "=", cls.env.ref("base.mx").id)]
        ).active = False
        carrier_product = cls.env["product.product"].create(
            {"name": "UPS Ground shipping", "type": "service"}
        )
        cls.ups = cls.env["delivery.carrier"].create(
            {"name": "UPS Ground", "product_id": carrier_product.id}
        )
        # The seller the merchant registers in the tour (the class's account is
        # another one).
        base = cls.sandbox_state.sellers[DEFAULT_SELLER_ID]
        cls.sandbox_state.add_seller(
            Seller(
                seller_id=TOUR_SELLER,
                region="NA",
                marketplaces=list(base.marketplaces),
                refresh_tokens={TOUR_REFRESH_TOKEN},
                client_id=base.client_id,
            )
        )
        cls._sellers = copy.deepcopy(cls.sandbox_state.sellers)

    def _tour(self, url, name):
        folder = os.environ.get(SCREENSHOTS)
        cookies = {
            "amazon_sandbox_url": self.sandbox.url,
            "amazon_screenshots": "1" if folder else "0",
        }
        with screenshots(folder):
            self.start_tour(url, name, login="admin", cookies=cookies, timeout=180)

    def test_a_merchant_registers_an_account_fixes_its_setup_and_syncs(self):
        end = datetime.now(timezone.utc) - timedelta(minutes=5)
        generate(self.sandbox_state, TOUR_SELLER, 30, 1, start=end - timedelta(days=6))
        self._tour(
            "/odoo/action-sale.action_sale_config_settings",
            "amazon_connector_first_account_tour",
        )
        account = self.env["amazon.account"].search([("seller_id", "=", TOUR_SELLER)])
        self.assertEqual(account.name, "My Amazon store")
        self.assertEqual(account.environment, "local")
        self.assertEqual(account.setup_issue_count, 0)
        self.assertTrue(account.facilitator_fiscal_position_id)
        self.assertTrue(self.env.ref("base.MXN").active)
        self.assertTrue(account.order_count)
        log = account.last_sync_log_id
        self.assertEqual((log.trigger, log.status), ("manual", "done"))
        self.assertEqual(log.orders_created, account.order_count)
        # Amazon.com's orders match Amazon's totals: Amazon remits their tax.
        us = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_marketplace_id", "=", self.marketplace_us.id),
            ]
        )
        self.assertTrue(us)
        self.assertFalse(any(us.mapped("amazon_total_difference")))

    def test_a_merchant_ships_an_fbm_order_and_amazon_is_told(self):
        order = make_order(
            self.marketplace_us,
            [
                {
                    "sku": "BOARD-1",
                    "title": "Bamboo Cutting Board",
                    "price": 24.99,
                    "tax": 2.56,
                    "facilitator": True,
                }
            ],
        )
        self.sandbox_state.put_orders(DEFAULT_SELLER_ID, [order])
        self.account._amazon_sync_orders("manual", 600)
        so = self.env["sale.order"].search(
            [("amazon_order_ref", "=", order["orderId"])]
        )
        picking = so.picking_ids
        self.assertEqual(picking.state, "assigned")
        self._tour(
            f"/odoo/action-sale.action_orders/{so.id}", "amazon_connector_ship_tour"
        )
        picking.invalidate_recordset()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_id, self.ups)
        self.assertEqual(picking.amazon_confirmation_state, "to_send")
        # The scheduled action sends it (at once after a validation, in Odoo).
        self.env["amazon.account"]._cron_send_updates()
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        (sent,) = self.sandbox_state.received("ordersV0.confirmShipment")
        package = sent["body"]["packageDetail"]
        self.assertEqual(package["carrierCode"], "UPS")
        self.assertEqual(package["trackingNumber"], "1Z999AA10123456784")
        self._tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "amazon_connector_sent_tour",
        )

    def test_a_merchant_retries_a_failed_order(self):
        cad = self.env.ref("base.CAD")
        order = make_order(
            self.marketplace_ca, [{"sku": "X-1", "price": 20, "tax": 2.6}]
        )
        self.sandbox_state.put_orders(DEFAULT_SELLER_ID, [order])
        self.account._amazon_sync_orders("manual", 600)
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", order["orderId"])]
        )
        self.assertEqual(failure.state, "failed")
        self.assertIn("CAD", failure.reason)
        cad.active = True  # what the reason says to do
        self._tour(
            "/odoo/action-amazon_connector.action_amazon_order_failure",
            "amazon_connector_retry_tour",
        )
        failure.invalidate_recordset()
        self.assertEqual(failure.state, "resolved")
        self.assertTrue(failure.sale_order_id)
