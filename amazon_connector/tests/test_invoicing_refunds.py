"""Credit notes of Amazon refunds that settlements book: an SKU sold twice in one
order, and gift wrap refunded with its item."""

from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EU_SELLER_ID, make_order
from .test_invoicing import AmazonInvoicingCommon


@tagged("post_install", "-at_install")
class TestAmazonRefundCreditNotes(AmazonInvoicingCommon):
    def _shipped_fba(self, items):
        order = make_order(
            self.marketplace_de, items, status="SHIPPED", fulfilled_by="AMAZON"
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(self._invoices(so).state, "posted")
        return so

    def _refund(self, so, ref, **item):
        amounts = {key: Decimal(value) for key, value in item.items() if key != "qty"}
        return so._amazon_create_credit_note(
            {
                "ref": ref,
                "date": fields.Date.today(),
                "items": [{"sku": "MUG-1", "quantity": item.get("qty", 0), **amounts}],
            }
        )

    def test_an_sku_sold_twice_in_one_order_is_refunded_in_full(self):
        so = self._shipped_fba(
            [
                {"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19},
                {"sku": "MUG-1", "quantity": 2, "price": 37.98, "tax": 6.06},
            ]
        )
        self.assertEqual(len(so._amazon_item_lines()), 2)
        self.assertEqual(self._invoices(so).amount_total, 57.97)
        # All three units back: Amazon's refund names the SKU, not the line.
        credit = self._refund(so, "ADJ-ALL", qty=3, principal="48.72", tax="9.25")
        self.assertEqual(credit.state, "posted")
        self.assertEqual(credit.amount_total, 57.97)
        self.assertEqual(credit.amount_tax, 9.25)
        self.assertEqual(sorted(credit.invoice_line_ids.mapped("quantity")), [1, 2])
        self.assertEqual(credit.invoice_line_ids.sale_line_ids, so._amazon_item_lines())
        # Nothing is left to credit on either line.
        with self.assertRaisesRegex(UserError, "beyond what was invoiced"):
            self._refund(so, "ADJ-MORE", qty=1, principal="16.80", tax="3.19")

    def test_a_price_adjustment_of_an_sku_sold_twice_is_shared_by_its_lines(self):
        so = self._shipped_fba(
            [
                {"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19},
                {"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19},
            ]
        )
        # A goodwill refund of 30.00, no unit returned: more than one line holds.
        credit = self._refund(so, "ADJ-1", principal="25.21", tax="4.79")
        self.assertEqual(credit.amount_total, 30.00)
        self.assertEqual(credit.amount_tax, 4.79)
        self.assertEqual(credit.invoice_line_ids.sale_line_ids, so._amazon_item_lines())
        # 9.98 is left to credit: 10.00 more is refused.
        with self.assertRaisesRegex(UserError, "beyond what was invoiced"):
            self._refund(so, "ADJ-2", principal="8.40", tax="1.60")

    def test_gift_wrap_is_credited_on_its_own_line(self):
        so = self._shipped_fba(
            [
                {"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19,
                 "gift_wrap": 2.99, "gift_wrap_tax": 0.48},
            ]
        )  # fmt: skip
        wrap = so.order_line.filtered(lambda line: line.amazon_line_kind == "gift_wrap")
        self.assertTrue(wrap)
        self.assertEqual(self._invoices(so).amount_total, 22.98)
        credit = self._refund(
            so,
            "ADJ-GIFT",
            qty=1,
            principal="16.80",
            tax="3.19",
            gift_wrap="2.51",
            gift_wrap_tax="0.48",
        )
        self.assertEqual(credit.amount_total, 22.98)
        # The credit note mirrors the invoice, its taxes included.
        self.assertEqual(credit.amount_tax, self._invoices(so).amount_tax)
        self.assertIn(wrap, credit.invoice_line_ids.sale_line_ids)
