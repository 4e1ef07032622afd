"""An Amazon settlement: what Amazon paid (or debited) one seller account for one
period, marketplace and currency, booked as one bank statement whose every line is
reconciled (see ``amazon_settlement_booking.py`` for how; ``amazon_account_settlements``
for the import).

One record per account and Amazon settlement id (``settlement_ref``): the database
refuses a second one, even when two workers race. A settlement that could not be
imported (a file that does not add up, a missing account) is kept with state
``failed`` and its reason, and tried again at the next run.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError


class AmazonSettlement(models.Model):
    _name = "amazon.settlement"
    _description = "Amazon Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"
    _rec_name = "settlement_ref"

    _settlement_unique = models.Constraint(
        "UNIQUE(account_id, settlement_ref)",
        "This Amazon settlement is already imported for this account.",
    )
    _report_unique = models.UniqueIndex(
        "(account_id, report_ref) WHERE report_ref IS NOT NULL"
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    settlement_ref = fields.Char(
        string="Settlement ID", index=True, readonly=True, copy=False
    )
    report_ref = fields.Char(
        string="Report ID",
        readonly=True,
        copy=False,
        help="The settlement report Amazon made (empty for an uploaded file).",
    )
    source = fields.Selection(
        selection=[("api", "Amazon"), ("upload", "Uploaded file")],
        readonly=True,
        default="api",
    )
    marketplace_id = fields.Many2one(comodel_name="amazon.marketplace", readonly=True)
    marketplace_name = fields.Char(readonly=True)
    date_start = fields.Datetime(string="Period Start", readonly=True)
    date_end = fields.Datetime(string="Period End", readonly=True)
    deposit_date = fields.Date(readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    payout_status = fields.Char(
        readonly=True,
        help="Amazon's fund transfer status (Finances API).",
    )
    payout_date = fields.Datetime(readonly=True)
    payout_trace_ref = fields.Char(
        string="Trace ID", readonly=True, help="The bank's reference of the transfer."
    )
    payout_account_tail = fields.Char(string="Bank Account Ending", readonly=True)
    payout_converted_amount = fields.Float(string="Converted Total", readonly=True)
    payout_converted_currency = fields.Char(readonly=True)
    file = fields.Binary(string="Settlement File", attachment=True, readonly=True)
    filename = fields.Char(readonly=True)
    journal_id = fields.Many2one(comodel_name="account.journal", readonly=True)
    statement_id = fields.Many2one(
        comodel_name="account.bank.statement", readonly=True, copy=False
    )
    line_ids = fields.One2many(
        comodel_name="amazon.settlement.line", inverse_name="settlement_id"
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    state = fields.Selection(
        selection=[
            ("failed", "Failed"),
            ("open", "Open"),
            ("reconciled", "Reconciled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )
    failure_reason = fields.Text(readonly=True)
    failed = fields.Boolean(readonly=True, copy=False)
    reconciled_count = fields.Integer(
        string="Lines Reconciled", compute="_compute_state", store=True
    )
    open_count = fields.Integer(
        string="Lines Open", compute="_compute_state", store=True
    )
    uncovered_amounts = fields.Text(
        readonly=True,
        help="Amounts no settlement rule covers, booked on the default fee account.",
    )

    # === COMPUTE METHODS === #

    @api.depends("failed", "line_ids.state")
    def _compute_state(self):
        counts = {
            (settlement.id, state): count
            for settlement, state, count in self.env[
                "amazon.settlement.line"
            ]._read_group(
                [("settlement_id", "in", self.ids)],
                ["settlement_id", "state"],
                ["__count"],
            )
        }
        for settlement in self:
            settlement.reconciled_count = counts.get((settlement.id, "reconciled"), 0)
            settlement.open_count = counts.get((settlement.id, "open"), 0)
            if settlement.failed:
                settlement.state = "failed"
            elif settlement.open_count:
                settlement.state = "open"
            else:
                settlement.state = "reconciled"

    def _compute_display_name(self):
        for settlement in self:
            settlement.display_name = settlement.env._(
                "Settlement %(ref)s",
                ref=settlement.settlement_ref or settlement.report_ref,
            )

    # === ACTION METHODS === #

    def _amazon_check_accountant(self):
        if not self.env.su and not (
            self.env.user.has_group("account.group_account_user")
            or self.env.user.has_group("amazon_connector.group_amazon_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only accountants (Accounting: Show Full Accounting Features) and "
                    "Amazon administrators can book Amazon settlements."
                )
            )

    def action_reconcile(self):
        """Complete the open lines whose order and invoice now exist."""
        self._amazon_check_accountant()
        done = 0
        for settlement in self.sudo().filtered(lambda s: s.state == "open"):
            done += settlement._amazon_complete_open_lines()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if done else "info",
                "message": self.env._(
                    "%(count)s line(s) reconciled; %(open)s still open.",
                    count=done,
                    open=sum(self.mapped("open_count")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_retry(self):
        """Import a failed settlement again (its file, or Amazon's report)."""
        self._amazon_check_accountant()
        for settlement in self.sudo().filtered("failed"):
            settlement.account_id._amazon_retry_settlement(settlement)
        return True

    def action_open_statement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.bank.statement.line",
            "name": self.display_name,
            "view_mode": "list,form",
            "domain": [("statement_id", "=", self.statement_id.id)],
            "context": {"create": False},
        }

    def action_open_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "name": self.display_name,
            "view_mode": "list,form",
            "domain": [("id", "in", self.line_ids.sale_order_id.ids)],
        }
