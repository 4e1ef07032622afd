from odoo.addons.sale.tests.common import SaleCommon

from amazon_sp.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    DEFAULT_SELLER_ID,
    Sandbox,
    Seller,
    default_state,
)

EU_SELLER_ID = "AEUSANDBOXSELLER"
EU_REFRESH_TOKEN = "Atzr|sandbox-eu-refresh-token"
EU_MARKETPLACES = ["A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1F83G8C2ARO7P"]  # DE, FR, UK


class AmazonCommon(SaleCommon):
    """A local SP-API sandbox on 127.0.0.1 serving two sellers (one in North America,
    one in Europe) of one application, and an account for the North American one.

    The sandbox is the real server of ``amazon_sp.sandbox``: accounts reach it through
    python-amazon-sp-api over HTTP.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        state = default_state(enforce_rate_limits=False)
        state.add_seller(
            Seller(
                seller_id=EU_SELLER_ID,
                region="EU",
                marketplaces=list(EU_MARKETPLACES),
                refresh_tokens={EU_REFRESH_TOKEN},
                client_id=DEFAULT_CLIENT_ID,
            )
        )
        cls.sandbox = Sandbox(state).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.sandbox_state = state
        cls.marketplace_us = cls.env.ref("amazon_connector.marketplace_us")
        cls.marketplace_ca = cls.env.ref("amazon_connector.marketplace_ca")
        cls.marketplace_mx = cls.env.ref("amazon_connector.marketplace_mx")
        cls.marketplace_br = cls.env.ref("amazon_connector.marketplace_br")
        cls.marketplace_de = cls.env.ref("amazon_connector.marketplace_de")
        cls.marketplace_fr = cls.env.ref("amazon_connector.marketplace_fr")
        cls.marketplace_uk = cls.env.ref("amazon_connector.marketplace_uk")
        cls.account = cls._create_account()

    @classmethod
    def _account_values(cls, **values):
        return {
            "name": "Sandbox NA",
            "seller_id": DEFAULT_SELLER_ID,
            "region": "NA",
            "lwa_client_id": DEFAULT_CLIENT_ID,
            "lwa_client_secret": DEFAULT_CLIENT_SECRET,
            "refresh_token": DEFAULT_REFRESH_TOKEN,
            "environment": "local",
            "local_endpoint": cls.sandbox.url,
            **values,
        }

    @classmethod
    def _create_account(cls, **values):
        return cls.env["amazon.account"].create(cls._account_values(**values))

    @classmethod
    def _eu_account_values(cls, **values):
        return cls._account_values(
            name="Sandbox EU",
            seller_id=EU_SELLER_ID,
            region="EU",
            refresh_token=EU_REFRESH_TOKEN,
            **values,
        )
