"""How the orders and refunds of a settlement are reconciled: with the posted
invoices of the orders (posted first where the account invoices on shipment), and
with a credit note made for each refund; and how the lines left open are completed
later, by the next import or the **Reconcile** button, once the order and its invoice
exist.
"""

from decimal import Decimal

from odoo import Command, fields, models
from odoo.exceptions import UserError


class AmazonSettlement(models.Model):
    _inherit = "amazon.settlement"

    # === CUSTOMERS: ORDERS AND REFUNDS === #

    def _amazon_plan_customer_lines(self, plans):
        """Decide how each order and refund line is booked: ``counterparts``,
        ``state``, ``reason``, ``difference``, ``partner``, ``move``,
        ``to_reconcile`` (the invoice's or credit note's receivable lines).

        Invoices missing where the account's policy invoices on shipment are posted
        first, all orders at once.
        """
        account = self.account_id
        suspense = None
        policy = account["invoice_policy"] if "invoice_policy" in account else "manual"
        orders = (
            self.env["sale.order"]
            .sudo()
            .union(*(p["sale_order"] for p in plans if p["sale_order"]))
        )
        invoices = {}
        if orders:
            missing = orders.filtered(lambda o: not o._amazon_posted_invoices())
            if missing and policy != "manual":
                missing._amazon_invoice_now()
            for order in orders:
                invoices[order.id] = order._amazon_posted_invoices()
        for plan in plans:
            plan.update(difference=0.0, move=None, to_reconcile=None, reason="")
            order = plan["sale_order"]
            if order:
                plan["partner"] = order.partner_invoice_id.commercial_partner_id
            if not order:
                plan["reason"] = self.env._(
                    "Order %(ref)s is not in Odoo (not imported yet, or sold through "
                    "another system). Import it, then press Reconcile.",
                    ref=plan["order_ref"],
                )
            elif plan["kind"] == "order":
                self._amazon_plan_order(plan, invoices.get(order.id), policy)
            else:
                self._amazon_plan_refund(plan, invoices.get(order.id))
            if plan["reason"]:
                suspense = suspense or self.journal_id.suspense_account_id
                plan["state"] = "open"
                plan["counterparts"] = [
                    {"account": suspense, "amount": -plan["amount"]}
                ]
            else:
                plan["state"] = "reconciled"

    def _amazon_plan_order(self, plan, invoices, policy):
        if not invoices:
            plan["reason"] = (
                self.env._(
                    "The order has no posted invoice yet: it is invoiced by the next "
                    "run of 'Amazon: post invoices', then reconciled."
                )
                if policy != "manual"
                else self.env._(
                    "The order has no posted invoice (the account invoices by hand): "
                    "post its invoice, then press Reconcile."
                )
            )
            return
        self._amazon_plan_against(plan, invoices)

    def _amazon_plan_refund(self, plan, invoices):
        if self.currency_id.is_zero(plan["amount"]):
            # A refund of nothing (a free replacement's): no credit note to make.
            plan["counterparts"] = [
                {
                    "account": plan["partner"].property_account_receivable_id,
                    "amount": 0.0,
                }
            ]
            return
        if not invoices:
            plan["reason"] = self.env._(
                "The refunded order has no posted invoice to credit: post it, then "
                "press Reconcile."
            )
            return
        try:
            with self.env.cr.savepoint():
                credit_note = plan["sale_order"]._amazon_create_credit_note(
                    self._amazon_credit_note_values(plan)
                )
        except UserError as error:
            plan["reason"] = self.env._(
                "No credit note could be made: %(error)s", error=error.args[0]
            )
            return
        self._amazon_plan_against(plan, credit_note)

    def _amazon_credit_note_values(self, plan):
        """What ``sale.order._amazon_create_credit_note`` takes: per SKU, the
        positive amounts paid back to the buyer."""
        items = {}
        date = ""
        for _type, atype, description, amount, sku, quantity, posted in plan["details"]:
            if atype == "ItemWithheldTax":
                continue
            item = items.setdefault(
                sku,
                {
                    "sku": sku,
                    "quantity": 0,
                    "principal": Decimal(0),
                    "tax": Decimal(0),
                    "shipping": Decimal(0),
                    "shipping_tax": Decimal(0),
                    "gift_wrap": Decimal(0),
                    "gift_wrap_tax": Decimal(0),
                },
            )
            # Each refunded item has one principal row with its units (its other rows
            # repeat them): an SKU refunded on two items counts the units of both.
            if atype == "ItemPrice" and description == "Principal":
                item["quantity"] += quantity or 0
            key = {
                "Tax": "tax",
                "Shipping": "shipping",
                "ShippingTax": "shipping_tax",
                "GiftWrap": "gift_wrap",
                "GiftWrapTax": "gift_wrap_tax",
            }.get(description, "principal")
            item[key] -= Decimal(amount)
            date = date or posted
        return {
            "ref": plan["adjustment"] or plan["order_ref"],
            "date": fields.Date.to_date(date) if date else self.date_end.date(),
            "items": [
                item
                for item in items.values()
                if item["quantity"]
                or any(
                    item[k]
                    for k in (
                        "principal",
                        "tax",
                        "shipping",
                        "shipping_tax",
                        "gift_wrap",
                        "gift_wrap_tax",
                    )
                )
            ],
        }

    def _amazon_plan_against(self, plan, moves):
        """Book a line against the receivables of invoices (or a credit note)."""
        receivables = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and not line.reconciled
        )
        currency = self.currency_id
        plan["move"] = moves[:1]
        residual = currency.round(sum(receivables.mapped("amount_residual_currency")))
        difference = currency.round(plan["amount"] - residual)
        plan["difference"] = difference
        tolerance = self.account_id.total_tolerance or 0.0
        if currency.is_zero(residual) and currency.is_zero(plan["amount"]):
            # A free replacement: nothing was paid, nothing is due.
            account = (
                moves.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )[:1].account_id
                or plan["partner"].property_account_receivable_id
            )
            plan["counterparts"] = [{"account": account, "amount": 0.0}]
            return
        if not receivables or currency.is_zero(residual):
            plan["reason"] = self.env._(
                "%(move)s has nothing left to pay: it was paid otherwise.",
                move=moves[:1].display_name,
            )
            return
        if abs(difference) > tolerance + 1e-9:
            plan["reason"] = self.env._(
                "Amazon paid %(paid)s, %(move)s leaves %(residual)s to pay: a "
                "difference of %(difference)s, more than the account's tolerance.",
                paid=plan["amount"],
                move=moves[:1].display_name,
                residual=residual,
                difference=difference,
            )
            return
        plan["to_reconcile"] = receivables
        plan["counterparts"] = [
            {
                "account": receivables[0].account_id,
                "amount": -residual,
                "partner": receivables[0].partner_id,
                "reconcile": True,
            }
        ]
        if difference:
            plan["counterparts"].append(
                {
                    "account": self.account_id._amazon_settlement_account("rounding"),
                    "amount": -difference,
                }
            )

    # === COMPLETING OPEN LINES === #

    def _amazon_complete_open_lines(self):
        """Reconcile the open order and refund lines that can be now: their journal
        entry's suspense line is replaced by the customer's receivable (and a
        write-off within the tolerance), then reconciled.

        :return: how many lines were reconciled.
        :rtype: int
        """
        self.ensure_one()
        # Orders first, as when booking (see _amazon_book).
        return self._amazon_complete(
            self.line_ids.filtered(
                lambda line: line.state == "open" and line.kind == "order"
            )
        ) + self._amazon_complete(
            self.line_ids.filtered(
                lambda line: line.state == "open" and line.kind == "refund"
            )
        )

    def _amazon_complete(self, lines):
        if not lines:
            return 0
        orders = self._amazon_find_orders(set(lines.mapped("amazon_order_ref")))
        plans = [
            {
                "kind": line.kind,
                "label": line.name,
                "order_ref": line.amazon_order_ref,
                "adjustment": line.adjustment_ref or "",
                "details": line.details or [],
                "amount": line.amount,
                "rows": line.row_count,
                "rule": None,
                "sale_order": orders.get(line.amazon_order_ref),
                "partner": self.env["res.partner"],
            }
            for line in lines
        ]
        self._amazon_plan_customer_lines(plans)
        done = 0
        pairs = []
        for plan, line in zip(plans, lines, strict=True):
            values = {
                "sale_order_id": plan["sale_order"].id if plan["sale_order"] else False,
                "partner_id": plan["partner"].id if plan["partner"] else False,
                "reason": plan["reason"] or False,
                "difference": plan["difference"],
                "move_id": plan["move"].id if plan["move"] else False,
            }
            if plan["state"] == "reconciled":
                st_line = line.statement_line_id
                self._amazon_rebook(st_line, plan)
                if plan["to_reconcile"]:
                    counterpart = st_line.move_id.line_ids.filtered(
                        lambda aml, plan=plan: aml.account_id
                        == plan["to_reconcile"][0].account_id
                        and not aml.reconciled
                    )
                    pairs.append(counterpart | plan["to_reconcile"])
                values.update(
                    state="reconciled",
                    account_id=plan["counterparts"][0]["account"].id,
                )
                done += 1
            line.write(values)
        if pairs:
            self.env["account.move.line"]._reconcile_plan(pairs)
        return done

    def _amazon_rebook(self, st_line, plan):
        """Replace the counterparts of a posted statement line by a plan's."""
        move = st_line.move_id
        journal = st_line.journal_id
        liquidity, suspense, other = st_line._seek_for_lines()
        commands = self._amazon_line_commands(journal, st_line.date, plan)
        new_liquidity = commands[0][2]
        move.button_draft()
        move.with_context(skip_readonly_check=True).write(
            {
                "partner_id": plan["partner"].id if plan["partner"] else False,
                "line_ids": [
                    *(Command.unlink(aml.id) for aml in suspense | other),
                    Command.update(
                        liquidity.id,
                        {
                            "partner_id": new_liquidity["partner_id"],
                            "balance": new_liquidity["balance"],
                        },
                    ),
                    *commands[1:],
                ],
            }
        )
        move.action_post()
