import copy
import json
from datetime import timedelta
from pathlib import Path

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from amazon_sp.sandbox import DEFAULT_SELLER_ID, Seller
from amazon_sp.sandbox.faults import Fault

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    iso,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
class TestAmazonImport(AmazonImportCommon):
    # --- triggers ---

    def test_a_new_account_starts_seven_days_back_by_default(self):
        account = self.env["amazon.account"].create(
            self._account_values(name="Third NA", seller_id="ANOTHERSELLER")
        )
        self.assertAlmostEqual(
            account.first_import_date,
            fields.Datetime.now() - timedelta(days=7),
            delta=timedelta(minutes=1),
        )

    def test_new_account_starts_at_its_first_import_date(self):
        account = self.env["amazon.account"].create(
            self._account_values(
                name="Second NA",
                seller_id="ANOTHERSELLER",
                first_import_date=fields.Datetime.now() - timedelta(days=2),
            )
        )
        old = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30, "tax": 3.08}],
            updated=fields.Datetime.now().replace(tzinfo=None) - timedelta(days=5),
            created=fields.Datetime.now() - timedelta(days=5),
        )
        old["lastUpdatedTime"] = old["createdTime"]
        recent = make_order(
            self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
        )
        self._put(DEFAULT_SELLER_ID, old, recent)
        account._amazon_sync_orders("manual", 600)
        refs = set(
            self.env["sale.order"]
            .search([("amazon_account_id", "=", account.id)])
            .mapped("amazon_order_ref")
        )
        self.assertEqual(refs, {recent["orderId"]})

    def test_scheduled_action_is_active_only_while_an_account_is(self):
        cron = self.env.ref("amazon_connector.ir_cron_import_orders")
        self.assertTrue(cron.active)
        self.env["amazon.account"].search([]).action_archive()
        self.assertFalse(cron.active)
        self.account.action_unarchive()
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_number, 15)
        self.assertEqual(cron.interval_type, "minutes")

    def test_scheduled_action_imports_every_active_account(self):
        eu = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
        )
        us = make_order(
            self.marketplace_us, [{"sku": "LAMP-1", "price": 30, "tax": 3.08}]
        )
        self._put(EU_SELLER_ID, eu)
        self._put(DEFAULT_SELLER_ID, us)
        self.env["amazon.account"]._cron_import_orders()
        self.assertTrue(self._sale_order(eu))
        self.assertTrue(self._sale_order(us, self.account))
        self.assertEqual(self.eu_account.last_sync_log_id.trigger, "cron")

    def test_sync_orders_button_notifies_what_it_did(self):
        self._put(
            EU_SELLER_ID,
            make_order(
                self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
            ),
        )
        action = self.eu_account.with_context(
            amazon_setup_seen=True
        ).action_sync_orders()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("New orders imported: 1.", action["params"]["message"])

    # --- one order, one sales order ---

    def test_order_fields_customer_reference_dates_and_team(self):
        team = self.env["crm.team"].create({"name": "Amazon EU"})
        self.eu_account.write({"user_id": self.env.user.id, "team_id": team.id})
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 39.98, "tax": 6.38}],
            created=fields.Datetime.now() - timedelta(days=1),
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.client_order_ref, order["orderId"])
        self.assertEqual(so.origin, order["orderId"])
        self.assertEqual(so.amazon_marketplace_id, self.marketplace_de)
        self.assertEqual(so.amazon_fulfillment, "fbm")
        self.assertEqual(so.currency_id.name, "EUR")
        self.assertEqual(so.pricelist_id.currency_id.name, "EUR")
        self.assertEqual(so.company_id, self.eu_account.company_id)
        self.assertEqual(so.user_id, self.env.user)
        self.assertEqual(so.team_id, team)
        self.assertEqual(
            fields.Datetime.to_string(so.date_order),
            order["createdTime"].replace("T", " ")[:19],
        )
        self.assertEqual(so.state, "sale")
        self.assertEqual(so.amazon_order_total, 39.98)

    def test_an_order_is_unique_per_account(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 19.99, "tax": 3.19}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            so.copy(
                {
                    "amazon_account_id": self.eu_account.id,
                    "amazon_order_ref": so.amazon_order_ref,
                }
            )

    # --- lines, products, offers ---

    def test_gift_wrap_without_its_product_and_discounts_match_amazon(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "price": 19.99,
                    "tax": 2.87,
                    "promotion": 2.00,
                    "promotion_tax": 0.32,
                    "shipping": 4.99,
                    "shipping_tax": 0.32,
                    "shipping_discount": 2.99,
                    "shipping_discount_tax": 0.48,
                    "gift_wrap": 2.99,
                    "gift_wrap_tax": 0.48,
                    "gift_wrap_level": "NoSuchWrap",
                },
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        by_kind = {line.amazon_line_kind: line for line in so.order_line}
        # No product has the gift-wrap level as internal reference: "Amazon Sale".
        self.assertEqual(
            by_kind["gift_wrap"].product_id,
            self.env.ref("amazon_connector.default_product_sale"),
        )
        # Promotion and shipping discount reduce their own lines (prices with tax).
        self.assertAlmostEqual(by_kind["item"].price_total, 17.99, places=2)
        self.assertAlmostEqual(by_kind["shipping"].price_total, 2.00, places=2)
        self.assertAlmostEqual(by_kind["gift_wrap"].price_total, 2.99, places=2)
        self.assertAlmostEqual(so.amount_total, 22.98, places=2)
        self.assertAlmostEqual(so.amount_total, so.amazon_order_total, places=2)

    def test_three_lines_per_item_with_their_products(self):
        standard = self.env["product.product"].create(
            {
                "name": "Standard shipping",
                "type": "service",
                "default_code": "STANDARD",
                "taxes_id": [Command.set(self.vat19.ids)],
            }
        )
        classic = self.env["product.product"].create(
            {
                "name": "Gift wrap",
                "type": "service",
                "default_code": "Classic",
                "taxes_id": [Command.set(self.vat19.ids)],
            }
        )
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "price": 19.99,
                    "tax": 3.19,
                    "shipping": 4.99,
                    "shipping_tax": 0.80,
                    "gift_wrap": 2.99,
                    "gift_wrap_tax": 0.48,
                    "gift_wrap_level": "Classic",
                    "gift_message": "Alles Gute! 🎁",
                },
                {
                    "sku": "UNKNOWN-SKU",
                    "price": 10.00,
                    "tax": 1.60,
                    "title": "Mystery box",
                },
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        lines = so.order_line
        self.assertEqual(
            [(line.amazon_line_kind, line.product_id) for line in lines],
            [
                ("item", self.mug),
                ("shipping", standard),
                ("gift_wrap", classic),
                ("item", self.env.ref("amazon_connector.default_product_sale")),
            ],
        )
        default_line = lines[3]
        self.assertIn("Mystery box", default_line.name)
        self.assertIn("UNKNOWN-SKU", default_line.name)
        self.assertEqual(so.amazon_gift_message, "Alles Gute! 🎁")
        # The SKU matched the mug's internal reference: the pairing became an offer.
        offer = self.env["amazon.offer"].search(
            [("account_id", "=", self.eu_account.id), ("sku", "=", "MUG-1")]
        )
        self.assertEqual(offer.product_id, self.mug)
        self.assertEqual(offer.marketplace_id, self.marketplace_de)
        self.assertFalse(
            self.env["amazon.offer"].search([("sku", "=", "UNKNOWN-SKU")])
        )  # the default product pairs nothing
        # Shipping and gift wrap are charges, not goods: only the items are delivered.
        self.assertEqual(
            sorted(so.picking_ids.move_ids.product_id.mapped("name")),
            sorted(["Mug", "Amazon Sale"]),
        )
        self.assertEqual(
            so.amount_total, float(order["proceeds"]["grandTotal"]["amount"])
        )

    def test_default_shipping_product_without_a_matching_service_level(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 19.99, "tax": 3.19, "shipping": 3.0}],
            service_level="NEXT_DAY",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        shipping = self._sale_order(order).order_line.filtered(
            lambda line: line.amazon_line_kind == "shipping"
        )
        self.assertEqual(
            shipping.product_id,
            self.env.ref("amazon_connector.default_product_shipping"),
        )
        self.assertIn("NEXT_DAY", shipping.name)

    def test_forced_pairing_and_a_later_product_taking_over(self):
        first = make_order(
            self.marketplace_de, [{"sku": "NEW-SKU", "price": 12, "tax": 1.92}]
        )
        self._put(EU_SELLER_ID, first)
        self._sync()
        self.assertEqual(
            self._sale_order(first).order_line.product_id,
            self.env.ref("amazon_connector.default_product_sale"),
        )
        # The merchant creates the product with that SKU: the next order uses it.
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "default_code": "NEW-SKU", "type": "consu"}
        )
        second = make_order(
            self.marketplace_de, [{"sku": "NEW-SKU", "price": 12, "tax": 1.92}]
        )
        self._put(EU_SELLER_ID, second)
        self._sync()
        self.assertEqual(self._sale_order(second).order_line.product_id, kettle)
        # The merchant pairs the SKU with another product by editing the offer.
        offer = self.env["amazon.offer"].search([("sku", "=", "NEW-SKU")])
        offer.product_id = self.mug
        third = make_order(
            self.marketplace_de, [{"sku": "NEW-SKU", "price": 12, "tax": 1.92}]
        )
        self._put(EU_SELLER_ID, third)
        self._sync()
        self.assertEqual(self._sale_order(third).order_line.product_id, self.mug)

    def test_item_condition_is_noted_on_the_line(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "price": 9.99,
                    "tax": 1.60,
                    "condition": "USED",
                    "condition_subtype": "VERY_GOOD",
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        line = self._sale_order(order).order_line
        self.assertEqual(line.amazon_condition, "used")
        self.assertIn("Condition: Used - very good", line.name)

    # --- taxes and totals ---

    def test_tax_included_eu_order_matches_amazon_to_the_cent(self):
        self.env["product.product"].create(
            {
                "name": "Standard shipping",
                "type": "service",
                "default_code": "STANDARD",
                "taxes_id": [Command.set(self.vat19.ids)],
            }
        )
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": 2,
                    "price": 39.98,
                    "tax": 6.38,
                    "shipping": 4.99,
                    "shipping_tax": 0.80,
                    "promotion": 2.00,
                    "promotion_tax": 0.32,
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        item, shipping = so.order_line
        # 2 units for 37.98 with taxes: 31.92 + 6.06 VAT, as Amazon computes it.
        self.assertAlmostEqual(item.price_total, 37.98, places=2)
        self.assertAlmostEqual(item.price_tax, 6.06, places=2)
        self.assertAlmostEqual(item.amazon_tax_amount, 6.06, places=2)
        self.assertAlmostEqual(shipping.price_total, 4.99, places=2)
        self.assertAlmostEqual(so.amount_total, 42.97, places=2)
        self.assertAlmostEqual(so.amount_total, so.amazon_order_total, places=2)
        self.assertAlmostEqual(so.amount_tax, so.amazon_tax_total, places=2)
        self.assertAlmostEqual(so.amazon_total_difference, 0, places=2)
        self.assertFalse(self.eu_account.activity_ids)  # nothing to check
        # The amounts survive a recomputation and reach the invoice.
        so.order_line._compute_amount()
        self.assertAlmostEqual(so.amount_total, 42.97, places=2)
        so.picking_ids.move_ids.quantity = 2
        so.picking_ids.move_ids.picked = True
        so.picking_ids._action_done()
        invoice = so.invoice_ids  # posted when the delivery is validated
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(invoice.amount_total, 42.97, places=2)
        self.assertAlmostEqual(invoice.amount_tax, 6.86, places=2)

    def test_tax_included_price_with_a_tax_included_in_price(self):
        self.mug.taxes_id = self.vat19_included
        order = make_order(
            self.marketplace_fr,
            [{"sku": "MUG-1", "quantity": 3, "price": 10.00, "tax": 1.60}],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        line = self._sale_order(order).order_line
        self.assertAlmostEqual(line.price_total, 10.00, places=2)  # 3 x 3.333...
        self.assertAlmostEqual(line.price_tax, 1.60, places=2)

    def test_tax_exclusive_us_order_matches_amazon_to_the_cent(self):
        order = make_order(
            self.marketplace_us,
            [
                {
                    "sku": "LAMP-1",
                    "quantity": 3,
                    "price": 59.97,
                    "tax": 6.15,
                    "promotion": 6.00,
                    "promotion_tax": 0.62,
                    "shipping": 5.99,
                }
            ],
            service_level="EXPEDITED",
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        item = so.order_line.filtered(lambda line: line.amazon_line_kind == "item")
        self.assertAlmostEqual(
            item.price_unit, 17.99, places=2
        )  # net, after the promotion
        self.assertAlmostEqual(item.price_tax, 5.53, places=2)
        self.assertAlmostEqual(so.amount_total, 65.49, places=2)
        self.assertAlmostEqual(so.amount_total, so.amazon_order_total, places=2)

    def test_marketplace_facilitator_tax_follows_the_account_setting(self):
        # A fiscal position without taxes maps every tax to none.
        no_tax = self.env["account.fiscal.position"].create(
            {"name": "Tax remitted by Amazon"}
        )
        self.account.facilitator_fiscal_position_id = no_tax
        order = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 3.08, "facilitator": True}],
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        so = self._sale_order(order, self.account)
        self.assertEqual(so.fiscal_position_id, no_tax)
        self.assertAlmostEqual(so.amount_total, 30.00, places=2)
        self.assertAlmostEqual(so.amazon_order_total, 33.08, places=2)
        self.assertAlmostEqual(so.amazon_facilitator_tax, 3.08, places=2)
        self.assertAlmostEqual(so.amazon_expected_total, 30.00, places=2)
        self.assertAlmostEqual(so.amazon_total_difference, 0, places=2)
        self.assertFalse(
            self.account.activity_ids.filtered(
                lambda a: a.amazon_cause == "orders_total_difference"
            )
        )

    def test_a_total_difference_above_the_tolerance_schedules_an_activity(self):
        # Amazon charged 7 % tax; the product has 19 %.
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 10.70, "tax": 0.70}]
        )
        self._put(EU_SELLER_ID, order)
        self.eu_account.accountant_user_id = self.env.user
        self._sync()
        so = self._sale_order(order)
        self.assertAlmostEqual(so.amount_total, 10.70, places=2)  # the buyer paid that
        self.assertAlmostEqual(so.amount_tax, 1.71, places=2)  # Odoo's 19 %
        # One activity on the account for the cause, naming the order.
        self.assertFalse(so.activity_ids)
        activity = self.eu_account.activity_ids
        self.assertEqual(activity.amazon_cause, "orders_tax_difference")
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("taxes", activity.note)
        self.assertIn(so.name, activity.note)

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

    # --- statuses ---

    def test_pending_orders_wait_for_their_prices(self):
        paid = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        pending = copy.deepcopy(paid)
        pending["fulfillment"]["fulfillmentStatus"] = "PENDING"
        del pending["proceeds"]
        for item in pending["orderItems"]:
            del item["proceeds"]
        self._put(EU_SELLER_ID, pending)
        log = self._sync()
        self.assertFalse(self._sale_order(paid))
        self.assertEqual(log.orders_skipped, 1)
        # Payment clears: Amazon updates the order with its prices.
        paid["lastUpdatedTime"] = iso(fields.Datetime.now() - timedelta(minutes=3))
        self._put(EU_SELLER_ID, paid)
        self._sync()
        self.assertEqual(self._sale_order(paid).state, "sale")

    def test_fba_order_leaves_from_the_fba_location_without_picking(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual((so.state, so.amazon_fulfillment), ("sale", "fba"))
        self.assertFalse(so.picking_ids)
        moves = so.order_line.move_ids
        fba = self.env.company._amazon_fba_location()
        self.assertEqual(moves.mapped("state"), ["done"])
        self.assertEqual(moves.location_id, fba)
        self.assertEqual(moves.location_dest_id.usage, "customer")
        self.assertEqual(so.order_line.qty_delivered, 2)
        self.assertEqual(fba.name, "Amazon FBA")

    def test_fba_goods_leave_when_amazon_ships_them(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="UNSHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertFalse(so.order_line.move_ids)
        self._change_on_amazon(order, status="SHIPPED")
        log = self._sync()
        self.assertEqual(log.orders_updated, 1)
        self.assertEqual(so.order_line.qty_delivered, 2)
        self.assertEqual(so.amazon_status, "shipped")

    def test_fba_goods_leave_as_amazon_ships_them_part_by_part(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": 3,
                    "price": 29.97,
                    "tax": 4.79,
                    "shipped": 1,
                }
            ],
            status="PARTIALLY_SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.state, "sale")
        self.assertEqual(so.amazon_status, "partially_shipped")
        self.assertEqual(so.order_line.move_ids.mapped("quantity"), [1])
        self.assertEqual(so.order_line.qty_delivered, 1)
        self._change_on_amazon(order, status="SHIPPED")
        self._sync()
        self.assertEqual(so.order_line.qty_delivered, 3)
        self.assertEqual(sorted(so.order_line.move_ids.mapped("quantity")), [1, 2])

    def test_fbm_order_creates_the_normal_delivery(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        picking = so.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertNotIn(picking.state, ("done", "cancel"))
        self.assertEqual(picking.move_ids.product_uom_qty, 2)

    def test_fbm_order_shipped_before_its_first_import(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "quantity": 2, "price": 19.98, "tax": 3.19}],
            status="SHIPPED",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertEqual(so.picking_ids.state, "done")
        self.assertTrue(so.amazon_shipped_outside)
        self.assertEqual(so.order_line.qty_delivered, 2)

    def _cancel_on_amazon(self, order):
        self._change_on_amazon(order, cancelled_by="BUYER")

    def test_cancellation_before_delivery_cancels_the_order(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self._cancel_on_amazon(order)
        self._sync()
        self.assertEqual(so.state, "cancel")
        self.assertEqual(so.picking_ids.state, "cancel")
        self.assertEqual(so.amazon_status, "canceled")

    def test_cancellation_after_delivery_asks_for_a_return(self):
        self.eu_account.responsible_user_id = self.env.user
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        self._cancel_on_amazon(order)
        self._sync()
        self.assertEqual(so.state, "sale")
        self.assertIn("return", so.activity_ids.note)
        self.assertEqual(so.activity_ids.user_id, self.env.user)

    def test_order_cancelled_before_import_is_not_imported(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            status="CANCELLED",
        )
        paid = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order, paid)
        log = self._sync()
        # Both were read; the paid one is imported, the cancelled one is not.
        self.assertEqual((log.orders_created, log.orders_skipped), (1, 1))
        self.assertTrue(self._sale_order(paid))
        self.assertFalse(self._sale_order(order))

    def test_fbm_order_partly_shipped_before_import_with_an_item_on_two_lines(self):
        pen = self.env["product.product"].create(
            {"name": "Pen", "default_code": "PEN-1", "type": "consu", "taxes_id": []}
        )
        # 10.00 for 3 pens cannot be split evenly at 2 decimals: two lines (2 x 3.33,
        # 1 x 3.34). Amazon shipped 2 of the 3 before the import.
        order = make_order(
            self.marketplace_de,
            [{"sku": "PEN-1", "quantity": 3, "price": 10, "shipped": 2}],
            status="PARTIALLY_SHIPPED",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        lines = so.order_line.filtered(lambda line: line.product_id == pen)
        self.assertEqual(len(lines), 2)
        self.assertEqual(sum(lines.mapped("qty_delivered")), 2)
        done = so.picking_ids.filtered(lambda p: p.state == "done")
        self.assertEqual(sum(done.move_ids.mapped("quantity")), 2)
        backorder = so.picking_ids - done
        self.assertEqual(sum(backorder.move_ids.mapped("product_uom_qty")), 1)

    def test_an_order_without_an_amazon_total_is_not_compared(self):
        self.eu_account.responsible_user_id = self.env.user
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        del order["proceeds"]  # Amazon gave no grand total
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertTrue(so)
        self.assertFalse(so.amazon_has_total)
        self.assertEqual(so.amazon_total_difference, 0)
        self.assertFalse(self.eu_account.activity_ids)
        # An order with a total is compared as before.
        with_total = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, with_total)
        self._sync()
        self.assertTrue(self._sale_order(with_total).amazon_has_total)

    def test_amazon_lines_keep_amazon_prices_when_edited(self):
        self.mug.list_price = 55.0  # far from what the buyer paid on Amazon
        order = make_order(
            self.marketplace_de,
            [
                {"sku": "MUG-1", "price": 19.99, "tax": 3.19},
                {"sku": "MUG-1", "price": 9.99, "tax": 1.6},
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        first, second = so.order_line.filtered(lambda line: line.product_id == self.mug)
        prices = (first.price_unit, second.price_unit)
        first.product_uom_qty = 2
        second.product_uom_qty = 0  # as a partial cancellation writes it
        self.assertEqual((first.price_unit, second.price_unit), prices)
        self.assertEqual(first.discount, 0)

    def test_confirming_a_quotation_dates_it_unless_it_is_an_amazon_order(self):
        last_week = fields.Datetime.now() - timedelta(days=7)

        def quotation(**values):
            return self.env["sale.order"].create(
                {
                    "partner_id": self.partner.id,
                    "date_order": last_week,
                    "order_line": [Command.create({"product_id": self.mug.id})],
                    **values,
                }
            )

        plain = quotation()
        plain.action_confirm()
        self.assertGreater(plain.date_order, fields.Datetime.now() - timedelta(hours=1))
        # Confirmed together, each keeps its own rule.
        other = quotation()
        amazon = quotation(amazon_account_id=self.eu_account.id)
        (other | amazon).action_confirm()
        self.assertEqual((other.state, amazon.state), ("sale", "sale"))
        self.assertGreater(other.date_order, fields.Datetime.now() - timedelta(hours=1))
        self.assertEqual(amazon.date_order, last_week)

    def test_buyer_cancellation_request_is_shown_and_warns_before_delivery(self):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "price": 9,
                    "tax": 1.44,
                    "cancel_request": "Wrong colour",
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        so = self._sale_order(order)
        self.assertTrue(so.amazon_buyer_cancel_requested)
        self.assertEqual(so.amazon_buyer_cancel_reason, "Wrong colour")
        picking = so.picking_ids
        picking.move_ids.quantity = 1
        action = picking.button_validate()
        self.assertEqual(action["res_model"], "amazon.cancel.request.wizard")
        wizard = (
            self.env["amazon.cancel.request.wizard"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("Wrong colour", wizard.message)
        # Cancelling goes through the public action, with its checks: a locked order
        # is not cancelled behind the user's back.
        so.action_lock()
        with self.assertRaisesRegex(UserError, "locked"):
            wizard.action_cancel_orders()
        so.action_unlock()
        wizard.action_cancel_orders()
        self.assertEqual(so.state, "cancel")

    def test_importing_again_updates_and_never_duplicates(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        first = self._sync()
        self.assertEqual(first.orders_created, 1)
        again = (
            self._sync()
        )  # the window overlaps the last one: the order is read again
        self.assertEqual(
            (again.orders_created, again.orders_updated, again.orders_skipped),
            (0, 0, 1),
        )
        self.eu_account.last_orders_sync = fields.Datetime.now() - timedelta(days=3)
        self.eu_account.orders_checkpoint = False
        self._sync()
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("amazon_order_ref", "=", order["orderId"])]
            ),
            1,
        )

    # --- failures ---

    def test_a_failing_order_is_recorded_retried_and_then_imported(self):
        self.eu_account.responsible_user_id = self.env.user
        gbp = self.env.ref("base.GBP")
        gbp.active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        good = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, bad, good)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (1, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertEqual(failure.state, "failed")
        self.assertIn("GBP", failure.reason)
        self.assertIn("Currencies", failure.reason)  # what to fix
        self.assertEqual(failure.marketplace_id, self.marketplace_uk)
        self.assertEqual(self.eu_account.failure_count, 1)
        activities = self.eu_account.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.env.user)
        # The window moved on, but the failed order is retried by its id at every run.
        self.assertGreater(
            self.eu_account.last_orders_sync,
            fields.Datetime.now() - timedelta(minutes=5),
        )
        self._sync()
        # Recorded; then retried by its id, and read again in the overlapping window.
        self.assertEqual(failure.attempts, 3)
        self.assertEqual(
            len(self.eu_account.activity_ids), 1
        )  # one activity, not one per run
        gbp.active = True
        self._sync()
        self.assertEqual(failure.state, "resolved")
        self.assertEqual(failure.sale_order_id, self._sale_order(bad))
        self.eu_account.invalidate_recordset(["failure_count"])
        self.assertEqual(self.eu_account.failure_count, 0)

    def test_a_dismissed_failure_is_not_retried(self):
        self.env.ref("base.GBP").active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        failure.action_dismiss()
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now()
        self._sync()
        self.assertFalse(self.sandbox_state.received("orders2026.getOrder"))
        self.assertEqual(failure.state, "dismissed")

    def test_retry_now_imports_the_fixed_order_and_logs_the_run(self):
        gbp = self.env.ref("base.GBP")
        gbp.active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        gbp.active = True
        action = failure.action_retry_now()
        self.assertEqual(failure.state, "resolved")
        self.assertTrue(self._sale_order(bad))
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("New orders imported: 1.", action["params"]["message"])
        log = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id)], limit=1
        )
        self.assertEqual(
            (log.trigger, log.status, log.orders_created), ("retry", "done", 1)
        )
        self.assertGreaterEqual(log.api_calls, 1)

    def test_a_failed_order_amazon_cancels_leaves_the_retry_list(self):
        self.env.ref("base.GBP").active = False
        bad = make_order(
            self.marketplace_uk, [{"sku": "MUG-1", "price": 9, "tax": 1.50}]
        )
        self._put(EU_SELLER_ID, bad)
        self._sync()
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertEqual(failure.state, "failed")
        self._cancel_on_amazon(bad)
        self._sync()
        self.assertEqual(failure.state, "closed")
        self.assertIn("cancelled this order", failure.reason)
        self.assertIn("GBP", failure.reason)  # the original reason is kept
        self.assertFalse(self._sale_order(bad))
        self.eu_account.invalidate_recordset(["failure_count"])
        self.assertEqual(self.eu_account.failure_count, 0)
        # It no longer takes a place among the orders retried at every run.
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now()
        self._sync()
        self.assertFalse(self.sandbox_state.received("orders2026.getOrder"))

    def test_one_broken_order_does_not_block_the_others(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(5)
        ]
        orders[2]["orderItems"][0]["quantityOrdered"] = -3  # Amazon sends nonsense
        self._put(EU_SELLER_ID, *orders)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (4, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", orders[2]["orderId"])]
        )
        self.assertIn("negative", failure.reason)

    def test_an_odoo_error_in_one_order_falls_back_to_one_by_one(self):
        # The merchant moved a paired product to another company: Odoo refuses it.
        other = self.env["res.company"].create({"name": "Other Company"})
        moved = self.env["product.product"].create({"name": "Moved", "type": "consu"})
        self.env["amazon.offer"].create(
            {"account_id": self.eu_account.id, "sku": "MOVED-1", "product_id": moved.id}
        )
        self.env.cr.execute(
            "UPDATE product_template SET company_id = %s WHERE id = %s",
            (other.id, moved.product_tmpl_id.id),
        )
        moved.invalidate_recordset()
        moved.product_tmpl_id.invalidate_recordset()
        bad = make_order(
            self.marketplace_de, [{"sku": "MOVED-1", "price": 9, "tax": 1.44}]
        )
        goods = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(3)
        ]
        self._put(EU_SELLER_ID, bad, *goods)
        log = self._sync()
        self.assertEqual((log.orders_created, log.orders_failed), (3, 1))
        failure = self.env["amazon.order.failure"].search(
            [("amazon_order_ref", "=", bad["orderId"])]
        )
        self.assertIn("Odoo refused the sales order", failure.reason)
        self.assertIn("compan", failure.reason)
        for good in goods:
            self.assertEqual(self._sale_order(good).state, "sale")

    def test_throttling_is_not_a_failure_and_the_next_run_resumes(self):
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        self.sandbox_state.faults.add(
            Fault("throttle", "orders2026.searchOrders", count=-1)
        )
        before = self.eu_account.last_orders_sync
        with freeze_time(fields.Datetime.now()) as frozen:
            log = self.eu_account._amazon_sync_orders("manual", 600)
            self.assertEqual(log.status, "throttled")
            self.assertIn("resumes at the next run", log.message)
            self.assertEqual(log.orders_failed, 0)
            self.assertGreater(log.throttled, 0)
            self.assertEqual(self.eu_account.last_orders_sync, before)
            self.assertFalse(self.env["amazon.order.failure"].search([]))
            self.sandbox_state.faults.clear()
            frozen.tick(timedelta(minutes=15))  # the next scheduled run
            self._sync()
        self.assertTrue(self._sale_order(order))

    def test_refused_credentials_are_reported_once(self):
        self.eu_account.responsible_user_id = self.env.user
        self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.add(
            "orders2026.searchOrders"
        )
        self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.add(
            "ordersV0.getOrders"
        )
        self.addCleanup(
            self.sandbox_state.sellers[EU_SELLER_ID].denied_operations.clear
        )
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(log.status, "error")
        self.assertIn("denied access", log.message)
        self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(
            len(
                self.eu_account.activity_ids.filtered(lambda a: "refuses" in a.summary)
            ),
            1,
        )

    # --- checkpoint and budget ---

    def test_a_spent_budget_keeps_a_checkpoint_and_the_next_run_continues(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(5)
        ]
        self._put(EU_SELLER_ID, *orders)
        before = self.eu_account.last_orders_sync
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("amazon_connector.page_size", "2")
        parameters.set_param("amazon_connector.max_pages_per_run", "1")
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual((log.status, log.orders_created), ("partial", 2))
        self.assertTrue(self.eu_account.orders_checkpoint["next_token"])
        self.assertEqual(
            self.eu_account.last_orders_sync, before
        )  # the window is not done
        self.eu_account._amazon_sync_orders("cron", 600)
        log = self.eu_account._amazon_sync_orders("cron", 600)
        self.assertEqual(log.status, "done")
        self.assertFalse(self.eu_account.orders_checkpoint)
        refs = {o["orderId"] for o in orders}
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("amazon_order_ref", "in", list(refs))]
            ),
            5,
        )

    # --- wizards ---

    def test_import_orders_wizard_imports_a_past_period(self):
        old = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            created=fields.Datetime.now() - timedelta(days=40),
        )
        old["lastUpdatedTime"] = old["createdTime"]
        self._put(EU_SELLER_ID, old)
        self._sync()
        self.assertFalse(self._sale_order(old))  # older than the first import date
        wizard = self.env["amazon.import.orders.wizard"].create(
            {
                "account_id": self.eu_account.id,
                "date_from": fields.Datetime.now() - timedelta(days=60),
                "date_to": fields.Datetime.now() - timedelta(days=30),
            }
        )
        action = wizard.action_import()
        self.assertEqual(action["params"]["type"], "info")
        self.assertTrue(self.eu_account.history_start)
        self.env["amazon.account"]._cron_import_orders()
        self.assertTrue(self._sale_order(old))
        self.assertFalse(self.eu_account.history_start)  # done
        with self.assertRaises(UserError):
            self.env["amazon.import.orders.wizard"].create(
                {
                    "account_id": self.eu_account.id,
                    "date_from": fields.Datetime.now() - timedelta(days=800),
                    "date_to": fields.Datetime.now(),
                }
            ).action_import()

    def test_recover_order_wizard(self):
        order = make_order(
            self.marketplace_de,
            [{"sku": "MUG-1", "price": 9, "tax": 1.44}],
            created=fields.Datetime.now() - timedelta(days=100),
        )
        order["lastUpdatedTime"] = order["createdTime"]
        self._put(EU_SELLER_ID, order)
        wizard = self.env["amazon.recover.order.wizard"].create(
            {"account_id": self.eu_account.id, "order_ref": order["orderId"]}
        )
        action = wizard.action_recover()
        self.assertEqual(action["res_id"], self._sale_order(order).id)
        log = self.env["amazon.sync.log"].search(
            [("account_id", "=", self.eu_account.id)], limit=1
        )
        self.assertEqual((log.trigger, log.status), ("recover", "done"))
        self.assertEqual(log.orders_created, 1)
        self.assertIn(order["orderId"], log.message)
        with self.assertRaises(ValidationError):
            self.env["amazon.recover.order.wizard"].create(
                {"account_id": self.eu_account.id, "order_ref": "12-34"}
            )
        with self.assertRaises(UserError):
            self.env["amazon.recover.order.wizard"].create(
                {"account_id": self.eu_account.id, "order_ref": "111-0000000-0000000"}
            ).action_recover()

    def test_amazons_own_example_orders_import_with_their_totals(self):
        for code in ("JPY", "BRL", "TRY"):
            self.env.ref(f"base.{code}").active = True
        self.sandbox_state.add_seller(
            Seller(
                "AFESELLER",
                "FE",
                ["A1VC38T7YXB528"],
                {"Atzr|fe"},
                self.sandbox_state.sellers[DEFAULT_SELLER_ID].client_id,
            )
        )
        self.sandbox_state.sellers[EU_SELLER_ID].marketplaces.append("A33AVAJ2PDY3EV")
        self.sandbox_state.sellers[DEFAULT_SELLER_ID].marketplaces.append(
            "A2Q3Y263D00KWC"
        )
        fe = self.env["amazon.account"].create(
            self._account_values(
                name="JP", seller_id="AFESELLER", region="FE", refresh_token="Atzr|fe"
            )
        )
        self.eu_account.action_update_available_marketplaces()
        self.account.action_update_available_marketplaces()
        model = json.loads((MODELS / "orders_2026-01-01.json").read_text())
        examples = []
        paths = model["paths"]
        for case in paths["/orders/2026-01-01/orders"]["get"]["responses"]["200"][
            "x-amzn-api-sandbox"
        ]["static"]:
            examples += case["response"]["orders"]
        for case in paths["/orders/2026-01-01/orders/{orderId}"]["get"]["responses"][
            "200"
        ]["x-amzn-api-sandbox"]["static"]:
            examples.append(case["response"]["order"])
        seller_of = {
            "FE": ("AFESELLER", fe),
            "EU": (EU_SELLER_ID, self.eu_account),
            "NA": (DEFAULT_SELLER_ID, self.account),
        }
        from amazon_sp.marketplaces import MARKETPLACES

        for example in examples:
            region = MARKETPLACES[example["salesChannel"]["marketplaceId"]].region
            seller_id, account = seller_of[region]
            self.sandbox_state.put_orders(seller_id, [example])
            so = account._amazon_recover_order(example["orderId"])
            total = float(example["proceeds"]["grandTotal"]["amount"])
            self.assertAlmostEqual(
                so.amazon_order_total, total, places=2, msg=example["orderId"]
            )
            self.assertEqual(so.state, "sale")
            if so.amazon_marketplace_id.tax_included:
                # The default product has no tax: the buyer's price is the line's total.
                self.assertAlmostEqual(
                    so.amount_total, total, places=2, msg=example["orderId"]
                )
            else:
                # Amazon charged 10.00 of US sales tax, Odoo none: the accountant is
                # told, on the account.
                self.assertAlmostEqual(so.amazon_total_difference, -10.0, places=2)
                activity = account.activity_ids.filtered(
                    lambda a: a.amazon_cause == "orders_total_difference"
                )
                self.assertIn(so.name, activity.note)
        jp = self.env["sale.order"].search(
            [("amazon_order_ref", "=", "250-1234567-8901234")]
        )
        self.assertEqual((jp.currency_id.name, jp.amazon_fulfillment), ("JPY", "fba"))
        self.assertEqual(jp.order_line.mapped("product_uom_qty"), [1, 2])

    def test_v0_account_imports_the_same_orders(self):
        self.eu_account.api_version = "v0"
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": 2,
                    "price": 39.98,
                    "tax": 6.38,
                    "promotion": 2.00,
                    "promotion_tax": 0.32,
                }
            ],
        )
        self._put(EU_SELLER_ID, order)
        log = self._sync()
        self.assertEqual(log.api_version, "v0")
        so = self._sale_order(order)
        self.assertEqual(so.amount_total, 37.98)
        self.assertEqual(so.partner_id.name, "Jörg Müller")

    # --- visibility ---

    def test_each_run_leaves_a_log_line_and_the_account_shows_counts(self):
        orders = [
            make_order(self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}])
            for _ in range(3)
        ]
        self._put(EU_SELLER_ID, *orders)
        log = self._sync()
        self.assertEqual(log.orders_created, 3)
        self.assertEqual(log.api_calls, 1)  # one searchOrders call for three orders
        self.assertTrue(log.window_start and log.window_end and log.duration >= 0)
        self.assertEqual(log.api_version, "2026-01-01")
        self.assertEqual(self.eu_account.order_count, 3)
        self.assertEqual(self.eu_account.last_sync_log_id, log)
        action = self.eu_account.action_view_orders()
        self.assertEqual(self.env["sale.order"].search_count(action["domain"]), 3)
        amazon_filter = self.env["sale.order"].search(
            [("amazon_account_id", "!=", False)]
        )
        self.assertEqual(len(amazon_filter), 3)

    @freeze_time("2026-11-20 12:00:00")
    def test_windows_end_two_minutes_before_now(self):
        self.sandbox_state.clear_received()
        self.eu_account.last_orders_sync = fields.Datetime.now() - timedelta(hours=1)
        self._sync()
        query = self.sandbox_state.received("orders2026.searchOrders")[0]["query"]
        self.assertEqual(query["lastUpdatedBefore"], "2026-11-20T11:57:30Z")
        self.assertEqual(
            query["lastUpdatedAfter"], "2026-11-20T10:50:00Z"
        )  # 10 min overlap
        self.assertEqual(
            self.eu_account.last_orders_sync,
            fields.Datetime.from_string("2026-11-20 11:57:30"),
        )

    def test_an_account_of_another_company_imports_into_that_company(self):
        company_b = self.env["res.company"].create(
            {
                "name": "Amazon Shop B",
                "currency_id": self.env.ref("base.EUR").id,
                "country_id": self.env.ref("base.de").id,
            }
        )
        self.env.user.company_ids += company_b
        account_b = (
            self.env["amazon.account"]
            .with_company(company_b)
            .create(self._eu_account_values(name="Shop B", company_id=company_b.id))
        )
        order = make_order(
            self.marketplace_de, [{"sku": "MUG-1", "price": 9, "tax": 1.44}]
        )
        self._put(EU_SELLER_ID, order)
        account_b._amazon_sync_orders("manual", 600)
        so = self._sale_order(order, account_b)
        self.assertEqual(so.company_id, company_b)
        self.assertEqual(so.partner_id.company_id, company_b)
        self.assertEqual(so.warehouse_id.company_id, company_b)
        self.assertEqual(so.currency_id.name, "EUR")
        # The same Amazon order in the first company's account is another sales order.
        self._sync()
        self.assertNotEqual(self._sale_order(order), so)
        self.assertEqual(self._sale_order(order).company_id, self.env.company)
