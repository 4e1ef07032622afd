import base64

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..models.amazon_listing_profile_publish import image_token
from .common import TourMixin
from .common_export import AmazonExportCommon


@tagged("post_install", "-at_install")
class TestProductExportTour(TourMixin, HttpCase, AmazonExportCommon):
    def test_a_merchant_publishes_two_products_and_sees_one_refused(self):
        self.account.active_marketplace_ids = [Command.set(self.marketplace_us.ids)]
        travel = self.env["product.category"].create({"name": "Travel Cases"})
        self._suitcase("Carry-on Case", "CARRY-1", "polycarbonate", category=travel)
        self._suitcase("Gated Case", "GATED-1", "nylon", "GatedBrand", category=travel)
        self.start_tour(
            "/odoo/action-amazon_connector.action_amazon_listing_profile",
            "amazon_connector_product_export_tour",
            login="admin",
        )
        profile = self.env["amazon.listing.profile"].search([("name", "=", "Travel")])
        states = dict(
            zip(
                profile.offer_ids.mapped("sku"),
                profile.offer_ids.mapped("listing_state"),
                strict=True,
            )
        )
        self.assertEqual(states, {"CARRY-1": "listed", "GATED-1": "refused"})
        self.assertTrue(self._amazon_item("CARRY-1"))
        self.assertIsNone(self._amazon_item("GATED-1"))

    def test_a_products_image_is_served_at_its_public_url(self):
        png = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEA"
            "wS2OUAAAAABJRU5ErkJggg=="
        )
        self.trolley.image_1920 = png
        token = image_token(self.env, self.trolley)
        response = self.url_open(f"/amazon/image/{self.trolley.id}/{token}.jpg")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(response.content, base64.b64decode(png))
        wrong = self.url_open(f"/amazon/image/{self.duffel.id}/{token}.jpg")
        self.assertEqual(wrong.status_code, 404)
        # A new image, a new URL: Amazon downloads it again.
        self.trolley.image_1920 = base64.b64encode(
            base64.b64decode(png)[:-4] + b"\x00\x00\x00\x00"
        )
        self.assertNotEqual(image_token(self.env, self.trolley), token)
