from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import time_travel
from .common_offers import DE, EU_SELLER_ID, FR, US, AmazonOfferCommon


@tagged("post_install", "-at_install")
class TestStockExport(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        for sku in ("MUG-US", "MUG-CA", "LAMP-US", "CHAIR-US", "FBA-MUG"):
            self._list_on_amazon(
                DEFAULT_SELLER_ID,
                sku,
                [US],
                quantity=None if sku.startswith("FBA") else 0,
                channel="FBA" if sku.startswith("FBA") else "FBM",
            )
        self.mug_us = self._offer("MUG-US", product_id=self.mug.id)
        self.mug_ca = self._offer("MUG-CA", product_id=self.mug.id)
        self.lamp_us = self._offer("LAMP-US", product_id=self.lamp.id)
        self.fba = self._offer("FBA-MUG", product_id=self.mug.id, fulfillment="fba")
        self._stock(self.mug, 20)
        self._stock(self.mug, 7, self.warehouse2.lot_stock_id)
        self._stock(self.lamp, 3)

    def test_what_is_sent_is_on_hand_less_pending_deliveries_less_the_buffer(self):
        self.account.write(
            {
                "offer_warehouse_ids": [Command.set(self.warehouse.ids)],
                "offer_location_ids": [Command.set(self.warehouse2.lot_stock_id.ids)],
                "offer_safety_buffer": 2,
            }
        )
        self._deliver(self.mug, 5, validate=False)  # confirmed, not shipped yet
        self.lamp_us.write({"buffer_override": True, "safety_buffer": 5})
        summary = self._send()
        # Mug: 20 + 7 on hand, 5 promised to a delivery, 2 kept back.
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 20)
        # Both offers of the mug get the same quantity; the FBA one none.
        self.assertEqual(self._amazon_holds("MUG-CA")["quantity"], 20)
        self.assertEqual(self._amazon_holds("FBA-MUG")["channel"], "AMAZON_NA")
        # Lamp: 3 on hand, its own buffer of 5: never below 0.
        self.assertEqual(self._amazon_holds("LAMP-US")["quantity"], 0)
        self.assertEqual((summary["feeds"], summary["messages"]), (1, 3))
        (feed,) = self._listings_feeds()
        self.assertEqual(
            sorted(m["sku"] for m in feed["messages"]), ["LAMP-US", "MUG-CA", "MUG-US"]
        )
        for offer in self.mug_us | self.mug_ca | self.lamp_us:
            self.assertEqual(offer.sync_state, "sent")
            self.assertEqual(offer.sent_quantity, offer.odoo_quantity)
            self.assertTrue(offer.stock_sent_date)
        self.assertFalse(self.fba.sync_state)
        self.assertFalse(self.fba.sends_stock)

    def test_only_the_account_warehouse_counts_by_default(self):
        self._send()
        # The second warehouse's 7 mugs are not the account's.
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 20)

    def test_a_validated_delivery_lowers_what_is_sent_soon(self):
        self._send()
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 20)
        cron = self.env.ref("amazon_connector.ir_cron_send_offers")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        triggers.unlink()
        with time_travel() as frozen:
            self._deliver(self.mug, 4)
            trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertTrue(trigger)
            self.assertLessEqual(
                trigger[-1].call_at, fields.Datetime.now() + timedelta(minutes=1)
            )
            frozen.tick(timedelta(minutes=6))
            summary = self.account._amazon_send_offers(600)
        self.assertEqual(summary["messages"], 2)  # the two mug offers, nothing else
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 16)
        self.assertEqual(self._amazon_holds("MUG-CA")["quantity"], 16)

    def test_only_what_changed_is_sent(self):
        self._send()
        self.assertEqual(len(self._listings_feeds()), 1)
        again = self._send()
        self.assertEqual((again["feeds"], again["messages"]), (0, 0))
        self.assertEqual(len(self._listings_feeds()), 1)  # no feed without a change
        self._stock(self.lamp, 2)
        changed = self._send()
        self.assertEqual(changed["messages"], 1)
        (message,) = self._listings_feeds()[-1]["messages"]
        self.assertEqual(message["sku"], "LAMP-US")
        self.assertEqual(self._amazon_holds("LAMP-US")["quantity"], 5)

    def test_the_handling_time_goes_with_the_quantity(self):
        self.account.offer_handling_time = 2
        self.lamp_us.handling_time = 5
        self._send()
        self.assertEqual(self._amazon_holds("MUG-US")["handling"], 2)
        self.assertEqual(self._amazon_holds("LAMP-US")["handling"], 5)
        # A new handling time is a change to send.
        self.account.offer_handling_time = 3
        self.assertEqual(self._send()["messages"], 2)
        self.assertEqual(self._amazon_holds("MUG-US")["handling"], 3)

    def test_stock_sending_is_off_per_account_and_per_offer(self):
        self.mug_ca.send_stock = False
        self._send()
        self.assertEqual(self._amazon_holds("MUG-CA")["quantity"], 0)
        self.assertFalse(self.mug_ca.sync_state)
        self.account.offer_send_stock = False
        self._stock(self.mug, 1)
        self.assertEqual(self._send()["messages"], 0)
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 20)

    def test_a_feed_waits_for_the_interval_after_the_last_one(self):
        with time_travel() as frozen:
            self.account._amazon_send_offers(600)
            self._stock(self.lamp, 1)
            summary = self.account._amazon_send_offers(600)
            self.assertEqual(summary["messages"], 0)  # too soon after the first feed
            cron = self.env.ref("amazon_connector.ir_cron_send_offers")
            self.assertTrue(
                self.env["ir.cron.trigger"].search_count(
                    [("cron_id", "=", cron.id), ("call_at", ">", fields.Datetime.now())]
                )
            )
            frozen.tick(timedelta(minutes=5, seconds=1))
            self.assertEqual(self.account._amazon_send_offers(600)["messages"], 1)

    def test_salespeople_read_offers_only_administrators_send(self):
        from odoo.exceptions import AccessError
        from odoo.tests import new_test_user

        salesperson = new_test_user(
            self.env, "offer.seller", groups="sales_team.group_sale_salesman"
        )
        offer = self.mug_us.with_user(salesperson)
        self.assertEqual(offer.sku, "MUG-US")
        for action in (
            offer.action_send_now,
            offer.action_retry,
            self.account.with_user(salesperson).action_send_offers,
        ):
            with self.assertRaises(AccessError):
                action()
        with self.assertRaises(AccessError):
            offer.send_stock = False


@tagged("post_install", "-at_install")
class TestPriceExport(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        self.eur = self.env.ref("base.EUR")
        self.usd = self.env.ref("base.USD")
        self.pricelist_eur = self.env["product.pricelist"].create(
            {
                "name": "Amazon EUR",
                "currency_id": self.eur.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.mug.id,
                            "compute_price": "fixed",
                            "fixed_price": 12.99,
                        }
                    )
                ],
            }
        )
        self.pricelist_usd = self.env["product.pricelist"].create(
            {
                "name": "Amazon USD",
                "currency_id": self.usd.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.lamp.id,
                            "compute_price": "fixed",
                            "fixed_price": 31.5,
                        }
                    )
                ],
            }
        )
        self.eu_account.write(
            {
                "offer_send_stock": False,
                "offer_send_price": True,
                "offer_pricelist_ids": [
                    Command.create(
                        {
                            "marketplace_id": self.marketplace_de.id,
                            "pricelist_id": self.pricelist_eur.id,
                        }
                    )
                ],
            }
        )
        self.account.write(
            {
                "offer_send_price": True,
                "offer_pricelist_ids": [
                    Command.create(
                        {
                            "marketplace_id": self.marketplace_us.id,
                            "pricelist_id": self.pricelist_usd.id,
                        }
                    )
                ],
            }
        )
        self._list_on_amazon(
            EU_SELLER_ID, "MUG-DE", [DE, FR], prices={DE: 10.0, FR: 11.0}
        )
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "LAMP-US", [US], quantity=0, prices={US: 20.0}
        )
        self.mug_de = self._offer("MUG-DE", self.eu_account, product_id=self.mug.id)
        self.lamp_us = self._offer("LAMP-US", product_id=self.lamp.id)
        self._stock(self.lamp, 6)

    def test_tax_is_added_where_the_marketplace_shows_prices_with_tax(self):
        self._send(self.eu_account)
        # 12.99 EUR before the mug's 19 % VAT: Amazon.de shows 15.46 with VAT.
        self.assertEqual(
            self._amazon_holds("MUG-DE", EU_SELLER_ID)["prices"], {DE: 15.46, FR: 11.0}
        )
        self.assertEqual(self.mug_de.sent_price, 15.46)
        self.assertEqual(self.mug_de.sync_state, "sent")
        (feed,) = self._listings_feeds()
        (message,) = feed["messages"]
        self.assertEqual(
            message["patches"][0]["value"][0],
            {
                "marketplace_id": DE,
                "currency": "EUR",
                "audience": "ALL",
                "our_price": [{"schedule": [{"value_with_tax": 15.46}]}],
            },
        )

    def test_tax_is_left_out_where_amazon_adds_it_at_checkout(self):
        summary = self._send()
        # Amazon.com: the pricelist's 31.50 USD, without the lamp's sales tax; the
        # stock and the price go in the same feed, as two messages.
        self.assertEqual(self._amazon_holds("LAMP-US")["prices"], {US: 31.5})
        self.assertEqual(self._amazon_holds("LAMP-US")["quantity"], 6)
        self.assertEqual((summary["feeds"], summary["messages"]), (1, 2))

    def test_a_fixed_price_is_sent_as_set_and_prices_are_sent_only_when_changed(self):
        self._send(self.eu_account)
        self.assertEqual(self._send(self.eu_account)["messages"], 0)
        self.mug_de.write({"use_fixed_price": True, "fixed_price": 14.999})
        self.assertEqual(self._send(self.eu_account)["messages"], 1)
        # Rounded to the currency.
        self.assertEqual(self._amazon_holds("MUG-DE", EU_SELLER_ID)["prices"][DE], 15.0)
        self.pricelist_eur.item_ids.fixed_price = 20.0  # the fixed price still wins
        self.assertEqual(self._send(self.eu_account)["messages"], 0)

    def test_price_sending_is_off_per_offer_and_without_a_pricelist(self):
        self.mug_de.send_price = False
        self.assertEqual(self._send(self.eu_account)["messages"], 0)
        self.assertFalse(self.mug_de.sync_state)
        fr = self._offer("MUG-FR-ONLY", self.eu_account, product_id=self.mug.id)
        fr.marketplace_id = self.marketplace_fr  # no pricelist for Amazon.fr
        self._send(self.eu_account)
        self.assertFalse(fr.sends_price)
        self.assertIn("set a pricelist for Amazon.fr", fr._amazon_nothing_to_send())

    def test_the_pricelist_must_be_in_the_marketplace_currency(self):
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.eu_account.offer_pricelist_ids.pricelist_id = self.pricelist_usd
