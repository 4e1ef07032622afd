"""Settlements: the upload wizard, idempotency (the cron twice, an upload after the
cron and the cron after an upload), a crash in the middle, two workers, failures
listed and retried, access rights, and a German chart of accounts (SKR03)."""

import base64
import gzip
import zlib
from unittest.mock import patch

from psycopg2.errors import UniqueViolation

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.amazon_settlement_booking import AmazonSettlement
from .common import cron_run
from .common_settlements import AmazonSettlementCommon


class Crash(Exception):
    """A crash in the middle of booking a settlement."""


@tagged("post_install", "-at_install")
class TestSettlementIntegrity(AmazonSettlementCommon):
    def _upload(self, text, filename="settlement.txt", account=None, encoding="utf-8"):
        wizard = self.env["amazon.settlement.upload"].create(
            {
                "account_id": (account or self.eu_account).id,
                "file": base64.b64encode(text.encode(encoding)),
                "filename": filename,
            }
        )
        return wizard.action_import()

    def _statements(self, result):
        return self.env["account.bank.statement"].search(
            [("name", "=", result["settlement_id"])]
        )

    def test_an_uploaded_file_is_booked_as_the_cron_books_it(self):
        order = self._shipped_order()
        result = self._settle()
        action = self._upload(result["text"], "Settlement 2026-12.txt")
        self.assertEqual(action["params"]["type"], "success")
        settlement = self._settlement(result)
        self.assertEqual(settlement.source, "upload")
        self.assertEqual(settlement.state, "reconciled")
        self.assertEqual(settlement.filename, "Settlement 2026-12.txt")
        self.assertEqual(action["params"]["next"]["res_id"], settlement.id)
        self.assertTrue(self._paid(self._invoices(self._sale_order(order))))
        self._assert_statement_is_exact(settlement)
        lines = [(line.kind, line.name, line.amount) for line in settlement.line_ids]
        # The cron finds it booked: nothing is created, the report is remembered.
        self.assertFalse(self._import())
        self.assertEqual(settlement.report_ref, result["report_id"])
        self.assertEqual(len(self._statements(result)), 1)
        self.assertEqual(
            [(line.kind, line.name, line.amount) for line in settlement.line_ids], lines
        )
        # A GZIP file in Windows-1252 (as some downloads come) reads the same.
        again = self._upload(result["text"], encoding="cp1252")
        self.assertEqual(again["params"]["type"], "info")
        self.assertIn("imported before", again["params"]["message"])
        wizard = self.env["amazon.settlement.upload"].create(
            {
                "account_id": self.eu_account.id,
                "file": base64.b64encode(gzip.compress(result["text"].encode())),
                "filename": "settlement.txt.gz",
            }
        )
        self.assertIn("imported before", wizard.action_import()["params"]["message"])

    def test_the_cron_twice_and_an_upload_after_it_create_nothing(self):
        self._shipped_order()
        result = self._settle()
        self.env.flush_all()
        with cron_run(self, "amazon_connector.ir_cron_import_settlements", 600) as (
            env,
            _progress,
        ):
            env["amazon.account"]._cron_import_settlements()
        settlement = self._settlement(result)
        self.assertEqual(settlement.state, "reconciled")
        downloads = len(self.sandbox_state.received("reports.getReportDocument"))
        with cron_run(self, "amazon_connector.ir_cron_import_settlements", 600) as (
            env,
            _progress,
        ):
            env["amazon.account"]._cron_import_settlements()
        self.assertEqual(len(self._settlement(result)), 1)
        self.assertEqual(len(self._statements(result)), 1)
        # A report already booked is not even downloaded again.
        self.assertEqual(
            len(self.sandbox_state.received("reports.getReportDocument")), downloads
        )
        action = self._upload(result["text"])
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(len(self._statements(result)), 1)
        self.eu_account.invalidate_recordset(["settlement_message"])
        self.assertIn("0 settlement(s) booked", self.eu_account.settlement_message)

    def test_a_crash_in_the_middle_leaves_nothing_and_the_next_run_books_it(self):
        order = self._shipped_order()
        result = self._settle()

        def crash(*_args, **_kwargs):
            raise Crash("the server went away")

        with patch.object(AmazonSettlement, "_amazon_reconcile", crash):
            with self.assertRaises(Crash):
                self._import()
        self.assertFalse(self._settlement(result))
        self.assertFalse(self._statements(result))
        invoice = self._invoices(self._sale_order(order))
        self.assertFalse(self._paid(invoice))
        self._import()
        self.assertEqual(self._settlement(result).state, "reconciled")
        self.assertTrue(self._paid(invoice))

    def test_two_workers_never_book_the_same_settlement(self):
        self._shipped_order()
        result = self._settle()
        key = zlib.crc32(result["settlement_id"].encode()) & 0x7FFFFFFF
        # Another worker holds the settlement (its own connection to the database).
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", (self.eu_account.id, key))
            try:
                self.assertFalse(self._import())
                self.assertFalse(self._settlement(result))
                with self.assertRaises(UserError):
                    self._upload(result["text"])
            finally:
                other.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (self.eu_account.id, key)
                )
        self._import()
        settlement = self._settlement(result)
        self.assertEqual(len(settlement), 1)
        # The database refuses a second one, whatever the code does.
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            with self.env.cr.savepoint():
                self.env["amazon.settlement"].create(
                    {
                        "account_id": self.eu_account.id,
                        "settlement_ref": settlement.settlement_ref,
                    }
                )
                self.env.flush_all()

    def test_a_failed_settlement_is_listed_with_its_reason_and_retried(self):
        self._shipped_order()
        result = self._settle()
        company = self.env.company
        transfer = company.transfer_account_id
        company.transfer_account_id = False
        self._import()
        settlement = self._settlement(result)
        self.assertEqual(settlement.state, "failed")
        self.assertIn("inter-bank transfer account", settlement.failure_reason)
        self.assertFalse(self._statements(result))
        activity = self.eu_account.activity_ids.filtered(
            lambda a: a.amazon_cause == "settlements_open"
        )
        self.assertIn(settlement.id, activity.amazon_cause_ids)
        # Fixed: the next run books it, on the same record.
        company.transfer_account_id = transfer
        self._import()
        self.assertEqual(settlement.state, "reconciled")
        self.assertFalse(settlement.failure_reason)
        self.assertEqual(len(self._statements(result)), 1)

    def test_a_file_that_does_not_add_up_is_refused_and_retried(self):
        self._shipped_order()
        result = self._settle()
        report = self.sandbox_state.reports[result["report_id"]]
        document = self.sandbox_state.report_documents[report["reportDocumentId"]]
        good = document["content"]
        lines = result["text"].splitlines()
        document["content"] = gzip.compress(("\n".join(lines[:-1]) + "\n").encode())
        self._import()
        failed = self.env["amazon.settlement"].search(
            [("report_ref", "=", result["report_id"])]
        )
        self.assertEqual(failed.state, "failed")
        self.assertIn("does not add up", failed.failure_reason)
        document["content"] = good
        failed.file = False
        self._import()
        self.assertEqual(failed.state, "reconciled")
        self.assertEqual(failed.settlement_ref, result["settlement_id"])
        with self.assertRaisesRegex(UserError, "does not add up"):
            self._upload("\n".join(lines[:-1]) + "\n")

    def test_accountants_manage_settlements_salespeople_see_nothing(self):
        self._shipped_order()
        result = self._settle()
        accountant = new_test_user(
            self.env,
            login="settlement_accountant",
            groups="account.group_account_user",
        )
        salesman = new_test_user(
            self.env,
            login="settlement_salesman",
            groups="sales_team.group_sale_salesman,amazon_connector.group_amazon_user",
        )
        # An accountant uploads a settlement without being an Amazon administrator.
        wizard = (
            self.env["amazon.settlement.upload"]
            .with_user(accountant)
            .create(
                {
                    "account_id": self.eu_account.id,
                    "file": base64.b64encode(result["text"].encode()),
                    "filename": "s.txt",
                }
            )
        )
        wizard.action_import()
        settlement = self._settlement(result).with_user(accountant)
        self.assertEqual(settlement.state, "reconciled")
        rule = (
            self.env["amazon.settlement.rule"].with_user(accountant).search([], limit=1)
        )
        rule.name = "Commissions"
        self.env["amazon.settlement.rule"].with_user(accountant).create(
            {"name": "Lightning deals", "amount_description": "LightningDealFee",
             "account_id": rule.account_id.id}
        )  # fmt: skip
        self.eu_account.with_user(accountant).action_import_settlements()
        # A salesperson sees none of it, and cannot start an import.
        for model in (
            "amazon.settlement",
            "amazon.settlement.line",
            "amazon.settlement.rule",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(salesman).search([])
        with self.assertRaises(AccessError):
            self.env["amazon.settlement.upload"].with_user(salesman).create(
                {"account_id": self.eu_account.id}
            )
        with self.assertRaises(AccessError):
            self.eu_account.with_user(salesman).action_import_settlements()
        with self.assertRaises(AccessError):
            settlement.with_user(salesman).action_reconcile()

    def test_a_german_chart_books_on_its_own_accounts(self):
        company = self.env["res.company"].create(
            {
                "name": "Amazon Händler GmbH",
                "country_id": self.env.ref("base.de").id,
                "currency_id": self.env.ref("base.EUR").id,
            }
        )
        self.env.user.company_ids = [Command.link(company.id)]
        self.env["account.chart.template"].try_loading(
            "de_skr03", company, install_demo=False
        )
        account = (
            self.env["amazon.account"]
            .create(self._eu_account_values(name="Sandbox DE", company_id=company.id))
            .with_company(company)
        )
        account._amazon_sync_marketplaces()
        account.active_marketplace_ids = self.marketplace_de
        self.env["amazon.settlement.rule"]._amazon_create_default_rules(company)
        rules = self.env["amazon.settlement.rule"].search(
            [("company_id", "=", company.id)]
        )
        self.assertTrue(rules)
        self.assertTrue(all(rule.account_id.company_ids == company for rule in rules))
        order = self._shipped_order(sync=False)
        self._sync(account)
        so = self._sale_order(order, account)
        self.assertEqual(so.company_id, company)
        self.assertTrue(self._invoices(so))
        result = self._settle(refunds=[{"order_id": order["orderId"]}], reserve="10")
        account._amazon_import_settlements(600)
        settlement = self._settlement(result, account)
        self.assertEqual(
            settlement.state, "reconciled", settlement.line_ids.mapped("reason")
        )
        self.assertEqual(settlement.company_id, company)
        statement = self._assert_statement_is_exact(settlement)
        self.assertFalse(statement.journal_id.currency_id)  # EUR is the company's
        self.assertEqual(statement.journal_id.company_id, company)
        payout = settlement.line_ids.filtered(lambda line: line.kind == "payout")
        self.assertEqual(payout.account_id, company.transfer_account_id)
        reserve = settlement.line_ids.filtered(
            lambda line: line.account_id.name == "Amazon Reserve"
        )
        self.assertEqual(reserve.account_id.account_type, "asset_current")
        self.assertTrue(self._paid(self._invoices(so)))
        self.assertTrue(self._paid(self._refunds(so)))
