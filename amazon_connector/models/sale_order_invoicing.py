"""Invoicing of Amazon orders: what Amazon shipped is invoiced and posted with
Amazon's exact amounts, each order in isolation, never twice.

An ``_inherit`` of ``sale.order`` of its own (beside ``sale_order.py``, which holds the
import's side of the order), so that each file keeps to one concern; credit notes are
in ``sale_order_refund.py``.
"""

import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)


class AmazonInvoiceError(UserError):
    """An order that cannot be invoiced as it stands; the message says what to fix."""


# Orders invoiced together: one create and one post for all their invoices.
INVOICE_BATCH = 50


class SaleOrder(models.Model):
    _inherit = "sale.order"

    amazon_invoice_error = fields.Text(
        string="Invoicing Problem",
        help="Why the shipped part of this Amazon order could not be invoiced, and "
        "what to fix; it is tried again at every run of 'Amazon: post invoices'.",
        readonly=True,
        copy=False,
    )
    amazon_invoice_failed = fields.Boolean(
        string="Invoice Failed",
        index=True,
        readonly=True,
        copy=False,
    )
    amazon_invoice_failed_date = fields.Datetime(
        string="Invoice Failing Since", readonly=True, copy=False
    )
    amazon_fully_invoiced = fields.Boolean(
        string="Invoiced on Amazon's Terms",
        help="Everything Amazon sold in this order is invoiced.",
        readonly=True,
        copy=False,
    )

    amazon_upload_state = fields.Selection(
        string="Invoice Upload",
        selection=[
            ("to_upload", "To Upload"),
            ("uploaded", "Uploaded to Amazon"),
            ("refused", "Refused by Amazon"),
        ],
        compute="_compute_amazon_upload_state",
        help="Where the upload to Amazon of this order's invoices and credit notes "
        "stands: refused if Amazon refused one, to upload while one waits.",
    )

    # === COMPUTE METHODS === #

    @api.depends("invoice_ids.amazon_upload_state")
    def _compute_amazon_upload_state(self):
        for order in self:
            states = set(order.invoice_ids.mapped("amazon_upload_state"))
            order.amazon_upload_state = next(
                (s for s in ("refused", "to_upload", "uploaded") if s in states), False
            )

    # === BUSINESS METHODS === #

    def _amazon_invoice_now(self, raise_errors=False):
        """Invoice what Amazon shipped of these orders, and post the invoices.

        For each Amazon order of ``self`` (the others are left out), the shipped
        quantities not invoiced yet are invoiced in one customer invoice, which is
        posted (never left in draft):

        - the lines carry the amounts the import stored on the order lines
          (``extra_tax_data``, prorated for a partial shipment, the remainder for the
          last one), so that the invoices of an order add up to Amazon's total to the
          cent, taxes included;
        - the order's invoice address and fiscal position; the Amazon order id in
          ``ref``; the ship date (the last goods that left, else today) as invoice
          date; the immediate payment term (the buyer paid Amazon); the account's
          sales journal (``invoice_journal_id``), else the company's;
        - cancelled orders and lines are never invoiced; an order is never invoiced
          twice: its row is locked (an order another worker holds is left to it) and
          each invoice has a unique key per order in the database.

        Orders are invoiced in batches; an order that cannot be invoiced (a missing
        income account, a lock date, a tax problem, a total that differs from
        Amazon's beyond the account's tolerance) is recorded on the order
        (``amazon_invoice_error``, listed in the account's Failed Invoices) and the
        others are invoiced; unless ``raise_errors``, then its error is raised.

        :param bool raise_errors: raise a ``UserError`` for an order that cannot be
            invoiced, instead of recording it (for a user's own click).
        :return: the posted invoices of the orders, those posted before included.
        :rtype: account.move
        """
        self._amazon_invoice_shipped(raise_errors)
        return self._amazon_posted_invoices()

    def _amazon_invoice_shipped(self, raise_errors=False):
        """The work of `_amazon_invoice_now`, for the scheduled action and the
        triggers, which need no recordset of every invoice back."""
        orders = self.filtered(
            lambda o: o.amazon_account_id and o.state == "sale"
        ).sorted("id")
        if orders:
            locked = orders.try_lock_for_update(allow_referencing=True)
            if raise_errors and locked != orders:
                raise UserError(
                    self.env._(
                        "Another run is invoicing these orders right now; try again "
                        "in a minute."
                    )
                )
            for start in range(0, len(locked), INVOICE_BATCH):
                locked[start : start + INVOICE_BATCH]._amazon_invoice_batch(
                    raise_errors
                )

    def _amazon_posted_invoices(self):
        return (
            self.order_line.invoice_lines.move_id.filtered(
                lambda m: m.move_type == "out_invoice" and m.state == "posted"
            )
            .sudo(False)
            .with_env(self.env)
        )

    def _amazon_invoice_batch(self, raise_errors):
        """Invoice a batch of orders together; if anything fails, one by one, each in
        a savepoint, so that a bad order is recorded and the others invoiced.

        Orders whose total is not Amazon's are set aside first: they would make the
        whole batch fail."""
        failures = {}
        ready = self.browse()
        for order in self:
            try:
                order._amazon_check_invoice_total()
                ready |= order
            except UserError as error:
                if raise_errors:
                    raise
                failures[order] = order._amazon_invoice_failure_reason(error)
        if not raise_errors and len(ready) > 1:
            try:
                with self.env.cr.savepoint():
                    ready._amazon_invoice_orders()
                ready = self.browse()
            except Exception as error:  # noqa: BLE001 - retried order by order below
                _logger.info(
                    "Invoicing a batch of %s Amazon orders failed (%s); invoicing "
                    "them one by one.",
                    len(ready),
                    type(error).__name__,
                )
                self.invalidate_recordset()
        for order in ready:
            try:
                with self.env.cr.savepoint():
                    order._amazon_invoice_orders()
            except Exception as error:  # noqa: BLE001 - recorded with its reason
                reason = order._amazon_invoice_failure_reason(error)
                if raise_errors:
                    raise UserError(reason) from error
                order.invalidate_recordset()
                failures[order] = reason
        if failures:
            self.browse()._amazon_record_invoice_failures(failures)

    def _amazon_invoice_orders(self):
        """Create and post the invoices of these orders (one per order that has
        something to invoice), in one create and one post.

        :raise UserError: if an order cannot be invoiced as it stands.
        """
        counts = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("amazon_sale_order_id", "in", self.ids),
                    ("move_type", "=", "out_invoice"),
                ],
                ["amazon_sale_order_id"],
                ["__count"],
            )
        )
        self._amazon_prefetch_invoicing()
        vals_list = []
        for order in self:
            order = order.with_company(order.company_id)
            if order.partner_invoice_id.lang:
                order = order.with_context(lang=order.partner_invoice_id.lang)
            quantities = order._amazon_quantities_to_invoice()
            if quantities:
                order._amazon_check_invoice_total()
                vals_list.append(
                    order._amazon_prepare_invoice_vals(
                        quantities, counts.get(order, 0) + 1
                    )
                )
        moves = self.env["account.move"]
        if vals_list:
            moves = (
                self.env["account.move"]
                .sudo()
                .with_context(default_move_type="out_invoice", tracking_disable=True)
                .create(vals_list)
            )
            moves.action_post()
        self._amazon_mark_invoiced()
        return moves

    def _amazon_prefetch_invoicing(self):
        """Read what invoicing the orders needs in a few queries for all of them,
        not a few per order."""
        lines = self.order_line
        lines.fetch(
            [
                "product_uom_qty",
                "qty_delivered",
                "amazon_line_kind",
                "amazon_item_ref",
                "product_id",
                "extra_tax_data",
                "invoice_lines",
                "move_ids",
            ]
        )
        lines.invoice_lines.fetch(["quantity", "move_id", "is_downpayment"])
        lines.invoice_lines.move_id.fetch(["move_type", "state"])
        lines.move_ids.fetch(["state", "date"])
        lines.product_id.fetch(["type"])

    def _amazon_mark_invoiced(self):
        values = {
            "amazon_invoice_error": False,
            "amazon_invoice_failed": False,
            "amazon_invoice_failed_date": False,
        }
        # Whoever validated the delivery may not write sales orders: the connector does.
        orders = self.sudo()
        failed = orders.filtered("amazon_invoice_failed")
        if failed:
            failed.write(values)
        done = orders.filtered(
            lambda o: not o.amazon_fully_invoiced and o._amazon_everything_invoiced()
        )
        if done:
            done.amazon_fully_invoiced = True
        if not self.env.context.get("amazon_defer_invoice_checks"):
            for account in failed.amazon_account_id:
                account._amazon_check_invoice_failures()

    def _amazon_record_invoice_failures(self, failures):
        """Record why orders could not be invoiced; one activity per account.

        :param dict failures: the reason of each order.
        """
        now = fields.Datetime.now()
        orders = self.browse()
        for order, reason in failures.items():
            order = order.sudo()  # whoever validated the delivery may not write orders
            orders |= order
            if order.amazon_invoice_failed and order.amazon_invoice_error == reason:
                continue  # the same problem as at the last run: nothing to write
            values = {"amazon_invoice_error": reason, "amazon_invoice_failed": True}
            if not order.amazon_invoice_failed:
                values["amazon_invoice_failed_date"] = now
            order.write(values)
        if not self.env.context.get("amazon_defer_invoice_checks"):
            for account in orders.amazon_account_id:
                account._amazon_check_invoice_failures()

    def _amazon_invoice_failure_reason(self, error):
        """Say why an order could not be invoiced, and what to fix."""
        if isinstance(error, AmazonInvoiceError):
            return str(error)
        if isinstance(error, (UserError, ValidationError)):
            return self.env._(
                "Odoo refused the invoice: %(message)s", message=str(error)
            )
        if isinstance(error, psycopg2.errors.UniqueViolation):
            return self.env._(
                "The order was invoiced at the same time by another run; it is "
                "checked again at the next run."
            )
        _logger.exception("Unexpected error while invoicing an Amazon order")
        return self.env._(
            "Unexpected error (%(error)s); the server log has the details. The order "
            "is tried again at every run.",
            error=type(error).__name__,
        )

    # === WHAT TO INVOICE === #

    def _amazon_quantities_to_invoice(self):
        """The quantity to invoice now of each Amazon line: what shipped, less what
        is invoiced already (credit notes do not make a line invoiceable again).

        Goods are shipped as their delivered quantity says (FBA moves, FBM
        deliveries); an item that is a service counts as shipped with the order;
        the shipping and gift wrap of an item go with its first shipment.

        :return: ``{sale.order.line: quantity}``, only the lines with something to
            invoice.
        :rtype: dict
        """
        self.ensure_one()
        if self.state != "sale" or self.amazon_status == "canceled":
            return {}
        lines = self.order_line.filtered(
            lambda line: line.amazon_line_kind and line.product_uom_qty > 0
        )
        rounding = self.env["decimal.precision"].precision_get("Product Unit")
        order_shipped = self.amazon_status == "shipped" or (
            self.delivery_status == "full"
        )
        shipped = {}
        item_shipped = set()
        for line in lines.filtered(lambda line: line.amazon_line_kind == "item"):
            if line.product_id.type == "consu":
                quantity = line.qty_delivered
            else:
                quantity = line.product_uom_qty if order_shipped else 0.0
            shipped[line] = min(quantity, line.product_uom_qty)
            if quantity or line._amazon_invoiced_quantity():
                item_shipped.add(line.amazon_item_ref)
        for line in lines.filtered(lambda line: line.amazon_line_kind != "item"):
            shipped[line] = (
                line.product_uom_qty if line.amazon_item_ref in item_shipped else 0.0
            )
        result = {}
        for line, quantity in shipped.items():
            to_invoice = round(quantity - line._amazon_invoiced_quantity(), rounding)
            if to_invoice > 0:
                result[line] = to_invoice
        return result

    def _amazon_everything_invoiced(self):
        self.ensure_one()
        return all(
            line._amazon_invoiced_quantity() >= line.product_uom_qty
            for line in self.order_line
            if line.amazon_line_kind and line.product_uom_qty > 0
        )

    def _amazon_check_invoice_total(self):
        """Refuse to invoice an order whose Odoo total differs from Amazon's beyond
        the account's tolerance (usually a tax missing in Odoo): it is listed with
        the difference and what to fix, and invoiced once fixed."""
        self.ensure_one()
        tolerance = self.amazon_account_id.total_tolerance or 0.0
        difference = self.amazon_total_difference
        if self.amazon_has_total and abs(difference) > tolerance + 1e-9:
            raise AmazonInvoiceError(
                self.env._(
                    "Odoo's total (%(odoo)s) differs from Amazon's (%(amazon)s) by "
                    "%(difference)s, more than the account's tolerance "
                    "(%(tolerance)s): the invoice would not carry what the buyer paid. "
                    "Usually a tax is missing in Odoo or has another rate than "
                    "Amazon's: fix the taxes of the order's lines (or of their "
                    "products and fiscal position, then the lines), and the order is "
                    "invoiced at the next run.",
                    odoo=self.amount_total,
                    amazon=self.amazon_expected_total,
                    difference=difference,
                    tolerance=tolerance,
                )
            )

    # === INVOICE VALUES === #

    def _amazon_prepare_invoice_vals(self, quantities, number=1):
        """The values of the invoice of ``quantities`` of this order's lines.

        :param int number: the invoice's number among the order's (its unique key).
        """
        self.ensure_one()
        vals = self._prepare_invoice()
        account = self.amazon_account_id
        term = self.env.ref(
            "account.account_payment_term_immediate", raise_if_not_found=False
        )
        vals.update(
            {
                "ref": self.amazon_order_ref,
                # The order's own, as the import found it with the delivery address
                # (Odoo would look again with the invoice address only).
                "fiscal_position_id": self.fiscal_position_id.id,
                "invoice_date": self._amazon_ship_date(quantities),
                "invoice_payment_term_id": term.id if term else False,
                "amazon_sale_order_id": self.id,
                "amazon_account_id": account.id,
                "amazon_order_ref": self.amazon_order_ref,
                "amazon_invoice_key": f"invoice-{self.id}-{number}",
                "narration": False,
            }
        )
        if account.invoice_journal_id:
            vals["journal_id"] = account.invoice_journal_id.id
        lines = []
        for sequence, line in enumerate(self.order_line, start=1):
            if line in quantities:
                values = line._prepare_invoice_line(
                    sequence=sequence,
                    # One insert for the whole batch's links, not one per line.
                    sale_line_ids=[fields.Command.set(line.ids)],
                )
                values.update(line._amazon_invoice_line_amounts(quantities[line]))
                lines.append(fields.Command.create(values))
        vals["invoice_line_ids"] = lines
        return vals

    def _amazon_ship_date(self, quantities):
        """When the goods of this invoice left: the last done move of its lines (the
        FBM delivery, the FBA moves), else today. FBA goods leave Odoo's stock when
        the import reads that Amazon shipped them, which may be days later (an import
        of past orders): their date is when Amazon last changed the order, if that is
        earlier."""
        moves = (
            self.env["sale.order.line"]
            .union(*quantities)
            .move_ids.filtered(lambda m: m.state == "done")
        )
        dates = [move.date for move in moves if move.date]
        left = max(dates) if dates else None
        amazon = self.amazon_last_update
        if self.amazon_fulfillment == "fba" and amazon:
            left = min(left, amazon) if left else amazon
        return fields.Date.context_today(self, left) if left else fields.Date.today()
