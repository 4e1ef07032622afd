from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    # One location per network under an FBA location: two workers that create it at
    # once cannot both succeed.
    _amazon_fba_network_unique = models.UniqueIndex(
        "(location_id, amazon_fba_network) WHERE amazon_fba_network IS NOT NULL"
    )

    amazon_fba_network = fields.Char(
        string="Amazon Fulfilment Network",
        help="The Amazon fulfilment network (a country, or EU for the pan-European "
        "one) whose FBA stock this location holds, when an account keeps one FBA "
        "location per country.",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
