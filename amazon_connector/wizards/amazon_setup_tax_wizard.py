from odoo import api, fields, models


class AmazonSetupTaxWizard(models.TransientModel):
    """The sales tax of a country whose Amazon prices include taxes (EU VAT, UK,
    Mexico, Japan...), for an account's setup check: the tax, included in prices, and
    the fiscal position that applies it to the sales delivered there in place of your
    products' own taxes.

    The account is ``amazon_account_id``, not ``account_id``: a ``default_account_id``
    in the context would reach the tax's accounting records (their ``account_id`` is an
    account of the chart).
    """

    _name = "amazon.setup.tax.wizard"
    _description = "Create the Sales Tax of an Amazon Marketplace's Country"

    amazon_account_id = fields.Many2one(comodel_name="amazon.account", required=True)
    company_id = fields.Many2one(related="amazon_account_id.company_id")
    country_ids = fields.Many2many(
        comodel_name="res.country",
        related="amazon_account_id.setup_untaxed_country_ids",
    )
    country_id = fields.Many2one(
        comodel_name="res.country",
        required=True,
        domain="[('id', 'in', country_ids)]",
    )
    amount = fields.Float(
        string="Rate (%)",
        help="The standard rate of the country, as Amazon charges it (e.g. 16 for "
        "Mexico's IVA, 19 for Germany's VAT).",
        required=True,
    )
    name = fields.Char(
        string="Tax Name",
        compute="_compute_name",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
    )
    replaced_tax_ids = fields.Many2many(
        comodel_name="account.tax",
        string="Replaces",
        help="Your products' sales taxes that this tax replaces on sales delivered to "
        "the country.",
        domain="[('type_tax_use', '=', 'sale'), ('company_id', '=', company_id)]",
    )

    # === COMPUTE METHODS === #

    @api.depends("country_id", "amount")
    def _compute_name(self):
        for wizard in self:
            wizard.name = self.env._(
                "VAT %(rate)s%% (%(country)s)",
                rate=f"{wizard.amount:g}",
                country=wizard.country_id.code or "",
            )

    # === CRUD METHODS === #

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        account = self.env["amazon.account"].browse(values.get("amazon_account_id"))
        if account:
            values.setdefault("country_id", account.setup_untaxed_country_ids[:1].id)
            if "replaced_tax_ids" in fields_list:
                domestic = self.env["account.tax"].search(
                    [
                        *self.env["account.tax"]._check_company_domain(
                            account.company_id
                        ),
                        ("type_tax_use", "=", "sale"),
                        (
                            "country_id",
                            "=",
                            account.company_id.account_fiscal_country_id.id,
                        ),
                        ("is_domestic", "=", True),
                        ("amount", ">", 0),
                    ]
                )
                values["replaced_tax_ids"] = [fields.Command.set(domestic.ids)]
        return values

    # === ACTION METHODS === #

    def action_create(self):
        """Create the tax and its fiscal position, and show the account again."""
        self.ensure_one()
        self.amazon_account_id._amazon_check_manager()
        self.amazon_account_id._amazon_create_country_tax(
            self.country_id, self.amount, self.name, self.replaced_tax_ids
        )
        return {"type": "ir.actions.act_window_close"}
