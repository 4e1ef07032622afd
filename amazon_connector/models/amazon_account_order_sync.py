"""Order import of an Amazon account: its settings, the scheduled import and **Sync
orders**, read window by window and page by page under the import's lock.

Each page is turned into sales orders by ``amazon.order.import``; failed orders are
retried by ``amazon_account_order_retry.py``.
"""

import logging
import time
from datetime import timedelta, timezone

from odoo import api, fields, models

import amazon_sp
from amazon_sp.reader import Checkpoint, OrderReader

from .. import const

_logger = logging.getLogger(__name__)


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

    def _amazon_lock_orders(self):
        """Lock the account's order import so that no other worker runs it meanwhile.

        The lock is the first statement of a fresh transaction: what another worker
        committed before is visible (its checkpoint included), and taking the lock
        cannot fail on a row that worker changed meanwhile.

        :return: the locked state of the order import, or an empty record when another
            worker holds it.
        :rtype: amazon.sync.state
        """
        self.ensure_one()
        self._amazon_commit()
        state = self._amazon_state("orders")
        if not state or not state._amazon_try_lock():
            return state.browse()
        state.invalidate_recordset()
        self.invalidate_recordset(list(self._ORDERS_STATE_FIELDS))
        return state

    def _amazon_page_size_parameters(self):
        """The page size and the pages per run that the system parameters set.

        :return: ``(page_size, max_pages)``; ``max_pages`` is None for no limit.
        """
        parameters = self.env["ir.config_parameter"].sudo()

        def number(key, default, low, high):
            value = parameters.get_param(f"amazon_connector.{key}")
            try:
                return min(max(int(value), low), high) if value else default
            except ValueError:
                _logger.warning(
                    "System parameter amazon_connector.%s is not a number (%r); "
                    "using %s.",
                    key,
                    value,
                    default,
                )
                return default

        page_size = number("page_size", 100, 1, 100)
        max_pages = number("max_pages_per_run", 0, 0, 1_000_000)
        return page_size, max_pages or None

    def _amazon_sync_orders(self, trigger, time_budget):
        """Import the orders updated since the last synchronization, retry the failed
        ones and continue a history import, within a time budget.

        Orders are imported page by page; after each page the import's checkpoint
        (where to resume) is saved and committed, so a crash loses nothing the next run
        does not redo. Throttling ends the run quietly: the next run resumes. The
        history import (**Import orders**) has a log of its own, with the period asked
        for.

        :param str trigger: ``cron``, ``manual``...
        :param float time_budget: seconds the run may last.
        :return: the run's log (of the incremental import).
        :rtype: amazon.sync.log
        """
        return self._amazon_sync_orders_run(trigger, time_budget)[0]

    def _amazon_sync_orders_run(self, trigger, time_budget):
        """Run `_amazon_sync_orders`.

        :return: the run's log, and whether work is left for the next run (a window or
            a history import stopped by the time budget).
        :rtype: tuple(amazon.sync.log, bool)
        """
        self.ensure_one()
        started = time.monotonic()
        state = self._amazon_lock_orders()
        if not state:
            # Nothing is written: the other worker's run tells what it did.
            return self.env["amazon.sync.log"]._amazon_locked(self, trigger), False
        state.last_run = fields.Datetime.now()
        Log = self.env["amazon.sync.log"].sudo()
        log = Log.create({"account_id": self.id, "trigger": trigger})
        connection = self._amazon_connection()
        connection.max_wait = min(const.IMPORT_MAX_WAIT, max(time_budget, 1))
        page_size, max_pages = self._amazon_page_size_parameters()
        reader = OrderReader(
            connection,
            api_version=self.api_version,
            time_budget=time_budget,
            page_size=page_size,
            max_pages=max_pages,
        )
        totals = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        status, messages = "done", []
        history, history_status, history_message = Log, None, None
        baseline = None
        try:
            self._amazon_retry_failures(reader=reader, totals=totals)
            status = self._amazon_read_window(state, reader, log, totals, history=False)
            if status == "done" and state.history_start:
                baseline = connection.stats.snapshot()
                history_started = time.monotonic()
                history = Log.create(
                    {
                        "account_id": self.id,
                        "trigger": "history",
                        "window_start": state.history_start,
                        "window_end": state.history_end,
                    }
                )
                history_totals = dict.fromkeys(totals, 0)
                history_status = "running"
                history_status = self._amazon_read_window(
                    state, reader, history, history_totals, history=True
                )
        except amazon_sp.AmazonError as error:
            error_status, message = self._amazon_stopped_run(error)
            if history_status:
                history_status, history_message = error_status, message
            else:
                status = error_status
                messages.append(message)
            if not error.retryable:
                self._amazon_notify_problem(message)
        finally:
            reader.close()
        messages += reader.notices
        if history:
            log._amazon_finish(
                status,
                totals,
                connection,
                started,
                "\n".join(messages),
                until=(baseline, history_started),
            )
            history._amazon_finish(
                history_status,
                history_totals,
                connection,
                history_started,
                history_message,
                since=baseline,
            )
        else:
            log._amazon_finish(status, totals, connection, started, "\n".join(messages))
        self._amazon_commit()
        return log, status == "partial" or history_status == "partial"

    def _amazon_read_window(self, state, reader, log, totals, history):
        """Read one window (the incremental one, or the history import) page by page.

        :param amazon.sync.state state: the order import's state, locked.
        :return: ``done`` when the window was read to its end, ``partial`` when the time
            budget stopped it (its checkpoint is saved), ``locked`` when another worker
            took the import over.
        """
        marketplaces = self.active_marketplace_ids.mapped("api_ref")
        if not marketplaces:
            return "done"
        if history:
            checkpoint = state.history_checkpoint
            after = _aware(state.history_start)
            before = _aware(state.history_end)
            by = "created"
        else:
            checkpoint = state.checkpoint
            since = (
                state.synced_until or self.first_import_date or fields.Datetime.now()
            )
            after = _aware(since - timedelta(minutes=const.WINDOW_OVERLAP_MINUTES))
            before, by = None, "updated"
        pages = reader.pages(
            marketplaces,
            after=after,
            before=before,
            checkpoint=Checkpoint.from_dict(checkpoint) if checkpoint else None,
            by=by,
        )
        importer = self.env["amazon.order.import"]
        status = "done"
        for page in pages:
            if not log.window_start:
                log.write(
                    {
                        "window_start": page.window_after.replace(tzinfo=None),
                        "window_end": page.window_before.replace(tzinfo=None),
                        "api_version": page.api_version,
                    }
                )
            result = importer._amazon_import_orders(self, page.orders, page.failed)
            for key in totals:
                totals[key] += result.get(key, 0)
            if history:
                values = (
                    {
                        "history_start": False,
                        "history_end": False,
                        "history_checkpoint": False,
                    }
                    if page.complete
                    else {"history_checkpoint": page.checkpoint.to_dict()}
                )
            elif page.complete:
                values = {
                    "synced_until": page.window_before.replace(tzinfo=None),
                    "checkpoint": False,
                }
            else:
                values = {"checkpoint": page.checkpoint.to_dict()}
            state.write(values)
            status = "done" if page.complete else "partial"
            saved = _stored(state, values)
            self._amazon_commit()
            if not state._amazon_try_lock():
                return "locked"
            # Between the commit and the lock another worker may have taken the
            # import, worked and let go: then its checkpoint is the one to follow.
            if _stored(state, values) != saved:
                return "locked"
        return status

    def _amazon_stopped_run(self, error):
        """The status and message of a run that Amazon's error stopped.

        :rtype: tuple[str, str]
        """
        if isinstance(error, amazon_sp.Throttled):
            return "throttled", self.env._(
                "Amazon throttled the import; it resumes at the next run (in about "
                "%(seconds)s seconds at the earliest).",
                seconds=int(error.retry_after or 0),
            )
        return "error", self._amazon_error_message(error)


def _stored(record, names):
    """The values of some fields of a record as the database holds them."""
    record.flush_recordset(list(names))
    record.invalidate_recordset(list(names))
    return {name: record[name] for name in names}


def _aware(moment):
    """A naive UTC datetime (Odoo's) as an aware one (amazon_sp's)."""
    return moment.replace(tzinfo=timezone.utc) if moment else None
