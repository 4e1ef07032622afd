from unittest.mock import patch

from odoo.exceptions import LockError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from amazon_sp.sandbox import DEFAULT_SELLER_ID
from amazon_sp.sandbox.faults import Fault

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    cron_run,
    make_order,
    time_travel,
)


@tagged("post_install", "-at_install")
class TestAmazonOrderSync(AmazonImportCommon):
    """How the scheduled import serves several accounts, and where its state lives."""

    def _count(self, account):
        return self.env["sale.order"].search_count(
            [("amazon_account_id", "=", account.id)]
        )

    def _backlog(self):
        """120 orders for the North American account (12 pages of 10), 3 for the
        European one, and Amazon taking 30 s per page."""
        self.env["ir.config_parameter"].set_param("amazon_connector.page_size", "10")
        self._put(
            DEFAULT_SELLER_ID,
            *(
                make_order(
                    self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
                )
                for _ in range(120)
            ),
        )
        self._put(
            EU_SELLER_ID,
            *(
                make_order(
                    self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
                )
                for _ in range(3)
            ),
        )
        self.sandbox_state.faults.add(
            Fault("latency", "orders2026.searchOrders", count=-1, delay=30)
        )

    def test_one_account_with_a_backlog_does_not_starve_the_others(self):
        self._backlog()
        with (
            time_travel(),
            cron_run(self, "amazon_connector.ir_cron_import_orders", 100) as (
                env,
                progress,
            ),
        ):
            env["amazon.account"]._cron_import_orders()
            remaining, done = progress.remaining, progress.done
        # Each account got half of the run: the backlog is read two pages at a time,
        # and the other account's orders came in the same run.
        self.assertEqual(self._count(self.eu_account), 3)
        self.assertEqual(self._count(self.account), 20)
        # Odoo is told that one account has more to read, so it calls the job again.
        self.assertEqual((done, remaining), (2, 1))
        # The next call goes on where the backlog stopped.
        with (
            time_travel(),
            cron_run(self, "amazon_connector.ir_cron_import_orders", 100) as (env, _),
        ):
            env["amazon.account"]._cron_import_orders()
        self.assertEqual(self._count(self.account), 40)
        self.assertEqual(self._count(self.eu_account), 3)

    def test_an_unexpected_error_of_one_account_does_not_stop_the_others(self):
        self._put(
            DEFAULT_SELLER_ID,
            make_order(
                self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
            ),
        )
        self._put(
            EU_SELLER_ID,
            make_order(
                self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
            ),
        )
        self.account.responsible_user_id = self.env.user
        Import = type(self.env["amazon.order.import"])
        original = Import._amazon_import_orders
        broken = self.account.id

        def import_orders(importer, account, orders, unreadable=()):
            if account.id == broken:
                raise RuntimeError("a bug in an override")
            return original(importer, account, orders, unreadable)

        with (
            patch.object(Import, "_amazon_import_orders", import_orders),
            mute_logger("odoo.addons.amazon_connector"),
            cron_run(self, "amazon_connector.ir_cron_import_orders", 600) as (env, _),
        ):
            env["amazon.account"]._cron_import_orders()
        self.assertEqual(self._count(self.eu_account), 1)
        self.assertEqual(self._count(self.account), 0)
        activity = self.account.activity_ids.filtered(lambda a: not a.amazon_cause)
        self.assertEqual(len(activity), 1)
        self.assertIn("Order Import", activity.summary)
        self.assertIn("RuntimeError: a bug in an override", activity.note)
        self.assertEqual(activity.user_id, self.env.user)

    def test_shipment_and_inventory_jobs_report_their_progress(self):
        for xmlid, method in (
            ("amazon_connector.ir_cron_send_updates", "_cron_send_updates"),
            ("amazon_connector.ir_cron_pull_fba_inventory", "_cron_pull_fba_inventory"),
        ):
            with (
                self.subTest(method=method),
                cron_run(self, xmlid, 600) as (env, progress),
            ):
                getattr(env["amazon.account"], method)()
                self.assertEqual((progress.done, progress.remaining), (2, 0))
                states = env["amazon.sync.state"].search([("last_run", "!=", False)])
                self.assertIn(
                    self.eu_account,
                    states.filtered(lambda s: s.kind != "orders").account_id,
                )

    def test_an_import_leaves_the_account_record_alone(self):
        def row_version():
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT ctid FROM amazon_account WHERE id = %s", [self.eu_account.id]
            )
            return self.env.cr.fetchone()[0]

        before = row_version()
        messages = len(self.eu_account.message_ids)
        self._put(
            EU_SELLER_ID,
            make_order(
                self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
            ),
        )
        first = self.eu_account.last_orders_sync
        self._sync()
        self._sync()
        self.env.cr.precommit.run()  # tracking messages are written at commit
        # The run state moved on, elsewhere: saving the account's form never waits
        # for an import, and the chatter gets no message per run.
        self.assertGreater(self.eu_account.last_orders_sync, first)
        self.assertEqual(row_version(), before)
        self.assertEqual(len(self.eu_account.message_ids), messages)

    def test_retry_now_and_recover_order_wait_for_a_running_import(self):
        self.env.ref("base.GBP").active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.5}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.env.ref("base.GBP").active = True
        State = type(self.env["amazon.sync.state"])
        # Another worker holds the import of the account.
        with patch.object(State, "lock_for_update", side_effect=LockError("held")):
            action = failure.action_retry_now()
            self.assertIn("Another run is importing", action["params"]["message"])
            with self.assertRaisesRegex(UserError, "Another run is importing"):
                self.eu_account._amazon_recover_order(bad["orderId"])
        self.assertFalse(self._sale_order(bad))
        self.assertEqual(failure.state, "failed")
        failure.action_retry_now()
        self.assertEqual(failure.state, "resolved")

    def test_a_failure_whose_order_is_already_up_to_date_leaves_the_queue(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        sale_order = self._sale_order(order)
        # E.g. another run imported it while this one failed on the unique key.
        failure = self.env["amazon.order.failure"].create(
            {
                "account_id": self.eu_account.id,
                "amazon_order_ref": order["orderId"],
                "reason": "imported at the same time by another run",
                "last_attempt": "2020-01-01 00:00:00",
            }
        )
        self._sync()
        self.assertEqual(failure.state, "resolved")
        self.assertEqual(failure.sale_order_id, sale_order)

    def test_bad_page_size_parameters_do_not_stop_the_import(self):
        parameters = self.env["ir.config_parameter"]
        parameters.set_param("amazon_connector.page_size", "ten")
        parameters.set_param("amazon_connector.max_pages_per_run", "1.5")
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        with mute_logger("odoo.addons.amazon_connector"):
            self._sync()
        self.assertTrue(self._sale_order(order))
        query = self.sandbox_state.received("orders2026.searchOrders")[-1]["query"]
        self.assertEqual(query["maxResultsPerPage"], "100")
