import logging
from datetime import timezone

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

import amazon_sp
from amazon_sp.shipments import Package, confirm_shipment

from .. import const

_logger = logging.getLogger(__name__)


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_buyer_cancel_requested = fields.Boolean(
        related="sale_id.amazon_buyer_cancel_requested"
    )
    amazon_buyer_cancel_reason = fields.Char(
        related="sale_id.amazon_buyer_cancel_reason"
    )
    amazon_confirmation_state = fields.Selection(
        string="Amazon Confirmation",
        help="Whether Amazon was told that this delivery left.",
        selection=const.CONFIRMATION_STATE_SELECTION,
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    amazon_confirmation_message = fields.Text(
        string="Amazon Answer", readonly=True, copy=False
    )
    amazon_confirmation_date = fields.Datetime(
        string="Confirmed to Amazon", readonly=True, copy=False
    )
    amazon_confirmed_packages = fields.Char(
        string="Packages Confirmed to Amazon",
        help="Package references Amazon already accepted for this delivery, so that a "
        "retry after a failure in the middle sends only the others.",
        readonly=True,
        copy=False,
    )

    # === ACTION METHODS === #

    def button_validate(self):
        """Override of `stock` to warn before shipping an order whose buyer asked Amazon
        to cancel it, and to stop a delivery Amazon could not be told about."""
        if not self.env.context.get("amazon_ship_despite_cancel_request"):
            asked = self.filtered(
                lambda p: (
                    p.amazon_buyer_cancel_requested
                    and p.picking_type_code == "outgoing"
                )
            )
            if asked:
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("The buyer asked to cancel"),
                    "res_model": "amazon.cancel.request.wizard",
                    "view_mode": "form",
                    "target": "new",
                    "context": {
                        "default_picking_ids": self.ids,
                        "default_warned_picking_ids": asked.ids,
                    },
                }
        self._amazon_check_confirmable()
        return super().button_validate()

    def _action_done(self):
        """Override of `stock` to queue the shipment confirmation of FBM Amazon
        orders, and to invoice what left of orders whose account posts invoices on
        shipment (the import invoices the orders it delivers itself)."""
        res = super()._action_done()
        if not self.env.context.get("amazon_no_confirmation"):
            done = self.filtered(
                lambda p: (
                    p.state == "done"
                    and p.picking_type_code == "outgoing"
                    and p.sale_id.amazon_account_id.invoice_policy == "on_shipment"
                )
            )
            if done:
                done.sale_id._amazon_invoice_shipped()
        if not self.env.context.get("amazon_no_confirmation"):
            to_send = self.filtered(
                lambda p: p.state == "done" and p._amazon_needs_confirmation()
            )
            if to_send:
                to_send.write({"amazon_confirmation_state": "to_send"})
                self.env.ref("amazon_connector.ir_cron_send_updates").sudo()._trigger()
        return res

    def action_amazon_retry_confirmation(self):
        """Send the confirmation again (after fixing what Amazon refused)."""
        self.filtered(lambda p: p.amazon_confirmation_state == "error").write(
            {
                "amazon_confirmation_state": "to_send",
                "amazon_confirmation_message": False,
            }
        )
        self.env.ref("amazon_connector.ir_cron_send_updates").sudo()._trigger()

    # === BUSINESS METHODS === #

    def _amazon_needs_confirmation(self):
        """Whether Amazon must be told this delivery left: an outgoing delivery of an
        FBM Amazon order, not one the import validated because Amazon had shipped it
        (the backorder of an order Amazon had partly shipped is told, though)."""
        self.ensure_one()
        order = self.sale_id
        return (
            self.picking_type_code == "outgoing"
            and bool(order.amazon_account_id)
            and order.amazon_fulfillment == "fbm"
            and self.amazon_confirmation_state != "shipped_on_amazon"
            and not self.return_id
        )

    def _amazon_check_confirmable(self):
        """Stop the validation of a delivery Amazon could not be told about as it is.

        :raise UserError: saying what to add or remove.
        """
        for picking in self.filtered(lambda p: p._amazon_needs_confirmation()):
            if not picking.carrier_id:
                raise UserError(
                    self.env._(
                        "Set the carrier of %(picking)s: Amazon must be told who "
                        "delivers order %(ref)s.",
                        picking=picking.name,
                        ref=picking.sale_id.amazon_order_ref,
                    )
                )
            integrated = picking.carrier_id.delivery_type not in (
                "fixed",
                "base_on_rule",
            )
            if not picking.carrier_tracking_ref and not integrated:
                raise UserError(
                    self.env._(
                        "Add the tracking number of %(picking)s: Amazon needs one to "
                        "confirm the shipment of order %(ref)s.",
                        picking=picking.name,
                        ref=picking.sale_id.amazon_order_ref,
                    )
                )
            trackings = picking._amazon_tracking_numbers()
            groups = picking._amazon_package_groups()
            if len(trackings) > 1 and len(trackings) != len(groups):
                raise UserError(
                    self.env._(
                        "%(picking)s has %(packages)s package(s) but %(trackings)s "
                        "tracking numbers: enter one tracking number for the whole "
                        "delivery, or one per package separated by commas, in the "
                        "order of the packages (%(names)s).",
                        picking=picking.name,
                        packages=len(groups),
                        trackings=len(trackings),
                        names=", ".join(
                            lines.result_package_id.name or self.env._("no package")
                            for _package_id, lines in groups
                        ),
                    )
                )
            foreign = picking.move_ids.filtered(
                lambda m: (
                    m.quantity
                    and not (
                        m.sale_line_id.amazon_item_ref
                        and m.sale_line_id.amazon_line_kind == "item"
                    )
                )
            )
            if foreign:
                raise UserError(
                    self.env._(
                        "%(products)s of %(picking)s is not on Amazon order %(ref)s: "
                        "Amazon cannot be told it was shipped. Remove it from this "
                        "delivery, or ship it in a delivery of its own.",
                        products=", ".join(foreign.product_id.mapped("display_name")),
                        picking=picking.name,
                        ref=picking.sale_id.amazon_order_ref,
                    )
                )

    def _amazon_packages(self):
        """The packages of a validated delivery, as Amazon's confirmShipment wants them:
        one per destination package (or one for the whole delivery), with the items and
        quantities that left in it.

        :rtype: list[amazon_sp.shipments.Package]
        """
        self.ensure_one()
        code, name, method = self.carrier_id._amazon_carrier()
        groups = self._amazon_package_groups()
        trackings = self._amazon_tracking_numbers()
        packages = []
        for index, (_package_id, package_lines) in enumerate(groups):
            quantities = {}
            for line in package_lines:
                sale_line = line.move_id.sale_line_id
                quantity = line.product_uom_id._compute_quantity(
                    line.quantity, sale_line.product_uom_id
                )
                ref = sale_line.amazon_item_ref
                quantities[ref] = quantities.get(ref, 0) + quantity
            tracking = (
                trackings[index]
                if len(trackings) == len(groups)
                else (trackings[0] if trackings else "")
            )
            packages.append(
                Package(
                    reference_id=str(self.id * 100 + index + 1),
                    carrier_code=code,
                    carrier_name=name,
                    shipping_method=method,
                    tracking_number=tracking,
                    ship_date=(self.date_done or fields.Datetime.now()).replace(
                        tzinfo=timezone.utc
                    ),
                    items=tuple(
                        (ref, round(q)) for ref, q in quantities.items() if round(q) > 0
                    ),
                )
            )
        return packages

    def _amazon_package_groups(self):
        """The delivery's move lines grouped by destination package, in the order the
        packages were made (lines in no package come first).

        :rtype: list[tuple[int, stock.move.line]]
        """
        groups = {}
        for line in self.move_line_ids.filtered(lambda ml: ml.quantity > 0):
            key = line.result_package_id.id or 0
            groups[key] = groups.get(key, self.env["stock.move.line"]) | line
        return sorted(groups.items(), key=lambda group: group[0])

    def _amazon_tracking_numbers(self):
        """The tracking numbers entered on the delivery, separated by commas."""
        return [
            t.strip() for t in (self.carrier_tracking_ref or "").split(",") if t.strip()
        ]

    def _amazon_send_confirmation(self, connection):
        """Tell Amazon this delivery left, once. Throttling and outages propagate (the
        next run sends it); Amazon's refusal is recorded on the delivery.

        :raise amazon_sp.AmazonError: when the error is worth retrying later.
        """
        self.ensure_one()
        order = self.sale_id
        if order.amazon_status == "shipped" and all(
            line.qty_delivered >= line.product_uom_qty
            for line in order._amazon_item_lines()
        ):
            # Amazon already has it shipped (the merchant confirmed it in Seller
            # Central).
            self.write({"amazon_confirmation_state": "shipped_on_amazon"})
            return
        packages = self._amazon_packages()
        confirmed = set((self.amazon_confirmed_packages or "").split(",")) - {""}
        try:
            for package in packages:
                if package.reference_id in confirmed:
                    continue  # accepted before a failure of a later package
                confirm_shipment(
                    connection,
                    order.amazon_order_ref,
                    order.amazon_marketplace_id.api_ref,
                    package,
                )
                confirmed.add(package.reference_id)
                self.amazon_confirmed_packages = ",".join(sorted(confirmed))
        except amazon_sp.AmazonError as error:
            if error.retryable or error.account_wide:
                # Later (throttling, outage), or the account's problem, not this
                # delivery's: the caller stops and tells the account's responsible.
                raise
            message = self.env._(
                "Amazon could not be told that %(picking)s left: %(error)s",
                picking=self.name,
                error=error.message,
            )
            self.write(
                {
                    "amazon_confirmation_state": "error",
                    "amazon_confirmation_message": message,
                }
            )
            self.message_post(body=message)
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Amazon shipment confirmation failed"),
                note=plaintext2html(
                    message + "\n" + self.env._("Fix the delivery, then click Retry.")
                ),
                user_id=order.amazon_account_id._amazon_responsible().id,
            )
            return
        self.write(
            {
                "amazon_confirmation_state": "sent",
                "amazon_confirmation_date": fields.Datetime.now(),
                "amazon_confirmation_message": False,
            }
        )
        labels = {
            line.amazon_item_ref: line._amazon_item_label()
            for line in order._amazon_item_lines()
        }
        self.message_post(
            body=self.env._(
                "Sent to Amazon: %(count)s package(s) left, %(details)s.",
                count=len(packages),
                details="; ".join(
                    f"{p.carrier_name or p.carrier_code} {p.tracking_number}: "
                    + ", ".join(f"{q} x {labels.get(i, i)}" for i, q in p.items)
                    for p in packages
                ),
            )
        )
