from odoo import api, fields, models

from odoo.addons.amazon_connector import const


class AmazonSyncLog(models.Model):
    _name = "amazon.sync.log"
    _description = "Amazon Synchronization Run"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        string="Account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    trigger = fields.Selection(
        string="Trigger",
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
        string="Status",
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
    throttled = fields.Integer(string="Throttled", help="429 answers from Amazon.")
    wait_seconds = fields.Float(
        string="Waits (s)",
        help="Seconds spent waiting for Amazon's rate limits and retries.",
        digits=(16, 1),
    )
    message = fields.Text(string="Message")

    @api.autovacuum
    def _gc_old_logs(self):
        """Keep 90 days of runs."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search([("date_start", "<", limit)], limit=10000).unlink()
