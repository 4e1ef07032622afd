import logging
from collections import Counter

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from amazon_sp.orders import OrderDataError, OrderStatus

from .. import const
from ..utils import naive_utc

_logger = logging.getLogger(__name__)

SKIPPED_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.UNFULFILLABLE,
    OrderStatus.CANCELED,
)


class AmazonImportError(Exception):
    """An order that cannot be imported as it stands; the message says what to fix."""


class AmazonOrderImport(models.AbstractModel):
    """Turns parsed Amazon orders (``amazon_sp.orders.AmazonOrder``) into sales orders.

    A page of orders is worked in batches: one search per kind of record (existing
    orders, offers, products, customers), one ``create`` for all new customers and one
    for all new orders, one confirmation. If anything in the batch fails, the batch is
    rolled back to its savepoint and the orders are imported one by one, each in its own
    savepoint, so that one broken order is recorded as failed with a reason and the
    others are imported.

    This file runs the import (pages, batches, confirmation, failures); the mapping of
    an order to values is in ``amazon_order_mapping.py`` (order),
    ``amazon_order_mapping_lines.py`` (lines) and ``amazon_order_mapping_partners.py``
    (customers). Each step is a method that other modules can override:
    ``_amazon_lookups``, ``_amazon_prepare_sale_order_vals``,
    ``_amazon_prepare_line_vals``, ``_amazon_line_amounts``,
    ``_amazon_finalize_orders``, ``_amazon_update_order``.
    """

    _name = "amazon.order.import"
    _description = "Amazon Order Import"

    # === ENTRY POINT === #

    @api.model
    def _amazon_import_orders(self, account, orders, unreadable=()):
        """Import a page of orders of an account.

        :param amazon.account account: the account.
        :param list orders: ``AmazonOrder`` records.
        :param list unreadable: ``OrderDataError`` for orders Amazon sent unreadable.
        :return: counters ``created``, ``updated``, ``skipped``, ``failed``, and the
            ``sale_orders`` created or updated.
        :rtype: dict
        """
        counts = Counter()
        touched = self.env["sale.order"]
        failures = []  # (order ref, reason, marketplace api ref)
        for error in unreadable:
            failures.append(
                (
                    error.order_id or "",
                    self.env._(
                        "Amazon sent data that cannot make a sales order: %(reason)s",
                        reason=error.reason,
                    ),
                    None,
                )
            )
        existing = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "in", [o.order_id for o in orders]),
            ]
        )
        by_ref = {so.amazon_order_ref: so for so in existing}
        to_create, to_update, closed = [], [], []
        up_to_date = self.env["sale.order"]
        for order in orders:
            sale_order = by_ref.get(order.order_id)
            if sale_order:
                if (
                    sale_order.amazon_last_update
                    and sale_order.amazon_last_update >= naive_utc(order.last_update)
                ):
                    # Read again (overlapping window): nothing new. A failure recorded
                    # for it is over: the sales order is as Amazon has it.
                    counts["skipped"] += 1
                    up_to_date |= sale_order
                else:
                    to_update.append((sale_order, order))
            elif order.status in SKIPPED_STATUSES or order.non_amazon:
                # Pending: no prices yet, imported when Amazon updates it. Cancelled
                # before import, or not an Amazon sale: nothing to do.
                counts["skipped"] += 1
                if order.status != OrderStatus.PENDING:
                    closed.append(order)
            else:
                to_create.append(order)
        created, create_failures = self._amazon_create_orders(account, to_create)
        counts["created"] += len(created)
        touched |= created
        failures += create_failures
        for sale_order, order in to_update:
            try:
                with self.env.cr.savepoint():
                    self._amazon_update_order(account, sale_order, order)
                counts["updated"] += 1
                touched |= sale_order
            except Exception as error:  # noqa: BLE001 - any failure is recorded, not lost
                failures.append(
                    (
                        order.order_id,
                        self._amazon_failure_reason(error),
                        order.marketplace_id,
                    )
                )
        counts["failed"] += len([f for f in failures if f[0]])
        self._amazon_record_failures(account, failures)
        self._amazon_resolve_failures(account, touched | up_to_date)
        self._amazon_close_failures(account, closed)
        self._amazon_check_orders(account)
        account._amazon_check_failures()
        return {**counts, "sale_orders": touched}

    # === CREATION === #

    def _amazon_create_orders(self, account, orders):
        """Create and confirm the sales orders of new Amazon orders.

        :return: the sales orders created, and the failures ``(ref, reason,
            marketplace)``.
        """
        if not orders:
            return self.env["sale.order"], []
        lookups = self._amazon_lookups(account, orders)
        orders, failures = self._amazon_check_orders_importable(orders, lookups)
        if not orders:
            return self.env["sale.order"], failures
        try:
            with self.env.cr.savepoint():
                return self._amazon_create_batch(account, orders, lookups), failures
        except Exception as error:  # noqa: BLE001 - retried order by order below
            if len(orders) == 1:
                reason = self._amazon_failure_reason(error)
                return self.env["sale.order"], [
                    *failures,
                    (orders[0].order_id, reason, orders[0].marketplace_id),
                ]
            _logger.info(
                "Batch of %s Amazon orders failed (%s); importing them one by one.",
                len(orders),
                type(error).__name__,
            )
        created = self.env["sale.order"]
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    lookups = self._amazon_lookups(account, [order])
                    created |= self._amazon_create_batch(account, [order], lookups)
            except Exception as error:  # noqa: BLE001 - recorded with its reason
                failures.append(
                    (
                        order.order_id,
                        self._amazon_failure_reason(error),
                        order.marketplace_id,
                    )
                )
        return created, failures

    def _amazon_check_orders_importable(self, orders, lookups):
        """Set aside, before any write, the orders that cannot be imported as is.

        :return: the importable orders, and the failures of the others.
        """
        ready, failures = [], []
        for order in orders:
            marketplace = lookups["marketplace_by_ref"].get(order.marketplace_id)
            try:
                if not marketplace:
                    raise AmazonImportError(
                        self.env._(
                            "The order comes from marketplace %(marketplace)s, which "
                            "Odoo does not know: add it in Amazon Marketplaces "
                            "(developer mode).",
                            marketplace=order.marketplace_id,
                        )
                    )
                self._amazon_currency(order, marketplace, lookups)
                if not order.priced:
                    raise AmazonImportError(
                        self.env._(
                            "Amazon gave no prices for this order yet; it is tried "
                            "again later."
                        )
                    )
            except AmazonImportError as error:
                failures.append((order.order_id, str(error), order.marketplace_id))
                continue
            ready.append(order)
        return ready, failures

    def _amazon_create_batch(self, account, orders, lookups):
        self._amazon_create_customers(account, orders, lookups)
        self._amazon_create_offers(account, orders, lookups)
        vals_list = [
            self._amazon_prepare_sale_order_vals(account, order, lookups)
            for order in orders
        ]
        sale_orders = (
            self.env["sale.order"]
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(vals_list)
        )
        self._amazon_finalize_orders(account, sale_orders, orders, lookups)
        return sale_orders

    def _amazon_failure_reason(self, error):
        """Say why an order failed, and what to fix, without buyer data."""
        if isinstance(error, AmazonImportError):
            return str(error)
        if isinstance(error, OrderDataError):
            return self.env._(
                "Amazon sent data that cannot make a sales order: %(reason)s",
                reason=error.reason,
            )
        if isinstance(error, (UserError, ValidationError)):
            return self.env._(
                "Odoo refused the sales order: %(message)s", message=str(error)
            )
        if isinstance(error, psycopg2.errors.UniqueViolation):
            return self.env._(
                "The order was imported at the same time by another run; it is checked "
                "again at the next run."
            )
        _logger.exception("Unexpected error while importing an Amazon order")
        return self.env._(
            "Unexpected error (%(error)s); the server log has the details. The order "
            "is retried at every run.",
            error=type(error).__name__,
        )

    # === FINALIZATION === #

    def _amazon_finalize_orders(self, account, sale_orders, orders, lookups):
        """Confirm the orders, move FBA goods, and record what Amazon already
        shipped (what needs a person is told once per page, `_amazon_check_orders`)."""
        by_ref = {order.order_id: order for order in orders}
        to_confirm = sale_orders.filtered(
            lambda so: so.amazon_status in const.CONFIRMED_STATUSES
        )
        if to_confirm:
            to_confirm.with_context(mail_notrack=True).action_confirm()
        fba = sale_orders.filtered(lambda so: so.amazon_fulfillment == "fba")
        fba._amazon_deliver_fba(by_ref)
        shipped = (sale_orders - fba).filtered(
            lambda so: (
                by_ref[so.amazon_order_ref].status
                in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED)
            )
        )
        shipped._amazon_validate_shipped_deliveries(by_ref)

    # === UPDATES === #

    def _amazon_update_order(self, account, sale_order, order):
        """Bring a sales order up to date with a newer state of its Amazon order."""
        sale_order.write(
            {
                "amazon_status": order.status.value,
                "amazon_last_update": naive_utc(order.last_update),
                "amazon_buyer_cancel_requested": order.buyer_requested_cancel,
                "amazon_buyer_cancel_reason": order.buyer_cancel_reason or False,
            }
        )
        if order.status is OrderStatus.CANCELED:
            sale_order._amazon_cancel_from_amazon()
        elif order.status.value in const.CONFIRMED_STATUSES:
            if sale_order.state == "draft":
                sale_order.action_confirm()
            if sale_order.amazon_fulfillment == "fba":
                sale_order._amazon_deliver_fba({order.order_id: order})

    # === FAILURES === #

    def _amazon_record_failures(self, account, failures):
        """Record failed orders on the account (the responsible user is told by
        `amazon.account._amazon_check_failures`)."""
        if not failures:
            return
        Failure = self.env["amazon.order.failure"]
        marketplaces = self.env["amazon.marketplace"].search(
            [("api_ref", "in", [f[2] for f in failures if f[2]])]
        )
        by_ref = {m.api_ref: m for m in marketplaces}
        for order_ref, reason, marketplace_ref in failures:
            if not order_ref:
                _logger.warning(
                    "An Amazon order without id could not be read: %s", reason
                )
                continue
            Failure._amazon_record(
                account, order_ref, reason, by_ref.get(marketplace_ref)
            )

    def _amazon_close_failures(self, account, orders):
        """Stop retrying failed orders that no longer need a sales order.

        An order that failed, then was cancelled by Amazon (or turned out not to be an
        Amazon sale), would otherwise stay first in the retry queue forever.
        """
        if not orders:
            return
        failures = self.env["amazon.order.failure"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "failed"),
                ("amazon_order_ref", "in", [o.order_id for o in orders]),
            ]
        )
        by_ref = {o.order_id: o for o in orders}
        for failure in failures:
            if by_ref[failure.amazon_order_ref].status == OrderStatus.CANCELED:
                reason = self.env._(
                    "Amazon cancelled this order before it could be imported: there is "
                    "nothing to import."
                )
            else:  # unfulfillable or non-Amazon: not sold on Amazon
                reason = self.env._(
                    "This order was not sold on Amazon: there is nothing to import."
                )
            failure.write(
                {
                    "state": "closed",
                    "reason": f"{reason}\n{failure.reason}",
                    "last_attempt": fields.Datetime.now(),
                }
            )

    def _amazon_resolve_failures(self, account, sale_orders):
        if not sale_orders:
            return
        failures = self.env["amazon.order.failure"].search(
            [
                ("account_id", "=", account.id),
                ("state", "=", "failed"),
                ("amazon_order_ref", "in", sale_orders.mapped("amazon_order_ref")),
            ]
        )
        by_ref = {so.amazon_order_ref: so for so in sale_orders}
        for failure in failures:
            sale_order = by_ref[failure.amazon_order_ref]
            failure.write(
                {
                    "state": "resolved",
                    "sale_order_id": sale_order.id,
                    "last_attempt": fields.Datetime.now(),
                    # What went wrong before is over: say what came of it.
                    "reason": self.env._(
                        "Imported as %(order)s.", order=sale_order.name
                    ),
                }
            )
