"""Invoicing with Germany's chart of accounts (l10n_de, SKR03): a German seller's
Amazon.de orders with German VAT, and a French business buyer's order under the
intra-community reverse charge, as Odoo's fiscal position rules give it."""

from odoo.tests import tagged

from .common import EU_SELLER_ID, make_order
from .test_invoicing import AmazonInvoicingCommon


@tagged("post_install", "-at_install")
class TestAmazonInvoicingGermany(AmazonInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        cls.company_de = cls.env["res.company"].create(
            {
                "name": "Versand GmbH",
                "country_id": cls.env.ref("base.de").id,
                "currency_id": eur.id,
                "vat": "DE123456788",
            }
        )
        cls.env.user.company_ids |= cls.company_de
        cls.env["account.chart.template"].try_loading(
            "de_skr03", cls.company_de, install_demo=False
        )
        Chart = cls.env["account.chart.template"].with_company(cls.company_de)
        cls.de_vat19 = Chart.ref("tax_ust_19_skr03")
        cls.de_eu_b2b = Chart.ref("tax_eu_sale_skr03")
        cls.mug.taxes_id |= cls.de_vat19
        cls.de_account = (
            cls.env["amazon.account"]
            .with_company(cls.company_de)
            .create(
                cls._eu_account_values(name="Versand DE", company_id=cls.company_de.id)
            )
        )

    def _sync_de(self):
        return self._sync(self.de_account)

    def test_german_vat_invoice_has_amazons_total_and_taxes(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 3, "price": 59.97, "tax": 9.58}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync_de()
        so = self._sale_order(order, self.de_account)
        invoice = self._invoices(so)
        self.assertEqual(invoice.company_id, self.company_de)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.journal_id.type, "sale")
        self.assertEqual(invoice.amount_total, 59.97)
        self.assertEqual(invoice.amount_tax, 9.58)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.de_vat19)
        # Booked on the chart's revenue account, with its VAT account.
        account = invoice.invoice_line_ids.account_id.with_company(self.company_de)
        self.assertTrue(account.code.startswith("8"), account.code)

    def test_business_buyer_in_france_gets_the_reverse_charge(self):
        order = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "quantity": 2, "price": 33.60, "tax": 0}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            buyer={
                "buyerName": "Claire Martin",
                "buyerCompanyName": "Martin SARL",
                "buyerEmail": "b2b@marketplace.amazon.fr",
            },
            address={
                "name": "Martin SARL",
                "addressLine1": "1 rue de la Paix",
                "city": "Paris",
                "postalCode": "75002",
                "countryCode": "FR",
                "addressType": "COMMERCIAL",
            },
            programs=["AMAZON_BUSINESS"],
            tax_registration="FR23334175221",
        )
        self._put(EU_SELLER_ID, order)
        self._sync_de()
        so = self._sale_order(order, self.de_account)
        invoice = self._invoices(so)
        self.assertEqual(invoice.partner_id.vat, "FR23334175221")
        self.assertEqual(
            invoice.fiscal_position_id,
            self.env["account.chart.template"]
            .with_company(self.company_de)
            .ref("fiscal_position_eu_vat_id_partner_skr03"),
        )
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.de_eu_b2b)
        self.assertEqual(invoice.amount_tax, 0.0)
        self.assertEqual(invoice.amount_total, 33.60)
        self.assertEqual(invoice.amount_total, so.amazon_order_total)
