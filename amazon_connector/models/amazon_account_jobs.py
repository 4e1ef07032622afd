"""Scheduled jobs of Amazon accounts: the runner that serves every account fairly, the
jobs' run state (``amazon.sync.state``), commits and rollbacks, and the activities that
tell a person what to fix."""

import logging
import time

from odoo import api, models, modules
from odoo.tools import plaintext2html

from .. import const

_logger = logging.getLogger(__name__)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === SCHEDULED JOBS === #

    @api.model
    def _toggle_import_cron(self):
        """Activate the scheduled actions exactly while an account is active."""
        active = bool(self.sudo().search_count([("active", "=", True)], limit=1))
        for xmlid in (
            "ir_cron_import_orders",
            "ir_cron_send_updates",
            "ir_cron_pull_fba_inventory",
            "ir_cron_send_offers",
            "ir_cron_import_listings",
        ):
            cron = self.env.ref(f"amazon_connector.{xmlid}", raise_if_not_found=False)
            if cron and cron.active != active:
                cron.sudo().active = active

    def _amazon_state(self, kind):
        """The run state of one of the account's jobs (see amazon.sync.state).

        :rtype: amazon.sync.state
        """
        self.ensure_one()
        return self.env["amazon.sync.state"]._amazon_get(self, kind)

    @api.model
    def _amazon_run_accounts(self, kind, work, domain=()):
        """Run a scheduled job for every active account, fairly, within the cron's time.

        Accounts are served least recently run first (by the job's state), each with an
        even share of the time left; after each account the progress is committed with
        the number of accounts left to do (those not served yet, and those served that
        have more to do), so that Odoo calls the job again soon while one has a backlog.
        One account's unexpected error is rolled back, logged on that account with an
        activity, and the next account is served.

        :param str kind: the job, a kind of ``amazon.sync.state``.
        :param callable work: ``work(account, seconds)``, True when the account has
            nothing more to do, False when time stopped it.
        :param list domain: which active accounts.
        """
        accounts = self.sudo().search([("active", "=", True), *domain])
        if not accounts:
            return
        states = self.env["amazon.sync.state"]._amazon_get(accounts, kind)
        last_run = {state.account_id.id: state.last_run for state in states}
        accounts = accounts.sorted(
            lambda a: (bool(last_run.get(a.id)), last_run.get(a.id) or 0, a.id)
        )
        time_left = self._amazon_commit(remaining=len(accounts))
        deadline = time.monotonic() + min(time_left, const.CRON_TIME_BUDGET)
        unfinished = 0
        for index, account in enumerate(accounts):
            seconds = max(deadline - time.monotonic(), 0) / (len(accounts) - index)
            try:
                done = work(account.with_company(account.company_id), seconds)
            except Exception as error:  # noqa: BLE001 - one account never stops the rest
                self._amazon_rollback(error)
                account._amazon_unexpected_error(kind, error)
                done = True
            unfinished += not done
            time_left = self._amazon_commit(
                1, remaining=len(accounts) - index - 1 + unfinished
            )
            if min(time_left, deadline - time.monotonic()) <= 0:
                break

    def _amazon_commit(self, processed=0, remaining=None):
        """Commit the work done (and report progress to the scheduled action).

        In tests, only a run inside a cron's progress context (the test's own cursor
        in registry test mode) commits: elsewhere the test's transaction must stay
        whole.

        :return: the seconds left to the scheduled action's run (infinite outside one).
        """
        if modules.module.current_test and not self.env.context.get(
            "ir_cron_progress_id"
        ):
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed, remaining=remaining)

    def _amazon_rollback(self, error):
        """Undo what an account's failed step did not commit.

        :param Exception error: the failure, raised again where a rollback is
            impossible (a test's own transaction).
        """
        if modules.module.current_test and not self.env.context.get(
            "ir_cron_progress_id"
        ):
            raise error
        self.env.cr.rollback()

    def _amazon_unexpected_error(self, kind, error):
        """Log an unexpected error of one of the account's jobs, and tell the
        responsible user once."""
        self.ensure_one()
        _logger.error(
            "Amazon job %s of account %s failed unexpectedly",
            kind,
            self.id,
            exc_info=error,
        )
        job = dict(self.env["amazon.sync.state"]._fields["kind"].selection)[kind]
        self._amazon_activity_once(
            self.env._("Amazon job failed: %(job)s", job=job),
            self.env._(
                "An unexpected error stopped '%(job)s' for this account: "
                "%(error)s. The server log has the details; the job is tried again at "
                "its next run, and the other accounts were not affected.",
                job=job,
                error=f"{type(error).__name__}: {error}",
            ),
        )
        self._amazon_commit()

    # === NOTIFICATIONS === #

    def _amazon_responsible(self):
        self.ensure_one()
        return (
            self.responsible_user_id or self.user_id or self.create_uid or self.env.user
        )

    def _amazon_notify_problem(self, message):
        """Tell the responsible user, once, that Amazon refuses the connection."""
        self._amazon_activity_once(self.env._("Amazon refuses the connection"), message)

    def _amazon_activity_once(self, summary, note):
        self.ensure_one()
        if self.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=plaintext2html(note),  # Amazon's words are text, never markup
            user_id=self._amazon_responsible().id,
        )
