import time

from odoo import api, fields, models

from .. import const


class AmazonSyncLog(models.Model):
    _name = "amazon.sync.log"
    _description = "Amazon Synchronization Run"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    trigger = fields.Selection(
        selection=[
            ("cron", "Scheduled"),
            ("manual", "Sync Orders"),
            ("history", "History Import"),
            ("recover", "Recover Order"),
            ("retry", "Retry"),
        ],
        required=True,
    )
    status = fields.Selection(
        selection=[
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "More to Read"),
            ("throttled", "Throttled"),
            ("locked", "Skipped (Import Running)"),
            ("error", "Error"),
        ],
        required=True,
        default="running",
    )
    date_start = fields.Datetime(
        string="Started", required=True, default=fields.Datetime.now
    )
    duration = fields.Float(string="Duration (s)", digits=(16, 1))
    window_start = fields.Datetime(string="From")
    window_end = fields.Datetime(string="Until")
    api_version = fields.Selection(
        string="API", selection=const.API_VERSION_SELECTION[1:]
    )
    orders_created = fields.Integer(string="Created")
    orders_updated = fields.Integer(string="Updated")
    orders_skipped = fields.Integer(string="Skipped")
    orders_failed = fields.Integer(string="Failed")
    api_calls = fields.Integer(string="API Calls")
    throttled = fields.Integer(help="429 answers from Amazon.")
    wait_seconds = fields.Float(
        string="Waits (s)",
        help="Seconds spent waiting for Amazon's rate limits and retries.",
        digits=(16, 1),
    )
    message = fields.Text()

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_locked(self, account, trigger):
        """The log of a run that found the account's import busy; nothing is written.

        :rtype: amazon.sync.log
        """
        return self.new(
            {
                "account_id": account.id,
                "trigger": trigger,
                "status": "locked",
                "message": self.env._(
                    "Another run is importing this account's orders right now; they "
                    "appear when it is done."
                ),
            }
        )

    def _amazon_finish(self, status, totals, connection, started, message):
        """Write what a run did: its status, counts, SP-API calls and duration.

        :param dict totals: ``created``, ``updated``, ``skipped``, ``failed``.
        :param amazon_sp.SellerConnection connection: the run's connection (its call
            counters).
        :param float started: ``time.monotonic()`` when the run began.
        """
        stats = connection.stats.snapshot()
        self.write(
            {
                "status": status,
                "duration": time.monotonic() - started,
                "orders_created": totals["created"],
                "orders_updated": totals["updated"],
                "orders_skipped": totals["skipped"],
                "orders_failed": totals["failed"],
                "api_calls": stats["total_calls"],
                "throttled": sum(stats["throttled"].values()),
                "wait_seconds": stats["waited"],
                "message": message or False,
            }
        )

    def _amazon_notification(self):
        """A notification that sums the run up, for the user who started it."""
        self.ensure_one()
        message = self.env._(
            "%(created)s created, %(updated)s updated, %(skipped)s unchanged or "
            "skipped, %(failed)s failed.",
            created=self.orders_created,
            updated=self.orders_updated,
            skipped=self.orders_skipped,
            failed=self.orders_failed,
        )
        kind = {
            "done": "success",
            "partial": "info",
            "locked": "info",
            "throttled": "warning",
        }.get(self.status, "danger")
        if self.status == "locked":
            message = self.message
        else:
            if self.status == "partial":
                message += " " + self.env._("More orders are imported at the next run.")
            if self.message:
                message += "\n" + self.message
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon orders"),
                "message": message,
                "type": kind,
                "sticky": kind in ("warning", "danger"),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.autovacuum
    def _gc_old_logs(self):
        """Keep 90 days of runs."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search([("date_start", "<", limit)], limit=10000).unlink()
