from odoo.tests import HttpCase, tagged

from .common import AmazonCommon, TourMixin


@tagged("post_install", "-at_install")
class TestAmazonSmokeTour(TourMixin, HttpCase, AmazonCommon):
    def test_an_administrator_opens_the_amazon_accounts(self):
        self.start_tour(
            "/odoo/action-amazon_connector.action_amazon_account",
            "amazon_connector_smoke_tour",
            login="admin",
        )
