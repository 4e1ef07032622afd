from odoo import api, models


class StockMove(models.Model):
    _inherit = "stock.move"

    # === COMPUTE METHODS === #

    @api.depends("sale_line_id.amazon_title", "sale_line_id.amazon_sku")
    def _compute_description_picking(self):
        """Override of `stock` to describe an Amazon item on its delivery by its title
        and SKU, as the packer reads the Amazon order (not "Amazon Sale", nor the
        condition note of the sales line)."""
        res = super()._compute_description_picking()
        for move in self:
            line = move.sale_line_id
            if (
                line.amazon_line_kind == "item"
                and line.amazon_sku
                and not move.description_picking_manual
            ):
                move.description_picking = line._amazon_item_label()
        return res
