"""Order import of an Amazon account: its settings, the scheduled import and **Sync
orders**; the run itself (windows, pages, the lock) is in
``amazon_account_order_run.py``.

Each page is turned into sales orders by ``amazon.order.import``; failed orders are
retried by ``amazon_account_order_retry.py``.
"""

from datetime import timedelta

from odoo import api, fields, models

from .. import const


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FIELDS === #

    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        help="The salesperson of the sales orders created from this account's orders.",
        domain="[('share', '=', False)]",
    )

    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        help="The sales team of the sales orders created from this account's orders.",
        check_company=True,
    )

    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        help="The warehouse FBM orders are delivered from (the company's first one if "
        "empty).",
        check_company=True,
    )

    facilitator_fiscal_position_id = fields.Many2one(
        comodel_name="account.fiscal.position",
        string="Tax Remitted by Amazon",
        help="Where Amazon collects and remits the sales tax itself (marketplace "
        "facilitator, e.g. in the United States), orders get this fiscal position; map "
        "the sales taxes to none in it if you do not declare them. Empty: Odoo's own "
        "fiscal position rules apply.",
        check_company=True,
    )

    total_tolerance = fields.Float(
        help="An order whose total differs from Amazon's by more than this amount (in "
        "the order's currency) gets an activity for the accountant.",
        default=0.01,
    )

    accountant_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Accountant",
        help="Is told about orders whose totals or taxes differ from Amazon's (the "
        "responsible user if empty).",
        domain="[('share', '=', False)]",
    )

    # --- order import ---
    first_import_date = fields.Datetime(
        string="Import Orders Since",
        help="The first import reads the orders updated since this moment. Older "
        "orders can be imported later with 'Import orders'.",
        default=lambda self: (
            fields.Datetime.now() - timedelta(days=const.FIRST_IMPORT_DAYS)
        ),
        copy=False,
    )

    last_orders_sync = fields.Datetime(
        string="Orders Synchronized Until",
        help="Orders updated on Amazon after this moment are imported at the next "
        "synchronization.",
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )

    # The order import's run state lives in amazon.sync.state (see there why); these
    # fields show and set it.
    orders_checkpoint = fields.Json(
        string="Import Checkpoint",
        help="Where the current window of the incremental import resumes.",
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )

    history_start = fields.Datetime(
        string="History From",
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )

    history_end = fields.Datetime(
        string="History Until",
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )

    history_checkpoint = fields.Json(
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )

    api_version = fields.Selection(
        string="Orders API",
        help="Which version of Amazon's Orders API reads the orders. Automatic uses "
        "2026-01-01 (up to 100 orders a call) and falls back to v0 when Amazon does "
        "not open it to the application.",
        selection=const.API_VERSION_SELECTION,
        required=True,
        default="auto",
    )

    sale_order_ids = fields.One2many(
        comodel_name="sale.order",
        inverse_name="amazon_account_id",
        string="Sales Orders",
    )

    order_count = fields.Integer(string="Orders", compute="_compute_order_count")

    failure_count = fields.Integer(string="Failed", compute="_compute_failure_count")

    last_sync_log_id = fields.Many2one(
        comodel_name="amazon.sync.log",
        string="Last Run",
        compute="_compute_last_sync_log",
    )

    last_sync_status = fields.Char(
        string="Last Run Status", compute="_compute_last_sync_log"
    )

    # === COMPUTE METHODS === #

    # Account field -> field of its order import state.
    _ORDERS_STATE_FIELDS = {
        "last_orders_sync": "synced_until",
        "orders_checkpoint": "checkpoint",
        "history_start": "history_start",
        "history_end": "history_end",
        "history_checkpoint": "history_checkpoint",
    }

    def _compute_orders_sync_state(self):
        saved = self.filtered("id")
        states = {
            state.account_id: state
            for state in self.env["amazon.sync.state"]
            .sudo()
            .search([("account_id", "in", saved.ids), ("kind", "=", "orders")])
        }
        for account in self:
            state = states.get(account)
            for name, state_name in self._ORDERS_STATE_FIELDS.items():
                account[name] = state[state_name] if state else False

    def _inverse_orders_sync_state(self):
        for account in self:
            state = account._amazon_state("orders")
            values = {
                state_name: account[name]
                for name, state_name in self._ORDERS_STATE_FIELDS.items()
                if state[state_name] != account[name]
            }
            if values:
                state.write(values)

    def _compute_order_count(self):
        counts = dict(
            self.env["sale.order"]._read_group(
                [("amazon_account_id", "in", self.ids)],
                ["amazon_account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.order_count = counts.get(account, 0)

    def _compute_failure_count(self):
        counts = dict(
            self.env["amazon.order.failure"]._read_group(
                [("account_id", "in", self.ids), ("state", "=", "failed")],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.failure_count = counts.get(account, 0)

    def _compute_last_sync_log(self):
        statuses = dict(self.env["amazon.sync.log"]._fields["status"].selection)
        for account in self:
            # A new account (its form before saving) has no runs.
            log = self.env["amazon.sync.log"].search(
                [("account_id", "=", account._origin.id or 0)], limit=1
            )
            account.last_sync_log_id = log
            account.last_sync_status = statuses.get(log.status, "") if log else ""

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        """Override to start each new account's order import at its first import
        date."""
        accounts = super().create(vals_list)
        for account in accounts:
            if not account.last_orders_sync:
                account.last_orders_sync = (
                    account.first_import_date or fields.Datetime.now()
                )
        return accounts

    # === ACTION METHODS === #

    def action_sync_orders(self):
        """Import the orders updated since the last synchronization, now.

        Before the first import, the setup check says in one message what would go
        wrong, and the user imports anyway or fixes the setup first.
        """
        self.ensure_one()
        self._amazon_check_manager()
        if (
            not self.env.context.get("amazon_setup_seen")
            and self._amazon_is_first_import()
            and (message := self._amazon_setup_message())
        ):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Before the first import"),
                "res_model": "amazon.first.import.wizard",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {
                    "default_amazon_account_id": self.id,
                    "default_setup_message": message,
                },
            }
        log = self._amazon_as_importer()._amazon_sync_orders(
            "manual", const.INTERACTIVE_TIME_BUDGET
        )
        return log._amazon_notification()

    def action_import_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Amazon Orders"),
            "res_model": "amazon.import.orders.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def action_recover_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recover an Amazon Order"),
            "res_model": "amazon.recover.order.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def action_view_orders(self):
        """The account's orders, in the Amazon Orders list."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_sale_orders"
        )
        action.update(
            {
                "domain": [("amazon_account_id", "=", self.id)],
                "context": {"create": False},
                "name": self.env._("Amazon Orders"),
            }
        )
        return action

    def action_view_failures(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Failed Amazon Orders"),
            "res_model": "amazon.order.failure",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"search_default_to_retry": True, "create": False},
        }

    def action_view_sync_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Synchronization Runs"),
            "res_model": "amazon.sync.log",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"create": False},
        }

    # === ORDER IMPORT === #

    @api.model
    def _cron_import_orders(self):
        """Scheduled action: import the new and updated orders of every active account,
        each with its share of the run (see `_amazon_run_accounts`)."""

        def work(account, seconds):
            account._amazon_check_setup()
            _log, more = account._amazon_sync_orders_run("cron", seconds)
            return not more

        self._amazon_run_accounts("orders", work)
