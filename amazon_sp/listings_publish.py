"""Creating and removing one listing through the Listings Items API 2021-08-01.

- :func:`put_listing` (``putListingsItem``) creates or fully replaces a listing from
  its attributes; with ``mode=VALIDATION_PREVIEW`` Amazon only checks it and answers
  its issues (**Check with Amazon**), nothing is listed;
- :func:`delete_listing` (``deleteListingsItem``) removes the seller's listing of a
  SKU from a marketplace (the Amazon product stays in the catalog).

Many listings are created at once in a ``JSON_LISTINGS_FEED`` instead
(:mod:`amazon_sp.listing_attributes`, :mod:`amazon_sp.listings_feed`).
"""

from sp_api.api.listings_items.listings_items_2021_08_01 import (
    ListingsItemsV20210801,
)
from sp_api.base.helpers import fill_query_params

from .errors import InvalidInput
from .listings import parse_submission
from .product_types import REQUIREMENTS

VALIDATION_PREVIEW = "VALIDATION_PREVIEW"
DELETE_PATH = "/listings/2021-08-01/items/{}/{}"


def put_listing(
    connection,
    seller_id,
    sku,
    marketplace_id,
    product_type,
    attributes,
    *,
    requirements="LISTING",
    mode=None,
    issue_locale=None,
):
    """Create or replace a listing (``putListingsItem``), or only have it checked.

    :param dict attributes: the listing's attributes, as a feed ``UPDATE`` message
        holds them.
    :param str mode: :data:`VALIDATION_PREVIEW` to check without listing.
    :rtype: amazon_sp.listings.Submission
    """
    if not attributes:
        raise InvalidInput("A listing needs attributes.")
    if requirements not in REQUIREMENTS:
        raise InvalidInput(f"{requirements!r} is not a requirements set of Amazon's.")
    params = {"marketplaceIds": marketplace_id, "includedData": "issues"}
    if mode:
        params["mode"] = mode
    if issue_locale:
        params["issueLocale"] = issue_locale
    body = {
        "productType": product_type,
        "requirements": requirements,
        "attributes": dict(attributes),
    }
    with connection.client(
        ListingsItemsV20210801, marketplace_id=marketplace_id
    ) as client:
        response = connection.call(
            "listingsItems.putListingsItem",
            client.put_listings_item,
            seller_id,
            sku,
            body=body,
            **params,
        )
    return parse_submission(response.payload or {}, sku, "putListingsItem")


def delete_listing(connection, seller_id, sku, marketplace_id, *, issue_locale=None):
    """Remove a listing from a marketplace (``deleteListingsItem``).

    :rtype: amazon_sp.listings.Submission
    """
    params = {"marketplaceIds": marketplace_id}
    if issue_locale:
        params["issueLocale"] = issue_locale
    with connection.client(
        ListingsItemsV20210801, marketplace_id=marketplace_id
    ) as client:
        response = connection.call(
            "listingsItems.deleteListingsItem", _delete, client, seller_id, sku, params
        )
    return parse_submission(response.payload or {}, sku, "deleteListingsItem")


def _delete(client, seller_id, sku, params):
    """``deleteListingsItem`` with its query: the library's method sends the
    parameters of a DELETE nowhere (they go to a body it drops), so that Amazon
    would refuse it for want of ``marketplaceIds``."""
    path = fill_query_params(DELETE_PATH, seller_id, sku)
    return client._request(path, params={**params, "method": "DELETE"})
