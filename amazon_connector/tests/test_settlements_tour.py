import base64

from odoo.tests import HttpCase, new_test_user, tagged

from .common import TourMixin
from .common_settlements import AmazonSettlementCommon


@tagged("post_install", "-at_install")
class TestSettlementTour(TourMixin, HttpCase, AmazonSettlementCommon):
    def test_an_accountant_uploads_a_settlement_and_sees_it_reconciled(self):
        order = self._shipped_order()
        result = self._settle(reserve="25.00")
        self.env["ir.attachment"].create(
            {
                "name": "amazon-settlement-tour.txt",
                "public": True,
                "datas": base64.b64encode(result["text"].encode()),
            }
        )
        new_test_user(
            self.env,
            login="settlement_tour",
            password="settlement_tour",
            groups="base.group_user,account.group_account_user",
        )
        self.start_tour(
            "/odoo/action-amazon_connector.action_amazon_settlement",
            "amazon_connector_settlement_tour",
            login="settlement_tour",
        )
        settlement = self._settlement(result)
        self.assertEqual(settlement.state, "reconciled")
        self.assertEqual(settlement.source, "upload")
        self.assertTrue(self._paid(self._invoices(self._sale_order(order))))
