from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .common import (
    EU_REFRESH_TOKEN,
    EU_SELLER_ID,
    AmazonCommon,
)


@tagged("post_install", "-at_install")
class TestAmazonAccount(AmazonCommon):
    def test_saving_an_account_stores_and_activates_the_sellers_marketplaces(self):
        # The sandbox also lists a "Non-Amazon" marketplace, which is not a store.
        expected = self.marketplace_us | self.marketplace_ca | self.marketplace_mx
        self.assertEqual(self.account.available_marketplace_ids, expected)
        self.assertEqual(self.account.active_marketplace_ids, expected)
        account = self._create_account(name="Again", seller_id="AGAIN")
        calls = self.sandbox_state.received("sellers.getMarketplaceParticipations")
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["region"], "NA")
        self.assertEqual(account.active_marketplace_ids, expected)

    def test_european_account(self):
        account = self.env["amazon.account"].create(self._eu_account_values())
        self.assertEqual(
            account.active_marketplace_ids,
            self.marketplace_de | self.marketplace_fr | self.marketplace_uk,
        )

    def _assert_refused(self, message_part, **values):
        count = self.env["amazon.account"].search_count([])
        with self.assertRaises(UserError) as error:
            self._create_account(
                **{"name": "Refused", "seller_id": "AREFUSED", **values}
            )
        self.assertIn(message_part, str(error.exception))
        self.assertEqual(self.env["amazon.account"].search_count([]), count)
        return str(error.exception)

    def test_wrong_client_secret_is_refused_with_what_to_fix(self):
        message = self._assert_refused(
            "LWA client ID or client secret", lwa_client_secret="wrong-secret"
        )
        self.assertIn("View LWA credentials", message)
        self.assertNotIn("wrong-secret", message)

    def test_wrong_client_id_is_refused(self):
        self._assert_refused(
            "LWA client ID or client secret", lwa_client_id="other-app"
        )

    def test_revoked_refresh_token_is_refused_with_what_to_fix(self):
        message = self._assert_refused("refresh token", refresh_token="Atzr|revoked")
        self.assertIn("Authorize the application again", message)

    def test_wrong_region_is_refused_with_what_to_fix(self):
        message = self._assert_refused("denied access", region="EU")
        self.assertIn("Europe region", message)
        self.assertIn("Amazon request ID", message)

    def test_application_without_access_is_refused(self):
        seller = self.sandbox_state.sellers[EU_SELLER_ID]
        seller.denied_operations.add("sellers.getMarketplaceParticipations")
        self.addCleanup(seller.denied_operations.clear)
        with self.assertRaises(UserError) as error:
            self.env["amazon.account"].create(self._eu_account_values())
        self.assertIn("roles the connector needs", str(error.exception))

    def test_unreachable_sandbox_is_reported(self):
        self._assert_refused(
            "could not be reached", local_endpoint="http://127.0.0.1:9"
        )

    def test_missing_credentials_are_named(self):
        self._assert_refused("Refresh Token", refresh_token=False)

    def test_changing_credentials_checks_them_again_and_keeps_the_old_ones(self):
        with self.assertRaises(UserError):
            self.account.refresh_token = "Atzr|revoked"
        self.assertEqual(
            self.account.sudo().refresh_token, self._account_values()["refresh_token"]
        )
        self.account.write({"name": "Renamed"})  # no credential change: no call
        self.assertEqual(self.account.name, "Renamed")

    def test_removed_marketplace_stays_removed_and_new_ones_are_added(self):
        self.account.active_marketplace_ids = [Command.unlink(self.marketplace_mx.id)]
        seller = self.sandbox_state.sellers[self.account.seller_id]
        seller.marketplaces.append(self.marketplace_br.api_ref)
        self.addCleanup(seller.marketplaces.remove, self.marketplace_br.api_ref)

        action = self.account.action_update_available_marketplaces()

        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Amazon.com.br", action["params"]["message"])
        self.assertIn(self.marketplace_br, self.account.available_marketplace_ids)
        self.assertIn(self.marketplace_br, self.account.active_marketplace_ids)
        self.assertNotIn(self.marketplace_mx, self.account.active_marketplace_ids)
        self.assertIn(self.marketplace_mx, self.account.available_marketplace_ids)

        again = self.account.action_update_available_marketplaces()
        self.assertEqual(again["params"]["type"], "info")
        self.assertIn("up to date", again["params"]["message"])

    def test_hand_made_marketplace_is_offered_to_accounts_of_its_region(self):
        self.sandbox_state.add_marketplace(
            {
                "id": "AHANDMADECL01",
                "name": "Amazon.cl",
                "countryCode": "CL",
                "defaultCurrencyCode": "CLP",
                "domainName": "www.amazon.cl",
            }
        )
        seller = self.sandbox_state.sellers[self.account.seller_id]
        seller.marketplaces.append("AHANDMADECL01")
        self.addCleanup(seller.marketplaces.remove, "AHANDMADECL01")

        first = self.account.action_update_available_marketplaces()
        self.assertIn(
            "Odoo does not know: Amazon.cl (AHANDMADECL01)", first["params"]["message"]
        )

        chile = self.env["amazon.marketplace"].create(
            {
                "name": "Amazon.cl",
                "country_id": self.env.ref("base.cl").id,
                "code": "cl",
                "api_ref": " ahandmadecl01 ",
                "region": "NA",
                "currency_id": self.env.ref("base.CLP").id,
                "domain": "www.amazon.cl",
                "tax_included": True,
            }
        )
        self.assertEqual(chile.api_ref, "AHANDMADECL01")
        self.account.action_update_available_marketplaces()
        self.assertIn(chile, self.account.active_marketplace_ids)
        # A European account is not offered it.
        eu = self.env["amazon.account"].create(self._eu_account_values())
        self.assertNotIn(chile, eu.available_marketplace_ids)

    def test_only_available_marketplaces_can_be_synchronized(self):
        with self.assertRaises(ValidationError):
            self.account.active_marketplace_ids = [Command.link(self.marketplace_de.id)]

    def test_default_region_follows_the_company_country(self):
        self.env.company.country_id = self.env.ref("base.de")
        self.assertEqual(self.env["amazon.account"]._default_region(), "EU")
        self.env.company.country_id = self.env.ref("base.jp")
        self.assertEqual(self.env["amazon.account"]._default_region(), "FE")

    def test_offers_stat_button(self):
        offer = self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": " SKU-1 ",
                "product_id": self.product.id,
            }
        )
        self.assertEqual(offer.sku, "SKU-1")
        self.assertEqual(self.account.offer_count, 1)
        action = self.account.action_view_offers()
        self.assertEqual(self.env["amazon.offer"].search(action["domain"]), offer)
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["amazon.offer"].create(
                {
                    "account_id": self.account.id,
                    "sku": "SKU-1",
                    "product_id": self.product.id,
                }
            )

    def test_default_products_exist_and_come_back_when_deleted(self):
        sale = self.env.ref("amazon_connector.default_product_sale")
        shipping = self.env.ref("amazon_connector.default_product_shipping")
        self.assertEqual(sale.name, "Amazon Sale")
        self.assertEqual(shipping.type, "service")
        self.assertEqual(
            self.env["product.product"]._amazon_default_product("sale"), sale
        )

        sale.unlink()
        restored = self.env["product.product"]._amazon_default_product("sale")
        self.assertTrue(restored.exists())
        self.assertEqual(restored.name, "Amazon Sale")
        self.assertEqual(
            self.env.ref("amazon_connector.default_product_sale"), restored
        )

        shipping.unlink()
        action = self.env.ref("amazon_connector.action_amazon_default_products").run()
        products = self.env["product.product"].search(action["domain"])
        self.assertEqual(products.mapped("name"), ["Amazon Sale", "Amazon Shipping"])

    def test_neutralized_database_never_syncs(self):
        eu = self.env["amazon.account"].create(self._eu_account_values())
        with file_open("amazon_connector/data/neutralize.sql") as f:
            self.env.cr.execute(f.read())
        self.env.invalidate_all()
        for account in self.account | eu:
            self.assertFalse(account.active)
            self.assertFalse(account.sudo().refresh_token)
            self.assertFalse(account.sudo().lwa_client_secret)
        self.assertEqual(eu.sudo().refresh_token, False)
        self.assertNotEqual(EU_REFRESH_TOKEN, eu.sudo().refresh_token)
