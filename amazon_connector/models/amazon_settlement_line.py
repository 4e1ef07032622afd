"""One line of an Amazon settlement: one line of its bank statement (an order, a
refund, the fees of a rule, the reserve, the payout...), with the Amazon rows it
stands for and how it was reconciled, or why it is still open."""

from odoo import fields, models


class AmazonSettlementLine(models.Model):
    _name = "amazon.settlement.line"
    _description = "Amazon Settlement Line"
    _order = "settlement_id, sequence, id"

    settlement_id = fields.Many2one(
        comodel_name="amazon.settlement",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        selection=[
            ("order", "Order"),
            ("refund", "Refund"),
            ("rule", "Booked by a rule"),
            ("uncovered", "No rule"),
            ("payout", "Payout"),
        ],
        required=True,
        readonly=True,
    )
    name = fields.Char(string="Label", readonly=True)
    amazon_order_ref = fields.Char(string="Amazon Order", index=True, readonly=True)
    adjustment_ref = fields.Char(string="Adjustment ID", readonly=True)
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", index="btree_not_null", readonly=True
    )
    partner_id = fields.Many2one(comodel_name="res.partner", readonly=True)
    rule_id = fields.Many2one(comodel_name="amazon.settlement.rule", readonly=True)
    account_id = fields.Many2one(comodel_name="account.account", readonly=True)
    amount = fields.Monetary(readonly=True)
    difference = fields.Monetary(
        readonly=True,
        help="What Amazon paid minus what the invoice or credit note leaves to pay.",
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    details = fields.Json(
        readonly=True,
        help="Amazon's rows: transaction type, amount type, description, amount.",
    )
    statement_line_id = fields.Many2one(
        comodel_name="account.bank.statement.line", readonly=True
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice or Credit Note",
        readonly=True,
    )
    state = fields.Selection(
        selection=[("open", "Open"), ("reconciled", "Reconciled")],
        default="open",
        required=True,
        readonly=True,
        index=True,
    )
    reason = fields.Char(
        string="Why Open",
        readonly=True,
        help="What keeps the line from being reconciled, and what to do.",
    )
