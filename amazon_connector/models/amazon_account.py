"""The Amazon seller account: identity, credentials, marketplaces, and the one gateway
through which every SP-API call of the addon goes (``_amazon_call``).

What the account does with Amazon lives in files named after each capability, each an
``_inherit`` of this model: ``amazon_account_jobs.py`` (scheduled jobs, run state,
activities), ``amazon_account_order_sync.py`` and ``amazon_account_order_retry.py``
(order import), ``amazon_account_fulfillment.py`` (shipments and cancellations sent to
Amazon), ``amazon_account_fba_inventory.py`` (FBA stock).
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import config

import amazon_sp
from amazon_sp.credentials import local_url_allowed, normalise_local_url

from .. import const

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
        help="A name of your choice for this seller account.",
        required=True,
        tracking=True,
    )

    sequence = fields.Integer(default=10)

    active = fields.Boolean(default=True, tracking=True)

    company_id = fields.Many2one(
        comodel_name="res.company",
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
        help="The refresh token Seller Central gave when the seller authorized the "
        "application.",
        groups="base.group_system",
        copy=False,
    )

    environment = fields.Selection(
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

    responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        help="Is told about orders that cannot be imported, returns to process, and "
        "connection problems.",
        domain="[('share', '=', False)]",
    )

    offer_count = fields.Integer(compute="_compute_offer_count")

    # === DEFAULTS === #

    @api.model
    def _default_region(self):
        country = self.env.company.country_id.code
        return const.REGION_BY_COUNTRY.get(country, "EU")

    # === COMPUTE METHODS === #

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

    def _amazon_as_importer(self):
        """The account as the import runs it: with the rights to create what an order
        needs (customers, deliveries, FBA moves), in the account's company.

        Amazon administrators may start an import without being stock or accounting
        users; the scheduled action runs as the superuser anyway.
        """
        return self.sudo().with_company(self.company_id)

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
