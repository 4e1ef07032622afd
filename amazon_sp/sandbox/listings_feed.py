"""The sandbox's processor of ``JSON_LISTINGS_FEED`` (see :mod:`.feeds`).

Each message is checked against Amazon's feed schema
(``listings-feed-schema-v2.json``), then applied to the seller's listings with the
rules of :mod:`.listingsdata`, message by message: a message Amazon would refuse is
listed in the processing report with Amazon's code and changes nothing, the others
go through. The processing report follows
``listings-feed-processing-report-schema-v2.json``.

The schema check uses the schema itself, with ``jsonschema``, when both are there
(``SPAPI_MODELS_DIR``, or ``../shared/spapi-models`` beside the repository); otherwise
the same rules, transcribed below (:func:`_message_problems`); a tier-1 test holds the
two to the same verdicts.

Amazon's codes used: ``4002008`` (a message that breaks the schema), ``4002001`` (a
document that is not JSON: the feed ends ``FATAL``), ``4000003`` (an unsupported
product type), the value checks of :mod:`.listingsdata` (``4000001``, ``18155``,
``90000900``), and ``4000000`` ("An internal error has occurred"), with which a feed
asked to fail (``POST /_sandbox/listings/fatal``) ends ``FATAL``. An unknown SKU is
refused with ``NOT_FOUND`` (the code of the Listings Items API's 404): Amazon itself
may accept offer data for an unknown SKU and make an incomplete listing of it; the
sandbox refuses it, so that a refusal can be tested with a plain SKU.

An ``UPDATE`` message of a product type the sandbox defines
(:mod:`.product_type_data`), or an offer-only one, is first checked against that
product type's schema and Amazon's catalog rules (:mod:`.product_type_rules`): a
listing Amazon would refuse is refused per attribute, the others are created (a new
ASIN for a full listing, the suggested one for an offer).
"""

import functools
import json
import os
from pathlib import Path

from . import listings_rules, listingsdata, product_type_rules
from .product_type_data import PRODUCT_TYPES

FEED_TYPE = "JSON_LISTINGS_FEED"
REPORT_CONTENT_TYPE = "application/json"
MAX_MESSAGES = 25000
OPERATION_TYPES = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")
SCHEMA_NAME = "listings-feed-schema-v2.json"
INCLUDED = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)

SCHEMA_MESSAGE = (
    "The provided message did not meet the schema validation requirements for a feed "
    "message."
)


def _issue(code, message, message_id=None, sku=None, attribute=None):
    data = {"code": code, "severity": "ERROR", "message": message}
    if message_id is not None:
        data["messageId"] = message_id
    if sku:
        data["sku"] = sku
    if attribute:
        data["attributeName"] = attribute
    return data


def process(state, feed):
    """Apply a listings feed to the seller's listings; return its processing report,
    its content type and the feed's final status."""
    report, status = _process(state, feed)
    return json.dumps(report), REPORT_CONTENT_TYPE, status


def _process(state, feed):
    seller_id = feed["seller_id"]
    header = {"sellerId": seller_id, "version": "2.0", "feedId": feed["feedId"]}
    with state.lock:
        fatal = state.listings_feed_fatal.get(seller_id, 0)
        if fatal:
            state.listings_feed_fatal[seller_id] = fatal - 1
    if fatal:
        issue = _issue("4000000", "An internal error has occurred. Please try again.")
        return _report(header, [issue], 0, 0), "FATAL"
    try:
        document = json.loads(feed["input"].decode("utf-8"))
    except ValueError:
        issue = _issue("4002001", "Item 'Feed' cannot be parsed.")
        return _report(header, [issue], 0, 0), "FATAL"
    problems = _document_problems(document)
    if not problems and document["header"]["sellerId"] != seller_id:
        problems = ["the header's sellerId is not the seller who sent the feed"]
    if problems:
        issues = [
            _issue("4002008", f"The feed does not meet the schema: {problem}.")
            for problem in problems
        ]
        return _report(header, issues, 0, 0), "DONE"
    report_options = document["header"].get("report")
    if report_options:
        header["report"] = report_options
    issues = []
    accepted = []
    refused = 0
    items = state.listings.setdefault(seller_id, {})
    for message in document["messages"]:
        refusal = _message_problems(message)
        message_id = message.get("messageId") if isinstance(message, dict) else None
        sku = message.get("sku") if isinstance(message, dict) else None
        if refusal:
            refused += 1
            issues.append(
                _issue(
                    "4002008",
                    SCHEMA_MESSAGE,
                    message_id if isinstance(message_id, int) else None,
                    sku if isinstance(sku, str) else None,
                )
            )
            continue
        with state.lock:
            problems = _apply(state, items, message, feed["marketplaceIds"])
        for problem in problems:
            issues.append(
                _issue(
                    problem["code"],
                    problem["message"],
                    message_id,
                    sku,
                    (problem.get("attributeNames") or [None])[0],
                )
            )
        if problems:
            refused += 1
        else:
            accepted.append(sku)
    processed = len(document["messages"])
    report = _report(header, issues, processed, processed - refused)
    if report_options:
        included = report_options["includedData"]
        with state.lock:
            report["items"] = [
                listingsdata.render_item(items[sku], feed["marketplaceIds"], included)
                for sku in dict.fromkeys(accepted)
                if sku in items
            ]
        report["summary"]["itemSummary"] = {
            "items": len(report["items"]),
            "errors": 0,
            "warnings": 0,
        }
    return report, "DONE"


def _report(header, issues, processed, accepted):
    errors = sum(1 for i in issues if i["severity"] == "ERROR")
    return {
        "header": header,
        "issues": issues,
        "summary": {
            "errors": errors,
            "warnings": len(issues) - errors,
            "messagesProcessed": processed,
            "messagesAccepted": accepted,
            "messagesInvalid": processed - accepted,
        },
    }


def _apply(state, items, message, marketplace_ids):
    """Apply one valid message; return the issues that refuse it."""
    sku = message["sku"]
    kind = message["operationType"]
    item = items.get(sku)
    listed = item is not None and set(marketplace_ids) & set(item["marketplaces"])
    now = state.clock.now()
    if kind == "DELETE":
        if not listed:
            return [_not_found(sku, marketplace_ids)]
        del items[sku]
        return []
    if kind == "UPDATE" and (
        message["productType"] in PRODUCT_TYPES
        or message.get("requirements") == "LISTING_OFFER_ONLY"
    ):
        problems = product_type_rules.check(
            state,
            message["productType"],
            message.get("requirements"),
            message["attributes"],
            marketplace_ids,
        )
        if problems:
            return problems
    if item is None and kind == "UPDATE":
        # A new listing: Amazon matches or creates the catalog item (an ASIN).
        suggested = (message["attributes"].get("merchant_suggested_asin") or [{}])[0]
        item = listingsdata.new_item(
            sku,
            marketplace_ids,
            now,
            asin=suggested.get("value") or f"B0SBX{len(items):05d}",
            title=((message["attributes"].get("item_name") or [{}])[0]).get("value")
            or "",
            quantity=None,
        )
        item["attributes"] = {}
        item["productType"] = message["productType"]
        problems = listings_rules.apply_attributes(
            item, message["attributes"], marketplace_ids, partial=False
        )
        if not problems:
            items[sku] = item
        return problems
    if not listed:
        return [_not_found(sku, marketplace_ids)]
    if message["productType"] not in ("PRODUCT", item["productType"]):
        return [
            listings_rules.issue(
                "4000003",
                "The Amazon product type specified is invalid or not supported.",
            )
        ]
    if kind == "PATCH":
        problems = listings_rules.apply_patches(
            item, message["patches"], marketplace_ids
        )
    else:
        problems = listings_rules.apply_attributes(
            item, message["attributes"], marketplace_ids, partial=kind != "UPDATE"
        )
    if not problems:
        listings_rules.touch(item, marketplace_ids, now)
    return problems


def _not_found(sku, marketplace_ids):
    return listings_rules.issue(
        "NOT_FOUND",
        f"The SKU '{sku}' does not exist in marketplace {', '.join(marketplace_ids)}.",
    )


# === THE SCHEMA === #


@functools.cache
def _schema():
    """Amazon's feed schema and a validator class, when both are at hand."""
    try:
        import jsonschema  # noqa: PLC0415 - optional: the sandbox runs without it
    except ImportError:
        return None
    folder = os.environ.get("SPAPI_MODELS_DIR")
    path = (
        Path(folder)
        if folder
        else Path(__file__).resolve().parents[2].parent / "shared" / "spapi-models"
    ) / SCHEMA_NAME
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator
    return (
        validator(schema["properties"]["header"]),
        validator(schema["properties"]["messages"]["items"]),
        schema["properties"]["messages"],
    )


def schema_in_use():
    """Whether the checks use Amazon's schema file (else the transcribed rules)."""
    return _schema() is not None


def _document_problems(document):
    """What is wrong with a feed document's envelope (header, list of messages)."""
    if not isinstance(document, dict):
        return ["the document is not an object"]
    problems = []
    header = document.get("header")
    messages = document.get("messages")
    schema = _schema()
    if schema:
        header_validator, _message_validator, messages_schema = schema
        problems += [e.message for e in header_validator.iter_errors(header)]
        maximum = messages_schema["maxItems"]
        minimum = messages_schema["minItems"]
    else:
        maximum, minimum = MAX_MESSAGES, 1
        if not isinstance(header, dict):
            problems.append("the header is missing")
        else:
            if not isinstance(header.get("sellerId"), str):
                problems.append("the header has no sellerId")
            if header.get("version") != "2.0":
                problems.append("the header's version is not 2.0")
            if "issueLocale" in header and not isinstance(header["issueLocale"], str):
                problems.append("the header's issueLocale is not a string")
            report = header.get("report")
            if report is not None and not _valid_report_options(report):
                problems.append("the header's report is invalid")
    if not isinstance(messages, list):
        problems.append("messages is not a list")
    elif not minimum <= len(messages) <= maximum:
        problems.append(f"messages must hold {minimum} to {maximum} messages")
    return problems


def _valid_report_options(report):
    included = report.get("includedData") if isinstance(report, dict) else None
    return (
        isinstance(included, list)
        and included
        and all(i in INCLUDED for i in included)
        and report.get("apiVersion") == "2021-08-01"
    )


def _message_problems(message):
    """Why a message breaks the schema (a non-empty list), or an empty list."""
    schema = _schema()
    if schema:
        return [e.message for e in schema[1].iter_errors(message)]
    if not isinstance(message, dict):
        return ["not an object"]
    problems = []
    message_id = message.get("messageId")
    if (
        isinstance(message_id, bool)
        or not isinstance(message_id, int)
        or not 1 <= message_id <= 2147483647
    ):
        problems.append("messageId")
    sku = message.get("sku")
    if not isinstance(sku, str) or not sku:
        problems.append("sku")
    kind = message.get("operationType")
    if kind not in OPERATION_TYPES:
        return [*problems, "operationType"]
    product_type = message.get("productType")
    if "productType" in message and (
        not isinstance(product_type, str) or not product_type
    ):
        problems.append("productType")
    requirements = message.get("requirements")
    if "requirements" in message and requirements not in (
        "LISTING",
        "LISTING_PRODUCT_ONLY",
        "LISTING_OFFER_ONLY",
    ):
        problems.append("requirements")
    attributes = message.get("attributes")
    if "attributes" in message and not (isinstance(attributes, dict) and attributes):
        problems.append("attributes")
    patches = message.get("patches")
    if "patches" in message and not _valid_patches(patches):
        problems.append("patches")
    # The schema's oneOf: what each operation type needs and forbids.
    needs, forbids = {
        "UPDATE": (("productType", "attributes"), ("patches",)),
        "PARTIAL_UPDATE": (("productType", "attributes"), ("requirements", "patches")),
        "PATCH": (("productType", "patches"), ("requirements", "attributes")),
        "DELETE": ((), ("requirements", "attributes", "productType", "patches")),
    }[kind]
    problems += [f"{key} missing" for key in needs if key not in message]
    problems += [f"{key} not allowed" for key in forbids if key in message]
    return problems


def _valid_patches(patches):
    if not isinstance(patches, list) or not patches:
        return False
    for patch in patches:
        if not isinstance(patch, dict):
            return False
        if patch.get("op") not in ("add", "replace", "merge", "delete"):
            return False
        if not isinstance(patch.get("path"), str):
            return False
        value = patch.get("value")
        if "value" in patch and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            return False
    return True
