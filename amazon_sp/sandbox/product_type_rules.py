"""How the sandbox checks a listing against its product type, as Amazon does when a
listing is created or replaced (a feed's ``UPDATE`` message, ``putListingsItem``).

The attributes are validated against the schema of :mod:`.product_type_data` with
``jsonschema`` (2019-09, plus ``maxUtf8ByteLength`` and ``maxUniqueItems`` of Amazon's
vocabulary, written here on their own: the sandbox shares no code with the client's
validation). Issues are Amazon-shaped, one per attribute: ``90220`` (a required
attribute missing, "'Brand Name' is required but not supplied."), ``4000001`` (an
invalid value), ``4000003`` (an unknown product type), and two checks a schema cannot
make, as Amazon's catalog does: ``5665`` (a brand that needs Amazon's approval,
:data:`GATED_BRANDS` or ``state.gated_brands``) and ``8541`` (an offer on an ASIN
Amazon does not have).
"""

import functools
import json

from jsonschema import Draft201909Validator, ValidationError, validators

from . import catalogdata, product_type_data

GATED_BRANDS = ("GatedBrand",)


def _max_utf8(validator, limit, instance, schema):
    if isinstance(instance, str) and len(instance.encode("utf-8")) > limit:
        yield ValidationError(f"longer than {limit} bytes")


def _max_unique(validator, limit, instance, schema):
    if isinstance(instance, list):
        distinct = {json.dumps(v, sort_keys=True) for v in instance}
        if len(distinct) > limit:
            yield ValidationError(f"more than {limit} unique items")


_Validator = validators.extend(
    Draft201909Validator,
    {"maxUtf8ByteLength": _max_utf8, "maxUniqueItems": _max_unique},
)


@functools.cache
def _validator(product_type, marketplace_id, requirements):
    return _Validator(
        product_type_data.schema(product_type, marketplace_id, requirements)
    )


def issue(code, message, attribute=None, category="INVALID_ATTRIBUTE"):
    data = {
        "code": code,
        "message": message,
        "severity": "ERROR",
        "categories": [category],
    }
    if attribute:
        data["attributeNames"] = [attribute]
    return data


def check(state, product_type, requirements, attributes, marketplace_ids):
    """Amazon's issues with a listing, or an empty list.

    :param str requirements: ``LISTING`` or ``LISTING_OFFER_ONLY`` (None: ``LISTING``).
    """
    requirements = requirements or "LISTING"
    if requirements == "LISTING_OFFER_ONLY" and product_type != "PRODUCT":
        # Amazon takes offer-only listings of any product type; its schema is PRODUCT's.
        product_type = "PRODUCT"
    data = product_type_data.PRODUCT_TYPES.get(product_type)
    if data is None or requirements not in data["requirements"]:
        return [
            issue(
                "4000003",
                "The Amazon product type specified is invalid or not supported.",
                category="INVALID_PRODUCT_TYPE",
            )
        ]
    issues = []
    for marketplace_id in marketplace_ids:
        validator = _validator(product_type, marketplace_id, requirements)
        titles = {
            name: prop.get("title") or name
            for name, prop in validator.schema["properties"].items()
        }
        for error in validator.iter_errors(attributes):
            path = list(error.absolute_path)
            if error.validator == "required" and not path:
                for name in error.validator_value:
                    if name not in attributes:
                        issues.append(
                            issue(
                                "90220",
                                f"'{titles.get(name, name)}' is required but not "
                                "supplied.",
                                name,
                                "MISSING_ATTRIBUTE",
                            )
                        )
                continue
            name = str(path[0]) if path else "attributes"
            issues.append(
                issue(
                    "4000001",
                    f"The provided value for '{titles.get(name, name)}' is invalid.",
                    name,
                )
            )
    issues += _catalog_issues(state, product_type, attributes, marketplace_ids)
    unique = {}
    for found in issues:
        unique.setdefault(
            (found["code"], tuple(found.get("attributeNames") or ())), found
        )
    return list(unique.values())


def _catalog_issues(state, product_type, attributes, marketplace_ids):
    issues = []
    gated = set(getattr(state, "gated_brands", None) or GATED_BRANDS)
    for entry in attributes.get("brand") or ():
        if isinstance(entry, dict) and entry.get("value") in gated:
            issues.append(
                issue(
                    "5665",
                    f"You need approval to list products of brand "
                    f"'{entry['value']}' in this category. Apply in Seller Central "
                    "(Catalog > Add Products > Selling application status).",
                    "brand",
                    "QUALIFICATION_REQUIRED",
                )
            )
            break
    if product_type == "PRODUCT":
        catalog = catalogdata.catalog(state)
        for entry in attributes.get("merchant_suggested_asin") or ():
            asin = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(asin, str) and asin not in catalog:
                issues.append(
                    issue(
                        "8541",
                        f"The ASIN '{asin}' does not exist in the Amazon catalog for "
                        f"marketplace {', '.join(marketplace_ids)}.",
                        "merchant_suggested_asin",
                    )
                )
    return issues
