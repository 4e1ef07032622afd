import time

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from .. import const


class AmazonSyncLog(models.Model):
    _name = "amazon.sync.log"
    _description = "Amazon Synchronization Run"
    _order = "date_start desc, id desc"

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
            ("cron", "Scheduled Action"),
            ("manual", "Sync Orders"),
            ("history", "Import Orders"),
            ("recover", "Recover Order"),
            ("retry", "Retry Now"),
        ],
        help="What started the run: the scheduled action (every 15 minutes), the Sync "
        "orders button, the import of a period (Import orders, run by the scheduled "
        "action), Recover order, or Retry now of a failed order.",
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
    window_start = fields.Datetime(
        string="From",
        help="The start of the period read: orders updated on Amazon since then, or, "
        "for Import orders, purchased since then (the period asked for).",
    )
    window_end = fields.Datetime(string="Until", help="The end of the period read.")
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

    # === COMPUTE METHODS === #

    @api.depends("trigger", "date_start")
    @api.depends_context("tz")
    def _compute_display_name(self):
        triggers = dict(self._fields["trigger"]._description_selection(self.env))
        for log in self:
            log.display_name = self.env._(
                "%(trigger)s, %(date)s",
                trigger=triggers.get(log.trigger, ""),
                date=_local(self.env, log.date_start),
            )

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

    def _amazon_finish(
        self, status, totals, connection, started, message, since=None, until=None
    ):
        """Write what a run did: its status, counts, SP-API calls and duration.

        :param dict totals: ``created``, ``updated``, ``skipped``, ``failed``.
        :param amazon_sp.SellerConnection connection: the run's connection (its call
            counters).
        :param float started: ``time.monotonic()`` when the run began.
        :param dict since: the connection's counters when this log's part of the run
            began (another log has the calls before).
        :param tuple until: ``(counters, monotonic time)`` when this log's part of the
            run ended (another log has what followed).
        """
        stats = until[0] if until else connection.stats.snapshot()
        ended = until[1] if until else time.monotonic()
        since = since or {"total_calls": 0, "throttled": {}, "waited": 0}
        self.write(
            {
                "status": status,
                "duration": ended - started,
                "orders_created": totals["created"],
                "orders_updated": totals["updated"],
                "orders_skipped": totals["skipped"],
                "orders_failed": totals["failed"],
                "api_calls": stats["total_calls"] - since["total_calls"],
                "throttled": sum(stats["throttled"].values())
                - sum(since["throttled"].values()),
                "wait_seconds": stats["waited"] - since["waited"],
                "message": message or False,
            }
        )

    def _amazon_notification(self):
        """A notification that says what the run did, in a merchant's words, with
        dates in the user's time zone."""
        self.ensure_one()
        kind = {
            "done": "success",
            "partial": "info",
            "locked": "info",
            "throttled": "warning",
        }.get(self.status, "danger")
        message = self.message if self.status == "locked" else self._amazon_summary()
        if kind == "success" and not (self.orders_created or self.orders_updated):
            kind = "info"
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

    def _amazon_summary(self):
        """What the run did, in sentences a merchant reads."""
        self.ensure_one()
        env = self.env
        lines = []
        if self.orders_created or self.orders_updated:
            lines.append(
                env._(
                    "New orders imported: %(created)s. Orders updated: %(updated)s.",
                    created=self.orders_created,
                    updated=self.orders_updated,
                )
            )
        elif self.status in ("done", "partial"):
            since = self.window_start and _local(env, self.window_start)
            lines.append(
                env._("Nothing new on Amazon since %(since)s.", since=since)
                if since
                else env._("Nothing new on Amazon.")
            )
            lines += self._amazon_scheduled_since()
        if self.orders_skipped:
            lines.append(
                env._(
                    "Read again with no change, or not to import (payment pending, "
                    "cancelled before import): %(count)s.",
                    count=self.orders_skipped,
                )
            )
        if self.orders_failed:
            lines.append(
                env._(
                    "Could not be imported: %(count)s (the account's Failed Orders say "
                    "why, and they are retried at every run).",
                    count=self.orders_failed,
                )
            )
        if self.status == "partial":
            lines.append(env._("More orders are imported at the next run."))
        if self.trigger == "manual" and self._amazon_is_first():
            lines.append(
                env._(
                    "This first import reads the orders updated since %(date)s; import "
                    "older ones with Import orders.",
                    date=_local(env, self.account_id.first_import_date),
                )
            )
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)

    def _amazon_scheduled_since(self):
        """What the scheduled action imported since the user last clicked Sync
        orders (or since the account exists): why a click may find nothing new."""
        previous = self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("trigger", "=", "manual"),
                ("id", "<", self.id),
            ],
            limit=1,
        )
        domain = [
            ("account_id", "=", self.account_id.id),
            ("trigger", "in", ("cron", "history")),
            ("id", "<", self.id),
        ]
        if previous:
            domain.append(("id", ">", previous.id))
        scheduled = self.search(domain)
        created = sum(scheduled.mapped("orders_created"))
        if not created:
            return []
        return [
            self.env._(
                "%(count)s orders were already imported by the scheduled action (its "
                "last run: %(date)s).",
                count=created,
                date=_local(self.env, scheduled[:1].date_start),
            )
        ]

    def _amazon_is_first(self):
        """Whether this is the account's first completed import of orders."""
        return not self.search_count(
            [
                ("account_id", "=", self.account_id.id),
                ("trigger", "in", ("cron", "manual", "history")),
                ("status", "in", ("done", "partial")),
                ("id", "<", self.id),
            ],
            limit=1,
        )

    @api.autovacuum
    def _gc_old_logs(self):
        """Keep 90 days of runs."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search([("date_start", "<", limit)], limit=10000).unlink()


def _local(env, moment):
    """A moment as the user reads it: in their time zone and language."""
    if not moment:
        return ""
    tz = env.context.get("tz") or env.user.tz or "UTC"
    return format_datetime(env, moment, tz=tz, dt_format="short")
