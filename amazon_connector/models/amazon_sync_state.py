import psycopg2

from odoo import api, fields, models
from odoo.exceptions import LockError


class AmazonSyncState(models.Model):
    """Where a scheduled job of an account stands: one row per account and kind of job.

    The run state of a job (how far it has read, where it resumes, when it last ran)
    lives here rather than on the account, and a run locks this row, not the account's:
    saving the account's form never waits for an import nor makes it fail, and each
    job has a lock of its own (an order import and an inventory pull of one account
    may run side by side).
    """

    _name = "amazon.sync.state"
    _description = "Amazon Synchronization State"
    _order = "account_id, kind"

    _kind_unique = models.Constraint(
        "UNIQUE(account_id, kind)",
        "This account already has a synchronization state of this kind.",
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    kind = fields.Selection(
        string="Job",
        selection=[
            ("orders", "Order Import"),
            ("updates", "Shipments and Cancellations"),
            ("fba_inventory", "FBA Inventory"),
            ("offers", "Stock and Prices"),
            ("listings", "Listings Import"),
            ("publish", "Product Publishing"),
            ("invoices", "Invoicing"),
            ("settlements", "Settlements"),
        ],
        required=True,
    )
    synced_until = fields.Datetime(
        string="Synchronized Until",
        help="What Amazon changed before this moment has been read.",
    )
    checkpoint = fields.Json(help="Where the current window resumes.")
    last_run = fields.Datetime(
        help="When the last run of this job for the account began."
    )
    # The history import of the orders job: orders created in a period.
    history_start = fields.Datetime(string="History From")
    history_end = fields.Datetime(string="History Until")
    history_checkpoint = fields.Json()

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_get(self, accounts, kind):
        """The state of a job for each account, created where missing.

        :param amazon.account accounts: the accounts.
        :param str kind: the job.
        :return: the states, in the order of the accounts.
        :rtype: amazon.sync.state
        """
        State = self.sudo()
        states = State.search([("account_id", "in", accounts.ids), ("kind", "=", kind)])
        by_account = {state.account_id.id: state for state in states}
        missing = [a.id for a in accounts if a.id not in by_account]
        if missing:
            try:
                with self.env.cr.savepoint():
                    created = State.create(
                        [{"account_id": a, "kind": kind} for a in missing]
                    )
            except psycopg2.errors.UniqueViolation:
                # Created meanwhile by another worker, whose row this transaction
                # cannot see yet: the job runs at that worker's next turn.
                created = State
            by_account.update({state.account_id.id: state for state in created})
        return State.union(*(by_account[a.id] for a in accounts if a.id in by_account))

    def _amazon_try_lock(self):
        """Lock this state so that no other worker runs the same job for the account.

        :return: whether this worker has the lock.
        """
        self.ensure_one()
        try:
            self.lock_for_update()
        except LockError:
            return False
        return True
