"""The setup check of an Amazon account: what Odoo lacks for the orders to match
Amazon's, each fixed by its button; the same check before the first import."""

import copy

from odoo import Command, fields
from odoo.tests import Form, tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID, Seller

from .common import AmazonCommon, make_order


@tagged("post_install", "-at_install")
class TestAmazonSetupCheck(AmazonCommon):
    """The sandbox's North American seller (Amazon.com, .ca, .com.mx), as a newcomer
    registers it: CAD and MXN inactive, no Mexican tax, untaxed default products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.us")
        cls.cad = cls.env.ref("base.CAD")
        cls.mxn = cls.env.ref("base.MXN")
        (cls.cad | cls.mxn).rate_ids.unlink()
        (cls.cad | cls.mxn).active = False
        cls.defaults = cls.env["product.product"]._amazon_ensure_default_products()
        cls.defaults.taxes_id = False
        cls.env["account.tax"].search(
            [("country_id", "=", cls.env.ref("base.mx").id)]
        ).active = False
        cls.new = cls.account
        # A second seller of the same application, for a second account.
        base = cls.sandbox_state.sellers[DEFAULT_SELLER_ID]
        cls.sandbox_state.add_seller(
            Seller(
                seller_id="ASECONDSELLER",
                region="NA",
                marketplaces=list(base.marketplaces),
                refresh_tokens={"Atzr|sandbox-second-refresh-token"},
                client_id=base.client_id,
            )
        )
        cls._sellers = copy.deepcopy(cls.sandbox_state.sellers)

    def setUp(self):
        super().setUp()
        # What the check reads changed since the account was created.
        self.new.invalidate_recordset()

    def test_a_new_north_american_account_gets_its_tax_remitted_by_amazon(self):
        position = self.new.facilitator_fiscal_position_id
        self.assertEqual(position.name, "Tax Remitted by Amazon")
        self.assertEqual(position.company_id, self.new.company_id)
        self.assertFalse(position.auto_apply)
        # Without taxes, it removes every sales tax of the orders it applies to.
        tax = self.env["account.tax"].create({"name": "Sales tax 8%", "amount": 8})
        self.assertFalse(position.map_tax(tax))
        self.assertFalse(self.new.setup_needs_facilitator)
        # Another North American account of the company shares it.
        second = self._create_account(
            name="Second",
            seller_id="ASECONDSELLER",
            refresh_token="Atzr|sandbox-second-refresh-token",
        )
        self.assertEqual(second.facilitator_fiscal_position_id, position)
        # A European account has none: Amazon remits no tax there that Odoo charges.
        europe = self.env["amazon.account"].create(self._eu_account_values())
        self.assertFalse(europe.facilitator_fiscal_position_id)
        self.assertFalse(europe.setup_needs_facilitator)

    def test_the_check_lists_what_is_missing_and_its_buttons_fix_it(self):
        account = self.new
        self.assertEqual(account.setup_inactive_currency_ids, self.cad | self.mxn)
        self.assertEqual(account.setup_untaxed_country_ids, self.env.ref("base.mx"))
        self.assertEqual(account.setup_untaxed_product_ids, self.defaults)
        self.assertTrue(account.setup_needs_fba_warehouse)
        self.assertEqual(account.setup_issue_count, 4)

        account.action_amazon_activate_currencies()
        self.assertTrue(self.cad.active and self.mxn.active)
        account.invalidate_recordset()
        self.assertFalse(account.setup_inactive_currency_ids)
        # Active, but without a rate: counted at 1 USD each.
        self.assertEqual(account.setup_unrated_currency_ids, self.cad | self.mxn)
        action = account.action_amazon_open_currencies()
        self.assertEqual(
            self.env["res.currency"]
            .with_context(active_test=False)
            .search(action["domain"]),
            self.cad | self.mxn,
        )
        self.env["res.currency.rate"].create(
            [
                {"currency_id": self.cad.id, "company_rate": 1.36},
                {"currency_id": self.mxn.id, "company_rate": 17.0},
            ]
        )
        account.invalidate_recordset()
        self.assertFalse(account.setup_unrated_currency_ids)

        action = account.action_amazon_create_tax()
        self.assertEqual(action["res_model"], "amazon.setup.tax.wizard")
        domestic = self.env["account.tax"].create(
            {"name": "Sales tax 15%", "amount": 15, "type_tax_use": "sale"}
        )
        with Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ) as wizard:
            self.assertEqual(wizard.country_id, self.env.ref("base.mx"))
            self.assertIn(domestic, wizard.replaced_tax_ids)
            wizard.amount = 16
            self.assertEqual(wizard.name, "VAT 16% (MX)")
        wizard.record.action_create()
        tax = self.env["account.tax"].search([("name", "=", "VAT 16% (MX)")])
        self.assertEqual(tax.country_id, self.env.ref("base.mx"))
        self.assertEqual(tax.type_tax_use, "sale")
        self.assertTrue(tax.price_include)
        position = tax.fiscal_position_ids
        self.assertEqual(position.country_id, self.env.ref("base.mx"))
        self.assertTrue(position.auto_apply)
        self.assertEqual(position.map_tax(domestic), tax)
        account.invalidate_recordset()
        self.assertFalse(account.setup_untaxed_country_ids)

        action = account.action_amazon_open_default_products()
        self.assertEqual(
            self.env["product.product"].search(action["domain"]), self.defaults
        )
        self.defaults.taxes_id = [Command.set(domestic.ids)]
        account.invalidate_recordset()
        self.assertFalse(account.setup_untaxed_product_ids)

        account.action_amazon_create_fba_warehouse()
        account.invalidate_recordset()
        self.assertFalse(account.setup_needs_fba_warehouse)
        self.assertEqual(account.setup_issue_count, 0)
        location = account._amazon_fba_location()
        self.assertEqual(location.warehouse_id.name, "Amazon FBA")

        # Now a Mexican order has Amazon's tax and total, to the cent.
        order = make_order(
            self.marketplace_mx,
            [{"sku": "NO-SUCH-SKU", "price": 580, "tax": 80, "shipping": 0}],
            address={
                "name": "José López",
                "addressLine1": "Calle Mayor 1",
                "city": "Guadalajara",
                "stateOrRegion": "JAL",
                "postalCode": "44100",
                "countryCode": "MX",
            },
        )
        self.sandbox_state.put_orders(DEFAULT_SELLER_ID, [order])
        account.with_context(amazon_setup_seen=True).action_sync_orders()
        so = self.env["sale.order"].search([("origin", "=", order["orderId"])])
        self.assertEqual(so.fiscal_position_id, position)
        self.assertEqual(so.order_line.tax_ids, tax)
        self.assertAlmostEqual(so.amount_total, 580, places=2)
        self.assertAlmostEqual(so.amount_tax, 80, places=2)
        self.assertFalse(so.amazon_tax_difference)
        self.assertFalse(so.amazon_total_difference)

    def test_without_its_fiscal_position_a_north_american_account_is_told(self):
        self.new.facilitator_fiscal_position_id = False
        self.assertTrue(self.new.setup_needs_facilitator)
        self.new.action_amazon_create_facilitator_fiscal_position()
        self.assertEqual(
            self.new.facilitator_fiscal_position_id,
            self.account.facilitator_fiscal_position_id,
        )  # found again, not created twice
        self.assertFalse(self.new.setup_needs_facilitator)

    def test_a_fiscal_position_with_taxes_for_the_country_is_a_sales_tax(self):
        mx = self.env.ref("base.mx")
        # A fiscal position of Mexico (foreign VAT, OSS...) that maps a tax.
        iva = self.env["account.tax"].create({"name": "IVA 16%", "amount": 16})
        position = self.env["account.fiscal.position"].create(
            {"name": "Mexico", "country_id": mx.id}
        )
        self.assertIn(mx, self.new.setup_untaxed_country_ids)  # it maps no tax yet
        position.tax_ids = iva
        self.new.invalidate_recordset()
        self.assertNotIn(mx, self.new.setup_untaxed_country_ids)
        # Or a tax of the country itself.
        position.tax_ids = False
        self.new.invalidate_recordset()
        self.assertIn(mx, self.new.setup_untaxed_country_ids)
        iva.country_id = mx
        self.new.invalidate_recordset()
        self.assertNotIn(mx, self.new.setup_untaxed_country_ids)

    def test_an_fba_location_in_use_moves_into_the_fba_warehouse(self):
        location = self.env.company._amazon_fba_location()
        self.assertFalse(location.warehouse_id)
        product = self.env["product.product"].create(
            {"name": "Stored", "type": "consu", "is_storable": True}
        )
        self.env["stock.quant"]._update_available_quantity(product, location, 5)
        first = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.new.action_amazon_create_fba_warehouse()
        self.assertEqual(location.warehouse_id.name, "Amazon FBA")
        self.assertEqual(location.quant_ids.quantity, 5)
        self.assertEqual(self.env.company._amazon_fba_location(), location)
        # The deliveries you ship still leave from your own warehouse.
        self.assertEqual(
            self.env["stock.warehouse"].search(
                [("company_id", "=", self.env.company.id)], limit=1
            ),
            first,
        )

    def test_an_account_without_fba_is_not_asked_for_an_fba_warehouse(self):
        self.new.fba_inventory_sync = False
        self.assertFalse(self.new.setup_needs_fba_warehouse)

    def test_sync_orders_before_the_first_import_says_what_will_go_wrong(self):
        order = make_order(self.marketplace_us, [{"sku": "X", "price": 10}])
        self.sandbox_state.put_orders(self.new.seller_id, [order])
        action = self.new.action_sync_orders()
        self.assertEqual(action["res_model"], "amazon.first.import.wizard")
        message = action["context"]["default_setup_message"]
        for words in (
            "CAD, MXN are not active",
            "no sales tax for Mexico",
            "Amazon Sale, Amazon Shipping have no tax",
            "No warehouse holds the FBA stock",
        ):
            self.assertIn(words, message)
        self.assertFalse(
            self.env["sale.order"].search([("origin", "=", order["orderId"])])
        )
        wizard = (
            self.env["amazon.first.import.wizard"]
            .with_context(**action["context"])
            .create({})
        )
        result = wizard.action_import()
        self.assertEqual(result["tag"], "display_notification")
        self.assertTrue(
            self.env["sale.order"].search([("origin", "=", order["orderId"])])
        )
        # Once an import ran, Sync orders imports at once.
        again = self.new.action_sync_orders()
        self.assertEqual(again["tag"], "display_notification")

    def test_a_ready_account_imports_at_once(self):
        self.new.fba_inventory_sync = False
        self.new.active_marketplace_ids = self.marketplace_us
        self.assertEqual(self.new.setup_issue_count, 0)
        action = self.new.action_sync_orders()
        self.assertEqual(action["tag"], "display_notification")

    def test_the_first_scheduled_import_tells_the_responsible_once(self):
        self.new.responsible_user_id = self.env.user
        self.env["amazon.account"].search([("id", "!=", self.new.id)]).active = False
        for _run in range(2):
            self.env["amazon.account"]._cron_import_orders()
        activity = self.new.activity_ids.filtered(lambda a: a.amazon_cause == "setup")
        self.assertEqual(len(activity), 1)
        self.assertIn("finish its setup", activity.summary)
        self.assertIn("no sales tax for Mexico", activity.note)
        self.assertEqual(activity.user_id, self.env.user)
        # Fixed: the next run marks it done.
        self.new.active_marketplace_ids = self.marketplace_us
        self.new.fba_inventory_sync = False
        self.env["amazon.account"]._cron_import_orders()
        self.assertFalse(
            self.new.activity_ids.filtered(lambda a: a.amazon_cause == "setup")
        )
        self.assertFalse(activity.active)

    def test_a_new_account_form_opens_without_a_server_warning(self):
        with self.assertNoLogs("odoo.domains", "WARNING"):
            form = Form(self.env["amazon.account"])
            form.name = "Draft"
            self.assertFalse(form.last_sync_log_id)

    def test_the_first_import_is_over_once_one_ran(self):
        self.assertTrue(self.new._amazon_is_first_import())
        self.env["amazon.sync.log"].create(
            {
                "account_id": self.new.id,
                "trigger": "cron",
                "status": "done",
                "date_start": fields.Datetime.now(),
            }
        )
        self.assertFalse(self.new._amazon_is_first_import())
