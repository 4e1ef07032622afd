from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_export import AmazonExportCommon


@tagged("post_install", "-at_install")
class TestListingProfiles(AmazonExportCommon):
    def test_a_profile_lists_the_products_of_its_category(self):
        profile = self._luggage_profile()
        self.assertTrue(profile.is_ready, profile.blocking_reason)
        self.assertEqual(profile.product_count, 2)
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["feeds"]), (2, 1))
        self.assertEqual(summary["accepted"], 2)
        item = self._amazon_item("TROLLEY-55")
        self.assertEqual(self._values(item, "item_name"), ["Cabin Trolley 55"])
        self.assertEqual(self._values(item, "brand"), ["Voyago"])
        self.assertEqual(self._values(item, "material"), ["polycarbonate"])
        self.assertEqual(
            self._values(item, "bullet_point"), ["Four silent wheels", "TSA lock"]
        )
        self.assertEqual(item["attributes"]["item_package_weight"][0]["value"], 2.5)
        offer = profile.offer_ids.filtered(lambda o: o.sku == "TROLLEY-55")
        self.assertEqual(offer.listing_state, "listed")
        # Listed: its stock and price now go with the offers sync.
        self.assertIn(
            offer, self.env["amazon.offer"].search([("sku", "=", "TROLLEY-55")])
        )

    def test_a_required_attribute_without_source_blocks_the_profile(self):
        profile = self._luggage_profile(brand_from=None)
        self.assertFalse(profile.is_ready)
        self.assertIn("Brand Name", profile.blocking_reason)
        with self.assertRaisesRegex(UserError, "Brand Name"):
            profile.action_publish()
        self.assertEqual(self._listings_feeds(), [])
        profile.line_ids.filtered(lambda line: line.attribute == "brand").write(
            {"source": "fixed", "fixed_value": "Voyago"}
        )
        self.assertTrue(profile.is_ready)

    def test_images_are_sent_only_from_a_public_address(self):
        self.trolley.image_1920 = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEA"
            "wS2OUAAAAABJRU5ErkJggg=="
        )
        profile = self._luggage_profile()
        profile.sudo()._amazon_publish(self.trolley)
        (location,) = self._amazon_item("TROLLEY-55")["attributes"][
            "main_product_image_locator"
        ]
        self.assertTrue(
            location["media_location"].startswith(
                f"https://shop.example.com/amazon/image/{self.trolley.id}/"
            )
        )
        self.env["ir.config_parameter"].set_param(
            "web.base.url", "http://localhost:8069"
        )
        profile.invalidate_recordset()
        self.assertFalse(profile.is_ready)
        self.assertIn("Amazon cannot reach", profile.blocking_reason)
        profile.send_images = False
        self.assertTrue(profile.is_ready)


@tagged("post_install", "-at_install")
class TestOfferOnly(AmazonExportCommon):
    def test_one_match_by_barcode_is_listed_with_the_offer_attributes(self):
        profile = self._offer_profile(product_ids=[Command.set(self.chair.ids)])
        summary = profile.sudo()._amazon_publish()
        self.assertEqual(summary["accepted"], 1)
        (message,) = self._feed_messages()
        self.assertEqual(
            (message["productType"], message["requirements"]),
            ("PRODUCT", "LISTING_OFFER_ONLY"),
        )
        attributes = message["attributes"]
        self.assertEqual(
            attributes["merchant_suggested_asin"][0]["value"], "B0SBXCAT01"
        )
        self.assertEqual(attributes["condition_type"][0]["value"], "new_new")
        self.assertEqual(
            attributes["purchasable_offer"][0]["our_price"][0]["schedule"][0][
                "value_with_tax"
            ],
            50.0,
        )
        offer = profile.offer_ids
        self.assertEqual((offer.asin, offer.listing_state), ("B0SBXCAT01", "listed"))
        self.assertEqual(self._amazon_item("CHAIR-1")["asin"], "B0SBXCAT01")

    def test_several_matches_wait_for_the_sellers_choice(self):
        self.mug.barcode = "5901234123457"
        profile = self._offer_profile(product_ids=[Command.set(self.mug.ids)])
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["to_match"]), (0, 1))
        offer = profile.offer_ids
        self.assertEqual(offer.listing_state, "to_match")
        self.assertEqual(
            offer.catalog_match_ids.mapped("title"),
            ["Travel Mug 350 ml, steel", "Travel Mug 350 ml, steel (pack of 2)"],
        )
        offer.catalog_match_ids.filtered(
            lambda m: m.asin == "B0SBXCAT03"
        ).action_choose()
        self.assertEqual((offer.asin, offer.listing_state), ("B0SBXCAT03", "to_send"))
        profile.sudo()._amazon_publish()
        self.assertEqual(offer.listing_state, "listed")
        self.assertEqual(self._amazon_item("MUG-1")["asin"], "B0SBXCAT03")

    def test_no_barcode_or_no_match_is_said_on_the_offer(self):
        self.lamp.barcode = "4000000000006"
        profile = self._offer_profile(
            product_ids=[Command.set((self.lamp | self.mug).ids)]
        )
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["invalid"]), (0, 2))
        texts = dict(
            zip(
                profile.offer_ids.mapped("sku"),
                profile.offer_ids.mapped("listing_issues"),
                strict=True,
            )
        )
        self.assertIn("no product with barcode 4000000000006", texts["LAMP-1"])
        self.assertIn("no barcode", texts["MUG-1"])


@tagged("post_install", "-at_install")
class TestValidationAndResults(AmazonExportCommon):
    def test_local_validation_errors_are_shown_and_nothing_is_sent(self):
        self.trolley.description_sale = "Four silent wheels\n" + "x" * 501
        self.duffel.product_tmpl_id.attribute_line_ids.filtered(
            lambda line: line.attribute_id == self.material
        ).unlink()
        profile = self._luggage_profile()
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["invalid"]), (0, 2))
        self.assertEqual(self._listings_feeds(), [])
        offers = {offer.sku: offer for offer in profile.offer_ids}
        self.assertEqual(offers["TROLLEY-55"].listing_state, "invalid")
        self.assertEqual(
            offers["TROLLEY-55"].listing_issues,
            "Bullet Point 2 is longer than 500 characters",
        )
        self.assertEqual(offers["DUFFEL-1"].listing_issues, "Material is required")

    def test_one_product_refused_by_amazon_while_the_other_is_accepted(self):
        gated = self._suitcase("Gated Case", "GATED-1", "nylon", brand="GatedBrand")
        profile = self._luggage_profile(product_ids=[Command.set(gated.ids)])
        summary = profile.sudo()._amazon_publish()
        self.assertEqual(
            (summary["sent"], summary["accepted"], summary["refused"]), (3, 2, 1)
        )
        offer = profile.offer_ids.filtered(lambda o: o.sku == "GATED-1")
        self.assertEqual(offer.listing_state, "refused")
        self.assertIn(
            "You need approval to list products of brand 'GatedBrand'",
            offer.listing_issues,
        )
        self.assertIn("(brand)", offer.listing_issues)
        self.assertIsNone(self._amazon_item("GATED-1"))
        # The account's responsible user is told once.
        activity = self.account.activity_ids.filtered(
            lambda a: a.amazon_cause == "listings_refused"
        )
        self.account._amazon_listing_refusals_activity()
        activity = self.account.activity_ids.filtered(
            lambda a: a.amazon_cause == "listings_refused"
        )
        self.assertEqual(len(activity), 1)
        # No stock or price is sent for a listing Amazon does not hold.
        self.assertEqual(offer._amazon_feed_messages(), [])

    def test_unchanged_products_are_not_sent_again(self):
        profile = self._luggage_profile()
        profile.sudo()._amazon_publish()
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["unchanged"]), (0, 2))
        self.assertEqual(len(self._listings_feeds()), 1)
        self.trolley.list_price = 99.0  # an offer value: the offers sync sends it
        self.assertEqual(profile.sudo()._amazon_publish()["sent"], 0)
        self.trolley.name = "Cabin Trolley 55 cm"
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["unchanged"]), (1, 1))
        self.assertEqual(
            self._values(self._amazon_item("TROLLEY-55"), "item_name"),
            ["Cabin Trolley 55 cm"],
        )

    def test_check_with_amazon_shows_amazons_issues_and_lists_nothing(self):
        gated = self._suitcase("Gated Case", "GATED-1", "nylon", brand="GatedBrand")
        profile = self._luggage_profile(product_ids=[Command.set(gated.ids)])
        profile.sudo()._amazon_offers(gated)
        offer = profile.offer_ids.filtered(lambda o: o.sku == "GATED-1")
        action = offer.action_check_with_amazon()
        self.assertIn("Amazon would refuse", action["params"]["message"])
        self.assertIn("(brand)", offer.listing_check)
        self.assertIsNone(self._amazon_item("GATED-1"))
        received = self.sandbox_state.received("listingsItems.putListingsItem")
        self.assertEqual(received[-1]["query"]["mode"], "VALIDATION_PREVIEW")

    def test_remove_from_amazon(self):
        profile = self._luggage_profile()
        profile.sudo()._amazon_publish(self.trolley)
        offer = profile.offer_ids
        self.assertTrue(self._amazon_item("TROLLEY-55"))
        offer.action_remove_from_amazon()
        self.assertIsNone(self._amazon_item("TROLLEY-55"))
        self.assertEqual(offer.listing_state, "removed")
        self.assertFalse(offer.send_stock)
        self.assertEqual(offer._amazon_feed_messages(), [])


@tagged("post_install", "-at_install")
class TestTranslationsAndAccess(AmazonExportCommon):
    def test_a_title_translated_for_amazon_fr(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.trolley.product_tmpl_id.with_context(
            lang="fr_FR"
        ).name = "Valise cabine 55"
        profile = self._luggage_profile(
            account_id=self.eu_account.id,
            marketplace_ids=[Command.set(self.marketplace_fr.ids)],
            product_ids=[Command.set(self.trolley.ids)],
            categ_ids=[Command.clear()],
        )
        profile.sudo()._amazon_publish()
        (message,) = self._feed_messages()
        self.assertEqual(
            message["attributes"]["item_name"],
            [
                {
                    "value": "Valise cabine 55",
                    "language_tag": "fr_FR",
                    "marketplace_id": "A13V1IB3VIYZZH",
                }
            ],
        )

    def test_only_amazon_administrators_publish(self):
        profile = self._luggage_profile()
        salesperson = new_test_user(
            self.env,
            login="amazon_seller_user",
            groups="sales_team.group_sale_salesman,amazon_connector.group_amazon_user",
        )
        as_user = profile.with_user(salesperson)
        self.assertEqual(as_user.name, "Suitcases")  # they see it
        with self.assertRaises(AccessError):
            as_user.action_publish()
        with self.assertRaises(AccessError):
            as_user.write({"name": "Mine"})
        profile.sudo()._amazon_publish(self.trolley)
        with self.assertRaises(AccessError):
            profile.offer_ids.with_user(salesperson).action_remove_from_amazon()
        self.assertTrue(self._amazon_item("TROLLEY-55"))
