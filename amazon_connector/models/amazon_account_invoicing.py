"""Invoicing of an Amazon account: its policy and sales journal, the scheduled action
"Amazon: post invoices", the failed invoices and their activity, smart buttons.

The invoices themselves are made by ``sale.order._amazon_invoice_now``
(``sale_order_invoicing.py``), credit notes by ``sale.order._amazon_create_credit_note``
(``sale_order_refund.py``).
"""

import time

from odoo import api, fields, models
from odoo.fields import Domain

# Orders invoiced per committed batch of the scheduled action (one create and one
# post for their invoices, see sale_order_invoicing.INVOICE_BATCH).
CRON_BATCH = 50


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    invoice_policy = fields.Selection(
        string="Invoicing",
        selection=[
            ("manual", "Manual (no automatic invoice)"),
            ("on_shipment", "Post an invoice when Amazon ships"),
        ],
        required=True,
        default="on_shipment",
        help="Post an invoice when Amazon ships: FBA orders are invoiced when Amazon "
        "reports them shipped, FBM orders when their delivery is validated, each "
        "shipment of a partial one by itself, with Amazon's amounts. Manual: invoice "
        "Amazon orders as any sales order.",
    )
    invoice_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Sales Journal",
        help="The journal of the invoices and credit notes of this account's orders "
        "(the company's sales journal if empty).",
        domain="[('type', '=', 'sale')]",
        check_company=True,
    )
    invoice_failed_count = fields.Integer(
        string="Failed Invoices", compute="_compute_invoice_counts"
    )
    invoice_count = fields.Integer(string="Invoices", compute="_compute_invoice_counts")

    # === COMPUTE METHODS === #

    def _compute_invoice_counts(self):
        failed = dict(
            self.env["sale.order"]._read_group(
                [
                    ("amazon_account_id", "in", self.ids),
                    ("amazon_invoice_failed", "=", True),
                ],
                ["amazon_account_id"],
                ["__count"],
            )
        )
        invoices = dict(
            self.env["account.move"]._read_group(
                [
                    ("amazon_account_id", "in", self.ids),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["amazon_account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.invoice_failed_count = failed.get(account, 0)
            account.invoice_count = invoices.get(account, 0)

    # === ACTION METHODS === #

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice"
        )
        action.update(
            {
                "name": self.env._("Amazon Invoices"),
                "domain": [
                    ("amazon_account_id", "=", self.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                "context": {"create": False, "default_move_type": "out_invoice"},
            }
        )
        return action

    def action_view_failed_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "amazon_connector.action_amazon_failed_invoices"
        )
        action["domain"] = [
            ("amazon_account_id", "=", self.id),
            ("amazon_invoice_failed", "=", True),
        ]
        return action

    # === SCHEDULED ACTION === #

    @api.model
    def _cron_post_invoices(self):
        """Invoice what Amazon shipped and no run invoiced yet, for every account
        that posts invoices on shipment (failed invoices are tried again)."""
        self._amazon_run_accounts(
            "invoices",
            lambda account, seconds: (
                account._amazon_post_invoices(seconds / 2)
                & account._amazon_upload_invoices(seconds / 2)
            ),
            domain=[("invoice_policy", "=", "on_shipment")],
        )

    def _amazon_post_invoices(self, seconds=None):
        """Invoice the account's orders that have something shipped to invoice, in
        batches, committing after each (a crash redoes only the last batch).

        :return: True when every order was looked at, False when time stopped it.
        """
        self.ensure_one()
        state = self._amazon_state("invoices")
        if not state._amazon_try_lock():
            return True
        state.last_run = fields.Datetime.now()
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        # The accountant's activity is brought up to date once, after the batches.
        SaleOrder = (
            self.env["sale.order"]
            .with_company(self.company_id)
            .with_context(amazon_defer_invoice_checks=True)
        )
        last_id = 0
        done = True
        while True:
            orders = SaleOrder.search(
                self._amazon_invoice_candidates_domain() & Domain("id", ">", last_id),
                order="id",
                limit=CRON_BATCH,
            )
            if not orders:
                break
            last_id = orders[-1].id
            orders._amazon_invoice_shipped()
            self._amazon_commit()
            if time.monotonic() > deadline:
                done = False
                break
        self._amazon_check_invoice_failures()
        return done

    def _amazon_invoice_candidates_domain(self):
        """Orders of the account that may have something shipped to invoice."""
        self.ensure_one()
        return Domain(
            [
                ("amazon_account_id", "=", self.id),
                ("state", "=", "sale"),
                ("amazon_fully_invoiced", "=", False),
                ("amazon_status", "!=", "canceled"),
            ]
        ) & (
            Domain("amazon_status", "in", ("shipped", "partially_shipped"))
            | Domain("delivery_status", "in", ("partial", "full"))
            | Domain("amazon_invoice_failed", "=", True)
        )

    # === FAILED INVOICES === #

    def _amazon_check_invoice_failures(self):
        """One activity tells the accountant which orders could not be invoiced, and
        why; it is done by itself once all are invoiced."""
        self.ensure_one()
        orders = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.id), ("amazon_invoice_failed", "=", True)],
            order="amazon_invoice_failed_date desc, id desc",
        )
        return self._amazon_cause_activity(
            "invoices_failed",
            orders,
            self.env._(
                "%(count)s Amazon orders could not be invoiced", count=len(orders)
            ),
            self.env._(
                "These Amazon orders were shipped but could not be invoiced. Each says "
                "why and what to fix (Failed Invoices on the account); they are tried "
                "again at every run of 'Amazon: post invoices'."
            ),
            user=self.accountant_user_id or None,
            action="amazon_connector.action_amazon_failed_invoices",
            describe=lambda order: self.env._(
                "%(order)s (%(ref)s): %(reason)s",
                order=order.name,
                ref=order.amazon_order_ref,
                reason=(order.amazon_invoice_error or "")[:120],
            ),
        )
