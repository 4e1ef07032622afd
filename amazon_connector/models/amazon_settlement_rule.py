"""How the amounts of a settlement that are not what a buyer paid are booked: fees,
advertising, subscription, storage, reimbursements, reserves... One rule maps Amazon's
transaction type, amount type and amount description (each empty meaning "any") to an
account, taxes and a label, grouped per settlement or per order.

Default rules are created for each company with a chart of accounts, at install and
on the first import of a company that had none: their accounts are found in the
company's chart by name, or created next to the first account of the right type.
The accountant edits them freely; the rule that names the most of the three values
wins, then the lowest sequence.
"""

from odoo import api, fields, models

# (name, account role, transaction type, amount type, amount description, grouping)
DEFAULT_RULES = (
    ("Amazon selling fees", "fees", "", "ItemFees", "", "settlement"),
    ("Amazon fees on refunds", "fees", "Refund", "ItemFees", "", "settlement"),
    ("Amazon advertising", "advertising", "", "Cost of Advertising", "", "settlement"),
    ("Amazon subscription", "fees", "", "", "Subscription Fee", "settlement"),
    ("Amazon FBA storage", "fees", "", "", "Storage Fee", "settlement"),
    ("Amazon service fees", "fees", "ServiceFee", "", "", "settlement"),
    (
        "Amazon reimbursements",
        "reimbursements",
        "FBA Inventory Reimbursement",
        "",
        "",
        "settlement",
    ),
    (
        "Amazon reserve released",
        "reserve",
        "",
        "",
        "Previous Reserve Amount Balance",
        "settlement",
    ),
    ("Amazon reserve held", "reserve", "", "", "Current Reserve Amount", "settlement"),
    ("Amazon chargebacks", "fees", "Chargeback Refund", "", "", "order"),
)

# Accounts the default rules book on: name, type, whether reconcilable.
ACCOUNT_ROLES = {
    "fees": ("Amazon Fees", "expense", False),
    "advertising": ("Amazon Advertising", "expense", False),
    "reimbursements": ("Amazon Reimbursements", "income_other", False),
    "reserve": ("Amazon Reserve", "asset_current", False),
    "rounding": ("Amazon Rounding Differences", "expense", False),
}


class AmazonSettlementRule(models.Model):
    _name = "amazon.settlement.rule"
    _description = "Amazon Settlement Rule"
    _order = "sequence, id"

    name = fields.Char(string="Label", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    transaction_type = fields.Char(
        help="Amazon's transaction type (e.g. Order, Refund, ServiceFee, "
        "other-transaction); empty: any."
    )
    amount_type = fields.Char(
        help="Amazon's amount type (e.g. ItemFees, Cost of Advertising); empty: any."
    )
    amount_description = fields.Char(
        help="Amazon's amount description (e.g. Commission, Subscription Fee, Current "
        "Reserve Amount); empty: any."
    )
    account_id = fields.Many2one(
        comodel_name="account.account",
        required=True,
        check_company=True,
    )
    tax_ids = fields.Many2many(
        comodel_name="account.tax",
        string="Taxes",
        check_company=True,
        help="Taxes included in the amount (e.g. the VAT Amazon invoices on its fees).",
    )
    grouping = fields.Selection(
        selection=[
            ("settlement", "One line per settlement"),
            ("order", "One line per order"),
        ],
        default="settlement",
        required=True,
    )

    # === BUSINESS METHODS === #

    def _amazon_specificity(self):
        return sum(
            bool(value)
            for value in (
                self.transaction_type,
                self.amount_type,
                self.amount_description,
            )
        )

    def _amazon_matches(self, transaction_type, amount_type, description):
        self.ensure_one()
        for wanted, value in (
            (self.transaction_type, transaction_type),
            (self.amount_type, amount_type),
            (self.amount_description, description),
        ):
            if wanted and wanted.strip().lower() != (value or "").strip().lower():
                return False
        return True

    @api.model
    def _amazon_matcher(self, company):
        """A function that gives the rule of an amount's three values (or an empty
        recordset), the rules read once: no search per row.

        :rtype: callable
        """
        rules = self.sudo().search([("company_id", "=", company.id)])
        ranked = sorted(
            rules, key=lambda r: (-r._amazon_specificity(), r.sequence, r.id)
        )
        cache = {}

        def match(transaction_type, amount_type, description):
            key = (transaction_type, amount_type, description)
            if key not in cache:
                cache[key] = next(
                    (
                        rule
                        for rule in ranked
                        if rule._amazon_matches(
                            transaction_type, amount_type, description
                        )
                    ),
                    self.browse(),
                )
            return cache[key]

        return match

    @api.model
    def _amazon_create_default_rules(self, companies=None, force=False):
        """Create the default rules of the companies with a chart of accounts that
        have none yet (all companies by default).

        :param bool force: for a company whose chart is being loaded (its chart
            template may not be set yet).
        """
        companies = companies or self.env["res.company"].sudo().search(
            [("chart_template", "!=", False)]
        )
        Rule = self.sudo().with_context(active_test=False)
        for company in companies:
            if not company.chart_template and not force:
                continue
            if Rule.search_count([("company_id", "=", company.id)], limit=1):
                continue
            values = []
            for sequence, (
                name,
                role,
                ttype,
                atype,
                description,
                grouping,
            ) in enumerate(DEFAULT_RULES, start=1):
                values.append(
                    {
                        "name": name,
                        "sequence": sequence * 10,
                        "company_id": company.id,
                        "transaction_type": ttype,
                        "amount_type": atype,
                        "amount_description": description,
                        "account_id": self._amazon_role_account(company, role).id,
                        "grouping": grouping,
                    }
                )
            Rule.create(values)

    @api.model
    def _amazon_role_account(self, company, role):
        """The account of a role (``fees``, ``reserve``, ``rounding``...) in a company's
        chart: found by name, or created with a code next to the first account of its
        type.

        :rtype: account.account
        """
        name, account_type, reconcile = ACCOUNT_ROLES[role]
        Account = self.env["account.account"].sudo().with_company(company)
        domain = Account._check_company_domain(company)
        account = Account.search([*domain, ("name", "=", name)], limit=1)
        if account:
            return account
        model = Account.search([*domain, ("account_type", "=", account_type)], limit=1)
        if not model:
            model = Account.search(domain, order="code desc", limit=1)
        code = Account._search_new_account_code(model.code or "999000")
        return Account.create(
            {
                "name": name,
                "code": code,
                "account_type": account_type,
                "reconcile": reconcile,
                "company_ids": [fields.Command.set(company.ids)],
            }
        )
