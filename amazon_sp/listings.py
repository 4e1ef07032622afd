"""The seller's listings through the Listings Items API 2021-08-01: reading them and
changing one (``patchListingsItem``).

- :func:`search_listings` and :func:`get_listing`: the Listings Items API, for what the
  report lacks (Amazon's issues on a listing, its product type) and for a few SKUs;
- :func:`patch_listing` with :func:`quantity_patch` and :func:`price_patch`: one
  listing changed at once; the same patches go in bulk in a ``JSON_LISTINGS_FEED``
  (:mod:`amazon_sp.listings_feed`).

Every listing read becomes a :class:`Listing` (one SKU in one marketplace). A whole
catalog is read from the merchant listings report instead
(:mod:`amazon_sp.listings_report`): a handful of calls whatever its size, where
``searchListingsItems`` needs one call per 20 SKUs and stops at 1,000 SKUs a search
(SPAPI notes 9.2).
"""

from dataclasses import dataclass
from decimal import Decimal

from sp_api.api.listings_items.listings_items_2021_08_01 import (
    ListingsItemsV20210801,
)

from .errors import InvalidInput, NotFound, Unavailable
from .orders import Money

PRODUCT_TYPE = "PRODUCT"
"""The product type of price- and quantity-only updates (SPAPI notes 9.1)."""
FBM_CHANNEL = "DEFAULT"
"""The fulfillment channel code of the seller's own stock (FBA codes are AMAZON_*)."""
SEARCH_PAGE_SIZE = 20
SEARCH_LIMIT = 1000
"""Amazon pages through at most this many SKUs per search."""
SEARCH_INCLUDED = ("summaries", "offers", "fulfillmentAvailability", "issues")


@dataclass(frozen=True)
class ListingIssue:
    """A problem Amazon sees with a listing or with a submission."""

    code: str
    message: str
    severity: str = "ERROR"
    attribute_names: tuple = ()

    @property
    def text(self):
        return f"{self.code}: {self.message}" if self.code else self.message


@dataclass(frozen=True)
class Listing:
    """One SKU of the seller in one marketplace, as Amazon holds it.

    :ivar str fulfillment: ``fbm`` (the seller ships) or ``fba`` (Amazon ships).
    :ivar int quantity: the quantity Amazon offers (FBM; None when unknown, or FBA).
    :ivar Money price: the standard price, None when the listing has none.
    :ivar str status: ``active``, ``inactive`` or ``incomplete``.
    :ivar str barcode: the EAN, UPC or ISBN Amazon lists the SKU under, if any.
    :ivar tuple issues: :class:`ListingIssue` records (the report has none).
    """

    sku: str
    marketplace_id: str
    asin: str = ""
    title: str = ""
    fulfillment: str = "fbm"
    quantity: int = None
    price: Money = None
    status: str = "active"
    barcode: str = ""
    barcode_type: str = ""
    product_type: str = ""
    issues: tuple = ()


@dataclass(frozen=True)
class Submission:
    """Amazon's answer to a listing change: ``ACCEPTED``, ``INVALID`` or ``VALID``
    (validation preview), with the issues."""

    sku: str
    status: str
    submission_id: str = ""
    issues: tuple = ()

    @property
    def accepted(self):
        return self.status in ("ACCEPTED", "VALID") and not any(
            issue.severity == "ERROR" for issue in self.issues
        )


# === LISTINGS ITEMS API === #


@dataclass(frozen=True)
class SearchResult:
    """Listings found by :func:`search_listings`.

    :ivar int total: how many Amazon says match (``numberOfResults``).
    :ivar bool truncated: Amazon stopped before the last one (the 1,000 SKUs limit, or
        ``max_pages``).
    """

    listings: tuple
    total: int
    truncated: bool


def search_listings(
    connection,
    seller_id,
    marketplace_id,
    *,
    skus=None,
    with_issue_severity=None,
    included=SEARCH_INCLUDED,
    issue_locale=None,
    max_pages=None,
):
    """Search the seller's listings of a marketplace (``searchListingsItems``).

    :param list skus: only these SKUs (20 a call); otherwise every listing, up to
        Amazon's 1,000 a search.
    :param list with_issue_severity: only listings with issues of these severities
        (``ERROR``, ``WARNING``).
    :param int max_pages: stop after this many pages (per chunk of SKUs).
    :rtype: SearchResult
    """
    base = {
        "marketplaceIds": marketplace_id,
        "includedData": ",".join(included),
        "pageSize": SEARCH_PAGE_SIZE,
    }
    if with_issue_severity:
        base["withIssueSeverity"] = ",".join(with_issue_severity)
    if issue_locale:
        base["issueLocale"] = issue_locale
    if skus is None:
        chunks = [None]
    else:
        skus = list(skus)
        chunks = [
            skus[i : i + SEARCH_PAGE_SIZE]
            for i in range(0, len(skus), SEARCH_PAGE_SIZE)
        ]
    listings = []
    total = 0
    truncated = False
    with connection.client(
        ListingsItemsV20210801, marketplace_id=marketplace_id
    ) as client:
        for chunk in chunks:
            params = dict(base)
            if chunk is not None:
                if not chunk:
                    continue
                params.update(identifiers=",".join(chunk), identifiersType="SKU")
            pages = 0
            while True:
                response = connection.call(
                    "listingsItems.searchListingsItems",
                    client.search_listings_items,
                    seller_id,
                    **params,
                )
                payload = response.payload or {}
                items = payload.get("items")
                if not isinstance(items, list):
                    raise Unavailable(
                        "Amazon answered searchListingsItems without items."
                    )
                if pages == 0:
                    total += int(payload.get("numberOfResults") or 0)
                listings.extend(
                    parse_listings_item(item, marketplace_id)
                    for item in items
                    if isinstance(item, dict) and item.get("sku")
                )
                pages += 1
                # The library takes the pagination out of the payload.
                token = (response.pagination or {}).get("nextToken")
                if not token:
                    break
                if max_pages and pages >= max_pages:
                    truncated = True
                    break
                params["pageToken"] = token
    truncated = truncated or len(listings) < total
    return SearchResult(tuple(listings), total, truncated)


def get_listing(connection, seller_id, sku, marketplace_id, issue_locale=None):
    """One listing as Amazon holds it now (``getListingsItem``).

    :return: the listing, or None if Amazon has no such SKU.
    :rtype: Listing | None
    """
    params = {"marketplaceIds": marketplace_id, "includedData": SEARCH_INCLUDED}
    if issue_locale:
        params["issueLocale"] = issue_locale
    with connection.client(
        ListingsItemsV20210801, marketplace_id=marketplace_id
    ) as client:
        try:
            response = connection.call(
                "listingsItems.getListingsItem",
                client.get_listings_item,
                seller_id,
                sku,
                **params,
            )
        except NotFound:
            return None
    return parse_listings_item(response.payload or {}, marketplace_id)


def patch_listing(
    connection,
    seller_id,
    sku,
    marketplace_ids,
    patches,
    *,
    product_type=PRODUCT_TYPE,
    issue_locale=None,
    mode=None,
):
    """Change one listing at once (``patchListingsItem``).

    :param list marketplace_ids: the marketplaces the patches apply to.
    :param list patches: JSON patches, e.g. from :func:`quantity_patch` and
        :func:`price_patch`.
    :param str mode: ``VALIDATION_PREVIEW`` to have Amazon check the patches without
        applying them.
    :rtype: Submission
    """
    if not patches:
        raise InvalidInput("Nothing to send: no patch.")
    params = {
        # A list would become repeated keys; Amazon documents a comma-separated one.
        "marketplaceIds": ",".join(marketplace_ids),
        "includedData": "issues",
    }
    if issue_locale:
        params["issueLocale"] = issue_locale
    if mode:
        params["mode"] = mode
    body = {"productType": product_type, "patches": list(patches)}
    with connection.client(
        ListingsItemsV20210801, marketplace_id=marketplace_ids[0]
    ) as client:
        response = connection.call(
            "listingsItems.patchListingsItem",
            client.patch_listings_item,
            seller_id,
            sku,
            body=body,
            **params,
        )
    return parse_submission(response.payload or {}, sku, "patchListingsItem")


def parse_submission(payload, sku, operation):
    """Read a ``ListingsItemSubmissionResponse``.

    :rtype: Submission
    """
    if not payload.get("status"):
        raise Unavailable(f"Amazon answered {operation} without a status.")
    return Submission(
        sku=payload.get("sku") or sku,
        status=payload["status"],
        submission_id=payload.get("submissionId") or "",
        issues=tuple(_issue(i) for i in payload.get("issues") or () if i),
    )


def parse_listings_item(item, marketplace_id):
    """Read a Listings Items API ``Item`` for one marketplace.

    :rtype: Listing
    """
    summary = next(
        (
            s
            for s in item.get("summaries") or ()
            if s.get("marketplaceId") == marketplace_id
        ),
        {},
    )
    price = None
    for offer in item.get("offers") or ():
        audience = (offer.get("audience") or {}).get("value", "ALL")
        if (
            offer.get("marketplaceId") == marketplace_id
            and offer.get("offerType", "B2C") == "B2C"
            and audience == "ALL"
        ):
            money = offer.get("price") or {}
            try:
                price = Money(Decimal(str(money["amount"])), str(money["currencyCode"]))
            except (KeyError, ArithmeticError, ValueError):
                price = None
            break
    quantity = None
    fulfillment = "fbm"
    for availability in item.get("fulfillmentAvailability") or ():
        code = availability.get("fulfillmentChannelCode") or ""
        if code == FBM_CHANNEL:
            quantity = availability.get("quantity")
        elif code.startswith("AMAZON"):
            fulfillment = "fba"
    issues = tuple(
        _issue(i)
        for i in item.get("issues") or ()
        if i and (not i.get("marketplaceIds") or marketplace_id in i["marketplaceIds"])
    )
    statuses = summary.get("status") or ()
    if "BUYABLE" in statuses:
        status = "active"
    elif any(i.severity == "ERROR" for i in issues):
        status = "incomplete"
    else:
        status = "inactive"
    return Listing(
        sku=item.get("sku") or "",
        marketplace_id=marketplace_id,
        asin=summary.get("asin") or "",
        title=summary.get("itemName") or "",
        fulfillment=fulfillment,
        quantity=quantity if isinstance(quantity, int) and quantity >= 0 else None,
        price=price,
        status=status,
        product_type=summary.get("productType") or "",
        issues=issues,
    )


def _issue(data):
    return ListingIssue(
        code=str(data.get("code") or ""),
        message=str(data.get("message") or ""),
        severity=str(data.get("severity") or "ERROR"),
        attribute_names=tuple(data.get("attributeNames") or ()),
    )


# === PATCHES === #


def quantity_patch(quantity, handling_days=None):
    """The patch that sets the quantity the seller ships itself (FBM), and its
    handling time when given.

    ``merge`` keeps what it does not name (restock date, handling time when not
    given), as Amazon documents it ("Merge a listing").

    :param int quantity: units offered, 0 or more.
    :param int handling_days: days to ship (``lead_time_to_ship_max_days``).
    :rtype: dict
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise InvalidInput(f"A quantity must be a count, not {quantity!r}.")
    value = {"fulfillment_channel_code": FBM_CHANNEL, "quantity": quantity}
    if handling_days:
        if not isinstance(handling_days, int) or handling_days < 0:
            raise InvalidInput(f"A handling time must be days, not {handling_days!r}.")
        value["lead_time_to_ship_max_days"] = handling_days
    return {
        "op": "merge",
        "path": "/attributes/fulfillment_availability",
        "value": [value],
    }


def price_patch(marketplace_id, price):
    """The patch that sets a listing's standard price in one marketplace.

    ``merge`` on the selectors ``marketplace_id`` and ``audience`` changes this price
    only: the prices of other marketplaces, business (B2B) prices and minimum and
    maximum prices stay as they are.

    :param Money price: the price buyers pay (tax included where the marketplace's
        prices include tax), in the marketplace's currency.
    :rtype: dict
    """
    if price is None or price.amount <= 0:
        raise InvalidInput("A price must be above zero.")
    return {
        "op": "merge",
        "path": "/attributes/purchasable_offer",
        "value": [
            {
                "marketplace_id": marketplace_id,
                "currency": price.currency,
                "audience": "ALL",
                "our_price": [{"schedule": [{"value_with_tax": json_number(price)}]}],
            }
        ],
    }


def json_number(money):
    """The amount of ``money`` as a JSON number that reads back as the same decimal.

    :raise InvalidInput: if it has more digits than a JSON reader keeps.
    """
    amount = money.amount if isinstance(money, Money) else Decimal(money)
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise InvalidInput(f"{amount} cannot be sent exactly.")
    return number
