from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EU_SELLER_ID, AmazonImportCommon, make_order


class AmazonInvoicingCommon(AmazonImportCommon):
    def _invoices(self, so):
        return so.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def _refunds(self, so):
        return self.env["account.move"].search(
            [("amazon_sale_order_id", "=", so.id), ("move_type", "=", "out_refund")]
        )

    def _validate(self, picking, quantities=None):
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(
                move.product_id, move.product_uom_qty
            )
        picking.move_ids.picked = True
        picking.carrier_tracking_ref = "1Z999"
        picking.carrier_id = self.env["delivery.carrier"].search([], limit=1)
        return picking.with_context(
            skip_backorder=True, cancel_backorder=False, skip_sms=True
        )._action_done()


@tagged("post_install", "-at_install")
class TestAmazonInvoicing(AmazonInvoicingCommon):
    def test_new_account_posts_invoices_on_shipment(self):
        self.assertEqual(self.eu_account.invoice_policy, "on_shipment")

    def test_fba_order_shipped_at_import_is_invoiced_with_amazon_total(self):
        order = make_order(
            self.marketplace_de,
            [
                {"sku": "MUG-1", "quantity": 3, "price": 59.97, "tax": 9.58,
                 "shipping": 4.99, "shipping_tax": 0.80},
            ],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )  # fmt: skip
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        invoice = self._invoices(so)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.ref, order["orderId"])
        self.assertEqual(invoice.amazon_order_ref, order["orderId"])
        self.assertEqual(invoice.partner_id, so.partner_invoice_id)
        self.assertEqual(invoice.fiscal_position_id, so.fiscal_position_id)
        self.assertEqual(invoice.invoice_date, fields.Date.today())
        self.assertEqual(
            invoice.invoice_payment_term_id,
            self.env.ref("account.account_payment_term_immediate"),
        )
        self.assertEqual(invoice.currency_id.name, "EUR")
        self.assertEqual(invoice.amount_total, 64.96)
        self.assertEqual(invoice.amount_total, so.amazon_order_total)
        self.assertTrue(so.amazon_fully_invoiced)
        # Never twice.
        self.assertEqual(so._amazon_invoice_now(), invoice)
        self.assertEqual(len(self._invoices(so)), 1)

    def test_unshipped_order_waits_partial_shipment_invoices_what_shipped(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 3, "price": 59.99, "tax": 9.58,
              "shipping": 5.00, "shipping_tax": 0.80}],
            status="UNSHIPPED",
        )  # fmt: skip
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(self._invoices(so))
        picking = so.picking_ids
        self._validate(picking, {self.mug: 1})
        first = self._invoices(so)
        self.assertEqual(len(first), 1)
        self.assertEqual(first.state, "posted")
        # One mug of three (a third of the base and of the tax) and the shipping.
        self.assertEqual(first.amount_total, 19.99 + 5.0)
        backorder = so.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        self._validate(backorder)
        invoices = self._invoices(so)
        self.assertEqual(len(invoices), 2)
        self.assertAlmostEqual(sum(invoices.mapped("amount_total")), 64.99, places=2)
        self.assertEqual(
            so.currency_id.round(sum(invoices.mapped("amount_total"))),
            so.amazon_order_total,
        )
        self.assertEqual(
            so.currency_id.round(sum(invoices.mapped("amount_tax"))),
            so.amount_tax,
        )

    def test_credit_note_of_a_refund(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 39.98, "tax": 6.38,
              "shipping": 4.99, "shipping_tax": 0.80}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )  # fmt: skip
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        invoice = self._invoices(so)
        values = {
            "ref": "ADJ-1",
            "date": fields.Date.today(),
            "items": [
                {"sku": "MUG-1", "quantity": 1, "principal": Decimal("16.80"),
                 "tax": Decimal("3.19"), "shipping": Decimal("0"),
                 "shipping_tax": Decimal("0")},
            ],
        }  # fmt: skip
        credit = so._amazon_create_credit_note(values)
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_total, 19.99)
        self.assertEqual(credit.amount_tax, 3.19)
        self.assertEqual(credit.reversed_entry_id, invoice)
        self.assertEqual(credit.ref, order["orderId"])
        self.assertIn(credit, so.invoice_ids)
        self.assertEqual(so._amazon_create_credit_note(values), credit)
        too_much = dict(values, ref="ADJ-2")
        too_much["items"] = [dict(values["items"][0], quantity=2)]
        with self.assertRaisesRegex(UserError, "beyond what was invoiced"):
            so._amazon_create_credit_note(too_much)
