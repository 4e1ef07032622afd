"""The Product Type Definitions API 2020-09-01: which Amazon product types exist, and
the JSON Schema that says what a listing of one must hold.

- :func:`search_product_types` (``searchDefinitionsProductTypes``) by keywords or by
  an item's name;
- :func:`get_product_type` (``getDefinitionsProductType``): the definition of one
  product type in one marketplace, for one requirements set (``LISTING``: product
  facts and offer; ``LISTING_OFFER_ONLY``: an offer on an existing ASIN), with the
  link to its schema;
- :func:`download_schema`: the schema itself, a JSON Schema 2019-09 document with
  Amazon's own vocabulary (see :mod:`amazon_sp.listing_schema`), served at a document
  URL (not an SP-API call: no token is sent there);
- :attr:`ProductTypeDefinition.cache_key`: a schema is the same for one product type,
  marketplace, requirements set and version, so callers keep it under that key and
  download it again only when Amazon announces another version.
"""

import json
from dataclasses import dataclass

import httpx
from sp_api.api.product_type_definitions.product_type_definitions import (
    ProductTypeDefinitions,
)

from .auth import DEFAULT_TIMEOUT
from .errors import InvalidInput, Unavailable

REQUIREMENTS = ("LISTING", "LISTING_PRODUCT_ONLY", "LISTING_OFFER_ONLY")
OFFER_ONLY = "LISTING_OFFER_ONLY"
OFFER_PRODUCT_TYPE = "PRODUCT"
"""The product type of offers on an existing ASIN (Amazon's guide: "Listing offers
with the PRODUCT product type")."""


@dataclass(frozen=True)
class ProductTypeSummary:
    """A product type found by :func:`search_product_types`."""

    name: str
    display_name: str
    marketplace_ids: tuple = ()


@dataclass(frozen=True)
class ProductTypeDefinition:
    """What :func:`get_product_type` answers.

    :ivar str version: Amazon's version identifier of the product type.
    :ivar str schema_url: where the schema is downloaded.
    :ivar str checksum: Amazon's checksum of the schema.
    :ivar dict property_groups: group name -> ``{"title", "propertyNames"}``.
    """

    product_type: str
    marketplace_id: str
    requirements: str
    requirements_enforced: str
    display_name: str
    version: str
    locale: str
    schema_url: str
    checksum: str = ""
    property_groups: dict = None

    @property
    def cache_key(self):
        """The key a downloaded schema is kept under."""
        return "/".join(
            (self.product_type, self.marketplace_id, self.requirements, self.version)
        )


def search_product_types(
    connection, marketplace_id, *, keywords=None, item_name=None, locale=None
):
    """Search Amazon's product types (``searchDefinitionsProductTypes``).

    :param list keywords: words to search for, e.g. ``["luggage"]``.
    :param str item_name: the title of a product, for Amazon's recommendation (not
        with ``keywords``).
    :rtype: list[ProductTypeSummary]
    """
    if keywords and item_name:
        raise InvalidInput(
            "Search product types by keywords or by item name, not both."
        )
    params = {"marketplaceIds": marketplace_id}
    if keywords:
        params["keywords"] = ",".join(
            k.strip() for k in ([keywords] if isinstance(keywords, str) else keywords)
        )
    if item_name:
        params["itemName"] = item_name
    if locale:
        params["locale"] = locale
    with connection.client(
        ProductTypeDefinitions, marketplace_id=marketplace_id
    ) as client:
        response = connection.call(
            "productTypeDefinitions.searchDefinitionsProductTypes",
            client.search_definitions_product_types,
            **params,
        )
    rows = (response.payload or {}).get("productTypes")
    if not isinstance(rows, list):
        raise Unavailable("Amazon answered the product type search without a list.")
    return [
        ProductTypeSummary(
            name=str(row["name"]),
            display_name=str(row.get("displayName") or row["name"]),
            marketplace_ids=tuple(row.get("marketplaceIds") or ()),
        )
        for row in rows
        if isinstance(row, dict) and row.get("name")
    ]


def get_product_type(
    connection,
    product_type,
    marketplace_id,
    *,
    requirements="LISTING",
    seller_id=None,
    locale=None,
):
    """The definition of a product type (``getDefinitionsProductType``).

    :param str requirements: one of :data:`REQUIREMENTS`.
    :param str seller_id: for seller-specific values (brands the seller may use).
    :rtype: ProductTypeDefinition
    """
    if requirements not in REQUIREMENTS:
        raise InvalidInput(f"{requirements!r} is not a requirements set of Amazon's.")
    params = {
        "marketplaceIds": marketplace_id,
        "requirements": requirements,
        "requirementsEnforced": "ENFORCED",
        "productTypeVersion": "LATEST",
    }
    if seller_id:
        params["sellerId"] = seller_id
    if locale:
        params["locale"] = locale
    with connection.client(
        ProductTypeDefinitions, marketplace_id=marketplace_id
    ) as client:
        response = connection.call(
            "productTypeDefinitions.getDefinitionsProductType",
            client.get_definitions_product_type,
            product_type,
            **params,
        )
    return parse_definition(response.payload or {}, marketplace_id)


def parse_definition(payload, marketplace_id):
    """Read a ``ProductTypeDefinition`` payload.

    :rtype: ProductTypeDefinition
    :raise Unavailable: if it has no schema link.
    """
    schema = payload.get("schema") or {}
    link = (schema.get("link") or {}).get("resource")
    if not link or not payload.get("productType"):
        raise Unavailable("Amazon answered the product type without a schema link.")
    version = payload.get("productTypeVersion") or {}
    return ProductTypeDefinition(
        product_type=str(payload["productType"]),
        marketplace_id=marketplace_id,
        requirements=str(payload.get("requirements") or "LISTING"),
        requirements_enforced=str(payload.get("requirementsEnforced") or "ENFORCED"),
        display_name=str(payload.get("displayName") or payload["productType"]),
        version=str(version.get("version") or ""),
        locale=str(payload.get("locale") or ""),
        schema_url=str(link),
        checksum=str(schema.get("checksum") or ""),
        property_groups=dict(payload.get("propertyGroups") or {}),
    )


def download_schema(definition, *, timeout=DEFAULT_TIMEOUT, transport=None):
    """Download the schema of a product type definition.

    The link is a pre-signed document URL: nothing of the seller's is sent there.

    :param ProductTypeDefinition definition: from :func:`get_product_type`.
    :return: the schema.
    :rtype: dict
    :raise Unavailable: if it cannot be downloaded or is not a JSON object.
    """
    try:
        with httpx.Client(timeout=timeout, transport=transport) as client:
            response = client.get(definition.schema_url)
    except httpx.HTTPError as exc:
        raise Unavailable(
            f"The schema of {definition.product_type} could not be downloaded: "
            f"{type(exc).__name__}."
        ) from exc
    if response.status_code != 200:
        raise Unavailable(
            f"The schema of {definition.product_type} could not be downloaded "
            f"(HTTP {response.status_code}).",
            status=response.status_code,
        )
    try:
        schema = json.loads(response.content)
    except ValueError:
        schema = None
    if not isinstance(schema, dict):
        raise Unavailable(f"The schema of {definition.product_type} is not JSON.")
    return schema
