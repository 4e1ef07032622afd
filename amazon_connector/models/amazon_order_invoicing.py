"""The order import invoices what Amazon shipped, at once, for the accounts that post
invoices on shipment (``sale.order._amazon_invoice_now``)."""

from odoo import api, models


class AmazonOrderImport(models.AbstractModel):
    _inherit = "amazon.order.import"

    @api.model
    def _amazon_import_orders(self, account, orders, unreadable=()):
        """Override to invoice the orders of the page that Amazon shipped (FBA
        orders reported shipped, FBM orders imported as already shipped); what
        cannot be invoiced is listed in the account's Failed Invoices."""
        result = super()._amazon_import_orders(account, orders, unreadable)
        if account.invoice_policy == "on_shipment" and result["sale_orders"]:
            result["sale_orders"]._amazon_invoice_shipped()
        return result
