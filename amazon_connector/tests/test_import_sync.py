"""Order import: when it runs, its checkpoint and time budget, its wizards and what it
shows.
"""

import json
from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID, Seller

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
@tagged("post_install", "-at_install")
class TestAmazonImportSync(AmazonImportCommon):
    # --- triggers ---

    def test_a_new_account_starts_seven_days_back_by_default(self):
        account = self.env["amazon.account"].create(
            self._account_values(name="Third NA", seller_id="ANOTHERSELLER")
        )
        self.assertAlmostEqual(
            account.first_import_date,
            fields.Datetime.now() - timedelta(days=7),
            delta=timedelta(minutes=1),
        )

    def test_new_account_starts_at_its_first_import_date(self):
        account = self.env["amazon.account"].create(
            self._account_values(
                name="Second NA",
                seller_id="ANOTHERSELLER",
                first_import_date=fields.Datetime.now() - timedelta(days=2),
            )
        )
        old = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30, "tax": 3.08}],
            updated=fields.Datetime.now().replace(tzinfo=None) - timedelta(days=5),
            created=fields.Datetime.now() - timedelta(days=5),
        )
        old["lastUpdatedTime"] = old["createdTime"]
        recent = make_order(
            self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
        )
        self._put(DEFAULT_SELLER_ID, old, recent)
        account._amazon_sync_orders("manual", 600)
        refs = set(
            self.env["sale.order"]
            .search([("amazon_account_id", "=", account.id)])
            .mapped("amazon_order_ref")
        )
        self.assertEqual(refs, {recent["orderId"]})

    def test_scheduled_action_is_active_only_while_an_account_is(self):
        cron = self.env.ref("amazon_connector.ir_cron_import_orders")
        self.assertTrue(cron.active)
        self.env["amazon.account"].search([]).action_archive()
        self.assertFalse(cron.active)
        self.account.action_unarchive()
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_number, 15)
        self.assertEqual(cron.interval_type, "minutes")

    def test_scheduled_action_imports_every_active_account(self):
        eu = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
        )
        us = make_order(
            self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
        )
        self._put(EU_SELLER_ID, eu)
        self._put(DEFAULT_SELLER_ID, us)
        self.env["amazon.account"]._cron_import_orders()
        self.assertTrue(self._sale_order(eu))
        self.assertTrue(self._sale_order(us, self.account))
        self.assertEqual(self.eu_account.last_sync_log_id.trigger, "cron")

    def test_sync_orders_button_notifies_what_it_did(self):
        self._put(
            EU_SELLER_ID,
            make_order(
                self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
            ),
        )
        action = self.eu_account.with_context(
            amazon_setup_seen=True
        ).action_sync_orders()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("New orders imported: 1.", action["params"]["message"])

    # --- checkpoint and budget ---

    def test_a_spent_budget_keeps_a_checkpoint_and_the_next_run_continues(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(5)
        ]
        self._put(EU_SELLER_ID, *orders)
        before = self.eu_account.last_orders_sync
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("amazon_connector.page_size", "2")
        parameters.set_param("amazon_connector.max_pages_per_run", "1")
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual((log.status, log.orders_created), ("partial", 2))
        self.assertTrue(self.eu_account.orders_checkpoint["next_token"])
        self.assertEqual(
            self.eu_account.last_orders_sync, before
        )  # the window is not done
        self.eu_account._amazon_sync_orders("cron", 600)
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(log.status, "done")
        self.assertFalse(self.eu_account.orders_checkpoint)
        refs = {o["orderId"] for o in orders}
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("amazon_order_ref", "in", list(refs))]
            ),
            5,
        )

    # --- wizards ---

    def test_import_orders_wizard_imports_a_past_period(self):
        old = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            created=fields.Datetime.now() - timedelta(days=40),
        )
        old["lastUpdatedTime"] = old["createdTime"]
        self._put(EU_SELLER_ID, old)
        self._sync()
        self.assertFalse(self._sale_order(old))  # older than the first import date
        wizard = self.env["amazon.import.orders.wizard"].create(
            {
                "account_id": self.eu_account.id,
                "date_from": fields.Datetime.now() - timedelta(days=60),
                "date_to": fields.Datetime.now() - timedelta(days=30),
            }
        )
        action = wizard.action_import()
        self.assertEqual(action["params"]["type"], "info")
        self.assertTrue(self.eu_account.history_start)
        self.env["amazon.account"]._cron_import_orders()
        self.assertTrue(self._sale_order(old))
        self.assertFalse(self.eu_account.history_start)  # done
        with self.assertRaises(UserError):
            self.env["amazon.import.orders.wizard"].create(
                {
                    "account_id": self.eu_account.id,
                    "date_from": fields.Datetime.now() - timedelta(days=800),
                    "date_to": fields.Datetime.now(),
                }
            ).action_import()

    def test_recover_order_wizard(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            created=fields.Datetime.now() - timedelta(days=100),
        )
        order["lastUpdatedTime"] = order["createdTime"]
        self._put(EU_SELLER_ID, order)
        wizard = self.env["amazon.recover.order.wizard"].create(
            {"account_id": self.eu_account.id, "order_ref": order["orderId"]}
        )
        action = wizard.action_recover()
        self.assertEqual(action["res_id"], self._sale_order(order).id)
        log = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id)], limit=1
        )
        self.assertEqual((log.trigger, log.status), ("recover", "done"))
        self.assertEqual(log.orders_created, 1)
        self.assertIn(order["orderId"], log.message)
        with self.assertRaises(ValidationError):
            self.env["amazon.recover.order.wizard"].create(
                {"account_id": self.eu_account.id, "order_ref": "12-34"}
            )
        with self.assertRaises(UserError):
            self.env["amazon.recover.order.wizard"].create(
                {"account_id": self.eu_account.id, "order_ref": "111-0000000-0000000"}
            ).action_recover()

    def test_amazons_own_example_orders_import_with_their_totals(self):
        for code in ("JPY", "BRL", "TRY"):
            self.env.ref(f"base.{code}").active = True
        self.sandbox_state.add_seller(
            Seller(
                "AFESELLER",
                "FE",
                ["A1VC38T7YXB528"],
                {"Atzr|fe"},
                self.sandbox_state.sellers[DEFAULT_SELLER_ID].client_id,
            )
        )
        self.sandbox_state.sellers[EU_SELLER_ID].marketplaces.append("A33AVAJ2PDY3EV")
        self.sandbox_state.sellers[DEFAULT_SELLER_ID].marketplaces.append(
            "A2Q3Y263D00KWC"
        )
        fe = self.env["amazon.account"].create(
            self._account_values(
                name="JP", seller_id="AFESELLER", region="FE", refresh_token="Atzr|fe"
            )
        )
        self.eu_account.action_update_available_marketplaces()
        self.account.action_update_available_marketplaces()
        model = json.loads((MODELS / "orders_2026-01-01.json").read_text())
        examples = []
        paths = model["paths"]
        for case in paths["/orders/2026-01-01/orders"]["get"]["responses"]["200"][
            "x-amzn-api-sandbox"
        ]["static"]:
            examples += case["response"]["orders"]
        for case in paths["/orders/2026-01-01/orders/{orderId}"]["get"]["responses"][
            "200"
        ]["x-amzn-api-sandbox"]["static"]:
            examples.append(case["response"]["order"])
        seller_of = {
            "FE": ("AFESELLER", fe),
            "EU": (EU_SELLER_ID, self.eu_account),
            "NA": (DEFAULT_SELLER_ID, self.account),
        }
        from amazon_sp.marketplaces import MARKETPLACES

        for example in examples:
            region = MARKETPLACES[example["salesChannel"]["marketplaceId"]].region
            seller_id, account = seller_of[region]
            self.sandbox_state.put_orders(seller_id, [example])
            so = account._amazon_recover_order(example["orderId"])
            total = float(example["proceeds"]["grandTotal"]["amount"])
            self.assertAlmostEqual(
                so.amazon_order_total, total, places=2, msg=example["orderId"]
            )
            self.assertEqual(so.state, "sale")
            if so.amazon_marketplace_id.tax_included:
                # The default product has no tax: the buyer's price is the line's total.
                self.assertAlmostEqual(
                    so.amount_total, total, places=2, msg=example["orderId"]
                )
            else:
                # Amazon charged 10.00 of US sales tax, Odoo none: the accountant is
                # told, on the account.
                self.assertAlmostEqual(so.amazon_total_difference, -10.0, places=2)
                activity = account.activity_ids.filtered(
                    lambda a: a.amazon_cause == "orders_total_difference"
                )
                self.assertIn(so.name, activity.note)
        jp = self.env["sale.order"].search(
            [("amazon_order_ref", "=", "250-1234567-8901234")]
        )
        self.assertEqual((jp.currency_id.name, jp.amazon_fulfillment), ("JPY", "fba"))
        self.assertEqual(jp.order_line.mapped("product_uom_qty"), [1, 2])

    def test_v0_account_imports_the_same_orders(self):
        self.eu_account.api_version = "v0"
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": 2,
                    "price": 39.98,
                    "tax": 6.38,
                    "promotion": 2.00,
                    "promotion_tax": 0.32,
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        log = self._sync()
        self.assertEqual(log.api_version, "v0")
        so = self._sale_order(order)
        self.assertEqual(so.amount_total, 37.98)
        self.assertEqual(so.partner_id.name, "Jörg Müller")

    # --- visibility ---

    def test_each_run_leaves_a_log_line_and_the_account_shows_counts(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(3)
        ]
        self._put(EU_SELLER_ID, *orders)
        log = self._sync()
        self.assertEqual(log.orders_created, 3)
        self.assertEqual(log.api_calls, 1)  # one searchOrders call for three orders
        self.assertTrue(log.window_start and log.window_end and log.duration >= 0)
        self.assertEqual(log.api_version, "2026-01-01")
        self.assertEqual(self.eu_account.order_count, 3)
        self.assertEqual(self.eu_account.last_sync_log_id, log)
        action = self.eu_account.action_view_orders()
        self.assertEqual(self.env["sale.order"].search_count(action["domain"]), 3)
        amazon_filter = self.env["sale.order"].search(
            [("amazon_account_id", "!=", False)]
        )
        self.assertEqual(len(amazon_filter), 3)

    @freeze_time("2026-11-20 12:00:00")
    def test_windows_end_two_minutes_before_now(self):
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now() - timedelta(hours=1)
        self._sync()
        query = self.sandbox_state.received("orders2026.searchOrders")[0]["query"]
        self.assertEqual(query["lastUpdatedBefore"], "2026-11-20T11:57:30Z")
        self.assertEqual(
            query["lastUpdatedAfter"], "2026-11-20T10:50:00Z"
        )  # 10 min overlap
        self.assertEqual(
            self.eu_account.last_orders_sync,
            fields.Datetime.from_string("2026-11-20 11:57:30"),
        )

    def test_an_account_of_another_company_imports_into_that_company(self):
        company_b = self.env["res.company"].create(
            {
                "name": "Amazon Shop B",
                "currency_id": self.env.ref("base.EUR").id,
                "country_id": self.env.ref("base.de").id,
            }
        )
        self.env.user.company_ids += company_b
        account_b = (
            self.env["amazon.account"]
            .with_company(company_b)
            .create(self._eu_account_values(name="Shop B", company_id=company_b.id))
        )
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        account_b._amazon_sync_orders("manual", 600)
        so = self._sale_order(order, account_b)
        self.assertEqual(so.company_id, company_b)
        self.assertEqual(so.partner_id.company_id, company_b)
        self.assertEqual(so.warehouse_id.company_id, company_b)
        self.assertEqual(so.currency_id.name, "EUR")
        # The same Amazon order in the first company's account is another sales order.
        self._sync()
        self.assertNotEqual(self._sale_order(order), so)
        self.assertEqual(self._sale_order(order).company_id, self.env.company)
