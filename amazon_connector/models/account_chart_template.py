from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """Override of `account` to give a company whose chart of accounts is loaded
        (at install, or later) the default Amazon settlement rules, on accounts of
        that chart."""
        result = super()._post_load_data(template_code, company, template_data)
        company = company or self.env.company
        self.env["amazon.settlement.rule"]._amazon_create_default_rules(
            company, force=True
        )
        return result
