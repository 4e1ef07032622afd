"""Product Type Definitions API 2020-09-01, as the sandbox serves it:
``searchDefinitionsProductTypes`` (by keywords or an item's name) and
``getDefinitionsProductType``, on the product types of :mod:`.product_type_data`.

A definition links to its schema at a document URL of the sandbox
(``/_sandbox/schemas/...``, not an SP-API call, as Amazon's pre-signed links are not),
with the Base64 MD5 checksum of the document.
"""

import base64
import hashlib
import json

from . import product_type_data
from .protocol import ApiError, Response, invalid_input
from .state import marketplace_payload


def _marketplace(request):
    marketplace_ids = request.csv("marketplaceIds")
    if not marketplace_ids:
        raise invalid_input("Missing required 'marketplaceIds'.")
    unknown = [m for m in marketplace_ids if m not in request.seller.marketplaces]
    if unknown:
        raise invalid_input(f"Invalid marketplaceIds: {', '.join(unknown)}.")
    return marketplace_ids


def search(sandbox, request):
    marketplace_ids = _marketplace(request)
    keywords = [k.lower() for k in request.csv("keywords")]
    item_name = request.arg("itemName")
    if keywords and item_name:
        raise invalid_input("Cannot use 'keywords' and 'itemName' together.")
    words = keywords or [w.lower().strip(",.") for w in (item_name or "").split()]
    found = []
    for name, data in product_type_data.PRODUCT_TYPES.items():
        if words and not any(
            word in data["keywords"]
            or word in name.lower()
            or (len(word) > 3 and any(word.startswith(k) for k in data["keywords"]))
            for word in words
        ):
            continue
        found.append(
            {
                "name": name,
                "displayName": data["displayName"],
                "marketplaceIds": list(marketplace_ids),
            }
        )
    return Response(200, {"productTypes": found, "productTypeVersion": "LATEST"})


def _document(product_type, requirements, marketplace_id):
    schema = product_type_data.schema(product_type, marketplace_id, requirements)
    return json.dumps(schema, sort_keys=True).encode("utf-8")


def get_definition(sandbox, request):
    marketplace_ids = _marketplace(request)
    if len(marketplace_ids) > 1:
        raise invalid_input("Only one marketplaceId is supported.")
    marketplace_id = marketplace_ids[0]
    name = request.params["productType"].upper()
    data = product_type_data.PRODUCT_TYPES.get(name)
    if data is None:
        raise ApiError(
            404, "NOT_FOUND", f"Product type '{name}' not found for the marketplace."
        )
    requirements = request.arg("requirements") or "LISTING"
    if requirements not in data["requirements"]:
        raise invalid_input(
            f"Requirements '{requirements}' are not supported for product type "
            f"'{name}'."
        )
    enforced = request.arg("requirementsEnforced") or "ENFORCED"
    if enforced not in ("ENFORCED", "NOT_ENFORCED"):
        raise invalid_input("Invalid 'requirementsEnforced'.")
    document = _document(name, requirements, marketplace_id)
    checksum = base64.b64encode(hashlib.md5(document).digest()).decode()
    base = f"{sandbox.url}/_sandbox/schemas"
    locale = (
        request.arg("locale")
        or marketplace_payload(marketplace_id)["defaultLanguageCode"]
    )
    return Response(
        200,
        {
            "metaSchema": {
                "link": {"resource": f"{base}/meta-schema-v1", "verb": "GET"},
                "checksum": "sandbox-meta-schema-v1",
            },
            "schema": {
                "link": {
                    "resource": f"{base}/{name}/{requirements}/{marketplace_id}",
                    "verb": "GET",
                },
                "checksum": checksum,
            },
            "requirements": requirements,
            "requirementsEnforced": enforced,
            "propertyGroups": product_type_data.property_groups(name),
            "locale": locale,
            "marketplaceIds": [marketplace_id],
            "productType": name,
            "displayName": data["displayName"],
            "productTypeVersion": {
                "version": data["version"],
                "latest": True,
                "releaseCandidate": False,
            },
        },
    )


def get_schema_document(sandbox, request):
    """The schema document behind a definition's link (not an SP-API call)."""
    name = request.params["productType"]
    requirements = request.params["requirements"]
    data = product_type_data.PRODUCT_TYPES.get(name)
    if data is None or requirements not in data["requirements"]:
        return Response(
            404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="text/xml"
        )
    with sandbox.state.lock:
        sandbox.state.schema_downloads += 1
    return Response(200, _document(name, requirements, request.params["marketplaceId"]))


def register(router):
    router.add(
        "GET",
        "/definitions/2020-09-01/productTypes",
        search,
        "productTypeDefinitions.searchDefinitionsProductTypes",
    )
    router.add(
        "GET",
        "/definitions/2020-09-01/productTypes/{productType}",
        get_definition,
        "productTypeDefinitions.getDefinitionsProductType",
    )
    router.add(
        "GET",
        "/_sandbox/schemas/{productType}/{requirements}/{marketplaceId}",
        get_schema_document,
        spapi=False,
    )
