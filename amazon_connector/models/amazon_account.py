import logging
import re
import time
from datetime import timedelta, timezone

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import config, plaintext2html

from odoo.addons.amazon_connector import const

import amazon_sp
from amazon_sp import feeds, inventory
from amazon_sp.credentials import local_url_allowed, normalise_local_url
from amazon_sp.orders import OrderDataError
from amazon_sp.reader import Checkpoint, OrderReader

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _name = "amazon.account"
    _description = "Amazon Seller Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    _seller_unique = models.Constraint(
        "UNIQUE(seller_id, region, company_id)",
        "This Amazon seller account is already registered in this region for this "
        "company.",
    )

    # === FIELDS === #

    name = fields.Char(
        string="Name",
        help="A name of your choice for this seller account.",
        required=True,
        tracking=True,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    seller_id = fields.Char(
        string="Seller ID",
        help="The merchant token of the seller account: Seller Central > Settings > "
        "Account Info > Business Information > Merchant Token.",
        required=True,
        tracking=True,
    )
    region = fields.Selection(
        string="Region",
        help="The Selling Partner API region of the seller account: North America for "
        "Amazon.com, .ca, .com.mx and .com.br; Europe for Europe, the Middle East, "
        "Africa and India; Far East for Japan, Australia and Singapore.",
        selection=const.REGION_SELECTION,
        required=True,
        default=lambda self: self._default_region(),
        tracking=True,
    )
    lwa_client_id = fields.Char(
        string="LWA Client ID",
        help="The Login with Amazon client identifier of your SP-API application.",
        groups="base.group_system",
        copy=False,
    )
    lwa_client_secret = fields.Char(
        string="LWA Client Secret",
        help="The Login with Amazon client secret of your SP-API application.",
        groups="base.group_system",
        copy=False,
    )
    refresh_token = fields.Char(
        string="Refresh Token",
        help="The refresh token Seller Central gave when the seller authorized the "
        "application.",
        groups="base.group_system",
        copy=False,
    )
    environment = fields.Selection(
        string="Environment",
        help="Production: Amazon's live API. Amazon Sandbox: Amazon's static test API. "
        "Local sandbox: the connector's own sandbox server (python -m "
        "amazon_sp.sandbox), to try the connector without an Amazon account.",
        selection=const.ENVIRONMENT_SELECTION,
        required=True,
        default="production",
        # Where the credentials are sent: as protected as the credentials themselves.
        groups="base.group_system",
        tracking=True,
    )
    local_endpoint = fields.Char(
        string="Local Endpoint",
        help="Base URL of the local sandbox, e.g. http://127.0.0.1:8765. Only this "
        "machine (a loopback address or localhost) is accepted, unless the server's "
        "configuration file lists the host in amazon_local_endpoint_hosts.",
        groups="base.group_system",
        tracking=True,
    )
    available_marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace",
        relation="amazon_account_available_marketplace_rel",
        string="Available Marketplaces",
        help="The marketplaces the seller participates in, as Amazon reports them.",
        readonly=True,
        copy=False,
    )
    active_marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace",
        relation="amazon_account_active_marketplace_rel",
        string="Synchronized Marketplaces",
        help="The marketplaces whose orders are imported.",
        domain="[('id', 'in', available_marketplace_ids)]",
        copy=False,
    )
    last_orders_sync = fields.Datetime(
        string="Orders Synchronized Until",
        help="Orders updated on Amazon after this moment are imported at the next "
        "synchronization.",
        compute="_compute_orders_sync_state",
        inverse="_inverse_orders_sync_state",
    )
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
    offer_count = fields.Integer(compute="_compute_offer_count")

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
    fba_location_id = fields.Many2one(
        comodel_name="stock.location",
        string="FBA Location",
        help="Where this account's FBA stock is kept in Odoo (the company's 'Amazon "
        "FBA' location if empty): FBA orders leave from it and the FBA inventory pull "
        "sets its quantities.",
        domain="[('usage', '=', 'internal')]",
        check_company=True,
    )
    fba_location_per_country = fields.Boolean(
        string="One FBA Location per Country",
        help="Keep the FBA stock of each Amazon fulfilment network (a country; the "
        "pan-European network counts as one) in a location of its own inside the FBA "
        "location: FBA orders leave from their country's location, and the inventory "
        "pull sets each one's quantities.",
    )
    fba_inventory_sync = fields.Boolean(
        string="Pull FBA Inventory",
        help="Every hour, set the FBA location's quantities of the paired products to "
        "what Amazon holds.",
        default=True,
    )
    warehouse_id = fields.Many2one(
        comodel_name="stock.warehouse",
        string="Warehouse",
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
        string="Total Tolerance",
        help="An order whose total differs from Amazon's by more than this amount (in "
        "the order's currency) gets an activity for the accountant.",
        default=0.01,
    )
    responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        help="Is told about orders that cannot be imported, returns to process, and "
        "connection problems.",
        domain="[('share', '=', False)]",
    )
    accountant_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Accountant",
        help="Is told about orders whose totals or taxes differ from Amazon's (the "
        "responsible user if empty).",
        domain="[('share', '=', False)]",
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

    # === DEFAULTS === #

    @api.model
    def _default_region(self):
        country = self.env.company.country_id.code
        return const.REGION_BY_COUNTRY.get(country, "EU")

    # === COMPUTE METHODS === #

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
            log = self.env["amazon.sync.log"].search(
                [("account_id", "=", account.id)], limit=1
            )
            account.last_sync_log_id = log
            account.last_sync_status = statuses.get(log.status, "") if log else ""

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

    def _amazon_state(self, kind):
        """The run state of one of the account's jobs (see amazon.sync.state).

        :rtype: amazon.sync.state
        """
        self.ensure_one()
        return self.env["amazon.sync.state"]._amazon_get(self, kind)

    def _compute_offer_count(self):
        counts = dict(
            self.env["amazon.offer"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.offer_count = counts.get(account, 0)

    # === CONSTRAINT METHODS === #

    @api.constrains("active_marketplace_ids", "available_marketplace_ids")
    def _check_active_marketplaces_available(self):
        for account in self:
            unavailable = (
                account.active_marketplace_ids - account.available_marketplace_ids
            )
            if unavailable:
                raise ValidationError(
                    self.env._(
                        "%(marketplaces)s cannot be synchronized: the seller does not "
                        "participate in it. Click 'Update available marketplaces' if "
                        "the seller opened it recently.",
                        marketplaces=", ".join(unavailable.mapped("name")),
                    )
                )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_vals(vals)
        accounts = super().create(vals_list)
        for account in accounts:
            # Raises UserError when Amazon refuses the credentials: nothing is saved.
            account._amazon_sync_marketplaces(activate="all")
            if not account.last_orders_sync:
                account.last_orders_sync = (
                    account.first_import_date or fields.Datetime.now()
                )
        self._toggle_import_cron()
        return accounts

    def write(self, vals):
        self._normalize_vals(vals)
        res = super().write(vals)
        reconnect = any(key in vals for key in const.CONNECTION_FIELDS) or vals.get(
            "active"
        )
        if reconnect:
            for account in self.filtered("active"):
                account._amazon_sync_marketplaces(activate="new")
        if "active" in vals:
            self._toggle_import_cron()
        return res

    def unlink(self):
        res = super().unlink()
        self._toggle_import_cron()
        return res

    @api.model
    def _toggle_import_cron(self):
        """Activate the scheduled actions exactly while an account is active."""
        active = bool(self.sudo().search_count([("active", "=", True)], limit=1))
        for xmlid in (
            "ir_cron_import_orders",
            "ir_cron_send_updates",
            "ir_cron_pull_fba_inventory",
        ):
            cron = self.env.ref(f"amazon_connector.{xmlid}", raise_if_not_found=False)
            if cron and cron.active != active:
                cron.sudo().active = active

    @api.model
    def _normalize_vals(self, vals):
        for key in ("seller_id", "lwa_client_id", "lwa_client_secret", "refresh_token"):
            if isinstance(vals.get(key), str):
                vals[key] = vals[key].strip()
        if vals.get("local_endpoint"):
            try:
                vals["local_endpoint"] = normalise_local_url(vals["local_endpoint"])
            except ValueError:
                raise UserError(
                    self.env._(
                        "The local endpoint must be a URL such as "
                        "http://127.0.0.1:8765."
                    )
                ) from None
            self._amazon_check_local_endpoint(vals["local_endpoint"])

    @api.model
    def _amazon_check_local_endpoint(self, url):
        """Refuse a local endpoint on another machine: it would receive the LWA client
        secret and the refresh token.

        :raise UserError: if the host is neither a loopback address nor allowed by the
            server's configuration file (``amazon_local_endpoint_hosts``).
        """
        allowed = (config.get(const.LOCAL_HOSTS_OPTION) or "").split(",")
        if not local_url_allowed(url, allowed):
            raise UserError(
                self.env._(
                    "The local endpoint %(url)s is not on this machine: the local "
                    "sandbox receives the account's client secret and refresh token, "
                    "so only a loopback address (127.0.0.1, ::1) or localhost is "
                    "accepted. To use another host, list it in the Odoo server's "
                    "configuration file: %(option)s = <host>.",
                    url=url,
                    option=const.LOCAL_HOSTS_OPTION,
                )
            )

    # === ACTION METHODS === #

    def _amazon_check_manager(self):
        """Only Amazon administrators start what talks to Amazon for an account.

        Salespeople can read accounts, so the buttons' methods are reachable over RPC:
        they must refuse them, not rely on the buttons being hidden.
        """
        if not self.env.su and not self.env.user.has_group(
            "amazon_connector.group_amazon_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only Amazon administrators can do this (Settings > Users > "
                    "Amazon: Administrator)."
                )
            )

    def action_update_available_marketplaces(self):
        """Ask Amazon again which marketplaces the seller participates in, and say what
        changed."""
        self.ensure_one()
        self._amazon_check_manager()
        added, unknown = self._amazon_sync_marketplaces(activate="new")
        if added:
            message = self.env._(
                "Added to the available and synchronized marketplaces: %(names)s.",
                names=", ".join(added.mapped("name")),
            )
            notification_type = "success"
        else:
            message = self.env._(
                "The available marketplaces are up to date: %(names)s.",
                names=", ".join(self.available_marketplace_ids.mapped("name"))
                or self.env._("none"),
            )
            notification_type = "info"
        if unknown:
            message += " " + self.env._(
                "Amazon also lists marketplaces Odoo does not know: %(ids)s. If you "
                "sell there, add them under Amazon Marketplaces (developer mode), then "
                "update again.",
                ids=", ".join(unknown),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon marketplaces"),
                "message": message,
                "type": notification_type,
                "sticky": bool(unknown),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_sync_orders(self):
        """Import the orders updated since the last synchronization, now."""
        self.ensure_one()
        self._amazon_check_manager()
        log = self._amazon_as_importer()._amazon_sync_orders(
            "manual", const.INTERACTIVE_TIME_BUDGET
        )
        return self._amazon_log_notification(log)

    def _amazon_as_importer(self):
        """The account as the import runs it: with the rights to create what an order
        needs (customers, deliveries, FBA moves), in the account's company.

        Amazon administrators may start an import without being stock or accounting
        users; the scheduled action runs as the superuser anyway.
        """
        return self.sudo().with_company(self.company_id)

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
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
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

    def action_view_offers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Offers"),
            "res_model": "amazon.offer",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"default_account_id": self.id},
        }

    # === BUSINESS METHODS === #

    def _amazon_sync_marketplaces(self, activate="new"):
        """Store the marketplaces the seller participates in, as Amazon reports them.

        Only marketplaces Odoo knows for the account's region are kept (hand-made ones
        included); Amazon also lists "Non-Amazon" marketplaces that are not stores.

        :param str activate: ``all`` to synchronize every available marketplace (a new
            account), ``new`` to synchronize only those that were not available before.
        :return: the marketplaces added, and the ids Amazon listed that Odoo does not
            know.
        :rtype: tuple(amazon.marketplace, list[str])
        :raise UserError: if Amazon refuses the credentials or cannot be reached.
        """
        self.ensure_one()
        participations = self._amazon_call(
            lambda connection: connection.get_marketplace_participations()
        )
        listed = {p.marketplace_id: p for p in participations if p.is_participating}
        marketplaces = self.env["amazon.marketplace"].search(
            [("api_ref", "in", list(listed)), ("region", "=", self.region)]
        )
        unknown = [
            f"{listed[ref].name} ({ref})"
            for ref in listed
            if ref not in marketplaces.mapped("api_ref")
            and listed[ref].name != "Non-Amazon"
            and not amazon_sp.get_marketplace(ref)
        ]
        added = marketplaces - self.available_marketplace_ids
        active = self.active_marketplace_ids & marketplaces
        active |= marketplaces if activate == "all" else added
        self.write(
            {
                "available_marketplace_ids": [fields.Command.set(marketplaces.ids)],
                "active_marketplace_ids": [fields.Command.set(active.ids)],
            }
        )
        return added, unknown

    # === REQUEST HELPERS === #

    def _amazon_connection(self):
        """Return the amazon_sp connection of this account, built from its credentials.

        :rtype: amazon_sp.SellerConnection
        :raise UserError: if the local endpoint is missing for the local environment.
        """
        self.ensure_one()
        account = self.sudo()
        credentials = amazon_sp.Credentials(
            seller_id=account.seller_id or "",
            client_id=account.lwa_client_id or "",
            client_secret=account.lwa_client_secret or "",
            refresh_token=account.refresh_token or "",
        )
        if account.environment == "local":
            if not account.local_endpoint:
                raise UserError(
                    self.env._(
                        "Set the local endpoint of account %(name)s (e.g. "
                        "http://127.0.0.1:8765), or choose another environment.",
                        name=account.name,
                    )
                )
            # Checked again where the credentials leave: a value stored before the
            # rule, or by other means, is refused too.
            self._amazon_check_local_endpoint(account.local_endpoint)
        return amazon_sp.SellerConnection(
            credentials,
            account.region,
            account.environment,
            account.local_endpoint,
        )

    def _amazon_call(self, func, *, user_error=True):
        """Run ``func(connection)`` against Amazon for this account.

        This is the one way the addon reaches Amazon.

        :param callable func: receives the account's ``amazon_sp.SellerConnection``.
        :param bool user_error: turn Amazon's refusal into a ``UserError`` that tells
            the user what to fix; with False, the ``amazon_sp.AmazonError`` is raised as
            is (for scheduled actions, which retry or report).
        :return: what ``func`` returns.
        """
        self.ensure_one()
        missing = self._amazon_missing_credentials()
        if missing and user_error:
            raise UserError(
                self.env._(
                    "Fill in these credentials of Amazon account %(name)s: %(fields)s.",
                    name=self.name,
                    fields=", ".join(missing),
                )
            )
        try:
            return func(self._amazon_connection())
        except amazon_sp.AmazonError as error:
            _logger.warning("Amazon call failed for account %s: %s", self.id, error)
            if not user_error:
                raise
            raise UserError(self._amazon_error_message(error)) from None

    def _amazon_missing_credentials(self):
        account = self.sudo()
        labels = {
            "seller_id": self.env._("Seller ID"),
            "lwa_client_id": self.env._("LWA Client ID"),
            "lwa_client_secret": self.env._("LWA Client Secret"),
            "refresh_token": self.env._("Refresh Token"),
        }
        return [label for field, label in labels.items() if not account[field]]

    def _amazon_error_message(self, error):
        """Return what to tell a user about an Amazon error, with what to fix.

        :param amazon_sp.AmazonError error: the error.
        :rtype: str
        """
        region = dict(const.REGION_SELECTION)[self.region]
        if isinstance(error, amazon_sp.InvalidCredentials):
            if error.kind == "refresh_token":
                message = self.env._(
                    "Amazon refused the refresh token of account %(name)s: it is "
                    "mistyped, was revoked, or belongs to another application. "
                    "Authorize the application again in Seller Central (Apps and "
                    "Services > Develop Apps > Authorize) and paste the new refresh "
                    "token.",
                    name=self.name,
                )
            else:
                message = self.env._(
                    "Amazon refused the LWA client ID or client secret of account "
                    "%(name)s. Copy both again from Seller Central (Apps and Services "
                    "> Develop Apps > View LWA credentials).",
                    name=self.name,
                )
        elif isinstance(error, amazon_sp.AccessDenied):
            message = self.env._(
                "Amazon denied access to seller %(seller)s in the %(region)s region. "
                "Check that the region is the one where the seller authorized the "
                "application (a seller of Amazon.de is in Europe, of Amazon.com in "
                "North America), that the application has the roles the connector "
                "needs (Selling Partner Insights, Inventory and Order Tracking), and "
                "that the seller did not revoke the authorization.",
                seller=self.seller_id,
                region=region,
            )
        elif isinstance(error, amazon_sp.Throttled):
            message = self.env._(
                "Amazon is limiting the requests of account %(name)s right now. Try "
                "again in a few minutes.",
                name=self.name,
            )
        elif isinstance(error, amazon_sp.Unavailable):
            message = self.env._(
                "Amazon could not be reached for account %(name)s (%(error)s). Try "
                "again later; if you use the local sandbox, check that it is running "
                "at the local endpoint.",
                name=self.name,
                error=error.message,
            )
        else:
            message = self.env._(
                "Amazon refused the request of account %(name)s: %(error)s",
                name=self.name,
                error=error.message,
            )
        if error.request_id:
            message += "\n" + self.env._(
                "Amazon request ID: %(request_id)s", request_id=error.request_id
            )
        return message

    # === SCHEDULED JOBS === #

    @api.model
    def _amazon_run_accounts(self, kind, work, domain=()):
        """Run a scheduled job for every active account, fairly, within the cron's time.

        Accounts are served least recently run first (by the job's state), each with an
        even share of the time left; after each account the progress is committed with
        the number of accounts left to do (those not served yet, and those served that
        have more to do), so that Odoo calls the job again soon while one has a backlog.
        One account's unexpected error is rolled back, logged on that account with an
        activity, and the next account is served.

        :param str kind: the job, a kind of ``amazon.sync.state``.
        :param callable work: ``work(account, seconds)``, True when the account has
            nothing more to do, False when time stopped it.
        :param list domain: which active accounts.
        """
        accounts = self.sudo().search([("active", "=", True), *domain])
        if not accounts:
            return
        states = self.env["amazon.sync.state"]._amazon_get(accounts, kind)
        last_run = {state.account_id.id: state.last_run for state in states}
        accounts = accounts.sorted(
            lambda a: (bool(last_run.get(a.id)), last_run.get(a.id) or 0, a.id)
        )
        time_left = self._amazon_commit(remaining=len(accounts))
        deadline = time.monotonic() + min(time_left, const.CRON_TIME_BUDGET)
        unfinished = 0
        for index, account in enumerate(accounts):
            seconds = max(deadline - time.monotonic(), 0) / (len(accounts) - index)
            try:
                done = work(account.with_company(account.company_id), seconds)
            except Exception as error:  # noqa: BLE001 - one account never stops the rest
                self._amazon_rollback(error)
                account._amazon_unexpected_error(kind, error)
                done = True
            unfinished += not done
            time_left = self._amazon_commit(
                1, remaining=len(accounts) - index - 1 + unfinished
            )
            if min(time_left, deadline - time.monotonic()) <= 0:
                break

    def _amazon_commit(self, processed=0, remaining=None):
        """Commit the work done (and report progress to the scheduled action).

        In tests, only a run inside a cron's progress context (the test's own cursor
        in registry test mode) commits: elsewhere the test's transaction must stay
        whole.

        :return: the seconds left to the scheduled action's run (infinite outside one).
        """
        if modules.module.current_test and not self.env.context.get(
            "ir_cron_progress_id"
        ):
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    def _amazon_rollback(self, error):
        """Undo what an account's failed step did not commit.

        :param Exception error: the failure, raised again where a rollback is
            impossible (a test's own transaction).
        """
        if modules.module.current_test and not self.env.context.get(
            "ir_cron_progress_id"
        ):
            raise error
        self.env.cr.rollback()

    def _amazon_unexpected_error(self, kind, error):
        """Log an unexpected error of one of the account's jobs, and tell the
        responsible user once."""
        self.ensure_one()
        _logger.error(
            "Amazon job %s of account %s failed unexpectedly",
            kind,
            self.id,
            exc_info=error,
        )
        job = dict(self.env["amazon.sync.state"]._fields["kind"].selection)[kind]
        self._amazon_activity_once(
            self.env._("Amazon job failed: %(job)s", job=job),
            self.env._(
                "An unexpected error stopped '%(job)s' for this account: "
                "%(error)s. The server log has the details; the job is tried again at "
                "its next run, and the other accounts were not affected.",
                job=job,
                error=f"{type(error).__name__}: {error}",
            ),
        )
        self._amazon_commit()

    # === ORDER IMPORT === #

    @api.model
    def _cron_import_orders(self):
        """Scheduled action: import the new and updated orders of every active account,
        each with its share of the run (see `_amazon_run_accounts`)."""

        def work(account, seconds):
            return account._amazon_sync_orders("cron", seconds).status != "partial"

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

    def _amazon_locked_log(self, trigger):
        """The log of a run that found the import busy; nothing is written."""
        return self.env["amazon.sync.log"].new(
            {
                "account_id": self.id,
                "trigger": trigger,
                "status": "locked",
                "message": self.env._(
                    "Another run is importing this account's orders right now; they "
                    "appear when it is done."
                ),
            }
        )

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
        does not redo. Throttling ends the run quietly: the next run resumes.

        :param str trigger: ``cron``, ``manual``...
        :param float time_budget: seconds the run may last.
        :return: the run's log.
        :rtype: amazon.sync.log
        """
        self.ensure_one()
        started = time.monotonic()
        state = self._amazon_lock_orders()
        if not state:
            # Nothing is written: the other worker's run tells what it did.
            return self._amazon_locked_log(trigger)
        state.last_run = fields.Datetime.now()
        log = (
            self.env["amazon.sync.log"]
            .sudo()
            .create({"account_id": self.id, "trigger": trigger})
        )
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
        try:
            self._amazon_retry_failures(reader=reader, totals=totals)
            status = self._amazon_read_window(state, reader, log, totals, history=False)
            if status == "done" and state.history_start:
                status = self._amazon_read_window(
                    state, reader, log, totals, history=True
                )
        except amazon_sp.AmazonError as error:
            status, message = self._amazon_stopped_run(error)
            messages.append(message)
            if not error.retryable:
                self._amazon_notify_problem(message)
        finally:
            reader.close()
        messages += reader.notices
        self._amazon_write_log(
            log, status, totals, connection, started, "\n".join(messages)
        )
        self._amazon_commit()
        return log

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

    def _amazon_retry_failures(self, failures=None, reader=None, totals=None):
        """Import failed orders again, by their Amazon reference.

        :param amazon.order.failure failures: which ones (default: the oldest to retry).
        """
        self.ensure_one()
        failures = failures or self.env["amazon.order.failure"].search(
            [("account_id", "=", self.id), ("state", "=", "failed")],
            order="last_attempt",
            limit=const.FAILED_RETRIES_PER_RUN,
        )
        if not failures:
            return
        own_reader = reader is None
        if own_reader:
            reader = OrderReader(
                self._amazon_connection(), api_version=self.api_version
            )
        importer = self.env["amazon.order.import"]
        try:
            for failure in failures:
                try:
                    order = reader.get_order(failure.amazon_order_ref)
                except OrderDataError as error:
                    importer._amazon_import_orders(self, [], [error])
                    continue
                except amazon_sp.NotFound:
                    failure.write(
                        {
                            "reason": self.env._(
                                "Amazon does not know this order (any more): check the "
                                "reference, or dismiss it."
                            ),
                            "attempts": failure.attempts + 1,
                            "last_attempt": fields.Datetime.now(),
                        }
                    )
                    continue
                if order.status.value == "pending":
                    failure.write(
                        {
                            "reason": self.env._(
                                "Amazon has not given the prices of this order yet "
                                "(payment pending); it is tried again later."
                            ),
                            "last_attempt": fields.Datetime.now(),
                        }
                    )
                    continue
                result = importer._amazon_import_orders(self, [order])
                if totals is not None:
                    for key in totals:
                        totals[key] += result.get(key, 0)
        finally:
            if own_reader:
                reader.close()

    def _amazon_retry_failures_now(self, failures):
        """Retry failed orders at a user's request, and leave a log line of it.

        :return: the run's log (not saved when another run holds the import).
        """
        self.ensure_one()
        started = time.monotonic()
        if not self._amazon_lock_orders():
            return self._amazon_locked_log("retry")
        log = (
            self.env["amazon.sync.log"]
            .sudo()
            .create({"account_id": self.id, "trigger": "retry"})
        )
        connection = self._amazon_connection()
        reader = OrderReader(connection, api_version=self.api_version)
        totals = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        status, message = "done", False
        try:
            self._amazon_retry_failures(failures, reader=reader, totals=totals)
        except amazon_sp.AmazonError as error:
            status, message = self._amazon_stopped_run(error)
        finally:
            reader.close()
        self._amazon_write_log(log, status, totals, connection, started, message)
        self._amazon_commit()
        return log

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

    def _amazon_write_log(self, log, status, totals, connection, started, message):
        stats = connection.stats.snapshot()
        log.write(
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

    def _amazon_recover_order(self, order_ref):
        """Import one order by its Amazon reference, now.

        :return: its sales order.
        :raise UserError: with the reason when it cannot be imported.
        """
        self.ensure_one()
        order_ref = (order_ref or "").strip()
        if not re.match(const.ORDER_REF_PATTERN, order_ref):
            raise UserError(
                self.env._(
                    "%(ref)s is not an Amazon order reference: it has the form "
                    "123-1234567-1234567.",
                    ref=order_ref,
                )
            )
        started = time.monotonic()
        connection = self._amazon_connection()
        reader = OrderReader(connection, api_version=self.api_version)
        try:
            order = self._amazon_call(lambda _connection: reader.get_order(order_ref))
        except OrderDataError as error:
            raise UserError(
                self.env._(
                    "Amazon sent data that cannot make a sales order: %(reason)s",
                    reason=error.reason,
                )
            ) from None
        finally:
            reader.close()
        if order.status.value == "pending":
            raise UserError(
                self.env._(
                    "Amazon has not given the prices of order %(ref)s yet (payment "
                    "pending): it is imported by itself once Amazon does.",
                    ref=order_ref,
                )
            )
        if order.non_amazon or order.status.value == "unfulfillable":
            raise UserError(
                self.env._(
                    "Order %(ref)s was not sold on Amazon: it is not imported.",
                    ref=order_ref,
                )
            )
        if not self._amazon_lock_orders():
            raise UserError(self._amazon_locked_log("recover").message)
        result = self.env["amazon.order.import"]._amazon_import_orders(self, [order])
        log = (
            self.env["amazon.sync.log"]
            .sudo()
            .create({"account_id": self.id, "trigger": "recover"})
        )
        self._amazon_write_log(
            log,
            "done",
            {
                key: result.get(key, 0)
                for key in ("created", "updated", "skipped", "failed")
            },
            connection,
            started,
            self.env._("Order %(ref)s", ref=order_ref),
        )
        self._amazon_commit()
        sale_order = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.id), ("amazon_order_ref", "=", order_ref)]
        )
        if not sale_order:
            failure = self.env["amazon.order.failure"].search(
                [("account_id", "=", self.id), ("amazon_order_ref", "=", order_ref)]
            )
            raise UserError(
                failure.reason
                or self.env._(
                    "Order %(ref)s was cancelled before it was imported.", ref=order_ref
                )
            )
        return sale_order

    def _amazon_start_history(self, start, end):
        """Ask the scheduled action to import the orders created between two moments."""
        self.ensure_one()
        self._amazon_state("orders").write(
            {"history_start": start, "history_end": end, "history_checkpoint": False}
        )
        self.invalidate_recordset(list(self._ORDERS_STATE_FIELDS))
        self.env.ref("amazon_connector.ir_cron_import_orders").sudo()._trigger()

    # === NOTIFICATIONS === #

    def _amazon_responsible(self):
        self.ensure_one()
        return (
            self.responsible_user_id or self.user_id or self.create_uid or self.env.user
        )

    def _amazon_notify_failures(self):
        """One activity tells the responsible user that orders wait for a fix."""
        self._amazon_activity_once(
            self.env._("Amazon orders could not be imported"),
            self.env._(
                "Some Amazon orders could not be imported: open Failed Orders on the "
                "account to see why and what to fix. They are retried at every run."
            ),
        )

    def _amazon_notify_problem(self, message):
        """Tell the responsible user, once, that Amazon refuses the connection."""
        self._amazon_activity_once(self.env._("Amazon refuses the connection"), message)

    def _amazon_activity_once(self, summary, note):
        self.ensure_one()
        if self.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=plaintext2html(note),  # Amazon's words are text, never markup
            user_id=self._amazon_responsible().id,
        )

    def _amazon_log_notification(self, log):
        """A notification that sums a run up."""
        message = self.env._(
            "%(created)s created, %(updated)s updated, %(skipped)s unchanged or "
            "skipped, %(failed)s failed.",
            created=log.orders_created,
            updated=log.orders_updated,
            skipped=log.orders_skipped,
            failed=log.orders_failed,
        )
        kind = {
            "done": "success",
            "partial": "info",
            "locked": "info",
            "throttled": "warning",
        }.get(log.status, "danger")
        if log.status == "locked":
            message = log.message
        else:
            if log.status == "partial":
                message += " " + self.env._("More orders are imported at the next run.")
            if log.message:
                message += "\n" + log.message
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

    # === BACK TO AMAZON === #

    @api.model
    def _cron_send_updates(self):
        """Scheduled action: tell Amazon about validated FBM deliveries and about orders
        cancelled in Odoo, and read the results of the cancellation feeds, for every
        active account with its share of the run (see `_amazon_run_accounts`)."""
        self._amazon_run_accounts(
            "updates", lambda account, seconds: account._amazon_send_updates(seconds)
        )

    def _amazon_send_updates(self, time_budget=None):
        """Send this account's pending shipment confirmations and cancellations.

        Each delivery is locked while it is sent and committed at once, so that two
        workers never send the same one; a crash between Amazon's answer and the commit
        sends it again with the same package references, which Amazon treats as an
        update of the same packages.

        :param float time_budget: seconds it may take; the deliveries left wait for
            the next run.
        :return: whether nothing is left to send (False when time or the batch size
            stopped it).
        """
        self.ensure_one()
        deadline = time.monotonic() + (
            const.CRON_TIME_BUDGET if time_budget is None else time_budget
        )
        self._amazon_commit()
        state = self._amazon_state("updates")
        if not state or not state._amazon_try_lock():
            return True  # another worker sends this account's updates right now
        state.last_run = fields.Datetime.now()
        connection = self._amazon_connection()
        connection.max_wait = const.IMPORT_MAX_WAIT
        domain = [
            ("amazon_confirmation_state", "=", "to_send"),
            ("sale_id.amazon_account_id", "=", self.id),
            ("state", "=", "done"),
        ]
        Picking = self.env["stock.picking"]
        pickings = Picking.search(domain, order="date_done, id", limit=const.SEND_BATCH)
        done = len(pickings) < const.SEND_BATCH
        self._amazon_commit()
        for picking in pickings:
            if time.monotonic() >= deadline:
                done = False
                break
            # Another worker may have sent it since the search: lock and look again.
            if not picking.try_lock_for_update():
                continue
            picking.invalidate_recordset(["amazon_confirmation_state"])
            if picking.amazon_confirmation_state != "to_send":
                continue
            try:
                picking._amazon_send_confirmation(connection)
            except amazon_sp.AmazonError as error:
                _logger.info(
                    "Shipment confirmations of account %s wait: %s", self.id, error
                )
                if error.account_wide:
                    # Credentials or access: no delivery can be sent until fixed.
                    self._amazon_notify_problem(self._amazon_error_message(error))
                self._amazon_commit()  # keep the packages Amazon already accepted
                done = True  # the next run tries again
                break
            self._amazon_commit()
        if time.monotonic() >= deadline:
            return False
        try:
            done = self._amazon_send_cancellations(connection) and done
            self._amazon_check_cancellation_feeds(connection)
        except amazon_sp.AmazonError as error:
            if not error.retryable:
                self._amazon_notify_problem(self._amazon_error_message(error))
            _logger.info("Cancellations of account %s wait: %s", self.id, error)
        return done

    def _amazon_send_cancellations(self, connection):
        """Send the items cancelled in Odoo to Amazon in one order acknowledgement
        feed.

        :return: whether none is left to send.
        """
        cancellations = (
            self.env["amazon.cancellation"]
            .search(
                [("account_id", "=", self.id), ("state", "=", "to_send")],
                limit=const.SEND_BATCH,
            )
            .try_lock_for_update()
        )
        if not cancellations:
            return True
        content = feeds.order_cancellation_feed(
            [(c.amazon_order_ref, c.amazon_item_ref, c.reason) for c in cancellations]
        )
        marketplaces = cancellations.sale_order_id.amazon_marketplace_id.mapped(
            "api_ref"
        )
        feed_id = feeds.submit_feed(
            connection,
            feeds.ORDER_ACKNOWLEDGEMENT_FEED,
            content,
            feeds.TSV,
            marketplaces,
        )
        cancellations.write({"state": "submitted", "feed_ref": feed_id})
        self._amazon_commit()
        return len(cancellations) < const.SEND_BATCH

    def _amazon_check_cancellation_feeds(self, connection):
        """Read the results of the submitted cancellation feeds."""
        submitted = self.env["amazon.cancellation"].search(
            [("account_id", "=", self.id), ("state", "=", "submitted")]
        )
        for feed_ref, cancellations in submitted.grouped("feed_ref").items():
            status = feeds.feed_status(connection, feed_ref)
            if not status.finished:
                continue
            if status.status != "DONE":
                cancellations._amazon_refused(
                    self.env._(
                        "Amazon did not process the feed (%(status)s).",
                        status=status.status,
                    )
                )
                continue
            report = feeds.feed_report(connection, status.result_document_id)
            refused = {(order, item): message for order, item, message in report.errors}
            for cancellation in cancellations:
                message = refused.get(
                    (cancellation.amazon_order_ref, cancellation.amazon_item_ref)
                )
                if message:
                    cancellation._amazon_refused(message)
                else:
                    cancellation.state = "done"
            self._amazon_commit()

    def action_pull_fba_inventory(self):
        """Set the FBA location's quantities to what Amazon holds, now."""
        self.ensure_one()
        self._amazon_check_manager()
        try:
            count = self._amazon_as_importer()._amazon_pull_fba_inventory()
        except amazon_sp.AmazonError as error:
            raise UserError(self._amazon_error_message(error)) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon FBA inventory"),
                "message": self.env._(
                    "%(count)s products have their FBA quantities from Amazon.",
                    count=count,
                ),
                "type": "success",
            },
        }

    @api.model
    def _cron_pull_fba_inventory(self):
        """Scheduled action: FBA quantities of every account that pulls them
        (accounts sharing FBA locations together), each with its share of the run
        (see `_amazon_run_accounts`)."""
        pulled = self.browse()

        def work(account, seconds):
            nonlocal pulled
            if account not in pulled:
                group = account._amazon_fba_sharing()
                pulled |= group
                account._amazon_pull_fba_inventory_locked(group)
            return True

        self._amazon_run_accounts(
            "fba_inventory", work, [("fba_inventory_sync", "=", True)]
        )

    def _amazon_pull_fba_inventory_locked(self, group):
        """Pull the FBA inventory of a group of accounts sharing locations, unless
        another worker is pulling one of them."""
        self._amazon_commit()
        states = self.env["amazon.sync.state"]._amazon_get(group, "fba_inventory")
        if not states or states.try_lock_for_update() != states:
            return
        states.last_run = fields.Datetime.now()
        try:
            self._amazon_pull_fba_inventory(group)
        except amazon_sp.AmazonError:
            pass  # logged, and told to the account's responsible user, by the pull

    def _amazon_fba_location(self, marketplace=None):
        """The location holding the account's FBA stock sold on a marketplace.

        :param amazon.marketplace marketplace: where the goods are sold; without it,
            or without one location per country, the account's FBA location.
        :rtype: stock.location
        """
        self.ensure_one()
        base = self.fba_location_id or self.company_id._amazon_fba_location()
        if not (self.fba_location_per_country and marketplace):
            return base
        network = _fba_network(marketplace)
        Location = self.env["stock.location"].sudo()
        location = Location.search(
            [("location_id", "=", base.id), ("amazon_fba_network", "=", network)],
            limit=1,
        )
        if not location:
            location = Location.create(
                {
                    "name": network,
                    "location_id": base.id,
                    "usage": "internal",
                    "company_id": base.company_id.id or self.company_id.id,
                    "amazon_fba_network": network,
                }
            )
        return location

    def _amazon_fba_networks(self):
        """One active marketplace per fulfilment network of the account.

        :rtype: dict[str, amazon.marketplace]
        """
        self.ensure_one()
        networks = {}
        for marketplace in self.active_marketplace_ids:
            networks.setdefault(_fba_network(marketplace), marketplace)
        return networks

    def _amazon_fba_locations(self):
        """Every location the account's FBA inventory pull sets."""
        self.ensure_one()
        locations = self._amazon_fba_location()
        for marketplace in self._amazon_fba_networks().values():
            locations |= self._amazon_fba_location(marketplace)
        return locations

    def _amazon_pull_fba_inventory(self, accounts=None):
        """Set the FBA locations' quantities of the accounts' paired products.

        Amazon's stock is read once per fulfillment network (the pan-European network
        shares one stock across its marketplaces), and the units in Amazon's warehouses
        (sellable, reserved for orders, or unsellable; not those still inbound) become
        the location's quantity, through an inventory adjustment. The other accounts
        that keep their FBA stock in the same locations are read too, so that their
        units add up instead of replacing each other. A location is left as it was
        when Amazon could not be read for one of its accounts.

        :param amazon.account accounts: these accounts and those sharing their
            locations, when the caller already has them (default: found here).
        :return: how many products were set.
        :raise amazon_sp.AmazonError: Amazon's error for one of these accounts, after
            the other locations were set.
        """
        accounts = accounts or self._amazon_fba_sharing()
        targets = {}  # location -> {product: quantity}
        failed = self.env["stock.location"]
        first_error = None
        for account in accounts:
            offers = (
                self.env["amazon.offer"]
                .search([("account_id", "=", account.id)])
                .filtered(lambda o: o.product_id.is_storable)
            )
            try:
                on_hand = {
                    network: account._amazon_fba_on_hand(marketplace)
                    for network, marketplace in account._amazon_fba_networks().items()
                }
            except amazon_sp.AmazonError as error:
                _logger.info(
                    "FBA inventory of account %s not pulled: %s", account.id, error
                )
                if error.account_wide:
                    # Credentials or access (e.g. no Amazon Fulfillment role): a
                    # person must act, and a log line alone reaches nobody.
                    account._amazon_notify_problem(account._amazon_error_message(error))
                failed |= account._amazon_fba_locations()
                if account in self and first_error is None:
                    first_error = error
                continue
            for network, marketplace in account._amazon_fba_networks().items():
                location = account._amazon_fba_location(marketplace)
                quantities = targets.setdefault(location, {})
                for offer in offers:
                    quantities[offer.product_id] = quantities.get(
                        offer.product_id, 0
                    ) + on_hand[network].get(offer.sku, 0)
            if account.fba_location_per_country:
                # The stock now lives in the countries' locations, not above them.
                quantities = targets.setdefault(account._amazon_fba_location(), {})
                for offer in offers:
                    quantities.setdefault(offer.product_id, 0)
        products = self.env["product.product"]
        for location, quantities in targets.items():
            if location in failed:
                continue
            self._amazon_set_quantities(location, quantities)
            products |= self.env["product.product"].union(*quantities)
        if first_error:
            raise first_error
        return len(products)

    def _amazon_fba_sharing(self):
        """These accounts, and the accounts pulling FBA stock into the same
        locations."""
        candidates = self.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("active", "=", True),
                ("fba_inventory_sync", "=", True),
            ]
        )
        accounts = self
        locations = self.env["stock.location"].union(
            *(account._amazon_fba_locations() for account in self)
        )
        for candidate in candidates - self:
            if candidate._amazon_fba_locations() & locations:
                accounts |= candidate
        return accounts

    def _amazon_fba_on_hand(self, marketplace):
        """Units in Amazon's warehouses per SKU, in a marketplace's network."""
        on_hand = {}
        for summary in self._amazon_call(
            lambda c: inventory.fba_inventory(c, marketplace.api_ref),
            user_error=False,
        ):
            on_hand[summary.sku] = on_hand.get(summary.sku, 0) + summary.on_hand
        return on_hand

    def _amazon_set_quantities(self, location, quantities):
        """Adjust a location's quantities of some products to the given ones."""
        Quant = self.env["stock.quant"].sudo()
        held = dict(
            Quant._read_group(
                [
                    ("location_id", "=", location.id),
                    ("product_id", "in", [p.id for p in quantities]),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        quants = Quant
        for product, quantity in quantities.items():
            difference = quantity - held.get(product, 0)
            if not product.uom_id.compare(difference, 0):
                continue
            quant = Quant._gather(product, location, strict=True)[:1] or Quant.create(
                {"product_id": product.id, "location_id": location.id}
            )
            quant.inventory_quantity = quant.quantity + difference
            quants |= quant
        if quants:
            quants.with_context(
                inventory_name=self.env._(
                    "Amazon FBA inventory (%(location)s)",
                    location=location.display_name,
                )
            )._apply_inventory()


def _fba_network(marketplace):
    """The fulfilment network of a marketplace: its country, or EU for pan-European
    FBA."""
    return "EU" if marketplace.code in const.PAN_EU_FBA_COUNTRIES else marketplace.code


def _stored(record, names):
    """The values of some fields of a record as the database holds them."""
    record.flush_recordset(list(names))
    record.invalidate_recordset(list(names))
    return {name: record[name] for name in names}


def _aware(moment):
    """A naive UTC datetime (Odoo's) as an aware one (amazon_sp's)."""
    return moment.replace(tzinfo=timezone.utc) if moment else None
