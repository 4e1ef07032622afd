"""Where an Amazon account's settlements are booked: the bank journal of each
currency (created on first need, named after the account and the currency), the
payout's transfer account, the accounts of the default rules; and the payouts read
from the Finances API, matched to the settlements by period, currency and amount.
"""

from datetime import timedelta, timezone
from decimal import Decimal

from odoo import fields, models
from odoo.exceptions import UserError

from amazon_sp import finances


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    # === PAYOUTS === #

    def _amazon_read_payouts(self, connection):
        """Match the payouts (financial event groups) of settlements not paid yet."""
        unpaid = (
            self.env["amazon.settlement"]
            .sudo()
            .search(
                [
                    ("account_id", "=", self.id),
                    ("failed", "=", False),
                    ("payout_status", "not in", ("Succeeded",)),
                    ("date_start", ">=", fields.Datetime.now() - timedelta(days=170)),
                ]
            )
        )
        if not unpaid:
            return
        after = min(unpaid.mapped("date_start")) - timedelta(days=3)
        groups = finances.list_financial_event_groups(
            connection, after.replace(tzinfo=timezone.utc)
        )
        for settlement in unpaid:
            parsed = _Period(settlement)
            group = finances.match_payout(parsed, groups)
            if group:
                settlement.write(
                    {
                        "payout_status": group.fund_transfer_status,
                        "payout_date": _naive(group.fund_transfer_date),
                        "payout_trace_ref": group.trace_id,
                        "payout_account_tail": group.account_tail,
                        "payout_converted_amount": float(group.converted_total or 0),
                        "payout_converted_currency": group.converted_currency,
                    }
                )

    # === ACCOUNTS AND JOURNALS === #

    def _amazon_settlement_journal(self, currency):
        """The account's bank journal of a currency, created on first need.

        :rtype: account.journal
        """
        self.ensure_one()
        company = self.company_id
        journal = self.settlement_journal_ids.filtered(
            lambda j: (j.currency_id or j.company_id.currency_id) == currency
            and j.company_id == company
        )[:1]
        if journal:
            return journal
        Journal = self.env["account.journal"].sudo().with_company(company)
        codes = set(Journal.search([("company_id", "=", company.id)]).mapped("code"))
        number = 1
        while f"AMZ{number}" in codes:
            number += 1
        journal = Journal.create(
            {
                "name": self.env._(
                    "Amazon %(account)s (%(currency)s)",
                    account=self.name,
                    currency=currency.name,
                ),
                "code": f"AMZ{number}",
                "type": "bank",
                "company_id": company.id,
                "currency_id": currency.id
                if currency != company.currency_id
                else False,
            }
        )
        self.sudo().settlement_journal_ids = [fields.Command.link(journal.id)]
        return journal

    def _amazon_settlement_account(self, role):
        """The account of a role: ``transfer`` (the payout), ``fees`` (amounts no rule
        covers), ``rounding`` (differences within the tolerance).

        :rtype: account.account
        :raise UserError: when the company has no inter-bank transfer account.
        """
        self.ensure_one()
        company = self.company_id
        if role == "transfer":
            account = self.settlement_transfer_account_id or company.transfer_account_id
            if not account:
                raise UserError(
                    self.env._(
                        "The company %(company)s has no inter-bank transfer account: "
                        "set one (Accounting settings), or a payout transfer account "
                        "on the Amazon account %(name)s.",
                        company=company.name,
                        name=self.name,
                    )
                )
            return account
        if role == "fees" and self.settlement_fee_account_id:
            return self.settlement_fee_account_id
        return self.env["amazon.settlement.rule"]._amazon_role_account(company, role)


class _Period:
    """A booked settlement, as :func:`amazon_sp.finances.match_payout` reads it."""

    def __init__(self, settlement):
        utc = timezone.utc
        self.currency = settlement.currency_id.name
        self.total = Decimal(str(settlement.amount_total)).quantize(Decimal("0.01"))
        self.start = settlement.date_start and settlement.date_start.replace(tzinfo=utc)
        self.end = settlement.date_end and settlement.date_end.replace(tzinfo=utc)


def _naive(moment):
    if not moment:
        return False
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
