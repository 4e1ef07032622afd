"""How a settlement is booked: one bank statement in the account's Amazon journal of
its currency, every line of it reconciled (Point of Sale's session closing is the
precedent: statement lines with a counterpart account, then receivables reconciled).

The rows are grouped into statement lines:

- each order (see ``amazon_settlement_reconcile.py``): what its buyer paid
  (``ItemPrice``, ``Promotion`` and ``ItemWithheldTax`` rows of ``Order``
  transactions), against the receivable of the order's posted invoices, which then
  show paid. A difference within the account's tolerance goes to a rounding
  account; a larger one, an order not in Odoo or not invoiced, leaves the line on
  the journal's suspense account, open, with its reason;
- each refund (``Refund`` transactions, one per adjustment): a posted credit note for
  what was refunded, against the refund line;
- every other amount by the settlement rules (per settlement or per order), or, when
  none covers it, on the account's default fee account (the accountant is told);
- the payout: minus the total, to the inter-bank transfer account, so that the Amazon
  journal is back at zero and the bank's deposit is matched against that account.

Lookups are batched: one search for the orders of a settlement, one for their
invoices, the rules read once; the statement lines are created together and the
receivables reconciled in one plan.
"""

from decimal import Decimal

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

BUYER_AMOUNT_TYPES = {"ItemPrice", "Promotion", "ItemWithheldTax"}
BUYER_TRANSACTIONS = {"Order": "order", "Refund": "refund"}


class AmazonSettlement(models.Model):
    _inherit = "amazon.settlement"

    # === BOOKING === #

    def _amazon_book(self, parsed):
        """Book a parsed settlement on this (new, empty) record: its statement, its
        lines, their reconciliation.

        :param amazon_sp.settlements.Settlement parsed: the settlement read.
        :raise UserError: when an account it needs is missing.
        """
        self.ensure_one()
        account = self.account_id
        company = account.company_id
        journal = account._amazon_settlement_journal(self.currency_id)
        transfer = account._amazon_settlement_account("transfer")
        self.journal_id = journal
        Rule = self.env["amazon.settlement.rule"].sudo()
        Rule._amazon_create_default_rules(company)
        match = Rule._amazon_matcher(company)
        groups = self._amazon_group_rows(parsed.rows, match)
        orders = self._amazon_find_orders(
            {g["order_ref"] for g in groups.values() if g["order_ref"]}
        )
        date = fields.Date.to_date(self.deposit_date or fields.Date.today())
        statement = self.env["account.bank.statement"].create(
            {
                "name": self.settlement_ref,
                "journal_id": journal.id,
                "date": date,
                "balance_start": 0.0,
                "balance_end_real": 0.0,
            }
        )
        plans = []
        for sequence, group in enumerate(groups.values(), start=1):
            group["sequence"] = sequence
            group["sale_order"] = orders.get(group["order_ref"])
            plans.append(group)
        for plan in plans:
            if plan["kind"] in ("rule", "uncovered"):
                plan["counterparts"] = [
                    {
                        "account": plan["account"],
                        "amount": -plan["amount"],
                        "taxes": plan["rule"].tax_ids if plan["rule"] else None,
                    }
                ]
                plan["state"] = "reconciled"
        total = self.currency_id.round(float(parsed.total))
        plans.append(
            {
                "kind": "payout",
                "sequence": len(plans) + 1,
                "label": self.env._(
                    "Amazon payout of settlement %(ref)s", ref=self.settlement_ref
                ),
                "amount": -total,
                "order_ref": "",
                "adjustment": "",
                "details": [],
                "rows": 0,
                "sale_order": None,
                "partner": self.env["res.partner"],
                "counterparts": [{"account": transfer, "amount": total}],
                "state": "reconciled",
                "rule": None,
                "account": transfer,
            }
        )
        # Orders first: their invoices are paid before the refunds' credit notes are
        # posted, so that each credit note stays open for its refund line (Odoo
        # reconciles a credit note with its invoice while the invoice is unpaid).
        refunds = [p for p in plans if p["kind"] == "refund"]
        first = [p for p in plans if p["kind"] != "refund"]
        self._amazon_plan_customer_lines([p for p in first if p["kind"] == "order"])
        self._amazon_write_lines(statement, journal, date, first)
        if refunds:
            self._amazon_plan_customer_lines(refunds)
            self._amazon_write_lines(statement, journal, date, refunds)
        self.write({"statement_id": statement.id, "row_count": len(parsed.rows)})
        self._amazon_tell_uncovered([p for p in plans if p["kind"] == "uncovered"])

    def _amazon_group_rows(self, rows, match):
        """The rows grouped into the statement's lines, in file order.

        :return: ``{key: {"kind", "label", "order_ref", "adjustment", "rows",
            "amount", "details", "rule", "account"}}``
        :rtype: dict
        """
        account = self.account_id
        groups = {}
        fee_account = None
        for row in rows:
            kind = BUYER_TRANSACTIONS.get(row.transaction_type)
            if kind and row.order_id and row.amount_type in BUYER_AMOUNT_TYPES:
                key = (
                    kind,
                    row.order_id,
                    row.adjustment_id if kind == "refund" else "",
                )
                group = groups.get(key)
                if group is None:
                    group = groups[key] = self._amazon_new_group(
                        kind, order_ref=row.order_id, adjustment=row.adjustment_id
                    )
                group["details"].append(
                    [
                        row.transaction_type,
                        row.amount_type,
                        row.amount_description,
                        str(row.amount),
                        row.sku,
                        row.quantity,
                        row.posted.date().isoformat() if row.posted else "",
                    ]
                )
            else:
                rule = match(
                    row.transaction_type, row.amount_type, row.amount_description
                )
                if rule:
                    per_order = rule.grouping == "order" and row.order_id
                    key = ("rule", rule.id, row.order_id if per_order else "")
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = self._amazon_new_group(
                            "rule",
                            order_ref=row.order_id if per_order else "",
                            rule=rule,
                            account=rule.account_id,
                        )
                else:
                    key = (
                        "uncovered",
                        row.transaction_type,
                        row.amount_type,
                        row.amount_description,
                    )
                    group = groups.get(key)
                    if group is None:
                        fee_account = fee_account or account._amazon_settlement_account(
                            "fees"
                        )
                        group = groups[key] = self._amazon_new_group(
                            "uncovered", account=fee_account
                        )
                        group["label"] = " / ".join(
                            v
                            for v in (
                                row.transaction_type,
                                row.amount_type,
                                row.amount_description,
                            )
                            if v
                        )
                summary = group.setdefault("summary", {})
                name = (row.transaction_type, row.amount_type, row.amount_description)
                total, count = summary.get(name, (Decimal(0), 0))
                summary[name] = (total + row.amount, count + 1)
            group["decimal"] += row.amount
            group["rows"] += 1
        for group in groups.values():
            group["amount"] = self.currency_id.round(float(group.pop("decimal")))
            if "summary" in group:
                group["details"] = [
                    [*name, str(total), count]
                    for name, (total, count) in group.pop("summary").items()
                ]
            if group["kind"] == "rule" and group["order_ref"]:
                group["label"] = f"{group['rule'].name} {group['order_ref']}"
        return groups

    def _amazon_new_group(
        self, kind, order_ref="", adjustment="", rule=None, account=None
    ):
        labels = {
            "order": self.env._("Amazon order %(ref)s", ref=order_ref),
            "refund": self.env._("Amazon refund %(ref)s", ref=order_ref),
        }
        return {
            "kind": kind,
            "label": labels.get(kind) or (rule.name if rule else ""),
            "order_ref": order_ref,
            "adjustment": adjustment,
            "rows": 0,
            "decimal": Decimal(0),
            "details": [],
            "rule": rule,
            "account": account,
            "partner": self.env["res.partner"],
        }

    def _amazon_find_orders(self, refs):
        """The account's sales orders of these Amazon order ids, in one search.

        :rtype: dict
        """
        if not refs:
            return {}
        found = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("amazon_account_id", "=", self.account_id.id),
                    ("amazon_order_ref", "in", list(refs)),
                ]
            )
        )
        return {order.amazon_order_ref: order for order in found}

    # === WRITING === #

    def _amazon_write_lines(self, statement, journal, date, plans):
        """Create the statement lines of the plans together, their settlement lines,
        and reconcile the receivables in one plan."""
        # No chatter tracking of thousands of journal entries made by the import.
        StLine = self.env["account.bank.statement.line"].with_context(
            skip_readonly_check=True,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
        values = [
            {
                "statement_id": statement.id,
                "journal_id": journal.id,
                "date": date,
                "payment_ref": plan["label"],
                "amount": plan["amount"],
                "partner_id": plan["partner"].id if plan["partner"] else False,
                "sequence": plan["sequence"],
                "line_ids": self._amazon_line_commands(journal, date, plan),
            }
            for plan in plans
        ]
        st_lines = StLine.create(values)
        self._amazon_reconcile(plans, st_lines)
        self.env["amazon.settlement.line"].create(
            [
                {
                    "settlement_id": self.id,
                    "sequence": plan["sequence"],
                    "kind": plan["kind"],
                    "name": plan["label"],
                    "amazon_order_ref": plan["order_ref"] or False,
                    "adjustment_ref": plan["adjustment"] or False,
                    "sale_order_id": plan["sale_order"].id
                    if plan["sale_order"]
                    else False,
                    "partner_id": plan["partner"].id if plan["partner"] else False,
                    "rule_id": plan["rule"].id if plan["rule"] else False,
                    "account_id": plan["counterparts"][0]["account"].id,
                    "amount": plan["amount"],
                    "difference": plan.get("difference", 0.0),
                    "row_count": plan["rows"],
                    "details": plan["details"],
                    "statement_line_id": st_line.id,
                    "move_id": plan["move"].id if plan.get("move") else False,
                    "state": plan["state"],
                    "reason": plan.get("reason") or False,
                }
                for plan, st_line in zip(plans, st_lines, strict=True)
            ]
        )

    def _amazon_reconcile(self, plans, st_lines):
        pairs = []
        for plan, st_line in zip(plans, st_lines, strict=True):
            if plan["state"] == "reconciled" and plan.get("to_reconcile"):
                counterpart = st_line.move_id.line_ids.filtered(
                    lambda line, plan=plan: line.account_id
                    == plan["to_reconcile"][0].account_id
                    and not line.reconciled
                )
                pairs.append(counterpart | plan["to_reconcile"])
        if pairs:
            self.env["account.move.line"].with_context(
                no_cash_basis=True, tracking_disable=True
            )._reconcile_plan(pairs)

    def _amazon_line_commands(self, journal, date, plan):
        """The journal items of one statement line: the liquidity line, then its
        counterparts (with the taxes included in a rule's amount), in the journal's
        currency and the company's."""
        company = journal.company_id
        company_currency = company.currency_id
        currency = journal.currency_id or company_currency
        label = plan["label"]
        partner = plan["partner"]

        def convert(amount):
            if currency == company_currency:
                return amount
            return currency._convert(amount, company_currency, company, date)

        lines = []
        for counterpart in plan["counterparts"]:
            amount = counterpart["amount"]
            line_partner = counterpart.get("partner") or partner
            taxes = counterpart.get("taxes")
            if taxes:
                lines.extend(
                    self._amazon_tax_lines(
                        counterpart["account"], amount, taxes, label, line_partner
                    )
                )
                continue
            lines.append(
                {
                    "name": label,
                    "account_id": counterpart["account"].id,
                    "partner_id": line_partner.id if line_partner else False,
                    "currency_id": currency.id,
                    "amount_currency": amount,
                }
            )
        for line in lines:
            line["balance"] = convert(line["amount_currency"])
        liquidity = {
            "name": label,
            "account_id": journal.default_account_id.id,
            "partner_id": partner.id if partner else False,
            "currency_id": currency.id,
            "amount_currency": plan["amount"],
            "balance": -sum(line["balance"] for line in lines),
        }
        return [Command.create(line) for line in [liquidity, *lines]]

    def _amazon_tax_lines(self, account, amount, taxes, label, partner):
        """The lines of an amount that includes taxes (percentages): its base, and one
        line per tax repartition, adding up to the amount exactly.

        The base is the one whose taxes, as Odoo computes them from it, give the
        amount: Odoo recomputes the tax lines of an entry from its base lines.
        """
        currency = self.currency_id
        if any(tax.amount_type != "percent" for tax in taxes):
            raise UserError(
                self.env._(
                    "Settlement rules take percentage taxes only (%(taxes)s).",
                    taxes=", ".join(taxes.mapped("name")),
                )
            )
        rate = sum(taxes.mapped("amount")) / 100.0

        def taxes_of(base):
            return [currency.round(base * tax.amount / 100.0) for tax in taxes]

        base = currency.round(amount / (1 + rate))
        for step in (0, 1, -1, 2, -2):
            candidate = currency.round(base + step * currency.rounding)
            if currency.is_zero(candidate + sum(taxes_of(candidate)) - amount):
                base = candidate
                break
        lines = [
            {
                "name": label,
                "account_id": account.id,
                "partner_id": partner.id if partner else False,
                "currency_id": currency.id,
                "amount_currency": base,
                "tax_ids": [Command.set(taxes.ids)],
            }
        ]
        for tax, tax_amount in zip(taxes, taxes_of(base), strict=True):
            repartition = (
                tax.invoice_repartition_line_ids
                if amount >= 0
                else tax.refund_repartition_line_ids
            ).filtered(lambda r: r.repartition_type == "tax")[:1]
            lines.append(
                {
                    "name": tax.name,
                    "account_id": (repartition.account_id or account).id,
                    "partner_id": partner.id if partner else False,
                    "currency_id": currency.id,
                    "amount_currency": tax_amount,
                    "tax_repartition_line_id": repartition.id,
                    "tax_tag_ids": [Command.set(repartition.tag_ids.ids)],
                }
            )
        # What rounding left goes on the base: the lines add up to the amount.
        rest = currency.round(amount - sum(line["amount_currency"] for line in lines))
        lines[0]["amount_currency"] = currency.round(lines[0]["amount_currency"] + rest)
        return lines

    # === TELLING === #

    def _amazon_tell_uncovered(self, plans):
        """One activity on the settlement listing what no rule covered."""
        if not plans:
            return
        listing = "\n".join(
            f"- {plan['label']}: {plan['amount']} {self.currency_id.name}"
            for plan in plans
        )
        self.uncovered_amounts = listing
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Amounts no settlement rule covers"),
            note=plaintext2html(
                self.env._(
                    "These amounts were booked on the default fee account, as no "
                    "settlement rule covers them. Add rules (Accounting > Amazon > "
                    "Settlement Rules) so that the next settlements book them where "
                    "they belong:\n%(list)s",
                    list=listing,
                )
            ),
            user_id=(
                self.account_id.accountant_user_id
                or self.account_id._amazon_responsible()
            ).id,
        )
