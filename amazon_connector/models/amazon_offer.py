from odoo import api, fields, models


class AmazonOffer(models.Model):
    _name = "amazon.offer"
    _description = "Amazon Offer"
    _inherit = ["mail.thread"]
    _order = "account_id, sku"
    _rec_name = "sku"
    _check_company_auto = True

    _sku_unique = models.Constraint(
        "UNIQUE(account_id, sku)",
        "An offer with this SKU already exists for this Amazon account.",
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace",
        help="The marketplace where the offer was first seen.",
        domain="[('id', 'in', available_marketplace_ids)]",
    )
    available_marketplace_ids = fields.Many2many(
        related="account_id.available_marketplace_ids"
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        help="The product sold under this SKU. Amazon orders of this SKU are imported "
        "with this product.",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    product_template_id = fields.Many2one(related="product_id.product_tmpl_id")
    sku = fields.Char(
        string="SKU",
        help="The seller SKU of the offer on Amazon.",
        required=True,
        index=True,
    )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sku"):
                vals["sku"] = vals["sku"].strip()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("sku"):
            vals["sku"] = vals["sku"].strip()
        return super().write(vals)
