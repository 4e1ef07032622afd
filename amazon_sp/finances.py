"""Finances API v0: the payouts (financial event groups), SPAPI notes 8.2.

:func:`list_financial_event_groups` reads the groups (one per settlement period and
currency: its fund transfer status and date, the total converted to the bank's
currency, the bank's trace id and the bank account's last digits), every page read.

Amazon gives a settlement and its group no shared identifier: :func:`match_payout`
pairs them by currency, period and amount.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sp_api.api.finances.finances_v0 import FinancesV0

from .errors import Unavailable
from .orders import OrderDataError, format_datetime, parse_datetime

# Amazon closes a group and writes its settlement report within about a day of each
# other; a group whose dates are further from the settlement's is another period.
PERIOD_SLACK = timedelta(days=2)


@dataclass(frozen=True)
class FinancialEventGroup:
    """A payout of Amazon to the seller (or a debit).

    :ivar str processing_status: ``Open`` or ``Closed``.
    :ivar str fund_transfer_status: e.g. ``Initiated``, ``Processing``,
        ``Successful``, ``Failed``, ``Unknown``.
    :ivar Decimal original_total: in the marketplace's currency
        (``original_currency``).
    :ivar Decimal converted_total: in the bank's currency (``converted_currency``).
    :ivar str trace_id: the bank's reference of the transfer.
    :ivar str account_tail: the last digits of the bank account.
    """

    group_id: str
    processing_status: str = ""
    fund_transfer_status: str = ""
    fund_transfer_date: datetime = None
    original_total: Decimal = None
    original_currency: str = ""
    converted_total: Decimal = None
    converted_currency: str = ""
    trace_id: str = ""
    account_tail: str = ""
    beginning_balance: Decimal = None
    start: datetime = None
    end: datetime = None


def list_financial_event_groups(
    connection, started_after, started_before=None, page_size=100, max_pages=None
):
    """List the financial event groups opened in a period, every page read.

    :param SellerConnection connection: the seller's connection.
    :param datetime started_after: aware; groups opened at or after it.
    :param datetime started_before: aware; groups opened before it (at most 180 days
        after ``started_after``; Amazon wants it two minutes in the past).
    :rtype: list[FinancialEventGroup]
    """
    params = {
        "MaxResultsPerPage": int(page_size),
        "FinancialEventGroupStartedAfter": format_datetime(started_after),
    }
    if started_before:
        params["FinancialEventGroupStartedBefore"] = format_datetime(started_before)
    groups = []
    pages = 0
    with connection.client(FinancesV0) as client:
        while True:
            response = connection.call(
                "finances.listFinancialEventGroups",
                client.list_financial_event_groups,
                **params,
            )
            payload = response.payload or {}
            rows = payload.get("FinancialEventGroupList")
            if rows is None:
                rows = []
            if not isinstance(rows, list):
                raise Unavailable(
                    "Amazon answered listFinancialEventGroups without a group list."
                )
            groups.extend(_group(row) for row in rows)
            pages += 1
            token = payload.get("NextToken") or response.next_token
            if not token or (max_pages and pages >= max_pages):
                return groups
            params = {**params, "NextToken": token}


def match_payout(settlement, groups):
    """The financial event group that paid a settlement: same currency and total,
    and a period that agrees with the settlement's (within :data:`PERIOD_SLACK`).

    Of several candidates, the one whose period is closest wins.

    :param amazon_sp.settlements.Settlement settlement: the settlement.
    :param list groups: :class:`FinancialEventGroup` records.
    :rtype: FinancialEventGroup | None
    """
    candidates = []
    for group in groups:
        if group.original_currency != settlement.currency:
            continue
        if group.original_total is None or group.original_total != settlement.total:
            continue
        distance = _distance(group.start, settlement.start) + _distance(
            group.end, settlement.end
        )
        if distance <= 2 * PERIOD_SLACK:
            candidates.append((distance, group.group_id, group))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


def _distance(first, second):
    if first is None or second is None:
        return PERIOD_SLACK
    return abs(first - second)


def _group(row):
    if not row.get("FinancialEventGroupId"):
        raise Unavailable("Amazon answered with a financial event group without id.")
    original, original_currency = _money(row.get("OriginalTotal"))
    converted, converted_currency = _money(row.get("ConvertedTotal"))
    beginning, _currency = _money(row.get("BeginningBalance"))
    return FinancialEventGroup(
        group_id=str(row["FinancialEventGroupId"]),
        processing_status=row.get("ProcessingStatus") or "",
        fund_transfer_status=row.get("FundTransferStatus") or "",
        fund_transfer_date=_time(row.get("FundTransferDate")),
        original_total=original,
        original_currency=original_currency,
        converted_total=converted,
        converted_currency=converted_currency,
        trace_id=row.get("TraceId") or "",
        account_tail=row.get("AccountTail") or "",
        beginning_balance=beginning,
        start=_time(row.get("FinancialEventGroupStart")),
        end=_time(row.get("FinancialEventGroupEnd")),
    )


def _money(value):
    if not isinstance(value, dict) or value.get("CurrencyAmount") is None:
        return None, (value or {}).get("CurrencyCode", "") if value else ""
    try:
        # A JSON number: through its text, never through a binary float's digits.
        amount = Decimal(str(value["CurrencyAmount"]))
    except InvalidOperation:
        raise Unavailable(
            f"Amazon answered an amount that is not a number: "
            f"{value['CurrencyAmount']!r}."
        ) from None
    return amount, value.get("CurrencyCode") or ""


def _time(value):
    try:
        return parse_datetime(value)
    except OrderDataError:
        return None
