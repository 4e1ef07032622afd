from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_buyer_cancel_requested = fields.Boolean(
        related="sale_id.amazon_buyer_cancel_requested"
    )
    amazon_buyer_cancel_reason = fields.Char(
        related="sale_id.amazon_buyer_cancel_reason"
    )

    # === ACTION METHODS === #

    def button_validate(self):
        """Override of `stock` to warn before shipping an order whose buyer asked Amazon
        to cancel it."""
        if not self.env.context.get("amazon_ship_despite_cancel_request"):
            asked = self.filtered(
                lambda p: (
                    p.amazon_buyer_cancel_requested
                    and p.picking_type_code == "outgoing"
                )
            )
            if asked:
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("The buyer asked to cancel"),
                    "res_model": "amazon.cancel.request.wizard",
                    "view_mode": "form",
                    "target": "new",
                    "context": {
                        "default_picking_ids": self.ids,
                        "default_warned_picking_ids": asked.ids,
                    },
                }
        return super().button_validate()
