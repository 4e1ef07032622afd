"""Order import: one Amazon order becomes one sales order, its lines, products, offers,
taxes and totals.
"""

from datetime import timedelta
from pathlib import Path

from psycopg2.errors import UniqueViolation

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import (
    EU_SELLER_ID,
    AmazonImportCommon,
    make_order,
)

MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"


@tagged("post_install", "-at_install")
@tagged("post_install", "-at_install")
class TestAmazonImportOrders(AmazonImportCommon):
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
