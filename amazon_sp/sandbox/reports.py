"""Reports API 2021-06-30, as the sandbox serves it.

``createReport``, ``getReport``, ``getReports``, ``cancelReport`` and
``getReportDocument``, with a download URL on the sandbox itself. A requested report is
made at the first ``getReport`` (after ``report_settings["polls"]`` answers
``IN_PROGRESS``) by the generator of its report type in :data:`GENERATORS`; a type
without one cannot be requested (Amazon answers so for the report types it makes by
itself, such as settlement reports). Reports Amazon makes by itself are added with
:func:`add_report`.

A generator is ``generator(state, report)``: ``report`` is the stored report
(``reportType``, ``marketplaceIds``, ``seller_id``, ``reportOptions``...); it returns
the document's text and the encoding Amazon would write it in, or None when there is
no data (the report is then ``CANCELLED``, as Amazon reports "no data"). Making one more
report type requestable: its generator, one line in :data:`GENERATORS`.

Documents are served as Amazon's storage serves them: ``text/plain`` without a charset
unless ``report_settings["charset"]`` names one, GZIP-compressed when
``report_settings["compress"]`` is set (``POST /_sandbox/reports/settings``).
"""

import gzip
import uuid
from datetime import timedelta

from . import listingsdata
from .orderlists import parse_time
from .protocol import ApiError, Response, invalid_input
from .state import iso


def _listings_report(active_only):
    def generate(state, report):
        items = state.listings.get(report["seller_id"], {}).values()
        marketplace_id = report["marketplaceIds"][0]
        text = listingsdata.report_text(list(items), marketplace_id, active_only)
        # Amazon writes Japanese reports in Shift JIS.
        return text, "cp932" if marketplace_id == _JP else "utf-8"

    return generate


_JP = "A1VC38T7YXB528"

GENERATORS = {
    "GET_MERCHANT_LISTINGS_ALL_DATA": _listings_report(active_only=False),
    "GET_MERCHANT_LISTINGS_DATA": _listings_report(active_only=True),
}
"""The report types that can be requested, by type: their generators."""

PAGE_SIZE_MAX = 100


def add_report(
    state,
    seller_id,
    report_type,
    marketplace_ids,
    text,
    encoding="utf-8",
    compress=None,
):
    """Store a report Amazon made by itself, done, with its document.

    :param bool compress: GZIP the document (default: as ``report_settings`` say).
    :return: the stored report.
    :rtype: dict
    """
    report = _new_report(state, seller_id, report_type, marketplace_ids)
    _finish(state, report, text, encoding, compress)
    return report


def _new_report(state, seller_id, report_type, marketplace_ids, body=None):
    with state.lock:
        report_id = str(70000 + len(state.reports) + 1)
        report = {
            "reportId": report_id,
            "reportType": report_type,
            "marketplaceIds": list(marketplace_ids),
            "createdTime": iso(state.clock.now()),
            "processingStatus": "IN_QUEUE",
            "seller_id": seller_id,
            "polls": state.report_settings.get("polls", 0),
        }
        for key in ("dataStartTime", "dataEndTime", "reportOptions"):
            if body and body.get(key):
                report[key] = body[key]
        state.reports[report_id] = report
    return report


def _finish(state, report, text, encoding, compress=None):
    settings = state.report_settings
    now = iso(state.clock.now())
    report["processingStartTime"] = report.get("processingStartTime") or now
    report["processingEndTime"] = now
    if text is None:
        report["processingStatus"] = "CANCELLED"
        return
    content = text.encode(encoding)
    compressed = bool(settings.get("compress") if compress is None else compress)
    if compressed:
        content = gzip.compress(content)
    charset = settings.get("charset")
    document_id = "amzn1.spdoc.1.4.sandbox." + uuid.uuid4().hex
    with state.lock:
        state.report_documents[document_id] = {
            "content": content,
            "contentType": f"text/plain; charset={charset}"
            if charset
            else "text/plain",
            "compressed": compressed,
            "seller_id": report["seller_id"],
        }
    report.update(processingStatus="DONE", reportDocumentId=document_id)


def _public(report):
    return {
        k: v
        for k, v in report.items()
        if k not in ("seller_id", "polls", "reportOptions")
    }


def create_report(sandbox, request):
    body = request.json()
    report_type = body.get("reportType")
    marketplace_ids = body.get("marketplaceIds")
    if not report_type:
        raise invalid_input("reportType is required.")
    if not isinstance(marketplace_ids, list) or not 1 <= len(marketplace_ids) <= 25:
        raise invalid_input("marketplaceIds must list 1 to 25 marketplaces.")
    unknown = [m for m in marketplace_ids if m not in request.seller.marketplaces]
    if unknown:
        raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}.")
    if report_type not in GENERATORS:
        raise invalid_input(
            f"Report type {report_type} cannot be requested.",
            "Amazon creates this report type by itself, or it does not exist.",
        )
    options = body.get("reportOptions")
    if options is not None and not (
        isinstance(options, dict) and all(isinstance(v, str) for v in options.values())
    ):
        raise invalid_input("reportOptions must map names to strings.")
    report = _new_report(
        sandbox.state, request.seller.seller_id, report_type, marketplace_ids, body
    )
    return Response(202, {"reportId": report["reportId"]})


def _report_of(sandbox, request):
    report = sandbox.state.reports.get(request.params["reportId"])
    if report is None or report["seller_id"] != request.seller.seller_id:
        raise ApiError(404, "NotFound", "The report does not exist.")
    return report


def get_report(sandbox, request):
    report = _report_of(sandbox, request)
    state = sandbox.state
    if report["processingStatus"] in ("IN_QUEUE", "IN_PROGRESS"):
        if report["polls"] > 0:
            report["polls"] -= 1
            report["processingStatus"] = "IN_PROGRESS"
            report.setdefault("processingStartTime", iso(state.clock.now()))
        else:
            generated = GENERATORS[report["reportType"]](state, report)
            text, encoding = generated if generated else (None, None)
            _finish(state, report, text, encoding)
    return Response(200, _public(report))


def cancel_report(sandbox, request):
    report = _report_of(sandbox, request)
    if report["processingStatus"] != "IN_QUEUE":
        raise invalid_input("Only a report IN_QUEUE can be cancelled.")
    report["processingStatus"] = "CANCELLED"
    return Response(200, None)


def get_reports(sandbox, request):
    state = sandbox.state
    token = request.arg("nextToken")
    if token:
        if len(request.query) > 1:
            raise invalid_input("nextToken must be the only parameter.")
        saved = state.page_tokens.pop(token, None)
        if saved is None:
            raise invalid_input("Invalid nextToken.")
        criteria, start = saved
    else:
        types = request.csv("reportTypes")
        if not types or len(types) > 10:
            raise invalid_input("reportTypes must list 1 to 10 report types.")
        try:
            size = int(request.arg("pageSize") or 10)
        except ValueError:
            raise invalid_input("pageSize must be a number.") from None
        if not 1 <= size <= PAGE_SIZE_MAX:
            raise invalid_input("pageSize must be between 1 and 100.")
        now = state.clock.now()
        since = request.arg("createdSince")
        until = request.arg("createdUntil")
        criteria = {
            "types": types,
            "statuses": request.csv("processingStatuses"),
            "marketplaces": request.csv("marketplaceIds"),
            "since": parse_time(since, "createdSince")
            if since
            else now - timedelta(days=90),
            "until": parse_time(until, "createdUntil") if until else now,
            "size": size,
            "seller_id": request.seller.seller_id,
        }
        start = 0
    if criteria["seller_id"] != request.seller.seller_id:
        raise invalid_input("Invalid nextToken.")
    with state.lock:
        matching = [
            r
            for r in state.reports.values()
            if r["seller_id"] == criteria["seller_id"]
            and r["reportType"] in criteria["types"]
            and (
                not criteria["statuses"]
                or r["processingStatus"] in criteria["statuses"]
            )
            and (
                not criteria["marketplaces"]
                or set(r["marketplaceIds"]) & set(criteria["marketplaces"])
            )
            and criteria["since"]
            <= parse_time(r["createdTime"], "createdTime")
            <= criteria["until"]
        ]
    matching.sort(key=lambda r: (r["createdTime"], int(r["reportId"])), reverse=True)
    page = matching[start : start + criteria["size"]]
    body = {"reports": [_public(r) for r in page]}
    if start + criteria["size"] < len(matching):
        token = uuid.uuid4().hex
        state.page_tokens[token] = (criteria, start + criteria["size"])
        body["nextToken"] = token
    return Response(200, body)


def get_report_document(sandbox, request):
    document_id = request.params["reportDocumentId"]
    document = sandbox.state.report_documents.get(document_id)
    if document is None or document["seller_id"] != request.seller.seller_id:
        raise ApiError(404, "NotFound", "The report document does not exist.")
    body = {
        "reportDocumentId": document_id,
        "url": f"{sandbox.url}/_sandbox/reports/documents/{document_id}",
    }
    if document["compressed"]:
        body["compressionAlgorithm"] = "GZIP"
    return Response(200, body)


def download_document(sandbox, request):
    """The presigned URL of a report document (not an SP-API call)."""
    document = sandbox.state.report_documents.get(request.params["documentId"])
    if document is None:
        return Response(
            404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="text/xml"
        )
    return Response(200, document["content"], content_type=document["contentType"])


def post_settings(sandbox, request):
    """``POST /_sandbox/reports/settings``: ``{"compress"?, "charset"?, "polls"?}``."""
    data = request.json()
    settings = sandbox.state.report_settings
    with sandbox.state.lock:
        if "compress" in data:
            settings["compress"] = bool(data["compress"])
        if "charset" in data:
            settings["charset"] = data["charset"] or None
        if "polls" in data:
            settings["polls"] = max(int(data["polls"]), 0)
    return Response(200, {"ok": True, **settings})


def register(router):
    router.add(
        "POST", "/reports/2021-06-30/reports", create_report, "reports.createReport"
    )
    router.add("GET", "/reports/2021-06-30/reports", get_reports, "reports.getReports")
    router.add(
        "GET", "/reports/2021-06-30/reports/{reportId}", get_report, "reports.getReport"
    )
    router.add(
        "DELETE",
        "/reports/2021-06-30/reports/{reportId}",
        cancel_report,
        "reports.cancelReport",
    )
    router.add(
        "GET",
        "/reports/2021-06-30/documents/{reportDocumentId}",
        get_report_document,
        "reports.getReportDocument",
    )
    router.add(
        "GET",
        "/_sandbox/reports/documents/{documentId}",
        download_document,
        spapi=False,
    )
    router.add("POST", "/_sandbox/reports/settings", post_settings, spapi=False)
