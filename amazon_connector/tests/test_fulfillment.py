import csv
import io
from datetime import timedelta

from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from amazon_sp.sandbox.control import change_order
from amazon_sp.sandbox.faults import Fault

from .common import (
    DEFAULT_SELLER_ID,
    EU_SELLER_ID,
    AmazonImportCommon,
    make_order,
    time_travel,
)

DE = "A1PA6795UKMFR9"


@tagged("post_install", "-at_install")
class TestAmazonFulfillment(AmazonImportCommon):
    """Deliveries and cancellations go back to Amazon; FBA stock comes from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shipping = cls.env["product.product"].create(
            {"name": "Carrier fee", "type": "service", "list_price": 0.0}
        )

        def carrier(name, **values):
            return cls.env["delivery.carrier"].create(
                {"name": name, "product_id": shipping.id, **values}
            )

        cls.dhl = carrier("DHL Paket", amazon_shipping_method="DHL Paket Standard")
        cls.courier = carrier("Kurier Schmidt")
        cls.vase = cls.env["product.product"].create(
            {
                "name": "Vase",
                "default_code": "VASE-1",
                "type": "consu",
                "is_storable": True,
                "list_price": 20.0,
            }
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        for product in (cls.mug, cls.vase):
            cls.env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 100
            )

    # --- helpers ---

    def _import(self, *items, **kwargs):
        order = make_order(self.marketplace_de, list(items), **kwargs)
        self._put(EU_SELLER_ID, order)
        self._sync()
        return order, self._sale_order(order)

    def _ship(
        self, picking, quantities=None, carrier=None, tracking="", backorder=True
    ):
        """Validate a delivery as a warehouse user does; return what Odoo answered."""
        picking.carrier_id = carrier if carrier is not None else self.dhl
        picking.carrier_tracking_ref = tracking
        for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
            quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.quantity = quantity
            move.picked = True
        action = picking.button_validate()
        if isinstance(action, dict) and action.get("res_model") == (
            "stock.backorder.confirmation"
        ):
            wizard = Form(
                self.env[action["res_model"]].with_context(**action["context"])
            ).save()
            return wizard.process() if backorder else wizard.process_cancel_backorder()
        return action

    def _send(self, account=None):
        (account or self.eu_account)._amazon_send_updates()

    def _confirmations(self):
        """What Amazon accepted (204), oldest first."""
        return [
            request["body"]
            for request in self.sandbox_state.received("ordersV0.confirmShipment")
            if request["status"] == 204
        ]

    def _item_ids(self, order):
        return {
            item["product"]["sellerSku"]: item["orderItemId"]
            for item in order["orderItems"]
        }

    def _amazon_order(self, order):
        return self.sandbox_state.get_order(EU_SELLER_ID, order["orderId"])

    def _feeds(self):
        return list(self.sandbox_state.feeds.values())

    def _feed_rows(self, feed):
        text = feed["input"].decode()
        return list(csv.DictReader(io.StringIO(text), delimiter="\t"))

    def _reimport(self, order):
        """Amazon's order changed: the next synchronization reads it again."""
        self.sandbox_state.update_order(
            EU_SELLER_ID,
            order["orderId"],
            lambda o: None,
            last_updated=fields.Datetime.now() - timedelta(minutes=3),
        )
        return self._sync()

    # --- carriers ---

    def test_carrier_codes_are_guessed_from_the_name_and_editable(self):
        Carrier = self.env["delivery.carrier"]
        product = self.dhl.product_id
        codes = {
            name: Carrier.create(
                {"name": name, "product_id": product.id}
            ).amazon_carrier_code
            for name in (
                "UPS Ground",
                "DHL eCommerce Parcel",
                "Royal Mail 1st Class",
                "Colissimo Expert",
                "Free delivery",
                "Upsilon freight",
            )
        }
        self.assertEqual(
            codes,
            {
                "UPS Ground": "UPS",
                "DHL eCommerce Parcel": "DHL eCommerce",
                "Royal Mail 1st Class": "Royal Mail",
                "Colissimo Expert": "Colissimo",
                "Free delivery": "Other",
                "Upsilon freight": "Other",
            },
        )
        self.assertEqual(self.dhl.amazon_carrier_code, "DHL")
        # The user's choice stays when the carrier is renamed.
        self.courier.amazon_carrier_code = "GLS"
        self.courier.name = "Kurier Schmidt (GLS partner)"
        self.assertEqual(self.courier.amazon_carrier_code, "GLS")

    # --- shipment confirmations ---

    def test_validated_delivery_tells_amazon_carrier_tracking_and_items(self):
        order, so = self._import(
            {"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19},
            {"sku": "VASE-1", "quantity": 1, "price": 20, "tax": 3.19},
        )
        picking = so.picking_ids
        self._ship(picking, tracking="JJD000390007783")
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.amazon_confirmation_state, "to_send")
        self.assertFalse(self._confirmations(), "sent by the scheduled action")

        self._send()

        items = self._item_ids(order)
        (sent,) = self._confirmations()
        self.assertEqual(sent["marketplaceId"], DE)
        detail = sent["packageDetail"]
        self.assertEqual(detail["carrierCode"], "DHL")
        self.assertNotIn("carrierName", detail)
        self.assertEqual(detail["shippingMethod"], "DHL Paket Standard")
        self.assertEqual(detail["trackingNumber"], "JJD000390007783")
        self.assertEqual(
            sorted((i["orderItemId"], i["quantity"]) for i in detail["orderItems"]),
            sorted([(items["MUG-1"], 2), (items["VASE-1"], 1)]),
        )
        self.assertEqual(
            detail["shipDate"], picking.date_done.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        self.assertTrue(picking.amazon_confirmation_date)
        self.assertIn("JJD000390007783", picking.message_ids[0].body)
        self.assertEqual(
            self._amazon_order(order)["fulfillment"]["fulfillmentStatus"], "SHIPPED"
        )

        # Sent once: later runs and the next import leave it alone.
        self._send()
        self._reimport(order)
        self._send()
        self.assertEqual(len(self._confirmations()), 1)
        self.assertEqual(so.amazon_status, "shipped")
        self.assertEqual(picking.amazon_confirmation_state, "sent")

    def test_partial_delivery_then_its_backorder(self):
        order, so = self._import(
            {"sku": "MUG-1", "quantity": 3, "price": 29.97, "tax": 4.79},
        )
        first = so.picking_ids
        self._ship(first, {self.mug: 2}, tracking="TRACK-1")
        backorder = so.picking_ids - first
        self.assertEqual(backorder.move_ids.product_uom_qty, 1)
        self._send()
        amazon = self._amazon_order(order)
        self.assertEqual(
            amazon["fulfillment"]["fulfillmentStatus"], "PARTIALLY_SHIPPED"
        )

        self._ship(backorder, tracking="TRACK-2")
        self._send()
        item = self._item_ids(order)["MUG-1"]
        sent = [c["packageDetail"] for c in self._confirmations()]
        self.assertEqual(
            [(d["trackingNumber"], d["orderItems"]) for d in sent],
            [
                ("TRACK-1", [{"orderItemId": item, "quantity": 2}]),
                ("TRACK-2", [{"orderItemId": item, "quantity": 1}]),
            ],
        )
        self.assertNotEqual(
            sent[0]["packageReferenceId"], sent[1]["packageReferenceId"]
        )
        amazon = self._amazon_order(order)
        self.assertEqual(amazon["fulfillment"]["fulfillmentStatus"], "SHIPPED")
        self.assertEqual(
            (first | backorder).mapped("amazon_confirmation_state"), ["sent", "sent"]
        )

    def _two_boxes(self, tracking):
        """An order of two items, packed in two boxes, with ``tracking`` entered."""
        order, so = self._import(
            {"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19},
            {"sku": "VASE-1", "quantity": 1, "price": 20, "tax": 3.19},
        )
        picking = so.picking_ids
        picking.carrier_id = self.dhl
        box1, box2 = self.env["stock.package"].create([{"name": "B1"}, {"name": "B2"}])
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.move_line_ids.result_package_id = (
                box1 if move.product_id == self.mug else box2
            )
            move.picked = True
        picking.carrier_tracking_ref = tracking
        return order, picking

    def test_several_packages_each_with_its_items_and_tracking(self):
        order, picking = self._two_boxes("TRACK-A, TRACK-B")
        picking.button_validate()
        self._send()
        items = self._item_ids(order)
        sent = sorted(
            (
                d["trackingNumber"],
                [(i["orderItemId"], i["quantity"]) for i in d["orderItems"]],
            )
            for d in (c["packageDetail"] for c in self._confirmations())
        )
        self.assertEqual(
            sent,
            [
                ("TRACK-A", [(items["MUG-1"], 2)]),
                ("TRACK-B", [(items["VASE-1"], 1)]),
            ],
        )
        self.assertIn("2 package(s)", picking.message_ids[0].body)

    def test_the_rest_of_an_order_amazon_partly_shipped_is_confirmed(self):
        order, so = self._import(
            {"sku": "MUG-1", "quantity": 3, "price": 29.97, "tax": 4.79, "shipped": 1},
            status="PARTIALLY_SHIPPED",
        )
        self.assertEqual(so.state, "sale")
        done = so.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(done.move_ids.quantity, 1)
        self.assertEqual(done.amazon_confirmation_state, "shipped_on_amazon")
        self.assertEqual(
            so.order_line.filtered("product_id").mapped("qty_delivered")[0], 1
        )
        backorder = so.picking_ids - done
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self._ship(backorder, tracking="T-REST")
        self._send()
        (sent,) = self._confirmations()
        self.assertEqual(
            [
                (i["orderItemId"], i["quantity"])
                for i in sent["packageDetail"]["orderItems"]
            ],
            [(self._item_ids(order)["MUG-1"], 2)],
        )
        self.assertEqual(backorder.amazon_confirmation_state, "sent")
        self.assertEqual(done.amazon_confirmation_state, "shipped_on_amazon")

    def test_tracking_numbers_must_match_the_packages(self):
        _order, picking = self._two_boxes("TRACK-A, TRACK-B, TRACK-C")
        with self.assertRaisesRegex(
            UserError, r"2 package\(s\) but 3 tracking numbers.*\(B1, B2\)"
        ):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        # One number for the whole delivery is fine: both boxes carry it.
        picking.carrier_tracking_ref = "TRACK-ALL"
        picking.button_validate()
        self._send()
        self.assertEqual(
            [c["packageDetail"]["trackingNumber"] for c in self._confirmations()],
            ["TRACK-ALL", "TRACK-ALL"],
        )

    def test_a_failure_between_two_packages_sends_only_the_second_again(self):
        _order, picking = self._two_boxes("TRACK-A, TRACK-B")
        self.sandbox_state.faults.add(
            Fault("unavailable", "ordersV0.confirmShipment", count=-1, skip=1)
        )
        picking.button_validate()
        with time_travel():
            self._send()
        self.assertEqual(picking.amazon_confirmation_state, "to_send")
        self.assertEqual(len(self._confirmations()), 1)
        self.sandbox_state.faults.clear()
        self._send()
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        sent = [c["packageDetail"] for c in self._confirmations()]
        self.assertEqual([d["trackingNumber"] for d in sent], ["TRACK-A", "TRACK-B"])
        self.assertEqual(len({d["packageReferenceId"] for d in sent}), 2)
        self._send()
        self.assertEqual(len(self._confirmations()), 2, "never sent twice")

    def test_refused_access_holds_every_delivery_and_tells_the_account(self):
        self.eu_account.responsible_user_id = self.env.user
        pickings = self.env["stock.picking"]
        for sku in ("MUG-1", "VASE-1"):
            _order, so = self._import({"sku": sku, "price": 9.99, "tax": 1.6})
            self._ship(so.picking_ids, tracking=f"T-{sku}")
            pickings |= so.picking_ids
        self.sandbox_state.faults.add(
            Fault("forbidden_bare", "ordersV0.confirmShipment", count=-1)
        )
        self._send()
        self._send()
        # Not the deliveries' fault: they wait, with no activity each...
        self.assertEqual(set(pickings.mapped("amazon_confirmation_state")), {"to_send"})
        self.assertFalse(pickings.activity_ids)
        # ...and the account's responsible is told once what to fix.
        activity = self.eu_account.activity_ids.filtered(lambda a: not a.amazon_cause)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("Amazon refuses the connection", activity.summary)
        self.sandbox_state.faults.clear()
        self._send()
        self.assertEqual(set(pickings.mapped("amazon_confirmation_state")), {"sent"})
        self.assertEqual(len(self._confirmations()), 2)

    def test_validating_a_delivery_wakes_the_sending_action(self):
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        cron = self.env.ref("amazon_connector.ir_cron_send_updates")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        self._ship(so.picking_ids, tracking="T-1")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        # The scheduled action's own method sends it.
        self.env["amazon.account"]._cron_send_updates()
        self.assertEqual(so.picking_ids.amazon_confirmation_state, "sent")
        self.assertEqual(len(self._confirmations()), 1)

    def test_an_unknown_carrier_is_sent_as_other_with_its_name(self):
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        self.assertEqual(self.courier.amazon_carrier_code, "Other")
        self._ship(so.picking_ids, carrier=self.courier, tracking="KS-1")
        self._send()
        (sent,) = self._confirmations()
        detail = sent["packageDetail"]
        self.assertEqual(
            (detail["carrierCode"], detail["carrierName"], detail["shippingMethod"]),
            ("Other", "Kurier Schmidt", "Kurier Schmidt"),
        )

    def test_a_delivery_amazon_cannot_be_told_about_is_stopped(self):
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        picking = so.picking_ids
        with self.assertRaisesRegex(UserError, "Add the tracking number"):
            self._ship(picking, tracking="")
        with self.assertRaisesRegex(UserError, "Set the carrier"):
            self._ship(picking, carrier=self.env["delivery.carrier"], tracking="T-1")
        # A product added in Odoo, not on the Amazon order, in the same delivery.
        so.order_line = [Command.create({"product_id": self.vase.id})]
        self.assertIn(self.vase, picking.move_ids.product_id)
        with self.assertRaisesRegex(UserError, "Vase.*not on Amazon order"):
            self._ship(picking, tracking="T-1")
        self.assertNotEqual(picking.state, "done")
        # Shipping it apart works: the Amazon items go, the vase waits.
        self._ship(picking, {self.vase: 0}, tracking="T-1", backorder=True)
        self.assertEqual(picking.state, "done")
        self._send()
        self.assertEqual(len(self._confirmations()), 1)

    def test_throttling_and_outages_wait_for_the_next_run(self):
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        picking = so.picking_ids
        self._ship(picking, tracking="T-1")
        faults = self.sandbox_state.faults
        with time_travel() as frozen:
            faults.add(Fault("throttle", "ordersV0.confirmShipment", count=-1))
            self._send()
            self.assertEqual(picking.amazon_confirmation_state, "to_send")
            faults.clear()
            faults.add(Fault("unavailable", "ordersV0.confirmShipment", count=-1))
            self._send()
            self.assertEqual(picking.amazon_confirmation_state, "to_send")
            self.assertFalse(picking.activity_ids)
            faults.clear()
            frozen.tick(timedelta(minutes=5))  # the next scheduled run
            self._send()
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        refused = self.sandbox_state.received("ordersV0.confirmShipment")
        self.assertEqual(
            {r["status"] for r in refused[:-1]}, {429, 503}, "Amazon was asked"
        )
        self.assertEqual(len(self._confirmations()), 1)

    def test_amazons_refusal_is_shown_with_an_activity_then_retried(self):
        self.eu_account.responsible_user_id = self.env.user
        order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        picking = so.picking_ids
        # Amazon cancelled the order, Odoo does not know yet: Amazon refuses.
        self._change_on_amazon(order, cancelled_by="BUYER", updated=False)
        self._ship(picking, tracking="T-1")
        self._send()
        self.assertEqual(picking.amazon_confirmation_state, "error")
        self.assertIn(picking.name, picking.amazon_confirmation_message)
        self.assertEqual(picking.activity_ids.user_id, self.env.user)
        self.assertIn("Retry", picking.activity_ids.note)
        self._send()
        self.assertFalse(self._confirmations(), "not sent again by itself")

        # The seller sorts it out with Amazon (the order ships again), then retries.
        def reopen(amazon_order):
            change_order(amazon_order, status="UNSHIPPED")
            for item in amazon_order["orderItems"]:
                item.pop("cancellation", None)

        self.sandbox_state.update_order(EU_SELLER_ID, order["orderId"], reopen)
        picking.action_amazon_retry_confirmation()
        self.assertEqual(picking.amazon_confirmation_state, "to_send")
        self._send()
        self.assertEqual(picking.amazon_confirmation_state, "sent")
        self.assertFalse(picking.amazon_confirmation_message)
        self.assertEqual(len(self._confirmations()), 1)

    def test_a_shipment_refused_for_its_content_says_why(self):
        order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        # Amazon cancelled the order, Odoo does not know yet.
        self._change_on_amazon(order, cancelled_by="BUYER", updated=False)
        self._ship(so.picking_ids, tracking="T-1")
        self._send()
        picking = so.picking_ids
        self.assertEqual(picking.amazon_confirmation_state, "error")
        self.assertIn("CANCELLED", picking.amazon_confirmation_message)

    def test_an_order_amazon_already_has_shipped_is_not_sent(self):
        order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        # The merchant confirmed it in Seller Central; the import learns it.
        self._change_on_amazon(order, status="SHIPPED")
        self._sync()
        self.assertEqual(so.amazon_status, "shipped")
        self._ship(so.picking_ids, tracking="T-1")
        self._send()
        self.assertEqual(so.picking_ids.amazon_confirmation_state, "shipped_on_amazon")
        self.assertFalse(self._confirmations())

    def test_fba_orders_returns_and_shipped_imports_are_not_confirmed(self):
        _order, shipped = self._import(
            {"sku": "MUG-1", "price": 9.99, "tax": 1.6}, status="SHIPPED"
        )
        self.assertEqual(shipped.picking_ids.state, "done")
        # Marked as Amazon's own shipment, never queued.
        self.assertEqual(
            shipped.picking_ids.amazon_confirmation_state, "shipped_on_amazon"
        )
        _order, fba = self._import(
            {"sku": "MUG-1", "price": 9.99, "tax": 1.6},
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self.assertFalse(fba.picking_ids, "FBA goods leave without a delivery")
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        self._ship(so.picking_ids, tracking="T-1")
        self._send()
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=so.picking_ids.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = 1
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        returned.move_ids.quantity = 1
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        self.assertFalse(returned.amazon_confirmation_state)
        self._send()
        self.assertEqual(len(self._confirmations()), 1)

    # --- cancellations ---

    def _cancel_wizard(self, so):
        action = so.action_cancel()
        self.assertEqual(action["res_model"], "amazon.order.cancel.wizard")
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def test_cancelling_several_selected_orders_cancels_them_all(self):
        order_a, so_a = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        order_b, so_b = self._import({"sku": "VASE-1", "price": 20, "tax": 3.19})
        local = self.env["sale.order"].create(
            {
                "partner_id": so_a.partner_id.id,
                "order_line": [Command.create({"product_id": self.mug.id})],
            }
        )
        local.action_confirm()
        selected = so_a | so_b | local
        form = self._cancel_wizard(selected)
        self.assertFalse(form.sale_order_id)
        self.assertEqual(form.amazon_order_count, 2)
        form.reason = "BuyerCanceled"
        form.save().action_confirm()
        self.assertEqual(set(selected.mapped("state")), {"cancel"})
        self._send()
        (feed,) = self._feeds()
        self.assertEqual(
            sorted(
                (r["order-id"], r["cancellation-reason-code"])
                for r in self._feed_rows(feed)
            ),
            sorted(
                [
                    (order_a["orderId"], "BuyerCanceled"),
                    (order_b["orderId"], "BuyerCanceled"),
                ]
            ),
        )

    def test_cancelling_an_order_tells_amazon_why(self):
        order, so = self._import(
            {"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19},
            {"sku": "VASE-1", "quantity": 1, "price": 20, "tax": 3.19},
        )
        form = self._cancel_wizard(so)
        self.assertEqual(len(form.line_ids), 2, "every item by default")
        form.reason = "NoInventory"
        form.save().action_confirm()
        self.assertEqual(so.state, "cancel")
        self.assertEqual(so.picking_ids.state, "cancel")
        queued = self.env["amazon.cancellation"].search([("sale_order_id", "=", so.id)])
        self.assertEqual(queued.mapped("state"), ["to_send", "to_send"])

        self._send()

        (feed,) = self._feeds()
        self.assertEqual(feed["feedType"], "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA")
        self.assertEqual(feed["marketplaceIds"], [DE])
        items = self._item_ids(order)
        self.assertEqual(
            sorted(
                (
                    r["order-id"],
                    r["amazon-order-item-code"],
                    r["cancellation-reason-code"],
                )
                for r in self._feed_rows(feed)
            ),
            sorted((order["orderId"], item, "NoInventory") for item in items.values()),
        )
        self.assertEqual(queued.mapped("state"), ["done", "done"])
        self.assertEqual(
            self._amazon_order(order)["fulfillment"]["fulfillmentStatus"], "CANCELLED"
        )
        # The next import sees Amazon's cancellation: nothing is sent back.
        self._reimport(order)
        self._send()
        self.assertEqual(len(self._feeds()), 1)
        self.assertEqual(so.amazon_status, "canceled")
        self.assertEqual(so.state, "cancel")

    def test_cancelling_some_items_keeps_the_rest_of_the_order(self):
        order, so = self._import(
            {
                "sku": "MUG-1",
                "quantity": 2,
                "price": 19.98,
                "tax": 3.19,
                "shipping": 4.99,
                "shipping_tax": 0.8,
            },
            {"sku": "VASE-1", "quantity": 1, "price": 20, "tax": 3.19},
        )
        form = self._cancel_wizard(so)
        vase_line = so.order_line.filtered(lambda line: line.product_id == self.vase)
        form.line_ids.clear()
        form.line_ids.add(vase_line)
        form.reason = "ShippingAddressUndeliverable"
        form.save().action_confirm()
        self.assertEqual(so.state, "sale")
        self.assertEqual(vase_line.product_uom_qty, 0)
        picking = so.picking_ids.filtered(lambda p: p.state != "cancel")
        self.assertEqual(
            picking.move_ids.filtered(lambda m: m.state != "cancel").product_id,
            self.mug,
        )
        self._send()
        (feed,) = self._feeds()
        items = self._item_ids(order)
        self.assertEqual(
            [
                (r["amazon-order-item-code"], r["cancellation-reason-code"])
                for r in self._feed_rows(feed)
            ],
            [(items["VASE-1"], "ShippingAddressUndeliverable")],
        )
        amazon = self._amazon_order(order)
        self.assertEqual(amazon["fulfillment"]["fulfillmentStatus"], "UNSHIPPED")
        # The next import does not bring the vase back; the mug ships as usual.
        self._reimport(order)
        self.assertEqual(vase_line.product_uom_qty, 0)
        self._ship(picking, tracking="T-1")
        self._send()
        (sent,) = self._confirmations()
        self.assertEqual(
            sent["packageDetail"]["orderItems"],
            [{"orderItemId": items["MUG-1"], "quantity": 2}],
        )
        self.assertEqual(
            self._amazon_order(order)["fulfillment"]["fulfillmentStatus"], "SHIPPED"
        )

    def test_orders_amazon_cancelled_are_not_sent_back(self):
        order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        self._change_on_amazon(order, cancelled_by="BUYER")
        self._sync()
        self.assertEqual(so.state, "cancel")
        self._send()
        self.assertFalse(self.env["amazon.cancellation"].search([]))
        self.assertFalse(self._feeds())

    def test_a_buyers_cancellation_request_is_granted_with_its_reason(self):
        _order, so = self._import(
            {"sku": "MUG-1", "price": 9.99, "tax": 1.6, "cancel_request": "Too late"}
        )
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        action = picking.button_validate()
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        wizard.action_cancel_orders()
        self._send()
        (feed,) = self._feeds()
        self.assertEqual(
            [r["cancellation-reason-code"] for r in self._feed_rows(feed)],
            ["BuyerCanceled"],
        )

    def test_amazons_refused_cancellation_is_shown_on_the_order(self):
        self.eu_account.responsible_user_id = self.env.user
        order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        # Shipped from Seller Central meanwhile: Amazon cannot cancel it any more.
        self._change_on_amazon(order, status="SHIPPED", updated=False)
        form = self._cancel_wizard(so)
        form.save().action_confirm()
        self._send()
        cancellation = self.env["amazon.cancellation"].search(
            [("sale_order_id", "=", so.id)]
        )
        self.assertEqual(cancellation.state, "error")
        self.assertIn("already shipped", cancellation.message)
        self.assertIn("already shipped", so.activity_ids.note)
        self.assertEqual(so.activity_ids.user_id, self.env.user)

    def test_cancelling_an_fba_order_does_not_ask_amazon(self):
        _order, so = self._import(
            {"sku": "MUG-1", "price": 9.99, "tax": 1.6}, fulfilled_by="AMAZON"
        )
        result = so.action_cancel()
        self.assertNotEqual(
            (result or {}).get("res_model") if isinstance(result, dict) else None,
            "amazon.order.cancel.wizard",
        )
        self.assertEqual(so.state, "cancel")
        self.assertFalse(self.env["amazon.cancellation"].search([]))

    def test_throttled_cancellations_are_sent_at_the_next_run(self):
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        self._cancel_wizard(so).save().action_confirm()
        faults = self.sandbox_state.faults
        with time_travel() as frozen:
            faults.add(Fault("throttle", "feeds.createFeed", count=-1))
            self._send()
            cancellation = self.env["amazon.cancellation"].search([])
            self.assertEqual(cancellation.state, "to_send")
            faults.clear()
            frozen.tick(timedelta(minutes=5))  # the next scheduled run
            self._send()
        self.assertEqual(cancellation.state, "done")
        self.assertEqual(len(self._feeds()), 1)

    # --- FBA ---

    def test_an_accounts_own_fba_location_receives_its_fba_orders(self):
        location = self.env["stock.location"].create(
            {
                "name": "FBA Germany",
                "usage": "internal",
                "location_id": self.env.company._amazon_fba_location().location_id.id,
            }
        )
        self.eu_account.fba_location_id = location
        _order, so = self._import(
            {"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19},
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self.assertEqual(so.order_line.move_ids.location_id, location)
        self.assertEqual(so.order_line.qty_delivered, 2)

    def _inventory(self, marketplace_id, **by_sku):
        self.sandbox_state.inventory.setdefault(EU_SELLER_ID, {})[marketplace_id] = {
            sku.replace("_", "-"): quantities for sku, quantities in by_sku.items()
        }

    def _fba_quantity(self, product):
        location = self.env.company._amazon_fba_location()
        return sum(
            self.env["stock.quant"]
            .search(
                [("product_id", "=", product.id), ("location_id", "=", location.id)]
            )
            .mapped("quantity")
        )

    def test_fba_inventory_pull_sets_the_fba_quantities(self):
        Offer = self.env["amazon.offer"]
        for product, sku in ((self.mug, "MUG-1"), (self.vase, "VASE-FBA")):
            Offer.create(
                {
                    "account_id": self.eu_account.id,
                    "marketplace_id": self.marketplace_de.id,
                    "product_id": product.id,
                    "sku": sku,
                }
            )
        # DE and FR share one pan-European stock; the UK has its own.
        self._inventory(
            self.marketplace_de.api_ref,
            MUG_1={"fulfillable": 7, "reserved": 2, "unfulfillable": 1, "inbound": 20},
            VASE_FBA={"fulfillable": 4},
        )
        self._inventory(self.marketplace_uk.api_ref, MUG_1={"fulfillable": 3})
        self.eu_account.action_pull_fba_inventory()
        self.assertEqual(self._fba_quantity(self.mug), 13)
        self.assertEqual(self._fba_quantity(self.vase), 4)
        requests = self.sandbox_state.received(
            "fbaInventory.getInventorySummaries", seller_id=EU_SELLER_ID
        )
        self.assertEqual(
            sorted(r["query"]["granularityId"] for r in requests),
            sorted([self.marketplace_de.api_ref, self.marketplace_uk.api_ref]),
        )
        moves = self.env["stock.move"].search(
            [("location_dest_id", "=", self.env.company._amazon_fba_location().id)]
        )
        self.assertEqual(len(moves), 2)
        self.assertIn(
            "Amazon FBA inventory", moves[0].reference or moves[0].origin or ""
        )

        # Amazon sold and received some: the next pull adjusts only what changed.
        self._inventory(
            self.marketplace_de.api_ref,
            MUG_1={"fulfillable": 5, "reserved": 0},
            VASE_FBA={"fulfillable": 4},
        )
        self.env["amazon.account"]._cron_pull_fba_inventory()
        self.assertEqual(self._fba_quantity(self.mug), 8)
        self.assertEqual(self._fba_quantity(self.vase), 4)
        adjustments = self.env["stock.move"].search(
            [
                ("product_id", "in", (self.mug | self.vase).ids),
                ("is_inventory", "=", True),
            ]
        )
        self.assertEqual(len(adjustments), 3)

    def test_one_fba_location_per_country(self):
        self.eu_account.fba_location_per_country = True
        self.env["amazon.offer"].create(
            {
                "account_id": self.eu_account.id,
                "product_id": self.mug.id,
                "sku": "MUG-1",
            }
        )
        self._inventory(self.marketplace_de.api_ref, MUG_1={"fulfillable": 7})
        self._inventory(self.marketplace_uk.api_ref, MUG_1={"fulfillable": 3})
        self.eu_account.action_pull_fba_inventory()
        fba = self.env.company._amazon_fba_location()
        countries = self.env["stock.location"].search([("location_id", "=", fba.id)])
        self.assertEqual(sorted(countries.mapped("amazon_fba_network")), ["EU", "GB"])
        by_network = {
            location.amazon_fba_network: self.env[
                "stock.quant"
            ]._get_available_quantity(self.mug, location, strict=True)
            for location in countries
        }
        self.assertEqual(by_network, {"EU": 7, "GB": 3})
        self.assertEqual(self._fba_quantity(self.mug), 0, "nothing above them")
        # FBA orders leave from their country's location.
        uk_location = countries.filtered(lambda loc: loc.amazon_fba_network == "GB")
        uk_order = make_order(
            self.marketplace_uk,
            [{"sku": "MUG-1", "price": 9, "tax": 1.50}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, uk_order)
        self._sync()
        so = self._sale_order(uk_order)
        self.assertEqual(so.order_line.move_ids.location_id, uk_location)
        _order, de_so = self._import(
            {"sku": "MUG-1", "price": 9, "tax": 1.44},
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self.assertEqual(de_so.order_line.move_ids.location_id, countries - uk_location)

    def test_accounts_sharing_the_fba_location_add_up(self):
        Offer = self.env["amazon.offer"]
        Offer.create(
            {
                "account_id": self.eu_account.id,
                "product_id": self.mug.id,
                "sku": "MUG-1",
            }
        )
        Offer.create(
            {"account_id": self.account.id, "product_id": self.mug.id, "sku": "MUG-US"}
        )
        self._inventory(self.marketplace_de.api_ref, MUG_1={"fulfillable": 7})
        self.sandbox_state.inventory[DEFAULT_SELLER_ID] = {
            self.marketplace_us.api_ref: {"MUG-US": {"fulfillable": 5}}
        }
        # Pulling one account reads the other one keeping its stock there too.
        self.eu_account.action_pull_fba_inventory()
        self.assertEqual(self._fba_quantity(self.mug), 12)
        self.env["amazon.account"]._cron_pull_fba_inventory()
        self.assertEqual(self._fba_quantity(self.mug), 12)
        # When Amazon cannot be read, the location stays as it was.
        self.sandbox_state.inventory[DEFAULT_SELLER_ID][self.marketplace_us.api_ref] = {
            "MUG-US": {"fulfillable": 1}
        }
        self.sandbox_state.faults.add(
            Fault("forbidden_bare", "fbaInventory.getInventorySummaries", count=-1)
        )
        with self.assertRaisesRegex(UserError, "denied access to seller"):
            self.eu_account.action_pull_fba_inventory()
        self.env["amazon.account"]._cron_pull_fba_inventory()
        self.assertEqual(self._fba_quantity(self.mug), 12)

    def test_fba_inventory_pull_can_be_turned_off(self):
        self.account.fba_inventory_sync = False
        self.env["amazon.account"]._cron_pull_fba_inventory()
        # The account that still pulls was read; the one turned off was not.
        calls = self.sandbox_state.received("fbaInventory.getInventorySummaries")
        self.assertTrue(calls)
        self.assertEqual({call["seller_id"] for call in calls}, {EU_SELLER_ID})
        self.sandbox_state.clear_received()
        self.eu_account.fba_inventory_sync = False
        self.env["amazon.account"]._cron_pull_fba_inventory()
        self.assertFalse(
            self.sandbox_state.received("fbaInventory.getInventorySummaries")
        )

    def test_an_fba_pull_amazon_refuses_tells_the_responsible_user(self):
        self.eu_account.responsible_user_id = self.env.user
        self.account.fba_inventory_sync = False
        self.sandbox_state.faults.add(
            Fault("forbidden_bare", "fbaInventory.getInventorySummaries", count=-1)
        )
        self.env["amazon.account"]._cron_pull_fba_inventory()
        self.env["amazon.account"]._cron_pull_fba_inventory()
        activity = self.eu_account.activity_ids.filtered(lambda a: not a.amazon_cause)
        self.assertEqual(len(activity), 1)  # once, not once per run
        self.assertIn("denied access", activity.note)
        self.assertEqual(activity.user_id, self.env.user)

    def test_one_fba_location_per_network_even_when_two_runs_create_it(self):
        self.eu_account.fba_location_per_country = True
        location = self.eu_account._amazon_fba_location(self.marketplace_de)
        self.assertEqual(location.amazon_fba_network, "EU")
        self.assertEqual(
            self.eu_account._amazon_fba_location(self.marketplace_fr), location
        )
        # What a second worker creating it at the same moment would do: refused.
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            with self.env.cr.savepoint():
                self.env["stock.location"].create(
                    {
                        "name": "EU",
                        "location_id": location.location_id.id,
                        "usage": "internal",
                        "amazon_fba_network": "EU",
                    }
                )

    def test_amazons_words_are_shown_as_text(self):
        self.eu_account.responsible_user_id = self.env.user
        _order, so = self._import({"sku": "MUG-1", "price": 9.99, "tax": 1.6})
        cancellation = self.env["amazon.cancellation"].create(
            {
                "account_id": self.eu_account.id,
                "sale_order_id": so.id,
                "amazon_order_ref": so.amazon_order_ref,
                "amazon_item_ref": so.order_line[0].amazon_item_ref,
                "reason": "NoInventory",
            }
        )
        cancellation._amazon_refused('Order <b>shipped</b> <a href="x">here</a>')
        note = so.activity_ids.note
        self.assertIn("&lt;b&gt;shipped&lt;/b&gt;", note)
        self.assertNotIn("<b>", note)
        self.assertNotIn("<a ", note)
        self.eu_account._amazon_notify_problem("Denied: <i>role</i> missing")
        self.assertIn("&lt;i&gt;role&lt;/i&gt;", self.eu_account.activity_ids.note)
