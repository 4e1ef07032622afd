"""Search Amazon's product types for a listing profile
(``searchDefinitionsProductTypes``), by keywords or by a product's name, and choose
one."""

from odoo import fields, models
from odoo.exceptions import UserError

from amazon_sp import product_types


class AmazonProductTypeSearch(models.TransientModel):
    _name = "amazon.product.type.search"
    _description = "Search Amazon Product Types"

    profile_id = fields.Many2one(
        comodel_name="amazon.listing.profile", required=True, ondelete="cascade"
    )
    by = fields.Selection(
        string="Search By",
        selection=[("keywords", "Keywords"), ("item_name", "A Product's Name")],
        default="keywords",
        required=True,
    )
    keywords = fields.Char(
        help="Words that describe the products, e.g. suitcase, or a product's name."
    )
    result_ids = fields.One2many(
        comodel_name="amazon.product.type.search.result",
        inverse_name="search_id",
        string="Product Types",
    )
    searched = fields.Boolean()

    def action_search(self):
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        if not (self.keywords or "").strip():
            raise UserError(self.env._("Type what to search for."))
        profile = self.profile_id
        marketplace = profile.marketplace_ids[:1] or (
            profile.account_id._amazon_main_marketplace()
        )
        words = self.keywords.strip()
        found = profile.account_id._amazon_call(
            lambda c: product_types.search_product_types(
                c,
                marketplace.api_ref,
                keywords=[w for w in words.replace(",", " ").split() if w]
                if self.by == "keywords"
                else None,
                item_name=words if self.by == "item_name" else None,
            )
        )
        self.result_ids.unlink()
        self.write(
            {
                "searched": True,
                "result_ids": [
                    fields.Command.create(
                        {"name": found_type.name, "label": found_type.display_name}
                    )
                    for found_type in found
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Search Amazon's product types"),
        }


class AmazonProductTypeSearchResult(models.TransientModel):
    _name = "amazon.product.type.search.result"
    _description = "Amazon Product Type Found"

    search_id = fields.Many2one(
        comodel_name="amazon.product.type.search", required=True, ondelete="cascade"
    )
    name = fields.Char(string="Product Type", readonly=True)
    label = fields.Char(string="Name", readonly=True)

    def action_choose(self):
        """Use this product type on the profile and read what it requires."""
        self.ensure_one()
        profile = self.search_id.profile_id
        profile.write(
            {
                "product_type": self.name,
                "product_type_label": self.label,
                "mode": "new",
                "required_attributes": False,
            }
        )
        profile.action_load_attributes()
        return {"type": "ir.actions.act_window_close"}
