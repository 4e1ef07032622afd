from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from amazon_sp import listings_feed
from amazon_sp.sandbox import DEFAULT_SELLER_ID
from amazon_sp.sandbox.faults import Fault

from ..models.amazon_listings_feed import AmazonListingsFeed
from .common import cron_run, time_travel
from .common_offers import US, AmazonOfferCommon


class Crash(BaseException):
    """Stands for the process dying (not an error the code could catch)."""


@tagged("post_install", "-at_install")
class TestOfferResults(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        self.pricelist = self.env["product.pricelist"].create(
            {"name": "Amazon USD", "currency_id": self.env.ref("base.USD").id}
        )
        self.account.write(
            {
                "offer_send_price": True,
                "offer_pricelist_ids": [
                    Command.create(
                        {
                            "marketplace_id": self.marketplace_us.id,
                            "pricelist_id": self.pricelist.id,
                        }
                    )
                ],
            }
        )
        self._list_on_amazon(DEFAULT_SELLER_ID, "MUG-US", [US], quantity=0)
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "LAMP-US", [US], quantity=0, prices={US: 30.0},
            minimum_prices={US: 25.0},
        )  # fmt: skip
        self.mug_us = self._offer("MUG-US", product_id=self.mug.id, send_price=False)
        self.lamp_us = self._offer("LAMP-US", product_id=self.lamp.id)
        # Not on Amazon: Amazon's answer for it is a refusal.
        self.gone = self._offer("GONE-1", product_id=self.chair.id, send_price=False)
        self._stock(self.mug, 8)
        self._stock(self.lamp, 3)
        self._stock(self.chair, 2)
        self.lamp_us.write({"use_fixed_price": True, "fixed_price": 19.0})  # < 25.00

    def _crashing_run(self):
        """A scheduled run that dies on a Crash, keeping what it committed (Odoo's
        assertRaises would roll it back)."""
        self.env.flush_all()  # the run's cursor sees what the test wrote
        crashed = False
        try:
            with cron_run(self, "amazon_connector.ir_cron_send_offers", 600) as (
                env,
                _,
            ):
                env["amazon.account"].browse(self.account.id)._amazon_send_offers(
                    600, min_interval=0
                )
        except Crash:
            crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()

    def _activities(self):
        return self.account.activity_ids.filtered(lambda a: "refused" in a.summary)

    def test_a_refusal_shows_on_its_offer_while_the_others_go_through(self):
        summary = self._send()
        self.assertEqual((summary["feeds"], summary["refused"]), (1, 2))
        self.assertEqual(self.mug_us.sync_state, "sent")
        self.assertEqual(self.mug_us.sent_quantity, 8)
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 8)
        self.assertEqual(self.gone.sync_state, "refused")
        self.assertIn(
            "NOT_FOUND: The SKU 'GONE-1' does not exist", self.gone.sync_message
        )
        self.assertFalse(self.gone.stock_sent_date)
        # The lamp's stock went through, its price did not (two messages).
        self.assertEqual(self.lamp_us.sync_state, "refused")
        self.assertEqual(self.lamp_us.sent_quantity, 3)
        self.assertFalse(self.lamp_us.price_sent_date)
        self.assertIn(
            "18155: The 'minimum price' is greater", self.lamp_us.sync_message
        )
        self.assertEqual(self._amazon_holds("LAMP-US")["prices"], {US: 30.0})
        # One activity for the run, listing both.
        (activity,) = self._activities()
        self.assertEqual(activity.summary, "Amazon refused 2 offer updates")
        self.assertIn("GONE-1: NOT_FOUND", activity.note)
        self.assertIn("LAMP-US: 18155", activity.note)
        self.assertEqual(activity.user_id, self.account._amazon_responsible())
        feed = self.env["amazon.listings.feed"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(
            (feed.state, feed.message_count, feed.accepted_count, feed.refused_count),
            ("done", 4, 2, 2),
        )

    def test_a_refused_offer_is_sent_again_only_after_a_change_or_retry(self):
        self._send()
        again = self._send()
        self.assertEqual(again["messages"], 0)  # the same values are not sent again
        self.assertEqual(self.gone.sync_state, "refused")
        self.assertEqual(len(self._activities()), 1)  # no new activity either
        self.lamp_us.fixed_price = 26.0  # a new price, Amazon accepts it
        changed = self._send()
        self.assertEqual(changed["messages"], 1)
        self.assertEqual(self.lamp_us.sync_state, "sent")
        self.assertFalse(self.lamp_us.sync_message)
        self.assertEqual(self._amazon_holds("LAMP-US")["prices"], {US: 26.0})
        # Retry: the refused values go again at once (and are refused again).
        self.gone.action_retry()
        self.assertEqual(self.gone.sync_state, "to_send")
        retried = self._send()
        self.assertEqual(retried["messages"], 1)
        self.assertEqual(self.gone.sync_state, "refused")

    def test_a_fatal_feed_leaves_its_offers_to_send_with_the_reason(self):
        self.sandbox_state.listings_feed_fatal[DEFAULT_SELLER_ID] = 1
        self.gone.unlink()
        self.lamp_us.use_fixed_price = False
        summary = self._send()
        self.assertEqual(summary["feeds"], 1)
        feed = self.env["amazon.listings.feed"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(feed.state, "fatal")
        for offer in self.mug_us | self.lamp_us:
            self.assertEqual(offer.sync_state, "to_send")
            self.assertFalse(offer.stock_sent_date)
            self.assertFalse(offer.feed_id)
        self.assertIn("FATAL", self.account.offer_sync_error)
        self.assertIn("4000000: An internal error", self.account.offer_sync_error)
        self.assertTrue(
            self.account.activity_ids.filtered(lambda a: "rejected" in a.summary)
        )
        # The next run sends them again; Amazon takes them.
        self._send()
        self.assertEqual(
            (self.mug_us | self.lamp_us).mapped("sync_state"), ["sent"] * 2
        )
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 8)

    def test_throttling_waits_for_the_next_run(self):
        self.sandbox_state.faults.add(Fault("throttle", "feeds.createFeed", count=-1))
        with time_travel() as frozen:  # the client's waits take no real time
            summary = self.account._amazon_send_offers(600, min_interval=0)
            self._after_throttling(summary, frozen)

    def _after_throttling(self, summary, frozen):
        self.assertIn("limiting", summary["error"])
        self.assertEqual(self.mug_us.sync_state, "to_send")
        self.assertFalse(self.mug_us.feed_id)
        feed = self.env["amazon.listings.feed"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(feed.state, "cancelled")
        self.sandbox_state.faults.clear()
        # Amazon's usage plan refills: the next run, a few minutes later, sends.
        frozen.tick(timedelta(minutes=3))
        self._send()
        self.assertEqual(self.mug_us.sync_state, "sent")

    def test_a_crash_between_upload_and_report_marks_nothing_sent(self):
        self.gone.unlink()
        self.lamp_us.fixed_price = 26.0  # a price Amazon takes
        real_check = AmazonListingsFeed._amazon_check

        def crash_after_upload(feeds, connection):
            if any(f.state == "submitted" and f.feed_ref for f in feeds):
                raise Crash
            return real_check(feeds, connection)

        with patch.object(AmazonListingsFeed, "_amazon_check", crash_after_upload):
            self._crashing_run()
        # What the run committed: the feed, sent and waiting for its report; offers
        # waiting for it, none marked sent although Amazon has them.
        self.env.invalidate_all()
        feed = self.env["amazon.listings.feed"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(feed.state, "submitted")
        self.assertTrue(feed.feed_ref)
        for offer in self.mug_us | self.lamp_us:
            self.assertEqual(offer.feed_id, feed)
            self.assertFalse(offer.stock_sent_date)
        (sent,) = self._listings_feeds()  # Amazon got it
        self.assertIn("MUG-US", [m["sku"] for m in sent["messages"]])
        # The next run reads the report, sends nothing again.
        summary = self._send()
        self.assertEqual(summary["messages"], 0)
        self.assertEqual(len(self._listings_feeds()), 1)
        self.assertEqual(feed.state, "done")
        self.assertEqual(self.mug_us.sync_state, "sent")
        self.assertEqual(self.lamp_us.sent_price, 26.0)

    def test_a_crash_before_amazons_feed_id_is_recorded_sends_the_values_again(self):
        self.gone.unlink()
        self.lamp_us.fixed_price = 26.0
        real_submit = listings_feed.submit_listings_feed

        def crash_after_create_feed(connection, feed):
            real_submit(connection, feed)
            raise Crash

        with patch.object(
            listings_feed, "submit_listings_feed", crash_after_create_feed
        ):
            self._crashing_run()
        draft = self.env["amazon.listings.feed"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(draft.state, "draft")
        self.assertFalse(self.mug_us.stock_sent_date)
        # Whether Amazon got it is unknown: the next run sends the same values again
        # (absolute quantities and prices: Amazon ends up holding them either way).
        self._send()
        self.assertEqual(draft.state, "cancelled")
        self.assertEqual(len(self._listings_feeds()), 2)
        self.assertEqual(self.mug_us.sync_state, "sent")
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 8)

    def test_send_now_shows_amazons_answer(self):
        action = self.mug_us.action_send_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "Amazon accepted the update of MUG-US", action["params"]["message"]
        )
        self.assertEqual(self.mug_us.sync_state, "sent")
        self.assertEqual(self._amazon_holds("MUG-US")["quantity"], 8)
        (patch_call,) = self.sandbox_state.received("listingsItems.patchListingsItem")
        self.assertEqual(
            patch_call["body"]["patches"][0]["value"],
            [{"fulfillment_channel_code": "DEFAULT", "quantity": 8}],
        )
        self.assertIn("Amazon accepted", self.mug_us.message_ids[0].body)
        refused = self.gone.action_send_now()
        self.assertEqual(refused["params"]["type"], "danger")
        self.assertIn("NOT_FOUND", refused["params"]["message"])
        self.assertEqual(self.gone.sync_state, "refused")
        self.assertIn("NOT_FOUND", self.gone.sync_message)

    def test_send_now_waits_for_a_feed_in_flight(self):
        with patch.object(AmazonListingsFeed, "_amazon_check", lambda feeds, c: {}):
            self._send()
        self.assertTrue(self.mug_us.feed_id)
        with self.assertRaisesRegex(UserError, "waits for Amazon's report"):
            self.mug_us.action_send_now()

    def test_nothing_to_send_says_why(self):
        fba = self._offer(
            "FBA-1", product_id=self.mug.id, fulfillment="fba", send_price=False
        )
        with self.assertRaisesRegex(UserError, "Amazon holds the stock of FBA offers"):
            fba.action_send_now()
