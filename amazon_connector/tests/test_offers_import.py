from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID, listings_rules
from amazon_sp.sandbox.faults import Fault

from .common import make_order, time_travel
from .common_offers import CA, US, AmazonOfferCommon


@tagged("post_install", "-at_install")
class TestListingsImport(AmazonOfferCommon):
    def setUp(self):
        super().setUp()
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "LAMP-1", [US, CA], asin="B0LAMP", title="Desk lamp",
            quantity=4, prices={US: 29.99, CA: 39.99},
        )  # fmt: skip
        # Paired by barcode: Amazon lists it under the chair's EAN.
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "AMZ-CHAIR", [US], asin="B0CHAIR", title="Oak chair",
            quantity=2, prices={US: 99.0}, barcode="4006381333931",
        )  # fmt: skip
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "FBA-VASE", [US], asin="B0VASE", title="Blue vase",
            channel="FBA", prices={US: 15.0},
        )  # fmt: skip
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "UNKNOWN-1", [CA], asin="B0UNKN", title="Kettle, steel",
            quantity=0, prices={CA: 20.0}, barcode="012345678905", barcode_type="UPC",
            issues=[listings_rules.issue(
                "90220", "'size' is required but not supplied.", "size"
            )],
        )  # fmt: skip

    def _import(self, account=None):
        account = account or self.account
        action = account.action_import_listings()
        self.assertEqual(action["params"]["type"], "success", action["params"])
        return action

    def _offers(self, account=None):
        offers = self.env["amazon.offer"].search(
            [("account_id", "=", (account or self.account).id)]
        )
        return {offer.sku: offer for offer in offers}

    def test_every_listing_becomes_an_offer_paired_by_reference_then_barcode(self):
        action = self._import()
        offers = self._offers()
        self.assertEqual(set(offers), {"LAMP-1", "AMZ-CHAIR", "FBA-VASE", "UNKNOWN-1"})
        lamp = offers["LAMP-1"]
        self.assertEqual(lamp.product_id, self.lamp)  # internal reference
        self.assertEqual(lamp.paired_by, "reference")
        self.assertEqual(
            (lamp.asin, lamp.amazon_title, lamp.fulfillment, lamp.amazon_status),
            ("B0LAMP", "Desk lamp", "fbm", "active"),
        )
        # One offer per SKU, in the first marketplace listing it, listed in both.
        self.assertEqual(lamp.marketplace_id, self.marketplace_us)
        self.assertEqual(
            lamp.listing_marketplace_ids, self.marketplace_us | self.marketplace_ca
        )
        self.assertEqual((lamp.amazon_quantity, lamp.amazon_price), (4, 29.99))
        self.assertEqual(offers["AMZ-CHAIR"].product_id, self.chair)  # barcode
        self.assertEqual(offers["AMZ-CHAIR"].paired_by, "barcode")
        self.assertEqual(offers["FBA-VASE"].fulfillment, "fba")
        unknown = offers["UNKNOWN-1"]
        self.assertFalse(unknown.product_id)
        self.assertEqual(unknown.marketplace_id, self.marketplace_ca)
        self.assertEqual(unknown.amazon_status, "incomplete")
        self.assertEqual(
            unknown.amazon_issues, "90220: 'size' is required but not supplied."
        )
        self.assertEqual(unknown.amazon_barcode, "012345678905")
        # The unpaired ones are listed by a filter and counted on the account.
        unpaired = self.env["amazon.offer"].search(
            [("account_id", "=", self.account.id), ("product_id", "=", False)]
        )
        self.assertEqual(unpaired.mapped("sku"), ["FBA-VASE", "UNKNOWN-1"])
        self.assertEqual(self.account.unpaired_offer_count, 2)
        # A listing is a SKU in a marketplace: LAMP-1 is two.
        self.assertIn(
            "5 listings read in 3 marketplaces: 4 offers created",
            action["params"]["message"],
        )
        self.assertIn(
            "1 by internal reference, 1 by barcode", self.account.listings_message
        )
        # The report was the way: per marketplace, one request, one poll, one
        # download; and one search of the listings with issues.
        calls = [
            r["operation"] for r in self.sandbox_state.received() if r["operation"]
        ]
        self.assertEqual(calls.count("reports.createReport"), 3)
        self.assertEqual(calls.count("reports.getReportDocument"), 3)
        self.assertEqual(calls.count("listingsItems.searchListingsItems"), 3)

    def test_a_barcode_stored_zero_padded_still_pairs(self):
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "barcode": "0012345678905", "type": "consu"}
        )
        self._import()
        self.assertEqual(self._offers()["UNKNOWN-1"].product_id, kettle)

    def test_an_import_never_overwrites_what_a_person_set(self):
        self._import()
        offers = self._offers()
        mug_offer = offers["LAMP-1"]
        # Chosen by hand: another product; settings of the offer; one unpaired by hand.
        mug_offer.write(
            {
                "product_id": self.mug.id,
                "send_stock": False,
                "buffer_override": True,
                "safety_buffer": 3,
                "use_fixed_price": True,
                "fixed_price": 25.0,
            }
        )
        offers["AMZ-CHAIR"].product_id = False
        self.assertEqual(offers["AMZ-CHAIR"].paired_by, "manual")
        # Amazon's side changes.
        item = self.sandbox_state.listings[DEFAULT_SELLER_ID]["LAMP-1"]
        item["itemName"] = "Desk lamp, brass"
        item["attributes"]["fulfillment_availability"][0]["quantity"] = 9
        self._import()
        self.assertEqual(mug_offer.product_id, self.mug)
        self.assertEqual(mug_offer.paired_by, "manual")
        self.assertEqual(
            (mug_offer.send_stock, mug_offer.safety_buffer, mug_offer.fixed_price),
            (False, 3, 25.0),
        )
        self.assertEqual(mug_offer.amazon_title, "Desk lamp, brass")  # Amazon's own
        self.assertEqual(mug_offer.amazon_quantity, 9)
        self.assertFalse(offers["AMZ-CHAIR"].product_id)  # left unpaired
        self.assertEqual(len(self._offers()), 4)  # no offer twice

    def test_products_can_be_created_for_the_listings_that_match_none(self):
        self.account.listings_create_products = True
        self._import()
        kettle = self._offers()["UNKNOWN-1"].product_id
        self.assertEqual(
            (kettle.name, kettle.default_code, kettle.barcode, kettle.is_storable),
            ("Kettle, steel", "UNKNOWN-1", "012345678905", True),
        )
        self.assertEqual(self._offers()["UNKNOWN-1"].paired_by, "created")
        self.assertEqual(kettle.company_id, self.account.company_id)
        self.assertFalse(self.account.unpaired_offer_count)

    def test_an_unpaired_offer_is_paired_by_hand_or_given_a_product(self):
        self._import()
        offer = self._offers()["UNKNOWN-1"]
        offer.product_id = self.mug
        self.assertEqual(offer.paired_by, "manual")
        self._import()
        self.assertEqual(offer.product_id, self.mug)
        vase = self._offers()["FBA-VASE"]
        vase.action_create_product()
        self.assertEqual(vase.product_id.name, "Blue vase")
        self.assertEqual(self.lamp.product_tmpl_id.amazon_offer_count, 1)

    def test_amazon_still_making_the_report_finishes_in_the_background(self):
        self.sandbox_state.report_settings["polls"] = 50
        with time_travel():
            action = self.account.action_import_listings()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("preparing", action["params"]["message"])
        self.assertFalse(self._offers())
        cron = self.env.ref("amazon_connector.ir_cron_import_listings")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        # A later run finds the reports done; no report is asked for twice.
        self.sandbox_state.report_settings["polls"] = 0
        for report in self.sandbox_state.reports.values():
            report["polls"] = 0
        self.assertTrue(self.account._amazon_import_listings(600))
        self.assertEqual(len(self._offers()), 4)
        self.assertEqual(len(self.sandbox_state.received("reports.createReport")), 3)

    def test_a_throttled_import_is_tried_again_soon(self):
        self.sandbox_state.faults.add(
            Fault("throttle", "reports.createReport", count=-1)
        )
        with time_travel() as frozen:  # the client's backoff takes no real time
            action = self.account.action_import_listings()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertIn("limiting the requests", action["params"]["message"])
            cron = self.env.ref("amazon_connector.ir_cron_import_listings")
            (trigger,) = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertGreater(trigger.call_at, fields.Datetime.now())
            self.sandbox_state.faults.clear()
            frozen.tick(timedelta(minutes=15))
            self.account._amazon_import_listings(600)
        self.assertEqual(len(self._offers()), 4)

    def test_a_report_line_amazon_wrote_wrong_does_not_stop_the_others(self):
        item = self.sandbox_state.listings[DEFAULT_SELLER_ID]["LAMP-1"]
        item["attributes"]["fulfillment_availability"][0]["quantity"] = -3
        self._import()
        self.assertEqual(set(self._offers()), {"AMZ-CHAIR", "FBA-VASE", "UNKNOWN-1"})
        # LAMP-1 is listed in two marketplaces: its line is wrong in both reports.
        self.assertIn("2 report lines could not be read", self.account.listings_message)

    def test_the_order_import_pairs_an_unpaired_offer_by_reference(self):
        self._import()
        offer = self._offers()["UNKNOWN-1"]
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "default_code": "UNKNOWN-1", "type": "consu"}
        )
        order = make_order(
            self.marketplace_us, [{"sku": "UNKNOWN-1", "quantity": 1, "price": 20}]
        )
        self._put(DEFAULT_SELLER_ID, order)
        self._sync(self.account)
        self.assertEqual(
            self._sale_order(order, self.account).order_line.product_id, kettle
        )
        self.assertEqual((offer.product_id, offer.paired_by), (kettle, "order"))

    def test_only_amazon_administrators_import_listings(self):
        salesperson = new_test_user(
            self.env, "offer.salesperson", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self.account.with_user(salesperson).action_import_listings()
        self._import()
        offers = self.env["amazon.offer"].with_user(salesperson).search([])
        self.assertEqual(len(offers), 4)  # salespeople read offers
        with self.assertRaises(AccessError):
            offers[:1].product_id = self.mug
