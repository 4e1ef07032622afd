from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from amazon_sp.sandbox import product_type_data
from amazon_sp.sandbox.faults import Fault

from .common import time_travel
from .common_export import AmazonExportCommon


@tagged("post_install", "-at_install")
class TestPublishFlow(AmazonExportCommon):
    def test_a_report_amazon_has_not_finished_is_read_by_the_scheduled_check(self):
        profile = self._luggage_profile()
        self.sandbox_state.faults.add(Fault("forbidden_bare", "feeds.getFeed"))
        summary = profile.sudo()._amazon_publish()
        self.assertEqual((summary["sent"], summary["waiting"]), (2, 2))
        self.assertEqual(set(profile.offer_ids.mapped("listing_state")), {"sending"})
        # While Amazon has not said, no stock or price is sent for them.
        self.assertEqual(profile.offer_ids._amazon_feed_messages(), [])
        self.assertTrue(self.account._amazon_check_listing_results())
        self.assertEqual(set(profile.offer_ids.mapped("listing_state")), {"listed"})

    def test_the_schema_is_downloaded_once_per_version(self):
        profile = self._luggage_profile()  # reads the definition
        state = self.sandbox_state
        downloads = state.schema_downloads
        profile.sudo()._amazon_publish(self.trolley)
        definitions = "productTypeDefinitions.getDefinitionsProductType"
        self.assertEqual(len(state.received(definitions)), 1)
        self.assertEqual(state.schema_downloads, downloads)
        with time_travel() as traveller:
            traveller.move_to(fields.Datetime.now() + timedelta(hours=2))
            profile.sudo()._amazon_publish(self.duffel)
            # Asked again after an hour: the same version, no download.
            self.assertEqual(len(state.received(definitions)), 2)
            self.assertEqual(state.schema_downloads, downloads)
            product_type_data.PRODUCT_TYPES["LUGGAGE"]["version"] = "U8sBX1LUGGAGE"
            self.addCleanup(
                product_type_data.PRODUCT_TYPES["LUGGAGE"].__setitem__,
                "version",
                "U8sBX0LUGGAGE",
            )
            traveller.move_to(fields.Datetime.now() + timedelta(hours=2))
            self.trolley.name = "Cabin Trolley 55 cm"
            profile.sudo()._amazon_publish(self.trolley)
            self.assertEqual(state.schema_downloads, downloads + 1)
        kept = self.env["amazon.product.type"].search([("name", "=", "LUGGAGE")])
        self.assertEqual(
            sorted(kept.mapped("version")), ["U8sBX0LUGGAGE", "U8sBX1LUGGAGE"]
        )
        self.assertEqual(kept.filtered("latest").version, "U8sBX1LUGGAGE")

    def test_product_types_are_searched_on_amazon_and_chosen(self):
        profile = self._offer_profile(
            mode="new", categ_ids=[Command.set(self.category.ids)]
        )
        self.assertFalse(profile.is_ready)
        action = profile.action_search_product_type()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"keywords": "suitcase"})
        )
        wizard.action_search()
        self.assertEqual(wizard.result_ids.mapped("name"), ["LUGGAGE"])
        wizard.result_ids.action_choose()
        self.assertEqual(profile.product_type, "LUGGAGE")
        lines = {line.attribute: line for line in profile.line_ids}
        self.assertEqual(
            sorted(lines),
            ["brand", "bullet_point", "item_name", "item_package_weight", "material"],
        )
        # Obvious sources are set: the name, the weight, the Material attribute.
        self.assertEqual(lines["item_name"].field_id.name, "name")
        self.assertEqual(lines["item_package_weight"].field_id.name, "weight")
        self.assertEqual(lines["material"].product_attribute_id, self.material)
        self.assertIn("Brand Name", profile.blocking_reason)
        self.assertIn("Bullet Point", profile.blocking_reason)

    def test_nested_values_from_parts(self):
        profile = self._luggage_profile()
        weight = self.env["ir.model.fields"]._get("product.product", "weight")
        profile.write(
            {
                "line_ids": [
                    Command.create(
                        {
                            "attribute": "item_package_dimensions",
                            "part": part,
                            "source": "fixed",
                            "fixed_value": value,
                        }
                    )
                    for part, value in (
                        ("length", "55"),
                        ("width", "40"),
                        ("height", "20"),
                    )
                ]
                + [
                    Command.create(
                        {
                            "attribute": "item_package_weight",
                            "unit": "pounds",
                            "source": "field",
                            "field_id": weight.id,
                        }
                    )
                ],
            }
        )
        profile.line_ids.filtered(
            lambda line: line.attribute == "item_package_weight" and not line.unit
        ).unlink()
        profile.sudo()._amazon_publish(self.trolley)
        attributes = self._amazon_item("TROLLEY-55")["attributes"]
        self.assertEqual(
            attributes["item_package_dimensions"][0]["height"],
            {"value": 20, "unit": "centimeters"},
        )
        self.assertEqual(attributes["item_package_weight"][0]["unit"], "pounds")

    def test_an_interrupted_publish_is_published_again(self):
        profile = self._luggage_profile()
        offer = profile.sudo()._amazon_offers(self.trolley)
        feed = self.env["amazon.listings.feed"].create(
            {
                "account_id": self.account.id,
                "kind": "listings",
                "messages": {"1": {"res_id": offer.id, "part": "listing", "hash": "x"}},
                "message_count": 1,
            }
        )
        offer._amazon_feed_pending(feed)
        self.assertEqual(offer.listing_state, "sending")
        self.account._amazon_check_listing_results()  # may be being sent now
        self.assertEqual(feed.state, "draft")
        with time_travel() as traveller:
            traveller.move_to(fields.Datetime.now() + timedelta(hours=1))
            self.account._amazon_check_listing_results()
        self.assertEqual((feed.state, offer.listing_state), ("cancelled", "to_send"))
        self.assertFalse(offer.feed_id)

    def test_selected_products_are_published_through_their_profiles(self):
        profile = self._luggage_profile()
        action = self.env["amazon.listing.profile"].action_publish_products(
            self.trolley.product_tmpl_id
        )
        self.assertIn(
            "1 listings sent in 1 feeds: 1 accepted", action["params"]["message"]
        )
        self.assertEqual(profile.offer_ids.mapped("sku"), ["TROLLEY-55"])
        with self.assertRaisesRegex(UserError, "No listing profile lists these"):
            self.env["amazon.listing.profile"].action_publish_products(self.lamp)
