"""Two Odoo processes invoice the same Amazon orders at the same moment (a user
validating deliveries while the scheduled action runs): every order is invoiced once,
for Amazon's total, and nothing is left undone."""

import time

from odoo.tests import tagged

from . import figures
from .test_reliability import ProcessesCommon, _worker


@tagged("post_install", "-at_install")
class TestInvoicingConcurrency(ProcessesCommon):
    def _invoices(self, database):
        return database.query(
            "SELECT m.amazon_sale_order_id, m.create_uid, m.amount_total, "
            "m.amazon_invoice_key FROM account_move m "
            "WHERE m.move_type = 'out_invoice' AND m.state = 'posted' "
            "AND m.amazon_sale_order_id IS NOT NULL"
        )

    def test_two_processes_invoice_the_same_orders_once(self):
        rows = []
        for round_ in range(2):
            with self.subTest(round=round_), self._isolated():
                self._generate(80, seed=500 + round_)
                database = self._scratch(f"invoicing{round_}")
                # The orders come in without invoices, then invoicing is switched on.
                database.query(
                    "UPDATE amazon_account SET invoice_policy = 'manual' RETURNING id"
                )
                _worker(database, "import")
                self.assertFalse(self._invoices(database))
                database.query(
                    "UPDATE amazon_account SET invoice_policy = 'on_shipment' "
                    "RETURNING id"
                )
                start = f"{time.time() + 8:.3f}"
                first = _worker(
                    database, "invoice", "--start-at", start, "--uid", "1", wait=False
                )
                second = _worker(
                    database, "invoice", "--start-at", start, "--uid", "2", wait=False
                )
                outputs = [p.communicate(timeout=600) for p in (first, second)]
                codes = [first.returncode, second.returncode]
                invoices = self._invoices(database)
                # A third run afterwards finds nothing the two left undone.
                _worker(database, "invoice", "--uid", "1")
                after = self._invoices(database)
                totals = dict(
                    database.query(
                        "SELECT id, amazon_order_total FROM sale_order "
                        "WHERE amazon_account_id IS NOT NULL"
                    )
                )
                per_order = {}
                for order_id, _uid, amount, _key in invoices:
                    per_order[order_id] = per_order.get(order_id, 0.0) + amount
                keys = [key for *_rest, key in invoices]
                rows.append(
                    {
                        "round": round_,
                        "exit_codes": codes,
                        "tracebacks": sum("Traceback" in err for _out, err in outputs),
                        "invoices": len(invoices),
                        "by_worker": [
                            sum(1 for row in invoices if row[1] == uid)
                            for uid in (1, 2)
                        ],
                        "duplicate_keys": len(keys) - len(set(keys)),
                        "over_invoiced": sum(
                            1
                            for order_id, amount in per_order.items()
                            if round(amount - totals[order_id], 2) > 0
                        ),
                        "left_for_a_third_run": len(after) - len(invoices),
                    }
                )
        figures.record("Concurrency: two processes invoice the same orders", rows)
        for row in rows:
            self.assertEqual(row["exit_codes"], [0, 0])
            self.assertEqual(row["tracebacks"], 0)
            self.assertGreater(row["invoices"], 0)
            self.assertEqual(row["duplicate_keys"], 0)
            self.assertEqual(row["over_invoiced"], 0)
            self.assertEqual(row["left_for_a_third_run"], 0)
        # They did work at the same time: both invoiced some of the orders.
        self.assertTrue(any(min(row["by_worker"]) > 0 for row in rows))
