"""Settlements end to end: from the sandbox's settlement reports to bank statements
whose every line is reconciled, invoices paid, credit notes for refunds, fees by
rules, the reserve, the payout to zero; unknown orders completed later; negative
settlements; the generic chart."""

from decimal import Decimal

from odoo.tests import tagged

from .common import EU_SELLER_ID, make_order
from .common_settlements import AmazonSettlementCommon


@tagged("post_install", "-at_install")
class TestSettlements(AmazonSettlementCommon):
    def test_a_settlement_pays_the_invoices_and_books_everything_else(self):
        first = self._shipped_order()
        second = self._shipped_order(price="119.00", tax="19.00", quantity=2)
        refunded = self._shipped_order(price="39.98", tax="6.38", quantity=2)
        result = self._settle(
            refunds=[{"order_id": refunded["orderId"], "quantity": 1}],
            reserve="100.00",
            previous_reserve="60.00",
        )
        created = self._import()
        settlement = self._settlement(result)
        self.assertEqual(created, settlement)
        self.assertEqual(settlement.amount_total, float(result["total"]))
        self.assertEqual(settlement.currency_id.name, "EUR")
        self.assertEqual(settlement.marketplace_id, self.marketplace_de)
        self.assertEqual(
            settlement.state, "reconciled", settlement.line_ids.mapped("reason")
        )
        self.assertFalse(settlement.open_count)
        self.assertTrue(settlement.file)
        statement = self._assert_statement_is_exact(settlement)
        # The statement is complete and every line is reconciled.
        self.assertTrue(all(statement.line_ids.mapped("is_reconciled")))
        suspense = statement.journal_id.suspense_account_id
        self.assertFalse(
            statement.line_ids.move_id.line_ids.filtered(
                lambda line: line.account_id == suspense
            )
        )
        # The invoices show paid.
        for order in (first, second, refunded):
            so = self._sale_order(order)
            invoice = self._invoices(so)
            self.assertTrue(self._paid(invoice), invoice.payment_state)
        # The refund: a credit note of what was refunded, reconciled with its line.
        so = self._sale_order(refunded)
        credit = self._refunds(so)
        self.assertEqual(len(credit), 1)
        self.assertEqual(credit.amount_total, 19.99)
        self.assertTrue(self._paid(credit))
        refund_line = settlement.line_ids.filtered(lambda line: line.kind == "refund")
        self.assertEqual(refund_line.amount, -19.99)
        self.assertEqual(refund_line.move_id, credit)
        # Fees, advertising, subscription... by the default rules; the reserve on the
        # reserve account.
        rules = settlement.line_ids.filtered(lambda line: line.kind == "rule")
        self.assertIn("Amazon selling fees", rules.mapped("name"))
        self.assertIn("Amazon subscription", rules.mapped("name"))
        reserve = rules.filtered(lambda line: line.account_id.name == "Amazon Reserve")
        self.assertEqual(sorted(reserve.mapped("amount")), [-100.0, 60.0])
        self.assertEqual(reserve.account_id.account_type, "asset_current")
        self.assertFalse(
            settlement.line_ids.filtered(lambda line: line.kind == "uncovered")
        )
        # The payout goes to the company's inter-bank transfer account.
        payout = settlement.line_ids.filtered(lambda line: line.kind == "payout")
        self.assertEqual(payout.account_id, self.env.company.transfer_account_id)
        # The payout was matched from the Finances API.
        self.assertEqual(settlement.payout_status, "Succeeded")
        self.assertEqual(settlement.payout_trace_ref, result["group"]["TraceId"])
        # The journal: one per account and currency.
        self.assertEqual(statement.journal_id.name, "Amazon Sandbox EU (EUR)")
        self.assertIn(statement.journal_id, self.eu_account.settlement_journal_ids)
        # From the sales order and the account, the settlement is one click away.
        self.assertEqual(so.amazon_settlement_count, 1)
        self.assertEqual(self.eu_account.settlement_count, 1)

    def test_an_order_unknown_to_odoo_stays_open_then_is_completed(self):
        known = self._shipped_order()
        later = self._shipped_order(price="23.80", tax="3.80", sync=False)
        result = self._settle(foreign_orders=1, other=False)
        self._import()
        settlement = self._settlement(result)
        self.assertEqual(settlement.state, "open")
        open_lines = settlement.line_ids.filtered(lambda line: line.state == "open")
        self.assertEqual(
            len(open_lines), 2
        )  # the order not synced, and the foreign one
        later_line = open_lines.filtered(
            lambda line: line.amazon_order_ref == later["orderId"]
        )
        self.assertIn(later["orderId"], later_line.name)
        self.assertIn("not in Odoo", later_line.reason)
        self.assertEqual(later_line.amount, 23.80)
        self.assertFalse(later_line.statement_line_id.is_reconciled)
        self._assert_statement_is_exact(settlement)
        self.assertTrue(self._paid(self._invoices(self._sale_order(known))))
        # The accountant is told, once, on the account.
        activity = self.eu_account.activity_ids.filtered(
            lambda a: a.amazon_cause == "settlements_open"
        )
        self.assertEqual(len(activity), 1)
        # The order is imported (and invoiced); the next run completes the line.
        self._sync()
        self._import()
        self.assertEqual(later_line.state, "reconciled")
        self.assertTrue(later_line.statement_line_id.is_reconciled)
        self.assertTrue(self._paid(self._invoices(self._sale_order(later))))
        foreign = open_lines - later_line
        self.assertEqual(foreign.state, "open")
        self.assertEqual(settlement.state, "open")
        self._assert_statement_is_exact(settlement)

    def test_the_reconcile_button_completes_an_order_invoiced_by_hand(self):
        self.eu_account.invoice_policy = "manual"
        order = self._shipped_order()
        so = self._sale_order(order)
        self.assertFalse(self._invoices(so))
        result = self._settle(other=False)
        self._import()
        settlement = self._settlement(result)
        line = settlement.line_ids.filtered(lambda line: line.kind == "order")
        self.assertEqual(line.state, "open")
        self.assertIn("no posted invoice", line.reason)
        so._amazon_invoice_now()
        settlement.action_reconcile()
        self.assertEqual(line.state, "reconciled")
        self.assertEqual(settlement.state, "reconciled")
        self.assertTrue(self._paid(self._invoices(so)))

    def test_a_missing_invoice_is_posted_first_where_the_policy_says_so(self):
        self.eu_account.invoice_policy = "manual"
        order = self._shipped_order()
        self.eu_account.invoice_policy = "on_shipment"
        result = self._settle(other=False)
        self._import()
        settlement = self._settlement(result)
        self.assertEqual(settlement.state, "reconciled")
        self.assertTrue(self._paid(self._invoices(self._sale_order(order))))

    def test_a_small_difference_is_written_off_a_larger_one_stays_open(self):
        small = self._shipped_order()
        large = self._shipped_order(price="23.80", tax="3.80")
        # Amazon paid one cent more for the first, a euro less for the second.
        for order, change in ((small, Decimal("0.01")), (large, Decimal("-1.00"))):
            so = self._sale_order(order)
            self.assertTrue(so.invoice_ids)

            def bump(stored, change=change):
                item = stored["orderItems"][0]
                for breakdown in item["proceeds"]["breakdowns"]:
                    if breakdown["type"] == "ITEM":
                        amount = Decimal(breakdown["subtotal"]["amount"]) + change
                        breakdown["subtotal"]["amount"] = str(amount)

            self.sandbox_state.update_order(EU_SELLER_ID, order["orderId"], bump)
        result = self._settle(other=False)
        self._import()
        settlement = self._settlement(result)
        lines = {line.amazon_order_ref: line for line in settlement.line_ids}
        self.assertEqual(lines[small["orderId"]].state, "reconciled")
        self.assertEqual(lines[small["orderId"]].difference, 0.01)
        rounding = lines[small["orderId"]].statement_line_id.move_id.line_ids.filtered(
            lambda item: item.account_id.name == "Amazon Rounding Differences"
        )
        self.assertEqual(rounding.amount_currency, -0.01)
        self.assertTrue(self._paid(self._invoices(self._sale_order(small))))
        self.assertEqual(lines[large["orderId"]].state, "open")
        self.assertEqual(lines[large["orderId"]].difference, -1.0)
        self.assertIn("-1.0", lines[large["orderId"]].reason)
        self._assert_statement_is_exact(settlement)

    def test_a_negative_settlement_debits_the_seller(self):
        self._shipped_order(price="11.90", tax="1.90")
        result = self._settle(advertising="500.00")
        self._import()
        settlement = self._settlement(result)
        self.assertLess(settlement.amount_total, 0)
        self.assertEqual(settlement.state, "reconciled")
        payout = settlement.line_ids.filtered(lambda line: line.kind == "payout")
        self.assertGreater(payout.amount, 0)  # Amazon takes the money back
        self._assert_statement_is_exact(settlement)

    def test_an_amount_no_rule_covers_goes_to_the_fee_account_and_is_told(self):
        self.env["amazon.settlement.rule"].search(
            [("name", "in", ("Amazon advertising", "Amazon service fees"))]
        ).unlink()
        self._shipped_order()
        result = self._settle()
        self._import()
        settlement = self._settlement(result)
        uncovered = settlement.line_ids.filtered(lambda line: line.kind == "uncovered")
        self.assertEqual(len(uncovered), 1)
        self.assertIn("Cost of Advertising", uncovered.name)
        self.assertEqual(uncovered.account_id.name, "Amazon Fees")
        self.assertEqual(settlement.state, "reconciled")
        self.assertIn("Cost of Advertising", settlement.uncovered_amounts)
        self.assertEqual(len(settlement.activity_ids), 1)
        self.assertIn("Cost of Advertising", str(settlement.activity_ids.note))

    def test_a_rule_books_its_amounts_with_their_tax(self):
        tax = self.env["account.tax"].create(
            {
                "name": "Input VAT 19%",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "purchase",
            }
        )
        rule = self.env["amazon.settlement.rule"].search(
            [("name", "=", "Amazon subscription")]
        )
        rule.tax_ids = tax
        self._shipped_order()
        result = self._settle()
        self._import()
        settlement = self._settlement(result)
        line = settlement.line_ids.filtered(lambda line: line.rule_id == rule)
        self.assertEqual(line.amount, -39.0)
        items = line.statement_line_id.move_id.line_ids
        tax_line = items.filtered("tax_line_id")
        self.assertEqual(tax_line.tax_line_id, tax)
        self.assertEqual(tax_line.amount_currency, 6.23)
        base = items.filtered(lambda item: item.tax_ids == tax)
        self.assertEqual(base.amount_currency, 32.77)
        self._assert_statement_is_exact(settlement)

    def test_rules_per_order_and_edited_accounts(self):
        rule = self.env["amazon.settlement.rule"].search(
            [("name", "=", "Amazon selling fees")]
        )
        rule.grouping = "order"
        first = self._shipped_order()
        second = self._shipped_order(price="23.80", tax="3.80")
        result = self._settle(other=False)
        self._import()
        settlement = self._settlement(result)
        fees = settlement.line_ids.filtered(lambda line: line.rule_id == rule)
        self.assertEqual(
            sorted(fees.mapped("amazon_order_ref")),
            sorted([first["orderId"], second["orderId"]]),
        )
        self.assertEqual(settlement.state, "reconciled")

    def test_a_later_partial_refund_gets_its_credit_note_in_the_next_settlement(self):
        order = self._shipped_order(
            price="39.98", tax="6.38", quantity=2, shipping="4.99", shipping_tax="0.80"
        )
        self._settle(other=False)
        self._import()
        invoice = self._invoices(self._sale_order(order))
        self.assertTrue(self._paid(invoice))
        # Two weeks later Amazon refunds one of the two mugs, not the shipping.
        later = self._settle(
            order_ids=[],
            other=False,
            refunds=[{"order_id": order["orderId"], "quantity": 1, "shipping": False}],
        )
        self._import()
        settlement = self._settlement(later)
        refund = settlement.line_ids.filtered(lambda line: line.kind == "refund")
        self.assertEqual(refund.amount, -19.99)
        self.assertEqual(refund.state, "reconciled")
        credit = self._refunds(self._sale_order(order))
        self.assertEqual(credit.amount_total, 19.99)
        self.assertTrue(self._paid(credit))
        self.assertEqual(settlement.state, "reconciled")
        self._assert_statement_is_exact(settlement)

    def test_a_refund_of_an_sku_sold_on_two_items_gets_its_credit_note(self):
        order = make_order(
            self.marketplace_de,
            [
                {"sku": "MUG-1", "quantity": 1, "price": "19.99", "tax": "3.19"},
                {"sku": "MUG-1", "quantity": 2, "price": "37.98", "tax": "6.06"},
            ],
            status="SHIPPED",
            fulfilled_by="AMAZON",
        )
        self._put(EU_SELLER_ID, order)
        self._sync()
        self._settle(other=False)
        self._import()
        # Amazon refunds both items: its rows name the SKU, not the order line.
        later = self._settle(
            order_ids=[], other=False, refunds=[{"order_id": order["orderId"]}]
        )
        self._import()
        settlement = self._settlement(later)
        refund = settlement.line_ids.filtered(lambda line: line.kind == "refund")
        self.assertEqual(refund.state, "reconciled", refund.reason)
        credit = self._refunds(self._sale_order(order))
        self.assertEqual(credit.amount_total, 57.97)
        self.assertEqual(sorted(credit.invoice_line_ids.mapped("quantity")), [1, 2])
        self.assertEqual(settlement.state, "reconciled")
        self._assert_statement_is_exact(settlement)

    def test_a_settlement_of_another_currency_gets_its_own_journal(self):
        self._shipped_order()
        self._settle(other=False)
        uk = self._settle(marketplace_id="A1F83G8C2ARO7P", order_ids=[])  # fees only
        self._import()
        journals = self.eu_account.settlement_journal_ids
        self.assertEqual(sorted(journals.currency_id.mapped("name")), ["EUR", "GBP"])
        self.assertEqual(set(journals.mapped("type")), {"bank"})
        settlement = self._settlement(uk)
        self.assertEqual(settlement.journal_id.currency_id.name, "GBP")
        self.assertEqual(settlement.marketplace_id, self.marketplace_uk)
        self._assert_statement_is_exact(settlement)
