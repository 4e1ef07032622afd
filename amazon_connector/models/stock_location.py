from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    amazon_fba_network = fields.Char(
        string="Amazon Fulfilment Network",
        help="The Amazon fulfilment network (a country, or EU for the pan-European "
        "one) whose FBA stock this location holds, when an account keeps one FBA "
        "location per country.",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
