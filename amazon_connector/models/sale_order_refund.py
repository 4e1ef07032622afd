"""Credit notes of Amazon orders: what Amazon refunded (items, shipping, their tax),
exact to the cent, linked to the order and its invoice, never beyond what was
invoiced, never twice for one Amazon refund.

An ``_inherit`` of ``sale.order`` of its own, beside ``sale_order_invoicing.py``.
"""

from decimal import Decimal

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..utils import even_chunks

# Invoices count for what is left to credit, credit notes against it.
SIGNS = {"out_invoice": 1, "out_refund": -1}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === ACTION METHODS === #

    def action_amazon_refund(self):
        """Book a refund made in Seller Central: the items and amounts refunded."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund on Amazon"),
            "res_model": "amazon.refund.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sale_order_id": self.id},
        }

    def _amazon_refund_defaults(self):
        """The refund wizard's lines: what is invoiced and not credited yet of each
        item (its price and tax, its shipping and tax).

        :rtype: list
        """
        self.ensure_one()

        def left(lines):
            posted = lines.invoice_lines.filtered(
                lambda aml: aml.move_id.state == "posted"
            )
            sign = {"out_invoice": 1, "out_refund": -1}
            quantity = base = total = 0.0
            for aml in posted:
                factor = sign.get(aml.move_id.move_type, 0)
                quantity += factor * aml.quantity
                base += factor * aml.price_subtotal
                total += factor * aml.price_total
            currency = self.currency_id
            return quantity, currency.round(base), currency.round(total - base)

        values = []
        for line in self._amazon_item_lines():
            quantity, base, tax = left(line)
            shipping_lines = self.order_line.filtered(
                lambda other, line=line: (
                    other.amazon_line_kind == "shipping"
                    and other.amazon_item_ref == line.amazon_item_ref
                )
            )
            _units, shipping, shipping_tax = left(shipping_lines)
            if quantity <= 0 and base <= 0 and shipping <= 0:
                continue
            values.append(
                {
                    "sale_line_id": line.id,
                    "sku": line.amazon_sku,
                    "invoiced_quantity": max(quantity, 0.0),
                    "quantity": max(quantity, 0.0),
                    "principal": base,
                    "tax": tax,
                    "full_principal": base,
                    "full_tax": tax,
                    "shipping": shipping,
                    "shipping_tax": shipping_tax,
                }
            )
        return values

    # === BUSINESS METHODS === #

    def _amazon_create_credit_note(self, values):
        """Create and post the credit note of an Amazon refund of this order.

        :param dict values: the refund, amounts POSITIVE (what was paid back to the
            buyer)::

                {
                    "ref": "amzn1.adjustment...",  # Amazon's id of the refund
                    "date": date,                   # the credit note's date
                    "items": [{
                        "sku": "MUG-1",
                        "quantity": 1,              # units returned (0: a price
                                                    # adjustment only)
                        "principal": Decimal,       # the item price part
                        "tax": Decimal,             # its tax
                        "shipping": Decimal,        # the shipping part
                        "shipping_tax": Decimal,    # its tax
                        "gift_wrap": Decimal,       # the gift wrap part
                        "gift_wrap_tax": Decimal,   # its tax
                        "sale_line_id": int,        # optional: the order line
                    }],
                }

            On tax-included and tax-exclusive marketplaces alike the credit note's total
            is the sum of the item's amounts (principal, shipping and gift wrap, each
            with its tax) to the cent: each line's base is the principal (or shipping,
            or gift wrap) and its tax Amazon's tax, on the taxes of the order line
            refunded. Where the order line has no tax, its line carries principal and
            tax together, except on orders whose tax Amazon remits (the account's "Tax
            Remitted by Amazon" fiscal position), where the tax is Amazon's and is left
            out.
        :return: the posted credit note (the one already made if this ``ref`` was
            already credited for this order), linked to the order's lines and to
            its last posted invoice (``reversed_entry_id``).
        :rtype: account.move
        :raise UserError: if the order has no posted invoice, an SKU is not on the
            order, or the refund goes beyond what was invoiced (less what was
            already credited).
        """
        self.ensure_one()
        ref = str(values["ref"])
        key = f"refund-{self.id}-{ref}"
        Move = self.env["account.move"].sudo()
        existing = Move.search([("amazon_invoice_key", "=", key)], limit=1)
        if existing:
            if existing.state == "draft":
                existing.action_post()
            return existing
        invoices = self._amazon_posted_invoices().sorted("id")
        if not invoices:
            raise UserError(
                self.env._(
                    "Amazon order %(ref)s has no posted invoice: there is nothing to "
                    "credit yet.",
                    ref=self.amazon_order_ref,
                )
            )
        order = self.with_company(self.company_id)
        line_vals = []
        for item in values["items"]:
            line_vals += order._amazon_refund_item_vals(item)
        if not line_vals:
            raise UserError(self.env._("The refund has no amount to credit."))
        order._amazon_check_refundable(line_vals)
        journal = self.amazon_account_id.invoice_journal_id or invoices[-1].journal_id
        term = self.env.ref(
            "account.account_payment_term_immediate", raise_if_not_found=False
        )
        move_vals = {
            "move_type": "out_refund",
            "partner_id": self.partner_invoice_id.id,
            "partner_shipping_id": self.partner_shipping_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "invoice_date": values.get("date") or fields.Date.context_today(self),
            "invoice_origin": self.name,
            "invoice_payment_term_id": term.id if term else False,
            "invoice_user_id": self.user_id.id,
            "team_id": self.team_id.id,
            "ref": self.amazon_order_ref,
            "reversed_entry_id": invoices[-1].id,
            "amazon_sale_order_id": self.id,
            "amazon_account_id": self.amazon_account_id.id,
            "amazon_order_ref": self.amazon_order_ref,
            "amazon_invoice_key": key,
            "amazon_refund_ref": ref,
            "invoice_line_ids": [Command.create(vals) for vals, _total in line_vals],
        }
        credit_note = Move.with_context(
            default_move_type="out_refund", tracking_disable=True
        ).create(move_vals)
        credit_note.action_post()
        return credit_note.sudo(False).with_env(self.env)

    # Amounts of a refunded item, by the kind of order line that books them.
    _REFUND_PARTS = {
        "item": ("principal", "tax"),
        "shipping": ("shipping", "shipping_tax"),
        "gift_wrap": ("gift_wrap", "gift_wrap_tax"),
    }

    def _amazon_refund_item_vals(self, item):
        """The credit note lines of one refunded item, and their totals.

        An SKU on several lines of the order (the same product sold twice in one
        order) is credited on the lines that still have units to credit, the amounts
        shared by those units (for a price adjustment without units: by what is left
        to credit of each line), exact to the cent; ``sale_line_id`` in ``item``
        names the line instead. The item's shipping and gift wrap go to its own
        shipping and gift wrap lines.

        :return: ``[(line values, total)]``
        """
        if item.get("sale_line_id"):
            lines = self.order_line.browse(item["sale_line_id"]) & self.order_line
        else:
            lines = self._amazon_item_lines().filtered(
                lambda line: line.amazon_sku == item["sku"]
            )
        if not lines:
            raise UserError(
                self.env._(
                    "Amazon order %(ref)s has no item of SKU %(sku)s to refund.",
                    ref=self.amazon_order_ref,
                    sku=item.get("sku"),
                )
            )
        quantity = float(item.get("quantity") or 0)
        amounts = {
            key: Decimal(str(item.get(key) or 0))
            for keys in self._REFUND_PARTS.values()
            for key in keys
        }
        result = []
        for line, units, share in self._amazon_refund_shares(lines, quantity, amounts):
            for kind, (base_key, tax_key) in self._REFUND_PARTS.items():
                base, tax = share[base_key], share[tax_key]
                if not (base or tax):
                    continue
                if kind == "item":
                    result += self._amazon_refund_line_vals(line, units, base, tax)
                    continue
                charge_line = self.order_line.filtered(
                    lambda other, line=line, kind=kind: (
                        other.amazon_line_kind == kind
                        and other.amazon_item_ref == line.amazon_item_ref
                    )
                )[:1]
                result += self._amazon_refund_line_vals(
                    charge_line, 0, base, tax, item_line=line
                )
        return result

    def _amazon_refund_shares(self, lines, quantity, amounts):
        """Share a refunded item over the order lines of its SKU.

        :return: ``[(line, units, {amount key: Decimal})]``, the amounts of all
            shares adding up to ``amounts`` to the cent.
        """
        left = []
        for line in lines.sorted(lambda line: -line._amazon_invoiced_quantity()):
            units = amount = 0.0
            for aml in line.invoice_lines.filtered(
                lambda aml: aml.move_id.state == "posted"
            ):
                sign = {"out_invoice": 1, "out_refund": -1}.get(
                    aml.move_id.move_type, 0
                )
                units += sign * aml.quantity
                amount += sign * aml.price_total
            left.append((line, max(units, 0.0), max(amount, 0.0)))
        if len(left) == 1:
            return [(left[0][0], quantity, amounts)]
        if quantity:
            # Units to the lines that still have some, in turn; the rest to the last.
            weights, rest = [], quantity
            for line, units, _amount in left:
                taken = min(units, rest)
                weights.append((line, taken))
                rest -= taken
            if rest > 1e-6:
                line, taken = weights[-1]
                weights[-1] = (line, taken + rest)
            # Each line's share of the money: what is left of it for the units
            # it takes (the lines of one SKU may have different prices).
            by_line = {line: (units, amount) for line, units, amount in left}
            money = [
                (
                    line,
                    taken,
                    by_line[line][1] * taken / by_line[line][0]
                    if by_line[line][0]
                    else taken,
                )
                for line, taken in weights
            ]
            total = sum(amount for _line, _taken, amount in money)
            weights = [
                (line, taken, (amount / total) if total else taken / quantity)
                for line, taken, amount in money
            ]
        else:
            total = sum(amount for _line, _units, amount in left)
            weights = [
                (line, 0.0, (amount / total) if total else (1.0 if i == 0 else 0.0))
                for i, (line, _units, amount) in enumerate(left)
            ]
        weights = [weight for weight in weights if weight[2] > 0]
        cent = Decimal("0.01")
        shares, given = [], dict.fromkeys(amounts, Decimal(0))
        for index, (line, units, weight) in enumerate(weights):
            last = index == len(weights) - 1
            share = {}
            for key, amount in amounts.items():
                share[key] = (
                    amount - given[key]
                    if last
                    else (amount * Decimal(str(weight))).quantize(cent)
                )
                given[key] += share[key]
            shares.append((line, units, share))
        return shares

    def _amazon_refund_line_vals(self, line, quantity, base, tax, item_line=None):
        """Credit note lines booking ``base`` and ``tax`` on the product and taxes of
        an order line (for shipping without a line of its own: the default shipping
        product with the item's taxes), exact to the cent.

        :return: ``[(line values, total)]``
        """
        currency = self.currency_id
        source = line or item_line
        product = (
            line.product_id
            if line
            else self.env["product.product"]._amazon_default_product("shipping")
        )
        taxes = source.tax_ids
        account = self.amazon_account_id
        facilitated = bool(account.facilitator_fiscal_position_id) and (
            self.fiscal_position_id == account.facilitator_fiscal_position_id
        )
        common = {
            "product_id": product.id,
            "name": line.name if line else source.name,
            "tax_ids": [Command.set(taxes.ids)],
            "sale_line_ids": [Command.link(line.id)] if line else [],
        }
        units = quantity if quantity and quantity > 0 else 1.0
        if not taxes:
            amount = base if facilitated else base + tax
            digits = self.env["decimal.precision"].precision_get("Product Price")
            chunks = even_chunks(amount, Decimal(str(units)), digits)
            return [
                (
                    {
                        **common,
                        "quantity": float(chunk_quantity),
                        "price_unit": float(chunk_amount / chunk_quantity),
                        "extra_tax_data": False,
                    },
                    float(chunk_amount),
                )
                for chunk_quantity, chunk_amount in chunks
            ]
        price_unit, extra, total = self._amazon_exact_amounts(
            product, taxes, units, float(base), float(tax)
        )
        values = {
            **common,
            "quantity": units,
            "price_unit": price_unit,
            "extra_tax_data": extra,
        }
        return [(values, currency.round(total))]

    def _amazon_exact_amounts(self, product, taxes, quantity, base, tax):
        """The unit price and the tax data of a line whose base is ``base`` and whose
        taxes are ``tax`` (spread over its taxes as Odoo's rates share them), the
        way the import stores Amazon's amounts on order lines.

        :return: ``(price_unit, extra_tax_data, total)``
        """
        AccountTax = self.env["account.tax"]
        company = self.company_id
        currency = self.currency_id
        rate = self.env["res.currency"]._get_conversion_rate(
            company.currency_id, currency, company, fields.Date.context_today(self)
        )
        base_line = AccountTax._prepare_base_line_for_taxes_computation(
            None,
            product_id=product,
            tax_ids=taxes,
            price_unit=base / quantity,
            quantity=quantity,
            currency_id=currency,
            rate=rate,
            special_mode="total_excluded",
        )
        AccountTax._add_tax_details_in_base_line(base_line, company)
        AccountTax._round_base_lines_tax_details([base_line], company)
        taxes_data = [
            data
            for data in base_line["tax_details"]["taxes_data"]
            if not data["is_reverse_charge"]
        ]
        computed = sum(data["tax_amount_currency"] for data in taxes_data)
        if not taxes_data or currency.is_zero(computed):
            # Odoo's taxes give nothing: the line carries the whole amount.
            base, tax = base + tax, 0.0
        AccountTax._fix_base_lines_tax_details_on_manual_tax_amounts(
            [base_line], company
        )
        to_company = company.currency_id.round
        base_line["manual_total_excluded_currency"] = currency.round(base)
        base_line["manual_total_excluded"] = to_company(base / rate if rate else base)
        left = currency.round(tax)
        included = 0.0
        for index, data in enumerate(taxes_data):
            if index == len(taxes_data) - 1:
                amount = left
            else:
                amount = currency.round(tax * data["tax_amount_currency"] / computed)
            left = currency.round(left - amount)
            base_line["manual_tax_amounts"][str(data["tax"].id)] = {
                "tax_amount_currency": amount,
                "tax_amount": to_company(amount / rate if rate else amount),
                "base_amount_currency": currency.round(base),
                "base_amount": to_company(base / rate if rate else base),
            }
            if data["tax"].price_include:
                included += amount
        price_unit = (currency.round(base) + included) / quantity
        base_line["price_unit"] = price_unit
        base_line["special_mode"] = False
        extra = AccountTax._export_base_line_extra_tax_data(base_line)
        return price_unit, extra, currency.round(base) + currency.round(tax)

    def _amazon_check_refundable(self, line_vals):
        """Refuse a refund beyond what was invoiced, less what was already
        credited: per order line (units and amounts), and for the whole order."""
        self.ensure_one()
        currency = self.currency_id
        new_by_line = {}
        for vals, total in line_vals:
            for command in vals["sale_line_ids"]:
                line = self.env["sale.order.line"].browse(command[1])
                quantity, amount = new_by_line.get(line, (0.0, 0.0))
                units = vals["quantity"] if line.amazon_line_kind == "item" else 0.0
                new_by_line[line] = (quantity + units, amount + total)
        for line, (quantity, amount) in new_by_line.items():
            posted = line.invoice_lines.filtered(
                lambda aml: aml.move_id.state == "posted"
            )
            invoices = posted.filtered(
                lambda aml: aml.move_id.move_type == "out_invoice"
            )
            refunds = posted.filtered(lambda aml: aml.move_id.move_type == "out_refund")
            invoiced = sum(invoices.mapped("price_total"))
            refunded = sum(refunds.mapped("price_total"))
            invoiced_quantity = sum(invoices.mapped("quantity"))
            refunded_quantity = sum(refunds.mapped("quantity"))
            if currency.compare_amounts(refunded + amount, invoiced) > 0 or (
                quantity and refunded_quantity + quantity > invoiced_quantity + 1e-6
            ):
                raise UserError(
                    self.env._(
                        "This refund of %(line)s goes beyond what was invoiced: "
                        "%(invoiced)s %(currency)s invoiced (%(quantity)s units), "
                        "%(refunded)s already credited (%(refunded_quantity)s units), "
                        "%(amount)s asked (%(asked)s units).",
                        line=line._amazon_item_label()
                        if line.amazon_line_kind == "item"
                        else line.name,
                        invoiced=currency.round(invoiced),
                        currency=currency.name,
                        quantity=invoiced_quantity,
                        refunded=currency.round(refunded),
                        refunded_quantity=refunded_quantity,
                        amount=currency.round(amount),
                        asked=quantity,
                    )
                )
        moves = (
            self.order_line.invoice_lines.move_id
            | self.env["account.move"].search([("amazon_sale_order_id", "=", self.id)])
        ).filtered(lambda m: m.state == "posted")
        invoiced = sum(
            moves.filtered(lambda m: m.move_type == "out_invoice").mapped(
                "amount_total"
            )
        )
        refunded = sum(
            moves.filtered(lambda m: m.move_type == "out_refund").mapped("amount_total")
        )
        asked = sum(total for _vals, total in line_vals)
        if currency.compare_amounts(refunded + asked, invoiced) > 0:
            raise UserError(
                self.env._(
                    "This refund (%(asked)s %(currency)s) goes beyond what was "
                    "invoiced for Amazon order %(ref)s: %(invoiced)s invoiced, "
                    "%(refunded)s already credited.",
                    asked=currency.round(asked),
                    currency=currency.name,
                    ref=self.amazon_order_ref,
                    invoiced=currency.round(invoiced),
                    refunded=currency.round(refunded),
                )
            )
