from odoo.tests import HttpCase, tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import TourMixin
from .common_offers import US, AmazonOfferCommon


@tagged("post_install", "-at_install")
class TestOffersTour(TourMixin, HttpCase, AmazonOfferCommon):
    def test_a_merchant_imports_listings_pairs_an_offer_and_sends_it(self):
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "type": "consu", "is_storable": True}
        )
        self._stock(kettle, 5)
        self._list_on_amazon(
            DEFAULT_SELLER_ID, "KETTLE-9", [US], title="Steel kettle 1.7 l", quantity=0
        )
        self.start_tour(
            "/odoo/action-amazon_connector.action_amazon_account",
            "amazon_connector_offers_tour",
            login="admin",
        )
        offer = self.env["amazon.offer"].search(
            [("account_id", "=", self.account.id), ("sku", "=", "KETTLE-9")]
        )
        self.assertEqual((offer.product_id, offer.paired_by), (kettle, "manual"))
        self.assertEqual(offer.sync_state, "sent")
        self.assertEqual(self._amazon_holds("KETTLE-9")["quantity"], 5)
