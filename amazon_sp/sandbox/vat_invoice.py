"""The sandbox's processor of EU VAT invoice uploads (``UPLOAD_VAT_INVOICE``, see
:mod:`.feeds`).

It checks an upload as Amazon documents it: exactly one marketplace (79523), a PDF
(79503, InvoiceFileIsNotPDF), the metadata with its ``metadata:`` prefix (79513), a
known document type (79531), an order of the seller that has shipped (79517,
InvalidOrderId); and, the sandbox's own reading of "must equal Amazon's figure": the
totals of an invoice may not exceed what the order has left to invoice and equal the
order's when it is invoiced at once; a credit note may not exceed what was invoiced
(the codes 79533 and 79534 of those two refusals are the sandbox's, not documented by
Amazon). Accepted documents are kept in ``state.vat_invoices``.
"""

from decimal import Decimal, InvalidOperation

FEED_TYPE = "UPLOAD_VAT_INVOICE"
REPORT_CONTENT_TYPE = "text/tab-separated-values; charset=UTF-8"
DOCUMENT_TYPES = ("Invoice", "CreditNote")
CENT = Decimal("0.01")


def process(state, feed):
    """Check one invoice upload; return its processing report."""
    with state.lock:
        error = _check(state, feed)
    lines = [
        "Feed Processing Summary:",
        "\tNumber of records processed\t\t1",
        f"\tNumber of records successful\t\t{0 if error else 1}",
        "",
        "original-record-number\tsku\terror-code\terror-type\terror-message",
    ]
    if error:
        lines.append(f"1\t\t{error[0]}\tError\t{error[1]}")
    return "\n".join(lines) + "\n", REPORT_CONTENT_TYPE


def _check(state, feed):
    """Return ``(code, message)`` of the refusal, or None once accepted."""
    if len(feed["marketplaceIds"]) != 1:
        return "79523", "marketplaceIds must contain exactly one marketplace id."
    if not (feed["input"] or b"").startswith(b"%PDF"):
        return "79503", "InvoiceFileIsNotPDF: the uploaded invoice is not a PDF file."
    options = {
        key.lower(): (value or "").strip()
        for key, value in (feed.get("options") or {}).items()
    }
    order_id = options.get("metadata:orderid") or options.get("metadata:shippingid")
    number = options.get("metadata:invoicenumber")
    if not order_id or not number:
        return (
            "79513",
            "Please provide metadata:shippingid or metadata:orderid,"
            "metadata:invoicenumber,metadata:totalamount,metadata:totalvatamount",
        )
    document_type = options.get("metadata:documenttype") or "Invoice"
    if document_type not in DOCUMENT_TYPES:
        return "79531", f"Invalid metadata:documenttype {document_type}."
    order = state.get_order(feed["seller_id"], order_id)
    if (
        order is None
        or order["salesChannel"]["marketplaceId"] != feed["marketplaceIds"][0]
    ):
        return "79517", f"InvalidOrderId: order {order_id} was not found."
    shipped = any(
        (item.get("fulfillment") or {}).get("quantityFulfilled")
        for item in order["orderItems"]
    )
    if not shipped:
        return "79517", f"InvalidOrderId: order {order_id} has not shipped yet."
    try:
        total = Decimal(options.get("metadata:totalamount") or "0")
        vat = Decimal(options.get("metadata:totalvatamount") or "0")
    except InvalidOperation:
        return "79513", "metadata:totalamount and metadata:totalvatamount are amounts."
    uploads = state.vat_invoices.setdefault((feed["seller_id"], order_id), [])
    if any(u["number"] == number and u["type"] == document_type for u in uploads):
        return "79526", f"Invoice number {number} was already uploaded for this order."
    invoiced = [u for u in uploads if u["type"] == "Invoice"]
    if document_type == "Invoice":
        order_total, order_vat = _order_totals(order)
        left_total = order_total - sum(u["total"] for u in invoiced)
        left_vat = order_vat - sum(u["vat"] for u in invoiced)
        complete = order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        if (
            total > left_total
            or vat > left_vat
            or (complete and not invoiced and (total, vat) != (left_total, left_vat))
        ):
            return (
                "79533",
                f"The totals ({total} / VAT {vat}) do not match Amazon's for order "
                f"{order_id} ({left_total} / VAT {left_vat}).",
            )
    else:
        credited = [u for u in uploads if u["type"] == "CreditNote"]
        if total + sum(u["total"] for u in credited) > sum(
            u["total"] for u in invoiced
        ):
            return (
                "79534",
                f"The credit note's total {total} exceeds what was invoiced for "
                f"order {order_id}.",
            )
    uploads.append(
        {"type": document_type, "number": number, "total": total, "vat": vat}
    )
    return None


def _order_totals(order):
    """The order's total and VAT, as Amazon has them."""
    total = Decimal(order["proceeds"]["grandTotal"]["amount"])
    vat = Decimal(0)
    for item in order["orderItems"]:
        for breakdown in (item.get("proceeds") or {}).get("breakdowns") or ():
            if breakdown["type"] == "TAX":
                vat += Decimal(breakdown["subtotal"]["amount"])
    return total.quantize(CENT), vat.quantize(CENT)
