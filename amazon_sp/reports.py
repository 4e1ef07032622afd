"""The Reports API 2021-06-30, for any report type.

- :func:`create_report` asks Amazon for a report, :func:`get_report` says where it is,
  :func:`list_reports` lists the reports Amazon holds (those it made by itself too, such
  as settlement reports), every page read;
- :func:`download_report` fetches a report's document, decompressed when Amazon
  compressed it (GZIP), and decoded with an encoding the caller names: the library
  would otherwise decode a document served without a charset as ISO-8859-1, and return
  bytes when decoding fails (see the project's SPAPI notes, section 3). Nothing is
  guessed: the encodings tried are the caller's, in its order, and the record says
  which one read the document;
- :func:`read_flat_file` reads a tab-separated report by its header names, and
  :func:`parse_amount` reads the amounts written in them, whatever the locale's
  separators.
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sp_api.api.reports.reports import Reports

from .errors import InvalidInput, Unavailable
from .orders import OrderDataError, format_datetime, parse_datetime

STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL")
FINISHED = ("DONE", "CANCELLED", "FATAL")


class ReportDecodingError(InvalidInput):
    """A report document could not be read with any of the encodings named."""


@dataclass(frozen=True)
class Report:
    """A report Amazon makes or made.

    :ivar str status: one of :data:`STATUSES`; ``CANCELLED`` also stands for "no data".
    :ivar str document_id: the report document, once ``DONE``.
    :ivar tuple marketplace_ids: the marketplaces the report covers.
    :ivar datetime created: when it was requested (aware, UTC).
    """

    report_id: str
    report_type: str
    status: str
    marketplace_ids: tuple = ()
    document_id: str = ""
    created: object = None
    data_start: object = None
    data_end: object = None
    processing_end: object = None

    @property
    def finished(self):
        return self.status in FINISHED

    @property
    def done(self):
        return self.status == "DONE"


@dataclass(frozen=True)
class ReportDocument:
    """The content of a report document.

    :ivar str text: the document, decompressed and decoded.
    :ivar str encoding: the encoding that decoded it (one the caller named).
    :ivar bool compressed: whether Amazon sent it GZIP-compressed.
    """

    document_id: str
    text: str
    encoding: str
    compressed: bool


def create_report(
    connection,
    report_type,
    marketplace_ids,
    *,
    data_start=None,
    data_end=None,
    options=None,
):
    """Ask Amazon for a report.

    :param SellerConnection connection: the seller's connection.
    :param str report_type: e.g. ``GET_MERCHANT_LISTINGS_ALL_DATA``.
    :param list marketplace_ids: the marketplaces (1 to 25).
    :param datetime data_start: aware start of the data, for the types that take one.
    :param datetime data_end: aware end of the data.
    :param dict options: Amazon's ``reportOptions`` (names to string values).
    :return: the report id.
    :rtype: str
    """
    marketplace_ids = list(marketplace_ids)
    if not 1 <= len(marketplace_ids) <= 25:
        raise InvalidInput("A report covers 1 to 25 marketplaces.")
    body = {"reportType": report_type, "marketplaceIds": marketplace_ids}
    if data_start:
        body["dataStartTime"] = format_datetime(data_start)
    if data_end:
        body["dataEndTime"] = format_datetime(data_end)
    if options:
        body["reportOptions"] = {str(k): str(v) for k, v in options.items()}
    with connection.client(Reports, marketplace_id=marketplace_ids[0]) as client:
        # Not sent twice after a lost answer: Amazon would make two reports.
        response = connection.call(
            "reports.createReport",
            client.create_report,
            retry_unavailable=False,
            **body,
        )
    report_id = (response.payload or {}).get("reportId")
    if not report_id:
        raise Unavailable("Amazon answered createReport without a report id.")
    return str(report_id)


def get_report(connection, report_id):
    """Ask Amazon where a report is.

    :rtype: Report
    """
    with connection.client(Reports) as client:
        response = connection.call("reports.getReport", client.get_report, report_id)
    return _report(response.payload or {})


def list_reports(
    connection,
    report_types,
    *,
    marketplace_ids=None,
    statuses=None,
    created_since=None,
    created_until=None,
    page_size=100,
    max_pages=None,
):
    """List the reports Amazon holds (90 days at most), every page read.

    :param list report_types: 1 to 10 report types.
    :param list marketplace_ids: only these marketplaces' reports; pass them: the
        library would otherwise filter by the client's marketplace (SPAPI notes 8.3).
    :param list statuses: only these processing statuses.
    :param datetime created_since: aware; Amazon's default is 90 days ago.
    :param int max_pages: stop after this many pages.
    :rtype: list[Report]
    """
    params = {"reportTypes": list(report_types), "pageSize": int(page_size)}
    if marketplace_ids:
        params["marketplaceIds"] = list(marketplace_ids)
    if statuses:
        params["processingStatuses"] = list(statuses)
    if created_since:
        params["createdSince"] = format_datetime(created_since)
    if created_until:
        params["createdUntil"] = format_datetime(created_until)
    reports = []
    pages = 0
    with connection.client(Reports) as client:
        while True:
            response = connection.call(
                "reports.getReports", client.get_reports, **params
            )
            payload = response.payload or {}
            rows = payload.get("reports")
            if not isinstance(rows, list):
                raise Unavailable("Amazon answered getReports without reports.")
            reports.extend(_report(row) for row in rows)
            pages += 1
            # The library takes nextToken out of the payload.
            token = response.next_token
            if not token or (max_pages and pages >= max_pages):
                return reports
            # "call getReports with this token as the only parameter"
            params = {"nextToken": token}


def download_report(connection, document_id, encodings=("utf-8",)):
    """Download a report document: decompressed, and decoded with the first of the
    given encodings that reads it.

    :param str document_id: the report's ``reportDocumentId``.
    :param tuple encodings: the encodings to try, in order; the first one is told to
        the library.
    :rtype: ReportDocument
    :raise ReportDecodingError: if none of the encodings reads the document.
    """
    if not encodings:
        raise ValueError("name at least one encoding")
    with connection.client(Reports) as client:
        response = connection.call(
            "reports.getReportDocument",
            client.get_report_document,
            document_id,
            download=True,
            character_code=encodings[0],
            timeout=connection.timeout,
        )
    payload = response.payload or {}
    document = payload.get("document")
    if document is None:
        raise Unavailable("Amazon answered getReportDocument without a document.")
    compressed = payload.get("compressionAlgorithm") == "GZIP"
    if isinstance(document, str):
        return ReportDocument(str(document_id), document, encodings[0], compressed)
    # The library returns the bytes when the first encoding cannot decode them.
    for encoding in encodings[1:]:
        try:
            text = bytes(document).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        return ReportDocument(str(document_id), text, encoding, compressed)
    raise ReportDecodingError(
        f"The report document {document_id} is not in any of the encodings "
        f"{', '.join(encodings)}."
    )


def read_flat_file(text):
    """Read a tab-separated report into one dict per row, keyed by header name.

    Header names are stripped and lower-cased (Amazon's headers vary in case between
    reports); values are stripped; blank lines are skipped.

    :rtype: list[dict]
    """
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        return []
    reader = csv.reader(
        io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    header = [name.strip().lower() for name in next(reader)]
    rows = []
    for values in reader:
        rows.append(
            {
                name: (values[index].strip() if index < len(values) else "")
                for index, name in enumerate(header)
            }
        )
    return rows


_AMOUNT = re.compile(r"^-?[\d.,' ]+$")


def parse_amount(text):
    """Read an amount as reports write it: ``12.99``, ``12,99``, ``1,234.56``,
    ``1.234,56`` or ``1 234,56``.

    The last separator followed by one or two digits is the decimal separator; the
    others group thousands.

    :return: the amount, or None for an empty value.
    :rtype: Decimal | None
    :raise InvalidInput: if the text is not an amount.
    """
    value = (text or "").strip().replace("\u00a0", " ")
    if not value:
        return None
    if not _AMOUNT.match(value):
        raise InvalidInput(f"{text!r} is not an amount.")
    negative = value.startswith("-")
    digits = value.lstrip("-").replace(" ", "").replace("'", "")
    match = re.search(r"[.,](\d{1,2})$", digits)
    if match:
        whole = re.sub(r"[.,]", "", digits[: match.start()])
        number = f"{whole or '0'}.{match.group(1)}"
    else:
        number = re.sub(r"[.,]", "", digits)
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount.") from None
    return -amount if negative else amount


def _report(row):
    if not row.get("reportId") or row.get("processingStatus") not in STATUSES:
        raise Unavailable("Amazon answered with a report without id or status.")
    return Report(
        report_id=str(row["reportId"]),
        report_type=row.get("reportType") or "",
        status=row["processingStatus"],
        marketplace_ids=tuple(row.get("marketplaceIds") or ()),
        document_id=row.get("reportDocumentId") or "",
        created=_time(row.get("createdTime")),
        data_start=_time(row.get("dataStartTime")),
        data_end=_time(row.get("dataEndTime")),
        processing_end=_time(row.get("processingEndTime")),
    )


def _time(value):
    try:
        return parse_datetime(value)
    except OrderDataError:
        return None
