"""Order import: failed orders, retries, throttling and refused credentials; one broken
order never blocks the others.
"""

from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from amazon_sp.sandbox.faults import Fault

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
@tagged("post_install", "-at_install")
class TestAmazonImportFailures(AmazonImportCommon):
    # --- failures ---

    def test_a_failing_order_is_recorded_retried_and_then_imported(self):
        self.eu_account.responsible_user_id = self.env.user
        gbp = self.env.ref("base.GBP")
        gbp.active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        good = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, bad, good)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (1, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertEqual(failure.state, "failed")
        self.assertIn("GBP", failure.reason)
        self.assertIn("Currencies", failure.reason)  # what to fix
        self.assertEqual(failure.marketplace_id, self.marketplace_uk)
        self.assertEqual(self.eu_account.failure_count, 1)
        activities = self.eu_account.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.env.user)
        # The window moved on, but the failed order is retried by its id at every run.
        self.assertGreater(
            self.eu_account.last_orders_sync,
            fields.Datetime.now() - timedelta(minutes=5),
        )
        self._sync()
        # Recorded; then retried by its id, and read again in the overlapping window.
        self.assertEqual(failure.attempts, 3)
        self.assertEqual(
            len(self.eu_account.activity_ids), 1
        )  # one activity, not one per run
        gbp.active = True
        self._sync()
        self.assertEqual(failure.state, "resolved")
        self.assertEqual(failure.sale_order_id, self._sale_order(bad))
        self.eu_account.invalidate_recordset(["failure_count"])
        self.assertEqual(self.eu_account.failure_count, 0)

    def test_a_dismissed_failure_is_not_retried(self):
        self.env.ref("base.GBP").active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        failure.action_dismiss()
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now()
        self._sync()
        self.assertFalse(self.sandbox_state.received("orders2026.getOrder"))
        self.assertEqual(failure.state, "dismissed")

    def test_retry_now_imports_the_fixed_order_and_logs_the_run(self):
        gbp = self.env.ref("base.GBP")
        gbp.active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        gbp.active = True
        action = failure.action_retry_now()
        self.assertEqual(failure.state, "resolved")
        self.assertTrue(self._sale_order(bad))
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("New orders imported: 1.", action["params"]["message"])
        log = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id)], limit=1
        )
        self.assertEqual(
            (log.trigger, log.status, log.orders_created), ("retry", "done", 1)
        )
        self.assertGreaterEqual(log.api_calls, 1)

    def test_a_failed_order_amazon_cancels_leaves_the_retry_list(self):
        self.env.ref("base.GBP").active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertEqual(failure.state, "failed")
        self._cancel_on_amazon(bad)
        self._sync()
        self.assertEqual(failure.state, "closed")
        self.assertIn("cancelled this order", failure.reason)
        self.assertIn("GBP", failure.reason)  # the original reason is kept
        self.assertFalse(self._sale_order(bad))
        self.eu_account.invalidate_recordset(["failure_count"])
        self.assertEqual(self.eu_account.failure_count, 0)
        # It no longer takes a place among the orders retried at every run.
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now()
        self._sync()
        self.assertFalse(self.sandbox_state.received("orders2026.getOrder"))

    def test_one_broken_order_does_not_block_the_others(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(5)
        ]
        orders[2]["orderItems"][0]["quantityOrdered"] = -3  # Amazon sends nonsense
        self._put(EU_SELLER_ID, *orders)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (4, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", orders[2]["orderId"])]
        )
        self.assertIn("negative", failure.reason)

    def test_an_odoo_error_in_one_order_falls_back_to_one_by_one(self):
        # The merchant moved a paired product to another company: Odoo refuses it.
        other = self.env["res.company"].create({"name": "Other Company"})
        moved = self.env["product.product"].create({"name": "Moved", "type": "consu"})
        self.env["amazon.offer"].create(
            {"account_id": self.eu_account.id, "sku": "MOVED-1", "product_id": moved.id}
        )
        self.env.cr.execute(
            "UPDATE product_template SET company_id = %s WHERE id = %s",
            (other.id, moved.product_tmpl_id.id),
        )
        moved.invalidate_recordset()
        moved.product_tmpl_id.invalidate_recordset()
        bad = make_order(
            self.marketplace_de, [{"sku": "MOVED-1", "price": 9, "tax": 1.44}]
        )
        goods = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(3)
        ]
        self._put(EU_SELLER_ID, bad, *goods)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (3, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertIn("Odoo refused the sales order", failure.reason)
        self.assertIn("compan", failure.reason)
        for good in goods:
            self.assertEqual(self._sale_order(good).state, "sale")

    def test_throttling_is_not_a_failure_and_the_next_run_resumes(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self.sandbox_state.faults.add(
            Fault("throttle", "orders2026.searchOrders", count=-1)
        )
        before = self.eu_account.last_orders_sync
        with freeze_time(fields.Datetime.now()) as frozen:
            log = self.eu_account._amazon_sync_orders("manual", 600)
            self.assertEqual(log.status, "throttled")
            self.assertIn("resumes at the next run", log.message)
            self.assertEqual(log.orders_failed, 0)
            self.assertGreater(log.throttled, 0)
            self.assertEqual(self.eu_account.last_orders_sync, before)
            self.assertFalse(self.env["amazon.order.failure"].search([]))
            self.sandbox_state.faults.clear()
            frozen.tick(timedelta(minutes=15))  # the next scheduled run
            self._sync()
        self.assertTrue(self._sale_order(order))

    def test_refused_credentials_are_reported_once(self):
        self.eu_account.responsible_user_id = self.env.user
        self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.add(
            "orders2026.searchOrders"
        )
        self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.add(
            "ordersV0.getOrders"
        )
        self.addCleanup(
            self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.clear
        )
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(log.status, "error")
        self.assertIn("denied access", log.message)
        self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(
            len(
                self.eu_account.activity_ids.filtered(lambda a: "refuses" in a.summary)
            ),
            1,
        )
