"""Order import: the customers of Amazon orders and their fiscal positions."""

from pathlib import Path

from odoo import Command
from odoo.tests import tagged

from amazon_sp.sandbox import Seller

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
@tagged("post_install", "-at_install")
class TestAmazonImportCustomers(AmazonImportCommon):
    # --- customers ---

    def test_one_contact_per_buyer_reused_and_never_overwritten(self):
        buyer = {
            "buyerName": "Zoë Lefèvre",
            "buyerEmail": "zoe123@marketplace.amazon.fr",
        }
        home = {
            "name": "Zoë Lefèvre",
            "addressLine1": "12 rue de l'Église",
            "city": "Lyon",
            "postalCode": "69001",
            "countryCode": "FR",
        }
        office = {**home, "addressLine1": "3 quai Perrache", "postalCode": "69002"}
        first = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer=buyer,
            address=home,
        )
        second = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer=buyer,
            address=home,
        )
        third = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer=buyer,
            address=office,
        )
        self._put(EU_SELLER_ID, first, second)
        self._sync()
        so1, so2 = self._sale_order(first), self._sale_order(second)
        self.assertEqual(so1.partner_id, so2.partner_id)
        customer = so1.partner_id
        self.assertEqual(customer.name, "Zoë Lefèvre")
        self.assertEqual(customer.email, "zoe123@marketplace.amazon.fr")
        self.assertEqual(so1.partner_shipping_id, customer)  # its own address
        customer.phone = "+33 4 00 00 00 00"  # the merchant edits the contact
        self._put(EU_SELLER_ID, third)
        self._sync()
        so3 = self._sale_order(third)
        self.assertEqual(so3.partner_id, customer)
        self.assertEqual(customer.street, "12 rue de l'Église")  # never overwritten
        self.assertEqual(customer.phone, "+33 4 00 00 00 00")
        delivery = so3.partner_shipping_id
        self.assertEqual(
            (delivery.parent_id, delivery.type, delivery.street),
            (customer, "delivery", "3 quai Perrache"),
        )
        fourth = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer=buyer,
            address=office,
        )
        self._put(EU_SELLER_ID, fourth)
        self._sync()
        self.assertEqual(
            self._sale_order(fourth).partner_shipping_id, delivery
        )  # reused

    def test_same_name_and_zip_are_not_the_same_buyer(self):
        a = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer={
                "buyerName": "Anna Schmidt",
                "buyerEmail": "a1@marketplace.amazon.de",
            },
        )
        b = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer={
                "buyerName": "Anna Schmidt",
                "buyerEmail": "b2@marketplace.amazon.de",
            },
        )
        self._put(EU_SELLER_ID, a, b)
        self._sync()
        self.assertNotEqual(
            self._sale_order(a).partner_id, self._sale_order(b).partner_id
        )

    def test_business_order_creates_a_company_with_its_vat(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            buyer={
                "buyerName": "Anna Schmidt",
                "buyerCompanyName": "Schmidt GmbH",
                "buyerPurchaseOrderNumber": "PO-4711",
                "buyerEmail": "b@marketplace.amazon.de",
            },
            programs=["AMAZON_BUSINESS"],
            tax_registration="DE123456789",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertTrue(so.partner_id.is_company)
        self.assertEqual(so.partner_id.name, "Schmidt GmbH")
        self.assertEqual(so.partner_id.vat, "DE123456789")
        self.assertEqual(so.amazon_purchase_order, "PO-4711")
        self.assertTrue(so.amazon_is_business)

    def test_without_buyer_data_one_anonymous_customer_per_marketplace(self):
        self.sandbox_state.sellers[EU_SELLER_ID].pii_allowed = False
        self.addCleanup(
            setattr, self.sandbox_state.sellers[EU_SELLER_ID], "pii_allowed", True
        )
        berlin = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            address={
                "city": "Berlin",
                "stateOrRegion": "BE",
                "postalCode": "10115",
                "countryCode": "DE",
            },
        )
        munich = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            address={
                "city": "München",
                "stateOrRegion": "BY",
                "postalCode": "80331",
                "countryCode": "DE",
            },
        )
        self._put(EU_SELLER_ID, berlin, munich)
        log = self._sync()
        self.assertIn("Direct-to-Consumer Shipping", log.message)
        so1, so2 = self._sale_order(berlin), self._sale_order(munich)
        self.assertEqual(so1.partner_id, so2.partner_id)
        self.assertEqual(so1.partner_id.name, "Amazon Customers (Amazon.de)")
        self.assertEqual(
            so2.partner_shipping_id.state_id, self.env.ref("base.state_de_by")
        )
        self.assertEqual(so1.partner_shipping_id.country_id, self.env.ref("base.de"))
        self.assertNotEqual(so1.partner_shipping_id, so2.partner_shipping_id)
        self.assertFalse(so1.partner_id.email)

    def test_anonymous_customers_are_one_per_account_and_marketplace(self):
        seller = self.sandbox_state.sellers[EU_SELLER_ID]
        seller.pii_allowed = False
        self.addCleanup(setattr, seller, "pii_allowed", True)
        self.sandbox_state.add_seller(
            Seller(
                "AEUSECONDSELLER",
                "EU",
                [self.marketplace_de.api_ref],
                {"Atzr|second-eu"},
                seller.client_id,
                pii_allowed=False,
            )
        )
        second = self.env["amazon.account"].create(
            self._eu_account_values(
                name="Second EU",
                seller_id="AEUSECONDSELLER",
                refresh_token="Atzr|second-eu",
            )
        )
        de_1, de_2 = (
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(2)
        )
        uk = make_order(self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.5}])
        other = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, de_1, de_2, uk)
        self._put("AEUSECONDSELLER", other)
        self._sync()
        self._sync(second)
        customers = {
            ref: self._sale_order(order, account).partner_id
            for ref, order, account in (
                ("de_1", de_1, self.eu_account),
                ("de_2", de_2, self.eu_account),
                ("uk", uk, self.eu_account),
                ("other", other, second),
            )
        }
        self.assertEqual(customers["de_1"], customers["de_2"])
        self.assertEqual(customers["uk"].name, "Amazon Customers (Amazon.co.uk)")
        self.assertNotEqual(customers["uk"], customers["de_1"])
        self.assertEqual(customers["other"].name, "Amazon Customers (Amazon.de)")
        self.assertNotEqual(customers["other"], customers["de_1"])

    def test_unknown_state_schedules_an_activity_where_states_matter(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            address={
                "name": "Max",
                "addressLine1": "Weg 1",
                "city": "Nowhere",
                "stateOrRegion": "Atlantis",
                "postalCode": "99999",
                "countryCode": "DE",
            },
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(so.partner_shipping_id.state_id)
        # German addresses need no state: no one is bothered...
        self.assertFalse(self.eu_account.activity_ids)
        # ...unless a fiscal position of the company depends on German states.
        self.env["account.fiscal.position"].create(
            {
                "name": "Bavaria",
                "country_id": self.env.ref("base.de").id,
                "state_ids": [Command.set(self.env.ref("base.state_de_by").ids)],
            }
        )
        again = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            address=dict(order["recipient"]["deliveryAddress"]),
        )
        self._put(EU_SELLER_ID, again)
        self._sync()
        activity = self.eu_account.activity_ids
        self.assertEqual(activity.amazon_cause, "orders_unknown_state")
        self.assertIn("state", activity.note)
        self.assertIn(self._sale_order(again).name, activity.note)

    def test_fiscal_position_comes_from_odoos_rules(self):
        france = self.env["account.fiscal.position"].create(
            {
                "name": "France (OSS)",
                "auto_apply": True,
                "country_id": self.env.ref("base.fr").id,
            }
        )
        french_vat = self.env["account.tax"].create(
            {
                "name": "FR VAT 20% incl.",
                "amount": 20.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "original_tax_ids": [Command.link(self.vat19.id)],
                "fiscal_position_ids": [Command.link(france.id)],
            }
        )
        order = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "price": 12, "tax": 1.92}],
            address={
                "name": "Gaël",
                "addressLine1": "1 rue",
                "city": "Paris",
                "postalCode": "75011",
                "countryCode": "FR",
            },
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.fiscal_position_id, france)
        self.assertEqual(so.order_line.tax_ids, french_vat)
        self.assertAlmostEqual(so.amount_total, 12.0, places=2)
        self.assertAlmostEqual(so.amount_tax, 2.0, places=2)
