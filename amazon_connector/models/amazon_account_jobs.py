"""Scheduled jobs of Amazon accounts: the runner that serves every account fairly, the
jobs' run state (``amazon.sync.state``), commits and rollbacks, and the activities that
tell a person what to fix: once per problem (``_amazon_activity_once``), or one per
cause shared by many records, kept up to date while it lasts
(``_amazon_cause_activity``)."""

import logging
import time

from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.tools import plaintext2html

from .. import const

_logger = logging.getLogger(__name__)

# Records an activity of a cause names one by one; the others are behind "Open them".
CAUSE_LINKS = 10


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
            "ir_cron_check_listing_results",
            "ir_cron_post_invoices",
            "ir_cron_import_settlements",
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

    def _amazon_cause_activity(
        self, cause, records, summary, note, user=None, action=None, describe=None
    ):
        """Tell a person about a cause many records share ("orders whose totals
        differ", "failed orders", "refused offers"...): one activity per account and
        cause, never one per record or per run.

        Call it with every record that has the cause now, each time they may have
        changed (after a run, a cancellation...). While some have it, the account has
        one activity whose summary and note say how many and link to them; it is
        updated, not duplicated, as records come and go. Once none has it, the activity
        is marked done by itself. A user who marks it done is not told again about the
        same records, only when other records get the cause.

        :param str cause: the cause's key, unique per capability (e.g.
            ``orders_total_difference``, ``invoices_failed``).
        :param records: every record that has the cause now; empty when it is over.
        :param str summary: the activity's title, with the count (translated).
        :param str note: what is wrong and what to fix, as plain text (escaped).
        :param res.users user: who is told (default: the account's responsible).
        :param str action: XML id of a window action that lists such records, for the
            link to all of them (default: the model's own list).
        :param callable describe: ``describe(record)``, the text of a record's link
            (default: its display name).
        :return: the open activity of the cause, or an empty recordset.
        :rtype: mail.activity
        """
        self.ensure_one()
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False, mail_activity_quick_update=True)
        )
        activities = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("amazon_cause", "=", cause),
            ],
            order="id desc",
        )
        current = activities.filtered("active")[:1]
        ids = sorted(records.ids)
        if not ids:
            if current:
                current.write({"amazon_cause_ids": []})
                current.action_feedback(
                    feedback=self.env._("Nothing has this problem any more.")
                )
            elif activities[:1].amazon_cause_ids:
                activities[:1].amazon_cause_ids = []
            return Activity.browse()
        user = user or self._amazon_responsible()
        if not current:
            seen = set(activities[:1].amazon_cause_ids or [])
            if set(ids) <= seen:
                # A user marked the activity done: these records were seen.
                return Activity.browse()
            current = Activity.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id(self._name),
                    "res_id": self.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": summary,
                    "automated": True,
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                    "amazon_cause": cause,
                }
            )
        elif (
            current.amazon_cause_ids == ids
            and current.summary == summary
            and current.user_id == user
        ):
            return current
        values = {
            "summary": summary,
            "amazon_cause_model": records._name,
            "amazon_cause_action": action or False,
            "amazon_cause_ids": ids,
            "note": self._amazon_cause_note(current, note, records, describe),
        }
        if current.user_id != user:
            values["user_id"] = user.id
        current.write(values)
        return current

    def _amazon_cause_note(self, activity, note, records, describe):
        """The note of a cause's activity: the text, then links to the first records
        and to all of them."""
        describe = describe or (lambda record: record.display_name)
        links = Markup("").join(
            Markup('<li><a href="/odoo/%s/%s">%s</a></li>')
            % (record._name, record.id, describe(record))
            for record in records[:CAUSE_LINKS]
        )
        more = len(records) - CAUSE_LINKS
        parts = [plaintext2html(note), Markup("<ul>%s</ul>") % links]
        if more > 0:
            parts.append(
                Markup("<p>%s</p>") % self.env._("...and %(count)s more.", count=more)
            )
        parts.append(
            Markup('<p><a href="/odoo/%s/action-%s">%s</a></p>')
            % (
                activity.id,
                "amazon_connector.action_amazon_cause_records",
                self.env._("Open them (%(count)s)", count=len(records)),
            )
        )
        return Markup("").join(parts)
