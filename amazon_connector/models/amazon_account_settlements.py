"""The settlements of an Amazon account: each settlement report Amazon makes becomes an
``amazon.settlement`` booked as one bank statement (``amazon_settlement_booking.py``),
its payout matched from the Finances API.

The scheduled action "Amazon: import settlements" (daily) and **Import settlements**
list the reports made since the newest one imported (less a margin), download those
not imported yet and book each in a transaction of its own: a crash leaves nothing
half done, the next run does it again. A settlement file downloaded from Seller
Central (``amazon.settlement.upload``) goes through the same import. A settlement is
never booked twice: an advisory lock keeps a second worker away, the unique key per
account and settlement id is the last guard. One that fails is kept with its reason
and tried again at every run.
"""

import base64
import logging
import time
import zlib
from datetime import timedelta, timezone

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

import amazon_sp
from amazon_sp import settlements

from .. import const

_logger = logging.getLogger(__name__)

# Reports listed again before the newest one imported: Amazon may list a report a
# little after it says it made it.
CREATED_MARGIN = timedelta(days=3)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === FIELDS === #

    settlement_import = fields.Boolean(
        string="Import Settlements",
        default=True,
        help="Every day, book Amazon's new settlements as bank statements.",
    )
    settlement_journal_ids = fields.Many2many(
        comodel_name="account.journal",
        relation="amazon_account_settlement_journal_rel",
        string="Settlement Journals",
        domain="[('type', '=', 'bank')]",
        help="The bank journal of each currency the settlements are booked in; one is "
        "created, named after the account and the currency, where none is set.",
    )
    settlement_transfer_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Payout Transfer Account",
        help="Where the payout goes, and where the bank's deposit is reconciled; "
        "default: the company's inter-bank transfer account.",
    )
    settlement_fee_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Default Fee Account",
        help="Amounts that no settlement rule covers are booked here (the accountant "
        "is told).",
    )
    settlement_count = fields.Integer(compute="_compute_settlement_count")
    settlement_last_import = fields.Datetime(readonly=True, copy=False)
    settlement_message = fields.Text(
        string="Last Settlement Import", readonly=True, copy=False
    )

    # === COMPUTE METHODS === #

    def _compute_settlement_count(self):
        counts = dict(
            self.env["amazon.settlement"]
            .sudo()
            ._read_group([("account_id", "in", self.ids)], ["account_id"], ["__count"])
        )
        for account in self:
            account.settlement_count = counts.get(account, 0)

    # === ACTION METHODS === #

    def _amazon_check_accountant(self):
        self.env["amazon.settlement"]._amazon_check_accountant()

    def action_import_settlements(self):
        """Import the settlements Amazon made since the last import, now."""
        self.ensure_one()
        self._amazon_check_accountant()
        account = self.sudo()
        try:
            created, _finished = account._amazon_import_settlements(
                const.INTERACTIVE_TIME_BUDGET
            )
        except amazon_sp.AmazonError as error:
            return self._amazon_settlement_notification(
                self._amazon_error_message(error), "danger"
            )
        return self._amazon_settlement_notification(
            account.settlement_message, "success" if created else "info"
        )

    def action_view_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_settlement"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def _amazon_settlement_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Amazon settlements"),
                "message": message,
                "type": kind,
                "sticky": kind == "danger",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # === SCHEDULED JOB === #

    @api.model
    def _cron_import_settlements(self):
        """Scheduled action: import every account's new settlements."""

        def work(account, seconds):
            try:
                return account._amazon_import_settlements(seconds)[1]
            except amazon_sp.AmazonError as error:
                _logger.info("Settlement import of account %s: %s", account.id, error)
                if error.account_wide:
                    account._amazon_notify_problem(account._amazon_error_message(error))
                return True

        self._amazon_run_accounts(
            "settlements", work, [("settlement_import", "=", True)]
        )

    def _amazon_import_settlements(self, time_budget):
        """List the settlement reports made since the newest imported, book those not
        booked yet (each committed on its own), complete the open lines of earlier
        settlements, and read the payouts.

        :return: ``(settlements created, whether the import finished)``.
        :raise amazon_sp.AmazonError: when Amazon refuses or cannot be reached.
        """
        self.ensure_one()
        deadline = time.monotonic() + time_budget
        state = self._amazon_state("settlements")
        if not state or not state._amazon_try_lock():
            return self.env["amazon.settlement"], False
        state.last_run = fields.Datetime.now()
        marketplaces = self.active_marketplace_ids or self.available_marketplace_ids
        if not marketplaces:
            raise UserError(
                self.env._(
                    "Choose the marketplaces of account %(name)s.", name=self.name
                )
            )
        since = (
            fields.Datetime.to_datetime(state.synced_until) - CREATED_MARGIN
            if state.synced_until
            else None
        )
        connection = self._amazon_connection()
        connection.max_wait = const.IMPORT_MAX_WAIT
        reports = settlements.list_settlement_reports(
            connection,
            marketplaces.mapped("api_ref"),
            created_since=since and since.replace(tzinfo=timezone.utc),
        )
        Settlement = self.env["amazon.settlement"].sudo()
        known = Settlement.search(
            [
                ("account_id", "=", self.id),
                ("report_ref", "in", [r.report_id for r in reports]),
                ("failed", "=", False),
            ]
        )
        known_refs = set(known.mapped("report_ref"))
        created = Settlement
        finished = True
        newest = state.synced_until
        for report in sorted(reports, key=lambda r: (r.created, r.report_id)):
            if report.report_id in known_refs:
                continue
            if time.monotonic() > deadline:
                finished = False
                break
            settlement, was_created = self._amazon_import_settlement_report(
                connection, report
            )
            if was_created:
                created |= settlement
            if settlement and not settlement.failed and report.created:
                moment = report.created.astimezone(timezone.utc)
                moment = moment.replace(tzinfo=None)
                newest = max(newest, moment) if newest else moment
                state.synced_until = newest
            self._amazon_commit()
        self._amazon_retry_failed_settlements(connection, exclude=created)
        completed = self._amazon_complete_settlements()
        self._amazon_read_payouts(connection)
        self._amazon_tell_open_settlements()
        self.settlement_last_import = fields.Datetime.now()
        self.settlement_message = self.env._(
            "%(created)s settlement(s) booked, %(completed)s open line(s) reconciled; "
            "%(open)s settlement(s) with open lines, %(failed)s failed.",
            created=len(created),
            completed=completed,
            open=Settlement.search_count(
                [("account_id", "=", self.id), ("state", "=", "open")]
            ),
            failed=Settlement.search_count(
                [("account_id", "=", self.id), ("state", "=", "failed")]
            ),
        )
        self._amazon_commit()
        return created, finished

    def _amazon_import_settlement_report(self, connection, report):
        """Download one settlement report and book it.

        :return: ``(settlement, created)``.
        """
        try:
            parsed, content = settlements.fetch_settlement(connection, report)
        except settlements.SettlementError as error:
            return self._amazon_settlement_failed(
                str(error), report_ref=report.report_id
            ), False
        marketplace = self.env["amazon.marketplace"].search(
            [("api_ref", "in", list(report.marketplace_ids))], limit=1
        )
        return self._amazon_import_settlement(
            parsed,
            content,
            f"settlement-{parsed.settlement_id}.txt",
            report=report,
            marketplace=marketplace,
        )

    # === IMPORT OF ONE SETTLEMENT === #

    def _amazon_import_settlement(
        self, parsed, content, filename, report=None, marketplace=None, source="api"
    ):
        """Book one settlement, in a savepoint: all of it, or nothing and a failed
        settlement that says why.

        :param amazon_sp.settlements.Settlement parsed: the settlement read.
        :param bytes content: the file, kept on the settlement.
        :return: ``(settlement, created)``: created is False when it was booked
            before (the existing one is returned), or is being booked by another
            worker (None is returned).
        """
        self.ensure_one()
        Settlement = self.env["amazon.settlement"].sudo()
        existing = Settlement.search(
            [
                ("account_id", "=", self.id),
                ("settlement_ref", "=", parsed.settlement_id),
            ],
            limit=1,
        )
        if existing and not existing.failed:
            if report and not existing.report_ref:
                existing.report_ref = report.report_id
            return existing, False
        if not existing and report:
            # A report that failed before it could be read: its record is reused.
            existing = Settlement.search(
                [("account_id", "=", self.id), ("report_ref", "=", report.report_id)],
                limit=1,
            )
        key = zlib.crc32(parsed.settlement_id.encode()) & 0x7FFFFFFF
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (self.id, key))
        if not self.env.cr.fetchone()[0]:
            return None, False
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", parsed.currency)], limit=1)
        )
        marketplace = marketplace or self._amazon_settlement_marketplace(parsed)
        values = {
            "account_id": self.id,
            "settlement_ref": parsed.settlement_id,
            "report_ref": report.report_id if report else False,
            "source": source,
            "marketplace_id": marketplace.id if marketplace else False,
            "marketplace_name": parsed.marketplace_name
            or (marketplace.name if marketplace else False),
            "date_start": _naive(parsed.start),
            "date_end": _naive(parsed.end),
            "deposit_date": parsed.deposit_date.date()
            if parsed.deposit_date
            else False,
            "currency_id": currency.id,
            "amount_total": float(parsed.total),
            "file": base64.b64encode(content),
            "filename": filename,
            "failed": False,
            "failure_reason": False,
        }
        try:
            with self.env.cr.savepoint():
                if not currency.active:
                    if not currency:
                        raise UserError(
                            self.env._(
                                "The currency %(code)s is unknown to Odoo.",
                                code=parsed.currency,
                            )
                        )
                    currency.active = True
                if existing:
                    existing.write(values)
                    settlement = existing
                else:
                    settlement = Settlement.create(values)
                settlement._amazon_book(parsed)
        except psycopg2.errors.UniqueViolation:
            # Booked meanwhile by another worker (committed after our search).
            return None, False
        except (UserError, amazon_sp.AmazonError) as error:
            reason = error.args[0] if error.args else str(error)
            _logger.info(
                "Settlement %s of account %s failed: %s",
                parsed.settlement_id,
                self.id,
                reason,
            )
            return self._amazon_settlement_failed(
                reason, existing=existing, **values
            ), False
        return settlement, True

    def _amazon_settlement_failed(self, reason, existing=None, **values):
        """Keep a settlement that could not be booked, with its reason.

        :rtype: amazon.settlement
        """
        Settlement = self.env["amazon.settlement"].sudo()
        values = {
            "account_id": self.id,
            **values,
            "failed": True,
            "failure_reason": reason,
        }
        if not existing and values.get("report_ref"):
            existing = Settlement.search(
                [
                    ("account_id", "=", self.id),
                    ("report_ref", "=", values["report_ref"]),
                ],
                limit=1,
            )
        if existing:
            existing.write(values)
            return existing
        return Settlement.create(values)

    def _amazon_retry_failed_settlements(self, connection=None, exclude=None):
        failed = self.env["amazon.settlement"].sudo().search(
            [("account_id", "=", self.id), ("failed", "=", True)]
        ) - (exclude or self.env["amazon.settlement"])
        for settlement in failed:
            self._amazon_retry_settlement(settlement, connection)
            self._amazon_commit()

    def _amazon_retry_settlement(self, settlement, connection=None):
        """Import a failed settlement again: from its file, else from Amazon."""
        if settlement.file:
            content = base64.b64decode(settlement.file)
            try:
                text, encoding = settlements.decode_settlement_file(content)
                parsed = settlements.parse_settlement(text, encoding)
            except settlements.SettlementError as error:
                settlement.failure_reason = str(error)
                return settlement
            return self._amazon_import_settlement(
                parsed,
                content,
                settlement.filename,
                report=_Report(settlement.report_ref)
                if settlement.report_ref
                else None,
                marketplace=settlement.marketplace_id,
                source=settlement.source,
            )[0]
        if settlement.report_ref:
            connection = connection or self._amazon_connection()
            report = amazon_sp.reports.get_report(connection, settlement.report_ref)
            return self._amazon_import_settlement_report(connection, report)[0]
        return settlement

    def _amazon_settlement_marketplace(self, parsed):
        name = (parsed.marketplace_name or "").lower()
        marketplaces = self.available_marketplace_ids | self.active_marketplace_ids
        for marketplace in marketplaces:
            if name and name in (
                marketplace.name.lower(),
                (marketplace.domain or "").lower().removeprefix("www."),
            ):
                return marketplace
        same_currency = marketplaces.filtered(
            lambda m: m.currency_id.name == parsed.currency
        )
        return same_currency[:1]

    def _amazon_complete_settlements(self):
        """Complete the open lines of the account's open settlements.

        :return: how many lines were reconciled.
        """
        done = 0
        for settlement in (
            self.env["amazon.settlement"]
            .sudo()
            .search([("account_id", "=", self.id), ("state", "=", "open")])
        ):
            done += settlement._amazon_complete_open_lines()
            self._amazon_commit()
        return done

    def _amazon_tell_open_settlements(self):
        open_settlements = (
            self.env["amazon.settlement"]
            .sudo()
            .search([("account_id", "=", self.id), ("state", "in", ("open", "failed"))])
        )
        self._amazon_cause_activity(
            "settlements_open",
            open_settlements,
            self.env._(
                "%(count)s Amazon settlement(s) to look at", count=len(open_settlements)
            ),
            self.env._(
                "These settlements have lines that could not be reconciled (an order "
                "not in Odoo or not invoiced, a difference beyond the tolerance), or "
                "could not be imported. Each line says why; press Reconcile once "
                "fixed, or wait for the next import."
            ),
        )


class _Report:
    """A report known by its id only (a failed settlement's)."""

    def __init__(self, report_id):
        self.report_id = report_id


def _naive(moment):
    if not moment:
        return False
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
