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

    # === BUSINESS METHODS === #

    def _action_confirm(self, *args, **kwargs):
        """Override of `stock` to send the stock of Amazon offers soon: a confirmed
        delivery takes from what Amazon may sell."""
        moves = super()._action_confirm(*args, **kwargs)
        # Confirming merges moves: some of these may be gone.
        (moves | self.exists())._amazon_stock_changed()
        return moves

    def _action_done(self, *args, **kwargs):
        """Override of `stock` to send the stock of Amazon offers soon after a
        delivery is validated or a receipt done."""
        moves = super()._action_done(*args, **kwargs)
        moves._amazon_stock_changed()
        return moves

    def _action_cancel(self):
        """Override of `stock` to send the stock of Amazon offers soon: a cancelled
        delivery gives back what it took."""
        res = super()._action_cancel()
        self._amazon_stock_changed()
        return res

    def _amazon_stock_changed(self):
        products = self.product_id.filtered("is_storable")
        if products:
            self.env["amazon.account"]._amazon_trigger_offer_sync(products)
