from odoo.tests import HttpCase, new_test_user, tagged

from amazon_sp.sandbox import DEFAULT_SELLER_ID

from .common import TourMixin, make_order
from .test_invoicing import AmazonInvoicingCommon


@tagged("post_install", "-at_install")
class TestInvoicingTour(TourMixin, HttpCase, AmazonInvoicingCommon):
    def test_an_accountant_finds_invoices_and_failed_invoices(self):
        shipped = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 3.08}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            order_id="111-0000001-0000001",
        )
        wrong_tax = make_order(
            self.marketplace_us,
            [{"sku": "LAMP-1", "price": 30.00, "tax": 9.99}],
            status="SHIPPED",
            fulfilled_by="AMAZON",
            order_id="111-0000002-0000002",
        )
        self._put(DEFAULT_SELLER_ID, shipped, wrong_tax)
        self._sync(self.account)
        self.assertTrue(self._invoices(self._sale_order(shipped, self.account)))
        new_test_user(
            self.env,
            login="accountant",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "account.group_account_manager,amazon_connector.group_amazon_user",
        )
        self.start_tour(
            "/odoo/action-amazon_connector.action_amazon_sale_orders",
            "amazon_connector_invoicing_tour",
            login="accountant",
        )
