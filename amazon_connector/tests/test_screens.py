"""What the screens say: the Amazon Orders list and its filters, items named by their
title and SKU, runs named and totalled as a merchant reads them, Sync orders in words,
Pull FBA inventory without paired products, the carrier guess."""

import ast
from datetime import datetime, timedelta

import pytz
from lxml import etree

from odoo import Command, fields
from odoo.tests import Form, tagged
from odoo.tools.misc import format_datetime

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import EU_SELLER_ID, AmazonImportCommon, make_order


@tagged("post_install", "-at_install")
class TestAmazonScreens(AmazonImportCommon):
    # --- Amazon Orders ---

    def _filter_domain(self, arch, name):
        node = arch.xpath(f"//filter[@name='{name}']")[0]
        return ast.literal_eval(node.get("domain"))

    def test_the_amazon_orders_list_shows_what_a_merchant_looks_for(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_sale_orders"
        )
        list_view = dict((mode, view) for view, mode in action["views"])["list"]
        arch = etree.fromstring(
            self.env["sale.order"].get_views([(list_view, "list")])["views"]["list"][
                "arch"
            ]
        )
        columns = [f.get("name") for f in arch.xpath("//field[not(@column_invisible)]")]
        for name in (
            "amazon_order_ref",
            "amazon_marketplace_id",
            "amazon_fulfillment",
            "amazon_status",
            "amazon_order_total",
            "currency_id",
            "amazon_total_difference",
        ):
            self.assertIn(name, columns)
        # The currency's code sits beside Amazon's total: MXN and USD both show "$".
        self.assertEqual(
            columns.index("currency_id"), columns.index("amazon_order_total") + 1
        )
        search_view = action["search_view_id"]
        search_view = (
            search_view[0] if isinstance(search_view, list | tuple) else search_view
        )
        search = etree.fromstring(
            self.env["sale.order"].get_views([(search_view, "search")])["views"][
                "search"
            ]["arch"]
        )
        for name in ("amazon_account_id", "amazon_marketplace_id", "amazon_order_ref"):
            self.assertTrue(search.xpath(f"//field[@name='{name}']"), name)
        self.assertTrue(search.xpath("//filter[@name='group_by_amazon_marketplace']"))

        # The filters find the orders they say.
        fba = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            fulfilled_by="AMAZON",
            status="SHIPPED",
        )
        business = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            programs=["AMAZON_BUSINESS"],
        )
        self._put(EU_SELLER_ID, fba, business)
        self._sync()
        # Amazon.ca charged 13 %; the product has 19 %: the totals differ.
        self.lamp.taxes_id = [Command.set(self.vat19.ids)]
        differing = make_order(
            self.marketplace_ca, [{"sku": "LAMP-1", "price": 10, "tax": 1.3}]
        )
        self._put(DEFAULT_SELLER_ID, differing)
        self._sync(self.account)
        fba, business = self._sale_order(fba), self._sale_order(business)
        differing = self._sale_order(differing, self.account)
        self.assertTrue(differing.amazon_total_difference)

        def found(name):
            return self.env["sale.order"].search(
                [("amazon_account_id", "!=", False)] + self._filter_domain(search, name)
            )

        self.assertEqual(found("amazon_fba"), fba)
        self.assertEqual(found("amazon_fbm"), business | differing)
        self.assertEqual(found("amazon_shipped"), fba)
        self.assertEqual(found("amazon_unshipped"), business | differing)
        self.assertEqual(found("amazon_difference"), differing)
        self.assertEqual(found("amazon_business"), business)

    # --- items by title and SKU ---

    def _fbm_order(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "NOT-IN-ODOO",
                    "title": "Bamboo Cutting Board",
                    "price": 20,
                    "tax": 3.19,
                    "condition": "USED",
                    "condition_subtype": "GOOD",
                },
                {"sku": "MUG-1", "title": "Blue Mug", "price": 9, "tax": 1.44},
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        return order, self._sale_order(order)

    def test_deliveries_and_cancellations_name_items_by_title_and_sku(self):
        _order, so = self._fbm_order()
        board = so.order_line.filtered(lambda line: line.amazon_sku == "NOT-IN-ODOO")
        self.assertEqual(board.product_id.name, "Amazon Sale")
        self.assertIn("Condition", board.name)
        # The delivery says what to pack: the title and SKU, not "Amazon Sale" nor
        # the condition note.
        moves = so.picking_ids.move_ids
        self.assertEqual(
            sorted(moves.mapped("description_picking")),
            ["Bamboo Cutting Board (SKU NOT-IN-ODOO)", "Blue Mug (SKU MUG-1)"],
        )
        # The cancellation dialog and what it leaves.
        self.assertEqual(
            board.display_name, f"{so.name} - Bamboo Cutting Board (SKU NOT-IN-ODOO)"
        )
        self.assertEqual(
            board.with_context(amazon_item_label=True).display_name,
            "Bamboo Cutting Board (SKU NOT-IN-ODOO)",
        )
        so._amazon_cancel_lines(board, "NoInventory")
        self.assertIn("Bamboo Cutting Board (SKU NOT-IN-ODOO)", so.message_ids[0].body)
        cancellation = self.env["amazon.cancellation"].search(
            [("sale_order_id", "=", so.id)]
        )
        self.assertEqual(
            cancellation.item_label, "Bamboo Cutting Board (SKU NOT-IN-ODOO)"
        )
        self.assertNotIn(board.amazon_item_ref, cancellation.item_label)

    def test_sent_to_amazon_names_the_items_shipped(self):
        carrier_product = self.env["product.product"].create(
            {"name": "Delivery", "type": "service"}
        )
        carrier = self.env["delivery.carrier"].create(
            {"name": "UPS Ground", "product_id": carrier_product.id}
        )
        _order, so = self._fbm_order()
        picking = so.picking_ids
        picking.carrier_id = carrier
        picking.carrier_tracking_ref = "1Z999"
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.env["amazon.account"]._cron_send_updates()
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        body = picking.message_ids[0].body
        self.assertIn("Sent to Amazon", body)
        self.assertIn("1 x Bamboo Cutting Board (SKU NOT-IN-ODOO)", body)
        self.assertNotIn(so.order_line[0].amazon_item_ref, body)

    # --- runs ---

    def test_runs_are_named_by_their_trigger_and_date_and_totalled(self):
        self.env.user.tz = "America/Mexico_City"
        log = self._sync()
        local = pytz.utc.localize(log.date_start).astimezone(
            pytz.timezone("America/Mexico_City")
        )
        self.assertTrue(log.display_name.startswith("Sync Orders, "))
        self.assertIn(local.strftime("%-I:%M"), log.display_name)
        self.assertEqual(
            self.eu_account.last_sync_log_id.display_name, log.display_name
        )
        view = self.env.ref("amazon_connector.amazon_sync_log_view_list")
        arch = etree.fromstring(
            self.env["amazon.sync.log"].get_views([(view.id, "list")])["views"]["list"][
                "arch"
            ]
        )
        for name in (
            "orders_created",
            "orders_updated",
            "orders_skipped",
            "orders_failed",
            "api_calls",
            "throttled",
        ):
            self.assertTrue(arch.xpath(f"//field[@name='{name}'][@sum]"), name)

    def test_import_orders_logs_the_period_asked_and_its_trigger(self):
        old = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            created=fields.Datetime.now() - timedelta(days=20),
            updated=datetime.now() - timedelta(days=20),
        )
        self._put(EU_SELLER_ID, old)
        start = fields.Datetime.now() - timedelta(days=25)
        end = fields.Datetime.now() - timedelta(days=10)
        wizard = self.env["amazon.import.orders.wizard"].create(
            {"account_id": self.eu_account.id, "date_from": start, "date_to": end}
        )
        wizard.action_import()
        self.env["amazon.account"]._cron_import_orders()
        history = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id), ("trigger", "=", "history")]
        )
        self.assertEqual(len(history), 1)
        self.assertEqual((history.window_start, history.window_end), (start, end))
        self.assertEqual((history.status, history.orders_created), ("done", 1))
        self.assertTrue(history.display_name.startswith("Import Orders, "))
        self.assertTrue(self._sale_order(old))
        # The scheduled run's own window has its own line.
        scheduled = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id), ("trigger", "=", "cron")]
        )
        self.assertEqual(len(scheduled), 1)
        self.assertEqual(scheduled.orders_created, 0)
        self.assertGreater(scheduled.window_start, start)
        # Each counts its own calls: the history's searches are by creation date.
        searches = self.sandbox_state.received(
            "orders2026.searchOrders", seller_id=EU_SELLER_ID
        )
        by_creation = [r for r in searches if "createdAfter" in r["query"]]
        self.assertEqual(history.api_calls, len(by_creation))
        self.assertGreaterEqual(scheduled.api_calls, len(searches) - len(by_creation))

    # --- Sync orders, in words ---

    def test_sync_orders_says_what_it_did_in_a_merchants_words(self):
        self.env.user.tz = "Europe/Paris"
        self._put(
            EU_SELLER_ID,
            make_order(
                self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
            ),
        )
        account = self.eu_account.with_context(amazon_setup_seen=True)
        first = account.action_sync_orders()["params"]
        self.assertEqual(first["type"], "success")
        self.assertIn("New orders imported: 1.", first["message"])
        self.assertIn("import older ones with Import orders", first["message"])
        since = format_datetime(
            self.env,
            self.eu_account.first_import_date,
            tz="Europe/Paris",
            dt_format="short",
        )
        self.assertIn(since, first["message"])
        # The scheduled action imports the next orders first: a click then finds
        # nothing new, and says why.
        for _index in range(2):
            self._put(
                EU_SELLER_ID,
                make_order(
                    self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
                ),
            )
            self.env["amazon.account"]._cron_import_orders()
        again = account.action_sync_orders()["params"]
        self.assertEqual(again["type"], "info")
        self.assertIn("Nothing new on Amazon since", again["message"])
        self.assertIn(
            "2 orders were already imported by the scheduled action", again["message"]
        )
        self.assertNotIn("import older ones", again["message"])

    # --- FBA inventory without paired products ---

    def test_pull_fba_inventory_without_a_paired_product_says_what_to_do(self):
        self.env["amazon.offer"].search([("account_id", "=", self.account.id)]).unlink()
        action = self.account.action_pull_fba_inventory()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("No product of Sandbox NA is paired", action["params"]["message"])
        self.assertIn("Offers", action["params"]["message"])
        self.assertFalse(
            [r for r in self.sandbox_state.received() if "inventory" in r["path"]]
        )

    # --- carriers ---

    def test_a_new_carrier_named_ups_ground_is_ups(self):
        product = self.env["product.product"].create(
            {"name": "Shipping", "type": "service"}
        )
        cases = {
            "UPS Ground": "UPS",
            "DHL Paket": "DHL",
            "Royal Mail 1st Class": "Royal Mail",
            "My own van": "Other",
        }
        for name, code in cases.items():
            with Form(self.env["delivery.carrier"]) as form:
                self.assertFalse(form.amazon_carrier_code)
                form.name = name
                form.product_id = product
                self.assertEqual(form.amazon_carrier_code, code, name)
            self.assertEqual(form.record.amazon_carrier_code, code)

    def test_a_carrier_code_chosen_by_the_user_is_kept(self):
        product = self.env["product.product"].create(
            {"name": "Shipping", "type": "service"}
        )
        with Form(self.env["delivery.carrier"]) as form:
            form.name = "Van"
            form.product_id = product
            self.assertEqual(form.amazon_carrier_code, "Other")
            form.amazon_carrier_code = "DPD"
            form.name = "UPS Van"
        self.assertEqual(form.record.amazon_carrier_code, "DPD")
        # A name typed after "Other" is guessed again.
        with Form(form.record) as again:
            again.amazon_carrier_code = "Other"
        with Form(form.record) as again:
            again.name = "FedEx Express"
        self.assertEqual(form.record.amazon_carrier_code, "FedEx")

    def test_a_north_american_seller_order_keeps_its_currency_code(self):
        self.env.ref("base.MXN").active = True
        order = make_order(
            self.marketplace_mx,
            [{"sku": "LAMP-1", "price": 580, "tax": 80}],
            tax_included=True,
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        self.assertEqual(so.currency_id.name, "MXN")
        self.assertEqual(so.currency_id.symbol, self.env.ref("base.USD").symbol)
