from odoo import api, fields, models

from .. import const


class AmazonOrderCancelWizard(models.TransientModel):
    _name = "amazon.order.cancel.wizard"
    _description = "Cancel an Amazon Order (or Some of Its Items)"

    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        help="The order whose items are cancelled, when one order is cancelled.",
    )
    sale_order_ids = fields.Many2many(
        comodel_name="sale.order",
        string="Orders",
        help="The orders cancelled together: the Amazon ones are cancelled whole.",
    )
    amazon_order_count = fields.Integer(compute="_compute_amazon_order_count")
    reason = fields.Selection(
        help="Amazon shows the buyer why the order is cancelled.",
        selection=const.CANCEL_REASON_SELECTION,
        required=True,
        default="NoInventory",
    )
    line_ids = fields.Many2many(
        comodel_name="sale.order.line",
        string="Items to Cancel",
        help="Leave all the items to cancel the whole order.",
        domain="[('order_id', '=', sale_order_id), ('amazon_line_kind', '=', 'item'), "
        "('qty_delivered', '=', 0)]",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(values.get("sale_order_id"))
        if order and "line_ids" in fields_list:
            values["line_ids"] = [
                fields.Command.set(
                    order._amazon_item_lines()
                    .filtered(lambda line: not line.qty_delivered)
                    .ids
                )
            ]
        return values

    @api.depends("sale_order_ids")
    def _compute_amazon_order_count(self):
        for wizard in self:
            wizard.amazon_order_count = len(
                wizard.sale_order_ids.filtered(
                    lambda o: o._amazon_cancellable_on_amazon()
                )
            )

    def action_confirm(self):
        """Cancel the items (or the selected orders) here and queue their cancellation
        on Amazon."""
        self.ensure_one()
        if self.sale_order_id:
            self.sale_order_id._amazon_cancel_lines(self.line_ids, self.reason)
        else:
            self.sale_order_ids.with_context(
                amazon_cancel_reason=self.reason, disable_cancel_warning=True
            ).action_cancel()
        return {"type": "ir.actions.act_window_close"}
