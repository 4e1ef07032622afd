"""The invoice date of an Amazon order: when its goods left."""

from datetime import datetime, timedelta, timezone

from odoo import fields
from odoo.tests import tagged

from .common import EU_SELLER_ID, make_order
from .test_invoicing import AmazonInvoicingCommon


@tagged("post_install", "-at_install")
class TestAmazonInvoiceDates(AmazonInvoicingCommon):
    def test_an_fba_order_amazon_shipped_days_ago_is_invoiced_at_that_date(self):
        three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            created=three_days_ago - timedelta(hours=2),
            updated=three_days_ago,
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        invoice = self._invoices(self._sale_order(order))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(
            invoice.invoice_date,
            fields.Date.context_today(invoice, three_days_ago.replace(tzinfo=None)),
        )

    def test_an_fbm_order_is_invoiced_at_its_delivery(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 1, "price": 19.99, "tax": 3.19}],
            status="UNSHIPPED",
            created=datetime.now(timezone.utc) - timedelta(days=3, hours=2),
            updated=datetime.now(timezone.utc) - timedelta(days=3),
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self._validate(so.picking_ids)
        self.assertEqual(self._invoices(so).invoice_date, fields.Date.today())
