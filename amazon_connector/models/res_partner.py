from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    amazon_buyer_key = fields.Char(
        help="Identifies the Amazon buyer (or delivery address) this contact was "
        "created for, so that later orders of the same buyer find it again.",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
