"""Orders an Amazon account imports outside its incremental window: failed orders
retried by their reference (at every run, or **Retry now**), one order recovered by its
reference (**Recover order**), and the history import of a period (**Import
orders**)."""

import re
import time

from odoo import fields, models
from odoo.exceptions import UserError

import amazon_sp
from amazon_sp.orders import OrderDataError
from amazon_sp.reader import OrderReader

from .. import const


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FAILED ORDERS === #

    def _amazon_retry_failures(self, failures=None, reader=None, totals=None):
        """Import failed orders again, by their Amazon reference.

        :param amazon.order.failure failures: which ones (default: the oldest to retry).
        """
        self.ensure_one()
        failures = failures or self.env["amazon.order.failure"].search(
            [("account_id", "=", self.id), ("state", "=", "failed")],
            order="last_attempt",
            limit=const.FAILED_RETRIES_PER_RUN,
        )
        if not failures:
            return
        own_reader = reader is None
        if own_reader:
            reader = OrderReader(
                self._amazon_connection(), api_version=self.api_version
            )
        importer = self.env["amazon.order.import"]
        try:
            for failure in failures:
                try:
                    order = reader.get_order(failure.amazon_order_ref)
                except OrderDataError as error:
                    importer._amazon_import_orders(self, [], [error])
                    continue
                except amazon_sp.NotFound:
                    failure.write(
                        {
                            "reason": self.env._(
                                "Amazon does not know this order (any more): check the "
                                "reference, or dismiss it."
                            ),
                            "attempts": failure.attempts + 1,
                            "last_attempt": fields.Datetime.now(),
                        }
                    )
                    continue
                if order.status.value == "pending":
                    failure.write(
                        {
                            "reason": self.env._(
                                "Amazon has not given the prices of this order yet "
                                "(payment pending); it is tried again later."
                            ),
                            "last_attempt": fields.Datetime.now(),
                        }
                    )
                    continue
                result = importer._amazon_import_orders(self, [order])
                if totals is not None:
                    for key in totals:
                        totals[key] += result.get(key, 0)
        finally:
            if own_reader:
                reader.close()

    def _amazon_retry_failures_now(self, failures):
        """Retry failed orders at a user's request, and leave a log line of it.

        :return: the run's log (not saved when another run holds the import).
        """
        self.ensure_one()
        started = time.monotonic()
        if not self._amazon_lock_orders():
            return self.env["amazon.sync.log"]._amazon_locked(self, "retry")
        log = (
            self.env["amazon.sync.log"]
            .sudo()
            .create({"account_id": self.id, "trigger": "retry"})
        )
        connection = self._amazon_connection()
        reader = OrderReader(connection, api_version=self.api_version)
        totals = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        status, message = "done", False
        try:
            self._amazon_retry_failures(failures, reader=reader, totals=totals)
        except amazon_sp.AmazonError as error:
            status, message = self._amazon_stopped_run(error)
        finally:
            reader.close()
        log._amazon_finish(status, totals, connection, started, message)
        self._amazon_commit()
        return log

    def _amazon_check_failures(self):
        """One activity tells the responsible user which orders wait for a fix, and
        why; it is done by itself once none does (imported, dismissed or closed)."""
        self.ensure_one()
        failures = self.env["amazon.order.failure"].search(
            [("account_id", "=", self.id), ("state", "=", "failed")],
            order="first_failure desc, id desc",
        )
        return self._amazon_cause_activity(
            "orders_failed",
            failures,
            self.env._(
                "%(count)s Amazon orders could not be imported", count=len(failures)
            ),
            self.env._(
                "These Amazon orders could not be imported. Each says why and what to "
                "fix; they are retried at every run (or click Retry now in Failed "
                "Orders once fixed)."
            ),
            action="amazon_connector.action_amazon_order_failure",
            describe=lambda failure: self.env._(
                "%(ref)s: %(reason)s",
                ref=failure.amazon_order_ref,
                reason=_shorten(failure.reason),
            ),
        )

    # === ONE ORDER, AND HISTORY === #

    def _amazon_recover_order(self, order_ref):
        """Import one order by its Amazon reference, now.

        :return: its sales order.
        :raise UserError: with the reason when it cannot be imported.
        """
        self.ensure_one()
        order_ref = (order_ref or "").strip()
        if not re.match(const.ORDER_REF_PATTERN, order_ref):
            raise UserError(
                self.env._(
                    "%(ref)s is not an Amazon order reference: it has the form "
                    "123-1234567-1234567.",
                    ref=order_ref,
                )
            )
        started = time.monotonic()
        connection = self._amazon_connection()
        reader = OrderReader(connection, api_version=self.api_version)
        try:
            order = self._amazon_call(lambda _connection: reader.get_order(order_ref))
        except OrderDataError as error:
            raise UserError(
                self.env._(
                    "Amazon sent data that cannot make a sales order: %(reason)s",
                    reason=error.reason,
                )
            ) from None
        finally:
            reader.close()
        if order.status.value == "pending":
            raise UserError(
                self.env._(
                    "Amazon has not given the prices of order %(ref)s yet (payment "
                    "pending): it is imported by itself once Amazon does.",
                    ref=order_ref,
                )
            )
        if order.non_amazon or order.status.value == "unfulfillable":
            raise UserError(
                self.env._(
                    "Order %(ref)s was not sold on Amazon: it is not imported.",
                    ref=order_ref,
                )
            )
        if not self._amazon_lock_orders():
            raise UserError(
                self.env["amazon.sync.log"]._amazon_locked(self, "recover").message
            )
        result = self.env["amazon.order.import"]._amazon_import_orders(self, [order])
        log = (
            self.env["amazon.sync.log"]
            .sudo()
            .create({"account_id": self.id, "trigger": "recover"})
        )
        log._amazon_finish(
            "done",
            {
                key: result.get(key, 0)
                for key in ("created", "updated", "skipped", "failed")
            },
            connection,
            started,
            self.env._("Order %(ref)s", ref=order_ref),
        )
        self._amazon_commit()
        sale_order = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.id), ("amazon_order_ref", "=", order_ref)]
        )
        if not sale_order:
            failure = self.env["amazon.order.failure"].search(
                [("account_id", "=", self.id), ("amazon_order_ref", "=", order_ref)]
            )
            raise UserError(
                failure.reason
                or self.env._(
                    "Order %(ref)s was cancelled before it was imported.", ref=order_ref
                )
            )
        return sale_order

    def _amazon_start_history(self, start, end):
        """Ask the scheduled action to import the orders created between two moments."""
        self.ensure_one()
        self._amazon_state("orders").write(
            {"history_start": start, "history_end": end, "history_checkpoint": False}
        )
        self.invalidate_recordset(list(self._ORDERS_STATE_FIELDS))
        self.env.ref("amazon_connector.ir_cron_import_orders").sudo()._trigger()


def _shorten(text, size=160):
    """The first line of a text, cut to ``size`` characters."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= size else line[: size - 1] + "\u2026"
