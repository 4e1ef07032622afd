"""The run of an Amazon account's order import: window by window, page by page, under
the import's lock, with the checkpoint saved and committed after each page.

The settings, the buttons and the scheduled action that start it are in
``amazon_account_order_sync.py``; each page becomes sales orders in
``amazon.order.import``.
"""

import logging
import time
from datetime import timedelta, timezone

from odoo import fields, models

import amazon_sp
from amazon_sp.reader import Checkpoint, OrderReader

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    def _amazon_lock_orders(self):
        """Lock the account's order import so that no other worker runs it meanwhile.

        The lock is the first statement of a fresh transaction: what another worker
        committed before is visible (its checkpoint included), and taking the lock
        cannot fail on a row that worker changed meanwhile.

        :return: the locked state of the order import, or an empty record when another
            worker holds it.
        :rtype: amazon.sync.state
        """
        self.ensure_one()
        self._amazon_commit()
        state = self._amazon_state("orders")
        if not state or not state._amazon_try_lock():
            return state.browse()
        state.invalidate_recordset()
        self.invalidate_recordset(list(self._ORDERS_STATE_FIELDS))
        return state

    def _amazon_page_size_parameters(self):
        """The page size and the pages per run that the system parameters set.

        :return: ``(page_size, max_pages)``; ``max_pages`` is None for no limit.
        """
        parameters = self.env["ir.config_parameter"].sudo()

        def number(key, default, low, high):
            value = parameters.get_param(f"amazon_connector.{key}")
            try:
                return min(max(int(value), low), high) if value else default
            except ValueError:
                _logger.warning(
                    "System parameter amazon_connector.%s is not a number (%r); "
                    "using %s.",
                    key,
                    value,
                    default,
                )
                return default

        page_size = number("page_size", 100, 1, 100)
        max_pages = number("max_pages_per_run", 0, 0, 1_000_000)
        return page_size, max_pages or None

    def _amazon_sync_orders(self, trigger, time_budget):
        """Import the orders updated since the last synchronization, retry the failed
        ones and continue a history import, within a time budget.

        Orders are imported page by page; after each page the import's checkpoint
        (where to resume) is saved and committed, so a crash loses nothing the next run
        does not redo. Throttling ends the run quietly: the next run resumes. The
        history import (**Import orders**) has a log of its own, with the period asked
        for.

        :param str trigger: ``cron``, ``manual``...
        :param float time_budget: seconds the run may last.
        :return: the run's log (of the incremental import).
        :rtype: amazon.sync.log
        """
        return self._amazon_sync_orders_run(trigger, time_budget)[0]

    def _amazon_sync_orders_run(self, trigger, time_budget):
        """Run `_amazon_sync_orders`.

        :return: the run's log, and whether work is left for the next run (a window or
            a history import stopped by the time budget).
        :rtype: tuple(amazon.sync.log, bool)
        """
        self.ensure_one()
        started = time.monotonic()
        state = self._amazon_lock_orders()
        if not state:
            # Nothing is written: the other worker's run tells what it did.
            return self.env["amazon.sync.log"]._amazon_locked(self, trigger), False
        state.last_run = fields.Datetime.now()
        Log = self.env["amazon.sync.log"].sudo()
        log = Log.create({"account_id": self.id, "trigger": trigger})
        connection = self._amazon_connection()
        connection.max_wait = min(const.IMPORT_MAX_WAIT, max(time_budget, 1))
        page_size, max_pages = self._amazon_page_size_parameters()
        reader = OrderReader(
            connection,
            api_version=self.api_version,
            time_budget=time_budget,
            page_size=page_size,
            max_pages=max_pages,
        )
        totals = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
        status, messages = "done", []
        history, history_status, history_message = Log, None, None
        baseline = None
        try:
            self._amazon_retry_failures(reader=reader, totals=totals)
            status = self._amazon_read_window(state, reader, log, totals, history=False)
            if status == "done" and state.history_start:
                baseline = connection.stats.snapshot()
                history_started = time.monotonic()
                history = Log.create(
                    {
                        "account_id": self.id,
                        "trigger": "history",
                        "window_start": state.history_start,
                        "window_end": state.history_end,
                    }
                )
                history_totals = dict.fromkeys(totals, 0)
                history_status = "running"
                history_status = self._amazon_read_window(
                    state, reader, history, history_totals, history=True
                )
        except amazon_sp.AmazonError as error:
            error_status, message = self._amazon_stopped_run(error)
            if history_status:
                history_status, history_message = error_status, message
            else:
                status = error_status
                messages.append(message)
            if not error.retryable:
                self._amazon_notify_problem(message)
        finally:
            reader.close()
        messages += reader.notices
        if history:
            log._amazon_finish(
                status,
                totals,
                connection,
                started,
                "\n".join(messages),
                until=(baseline, history_started),
            )
            history._amazon_finish(
                history_status,
                history_totals,
                connection,
                history_started,
                history_message,
                since=baseline,
            )
        else:
            log._amazon_finish(status, totals, connection, started, "\n".join(messages))
        self._amazon_commit()
        return log, status == "partial" or history_status == "partial"

    def _amazon_read_window(self, state, reader, log, totals, history):
        """Read one window (the incremental one, or the history import) page by page.

        :param amazon.sync.state state: the order import's state, locked.
        :return: ``done`` when the window was read to its end, ``partial`` when the time
            budget stopped it (its checkpoint is saved), ``locked`` when another worker
            took the import over.
        """
        marketplaces = self.active_marketplace_ids.mapped("api_ref")
        if not marketplaces:
            return "done"
        if history:
            checkpoint = state.history_checkpoint
            after = _aware(state.history_start)
            before = _aware(state.history_end)
            by = "created"
        else:
            checkpoint = state.checkpoint
            since = (
                state.synced_until or self.first_import_date or fields.Datetime.now()
            )
            after = _aware(since - timedelta(minutes=const.WINDOW_OVERLAP_MINUTES))
            before, by = None, "updated"
        pages = reader.pages(
            marketplaces,
            after=after,
            before=before,
            checkpoint=Checkpoint.from_dict(checkpoint) if checkpoint else None,
            by=by,
        )
        importer = self.env["amazon.order.import"]
        status = "done"
        for page in pages:
            if not log.window_start:
                log.write(
                    {
                        "window_start": page.window_after.replace(tzinfo=None),
                        "window_end": page.window_before.replace(tzinfo=None),
                        "api_version": page.api_version,
                    }
                )
            result = importer._amazon_import_orders(self, page.orders, page.failed)
            for key in totals:
                totals[key] += result.get(key, 0)
            if history:
                values = (
                    {
                        "history_start": False,
                        "history_end": False,
                        "history_checkpoint": False,
                    }
                    if page.complete
                    else {"history_checkpoint": page.checkpoint.to_dict()}
                )
            elif page.complete:
                values = {
                    "synced_until": page.window_before.replace(tzinfo=None),
                    "checkpoint": False,
                }
            else:
                values = {"checkpoint": page.checkpoint.to_dict()}
            state.write(values)
            status = "done" if page.complete else "partial"
            saved = _stored(state, values)
            self._amazon_commit()
            if not state._amazon_try_lock():
                return "locked"
            # Between the commit and the lock another worker may have taken the
            # import, worked and let go: then its checkpoint is the one to follow.
            if _stored(state, values) != saved:
                return "locked"
        return status

    def _amazon_stopped_run(self, error):
        """The status and message of a run that Amazon's error stopped.

        :rtype: tuple[str, str]
        """
        if isinstance(error, amazon_sp.Throttled):
            return "throttled", self.env._(
                "Amazon throttled the import; it resumes at the next run (in about "
                "%(seconds)s seconds at the earliest).",
                seconds=int(error.retry_after or 0),
            )
        return "error", self._amazon_error_message(error)


def _stored(record, names):
    """The values of some fields of a record as the database holds them."""
    record.flush_recordset(list(names))
    record.invalidate_recordset(list(names))
    return {name: record[name] for name in names}


def _aware(moment):
    """A naive UTC datetime (Odoo's) as an aware one (amazon_sp's)."""
    return moment.replace(tzinfo=timezone.utc) if moment else None
