"""An Amazon product that a product's barcode matches, when Amazon lists several
under one barcode: the seller chooses the one the offer sells."""

from odoo import fields, models
from odoo.tools import plaintext2html


class AmazonCatalogMatch(models.Model):
    _name = "amazon.catalog.match"
    _description = "Amazon Product Matching a Barcode"
    _order = "offer_id, asin"

    offer_id = fields.Many2one(
        comodel_name="amazon.offer", required=True, index=True, ondelete="cascade"
    )
    asin = fields.Char(string="ASIN", required=True)
    title = fields.Char(string="Title on Amazon")
    brand = fields.Char()
    product_type = fields.Char()

    def action_choose(self):
        """This is the Amazon product the offer sells."""
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        offer = self.offer_id.sudo()
        offer.write(
            {
                "asin": self.asin,
                "amazon_title": self.title,
                "listing_state": "to_send",
                "listing_issues": False,
            }
        )
        offer.message_post(
            body=plaintext2html(
                self.env._(
                    "Amazon product %(asin)s (%(title)s) chosen by %(user)s.",
                    asin=self.asin,
                    title=self.title or "-",
                    user=self.env.user.name,
                )
            )
        )
        offer.catalog_match_ids.sudo().unlink()
        return {"type": "ir.actions.client", "tag": "soft_reload"}
