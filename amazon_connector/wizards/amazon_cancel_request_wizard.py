from odoo import fields, models


class AmazonCancelRequestWizard(models.TransientModel):
    _name = "amazon.cancel.request.wizard"
    _description = "Ship an Order Whose Buyer Asked to Cancel"

    picking_ids = fields.Many2many(
        comodel_name="stock.picking",
        relation="amazon_cancel_request_wizard_picking_rel",
    )
    warned_picking_ids = fields.Many2many(
        comodel_name="stock.picking",
        relation="amazon_cancel_request_wizard_warned_rel",
    )
    message = fields.Text(compute="_compute_message")

    def _compute_message(self):
        for wizard in self:
            lines = [
                self.env._(
                    "%(order)s (%(ref)s): %(reason)s",
                    order=picking.sale_id.name,
                    ref=picking.sale_id.amazon_order_ref,
                    reason=picking.amazon_buyer_cancel_reason
                    or self.env._("no reason given"),
                )
                for picking in wizard.warned_picking_ids
            ]
            wizard.message = "\n".join(lines)

    def action_ship_anyway(self):
        """Validate the deliveries as the user asked."""
        return self.picking_ids.with_context(
            amazon_ship_despite_cancel_request=True
        ).button_validate()

    def action_cancel_orders(self):
        """Do not ship: cancel the orders the buyers asked to cancel."""
        self.warned_picking_ids.sale_id.with_context(
            disable_cancel_warning=True, amazon_cancel_reason="BuyerCanceled"
        ).action_cancel()
        return {"type": "ir.actions.act_window_close"}
