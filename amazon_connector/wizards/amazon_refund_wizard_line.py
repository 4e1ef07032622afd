from odoo import api, fields, models


class AmazonRefundWizardLine(models.TransientModel):
    _name = "amazon.refund.wizard.line"
    _description = "Item of an Amazon Refund"

    wizard_id = fields.Many2one(
        comodel_name="amazon.refund.wizard", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    sale_line_id = fields.Many2one(comodel_name="sale.order.line", string="Item")
    sku = fields.Char(string="SKU")
    invoiced_quantity = fields.Float(string="Invoiced")
    quantity = fields.Float(string="Units Refunded")
    principal = fields.Monetary(string="Item Price")
    tax = fields.Monetary(string="Item Tax")
    shipping = fields.Monetary()
    shipping_tax = fields.Monetary()
    full_principal = fields.Monetary()
    full_tax = fields.Monetary()

    # === ONCHANGE METHODS === #

    @api.onchange("quantity")
    def _onchange_quantity(self):
        """Refund the share of the units returned (Amazon's amounts may differ: edit
        them)."""
        for line in self:
            if line.invoiced_quantity:
                share = min(max(line.quantity, 0.0), line.invoiced_quantity)
                share /= line.invoiced_quantity
                line.principal = line.currency_id.round(line.full_principal * share)
                line.tax = line.currency_id.round(line.full_tax * share)
