import copy

from odoo import api, fields, models

from .. import const


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    amazon_item_ref = fields.Char(
        string="Amazon Item", help="Amazon's order item id.", readonly=True, copy=False
    )
    amazon_line_kind = fields.Selection(
        string="Amazon Charge",
        selection=const.LINE_KIND_SELECTION,
        readonly=True,
        copy=False,
    )
    amazon_tax_amount = fields.Monetary(
        string="Amazon Tax",
        help="The tax Amazon reports for this line.",
        readonly=True,
        copy=False,
    )
    amazon_condition = fields.Char(string="Item Condition", readonly=True, copy=False)
    amazon_sku = fields.Char(
        string="Amazon SKU",
        help="The seller SKU of the Amazon item.",
        readonly=True,
        copy=False,
    )
    amazon_title = fields.Char(
        help="The item's title on Amazon.", readonly=True, copy=False
    )

    # === COMPUTE METHODS === #

    @api.depends("amazon_title", "amazon_sku")
    @api.depends_context("amazon_item_label")
    def _compute_display_name(self):
        """Override of `sale` to name an Amazon item by its title and SKU, as the
        merchant knows it (not "Amazon Sale", nor the condition note of its
        description); with ``amazon_item_label`` in the context, without the order."""
        amazon = self.filtered(
            lambda line: line.amazon_line_kind == "item" and line.amazon_sku
        )
        res = super(SaleOrderLine, self - amazon)._compute_display_name()
        for line in amazon:
            label = line._amazon_item_label()
            line.display_name = (
                label
                if self.env.context.get("amazon_item_label")
                else f"{line.order_id.name} - {label}"
            )
        return res

    def _compute_price_unit(self):
        """Override of `sale` to keep Amazon's price on Amazon lines, whatever is
        edited on them (a quantity, a partial cancellation): the buyer paid it."""
        return super(
            SaleOrderLine, self.filtered(lambda line: not line.amazon_line_kind)
        )._compute_price_unit()

    def _compute_discount(self):
        """Override of `sale` to keep pricelist discounts off Amazon lines: their
        price already is what the buyer paid."""
        return super(
            SaleOrderLine, self.filtered(lambda line: not line.amazon_line_kind)
        )._compute_discount()

    # === BUSINESS METHODS === #

    def _amazon_item_label(self):
        """The item as a merchant reads it: its title on Amazon and its SKU."""
        self.ensure_one()
        return self.env._(
            "%(title)s (SKU %(sku)s)",
            title=self.amazon_title or self.product_id.display_name,
            sku=self.amazon_sku or "-",
        )

    def _action_launch_stock_rule(self, **kwargs):
        """Override of `sale_stock` to leave Amazon's own deliveries alone.

        FBA goods leave Amazon's warehouses (moves from the FBA location, see
        `sale.order._amazon_deliver_fba`), not the merchant's; and the shipping and gift
        wrap charges of an Amazon item are not goods to ship.
        """
        lines = self.filtered(
            lambda line: (
                not (
                    line.order_id.amazon_fulfillment == "fba"
                    or line.amazon_line_kind in ("shipping", "gift_wrap")
                )
            )
        )
        return super(SaleOrderLine, lines)._action_launch_stock_rule(**kwargs)

    # === INVOICING === #

    def _amazon_invoice_lines(self):
        """The customer invoice lines of this line (credit notes left out)."""
        return self.invoice_lines.filtered(
            lambda aml: (
                aml.move_id.move_type == "out_invoice" and aml.move_id.state != "cancel"
            )
        )

    def _amazon_invoiced_quantity(self):
        self.ensure_one()
        return sum(self._amazon_invoice_lines().mapped("quantity"))

    def _amazon_invoice_line_amounts(self, quantity):
        """The quantity and exact amounts of an invoice line for ``quantity`` of this
        line: its stored amounts (``extra_tax_data``) when all of it is invoiced at
        once; else their share, and for the last units what is left of them, so that
        the invoices of a line add up to its amounts to the cent.

        :return: values for the invoice line (``quantity``, ``extra_tax_data``).
        :rtype: dict
        """
        self.ensure_one()
        invoiced = self._amazon_invoice_lines()
        extra = self.extra_tax_data
        total = self.product_uom_qty
        if not invoiced and quantity == total:
            return {"quantity": quantity}
        if not extra or not extra.get("manual_tax_amounts"):
            return {"quantity": quantity, "extra_tax_data": False}
        done_quantity = sum(invoiced.mapped("quantity"))
        last = done_quantity + quantity >= total - 1e-6
        currency = self.order_id.currency_id
        company_currency = self.order_id.company_id.currency_id

        def share(full, done_amounts, rounder):
            if last:
                return rounder.round(full - sum(done_amounts))
            return rounder.round(full * quantity / total)

        def done(path):
            amounts = []
            for aml in invoiced:
                data = aml.extra_tax_data or {}
                for key in path[:-1]:
                    data = data.get(key) or {}
                value = data.get(path[-1]) if isinstance(data, dict) else None
                if value is None:
                    value = _value(extra, path) * aml.quantity / total
                amounts.append(value)
            return amounts

        new = copy.deepcopy(extra)
        new["quantity"] = quantity
        for key in ("manual_total_excluded_currency", "manual_total_excluded"):
            if new.get(key) is not None:
                rounder = currency if key.endswith("_currency") else company_currency
                new[key] = share(extra[key], done((key,)), rounder)
        for tax_key, amounts in new["manual_tax_amounts"].items():
            for key in list(amounts):
                rounder = currency if key.endswith("_currency") else company_currency
                amounts[key] = share(
                    extra["manual_tax_amounts"][tax_key][key],
                    done(("manual_tax_amounts", tax_key, key)),
                    rounder,
                )
        return {"quantity": quantity, "extra_tax_data": new}


def _value(data, path):
    for key in path:
        data = data[key]
    return data
