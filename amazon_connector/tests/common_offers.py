from odoo import Command

from amazon_sp.sandbox import DEFAULT_SELLER_ID, listingsdata

from .common import EU_SELLER_ID, AmazonImportCommon

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
DE = "A1PA6795UKMFR9"
FR = "A13V1IB3VIYZZH"


class AmazonOfferCommon(AmazonImportCommon):
    """Listings on Amazon (the sandbox), products with stock in two warehouses, and
    the NA and EU accounts sending stock."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.warehouse2 = cls.env["stock.warehouse"].create(
            {"name": "Second Warehouse", "code": "WH2"}
        )
        cls.chair = cls.env["product.product"].create(
            {
                "name": "Chair",
                "default_code": "CHAIR-1",
                "barcode": "4006381333931",
                "type": "consu",
                "is_storable": True,
                "list_price": 50.0,
            }
        )
        cls.lamp.is_storable = True
        for account in (cls.account, cls.eu_account):
            account.write(
                {"offer_send_stock": True, "offer_warehouse_ids": [Command.set([])]}
            )

    # --- Amazon's side (the sandbox) ---

    def _list_on_amazon(self, seller_id, sku, marketplaces, **values):
        """A listing on Amazon (see amazon_sp.sandbox.listingsdata.new_item)."""
        state = self.sandbox_state
        region = state.sellers[seller_id].region
        item = listingsdata.new_item(
            sku, marketplaces, state.clock.now(), region=region, **values
        )
        with state.lock:
            state.listings.setdefault(seller_id, {})[sku] = item
        return item

    def _amazon_holds(self, sku, seller_id=DEFAULT_SELLER_ID):
        """What Amazon holds now of a SKU: quantity, handling time, prices."""
        item = self.sandbox_state.listings[seller_id][sku]
        return {
            "quantity": listingsdata.quantity(item),
            "handling": listingsdata.handling_time(item),
            "channel": listingsdata.channel(item),
            "prices": {m: listingsdata.price(item, m) for m in item["marketplaces"]},
        }

    def _listings_feeds(self):
        """The JSON_LISTINGS_FEEDs Amazon received (their documents)."""
        import json

        return [
            json.loads(feed["input"])
            for feed in self.sandbox_state.feeds.values()
            if feed["feedType"] == "JSON_LISTINGS_FEED"
        ]

    # --- Odoo's side ---

    def _stock(self, product, quantity, location=None):
        """Set a product's quantity on hand in a location (the first warehouse's
        stock by default)."""
        location = location or self.warehouse.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(product, location, quantity)

    def _offer(self, sku, account=None, **values):
        account = account or self.account
        return self.env["amazon.offer"].create(
            {
                "account_id": account.id,
                "sku": sku,
                "marketplace_id": (
                    self.marketplace_us
                    if account == self.account
                    else self.marketplace_de
                ).id,
                **values,
            }
        )

    def _deliver(self, product, quantity, warehouse=None, validate=True):
        """A delivery of a product from a warehouse, confirmed (and validated)."""
        warehouse = warehouse or self.warehouse
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        if validate:
            picking.action_assign()
            picking.move_ids.quantity = quantity
            picking.move_ids.picked = True
            picking._action_done()
        return picking

    def _send(self, account=None, **kwargs):
        account = account or self.account
        summary = account._amazon_send_offers(600, min_interval=0, **kwargs)
        self.assertFalse(summary.get("error"), summary.get("error"))
        return summary


__all__ = ["CA", "DE", "EU_SELLER_ID", "FR", "US", "AmazonOfferCommon"]
