from odoo import api, fields, models


class AmazonOrderFailure(models.Model):
    _name = "amazon.order.failure"
    _description = "Amazon Order That Could Not Be Imported"
    _order = "last_attempt desc, id desc"
    _rec_name = "amazon_order_ref"
    _check_company_auto = True

    _order_unique = models.Constraint(
        "UNIQUE(account_id, amazon_order_ref)",
        "This Amazon order is already in the failed orders of the account.",
    )

    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    amazon_order_ref = fields.Char(string="Amazon Reference", required=True, index=True)
    marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace",
    )
    reason = fields.Text(
        help="Why the order could not be imported, and what to fix.",
        required=True,
    )
    state = fields.Selection(
        string="Status",
        selection=[
            ("failed", "To Retry"),
            ("resolved", "Imported"),
            ("dismissed", "Dismissed"),
            ("closed", "Nothing to Import"),
        ],
        required=True,
        default="failed",
        index=True,
    )
    attempts = fields.Integer(default=1)
    first_failure = fields.Datetime(default=fields.Datetime.now)
    last_attempt = fields.Datetime(default=fields.Datetime.now)
    sale_order_id = fields.Many2one(
        comodel_name="sale.order", string="Sales Order", readonly=True
    )

    # === ACTION METHODS === #

    def action_dismiss(self):
        """Stop retrying these orders: a user decided they need no import."""
        self.filtered(lambda f: f.state == "failed").write({"state": "dismissed"})
        self._amazon_check_accounts()

    def action_retry(self):
        """Put dismissed orders back in the list retried at every run."""
        self.filtered(lambda f: f.state == "dismissed").write({"state": "failed"})
        self._amazon_check_accounts()

    def action_retry_now(self):
        """Try to import these orders again, now, and say what came of it."""
        self.env["amazon.account"]._amazon_check_manager()
        logs = self.env["amazon.sync.log"]
        for account, failures in self.grouped("account_id").items():
            importer = account._amazon_as_importer()
            logs |= importer._amazon_retry_failures_now(failures.sudo())
        if len(logs) != 1:
            return True
        action = logs._amazon_notification()
        # Show the list as it now stands (imported orders leave "To Retry").
        action["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return action

    # === BUSINESS METHODS === #

    def _amazon_check_accounts(self):
        """Bring the accounts' activity about failed orders up to date."""
        for account in self.sudo().account_id:
            account._amazon_check_failures()

    @api.model
    def _amazon_record(self, account, order_ref, reason, marketplace=None):
        """Record (or update) the failure of an order.

        :return: the failure, and whether it is new.
        """
        failure = self.search(
            [("account_id", "=", account.id), ("amazon_order_ref", "=", order_ref)],
            limit=1,
        )
        values = {"reason": reason, "last_attempt": fields.Datetime.now()}
        if marketplace:
            values["marketplace_id"] = marketplace.id
        if failure:
            if failure.state != "dismissed":
                values["state"] = "failed"
            values["attempts"] = failure.attempts + 1
            failure.write(values)
            return failure, False
        values.update({"account_id": account.id, "amazon_order_ref": order_ref})
        return self.create(values), True

    @api.autovacuum
    def _gc_resolved_failures(self):
        """Forget failures imported or closed more than 90 days ago."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=90)
        self.search(
            [("state", "in", ("resolved", "closed")), ("last_attempt", "<", limit)]
        ).unlink()
