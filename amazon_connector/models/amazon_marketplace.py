from odoo import api, fields, models

from .. import const


class AmazonMarketplace(models.Model):
    _name = "amazon.marketplace"
    _description = "Amazon Marketplace"
    _order = "region, name"

    _api_ref_unique = models.Constraint(
        "UNIQUE(api_ref)",
        "A marketplace with this Amazon marketplace ID already exists.",
    )

    name = fields.Char(help="E.g. Amazon.de", required=True)
    code = fields.Char(
        string="Country Code",
        help="ISO 3166-1 code of the marketplace's country, e.g. DE.",
        required=True,
        size=2,
    )
    country_id = fields.Many2one(
        comodel_name="res.country",
    )
    domain = fields.Char(help="E.g. www.amazon.de")
    api_ref = fields.Char(
        string="Marketplace ID",
        help="Amazon's identifier of the marketplace (MarketplaceId), e.g. "
        "A1PA6795UKMFR9.",
        required=True,
        index=True,
    )
    region = fields.Selection(
        help="The Selling Partner API region that serves this marketplace.",
        selection=const.REGION_SELECTION,
        required=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        help="The marketplace's default currency.",
        required=True,
    )
    tax_included = fields.Boolean(
        string="Prices Include Taxes",
        help="Whether the prices Amazon reports for this marketplace include sales "
        "taxes (VAT, GST); they do not in the United States and Canada.",
    )
    active = fields.Boolean(default=True)

    # === ONCHANGE METHODS === #

    @api.onchange("country_id")
    def _onchange_country_id(self):
        if self.country_id:
            self.code = self.country_id.code

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_vals(vals)
        return super().write(vals)

    @api.model
    def _normalize_vals(self, vals):
        for key in ("api_ref", "code"):
            if vals.get(key):
                vals[key] = vals[key].strip().upper()
