"""``JSON_LISTINGS_FEED``: many listings changed in one feed, and Amazon's verdict on
each change.

- :class:`FeedMessage` is one change of one SKU, of any operation type (``PATCH``,
  ``PARTIAL_UPDATE``, ``UPDATE``, ``DELETE``), with a ``key`` that says what it stands
  for on the caller's side (an offer and what is sent, a product...);
- :func:`build_feeds` writes the feed documents (Amazon's schema
  ``listings-feed-schema-v2.json``), numbering the messages, and splits them over as
  many feeds as Amazon's limits need (25,000 messages, and a document size kept under
  10 MiB);
- :func:`submit_listings_feed` sends one, :func:`listings_feed_report` reads its
  processing report (``listings-feed-processing-report-schema-v2.json``) into a
  :class:`ProcessingReport`, whose :meth:`ProcessingReport.outcome` gives each
  message's fate by its message id.
"""

import json
from dataclasses import dataclass, field

from . import feeds
from .errors import InvalidInput

FEED_TYPE = "JSON_LISTINGS_FEED"
CONTENT_TYPE = "application/json; charset=UTF-8"
MAX_MESSAGES = 25000
"""Messages per feed, at most (the schema's ``maxItems``)."""
MAX_BYTES = 10 * 1024 * 1024
"""Amazon advises feed documents under 10 MiB (Feeds API best practices)."""
OPERATION_TYPES = ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE")
PATCH_OPS = ("add", "replace", "merge", "delete")

ACCEPTED = "accepted"
REFUSED = "refused"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class FeedMessage:
    """One change of one SKU in a listings feed.

    :param str sku: the seller SKU.
    :param str operation_type: one of :data:`OPERATION_TYPES`.
    :param str product_type: Amazon's product type (``PRODUCT`` for offer-only
        changes); not for ``DELETE``.
    :param tuple patches: JSON patches (``PATCH``).
    :param dict attributes: attributes (``UPDATE``, ``PARTIAL_UPDATE``).
    :param str requirements: ``LISTING``, ``LISTING_PRODUCT_ONLY`` or
        ``LISTING_OFFER_ONLY`` (``UPDATE``).
    :param key: what the message stands for, for the caller; it comes back with the
        message's outcome. Any value that JSON can write.
    """

    sku: str
    operation_type: str = "PATCH"
    product_type: str = "PRODUCT"
    patches: tuple = ()
    attributes: dict = None
    requirements: str = None
    key: object = None

    def body(self, message_id):
        """The message as the feed writes it.

        :raise InvalidInput: if it breaks the schema's rules.
        """
        if not self.sku:
            raise InvalidInput("A listings feed message needs a SKU.")
        kind = self.operation_type
        if kind not in OPERATION_TYPES:
            raise InvalidInput(f"{kind!r} is not a listings feed operation type.")
        body = {"messageId": message_id, "sku": self.sku, "operationType": kind}
        if kind == "DELETE":
            return body
        if not self.product_type:
            raise InvalidInput(f"A {kind} message needs a product type.")
        body["productType"] = self.product_type
        if kind == "PATCH":
            if not self.patches or self.attributes:
                raise InvalidInput("A PATCH message has patches, and no attributes.")
            for patch in self.patches:
                if patch.get("op") not in PATCH_OPS or not patch.get("path"):
                    raise InvalidInput(f"{patch!r} is not a JSON patch of Amazon's.")
            body["patches"] = list(self.patches)
            return body
        if not self.attributes or self.patches:
            raise InvalidInput(f"A {kind} message has attributes, and no patches.")
        if self.requirements:
            if kind != "UPDATE":
                raise InvalidInput("Only an UPDATE message names its requirements.")
            body["requirements"] = self.requirements
        body["attributes"] = dict(self.attributes)
        return body


@dataclass(frozen=True)
class ListingsFeed:
    """A feed document ready to send.

    :ivar bytes content: the document (UTF-8 JSON).
    :ivar dict keys: message id -> the message's ``key``.
    :ivar dict skus: message id -> SKU.
    """

    content: bytes
    keys: dict
    skus: dict
    marketplace_ids: tuple

    @property
    def message_count(self):
        return len(self.keys)


def build_feeds(
    seller_id,
    messages,
    marketplace_ids,
    *,
    issue_locale=None,
    max_messages=MAX_MESSAGES,
    max_bytes=MAX_BYTES,
):
    """Write the feed documents of some messages, as few as Amazon's limits allow.

    Messages keep their order; each feed numbers its messages from 1.

    :param str seller_id: the seller's merchant token (the feed's header).
    :param list messages: :class:`FeedMessage` records.
    :param list marketplace_ids: the marketplaces the feeds are sent for.
    :param str issue_locale: the language of Amazon's messages, e.g. ``de_DE``.
    :rtype: list[ListingsFeed]
    :raise InvalidInput: if a message breaks the schema's rules, or alone exceeds the
        size limit.
    """
    if not seller_id:
        raise InvalidInput("A listings feed needs the seller ID.")
    header = {"sellerId": seller_id, "version": "2.0"}
    if issue_locale:
        header["issueLocale"] = issue_locale
    opening = ('{"header":' + _dumps(header) + ',"messages":[').encode()
    closing = b"]}"
    feeds_built = []
    chunk = []  # (encoded message, message)

    def flush():
        if not chunk:
            return
        content = opening + b",".join(encoded for encoded, _m in chunk) + closing
        feeds_built.append(
            ListingsFeed(
                content=content,
                keys={n: m.key for n, (_e, m) in enumerate(chunk, start=1)},
                skus={n: m.sku for n, (_e, m) in enumerate(chunk, start=1)},
                marketplace_ids=tuple(marketplace_ids),
            )
        )
        chunk.clear()

    size = len(opening) + len(closing)
    for message in messages:
        encoded = _dumps(message.body(len(chunk) + 1)).encode()
        if chunk and (
            len(chunk) >= max_messages or size + len(encoded) + 1 > max_bytes
        ):
            flush()
            size = len(opening) + len(closing)
            encoded = _dumps(message.body(1)).encode()
        if size + len(encoded) > max_bytes:
            raise InvalidInput(f"The message of SKU {message.sku} is too large.")
        chunk.append((encoded, message))
        size += len(encoded) + 1
    flush()
    return feeds_built


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def submit_listings_feed(connection, feed):
    """Send a listings feed.

    :param ListingsFeed feed: from :func:`build_feeds`.
    :return: Amazon's feed id.
    :rtype: str
    """
    return feeds.submit_feed(
        connection, FEED_TYPE, feed.content, CONTENT_TYPE, list(feed.marketplace_ids)
    )


# === PROCESSING REPORT === #


@dataclass(frozen=True)
class FeedIssue:
    """An issue of a processing report; ``message_id`` is None for the feed's own."""

    severity: str
    message: str
    message_id: int = None
    sku: str = ""
    code: str = ""
    attribute_name: str = ""

    @property
    def text(self):
        return f"{self.code}: {self.message}" if self.code else self.message


@dataclass(frozen=True)
class ProcessingReport:
    """A listings feed's processing report."""

    feed_id: str
    processed: int
    accepted: int
    invalid: int
    errors: int
    warnings: int
    issues: tuple = ()
    items: tuple = ()
    _by_message: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        by_message = {}
        for issue in self.issues:
            if issue.message_id is not None:
                by_message.setdefault(issue.message_id, []).append(issue)
        object.__setattr__(self, "_by_message", by_message)

    @property
    def feed_issues(self):
        """The issues of the feed as a whole (no message id), errors first."""
        return tuple(
            sorted(
                (i for i in self.issues if i.message_id is None),
                key=lambda i: i.severity != "ERROR",
            )
        )

    def issues_of(self, message_id):
        return tuple(self._by_message.get(message_id, ()))

    def outcome(self, message_id):
        """What became of a message: :data:`ACCEPTED`, :data:`REFUSED` (an issue of
        severity ERROR names it), or :data:`UNKNOWN` (the feed has errors of its own
        and nothing says this message went through).

        :return: the outcome and the message's issues.
        :rtype: tuple(str, tuple)
        """
        issues = self.issues_of(message_id)
        if any(i.severity == "ERROR" for i in issues):
            return REFUSED, issues
        if any(i.severity == "ERROR" for i in self.feed_issues):
            return UNKNOWN, issues
        return ACCEPTED, issues


def parse_processing_report(text):
    """Read a ``JSON_LISTINGS_FEED`` processing report.

    :rtype: ProcessingReport
    :raise InvalidInput: if it is not one.
    """
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        raise InvalidInput("The processing report is not JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("summary"), dict):
        raise InvalidInput("The processing report has no summary.")
    issues = []
    for row in data.get("issues") or ():
        if not isinstance(row, dict):
            continue
        message_id = row.get("messageId")
        issue = FeedIssue(
            severity=str(row.get("severity") or "ERROR"),
            message=str(row.get("message") or ""),
            message_id=message_id if isinstance(message_id, int) else None,
            sku=str(row.get("sku") or ""),
            code=str(row.get("code") or ""),
            attribute_name=str(row.get("attributeName") or ""),
        )
        issues.append(issue)
    summary = data["summary"]

    def count(name):
        value = summary.get(name)
        return value if isinstance(value, int) else 0

    return ProcessingReport(
        feed_id=str((data.get("header") or {}).get("feedId") or ""),
        processed=count("messagesProcessed"),
        accepted=count("messagesAccepted"),
        invalid=count("messagesInvalid"),
        errors=count("errors"),
        warnings=count("warnings"),
        issues=tuple(issues),
        items=tuple(data.get("items") or ()),
    )


def listings_feed_report(connection, document_id):
    """Download and read a listings feed's processing report.

    :param str document_id: the feed's ``resultFeedDocumentId``.
    :rtype: ProcessingReport
    """
    return parse_processing_report(feeds.feed_result_document(connection, document_id))
