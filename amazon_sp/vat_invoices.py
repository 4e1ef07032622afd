"""EU VAT invoice upload: the ``UPLOAD_VAT_INVOICE`` feed (Feeds API 2021-06-30).

Sellers enrolled in Amazon's VAT Calculation Service who issue their own invoices
upload each invoice and credit note as a PDF, one feed per document, with metadata in
the feed's ``feedOptions`` (keys with the ``metadata:`` prefix, string values): the
order id (or shipping id), the invoice number shown on the PDF, the document type, and
the total and VAT amounts, which Amazon compares with its own figures to the cent.

- :func:`invoice_metadata` builds and checks those options before anything is sent;
- :func:`upload_invoice` uploads the PDF and creates the feed (2 SP-API calls);
- :func:`upload_result` reads the feed's processing report once Amazon is done.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import feeds
from .errors import InvalidInput

FEED_TYPE = "UPLOAD_VAT_INVOICE"
PDF = "application/pdf"
DOCUMENT_TYPES = ("Invoice", "CreditNote")

# Amazon takes letters, digits and , / \ space - _ ; : # in metadata values.
_ALLOWED = re.compile(r"^[A-Za-z0-9,/\\ \-_;:#.]*$")


def _amount(value):
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def invoice_metadata(
    invoice_number,
    total_amount,
    total_vat_amount,
    order_id=None,
    shipping_id=None,
    document_type="Invoice",
    transaction_id=None,
):
    """The ``feedOptions`` of an invoice upload.

    :param str invoice_number: the number printed on the PDF (shown to the buyer).
    :param total_amount: the document's total, VAT included (a positive amount, also
        for a credit note).
    :param total_vat_amount: its VAT.
    :param str order_id: Amazon's order id (needed unless ``shipping_id`` is given).
    :param str shipping_id: Amazon's shipping id, when known (Amazon then ignores the
        order id).
    :param str document_type: ``Invoice`` or ``CreditNote``.
    :param str transaction_id: the refund's transaction id, for a credit note.
    :rtype: dict
    :raise InvalidInput: a value Amazon would refuse.
    """
    if not (order_id or shipping_id):
        raise InvalidInput("An invoice upload needs the order id or the shipping id.")
    if not invoice_number:
        raise InvalidInput("An invoice upload needs the invoice number.")
    if document_type not in DOCUMENT_TYPES:
        raise InvalidInput(
            f"{document_type!r} is not a document type Amazon takes "
            f"({', '.join(DOCUMENT_TYPES)})."
        )
    options = {}
    if shipping_id:
        options["metadata:shippingid"] = str(shipping_id)
    if order_id:
        options["metadata:orderid"] = str(order_id)
    options["metadata:invoicenumber"] = str(invoice_number).strip()
    options["metadata:documenttype"] = document_type
    options["metadata:totalamount"] = _amount(abs(Decimal(str(total_amount))))
    options["metadata:totalvatamount"] = _amount(abs(Decimal(str(total_vat_amount))))
    if transaction_id:
        options["metadata:transactionid"] = str(transaction_id)
    for key, value in options.items():
        if not _ALLOWED.match(value):
            raise InvalidInput(
                f"{key.split(':')[1]} {value!r} holds characters Amazon refuses: use "
                "letters, digits and , / \\ space - _ ; : # only."
            )
    return options


def upload_invoice(connection, marketplace_id, pdf, metadata):
    """Upload one invoice or credit note.

    :param SellerConnection connection: the seller's connection.
    :param str marketplace_id: the one marketplace of the order.
    :param bytes pdf: the document, a PDF.
    :param dict metadata: :func:`invoice_metadata`.
    :return: Amazon's feed id.
    :rtype: str
    """
    if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
        raise InvalidInput("The invoice to upload is not a PDF.")
    return feeds.submit_feed(
        connection, FEED_TYPE, pdf, PDF, [marketplace_id], feed_options=metadata
    )


@dataclass(frozen=True)
class UploadResult:
    """What Amazon made of an upload.

    :ivar bool finished: Amazon has processed the feed.
    :ivar bool accepted: the invoice was accepted.
    :ivar tuple errors: ``(error code, message)`` of a refusal.
    """

    finished: bool
    accepted: bool = False
    errors: tuple = ()
    text: str = ""

    @property
    def message(self):
        return "; ".join(
            f"{code}: {message}" if code else message for code, message in self.errors
        )


def upload_result(connection, feed_id):
    """Ask Amazon what became of an upload.

    :rtype: UploadResult
    """
    status = feeds.feed_status(connection, feed_id)
    if not status.finished:
        return UploadResult(finished=False)
    if status.status != "DONE" or not status.result_document_id:
        return UploadResult(
            finished=True,
            errors=(("", f"Amazon ended the upload with status {status.status}."),),
        )
    text = feeds.feed_result_document(connection, status.result_document_id)
    return parse_upload_report(text)


def parse_upload_report(text):
    """Read the processing report of an invoice upload: the summary, then one
    ``original-record-number sku error-code error-type error-message`` line per
    error.

    :rtype: UploadResult
    """
    successful = re.search(r"Number of records successful\s+(\d+)", text)
    lines = text.splitlines()
    header = next(
        (
            i
            for i, line in enumerate(lines)
            if line.startswith("original-record-number")
        ),
        None,
    )
    errors = []
    if header is not None:
        names = lines[header].split("\t")
        for line in lines[header + 1 :]:
            if not line.strip():
                continue
            row = dict(zip(names, line.split("\t"), strict=False))
            if (row.get("error-type") or "Error").lower() != "error":
                continue
            errors.append(
                (row.get("error-code") or "", (row.get("error-message") or "").strip())
            )
    accepted = not errors and (successful is None or int(successful.group(1)) > 0)
    return UploadResult(
        finished=True, accepted=accepted, errors=tuple(errors), text=text
    )
