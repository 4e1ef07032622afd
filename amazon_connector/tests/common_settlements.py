"""What the settlement tests share: an EU account whose shipped orders are invoiced,
settlements closed in the sandbox, and what an accountant looks at."""

from odoo import fields

from amazon_sp.sandbox.settlementdata import close_settlement

from .common import EU_SELLER_ID, make_order
from .test_invoicing import AmazonInvoicingCommon

DE = "A1PA6795UKMFR9"


class AmazonSettlementCommon(AmazonInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eu_account.total_tolerance = 0.02
        cls.env["amazon.settlement.rule"]._amazon_create_default_rules(cls.env.company)

    def _shipped_order(self, price="59.97", tax="9.58", quantity=1, sync=True, **extra):
        order = make_order(
            self.marketplace_de,
            [
                {
                    "sku": "MUG-1",
                    "quantity": quantity,
                    "price": price,
                    "tax": tax,
                    **extra,
                }
            ],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        if sync:
            self._sync()
        return order

    def _settle(self, marketplace_id=DE, **options):
        """Close a settlement period in the sandbox (see ``close_settlement``)."""
        return close_settlement(
            self.sandbox_state, EU_SELLER_ID, marketplace_id, **options
        )

    def _import(self, account=None):
        account = account or self.eu_account
        created, finished = account._amazon_import_settlements(600)
        self.assertTrue(finished)
        return created

    def _settlement(self, result, account=None):
        return self.env["amazon.settlement"].search(
            [
                ("account_id", "=", (account or self.eu_account).id),
                ("settlement_ref", "=", result["settlement_id"]),
            ]
        )

    def _paid(self, invoice):
        invoice.invalidate_recordset(["payment_state", "amount_residual"])
        return (
            invoice.payment_state in ("paid", "in_payment")
            and not invoice.amount_residual
        )

    def _assert_statement_is_exact(self, settlement):
        """Every statement line adds up: the lines other than the payout to the
        total, all of them to zero; the journal is in the settlement's currency."""
        statement = settlement.statement_id
        payout = settlement.line_ids.filtered(lambda line: line.kind == "payout")
        others = statement.line_ids - payout.statement_line_id
        currency = settlement.currency_id
        self.assertEqual(
            currency.round(sum(others.mapped("amount"))), settlement.amount_total
        )
        self.assertEqual(payout.amount, -settlement.amount_total)
        self.assertTrue(currency.is_zero(sum(statement.line_ids.mapped("amount"))))
        self.assertEqual(
            statement.journal_id.currency_id or statement.company_id.currency_id,
            currency,
        )
        self.assertEqual(statement.name, settlement.settlement_ref)
        self.assertEqual(len(statement.line_ids), len(settlement.line_ids))
        return statement

    def _today(self):
        return fields.Date.today()
