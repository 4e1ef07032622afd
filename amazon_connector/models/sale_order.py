from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import const


class SaleOrder(models.Model):
    _inherit = "sale.order"

    _amazon_order_unique = models.Constraint(
        "UNIQUE(amazon_account_id, amazon_order_ref)",
        "This Amazon order is already imported for this account.",
    )

    amazon_account_id = fields.Many2one(
        comodel_name="amazon.account",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    amazon_order_ref = fields.Char(
        string="Amazon Reference", index="btree_not_null", readonly=True, copy=False
    )
    amazon_marketplace_id = fields.Many2one(
        comodel_name="amazon.marketplace",
        string="Marketplace",
        readonly=True,
        copy=False,
    )
    amazon_fulfillment = fields.Selection(
        string="Fulfillment",
        selection=const.FULFILLMENT_SELECTION,
        readonly=True,
        copy=False,
    )
    amazon_status = fields.Selection(
        selection=const.ORDER_STATUS_SELECTION,
        readonly=True,
        copy=False,
    )
    amazon_last_update = fields.Datetime(readonly=True, copy=False)
    amazon_order_total = fields.Monetary(
        string="Amazon Total",
        help="The order's total as Amazon reports it.",
        readonly=True,
        copy=False,
    )
    amazon_tax_total = fields.Monetary(
        string="Amazon Taxes",
        help="The taxes Amazon reports.",
        readonly=True,
        copy=False,
    )
    amazon_facilitator_tax = fields.Monetary(
        string="Tax Remitted by Amazon",
        help="The taxes Amazon collects and remits itself (marketplace facilitator).",
        readonly=True,
        copy=False,
    )
    amazon_expected_total = fields.Monetary(
        string="Expected Total",
        help="What Odoo's total should be: Amazon's total, without the taxes Amazon "
        "remits when the account's marketplace facilitator fiscal position applies.",
        readonly=True,
        copy=False,
    )
    amazon_has_total = fields.Boolean(
        string="Amazon Gave a Total",
        help="Whether Amazon reported the order's total (it does not for every order): "
        "without it, Odoo's total is not compared with Amazon's.",
        readonly=True,
        copy=False,
    )
    amazon_total_difference = fields.Monetary(
        string="Difference with Amazon",
        compute="_compute_amazon_total_difference",
        store=True,
    )
    amazon_tax_difference = fields.Monetary(
        string="Tax Difference with Amazon",
        help="Odoo's taxes minus Amazon's, on marketplaces whose prices include taxes "
        "(where the total is Amazon's, the taxes may still differ).",
        compute="_compute_amazon_tax_difference",
        store=True,
    )
    amazon_buyer_cancel_requested = fields.Boolean(
        string="Buyer Asked to Cancel", readonly=True, copy=False
    )
    amazon_buyer_cancel_reason = fields.Char(
        string="Cancellation Reason", readonly=True, copy=False
    )
    amazon_gift_message = fields.Text(string="Gift Message", readonly=True, copy=False)
    amazon_purchase_order = fields.Char(
        string="Buyer's Purchase Order", readonly=True, copy=False
    )
    amazon_is_business = fields.Boolean(
        string="Business Order", readonly=True, copy=False
    )
    amazon_is_prime = fields.Boolean(string="Prime", readonly=True, copy=False)
    amazon_replaced_order_ref = fields.Char(
        string="Replaces Amazon Order", readonly=True, copy=False
    )
    amazon_ship_service_level = fields.Char(
        string="Shipping Service Level", readonly=True, copy=False
    )
    amazon_latest_ship_date = fields.Datetime(
        string="Ship By", readonly=True, copy=False
    )
    amazon_shipped_outside = fields.Boolean(
        string="Shipped Before Import",
        help="Amazon reported this order shipped when it was imported: its delivery "
        "was validated in Odoo, and no shipment confirmation is sent to Amazon.",
        readonly=True,
        copy=False,
    )
    amazon_state_unknown = fields.Boolean(readonly=True, copy=False)

    # === COMPUTE METHODS === #

    @api.depends("amount_total", "amazon_expected_total", "amazon_has_total")
    def _compute_amazon_total_difference(self):
        for order in self:
            if order.amazon_has_total:
                order.amazon_total_difference = order.currency_id.round(
                    order.amount_total - order.amazon_expected_total
                )
            else:
                order.amazon_total_difference = 0.0

    @api.depends("amount_tax", "amazon_tax_total", "amazon_marketplace_id.tax_included")
    def _compute_amazon_tax_difference(self):
        for order in self:
            if order.amazon_marketplace_id.tax_included and order.amazon_tax_total:
                order.amazon_tax_difference = order.currency_id.round(
                    order.amount_tax - order.amazon_tax_total
                )
            else:
                order.amazon_tax_difference = 0.0

    # === BUSINESS METHODS === #

    def action_confirm(self):
        """Override of `sale` to give Amazon orders and the others each their own rule
        for the order date, when they are confirmed together."""
        amazon = self.filtered("amazon_account_id")
        if amazon and amazon != self:
            super(SaleOrder, self - amazon).action_confirm()
            return super(SaleOrder, amazon).action_confirm()
        return super().action_confirm()

    def _prepare_confirmation_values(self):
        """Override of `sale` to keep the purchase date as the date of Amazon orders
        (the others get Odoo's confirmation date)."""
        values = super()._prepare_confirmation_values()
        if self and all(order.amazon_account_id for order in self):
            values.pop("date_order", None)
        return values

    def _amazon_item_lines(self):
        return self.order_line.filtered(lambda line: line.amazon_line_kind == "item")

    def _amazon_deliver_fba(self, orders):
        """Move the goods Amazon shipped out of the Amazon FBA location.

        FBA orders need no delivery from the merchant: Amazon ships them. Their goods
        leave the FBA location (the account's, else the company's; its country's one
        when the account keeps one per country) with done stock moves as Amazon
        reports them shipped, so that stock and delivered quantities follow Amazon. All
        the orders' moves are done together.

        :param dict orders: the ``AmazonOrder`` of each sales order, by Amazon order
            reference.
        """
        customers = self.env.ref("stock.stock_location_customers")
        values = []
        locations = {}  # (account, marketplace) -> location, looked up once
        for sale_order in self.filtered(lambda so: so.state == "sale"):
            order = orders[sale_order.amazon_order_ref]
            shipped = {i.order_item_id: i.quantity_shipped for i in order.items}
            key = (sale_order.amazon_account_id, sale_order.amazon_marketplace_id)
            if key not in locations:
                locations[key] = key[0]._amazon_fba_location(key[1])
            location = locations[key]
            item_lines = sale_order._amazon_item_lines()
            for line in item_lines:
                if line.product_id.type != "consu":
                    continue
                lines = item_lines.filtered(
                    lambda other, line=line: (
                        other.amazon_item_ref == line.amazon_item_ref
                    )
                )
                wanted = min(
                    shipped.get(line.amazon_item_ref, 0),
                    sum(lines.mapped("product_uom_qty")),
                )
                # Split lines of one item share its shipped quantity in order.
                before = sum(
                    other.product_uom_qty for other in lines if other.id < line.id
                )
                target = max(0.0, min(line.product_uom_qty, wanted - before))
                moved = sum(
                    line.move_ids.filtered(lambda m: m.state == "done").mapped(
                        "quantity"
                    )
                )
                if target > moved:
                    values.append(
                        {
                            "product_id": line.product_id.id,
                            "product_uom_qty": target - moved,
                            "product_uom": line.product_uom_id.id,
                            "location_id": location.id,
                            "location_dest_id": customers.id,
                            "company_id": sale_order.company_id.id,
                            "sale_line_id": line.id,
                            "origin": sale_order.name,
                            "partner_id": sale_order.partner_shipping_id.id,
                        }
                    )
        if not values:
            return
        moves = self.env["stock.move"].sudo().create(values)
        moves._action_confirm()
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()

    def action_cancel(self):
        """Override of `sale` to ask why an FBM Amazon order is cancelled: Amazon is
        told, with the reason."""
        amazon = self.filtered(lambda o: o._amazon_cancellable_on_amazon())
        if amazon and "amazon_cancel_reason" not in self.env.context:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel on Amazon"),
                "res_model": "amazon.order.cancel.wizard",
                "view_mode": "form",
                "target": "new",
                "context": {
                    "default_sale_order_id": self.id if len(self) == 1 else False,
                    "default_sale_order_ids": self.ids,
                },
            }
        return super().action_cancel()

    def _action_cancel(self):
        """Override of `sale` to tell Amazon about FBM orders cancelled in Odoo (not
        about those Amazon cancelled), and to take cancelled orders off their
        account's checks."""
        reason = self.env.context.get("amazon_cancel_reason")
        to_tell = (
            self.filtered(lambda o: o._amazon_cancellable_on_amazon())
            if reason
            else self
        )
        lines = (
            to_tell._amazon_item_lines().filtered(lambda line: not line.qty_delivered)
            if reason
            else []
        )
        res = super()._action_cancel()
        if reason and lines:
            self._amazon_queue_cancellations(lines, reason)
        # A cancelled order needs no check any more: it leaves its account's
        # activities (differences, unknown states).
        for account in self.amazon_account_id:
            self.env["amazon.order.import"].sudo()._amazon_check_orders(
                account._amazon_as_importer()
            )
        return res

    def _amazon_cancellable_on_amazon(self):
        self.ensure_one()
        return (
            bool(self.amazon_account_id)
            and self.amazon_fulfillment == "fbm"
            and self.amazon_status in ("unshipped", "partially_shipped")
            and self.state == "sale"
        )

    def _amazon_queue_cancellations(self, lines, reason):
        """Queue the cancellation of Amazon items; the scheduled action sends them."""
        values = []
        seen = set()
        for line in lines:
            key = (line.order_id.id, line.amazon_item_ref)
            if key in seen:
                continue
            seen.add(key)
            values.append(
                {
                    "account_id": line.order_id.amazon_account_id.id,
                    "sale_order_id": line.order_id.id,
                    "amazon_order_ref": line.order_id.amazon_order_ref,
                    "amazon_item_ref": line.amazon_item_ref,
                    "reason": reason,
                }
            )
        self.env["amazon.cancellation"].sudo().create(values)
        self.env.ref("amazon_connector.ir_cron_send_updates").sudo()._trigger()

    def _amazon_cancel_lines(self, lines, reason):
        """Cancel some items of an FBM order here and on Amazon."""
        self.ensure_one()
        items = self._amazon_item_lines()
        if not lines or set(lines.mapped("amazon_item_ref")) >= set(
            items.mapped("amazon_item_ref")
        ):
            return self.with_context(
                amazon_cancel_reason=reason, disable_cancel_warning=True
            ).action_cancel()
        cancelled = items.filtered(
            lambda line: line.amazon_item_ref in lines.mapped("amazon_item_ref")
        )
        if any(cancelled.mapped("qty_delivered")):
            raise UserError(
                self.env._(
                    "Items that left the warehouse cannot be cancelled: process a "
                    "return."
                )
            )
        # Amazon refunds the item with its shipping, gift wrap and discounts: their
        # lines go too.
        refs = set(cancelled.mapped("amazon_item_ref"))
        self.order_line.filtered(lambda line: line.amazon_item_ref in refs).write(
            {"product_uom_qty": 0}
        )
        self._amazon_queue_cancellations(cancelled, reason)
        self.message_post(
            body=self.env._(
                "Cancelled on Amazon (%(reason)s): %(items)s.",
                reason=dict(const.CANCEL_REASON_SELECTION)[reason],
                items=", ".join(line._amazon_item_label() for line in cancelled),
            )
        )
        return True

    def _amazon_validate_shipped_deliveries(self, orders):
        """Validate the deliveries of orders Amazon shipped before their import, all
        together, with the quantities Amazon shipped (backorders for the rest).

        :param dict orders: the ``AmazonOrder`` of each sales order, by Amazon order
            reference.
        """
        to_validate = self.env["stock.picking"]
        quantities = {}  # quantity -> ids of the moves that shipped it
        for sale_order in self:
            pickings = sale_order.picking_ids.filtered(
                lambda p: (
                    p.state not in ("done", "cancel")
                    and p.picking_type_code == "outgoing"
                )
            )
            if not pickings:
                continue
            if any(move.product_id.tracking != "none" for move in pickings.move_ids):
                # Lots and serial numbers are the merchant's to enter.
                sale_order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Amazon shipped this order before its import"),
                    note=self.env._(
                        "Validate its delivery with the lot or serial numbers that "
                        "left."
                    ),
                    user_id=sale_order.amazon_account_id._amazon_responsible().id,
                )
                continue
            order = orders[sale_order.amazon_order_ref]
            # What Amazon shipped of an item is shared by its moves in order (an item
            # may be split over several lines), so that nothing ships twice.
            left = {i.order_item_id: i.quantity_shipped for i in order.items}
            for move in pickings.move_ids.sorted(lambda m: (m.sale_line_id.id, m.id)):
                ref = move.sale_line_id.amazon_item_ref
                quantity = max(min(move.product_uom_qty, left.get(ref, 0)), 0)
                left[ref] = left.get(ref, 0) - quantity
                quantities.setdefault(quantity, []).append(move.id)
            to_validate |= pickings
        to_validate.sale_id.amazon_shipped_outside = True
        # One write per distinct quantity, not one per move.
        Move = self.env["stock.move"]
        for quantity, move_ids in quantities.items():
            Move.browse(move_ids).quantity = quantity
        to_validate.move_ids.picked = True
        if to_validate:
            to_validate.with_context(
                skip_backorder=False,
                cancel_backorder=False,
                skip_sms=True,
                amazon_no_confirmation=True,
            )._action_done()
            to_validate.amazon_confirmation_state = "shipped_on_amazon"

    def _amazon_cancel_from_amazon(self):
        """Amazon cancelled the order: cancel it, or ask for a return if goods left."""
        self.ensure_one()
        if self.state == "cancel":
            return
        delivered = any(line.qty_delivered for line in self.order_line) or any(
            picking.state == "done" for picking in self.picking_ids
        )
        if delivered:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon cancelled a delivered order"),
                note=self.env._(
                    "Amazon cancelled order %(ref)s after goods left: process the "
                    "return and the refund.",
                    ref=self.amazon_order_ref,
                ),
                user_id=self.amazon_account_id._amazon_responsible().id,
            )
            return
        self.with_context(
            disable_cancel_warning=True, amazon_cancel_reason=None
        )._action_cancel()
        self.message_post(
            body=self.env._(
                "Cancelled: Amazon cancelled order %(ref)s.", ref=self.amazon_order_ref
            )
        )
