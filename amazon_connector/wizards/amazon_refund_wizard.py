"""The Refund action of an Amazon order: a refund made in Seller Central, booked as a
credit note with the items and amounts refunded (``_amazon_create_credit_note``)."""

from decimal import Decimal

from odoo import Command, api, fields, models


class AmazonRefundWizard(models.TransientModel):
    _name = "amazon.refund.wizard"
    _description = "Refund an Amazon Order"

    sale_order_id = fields.Many2one(
        comodel_name="sale.order", required=True, readonly=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="sale_order_id.currency_id")
    refund_ref = fields.Char(
        string="Amazon Refund",
        required=True,
        help="Amazon's id of the refund (Seller Central, the order's refund), so that "
        "it is never credited twice.",
    )
    date = fields.Date(
        string="Credit Note Date", required=True, default=fields.Date.context_today
    )
    line_ids = fields.One2many(
        comodel_name="amazon.refund.wizard.line", inverse_name="wizard_id"
    )
    amount_total = fields.Monetary(compute="_compute_amount_total")

    # === COMPUTE METHODS === #

    @api.depends(
        "line_ids.principal",
        "line_ids.tax",
        "line_ids.shipping",
        "line_ids.shipping_tax",
    )
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(
                line.principal + line.tax + line.shipping + line.shipping_tax
                for line in wizard.line_ids
            )

    # === CRUD METHODS === #

    @api.model
    def default_get(self, fields_list):
        """Every invoiced item, all of it refunded; lower what Amazon did not
        refund."""
        values = super().default_get(fields_list)
        order = self.env["sale.order"].browse(
            values.get("sale_order_id") or self.env.context.get("active_id")
        )
        if order and "line_ids" in fields_list:
            values["line_ids"] = [
                Command.create(vals) for vals in order._amazon_refund_defaults()
            ]
        return values

    # === ACTION METHODS === #

    def action_refund(self):
        self.ensure_one()
        items = [
            {
                "sku": line.sku,
                "sale_line_id": line.sale_line_id.id,
                "quantity": line.quantity,
                "principal": Decimal(str(line.principal)),
                "tax": Decimal(str(line.tax)),
                "shipping": Decimal(str(line.shipping)),
                "shipping_tax": Decimal(str(line.shipping_tax)),
            }
            for line in self.line_ids
            if line.principal or line.tax or line.shipping or line.shipping_tax
        ]
        credit_note = self.sale_order_id._amazon_create_credit_note(
            {"ref": self.refund_ref, "date": self.date, "items": items}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": credit_note.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
