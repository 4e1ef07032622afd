from decimal import Decimal
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import EU_SELLER_ID, AmazonImportCommon, make_order


class AmazonInvoicingCommon(AmazonImportCommon):
    def _invoices(self, so):
        return so.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def _refunds(self, so):
        return self.env["account.move"].search(
            [("amazon_sale_order_id", "=", so.id), ("move_type", "=", "out_refund")]
        )

    def _failed_count(self, account):
        account.invalidate_recordset(["invoice_failed_count"])
        return account.invoice_failed_count

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

    def test_fba_order_shipped_at_a_later_update_is_invoiced_then(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19}],
            status="UNSHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(self._invoices(so))
        self._change_on_amazon(order, status="SHIPPED")
        self._sync()
        invoice = self._invoices(so)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 19.99)

    def test_cancelled_order_is_never_invoiced(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19}],
            status="UNSHIPPED",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self._change_on_amazon(order, cancelled_by="BUYER")
        self._sync()
        self.assertEqual(so.state, "cancel")
        self.assertFalse(so._amazon_invoice_now())
        self.env["amazon.account"]._cron_post_invoices()
        self.assertFalse(so.invoice_ids)

    def test_manual_policy_invoices_nothing(self):
        self.eu_account.invoice_policy = "manual"
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        self.env["amazon.account"]._cron_post_invoices()
        self.assertFalse(self._sale_order(order).invoice_ids)

    def test_us_tax_exclusive_order_invoice_has_amazons_total(self):
        order = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "quantity": 3, "price": 89.97, "tax": 9.22}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        invoice = self._invoices(so)
        self.assertEqual(invoice.currency_id.name, "USD")
        self.assertEqual(invoice.amount_total, so.amount_total)
        self.assertEqual(invoice.amount_total, so.amazon_expected_total)
        self.assertEqual(invoice.amount_untaxed, so.amount_untaxed)

    def test_facilitator_order_invoices_what_the_buyer_paid_less_amazons_tax(self):
        no_tax = self.env["account.fiscal.position"].create(
            {"name": "Tax remitted by Amazon"}
        )
        self.account.facilitator_fiscal_position_id = no_tax
        order = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 3.08, "facilitator": True}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        invoice = self._invoices(so)
        self.assertEqual(invoice.fiscal_position_id, no_tax)
        self.assertEqual(invoice.amount_total, 30.00)
        self.assertEqual(invoice.amount_tax, 0.0)

    def test_total_beyond_tolerance_is_listed_then_invoiced_once_fixed(self):
        self.mug.taxes_id = False  # a tax missing in Odoo on a tax-exclusive market
        order = make_order(
            self.marketplace_us,
            [{"sku": "MUG-1", "price": 10.00, "tax": 1.03}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        self.assertFalse(so.invoice_ids)
        self.assertTrue(so.amazon_invoice_failed)
        self.assertIn("differs from Amazon's", so.amazon_invoice_error)
        self.assertIn("-1.03", so.amazon_invoice_error)
        self.assertEqual(self._failed_count(self.account), 1)
        activity = self.account.activity_ids.filtered(
            lambda a: a.amazon_cause == "invoices_failed"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(so.name, activity.note)
        # The accountant adds the tax on the line: the next run invoices it.
        so.order_line.tax_ids = self.us_tax
        self.env["amazon.account"]._cron_post_invoices()
        self.assertEqual(self._invoices(so).amount_total, 11.03)
        self.assertFalse(so.amazon_invoice_failed)
        self.assertEqual(self._failed_count(self.account), 0)
        self.assertFalse(
            self.account.activity_ids.filtered(
                lambda a: a.amazon_cause == "invoices_failed"
            )
        )

    def test_lock_date_failure_is_listed_and_retried(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        other = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9.99, "tax": 1.60}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self.env.company.sale_lock_date = fields.Date.today()
        self._put(EU_SELLER_ID, order, other)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(so.invoice_ids)
        self.assertTrue(so.amazon_invoice_failed)
        self.assertIn("lock", so.amazon_invoice_error.lower())
        self.assertEqual(self._failed_count(self.eu_account), 2)
        self.env.company.sale_lock_date = False
        self.env["amazon.account"]._cron_post_invoices()
        self.assertEqual(self._invoices(so).state, "posted")
        self.assertEqual(self._invoices(self._sale_order(other)).amount_total, 9.99)
        self.assertEqual(self._failed_count(self.eu_account), 0)

    def test_one_bad_order_does_not_stop_the_batch(self):
        good = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 3.08}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        bad = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 9.99}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(DEFAULT_SELLER_ID, good, bad)
        self._sync(self.account)
        self.assertEqual(
            self._invoices(self._sale_order(good, self.account)).state, "posted"
        )
        self.assertTrue(self._sale_order(bad, self.account).amazon_invoice_failed)

    def test_the_database_refuses_a_second_invoice_of_a_shipment(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self.eu_account.invoice_policy = "manual"
        self._sync()
        so = self._sale_order(order)
        # A second worker that saw the same state prepared the same invoice.
        quantities = so._amazon_quantities_to_invoice()
        vals = so._amazon_prepare_invoice_vals(quantities)
        so._amazon_invoice_now()
        self.assertEqual(len(self._invoices(so)), 1)
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.env["account.move"].create(vals)
        self.assertEqual(len(self._invoices(so)), 1)

    def test_refund_action_books_a_seller_central_refund(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 39.98, "tax": 6.38}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        action = so.action_amazon_refund()
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        self.assertEqual(wizard_form.amount_total, 39.98)
        wizard_form.refund_ref = "SC-REFUND-1"
        with wizard_form.line_ids.edit(0) as line:
            self.assertEqual(line.sku, "MUG-1")
            self.assertEqual(line.invoiced_quantity, 2)
            line.quantity = 1
        self.assertEqual(wizard_form.amount_total, 19.99)
        result = wizard_form.save().action_refund()
        credit = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_total, 19.99)
        self.assertEqual(credit.reversed_entry_id, self._invoices(so))
        # What is left to refund is what the wizard offers next.
        wizard_form = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        )
        self.assertEqual(wizard_form.amount_total, 19.99)

    def test_an_order_another_worker_is_invoicing_is_left_to_it(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self.eu_account.invoice_policy = "manual"
        self._sync()
        so = self._sale_order(order)
        SaleOrder = type(self.env["sale.order"])
        # Another worker holds the order's row: this one skips it...
        with patch.object(
            SaleOrder, "try_lock_for_update", lambda records, **kw: records.browse()
        ):
            self.assertFalse(so._amazon_invoice_now())
            with self.assertRaisesRegex(UserError, "Another run"):
                so._amazon_invoice_now(raise_errors=True)
        self.assertFalse(so.invoice_ids)
        self.assertFalse(so.amazon_invoice_failed)
        # ...and the next run invoices it, once.
        self.eu_account.invoice_policy = "on_shipment"
        self.env["amazon.account"]._cron_post_invoices()
        self.env["amazon.account"]._cron_post_invoices()
        self.assertEqual(len(self._invoices(so)), 1)

    def test_a_warehouse_worker_validating_a_delivery_invoices_it(self):
        worker = new_test_user(
            self.env, login="worker", groups="base.group_user,stock.group_stock_user"
        )
        good = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 3.08}],
            status="UNSHIPPED",
        )
        self.mug.taxes_id = False  # Odoo misses the tax Amazon charged
        bad = make_order(
            self.marketplace_us,
            [{"sku": "MUG-1", "price": 10.00, "tax": 1.03}],
            status="UNSHIPPED",
        )
        self._put(DEFAULT_SELLER_ID, good, bad)
        self._sync(self.account)
        for order in (good, bad):
            so = self._sale_order(order, self.account)
            self._validate(so.picking_ids.with_user(worker))
        self.assertEqual(
            self._invoices(self._sale_order(good, self.account)).state, "posted"
        )
        bad_so = self._sale_order(bad, self.account)
        self.assertFalse(bad_so.invoice_ids)
        self.assertTrue(bad_so.amazon_invoice_failed)
