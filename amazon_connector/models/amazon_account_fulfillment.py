"""What an Amazon account tells Amazon about the orders it ships from its own
warehouse (FBM): shipment confirmations of validated deliveries, and cancellations sent
in order acknowledgement feeds, with the feeds' results read back."""

import logging
import time

from odoo import api, fields, models

import amazon_sp
from amazon_sp import feeds

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === SHIPMENTS AND CANCELLATIONS === #

    @api.model
    def _cron_send_updates(self):
        """Scheduled action: tell Amazon about validated FBM deliveries and about orders
        cancelled in Odoo, and read the results of the cancellation feeds, for every
        active account with its share of the run (see `_amazon_run_accounts`)."""
        self._amazon_run_accounts(
            "updates", lambda account, seconds: account._amazon_send_updates(seconds)
        )

    def _amazon_send_updates(self, time_budget=None):
        """Send this account's pending shipment confirmations and cancellations.

        Each delivery is locked while it is sent and committed at once, so that two
        workers never send the same one; a crash between Amazon's answer and the commit
        sends it again with the same package references, which Amazon treats as an
        update of the same packages.

        :param float time_budget: seconds it may take; the deliveries left wait for
            the next run.
        :return: whether nothing is left to send (False when time or the batch size
            stopped it).
        """
        self.ensure_one()
        deadline = time.monotonic() + (
            const.CRON_TIME_BUDGET if time_budget is None else time_budget
        )
        self._amazon_commit()
        state = self._amazon_state("updates")
        if not state or not state._amazon_try_lock():
            return True  # another worker sends this account's updates right now
        state.last_run = fields.Datetime.now()
        connection = self._amazon_connection()
        connection.max_wait = const.IMPORT_MAX_WAIT
        domain = [
            ("amazon_confirmation_state", "=", "to_send"),
            ("sale_id.amazon_account_id", "=", self.id),
            ("state", "=", "done"),
        ]
        Picking = self.env["stock.picking"]
        pickings = Picking.search(domain, order="date_done, id", limit=const.SEND_BATCH)
        done = len(pickings) < const.SEND_BATCH
        self._amazon_commit()
        for picking in pickings:
            if time.monotonic() >= deadline:
                done = False
                break
            # Another worker may have sent it since the search: lock and look again.
            if not picking.try_lock_for_update():
                continue
            picking.invalidate_recordset(["amazon_confirmation_state"])
            if picking.amazon_confirmation_state != "to_send":
                continue
            try:
                picking._amazon_send_confirmation(connection)
            except amazon_sp.AmazonError as error:
                _logger.info(
                    "Shipment confirmations of account %s wait: %s", self.id, error
                )
                if error.account_wide:
                    # Credentials or access: no delivery can be sent until fixed.
                    self._amazon_notify_problem(self._amazon_error_message(error))
                self._amazon_commit()  # keep the packages Amazon already accepted
                done = True  # the next run tries again
                break
            self._amazon_commit()
        if time.monotonic() >= deadline:
            return False
        try:
            done = self._amazon_send_cancellations(connection) and done
            self._amazon_check_cancellation_feeds(connection)
        except amazon_sp.AmazonError as error:
            if not error.retryable:
                self._amazon_notify_problem(self._amazon_error_message(error))
            _logger.info("Cancellations of account %s wait: %s", self.id, error)
        return done

    def _amazon_send_cancellations(self, connection):
        """Send the items cancelled in Odoo to Amazon in one order acknowledgement
        feed.

        :return: whether none is left to send.
        """
        cancellations = (
            self.env["amazon.cancellation"]
            .search(
                [("account_id", "=", self.id), ("state", "=", "to_send")],
                limit=const.SEND_BATCH,
            )
            .try_lock_for_update()
        )
        if not cancellations:
            return True
        content = feeds.order_cancellation_feed(
            [(c.amazon_order_ref, c.amazon_item_ref, c.reason) for c in cancellations]
        )
        marketplaces = cancellations.sale_order_id.amazon_marketplace_id.mapped(
            "api_ref"
        )
        feed_id = feeds.submit_feed(
            connection,
            feeds.ORDER_ACKNOWLEDGEMENT_FEED,
            content,
            feeds.TSV,
            marketplaces,
        )
        cancellations.write({"state": "submitted", "feed_ref": feed_id})
        self._amazon_commit()
        return len(cancellations) < const.SEND_BATCH

    def _amazon_check_cancellation_feeds(self, connection):
        """Read the results of the submitted cancellation feeds."""
        submitted = self.env["amazon.cancellation"].search(
            [("account_id", "=", self.id), ("state", "=", "submitted")]
        )
        for feed_ref, cancellations in submitted.grouped("feed_ref").items():
            status = feeds.feed_status(connection, feed_ref)
            if not status.finished:
                continue
            if status.status != "DONE":
                cancellations._amazon_refused(
                    self.env._(
                        "Amazon did not process the feed (%(status)s).",
                        status=status.status,
                    )
                )
                continue
            report = feeds.feed_report(connection, status.result_document_id)
            refused = {(order, item): message for order, item, message in report.errors}
            for cancellation in cancellations:
                message = refused.get(
                    (cancellation.amazon_order_ref, cancellation.amazon_item_ref)
                )
                if message:
                    cancellation._amazon_refused(message)
                else:
                    cancellation.state = "done"
            self._amazon_commit()
