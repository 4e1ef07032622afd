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
