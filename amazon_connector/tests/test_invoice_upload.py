from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from .common import EU_SELLER_ID, make_order
from .test_invoicing import AmazonInvoicingCommon


@tagged("post_install", "-at_install")
class TestAmazonInvoiceUpload(AmazonInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eu_account.invoice_upload_marketplace_ids = cls.marketplace_de
        # Amazon compares the VAT too: the shipping is taxed as Amazon taxes it.
        shipping = cls.env["product.product"]._amazon_default_product("shipping")
        shipping.taxes_id = cls.vat19

    def _shipped_order(self, marketplace=None, **values):
        order = make_order(
            marketplace or self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 39.98, "tax": 6.38,
              "shipping": 4.99, "shipping_tax": 0.80}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            **values,
        )  # fmt: skip
        self._put(EU_SELLER_ID, order)
        self._sync()
        return order, self._sale_order(order, self.eu_account)

    def _uploads(self):
        return [
            feed
            for feed in self.sandbox_state.feeds.values()
            if feed["feedType"] == "UPLOAD_VAT_INVOICE"
        ]

    def test_posted_invoice_is_uploaded_as_its_pdf_with_amazons_metadata(self):
        order, so = self._shipped_order()
        invoice = self._invoices(so)
        self.assertEqual(invoice.amazon_upload_state, "to_upload")
        self.assertEqual(so.amazon_upload_state, "to_upload")
        self.assertTrue(self.eu_account._amazon_upload_invoices())
        self.assertEqual(
            invoice.amazon_upload_state, "uploaded", invoice.amazon_upload_message
        )
        self.assertEqual(so.amazon_upload_state, "uploaded")
        (feed,) = self._uploads()
        self.assertTrue(feed["input"].startswith(b"%PDF"))
        self.assertEqual(feed["marketplaceIds"], [self.marketplace_de.api_ref])
        self.assertEqual(
            feed["options"],
            {
                "metadata:orderid": order["orderId"],
                "metadata:invoicenumber": invoice.name,
                "metadata:documenttype": "Invoice",
                "metadata:totalamount": "44.97",
                "metadata:totalvatamount": f"{invoice.amount_tax:.2f}",
            },
        )
        # Nothing is uploaded twice.
        self.eu_account._amazon_upload_invoices()
        self.assertEqual(len(self._uploads()), 1)

    def test_credit_note_is_uploaded_as_a_credit_note(self):
        order, so = self._shipped_order()
        self.eu_account._amazon_upload_invoices()
        credit = so._amazon_create_credit_note(
            {
                "ref": "amzn:crow:1",
                "date": fields.Date.today(),
                "items": [
                    {
                        "sku": "MUG-1",
                        "quantity": 1,
                        "principal": Decimal("16.80"),
                        "tax": Decimal("3.19"),
                        "shipping": 0,
                        "shipping_tax": 0,
                    },
                ],
            }  # fmt: skip
        )
        self.assertEqual(credit.amazon_upload_state, "to_upload")
        self.eu_account._amazon_upload_invoices()
        self.assertEqual(credit.amazon_upload_state, "uploaded")
        options = self._uploads()[-1]["options"]
        self.assertEqual(options["metadata:documenttype"], "CreditNote")
        self.assertEqual(options["metadata:totalamount"], "19.99")
        self.assertEqual(options["metadata:transactionid"], "amzn:crow:1")

    def test_other_marketplaces_are_not_uploaded(self):
        _order, so = self._shipped_order(self.marketplace_fr)
        self.assertFalse(self._invoices(so).amazon_upload_state)

    def test_refused_upload_shows_why_gives_an_activity_and_is_retried(self):
        order, so = self._shipped_order()
        invoice = self._invoices(so)
        # Amazon's figures differ from the invoice's.
        stored = self.sandbox_state.get_order(EU_SELLER_ID, order["orderId"])
        stored["proceeds"]["grandTotal"]["amount"] = "40.00"
        self.eu_account._amazon_upload_invoices()
        self.assertEqual(invoice.amazon_upload_state, "refused")
        self.assertIn("do not match", invoice.amazon_upload_message)
        activity = self.eu_account.activity_ids.filtered(
            lambda a: a.amazon_cause == "invoices_upload_refused"
        )
        self.assertEqual(len(activity), 1)
        self.assertIn(invoice.name, activity.note)
        stored["proceeds"]["grandTotal"]["amount"] = "44.97"
        invoice.action_amazon_retry_upload()
        self.assertEqual(invoice.amazon_upload_state, "to_upload")
        self.eu_account._amazon_upload_invoices()
        self.assertEqual(invoice.amazon_upload_state, "uploaded")
        self.assertEqual(len(self._uploads()), 2)
        self.assertFalse(
            self.eu_account.activity_ids.filtered(
                lambda a: a.amazon_cause == "invoices_upload_refused"
            )
        )

    def test_scheduled_action_posts_and_uploads(self):
        self.eu_account.invoice_policy = "manual"
        _order, so = self._shipped_order()
        self.assertFalse(so.invoice_ids)
        self.eu_account.invoice_policy = "on_shipment"
        self.env["amazon.account"]._cron_post_invoices()
        self.assertEqual(self._invoices(so).amazon_upload_state, "uploaded")
