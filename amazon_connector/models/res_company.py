from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    amazon_fba_location_id = fields.Many2one(
        comodel_name="stock.location",
        string="Amazon FBA Location",
        help="The stock location of the goods stored in Amazon's warehouses: FBA "
        "orders leave from it.",
        check_company=True,
    )

    # === BUSINESS METHODS === #

    def _amazon_fba_location(self):
        """Return the company's Amazon FBA location, created at first use.

        :rtype: stock.location
        """
        self.ensure_one()
        if not self.amazon_fba_location_id:
            # Outside every warehouse: FBA stock is not the merchant's to pick and ship.
            location = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Amazon FBA"),
                        "usage": "internal",
                        "company_id": self.id,
                    }
                )
            )
            self.sudo().amazon_fba_location_id = location
        return self.amazon_fba_location_id
