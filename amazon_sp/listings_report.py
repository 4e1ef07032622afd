"""The merchant listings report (``GET_MERCHANT_LISTINGS_ALL_DATA``): every listing of
a marketplace in one tab-separated file, the way to read a whole catalog (SPAPI notes
9.2): createReport, a few getReport polls and one getReportDocument per marketplace,
whatever the number of SKUs.

:func:`request_listings_report` asks for it; once Amazon made it
(:func:`amazon_sp.reports.get_report`), :func:`read_listings_report` downloads it and
reads it into :class:`amazon_sp.listings.Listing` records. The report has no listing
issues and no product type: :func:`amazon_sp.listings.search_listings` adds those.
"""

from dataclasses import dataclass

from . import reports
from .errors import InvalidInput
from .listings import Listing
from .orders import Money

LISTINGS_REPORT = "GET_MERCHANT_LISTINGS_ALL_DATA"
# product-id-type of the listings report: which product ids are barcodes.
_BARCODE_TYPES = {"2": "ISBN", "3": "UPC", "4": "EAN"}
# The report's encodings, by marketplace country: the first one is tried first.
_REPORT_ENCODINGS = {"JP": ("cp932", "utf-8")}
_DEFAULT_REPORT_ENCODINGS = ("utf-8", "cp1252")


@dataclass(frozen=True)
class ListingsReport:
    """A listings report read: its listings, and the rows that could not be read
    (``(line number, reason)``), which do not stop the others."""

    listings: tuple
    skipped: tuple
    encoding: str = ""


def request_listings_report(connection, marketplace_id):
    """Ask Amazon for the report of every listing of a marketplace.

    :return: the report id (poll it with :func:`amazon_sp.reports.get_report`).
    :rtype: str
    """
    return reports.create_report(connection, LISTINGS_REPORT, [marketplace_id])


def report_encodings(country_code):
    """The encodings a listings report of a marketplace's country is read with."""
    return _REPORT_ENCODINGS.get(country_code, _DEFAULT_REPORT_ENCODINGS)


def read_listings_report(connection, report, currency, encodings=None):
    """Download a listings report that is done and read it.

    :param amazon_sp.reports.Report report: a ``DONE`` listings report.
    :param str currency: the marketplace's currency (the report has none).
    :param tuple encodings: see :func:`report_encodings`.
    :rtype: ListingsReport
    """
    if not report.done or not report.document_id:
        raise InvalidInput(f"Report {report.report_id} is not done.")
    document = reports.download_report(
        connection, report.document_id, encodings or _DEFAULT_REPORT_ENCODINGS
    )
    marketplace_id = report.marketplace_ids[0] if report.marketplace_ids else ""
    parsed = parse_listings_report(document.text, marketplace_id, currency)
    return ListingsReport(parsed.listings, parsed.skipped, document.encoding)


def parse_listings_report(text, marketplace_id, currency):
    """Read the tab-separated merchant listings report, by header names.

    :rtype: ListingsReport
    :raise InvalidInput: if the report has no ``seller-sku`` column.
    """
    rows = reports.read_flat_file(text)
    if rows and "seller-sku" not in rows[0]:
        raise InvalidInput(
            "The listings report has no seller-sku column; its columns are: "
            + ", ".join(rows[0])
        )
    listings = []
    skipped = []
    seen = set()
    for line, row in enumerate(rows, start=2):
        try:
            listing = _report_listing(row, marketplace_id, currency)
        except InvalidInput as error:
            skipped.append((line, error.message))
            continue
        if listing.sku in seen:
            skipped.append((line, f"SKU {listing.sku} is listed twice."))
            continue
        seen.add(listing.sku)
        listings.append(listing)
    return ListingsReport(tuple(listings), tuple(skipped))


def _report_listing(row, marketplace_id, currency):
    sku = row.get("seller-sku", "")
    if not sku:
        raise InvalidInput("The row has no seller-sku.")
    channel = row.get("fulfillment-channel", "").upper()
    fulfillment = "fba" if channel.startswith("AMAZON") else "fbm"
    quantity = row.get("quantity", "")
    if quantity:
        if not quantity.lstrip("-").isdigit() or int(quantity) < 0:
            raise InvalidInput(f"SKU {sku}: the quantity {quantity!r} is not a count.")
        quantity = int(quantity)
    else:
        quantity = None
    price = reports.parse_amount(row.get("price", ""))
    product_id = row.get("product-id", "")
    barcode_type = _BARCODE_TYPES.get(row.get("product-id-type", ""), "")
    status = row.get("status", "").lower()
    return Listing(
        sku=sku,
        marketplace_id=marketplace_id,
        asin=row.get("asin1", ""),
        title=row.get("item-name", ""),
        fulfillment=fulfillment,
        quantity=quantity if fulfillment == "fbm" else None,
        price=Money(price, currency) if price is not None else None,
        status=(
            "incomplete"
            if "incomplete" in status
            else "inactive"
            if "inactive" in status
            else "active"
        ),
        barcode=product_id if barcode_type else "",
        barcode_type=barcode_type,
    )
