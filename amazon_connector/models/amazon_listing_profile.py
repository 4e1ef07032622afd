"""A listing profile: which Odoo products are listed on Amazon, as which Amazon product
type, in which mode (an offer on an existing Amazon product, or a new product), with
which condition and fulfilment channel, and where each attribute's value comes from
(the mapping lines, ``amazon.listing.profile.line``).

What it takes to send (validation, catalog matching, the feed) is in
``amazon_listing_profile_publish.py``.
"""

import ipaddress
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain

import amazon_sp
from amazon_sp.product_types import OFFER_ONLY, OFFER_PRODUCT_TYPE

from .. import const


class AmazonListingProfile(models.Model):
    _name = "amazon.listing.profile"
    _description = "Amazon Listing Profile"
    _inherit = ["mail.thread"]
    _order = "account_id, name"
    _check_company_auto = True

    # === FIELDS === #

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        comodel_name="amazon.account",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    available_marketplace_ids = fields.Many2many(
        related="account_id.available_marketplace_ids"
    )
    marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace",
        relation="amazon_listing_profile_marketplace_rel",
        string="Marketplaces",
        help="Where the products are listed. Texts are sent in each marketplace's "
        "language where Odoo has a translation.",
        domain="[('id', 'in', available_marketplace_ids)]",
        required=True,
    )
    mode = fields.Selection(
        selection=const.LISTING_MODE_SELECTION,
        help="Offer on an existing Amazon product: Amazon already sells the product; "
        "it is found by its barcode and you add your offer (condition, price, stock). "
        "New product: the product is created on Amazon with the attributes of its "
        "product type, from the mapping below, and its images.",
        required=True,
        default="offer",
        tracking=True,
    )
    product_type = fields.Char(
        help="Amazon's product type of the products (search Amazon for it). Offers "
        "on existing products use Amazon's PRODUCT type.",
        tracking=True,
    )
    product_type_label = fields.Char(string="Product Type Name")
    condition = fields.Selection(
        selection=const.LISTING_CONDITION_SELECTION,
        required=True,
        default="new_new",
    )
    fulfillment = fields.Selection(
        string="Fulfilment Channel",
        selection=const.FULFILLMENT_SELECTION,
        required=True,
        default="fbm",
    )
    handling_time = fields.Integer(
        string="Handling Time (Days)",
        help="Days you need to ship an order (0: the account's handling time).",
    )
    send_images = fields.Boolean(
        help="Send the products' images with new products. Amazon downloads them from "
        "this Odoo server, which must be reachable from the internet.",
        default=True,
    )
    categ_ids = fields.Many2many(
        comodel_name="product.category",
        string="Product Categories",
        help="Products of these categories (and their sub-categories) are listed.",
    )
    product_ids = fields.Many2many(
        comodel_name="product.product",
        relation="amazon_listing_profile_product_rel",
        string="Products",
        help="Products listed besides those of the categories.",
        check_company=True,
    )
    line_ids = fields.One2many(
        comodel_name="amazon.listing.profile.line",
        inverse_name="profile_id",
        string="Attribute Mapping",
        copy=True,
    )
    required_attributes = fields.Json(
        help="The attributes Amazon's product type requires, read from its schema.",
        readonly=True,
        copy=False,
    )
    blocking_reason = fields.Text(
        string="Before Publishing",
        compute="_compute_blocking_reason",
        help="What must be fixed before the profile can be used.",
    )
    is_ready = fields.Boolean(compute="_compute_blocking_reason")
    offer_ids = fields.One2many(
        comodel_name="amazon.offer", inverse_name="profile_id", string="Offers"
    )
    offer_count = fields.Integer(compute="_compute_offer_counts")
    refused_count = fields.Integer(compute="_compute_offer_counts")
    product_count = fields.Integer(compute="_compute_product_count")

    # === COMPUTE METHODS === #

    @api.depends(
        "mode",
        "product_type",
        "marketplace_ids",
        "send_images",
        "required_attributes",
        "line_ids.has_source",
        "line_ids.required",
        "line_ids.attribute",
    )
    def _compute_blocking_reason(self):
        for profile in self:
            reasons = profile._amazon_blocking_reasons()
            profile.blocking_reason = "\n".join(reasons) or False
            profile.is_ready = not reasons

    def _compute_offer_counts(self):
        groups = self.env["amazon.offer"]._read_group(
            [("profile_id", "in", self.ids)],
            ["profile_id", "listing_state"],
            ["__count"],
        )
        counts = {}
        for profile, state, count in groups:
            totals = counts.setdefault(profile.id, [0, 0])
            totals[0] += count
            if state in ("refused", "invalid"):
                totals[1] += count
        for profile in self:
            profile.offer_count, profile.refused_count = counts.get(profile.id, (0, 0))

    @api.depends("categ_ids", "product_ids")
    def _compute_product_count(self):
        for profile in self:
            profile.product_count = len(profile._amazon_products())

    # === ONCHANGE METHODS === #

    @api.onchange("account_id")
    def _onchange_account_id(self):
        if self.account_id and not self.marketplace_ids:
            self.marketplace_ids = self.account_id._amazon_main_marketplace()

    # === BUSINESS METHODS === #

    def _amazon_offer_only(self):
        return self.mode == "offer"

    def _amazon_listing_product_type(self):
        """The product type the listings are sent as."""
        return OFFER_PRODUCT_TYPE if self._amazon_offer_only() else self.product_type

    def _amazon_requirements(self):
        return OFFER_ONLY if self._amazon_offer_only() else "LISTING"

    def _amazon_blocking_reasons(self):
        """What keeps the profile from being used, in a merchant's words."""
        self.ensure_one()
        reasons = []
        if not self.marketplace_ids:
            reasons.append(self.env._("Choose the marketplaces to list in."))
        if self.mode == "new":
            if not self.product_type:
                reasons.append(
                    self.env._("Choose the Amazon product type (Search Amazon).")
                )
            mapped = {line.attribute for line in self.line_ids if line.has_source}
            missing = [
                line.label or line.attribute
                for line in self.line_ids
                if line.required and not line.has_source
            ]
            missing += [
                name
                for name in self.required_attributes or ()
                if name not in mapped
                and name not in const.LISTING_AUTOMATIC_ATTRIBUTES
                and name not in self.line_ids.mapped("attribute")
            ]
            if missing:
                reasons.append(
                    self.env._(
                        "Amazon requires these attributes; give each a source: "
                        "%(names)s.",
                        names=", ".join(missing),
                    )
                )
            if self.send_images and not self._amazon_public_base_url():
                reasons.append(
                    self.env._(
                        "Amazon downloads the images from this server's address "
                        "(%(url)s), which Amazon cannot reach: set a public https "
                        "address as web.base.url (Settings > Technical > System "
                        "Parameters), or untick Send Images.",
                        url=self._amazon_base_url() or "-",
                    )
                )
        return reasons

    def _amazon_base_url(self):
        return self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""

    def _amazon_public_base_url(self):
        """This server's address if Amazon can download from it (public https), else
        None."""
        url = self._amazon_base_url()
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not host or "." not in host:
            return None
        if host == "localhost" or host.endswith((".local", ".lan", ".internal")):
            return None
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return url.rstrip("/")
        if address.is_private or address.is_loopback or address.is_link_local:
            return None
        return url.rstrip("/")

    def _amazon_products(self):
        """The products the profile lists: those of its categories, and those chosen
        by hand; sellable ones."""
        self.ensure_one()
        products = self.product_ids
        if self.categ_ids:
            products |= self.env["product.product"].search(
                Domain("categ_id", "child_of", self.categ_ids.ids)
                & Domain("sale_ok", "=", True)
                & Domain("company_id", "in", [False, self.company_id.id or False])
            )
        return products.filtered("active")

    def _amazon_check_ready(self):
        self.ensure_one()
        reasons = self._amazon_blocking_reasons()
        if reasons:
            raise UserError(
                self.env._(
                    "Profile %(name)s cannot be used yet:\n%(reasons)s",
                    name=self.name,
                    reasons="\n".join(reasons),
                )
            )

    def _amazon_definitions(self):
        """The definition (with its schema) of the profile's product type in each of
        its marketplaces.

        :rtype: dict[amazon.marketplace, amazon.product.type]
        """
        self.ensure_one()
        ProductType = self.env["amazon.product.type"].sudo()
        return {
            marketplace: ProductType._amazon_definition(
                self.account_id,
                self._amazon_listing_product_type(),
                marketplace,
                self._amazon_requirements(),
            )
            for marketplace in self.marketplace_ids
        }

    # === ACTION METHODS === #

    def action_search_product_type(self):
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Search Amazon's product types"),
            "res_model": "amazon.product.type.search",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_profile_id": self.id,
                "default_keywords": self.product_type_label or self.name,
            },
        }

    def action_load_attributes(self):
        """Read the product type's schema and add a mapping line for each attribute
        it requires, with a source where Odoo has an obvious one."""
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        if self.mode == "new" and not self.product_type:
            raise UserError(self.env._("Choose the Amazon product type first."))
        if not self.marketplace_ids:
            raise UserError(self.env._("Choose the marketplaces first."))
        try:
            definitions = self._amazon_definitions()
        except amazon_sp.AmazonError as error:
            raise UserError(self.account_id._amazon_error_message(error)) from None
        required, titles = [], {}
        for definition in definitions.values():
            titles.update(definition._amazon_titles())
            required += [
                name for name in definition._amazon_required() if name not in required
            ]
        self.required_attributes = required
        existing = set(self.line_ids.mapped("attribute"))
        Line = self.env["amazon.listing.profile.line"]
        commands = []
        for name in required:
            if name in existing or name in const.LISTING_AUTOMATIC_ATTRIBUTES:
                continue
            commands.append(
                Command.create(
                    {
                        "attribute": name,
                        "label": titles.get(name) or name,
                        "required": True,
                        **Line._amazon_default_source(name),
                    }
                )
            )
        for line in self.line_ids:
            line.write(
                {
                    "required": line.attribute in required,
                    "label": line.label or titles.get(line.attribute),
                }
            )
        self.write({"line_ids": commands})
        return True

    def action_publish(self):
        """List the profile's products on Amazon (see
        ``amazon_listing_profile_publish.py``) and say what became of them."""
        self.ensure_one()
        self.env["amazon.account"]._amazon_check_manager()
        summary = self.sudo()._amazon_publish()
        return self._amazon_publish_notification(summary)

    @api.model
    def action_publish_products(self, products):
        """Publish some products (a selection in the products list) through the
        profiles that list them.

        :param products: ``product.product`` or ``product.template`` records.
        """
        self.env["amazon.account"]._amazon_check_manager()
        if products._name == "product.template":
            products = products.product_variant_ids
        summary = {}
        profiles = self.search([("account_id.active", "=", True)]).filtered(
            lambda p: p._amazon_products() & products
        )
        if not profiles:
            raise UserError(
                self.env._(
                    "No listing profile lists these products: add them (or their "
                    "category) to a profile under Amazon > Listing Profiles."
                )
            )
        for profile in profiles:
            result = profile.sudo()._amazon_publish(
                profile._amazon_products() & products
            )
            for key, value in result.items():
                summary[key] = summary.get(key, 0) + value
        return self._amazon_publish_notification(summary)

    def action_view_offers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Offers of %(name)s", name=self.name),
            "res_model": "amazon.offer",
            "view_mode": "list,form",
            "domain": [("profile_id", "=", self.id)],
        }
