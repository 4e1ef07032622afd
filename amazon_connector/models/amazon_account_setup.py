"""The setup check of an Amazon account: what Odoo lacks for the account's orders to
match Amazon's (currencies, rates, taxes, the fiscal position of the taxes Amazon
remits, the FBA warehouse), each with the button that fixes it on the account's form,
and the same check said in one message before the first import."""

from markupsafe import Markup

from odoo import Command, api, fields, models

from .. import const

# Marketplaces whose sales tax Amazon collects and remits itself (marketplace
# facilitator) for every order: the account's "Tax Remitted by Amazon" applies.
FACILITATOR_COUNTRIES = ("US",)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FIELDS === #

    setup_inactive_currency_ids = fields.Many2many(
        comodel_name="res.currency",
        string="Inactive Currencies",
        compute="_compute_setup_check",
        context={"active_test": False},  # they are inactive
    )
    setup_unrated_currency_ids = fields.Many2many(
        comodel_name="res.currency",
        string="Currencies Without a Rate",
        compute="_compute_setup_check",
    )
    setup_untaxed_country_ids = fields.Many2many(
        comodel_name="res.country",
        string="Countries Without a Sales Tax",
        compute="_compute_setup_check",
    )
    setup_untaxed_product_ids = fields.Many2many(
        comodel_name="product.product",
        string="Default Products Without a Tax",
        compute="_compute_setup_check",
    )
    setup_needs_facilitator = fields.Boolean(compute="_compute_setup_check")
    setup_needs_fba_warehouse = fields.Boolean(compute="_compute_setup_check")
    setup_issue_count = fields.Integer(
        string="Setup Problems", compute="_compute_setup_check"
    )

    # === COMPUTE METHODS === #

    @api.depends(
        "active_marketplace_ids.currency_id.active",
        "active_marketplace_ids.currency_id.rate_ids",
        "company_id",
        "region",
        "facilitator_fiscal_position_id",
        "fba_location_id",
        "fba_inventory_sync",
    )
    def _compute_setup_check(self):
        for account in self:
            company = account.company_id or self.env.company
            marketplaces = account.active_marketplace_ids
            currencies = marketplaces.currency_id
            account.setup_inactive_currency_ids = currencies.filtered(
                lambda c: not c.active
            )
            account.setup_unrated_currency_ids = currencies.filtered(
                lambda c, company=company: (
                    c.active and c != company.currency_id and not _has_rate(c, company)
                )
            )
            taxed = marketplaces.filtered("tax_included").country_id
            account.setup_untaxed_country_ids = taxed.filtered(
                lambda country, company=company: not _has_sales_tax(country, company)
            )
            remitted = account.facilitator_fiscal_position_id and all(
                m.code in FACILITATOR_COUNTRIES for m in marketplaces
            )
            defaults = self.env["product.product"].browse(
                [
                    product.id
                    for kind in const.DEFAULT_PRODUCTS
                    if (product := self._amazon_default_product_if_any(kind))
                ]
            )
            account.setup_untaxed_product_ids = (
                self.env["product.product"]
                if remitted or not marketplaces
                else defaults.filtered(
                    lambda p, company=company: not p.taxes_id._filter_taxes_by_company(
                        company
                    )
                )
            )
            account.setup_needs_facilitator = (
                account.region == "NA" and not account.facilitator_fiscal_position_id
            )
            location = account.fba_location_id or company.amazon_fba_location_id
            account.setup_needs_fba_warehouse = account._amazon_uses_fba() and not (
                location and location.warehouse_id
            )
            account.setup_issue_count = sum(
                bool(problem)
                for problem in (
                    account.setup_inactive_currency_ids,
                    account.setup_unrated_currency_ids,
                    account.setup_untaxed_country_ids,
                    account.setup_untaxed_product_ids,
                    account.setup_needs_facilitator,
                    account.setup_needs_fba_warehouse,
                )
            )

    @api.model
    def _amazon_default_product_if_any(self, kind):
        """The default product of a kind, without creating it (a compute writes
        nothing)."""
        return (
            self.env.ref(
                f"amazon_connector.{const.DEFAULT_PRODUCTS[kind]}",
                raise_if_not_found=False,
            )
            or self.env["product.product"]
        )

    def _amazon_uses_fba(self):
        """Whether the account keeps FBA stock in Odoo: it pulls Amazon's FBA
        inventory, or has FBA orders."""
        self.ensure_one()
        return self.fba_inventory_sync or bool(
            self.id
            and self.env["sale.order"].search_count(
                [
                    ("amazon_account_id", "=", self.id),
                    ("amazon_fulfillment", "=", "fba"),
                ],
                limit=1,
            )
        )

    # === CRUD METHODS === #

    @api.model_create_multi
    def create(self, vals_list):
        """Override to give a new North American account its "Tax Remitted by
        Amazon" fiscal position at once: Amazon collects and remits the sales tax of
        Amazon.com orders."""
        accounts = super().create(vals_list)
        for account in accounts:
            if account.setup_needs_facilitator:
                account._amazon_set_facilitator_fiscal_position()
        return accounts

    # === ACTION METHODS === #

    def action_amazon_activate_currencies(self):
        """Activate the currencies of the account's marketplaces."""
        self.ensure_one()
        self._amazon_check_manager()
        self.setup_inactive_currency_ids.write({"active": True})
        return True

    def action_amazon_open_currencies(self):
        """Open the currencies without a rate, to enter their rates."""
        self.ensure_one()
        currencies = self.setup_unrated_currency_ids
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "base.action_currency_form"
        )
        action["domain"] = [("id", "in", currencies.ids)]
        if len(currencies) == 1:
            action.update(
                {
                    "res_id": currencies.id,
                    "views": [(False, "form")],
                    "view_mode": "form",
                }
            )
        return action

    def action_amazon_create_tax(self):
        """Create the sales tax of a country whose Amazon prices include taxes, with
        the fiscal position that applies it there (a dialog; the check is updated when
        it closes)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sales tax of an Amazon marketplace"),
            "res_model": "amazon.setup.tax.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_amazon_account_id": self.id},
        }

    def action_amazon_open_default_products(self):
        """Open the default products, to set their taxes."""
        self.ensure_one()
        return self.env["product.product"]._amazon_action_open_default_products()

    def action_amazon_create_facilitator_fiscal_position(self):
        """Create (or find) the "Tax Remitted by Amazon" fiscal position and set
        it."""
        self.ensure_one()
        self._amazon_check_manager()
        self._amazon_set_facilitator_fiscal_position()
        return True

    def action_amazon_create_fba_warehouse(self):
        """Keep the FBA stock in a warehouse of its own, so that it counts in the
        products' quantities (never picked for the deliveries you ship)."""
        self.ensure_one()
        self._amazon_check_manager()
        self._amazon_as_importer()._amazon_fba_warehouse()
        return True

    # === BUSINESS METHODS === #

    def _amazon_set_facilitator_fiscal_position(self):
        """Give the account the company's "Tax Remitted by Amazon" fiscal position,
        created if it has none: without taxes, so that Odoo removes the sales taxes
        of the orders whose tax Amazon remits."""
        self.ensure_one()
        Position = self.env["account.fiscal.position"].sudo()
        name = self.env._("Tax Remitted by Amazon")
        position = Position.search(
            [("company_id", "=", self.company_id.id), ("name", "=", name)], limit=1
        ) or Position.create(
            {
                "name": name,
                "company_id": self.company_id.id,
                "auto_apply": False,
                "note": Markup("<p>%s</p>")
                % self.env._(
                    "Amazon collects and remits the sales tax of these orders "
                    "(marketplace facilitator): Odoo removes their taxes. Keep its "
                    "Taxes empty: a fiscal position without taxes removes every tax."
                ),
            }
        )
        self.facilitator_fiscal_position_id = position
        return position

    def _amazon_create_country_tax(self, country, amount, name, replaced):
        """A sales tax of a country, included in prices as Amazon's are there, and a
        fiscal position that Odoo applies by itself to the sales delivered there,
        replacing the given taxes of your products with it.

        :param res.country country: the marketplace's country.
        :param float amount: the rate, in percent.
        :param str name: the tax's name.
        :param account.tax replaced: the company's sales taxes it replaces.
        :return: the tax and the fiscal position.
        """
        self.ensure_one()
        company = self.company_id
        Group = self.env["account.tax.group"]
        # A tax needs a group of its country: Odoo has none for a country whose
        # localization is not installed.
        group = Group.search(
            [*Group._check_company_domain(company), ("country_id", "=", country.id)],
            limit=1,
        ) or Group.create(
            {
                "name": self.env._("Taxes (%(country)s)", country=country.code),
                "country_id": country.id,
                "company_id": company.id,
            }
        )
        tax = self.env["account.tax"].create(
            {
                "name": name,
                "amount": amount,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "country_id": country.id,
                "tax_group_id": group.id,
                "company_id": company.id,
                "original_tax_ids": [Command.set(replaced.ids)],
            }
        )
        Position = self.env["account.fiscal.position"]
        automatic = Position.search(
            [*Position._check_company_domain(company), ("auto_apply", "=", True)]
        )
        position = Position.create(
            {
                "name": self.env._("Sales to %(country)s", country=country.name),
                "company_id": company.id,
                "country_id": country.id,
                "auto_apply": True,
                # Before the fiscal positions of every foreign country.
                "sequence": min(automatic.mapped("sequence"), default=10) - 1,
                "tax_ids": [Command.set(tax.ids)],
            }
        )
        return tax, position

    def _amazon_fba_warehouse(self):
        """A warehouse "Amazon FBA" holding the account's FBA location: created, and
        the FBA location moved into it (or its stock location made the FBA location).

        :rtype: stock.warehouse
        """
        self.ensure_one()
        company = self.company_id
        Warehouse = self.env["stock.warehouse"]
        location = self.fba_location_id or company.amazon_fba_location_id
        if location.warehouse_id:
            return location.warehouse_id
        codes = set(
            Warehouse.with_context(active_test=False)
            .search([("company_id", "=", company.id)])
            .mapped("code")
        )
        code = next(
            c for c in ("FBA", *(f"FBA{n}" for n in range(2, 100))) if c not in codes
        )
        warehouse = Warehouse.create(
            {
                "name": self.env._("Amazon FBA"),
                "code": code,
                "company_id": company.id,
                # After the warehouses the deliveries you ship leave from.
                "sequence": 1000,
            }
        )
        if location:
            location.location_id = warehouse.view_location_id
        else:
            company.amazon_fba_location_id = warehouse.lot_stock_id
        return warehouse

    def _amazon_setup_problems(self):
        """What the setup check found, as ``(key, what will go wrong)``.

        :rtype: list[tuple[str, str]]
        """
        self.ensure_one()
        problems = []
        names = ", ".join
        if self.setup_inactive_currency_ids:
            problems.append(
                (
                    "currencies",
                    self.env._(
                        "%(currencies)s are not active: orders in them cannot be "
                        "imported (they wait in Failed Orders).",
                        currencies=names(
                            self.setup_inactive_currency_ids.mapped("name")
                        ),
                    ),
                )
            )
        if self.setup_unrated_currency_ids:
            problems.append(
                (
                    "rates",
                    self.env._(
                        "%(currencies)s have no exchange rate: Odoo would count their "
                        "orders as if one was worth one %(company)s.",
                        currencies=names(
                            self.setup_unrated_currency_ids.mapped("name")
                        ),
                        company=self.company_id.currency_id.name,
                    ),
                )
            )
        if self.setup_untaxed_country_ids:
            problems.append(
                (
                    "taxes",
                    self.env._(
                        "Odoo has no sales tax for %(countries)s, where Amazon's "
                        "prices include taxes: those orders would be imported without "
                        "their tax, unlike Amazon's.",
                        countries=names(self.setup_untaxed_country_ids.mapped("name")),
                    ),
                )
            )
        if self.setup_untaxed_product_ids:
            problems.append(
                (
                    "products",
                    self.env._(
                        "The default products %(products)s have no tax: items whose "
                        "SKU matches none of your products would be imported without "
                        "tax, and their totals would differ from Amazon's.",
                        products=names(self.setup_untaxed_product_ids.mapped("name")),
                    ),
                )
            )
        if self.setup_needs_facilitator:
            problems.append(
                (
                    "facilitator",
                    self.env._(
                        "No 'Tax Remitted by Amazon' fiscal position: Amazon.com "
                        "orders, whose sales tax Amazon collects and remits, would "
                        "keep Odoo's taxes, and their totals would differ from "
                        "Amazon's."
                    ),
                )
            )
        if self.setup_needs_fba_warehouse:
            problems.append(
                (
                    "fba",
                    self.env._(
                        "No warehouse holds the FBA stock: the goods in Amazon's "
                        "warehouses would not count in your products' quantities. (If "
                        "you do not sell with FBA, untick Pull FBA Inventory.)"
                    ),
                )
            )
        return problems

    def _amazon_setup_message(self):
        """The setup check in one message: what will go wrong, and where to fix it."""
        self.ensure_one()
        lines = [text for _key, text in self._amazon_setup_problems()]
        if not lines:
            return ""
        return "\n".join(
            [
                self.env._(
                    "Before the first import of %(account)s, the setup check found:",
                    account=self.name,
                ),
                *(f"- {line}" for line in lines),
                self.env._(
                    "Each has a button that fixes it in the Setup check of the "
                    "account's form."
                ),
            ]
        )

    def _amazon_is_first_import(self):
        """Whether no import of the account's orders has completed yet."""
        self.ensure_one()
        return not self.env["amazon.sync.log"].search_count(
            [
                ("account_id", "=", self.id),
                ("trigger", "in", ("cron", "manual", "history")),
                ("status", "in", ("done", "partial")),
            ],
            limit=1,
        )

    def _amazon_check_setup(self):
        """Before the first scheduled import, tell the responsible user once what the
        setup check found; the activity is done by itself once the setup is right."""
        self.ensure_one()
        open_activity = (
            self.env["mail.activity"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("amazon_cause", "=", "setup"),
                ],
                limit=1,
            )
        )
        if not open_activity and not self._amazon_is_first_import():
            return
        message = self._amazon_setup_message()
        self._amazon_cause_activity(
            "setup",
            self if message else self.browse(),
            self.env._("Amazon account %(name)s: finish its setup", name=self.name),
            message,
        )


def _has_rate(currency, company):
    """Whether a currency has an exchange rate for a company."""
    return bool(
        currency.env["res.currency.rate"].search_count(
            [
                ("currency_id", "=", currency.id),
                ("company_id", "in", (False, company.root_id.id)),
            ],
            limit=1,
        )
    )


def _has_sales_tax(country, company):
    """Whether Odoo has a sales tax of a company for orders delivered to a country:
    a tax of that country, or a fiscal position of that country with taxes (foreign
    VAT, OSS)."""
    env = company.env
    if env["account.tax"].search_count(
        [
            *env["account.tax"]._check_company_domain(company),
            ("type_tax_use", "=", "sale"),
            ("country_id", "=", country.id),
        ],
        limit=1,
    ):
        return True
    positions = env["account.fiscal.position"].search(
        [
            *env["account.fiscal.position"]._check_company_domain(company),
            "|",
            ("country_id", "=", country.id),
            ("country_group_id.country_ids", "=", country.id),
        ]
    )
    return any(position.tax_ids for position in positions)
