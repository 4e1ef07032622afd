"""Settlement reports: what Amazon paid, line by line (SPAPI notes 8.1).

Amazon makes a ``GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`` report by itself when a
settlement period closes (usually every 14 days, one per marketplace and currency):
it cannot be requested, only listed (:func:`list_settlement_reports`) and read
(:func:`fetch_settlement`). A file downloaded from Seller Central is the same flat
file: :func:`parse_settlement` reads both.

The flat file is tab-separated, read by header name. Its first data row is the
settlement's summary (id, period, deposit date, total, currency); each following row
is one amount. Amazon writes numbers and dates in the marketplace's locale
(``1.234,56`` and ``27.03.2026`` on amazon.de, ``1,234.56`` and ``2026-03-27`` on
amazon.com): both are read. A file whose rows do not add up to its total is refused
(:class:`SettlementError`): it is cut short or was edited. Transaction and amount
types are kept as Amazon writes them, known or not.
"""

import gzip
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .errors import InvalidInput
from .reports import download_report, list_reports, parse_amount, read_flat_file

SETTLEMENT_REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
ENCODINGS = ("utf-8", "cp1252")
"""The encodings settlement files are read in, in this order: UTF-8, then Windows
Latin-1 (seen on European files). The first is told to the library."""

REQUIRED_COLUMNS = (
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "amount-type",
    "amount-description",
    "amount",
)

# Transaction types of reserve rows: what Amazon holds back, and releases.
RESERVE_TYPES = ("Previous Reserve Amount Balance", "Current Reserve Amount")


class SettlementError(InvalidInput):
    """A settlement file cannot be read, or does not add up."""


@dataclass(frozen=True)
class SettlementRow:
    """One amount of a settlement.

    :ivar int line: the row's line in the file (the header is line 1).
    :ivar str transaction_type: e.g. ``Order``, ``Refund``, ``Subscription Fee``
        (Amazon's words, any).
    :ivar str amount_type: e.g. ``ItemPrice``, ``ItemFees``, ``Promotion``.
    :ivar str amount_description: e.g. ``Principal``, ``Commission``.
    :ivar Decimal amount: signed, as Amazon paid it (negative: charged to the seller).
    :ivar datetime posted: when Amazon posted it (aware, UTC), or None.
    :ivar int quantity: the quantity purchased, or None.
    """

    line: int
    transaction_type: str
    amount_type: str
    amount_description: str
    amount: Decimal
    order_id: str = ""
    merchant_order_id: str = ""
    adjustment_id: str = ""
    shipment_id: str = ""
    marketplace_name: str = ""
    fulfillment_id: str = ""
    posted: datetime = None
    sku: str = ""
    quantity: int = None
    order_item_code: str = ""
    promotion_id: str = ""

    @property
    def is_reserve(self):
        """Whether the row is a reserve Amazon holds back or releases (written as a
        transaction type, or as the description of an ``other-transaction``)."""
        return (
            self.transaction_type in RESERVE_TYPES
            or self.amount_description in RESERVE_TYPES
        )


@dataclass(frozen=True)
class Settlement:
    """A settlement: its summary and every row.

    :ivar str settlement_id: Amazon's settlement id.
    :ivar datetime start: start of the period (aware, UTC).
    :ivar datetime end: end of the period.
    :ivar datetime deposit_date: when Amazon pays (or debits) the seller.
    :ivar Decimal total: what Amazon pays; negative when it debits the seller.
    :ivar str currency: ISO 4217 code.
    :ivar tuple rows: the :class:`SettlementRow` records, in file order.
    :ivar str marketplace_name: the marketplace most rows name (``Amazon.de``).
    :ivar str encoding: the encoding the file was read in.
    """

    settlement_id: str
    start: datetime
    end: datetime
    deposit_date: datetime
    total: Decimal
    currency: str
    rows: tuple
    marketplace_name: str = ""
    encoding: str = "utf-8"
    report_id: str = ""

    @property
    def rows_total(self):
        return sum((row.amount for row in self.rows), Decimal(0))

    def order_ids(self):
        """The Amazon order ids the rows name, in file order, once each."""
        return tuple(dict.fromkeys(row.order_id for row in self.rows if row.order_id))


# === LISTING AND DOWNLOADING === #


def list_settlement_reports(
    connection, marketplace_ids, created_since=None, max_pages=None
):
    """List the settlement reports Amazon holds (90 days at most), newest first.

    :param SellerConnection connection: the seller's connection.
    :param list marketplace_ids: the marketplaces; always sent (the library would
        otherwise filter by the client's marketplace only, SPAPI notes 8.3).
    :param datetime created_since: aware; only reports made since then.
    :rtype: list[amazon_sp.reports.Report]
    """
    marketplace_ids = list(marketplace_ids)
    if not marketplace_ids:
        raise InvalidInput("Name the marketplaces whose settlements to list.")
    if created_since is not None:
        # Amazon keeps reports 90 days and refuses an older createdSince.
        oldest = connection.clock.now() - timedelta(days=90)
        created_since = max(created_since, oldest)
    return list_reports(
        connection,
        [SETTLEMENT_REPORT_TYPE],
        marketplace_ids=marketplace_ids,
        statuses=["DONE"],
        created_since=created_since,
        max_pages=max_pages,
    )


def fetch_settlement(connection, report, encodings=ENCODINGS):
    """Download a settlement report and read it.

    :param amazon_sp.reports.Report report: a ``DONE`` settlement report.
    :rtype: tuple[Settlement, bytes]
    :return: the settlement, and the file as Amazon wrote it (decompressed) for
        keeping.
    :raise SettlementError: if the file cannot be read or does not add up.
    """
    if not report.document_id:
        raise SettlementError(f"The report {report.report_id} has no document yet.")
    document = download_report(connection, report.document_id, encodings)
    settlement = parse_settlement(document.text, encoding=document.encoding)
    return (
        _replace(settlement, report_id=report.report_id),
        document.text.encode(document.encoding),
    )


def decode_settlement_file(content, encodings=ENCODINGS):
    """Decode a settlement file's bytes (a download from Seller Central) with the first
    of the encodings that reads it; GZIP files are decompressed.

    :rtype: tuple[str, str]
    :return: the text and the encoding that read it.
    :raise SettlementError: if none does.
    """
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    for encoding in encodings:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SettlementError(
        f"The settlement file is not in any of the encodings {', '.join(encodings)}."
    )


# === PARSING === #


def parse_settlement(text, encoding="utf-8"):
    """Read a V2 settlement flat file.

    :param str text: the file's text.
    :param str encoding: the encoding it was read in (kept on the record).
    :rtype: Settlement
    :raise SettlementError: on a missing column, a value that is not an amount or a
        date, no summary row, or rows that do not add up to the total.
    """
    rows = read_flat_file(text)
    if not rows:
        raise SettlementError("The settlement file is empty.")
    missing = [name for name in REQUIRED_COLUMNS if name not in rows[0]]
    if missing:
        raise SettlementError(
            "This is not a settlement file (V2 flat file): the columns "
            f"{', '.join(missing)} are missing."
        )
    summary = rows[0]
    if not summary["settlement-id"] or not summary["total-amount"]:
        raise SettlementError(
            "The settlement file has no summary row (settlement id and total amount "
            "on its first row)."
        )
    settlement_id = summary["settlement-id"]
    total = _amount(summary["total-amount"], 2, "total-amount")
    currency = summary["currency"].strip().upper()
    records = []
    marketplaces = {}
    for line, row in enumerate(rows[1:], start=3):
        if row["settlement-id"] and row["settlement-id"] != settlement_id:
            raise SettlementError(
                f"Line {line} belongs to settlement {row['settlement-id']}, not "
                f"{settlement_id}: a file holds one settlement."
            )
        if not row["amount"] and not row["transaction-type"]:
            continue
        record = SettlementRow(
            line=line,
            transaction_type=row["transaction-type"],
            amount_type=row["amount-type"],
            amount_description=row["amount-description"],
            amount=_amount(row["amount"], line, "amount") or Decimal(0),
            order_id=row.get("order-id", ""),
            merchant_order_id=row.get("merchant-order-id", ""),
            adjustment_id=row.get("adjustment-id", ""),
            shipment_id=row.get("shipment-id", ""),
            marketplace_name=row.get("marketplace-name", ""),
            fulfillment_id=row.get("fulfillment-id", ""),
            posted=_posted(row, line),
            sku=row.get("sku", ""),
            quantity=_quantity(row.get("quantity-purchased", ""), line),
            order_item_code=row.get("order-item-code", ""),
            promotion_id=row.get("promotion-id", ""),
        )
        records.append(record)
        if record.marketplace_name:
            name = record.marketplace_name
            marketplaces[name] = marketplaces.get(name, 0) + 1
    settlement = Settlement(
        settlement_id=settlement_id,
        start=parse_date(summary["settlement-start-date"], "settlement-start-date"),
        end=parse_date(summary["settlement-end-date"], "settlement-end-date"),
        deposit_date=parse_date(summary["deposit-date"], "deposit-date"),
        total=total,
        currency=currency,
        rows=tuple(records),
        marketplace_name=max(marketplaces, key=marketplaces.get)
        if marketplaces
        else "",
        encoding=encoding,
    )
    if settlement.rows_total != total:
        raise SettlementError(
            f"Settlement {settlement_id} does not add up: its rows total "
            f"{settlement.rows_total} {currency}, its total amount is {total} "
            f"{currency}. The file is incomplete or was changed; download it again."
        )
    return settlement


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_DOTTED = re.compile(
    r"^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)


def parse_date(text, column="date"):
    """Read a date or date-time as settlement files write them: ISO 8601
    (``2026-03-27T06:21:41+00:00``, ``2026-03-27 06:21:41 UTC``) or the European
    day-first form (``27.03.2026 06:21:41 UTC``, ``27/03/2026``).

    :return: an aware UTC datetime, or None for an empty value.
    :raise SettlementError: if it is not a date.
    """
    value = (text or "").strip()
    if not value:
        return None
    match = _ISO.match(value)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
    else:
        match = _DOTTED.match(value)
        if not match:
            raise SettlementError(f"{column}: {value!r} is not a date.")
        day, month, year, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=_zone(zone),
        )
    except ValueError:
        raise SettlementError(f"{column}: {value!r} is not a date.") from None
    return moment.astimezone(timezone.utc)


def _zone(zone):
    if not zone or zone in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _amount(text, line, column):
    try:
        return parse_amount(text)
    except InvalidInput:
        raise SettlementError(
            f"Line {line}, {column}: {text!r} is not an amount."
        ) from None


def _posted(row, line):
    value = row.get("posted-date-time") or row.get("posted-date")
    return parse_date(value, f"line {line}, posted-date")


def _quantity(text, line):
    value = (text or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettlementError(
            f"Line {line}, quantity-purchased: {value!r} is not a number."
        ) from None


def _replace(settlement, **changes):
    return replace(settlement, **changes)


def as_date(moment):
    """The calendar date (UTC) of a settlement's datetime, or None."""
    return moment.date() if isinstance(moment, datetime) else moment


__all__ = [
    "ENCODINGS",
    "SETTLEMENT_REPORT_TYPE",
    "Settlement",
    "SettlementError",
    "SettlementRow",
    "as_date",
    "decode_settlement_file",
    "fetch_settlement",
    "list_settlement_reports",
    "parse_date",
    "parse_settlement",
]
