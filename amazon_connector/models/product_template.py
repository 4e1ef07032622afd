from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    amazon_offer_count = fields.Integer(
        string="Amazon Offers",
        compute="_compute_amazon_offer_count",
        groups="amazon_connector.group_amazon_user",
    )

    # === COMPUTE METHODS === #

    def _compute_amazon_offer_count(self):
        counts = {}
        for product, count in self.env["amazon.offer"]._read_group(
            [("product_id.product_tmpl_id", "in", self.ids)],
            ["product_id"],
            ["__count"],
        ):
            template = product.product_tmpl_id
            counts[template] = counts.get(template, 0) + count
        for template in self:
            template.amazon_offer_count = counts.get(template, 0)

    # === ACTION METHODS === #

    def action_view_amazon_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_offer"
        )
        action["domain"] = [("product_id.product_tmpl_id", "=", self.id)]
        action["context"] = {"search_default_group_by_account": 0}
        return action
