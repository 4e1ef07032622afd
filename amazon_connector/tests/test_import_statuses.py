"""Order import: Amazon's statuses (pending, shipped, FBA, FBM, cancelled) on the sales
order and its deliveries.
"""

import copy
from datetime import timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    iso,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
@tagged("post_install", "-at_install")
class TestAmazonImportStatuses(AmazonImportCommon):
    # --- statuses ---

    def test_pending_orders_wait_for_their_prices(self):
        paid = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        pending = copy.deepcopy(paid)
        pending["fulfillment"]["fulfillmentStatus"] = "PENDING"
        del pending["proceeds"]
        for item in pending["orderItems"]:
            del item["proceeds"]
        self._put(EU_SELLER_ID, pending)
        log = self._sync()
        self.assertFalse(self._sale_order(paid))
        self.assertEqual(log.orders_skipped, 1)
        # Payment clears: Amazon updates the order with its prices.
        paid["lastUpdatedTime"] = iso(fields.Datetime.now() - timedelta(minutes=3))
        self._put(EU_SELLER_ID, paid)
        self._sync()
        self.assertEqual(self._sale_order(paid).state, "sale")

    def test_fba_order_leaves_from_the_fba_location_without_picking(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual((so.state, so.amazon_fulfillment), ("sale", "fba"))
        self.assertFalse(so.picking_ids)
        moves = so.order_line.move_ids
        fba = self.env.company._amazon_fba_location()
        self.assertEqual(moves.mapped("state"), ["done"])
        self.assertEqual(moves.location_id, fba)
        self.assertEqual(moves.location_dest_id.usage, "customer")
        self.assertEqual(so.order_line.qty_delivered, 2)
        self.assertEqual(fba.name, "Amazon FBA")

    def test_fba_goods_leave_when_amazon_ships_them(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="UNSHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(so.order_line.move_ids)
        self._change_on_amazon(order, status="SHIPPED")
        log = self._sync()
        self.assertEqual(log.orders_updated, 1)
        self.assertEqual(so.order_line.qty_delivered, 2)
        self.assertEqual(so.amazon_status, "shipped")

    def test_fba_goods_leave_as_amazon_ships_them_part_by_part(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": 3,
                    "price": 29.97,
                    "tax": 4.79,
                    "shipped": 1,
                }
            ],
            status="PARTIALLY_SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.state, "sale")
        self.assertEqual(so.amazon_status, "partially_shipped")
        self.assertEqual(so.order_line.move_ids.mapped("quantity"), [1])
        self.assertEqual(so.order_line.qty_delivered, 1)
        self._change_on_amazon(order, status="SHIPPED")
        self._sync()
        self.assertEqual(so.order_line.qty_delivered, 3)
        self.assertEqual(sorted(so.order_line.move_ids.mapped("quantity")), [1, 2])

    def test_fbm_order_creates_the_normal_delivery(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        picking = so.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertNotIn(picking.state, ("done", "cancel"))
        self.assertEqual(picking.move_ids.product_uom_qty, 2)

    def test_fbm_order_shipped_before_its_first_import(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="SHIPPED",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.picking_ids.state, "done")
        self.assertTrue(so.amazon_shipped_outside)
        self.assertEqual(so.order_line.qty_delivered, 2)

    def test_cancellation_before_delivery_cancels_the_order(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self._cancel_on_amazon(order)
        self._sync()
        self.assertEqual(so.state, "cancel")
        self.assertEqual(so.picking_ids.state, "cancel")
        self.assertEqual(so.amazon_status, "canceled")

    def test_cancellation_after_delivery_asks_for_a_return(self):
        self.eu_account.responsible_user_id = self.env.user
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        self._cancel_on_amazon(order)
        self._sync()
        self.assertEqual(so.state, "sale")
        self.assertIn("return", so.activity_ids.note)
        self.assertEqual(so.activity_ids.user_id, self.env.user)

    def test_order_cancelled_before_import_is_not_imported(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            status="CANCELLED",
        )
        paid = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order, paid)
        log = self._sync()
        # Both were read; the paid one is imported, the cancelled one is not.
        self.assertEqual((log.orders_created, log.orders_skipped), (1, 1))
        self.assertTrue(self._sale_order(paid))
        self.assertFalse(self._sale_order(order))

    def test_fbm_order_partly_shipped_before_import_with_an_item_on_two_lines(self):
        pen = self.env["product.product"].create(
            {"name": "Pen", "default_code": "PEN-1", "type": "consu", "taxes_id": []}
        )
        # 10.00 for 3 pens cannot be split evenly at 2 decimals: two lines (2 x 3.33,
        # 1 x 3.34). Amazon shipped 2 of the 3 before the import.
        order = make_order(
            self.marketplace_de,
            [{"sku": "PEN-1", "quantity": 3, "price": 10, "shipped": 2}],
            status="PARTIALLY_SHIPPED",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        lines = so.order_line.filtered(lambda line: line.product_id == pen)
        self.assertEqual(len(lines), 2)
        self.assertEqual(sum(lines.mapped("qty_delivered")), 2)
        done = so.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(sum(done.move_ids.mapped("quantity")), 2)
        backorder = so.picking_ids - done
        self.assertEqual(sum(backorder.move_ids.mapped("product_uom_qty")), 1)

    def test_an_order_without_an_amazon_total_is_not_compared(self):
        self.eu_account.responsible_user_id = self.env.user
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        del order["proceeds"]  # Amazon gave no grand total
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertTrue(so)
        self.assertFalse(so.amazon_has_total)
        self.assertEqual(so.amazon_total_difference, 0)
        self.assertFalse(self.eu_account.activity_ids)
        # An order with a total is compared as before.
        with_total = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, with_total)
        self._sync()
        self.assertTrue(self._sale_order(with_total).amazon_has_total)

    def test_amazon_lines_keep_amazon_prices_when_edited(self):
        self.mug.list_price = 55.0  # far from what the buyer paid on Amazon
        order = make_order(
            self.marketplace_de,
            [
                {"sku": "MUG-1", "price": 19.99, "tax": 3.19},
                {"sku": "MUG-1", "price": 9.99, "tax": 1.6},
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        first, second = so.order_line.filtered(lambda line: line.product_id == self.mug)
        prices = (first.price_unit, second.price_unit)
        first.product_uom_qty = 2
        second.product_uom_qty = 0  # as a partial cancellation writes it
        self.assertEqual((first.price_unit, second.price_unit), prices)
        self.assertEqual(first.discount, 0)

    def test_confirming_a_quotation_dates_it_unless_it_is_an_amazon_order(self):
        last_week = fields.Datetime.now() - timedelta(days=7)

        def quotation(**values):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.partner.id,
                    "date_order": last_week,
                    "order_line": [Command.create({"product_id": self.mug.id})],
                    **values,
                }
            )

        plain = quotation()
        plain.action_confirm()
        self.assertGreater(plain.date_order, fields.Datetime.now() - timedelta(hours=1))
        # Confirmed together, each keeps its own rule.
        other = quotation()
        amazon = quotation(amazon_account_id=self.eu_account.id)
        (other | amazon).action_confirm()
        self.assertEqual((other.state, amazon.state), ("sale", "sale"))
        self.assertGreater(other.date_order, fields.Datetime.now() - timedelta(hours=1))
        self.assertEqual(amazon.date_order, last_week)

    def test_buyer_cancellation_request_is_shown_and_warns_before_delivery(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "price": 9,
                    "tax": 1.44,
                    "cancel_request": "Wrong colour",
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertTrue(so.amazon_buyer_cancel_requested)
        self.assertEqual(so.amazon_buyer_cancel_reason, "Wrong colour")
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "amazon.cancel.request.wizard")
        wizard = (
            self.env["amazon.cancel.request.wizard"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("Wrong colour", wizard.message)
        # Cancelling goes through the public action, with its checks: a locked order
        # is not cancelled behind the user's back.
        so.action_lock()
        with self.assertRaisesRegex(UserError, "locked"):
            wizard.action_cancel_orders()
        so.action_unlock()
        wizard.action_cancel_orders()
        self.assertEqual(so.state, "cancel")

    def test_importing_again_updates_and_never_duplicates(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        first = self._sync()
        self.assertEqual(first.orders_created, 1)
        again = (
            self._sync()
        )  # the window overlaps the last one: the order is read again
        self.assertEqual(
            (again.orders_created, again.orders_updated, again.orders_skipped),
            (0, 0, 1),
        )
        self.eu_account.last_orders_sync = fields.Datetime.now() - timedelta(days=3)
        self.eu_account.orders_checkpoint = False
        self._sync()
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("amazon_order_ref", "=", order["orderId"])]
            ),
            1,
        )
