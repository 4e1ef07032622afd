"""The settlements that paid (or refunded) an Amazon order, from the order's smart
button. An ``_inherit`` of ``sale.order`` of its own, beside the import's and the
invoicing's."""

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_settlement_count = fields.Integer(
        compute="_compute_amazon_settlement_count",
        groups="account.group_account_invoice",
    )

    # === COMPUTE METHODS === #

    def _compute_amazon_settlement_count(self):
        counts = dict(
            self.env["amazon.settlement.line"]
            .sudo()
            ._read_group(
                [("sale_order_id", "in", self.ids)],
                ["sale_order_id"],
                ["settlement_id:count_distinct"],
            )
        )
        for order in self:
            order.amazon_settlement_count = counts.get(order, 0)

    # === ACTION METHODS === #

    def action_view_amazon_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_settlement"
        )
        settlements = (
            self.env["amazon.settlement.line"]
            .search([("sale_order_id", "=", self.id)])
            .settlement_id
        )
        action["domain"] = [("id", "in", settlements.ids)]
        if len(settlements) == 1:
            action.update(
                view_mode="form", res_id=settlements.id, views=[(False, "form")]
            )
        return action
