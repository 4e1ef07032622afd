from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AmazonAccountPricelist(models.Model):
    """The pricelist whose prices an Amazon account sends to one of its marketplaces."""

    _name = "amazon.account.pricelist"
    _description = "Amazon Marketplace Pricelist"
    _order = "account_id, marketplace_id"
    _check_company_auto = True

    _marketplace_unique = models.Constraint(
        "UNIQUE(account_id, marketplace_id)",
        "Each marketplace of an account has one pricelist.",
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace",
        required=True,
        domain="[('id', 'in', available_marketplace_ids)]",
    )
    available_marketplace_ids = fields.Many2many(
        related="account_id.available_marketplace_ids"
    )
    currency_id = fields.Many2one(related="marketplace_id.currency_id")
    tax_included = fields.Boolean(related="marketplace_id.tax_included")
    pricelist_id = fields.Many2one(
        comodel_name="product.pricelist",
        help="Its price for one unit is sent to Amazon, in the marketplace's currency, "
        "with the product's sales taxes added where the marketplace's prices include "
        "tax.",
        required=True,
        check_company=True,
        domain="[('currency_id', '=', currency_id)]",
    )
    fiscal_position_id = fields.Many2one(
        comodel_name="account.fiscal.position",
        help="Map the product's sales taxes through this fiscal position before adding "
        "them (e.g. the VAT of the marketplace's country under OSS).",
        check_company=True,
    )

    # === CONSTRAINT METHODS === #

    @api.constrains("pricelist_id", "marketplace_id")
    def _check_currency(self):
        for line in self:
            if line.pricelist_id.currency_id != line.marketplace_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "The pricelist of %(marketplace)s must be in %(currency)s, the "
                        "marketplace's currency (%(pricelist)s is in %(other)s).",
                        marketplace=line.marketplace_id.name,
                        currency=line.marketplace_id.currency_id.name,
                        pricelist=line.pricelist_id.name,
                        other=line.pricelist_id.currency_id.name,
                    )
                )
